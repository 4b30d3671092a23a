//! Find the break, on the page: the card the engine rendered (`live::challenge`) shown in
//! the workbench, and a guess revealed in place (the reveals are in the card, hidden). A
//! solved challenge is remembered in `localStorage`; nothing leaves the machine.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Put the card in when it changed (a guess already revealed stays revealed meanwhile).
pub fn show(root: &Element, html: &str) {
    let Some(card) = root
        .query_selector("[data-testid=challenge]")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    if card.get_attribute("data-html-len").as_deref() != Some(&html.len().to_string()) {
        card.set_inner_html(html);
        let _ = card.set_attribute("data-html-len", &html.len().to_string());
    }
    card.set_hidden(html.is_empty());
}

/// A guess (or "show me"): its reveal shown, the others hidden; a right one remembered.
pub fn guess(root: &Element, button: &Element, lesson: &str) {
    let i = button.get_attribute("data-i").unwrap_or_default();
    for j in 0..32 {
        let Some(r) = root
            .query_selector(&format!("[data-reveal=\"{j}\"]"))
            .ok()
            .flatten()
            .and_then(|r| r.dyn_into::<HtmlElement>().ok())
        else {
            break;
        };
        r.set_hidden(j.to_string() != i);
    }
    let n = button
        .closest("[data-challenge]")
        .ok()
        .flatten()
        .and_then(|g| g.get_attribute("data-challenge"));
    if let (Some("1"), Some(n)) = (button.get_attribute("data-right").as_deref(), n) {
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(&format!("packetwalk.challenge:{lesson}:{n}"), "solved");
        }
    }
}
