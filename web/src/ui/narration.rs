//! The hop in words: where the packet is, the lesson's story for this hop, and the engine's
//! explanation of what the kernel decided (rendered at build time); the run's outcome at
//! its end.

use super::erase::text;
use super::state::Player;
use crate::markup::esc;
use crate::model::{Hop, Outcome};
use crate::render::story::{headline, prose, story};
use leptos::prelude::*;

/// The outcome of a walk, as a closing line.
pub fn outcome_html(o: &Outcome) -> String {
    let (class, head) = if o.completed {
        ("outcome ok", "Done: ")
    } else {
        ("outcome failed", "The walk ends here: ")
    };
    format!(
        "<p class=\"{class}\" data-testid=\"outcome\"><strong>{head}</strong>{}</p>",
        esc(&o.text)
    )
}

/// The narration of a hop (`outcome` given at the walk's end; the lesson's intro at its
/// first hop, so the learner starts with it).
pub fn narration_html(index: usize, hop: &Hop, outcome: Option<&Outcome>, intro: &str) -> String {
    let mut out = String::new();
    if index == 0 && !intro.is_empty() {
        out += &format!("<div class=\"intro prose\" data-testid=\"intro\"><h2 class=\"intro-head\">Before you start</h2>{}</div>", prose(intro));
    }
    out += &format!(
        "<h2 class=\"hop-head\" data-testid=\"hop-head\">{}</h2>{}",
        headline(index, hop),
        story(hop)
    );
    if let Some(o) = outcome {
        out += &outcome_html(o);
    }
    out
}

#[component]
pub fn Narration() -> impl IntoView {
    let p = expect_context::<Player>();
    let markup = move || {
        let (step, walk) = (p.step.get(), p.walk.get());
        p.with_hop(|l, hop| {
            let w = l.body().walks.get(walk);
            let end = w
                .filter(|w| step + 1 == w.hops.len() || w.outcome.hop == Some(step as u32))
                .map(|w| &w.outcome);
            narration_html(step, hop, end, &l.entry().intro)
        })
        .unwrap_or_default()
    };
    view! { <section class="narration" aria-live="polite" aria-label="This hop" data-testid="narration" inner_html=text(markup)></section> }
}
