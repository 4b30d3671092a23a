//! The controls: restart, back, play/pause, next, speed; the hop timeline (ticks coloured by
//! what happened, grouped by the packet's leg) with a slider for keyboards and screen
//! readers.

use super::erase::{flag, on_click, on_event, text, Handler};
use super::state::Player;
use crate::markup::esc;
use crate::model::Hop;
use crate::playback::{Move, SPEEDS};
use leptos::ev::MouseEvent;
use leptos::prelude::*;

/// Runs of consecutive hops with the same leg: (leg, first hop, count).
pub fn legs(names: &[&str]) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.0 == *n => last.2 += 1,
            _ => out.push((n.to_string(), i, 1)),
        }
    }
    out
}

/// The timeline's colours, explained (the same classes colour the event in the narration).
const KEY: &str = "<span><i class=\"k-app\"></i>send, deliver</span><span><i class=\"k-l2\"></i>link, bridge</span><span><i class=\"k-arp\"></i>ARP</span><span><i class=\"k-route\"></i>route</span><span><i class=\"k-nf\"></i>iptables</span><span><i class=\"k-nat\"></i>NAT, conntrack</span><span><i class=\"k-vxlan\"></i>VXLAN</span><span><i class=\"k-fabric\"></i>cloud fabric</span><span><i class=\"k-dns\"></i>DNS</span><span><i class=\"k-drop\"></i>drop</span>";

/// Icons: SVG path data on a 16×16 grid.
const RESTART: &str = "M8 2.5a5.5 5.5 0 1 1-5.5 5.5h2A3.5 3.5 0 1 0 8 4.5V7L4.5 3.5 8 0z";
const BACK: &str = "M3 2h2v12H3zM14 2v12L6 8z";
const PLAY: &str = "M4 2v12l10-6z";
const PAUSE: &str = "M3 2h4v12H3zM9 2h4v12H9z";
const NEXT: &str = "M2 2v12l8-6zM11 2h2v12h-2z";

fn icon(path: &str) -> String {
    format!("<svg viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\"><path fill=\"currentColor\" d=\"{path}\"/></svg>")
}

#[component]
pub fn Controls() -> impl IntoView {
    let p = expect_context::<Player>();
    let step = p.step;
    let last = move || p.len.get().saturating_sub(1);
    let speed_options: String = SPEEDS
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            format!(
                "<option value=\"{i}\"{}>{label}</option>",
                if i == 1 { " selected" } else { "" }
            )
        })
        .collect();
    let button = |id: &'static str,
                  label: Signal<String>,
                  icon: Signal<String>,
                  disabled: Signal<bool>,
                  click: Handler<MouseEvent>| {
        view! { <button class="icon-button" data-testid=id aria-label=label title=label disabled=disabled on:click=click inner_html=icon></button> }
    };
    let fixed = |s: &str| {
        let s = s.to_string();
        text(move || s.clone())
    };
    let play = on_click(move |_| {
        if !p.playing.get_untracked() && step.get_untracked() >= last() {
            p.go(0);
        }
        p.playing.update(|x| *x = !*x)
    });
    view! {
        <div class="controls" role="group" aria-label="Playback">
            <div class="buttons">
                {button("restart", fixed("Restart (Home)"), fixed(&icon(RESTART)), flag(|| false), on_click(move |_| p.step_by(Move::First)))}
                {button("back", fixed("Back one hop (←)"), fixed(&icon(BACK)), flag(move || step.get() == 0), on_click(move |_| p.step_by(Move::Back)))}
                {button("play", text(move || if p.playing.get() { "Pause (space)" } else { "Play (space)" }.to_string()), text(move || icon(if p.playing.get() { PAUSE } else { PLAY })), flag(|| false), play)}
                {button("next", fixed("Next hop (→)"), fixed(&icon(NEXT)), flag(move || step.get() >= last()), on_click(move |_| p.step_by(Move::Next)))}
                <p class="position" data-testid="position">
                    <span class="now">{text(move || format!("#{}", step.get()))}</span>
                    <span class="of">{text(move || format!(" of {} hops", p.len.get()))}</span>
                </p>
                <label class="speed">
                    <span>"Speed"</span>
                    <select on:change=on_event(move |ev| p.speed.set(event_target_value(&ev).parse().unwrap_or(1))) inner_html=speed_options></select>
                </label>
            </div>
            <Timeline/>
        </div>
    }
}

/// `part` of `whole` as a CSS percentage with two decimals (no float formatting).
pub fn percent(part: usize, whole: usize) -> String {
    let bp = part * 10_000 / whole.max(1);
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// The ticks of a walk, one per hop, coloured by what happened.
pub fn ticks_html(hops: &[&Hop]) -> String {
    let mut ticks = String::new();
    for (i, h) in hops.iter().enumerate() {
        ticks += &format!(
            "<span class=\"tick {}\" title=\"#{i} {}\"></span>",
            h.class(),
            esc(&format!("{} · {}", h.label, h.at.netns))
        );
    }
    ticks
}

#[component]
fn Timeline() -> impl IntoView {
    let p = expect_context::<Player>();
    let strip = NodeRef::<leptos::html::Div>::new();
    let ticks = text(move || {
        let walk = p.walk.get();
        p.lesson.with_value(|l| ticks_html(&l.hops(walk)))
    });
    // The packet's legs above the ticks, each as wide as its hops: a grid whose columns
    // are the legs' hop counts.
    let legs_view = move |cells: bool| {
        text(move || {
            let walk = p.walk.get();
            p.lesson.with_value(|l| {
                let names: Vec<&str> = l.hops(walk).iter().map(|h| h.leg.as_str()).collect();
                let runs = legs(&names);
                if !cells {
                    return runs
                        .iter()
                        .map(|r| format!("{}fr", r.2))
                        .collect::<Vec<_>>()
                        .join(" ");
                }
                runs.iter()
                    .enumerate()
                    .map(|(i, (leg, _, _))| {
                        format!(
                            "<span class=\"leg {}\" title=\"{}\">{}</span>",
                            if i % 2 == 0 { "out" } else { "back" },
                            esc(leg),
                            esc(leg)
                        )
                    })
                    .collect()
            })
        })
    };
    let at = move |i: usize| percent(i, p.len.get());
    view! {
        <div class="timeline" data-testid="timeline">
            <div class="legs" aria-hidden="true" style:grid-template-columns=legs_view(false) inner_html=legs_view(true)></div>
            <div class="ticks" aria-hidden="true" node_ref=strip on:click=on_click(move |ev| {
                if let Some(el) = strip.get() {
                    let r = el.get_bounding_client_rect();
                    let f = ((f64::from(ev.client_x()) - r.left()) / r.width().max(1.0)).clamp(0.0, 0.999);
                    p.playing.set(false);
                    p.go((f * p.len.get_untracked() as f64) as usize);
                }
            })>
                <div class="tick-row" inner_html=ticks></div>
                <div class="progress" style:left=text(move || at(p.step.get() + 1))></div>
                <div class="cursor" style:left=text(move || at(p.step.get())) style:width=text(move || at(1))></div>
            </div>
            <input
                class="scrub"
                type="range"
                min="0"
                aria-label="Hop"
                aria-valuetext=text(move || p.with_hop(|_, h| format!("hop {} of {}: {} at {}", p.step.get(), p.len.get(), h.label, h.at.netns)).unwrap_or_default())
                max=text(move || p.len.get().saturating_sub(1).to_string())
                prop:value=text(move || p.step.get().to_string())
                on:input=on_event(move |ev| {
                    p.playing.set(false);
                    p.go(event_target_value(&ev).parse().unwrap_or(0));
                })
            />
            <p class="key" aria-hidden="true" inner_html=KEY></p>
        </div>
    }
}
