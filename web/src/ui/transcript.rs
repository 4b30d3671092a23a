//! The whole lesson as text, hop by hop: what happened where, the packet as tcpdump prints
//! it, the lesson's words and the engine's explanation. Readable without the animation and
//! by a screen reader; a hop's heading opens the animation at that hop.

use super::erase::{flag, on_click, text};
use super::narration::outcome_html;
use super::state::Player;
use crate::markup::esc;
use crate::model::LessonBody;
use crate::render::story::{headline, story};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Walk `walk` of a lesson as text.
pub fn transcript_html(body: &LessonBody, walk: usize) -> String {
    let mut out = String::from("<ol class=\"t-list\">");
    for (i, h) in body.walk_hops(walk).into_iter().enumerate() {
        out += &format!(
            "<li class=\"t-hop\"><h3><button class=\"linkish\" data-hop=\"{i}\" title=\"Show this hop in the animation\">{}</button></h3>",
            headline(i, h)
        );
        if let Some(pk) = body.packet(h) {
            out += &format!("<p class=\"tcpdump\"><code>{}</code></p>", esc(&pk.tcpdump));
        }
        out += &story(h);
        out += "</li>";
    }
    out += "</ol>";
    if let Some(w) = body.walks.get(walk) {
        out += &outcome_html(&w.outcome);
    }
    out
}

#[component]
pub fn Transcript() -> impl IntoView {
    let p = expect_context::<Player>();
    // Written only while shown.
    let markup = text(move || {
        if p.transcript.get() {
            p.lesson
                .with_value(|l| transcript_html(l.body(), p.walk.get()))
        } else {
            String::new()
        }
    });
    // One listener for every hop's button: it names its hop in `data-hop`.
    let open = move |ev: leptos::ev::MouseEvent| {
        let hop = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-hop]").ok().flatten())
            .and_then(|e| e.get_attribute("data-hop"))
            .and_then(|h| h.parse::<usize>().ok());
        if let Some(i) = hop {
            p.transcript.set(false);
            p.go(i);
        }
    };
    view! {
        <section class="transcript" data-testid="transcript" aria-label="Transcript" hidden=flag(move || !p.transcript.get())>
            <h2>"Transcript"</h2>
            <div on:click=on_click(open) inner_html=markup></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transcript_has_every_hop_and_the_outcome() {
        let site = crate::digest::site();
        let body = site.lesson("same-node").unwrap().body.as_ref().unwrap();
        let html = transcript_html(body, 0);
        assert_eq!(
            html.matches("<li class=\"t-hop\">").count(),
            body.walks[0].hops.len()
        );
        assert!(html.contains("data-testid=\"outcome\""));
    }
}
