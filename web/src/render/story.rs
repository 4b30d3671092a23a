//! A hop in words: its headline (number, event, place, leg) and its story (the lesson's
//! narration, then the engine's explanation); lesson prose with `code`.

use crate::markup::{el, esc};
use crate::model::{At, Hop, PlaceKind};
use std::fmt::Write as _;

/// `worker-node-1 › frontend · eth0@if5 (out)`.
pub fn place(at: &At) -> String {
    let mut s = match &at.node {
        Some(n) if *n != at.netns => format!("{n} › {}", at.netns),
        _ if at.place == PlaceKind::Fabric => "the Azure VNet".to_string(),
        _ => at.netns.clone(),
    };
    if let Some(d) = &at.device {
        s += &format!(" · {d}");
    }
    if !at.direction.is_empty() {
        s += &format!(" ({})", at.direction);
    }
    s
}

/// A hop's heading: its number, what happened, where, and the packet's leg.
pub fn headline(index: usize, hop: &Hop) -> String {
    format!(
        "<span class=\"hop-no\">#{index}</span>{}{}{}",
        el("span", &format!("event {}", hop.class()), &hop.label),
        el("span", "where", &place(&hop.at)),
        el("span", "leg-chip", &hop.leg)
    )
}

/// The lesson's words (if any) and the engine's explanation.
pub fn story(hop: &Hop) -> String {
    let mut out = String::new();
    if let Some(n) = &hop.narration {
        let _ = write!(
            out,
            "<div class=\"story prose\" data-testid=\"story\">{}</div>",
            prose(n)
        );
    }
    if !hop.explain.is_empty() {
        let _ = write!(
            out,
            "<p class=\"why\" data-testid=\"why\"><span class=\"why-label\">Why</span>{}</p>",
            esc(&hop.explain)
        );
    }
    out
}

/// Paragraphs of lesson prose: blank lines split them, wrapped lines are joined, and
/// `backticks` become code.
pub fn prose(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n") {
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined.is_empty() {
            continue;
        }
        out.push_str("<p>");
        for (i, run) in joined.split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{}</code>", esc(run));
            } else {
                out.push_str(&esc(run));
            }
        }
        out.push_str("</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_joins_wrapped_lines_splits_paragraphs_and_marks_code() {
        assert_eq!(
            prose("A pod is\nnot a container.\n\nRun `ip route` <here>."),
            "<p>A pod is not a container.</p><p>Run <code>ip route</code> &lt;here&gt;.</p>"
        );
        assert_eq!(prose("\n\n"), "");
    }

    #[test]
    fn a_place_names_node_namespace_device_and_direction() {
        let at = At {
            node: Some("worker-node-1".into()),
            netns: "frontend".into(),
            device: Some("eth0@if5".into()),
            direction: "out".into(),
            place: crate::model::PlaceKind::Netns,
        };
        assert_eq!(place(&at), "worker-node-1 › frontend · eth0@if5 (out)");
        let fabric = At {
            node: None,
            netns: "azure:vnet".into(),
            device: None,
            direction: String::new(),
            place: PlaceKind::Fabric,
        };
        assert_eq!(place(&fabric), "the Azure VNet");
    }
}
