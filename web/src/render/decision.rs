//! The Decision pane: the decision card (HTML the engine rendered, `digest::card`), then
//! the rows this hop added to the namespace's tables.

use crate::markup::{el, esc};
use crate::model::Hop;
use std::fmt::Write as _;

/// The Decision pane: the decision card, then the rows the hop changed.
pub fn decision_html(hop: &Hop) -> String {
    let mut out = String::new();
    out.push_str(&hop.decision);
    if !hop.changes.is_empty() {
        let _ = write!(
            out,
            "<div class=\"card-d\">{}",
            el("h3", "", "Tables this hop changed")
        );
        out.push_str("<ul class=\"changes\">");
        for c in &hop.changes {
            let _ = write!(
                out,
                "<li>{}<code>{}</code></li>",
                el("span", "k", &format!("{} · {}", c.netns, c.table.name())),
                esc(&c.line)
            );
        }
        out.push_str("</ul></div>");
    }
    if out.is_empty() {
        out.push_str("<p class=\"empty\">Nothing to decide at this hop.</p>");
    }
    out
}
