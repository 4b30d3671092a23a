//! The inspector for the current hop: the packet's headers, the decision the kernel took,
//! the namespace's tables, and a shell in it; one pane at a time, picked with a segmented
//! control.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | the panes; the header tree and the decision card come as HTML text from `render` |
//! | [`shell`] | a shell in the hop's namespace as of the hop, run by the engine worker |
//! | [`tables`] | the namespace's tables as the tools print them, in a terminal |

pub mod shell;
pub mod tables;

use super::erase::{flag, on_click, text};
use super::state::{Player, Written};
use crate::model::Hop;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Packet,
    Decision,
    Tables,
    Shell,
}

const PANES: [(Pane, &str, &str); 4] = [
    (Pane::Packet, "Packet", "pane-packet"),
    (Pane::Decision, "Decision", "pane-decision"),
    (Pane::Tables, "Tables", "pane-tables"),
    (Pane::Shell, "Shell", "pane-shell"),
];

/// Did anything in these headers change since the packet's previous hop?
fn changed(layers: &[crate::model::Layer]) -> bool {
    layers.iter().any(|l| {
        l.mark != crate::model::Mark::Same
            || l.fields.iter().any(|f| f.mark != crate::model::Mark::Same)
            || changed(&l.inner)
    })
}

#[component]
pub fn Inspector() -> impl IntoView {
    let p = expect_context::<Player>();
    let Written(written) = expect_context::<Written>();
    let pane = RwSignal::new(Pane::Packet);
    shell::start();
    // The embedded walk leaves its decisions to the engine (`digest::embedded_site`): the
    // lesson as written, run by the engine, has the same hops with theirs.
    let full = move |step: usize, f: &dyn Fn(&Hop) -> String| {
        written.with(|w| {
            let b = w.as_ref()?.entry.as_ref()?.body.as_ref().ok()?;
            b.walk_hops(0).get(step).map(|h| f(h))
        })
    };
    let has = move |which: Pane| {
        p.with_hop(|l, h| match which {
            Pane::Packet => l.body().packet(h).is_some_and(|pk| changed(&pk.layers)),
            Pane::Decision => {
                !h.decision.is_empty()
                    || !h.changes.is_empty()
                    || full(p.step.get(), &|h| h.decision.clone()).is_some_and(|d| !d.is_empty())
            }
            Pane::Tables => h.changes.iter().any(|c| c.netns == h.at.netns),
            Pane::Shell => false,
        })
        .unwrap_or(false)
    };
    let buttons = PANES
        .iter()
        .map(|&(which, label, id)| {
            view! {
                <button
                    class=text(move || format!("seg{}", if has(which) { " has" } else { "" }))
                    data-testid=format!("show-{id}")
                    aria-pressed=text(move || (pane.get() == which).to_string())
                    on:click=on_click(move |_| pane.set(which))
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let markup = text(move || {
        let which = pane.get();
        p.with_hop(|l, hop| match which {
            Pane::Packet => crate::render::packet::packet_html(l.body().packet(hop)),
            Pane::Decision if hop.decision.is_empty() && l.body().texts.is_empty() => {
                full(p.step.get(), &crate::render::decision::decision_html).unwrap_or_else(|| {
                    "<p class=\"hint\">Loading the decision: it comes with the engine, a moment after the page.</p>".to_string() + &crate::render::decision::decision_html(hop)
                })
            }
            Pane::Decision => crate::render::decision::decision_html(hop),
            // The shell's skeleton stays (its output is the learner's); this closure is the
            // one that follows the hop, so it tells the shell where it now is.
            Pane::Shell => {
                shell::show(&hop.at.netns, p.step.get());
                String::new()
            }
            Pane::Tables => String::new(),
        })
        .unwrap_or_default()
    });
    view! {
        <section class="inspector" aria-label="Inspector" data-testid="inspector">
            <div class="segmented" role="group" aria-label="Show">{buttons}</div>
            <div class="pane">
                <div class="markup" data-testid=text(move || if pane.get() == Pane::Packet { "pane-packet" } else { "pane-decision" }.to_string()) hidden=flag(move || matches!(pane.get(), Pane::Tables | Pane::Shell)) inner_html=markup></div>
                <tables::TablesPane shown=flag(move || pane.get() == Pane::Tables)/>
                <div class="shell" data-testid="shell" hidden=flag(move || pane.get() != Pane::Shell) inner_html=shell::SKELETON></div>
            </div>
        </section>
    }
}
