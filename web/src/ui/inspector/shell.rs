//! The Shell pane: a terminal in the namespace of the hop on screen, as of that hop. The
//! engine worker runs each line (`live::shell`, the interpreter `packetwalk shell` runs),
//! formats what the terminal prints and completes Tab's line; it is stateless, so this side
//! keeps the little a terminal needs: the namespace `enter` moved to, the history, the
//! newest request. A static skeleton, plain DOM and one thread-local, no component or
//! signal of its own: the page's first load has a strict size budget (README, "The site").
//! The keys come from the page's one keydown listener (`lesson.rs`), which hands the
//! shell's input here before the player sees them.

use crate::markup::esc;
use js_sys::Array;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, KeyboardEvent};

/// The pane, written once: the output (a live log, so screen readers read each answer)
/// and the input line, whose prompt and label [`show`] keeps current.
pub const SKELETON: &str = "<div class=\"term log\" role=\"log\" aria-live=\"polite\" aria-label=\"Shell output\" tabindex=\"0\"><pre id=\"shell-output\" data-testid=\"shell-output\"><span class=\"sh-hint\">A shell in the hop's namespace, as of the hop on screen: step, and the next command sees the new state. Try ip route, iptables-save -t nat, conntrack -L, enter NAME, help. Tab completes, ↑ recalls, Esc leaves.</span>\n</pre></div><label class=\"term line\"><span class=\"prompt\" id=\"shell-prompt\" data-testid=\"shell-prompt\"></span><input id=\"shell-input\" data-testid=\"shell-input\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" enterkeyhint=\"send\"></label>";

#[derive(Default)]
struct Term {
    /// The hop on screen and its namespace.
    here: String,
    hop: usize,
    /// The namespace `enter` moved to; empty: the hop's own.
    entered: String,
    history: Vec<String>,
    /// Where ↑/↓ stands in the history (its length: the line being typed).
    at: usize,
    /// The newest request's number (answers to older ones are dropped), its line, and
    /// whether it still waits.
    seq: u32,
    sent: String,
    waiting: bool,
}

thread_local! {
    static TERM: RefCell<Term> = RefCell::new(Term::default());
}

/// A line for the engine: its number (negative, so it never meets a walk's), where and as
/// of which hop it runs, the line, and whether it is Tab's completion.
pub struct Line {
    pub seq: f64,
    pub netns: String,
    pub hop: usize,
    pub line: String,
    pub complete: bool,
}

fn by_id<T: JsCast>(id: &str) -> Option<T> {
    document().get_element_by_id(id)?.dyn_into().ok()
}

/// A lesson's stage opens its shell in the hop's namespace.
pub fn start() {
    TERM.with(|t| t.borrow_mut().entered.clear());
}

/// The hop on screen is `hop`, in `here` (the inspector calls it as the learner steps):
/// the prompt and the input's name say where and as of when the next line runs.
pub fn show(here: &str, hop: usize) {
    let netns = TERM.with(|t| {
        let t = &mut *t.borrow_mut();
        (t.here, t.hop) = (here.to_string(), hop);
        if t.entered.is_empty() {
            t.here.clone()
        } else {
            t.entered.clone()
        }
    });
    if let Some(p) = by_id::<Element>("shell-prompt") {
        p.set_text_content(Some(&format!("root@{netns}:~# ")));
    }
    if let Some(i) = by_id::<Element>("shell-input") {
        let _ = i.set_attribute("aria-label", &format!("shell in {netns}, as of hop {hop}"));
    }
}

/// Add to the output (HTML, escaped); the log's CSS keeps its end in view.
fn print(html: &str) {
    if let Some(pre) = by_id::<Element>("shell-output") {
        let _ = pre.insert_adjacent_html("beforeend", html);
    }
}

/// A key typed in the shell's input: `None` when it was typed elsewhere (the player's,
/// then); otherwise the line to ask the engine, if any.
pub fn key(ev: &KeyboardEvent) -> Option<Option<Line>> {
    let input = ev.target()?.dyn_into::<HtmlInputElement>().ok()?;
    if input.get_attribute("id").as_deref() != Some("shell-input") {
        return None;
    }
    let (key, value) = (ev.key(), input.value());
    let clear = ev.ctrl_key() && key == "l" || key == "Enter" && value.trim() == "clear";
    if !clear
        && !matches!(
            key.as_str(),
            "Enter" | "Tab" | "ArrowUp" | "ArrowDown" | "Escape"
        )
    {
        return Some(None);
    }
    ev.prevent_default();
    Some(TERM.with(|t| {
        let t = &mut *t.borrow_mut();
        match key.as_str() {
            _ if clear => {
                input.set_value("");
                if let Some(pre) = by_id::<Element>("shell-output") {
                    pre.set_inner_html("");
                }
                return None;
            }
            "Escape" => {
                let _ = input.blur();
                return None;
            }
            "ArrowUp" | "ArrowDown" => {
                t.at = match key.as_str() {
                    "ArrowUp" => t.at.saturating_sub(1),
                    _ => (t.at + 1).min(t.history.len()),
                };
                input.set_value(t.history.get(t.at).map_or("", String::as_str));
                return None;
            }
            // Tab completes the line's last word (the cursor is taken to be at its end).
            "Tab" => {}
            _ => {
                input.set_value("");
                if t.history.last() != Some(&value) && !value.trim().is_empty() {
                    t.history.push(value.clone());
                }
                t.at = t.history.len();
            }
        }
        t.seq += 1;
        t.sent.clone_from(&value);
        t.waiting = true;
        Some(Line {
            seq: -f64::from(t.seq) - 1.0,
            netns: if t.entered.is_empty() {
                &t.here
            } else {
                &t.entered
            }
            .clone(),
            hop: t.hop,
            line: value,
            complete: key == "Tab",
        })
    }))
}

/// The worker's answer, `["shell", seq, out, err, netns, exit, start, completions, html,
/// completed]` (src/bin/engine.rs), or `[seq, message]` when it failed on the way
/// (`[null, message]`: whatever line waits).
pub fn answer(data: &Array) {
    let failed = data.length() == 2;
    let seq = data.get(u32::from(!failed)).as_f64();
    let Some(sent) = TERM.with(|t| {
        let t = &mut *t.borrow_mut();
        let mine = t.waiting && seq.is_none_or(|n| n == -f64::from(t.seq) - 1.0);
        t.waiting &= !mine;
        mine.then(|| t.sent.clone())
    }) else {
        return;
    };
    if failed {
        let why = data.get(1).as_string().unwrap_or_default();
        return print(&format!("<span class=\"err\">{}</span>\n", esc(&why)));
    }
    print(&data.get(8).as_string().unwrap_or_default());
    if let (Some(line), Some(input)) = (
        data.get(9).as_string(),
        by_id::<HtmlInputElement>("shell-input"),
    ) {
        // Filled in only while the line is still the one completed.
        if input.value() == sent {
            input.set_value(&line);
        }
        return;
    }
    // `exit` leaves for the hop's namespace; `enter` pins the one it moved to.
    let (netns, exit) = (data.get(4).as_string(), data.get(5).as_bool() == Some(true));
    let (here, hop) = TERM.with(|t| {
        let t = &mut *t.borrow_mut();
        match netns {
            _ if exit => t.entered.clear(),
            Some(n) => t.entered = if n == t.here { String::new() } else { n },
            None => {}
        }
        (t.here.clone(), t.hop)
    });
    show(&here, hop);
}
