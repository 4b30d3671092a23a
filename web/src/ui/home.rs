//! The lesson list: every lesson with its summary and the articles it follows.

use super::state::SiteCtx;
use crate::markup::{el, esc};
use crate::model::Site;
use leptos::prelude::*;

/// The lesson cards.
pub fn cards_html(site: &Site) -> String {
    let mut out = String::new();
    for (i, l) in site.lessons.iter().enumerate() {
        let hops = l
            .body
            .as_ref()
            .ok()
            .and_then(|b| b.walks.first())
            .map(|w| w.hops.len())
            .unwrap_or(0);
        let meta = if hops > 0 {
            format!("{hops} hops")
        } else {
            "cannot be shown".to_string()
        };
        out += &format!(
            "<li class=\"card{}\" data-testid=\"lesson-{id}\"><a href=\"#/{id}/0\"><span class=\"card-no\">{:02}</span>{}</a>{}{}{}</li>",
            if l.body.is_err() { " broken" } else { "" },
            i + 1,
            el("h3", "", &l.title),
            el("p", "summary", &l.summary),
            el("p", "meta", &meta),
            if l.follows.is_empty() { String::new() } else { el("p", "follows", &format!("Follows: {}", l.follows.join(" · "))) },
            id = esc(&l.id),
        );
    }
    out
}

/// Find the break: every lesson's challenges, each a link that opens the lesson broken.
pub fn challenges_html(site: &Site) -> String {
    let mut out = String::new();
    for l in &site.lessons {
        let n = l
            .body
            .as_ref()
            .ok()
            .and_then(|b| b.walks.first())
            .map_or(0, |w| w.challenges);
        if n == 0 {
            continue;
        }
        let links: String = (0..n)
            .map(|i| format!(" <a href=\"#/{id}/0?set=challenge={i}\" data-testid=\"challenge-{id}-{i}\">{}</a>", i + 1, id = esc(&l.id)))
            .collect();
        out += &format!("<li>{}:{links}</li>", esc(&l.title));
    }
    if out.is_empty() {
        return out;
    }
    format!("<h2 class=\"list-title\">Find the break</h2><p class=\"summary\">Each challenge opens a lesson with one real setting broken, without saying which. Step through, read the decisions and the tables, and name it.</p><ul class=\"challenges\" data-testid=\"challenge-list\">{out}</ul>")
}

/// The whole lesson list page, with a message when a link pointed nowhere.
pub fn home_html(notice: Option<&str>, site: &Site) -> String {
    let notice = notice
        .map(|n| {
            format!(
                "<p class=\"notice\" role=\"alert\" data-testid=\"notice\">{}</p>",
                esc(n)
            )
        })
        .unwrap_or_default();
    format!(
        "{notice}<section class=\"intro-block\"><h1>Follow one packet through a Kubernetes cluster</h1><p>Each lesson builds a small cluster and sends one packet across it. Step through every hop: the headers as they change, the route, ARP, bridge and iptables decisions that moved it, and the tables as <code>ip</code>, <code>iptables-save</code> and <code>conntrack</code> print them.</p></section><h2 class=\"list-title\">Lessons</h2><ol class=\"cards\" data-testid=\"lesson-list\">{}</ol>{}",
        cards_html(site),
        challenges_html(site)
    )
}

#[component]
pub fn Home(notice: Option<String>) -> impl IntoView {
    let SiteCtx(site) = expect_context::<SiteCtx>();
    let site = site.get_untracked();
    document().set_title("packetwalk: one packet through a Kubernetes cluster");
    view! { <main class="page home" id="main" inner_html=home_html(notice.as_deref(), &site)></main> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_has_a_card_linking_to_its_first_hop() {
        let site = crate::digest::site();
        let html = home_html(Some("There is no lesson called “x”."), &site);
        for l in &site.lessons {
            assert!(html.contains(&format!("href=\"#/{}/0\"", l.id)));
        }
        assert!(html.contains("data-testid=\"notice\""));
    }
}
