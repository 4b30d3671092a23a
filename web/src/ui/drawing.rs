//! The cluster as SVG: every shape the layout placed, the wires, the path travelled so far,
//! and the packet, which glides along the wires from hop to hop (or jumps, when the browser
//! asks for reduced motion). The packet is drawn as its layers nested one in the other, so
//! an encapsulated packet is visibly wrapped. [`Drawing`] owns the signals; each layer is a
//! small component that takes signals and returns a `<g>`.

use super::erase::text;
use super::state::{reduced_motion, Player};
use crate::layout::geometry::{along, Point};
use crate::layout::{unit, Kind, Layout, Shape};
use crate::markup::esc;
use crate::playback::{glide_ms, SPEEDS};
use leptos::prelude::*;
use std::fmt::Write as _;
use std::sync::Arc;

/// Where a shape's words go: (x, y, text, class, centred).
fn labels(s: &Shape) -> Vec<(i32, i32, String, &'static str, bool)> {
    let r = s.rect;
    let (x, y, cx, cy) = (
        unit(r.x),
        unit(r.y),
        unit(r.x + r.w / 2.0),
        unit(r.y + r.h / 2.0) + 4,
    );
    match s.kind {
        Kind::Node | Kind::Host => vec![
            (x + 12, y + 19, s.title.clone(), "t-title", false),
            (x + 12, y + 34, s.detail.clone(), "t-detail", false),
        ],
        Kind::Pod => vec![
            (x + 8, y + 16, s.title.clone(), "t-pod", false),
            (x + 8, y + 30, s.detail.clone(), "t-detail", false),
        ],
        Kind::Bridge => vec![(x + 10, cy, s.title.clone(), "t-dev", false)],
        Kind::Vnet => {
            let mut v = vec![(x + 12, y + 30, s.title.clone(), "t-title-small", false)];
            v.extend(
                s.lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (x + 12, y + 46 + 14 * i as i32, l.clone(), "t-mono", false)),
            );
            v
        }
        Kind::Lan => vec![(x, y + 22, s.title.clone(), "t-detail", false)],
        _ => vec![(cx, cy, s.title.clone(), "t-dev", true)],
    }
}

fn kind_class(k: Kind) -> &'static str {
    match k {
        Kind::Node => "s-node",
        Kind::Pod => "s-pod",
        Kind::Container => "s-ctr",
        Kind::Pause => "s-pause",
        Kind::Device => "s-dev",
        Kind::Bridge => "s-bridge",
        Kind::Vtep => "s-vtep",
        Kind::Stack => "s-stack",
        Kind::Host => "s-host",
        Kind::Vnet => "s-vnet",
        Kind::Lan => "s-lan",
    }
}

/// Is this shape drawn under the wires and the path travelled (boxes, the bridge), or over
/// them (devices, containers, the IP layer)?
fn underneath(k: Kind) -> bool {
    matches!(
        k,
        Kind::Node | Kind::Host | Kind::Vnet | Kind::Lan | Kind::Pod | Kind::Bridge
    )
}

/// The drawing's fixed part as SVG markup, in two layers: the boxes and the wires (under
/// the path travelled), and the devices (over it).
pub fn static_markup(l: &Layout) -> [String; 2] {
    let mut layers = [String::new(), String::new()];
    for s in &l.shapes {
        let out = &mut layers[usize::from(!underneath(s.kind))];
        let r = s.rect;
        let radius = match s.kind {
            Kind::Node | Kind::Host | Kind::Vnet => 12,
            Kind::Pod => 9,
            _ => 5,
        };
        let _ = write!(
            out,
            "<g class=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{radius}\"/>",
            kind_class(s.kind),
            esc(&s.name),
            unit(r.x),
            unit(r.y),
            unit(r.w),
            unit(r.h)
        );
        for (x, y, t, c, mid) in labels(s) {
            let anchor = if mid { " text-anchor=\"middle\"" } else { "" };
            let _ = write!(
                out,
                "<text x=\"{x}\" y=\"{y}\" class=\"{c}\"{anchor}>{}</text>",
                esc(&t)
            );
        }
        out.push_str("</g>");
    }
    for w in &l.wires {
        let _ = write!(
            layers[0],
            "<line class=\"wire {}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            if w.cable { "cable" } else { "kernel" },
            unit(w.a.x),
            unit(w.a.y),
            unit(w.b.x),
            unit(w.b.y)
        );
    }
    layers
}

/// A highlight around a shape, grown by `pad`: SVG path data for a rounded rectangle.
pub fn ring(l: &Layout, shape: Option<usize>, pad: f64, r: i32) -> String {
    let Some(s) = shape.and_then(|i| l.shapes.get(i)) else {
        return String::new();
    };
    let (x, y, w, h) = (
        unit(s.rect.x - pad),
        unit(s.rect.y - pad),
        unit(s.rect.w + 2.0 * pad),
        unit(s.rect.h + 2.0 * pad),
    );
    format!("M{} {y}h{}a{r} {r} 0 0 1 {r} {r}v{}a{r} {r} 0 0 1 -{r} {r}h-{}a{r} {r} 0 0 1 -{r} -{r}v-{}a{r} {r} 0 0 1 {r} -{r}z", x + r, w - 2 * r, h - 2 * r, w - 2 * r, h - 2 * r)
}

#[component]
pub fn Drawing() -> impl IntoView {
    let p = expect_context::<Player>();
    let layout: Arc<Layout> = p.lesson.with_value(|l| l.layout.clone());
    // Each hop's place on the drawing, and whether its leg goes back (recomputed where
    // read: a few hundred lookups, cheaper in WASM than a memo of its own type).
    let stops = {
        let layout = layout.clone();
        move || {
            let walk = p.walk.get();
            p.lesson.with_value(|l| {
                let mut legs: Vec<&str> = Vec::new();
                l.hops(walk)
                    .iter()
                    .map(|h| {
                        if legs.last() != Some(&h.leg.as_str()) {
                            legs.push(&h.leg);
                        }
                        (
                            layout.anchor(&h.at, h.container.as_deref()).unwrap_or(0),
                            legs.len().is_multiple_of(2),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        }
    };
    let trail = |back: usize| {
        let (layout, stops) = (layout.clone(), stops.clone());
        text(move || layout.trail(&stops(), p.step.get())[back].clone())
    };
    let ring_of = |device: bool| {
        let layout = layout.clone();
        text(move || {
            p.with_hop(|_, h| {
                if device {
                    ring(&layout, layout.device_shape(&h.at), 3.0, 6)
                } else {
                    ring(&layout, layout.scope_shape(&h.at.netns), 0.0, 10)
                }
            })
            .unwrap_or_default()
        })
    };

    // The packet's position: set per frame while it glides. The outside world here is the
    // animation clock, so this is an effect.
    let start =
        untrack(|| stops().get(p.step.get()).map(|s| layout.point(s.0))).unwrap_or_default();
    let pos = RwSignal::new(start);
    let frame = NodeRef::<leptos::html::Div>::new();
    let shown = StoredValue::new((p.walk.get_untracked(), p.step.get_untracked()));
    let generation = StoredValue::new(0u32);
    {
        let (layout, stops) = (layout.clone(), stops.clone());
        Effect::new(move |_| {
            let (walk, step) = (p.walk.get(), p.step.get());
            let Some((from_walk, from_step)) = shown.try_get_value() else {
                return;
            };
            shown.set_value((walk, step));
            let s = stops();
            let (Some(to), from) = (s.get(step).map(|x| x.0), s.get(from_step).map(|x| x.0)) else {
                return;
            };
            let neighbour = from_walk == walk && from_step.abs_diff(step) == 1;
            let path = match from {
                Some(f) if neighbour && !reduced_motion() => layout.path(f, to),
                _ => Vec::new(),
            };
            generation.update_value(|g| *g += 1);
            let at = layout.point(to);
            follow(
                frame,
                at.x / layout.width.max(1.0),
                at.y / layout.height.max(1.0),
            );
            if path.len() < 2 {
                pos.set(layout.point(to));
                return;
            }
            let ms = glide_ms(SPEEDS[p.speed.get_untracked().min(SPEEDS.len() - 1)].1);
            glide(
                Arc::new(path),
                now(),
                ms,
                pos,
                generation,
                generation.get_value(),
            );
        });
    }

    let glyph = move || {
        p.with_hop(|l, h| l.body().packet(h).map(crate::render::packet::glyph))
            .flatten()
            .unwrap_or_default()
    };
    let width = layout.width;
    let label = move || {
        p.with_hop(|_, h| {
            format!(
                "The cluster. Hop {}: {} at {}",
                p.step.get(),
                h.label,
                h.at.netns
            )
        })
        .unwrap_or_default()
    };
    let view_box = format!("0 0 {} {}", unit(layout.width), unit(layout.height));
    let [under, over] = static_markup(&layout);
    let (scope, device) = (ring_of(false), ring_of(true));
    view! {
        // The zoom is three radio buttons and CSS (`.drawing-box:has(...)`): no code in the
        // first load, and the keyboard works as for any radio group. "Readable" (the
        // default) draws the smallest label 12 px tall, whatever the screen; "Fit" shows the
        // whole cluster at once, smaller.
        <div class="drawing-box">
        <div inner_html=ZOOM></div>
        // Focusable: where the drawing is larger than its frame it scrolls, and the keyboard
        // must reach it too (WCAG 2.1.1): the arrow keys pan it while it has focus.
        <div class="drawing-frame" data-testid="drawing" node_ref=frame tabindex="0" role="region" aria-label="The cluster drawing (arrow keys pan)">
            <svg class="drawing" viewBox=view_box role="img" aria-label=text(label) style:--natural=format!("{}px", unit(width))>
                <Fixed class="under" markup=under/>
                <Outline class="hl-scope" d=scope/>
                <Trail out=trail(0) back=trail(1)/>
                <Fixed class="over" markup=over/>
                <Outline class="hl-device" d=device/>
                <PacketGlyph at=text(move || { let q = pos.get(); format!("translate({} {})", unit(q.x), unit(q.y)) }) glyph=text(glyph)/>
            </svg>
        </div>
        </div>
    }
}

/// The zoom control, as markup (cheaper in the first load than a view of its own).
const ZOOM: &str = "<fieldset class=\"zoom\" data-testid=\"zoom\"><legend>Zoom</legend>\
<label><input type=\"radio\" name=\"zoom\" value=\"fit\">Fit</label>\
<label><input type=\"radio\" name=\"zoom\" value=\"read\" checked>Readable</label>\
<label><input type=\"radio\" name=\"zoom\" value=\"large\">Large</label></fieldset>";

/// A fixed layer of the drawing: shapes and wires, as markup.
#[component]
fn Fixed(class: &'static str, markup: String) -> impl IntoView {
    view! { <g class=class inner_html=markup></g> }
}

/// An outline around the current device or namespace (path data; empty draws nothing).
#[component]
fn Outline(class: &'static str, d: Signal<String>) -> impl IntoView {
    view! { <g><path class=class d=d/></g> }
}

/// The path travelled so far: out in one colour, back in another.
#[component]
fn Trail(out: Signal<String>, back: Signal<String>) -> impl IntoView {
    view! {
        <g class="trails">
            <path class="trail out" d=out/>
            <path class="trail back" d=back/>
        </g>
    }
}

/// The packet, drawn as its layers, where `at` puts it.
#[component]
fn PacketGlyph(at: Signal<String>, glyph: Signal<String>) -> impl IntoView {
    view! { <g class="packet" data-testid="packet" transform=at inner_html=glyph></g> }
}

/// Where the drawing is larger than its frame it scrolls: keep the packet (at fractions
/// `x`, `y` of the drawing's size) in view. The frame's CSS makes the scroll smooth, unless
/// the browser asks for reduced motion.
fn follow(frame: NodeRef<leptos::html::Div>, x: f64, y: f64) {
    let Some(el) = frame.get_untracked() else {
        return;
    };
    let keep = |view: i32, full: i32, scrolled: i32, at: f64| {
        let (view, full, scrolled) = (f64::from(view), f64::from(full), f64::from(scrolled));
        let at = at * full;
        (full > view + 1.0 && (at < scrolled + 60.0 || at > scrolled + view - 60.0))
            .then(|| (at - view / 2.0).max(0.0) as i32)
    };
    if let Some(left) = keep(el.client_width(), el.scroll_width(), el.scroll_left(), x) {
        el.set_scroll_left(left);
    }
    if let Some(top) = keep(el.client_height(), el.scroll_height(), el.scroll_top(), y) {
        el.set_scroll_top(top);
    }
}

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// One frame of a glide along `path`; stops when a newer glide started or the drawing is gone.
fn glide(
    path: Arc<Vec<Point>>,
    start: f64,
    ms: f64,
    pos: RwSignal<Point>,
    generation: StoredValue<u32>,
    mine: u32,
) {
    if generation.try_get_value() != Some(mine) {
        return;
    }
    let t = ((now() - start) / ms).clamp(0.0, 1.0);
    let eased = t * t * (3.0 - 2.0 * t);
    if pos.try_set(along(&path, eased)).is_some() {
        return;
    }
    if t < 1.0 {
        request_animation_frame(move || glide(path, start, ms, pos, generation, mine));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_markup_names_every_device_of_the_lesson() {
        let site = crate::digest::site();
        let body = site.lesson("clusterip").unwrap().body.as_ref().unwrap();
        let l = crate::layout::layout(&body.topology);
        let svg = static_markup(&l).concat();
        for d in [
            "eth0@if5",
            "veth2900dfab@if2",
            "cni0",
            "flannel.1",
            "worker-node-2",
            "backend-3",
            "pause",
            "192.168.1.10/24",
        ] {
            assert!(svg.contains(d), "{d} is missing from the drawing");
        }
        assert_eq!(svg.matches("<g ").count(), l.shapes.len());
        assert_eq!(svg.matches("<line ").count(), l.wires.len());
    }
}
