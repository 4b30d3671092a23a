//! Predict, then reveal. With Predict on, moving forward stops before each decisive hop
//! (the lesson file says which; the engine's run gives the question, its right answer and
//! the wrong choices) and asks first; the answer reveals the hop, says whether it was right
//! and why, with the decision as evidence. The score is kept in the browser
//! (`localStorage`), per lesson and per set of changes; nothing leaves the machine.
//!
//! The questions come with the engine's answers (the embedded walks leave them out to keep
//! the first load small), so Predict asks once the engine has run the lesson.

use super::erase::text;
use super::state::{Held, Player, Written};
use crate::model::Checkpoint;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const STORE: &str = "packetwalk.predict";

/// What Predict keeps between events: plain data in one place, not signals (each signal
/// type costs the first load code; `Gate::asking` and `Gate::on` are the watched parts).
#[derive(Default)]
struct Kept {
    /// The walk's hops still held (questions not yet answered), while Predict is on.
    held: Vec<usize>,
    /// This walk's answers: the hop, and whether rightly.
    answers: Vec<(u32, bool)>,
    /// The answer just given (hop, choice), revealed while its hop is on the stage.
    last: Option<(u32, usize)>,
}

thread_local! {
    static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::new(Kept::default());
}

fn kept<R>(f: impl FnOnce(&mut Kept) -> R) -> R {
    KEPT.with(|k| f(&mut k.borrow_mut()))
}

/// The first held hop in `(from, to]`: a forward move stops before it.
pub fn first_held(from: usize, to: usize) -> Option<usize> {
    kept(|k| {
        k.held
            .iter()
            .copied()
            .filter(|&h| h > from && h <= to)
            .min()
    })
}

/// Put the keyboard on the question's first choice once it is drawn.
pub fn focus_choice() {
    request_animation_frame(|| {
        let first = document()
            .query_selector("[data-testid=predict] .choice")
            .ok()
            .flatten();
        if let Some(b) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = b.focus();
        }
    });
}

/// The questions of the walk on the stage (tracked).
fn questions(p: Player, written: Written) -> Vec<Checkpoint> {
    let own = |e: &crate::model::LessonEntry| {
        e.body
            .as_ref()
            .ok()
            .and_then(|b| b.walks.first())
            .map(|w| w.checkpoints.clone())
            .unwrap_or_default()
    };
    let live = p.lesson.with_value(|l| match &l.held {
        Held::Live(_) => Some(own(l.entry())),
        Held::Site(..) => None,
    });
    live.unwrap_or_else(|| {
        written
            .0
            .with(|a| a.as_ref().and_then(|a| a.entry.as_ref()).map(own))
            .unwrap_or_default()
    })
}

/// Which walk the answers belong to: the lesson and what the learner changed.
fn key(p: Player) -> String {
    let live = p.live();
    let id = p.lesson.with_value(|l| l.entry().id.clone());
    format!(
        "{id}?{}&{}",
        live.settings.join(","),
        live.edit.unwrap_or_default()
    )
}

/// The answers kept for the walk `key`, one `localStorage` item per walk: `26:1 28:0`
/// (hop, and whether rightly).
fn load(key: &str) -> Vec<(u32, bool)> {
    let v = storage().and_then(|s| s.get_item(&format!("{STORE}:{key}")).ok().flatten());
    v.unwrap_or_default()
        .split(' ')
        .filter_map(|a| {
            let (h, r) = a.split_once(':')?;
            Some((h.parse().ok()?, r == "1"))
        })
        .collect()
}

fn save(key: &str, answers: &[(u32, bool)]) {
    let Some(s) = storage() else { return };
    let v: Vec<String> = answers
        .iter()
        .map(|(h, r)| format!("{h}:{}", u8::from(*r)))
        .collect();
    let _ = s.set_item(&format!("{STORE}:{key}"), &v.join(" "));
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The score so far (at the walk's end, with a way to start over).
pub fn score_html(answers: &[(u32, bool)], total: usize, end: bool) -> String {
    let right = answers.iter().filter(|a| a.1).count();
    let said = if answers.is_empty() {
        format!("The walk stops before {total} decisive hops and asks you first.")
    } else {
        format!(
            "{right} of {} predicted right ({total} questions in this walk).",
            answers.len()
        )
    };
    let again = if end && !answers.is_empty() {
        "<button class=\"button\" data-act=\"again\" data-testid=\"predict-again\">Start over</button>"
    } else {
        ""
    };
    format!("<p class=\"predict-score\" data-testid=\"predict-score\"><strong>Predict</strong> · {said}</p>{again}")
}

#[component]
pub fn Predict(written: Written) -> impl IntoView {
    let p = expect_context::<Player>();
    let gate = p.gate;
    // Bumped when the kept answers change, so the card is drawn again.
    let version = RwSignal::new(0u32);
    kept(|k| {
        k.answers = load(&key(p));
        k.last = None;
    });
    // The held hops: every question not yet answered, while Predict is on.
    Effect::new(move |_| {
        let on = gate.on.get();
        let _ = version.get();
        let qs = if on {
            questions(p, written)
        } else {
            Vec::new()
        };
        kept(|k| {
            k.held = qs
                .iter()
                .filter(|q| !k.answers.iter().any(|a| a.0 == q.hop))
                .map(|q| q.hop as usize)
                .collect();
        });
        if !on {
            gate.asking.set(0);
        }
    });
    let markup = move || {
        let _ = version.get();
        if !gate.on.get() {
            return String::new();
        }
        let qs = questions(p, written);
        if qs.is_empty() {
            return "<p class=\"predict-score\" data-testid=\"predict-score\"><strong>Predict</strong> · the questions come with the engine; it is loading.</p>".into();
        }
        let find = |h: usize| qs.iter().find(|q| q.hop as usize == h);
        if let Some(q) = find(gate.asking.get()) {
            return q.ask.clone();
        }
        let step = p.step.get();
        let end = step + 1 >= p.len.get();
        let (answers, last) = kept(|k| (k.answers.clone(), k.last));
        let reveal = last
            .and_then(|(h, c)| Some((find(h as usize)?, c)))
            .filter(|(q, _)| step == q.hop as usize)
            .and_then(|(q, c)| q.reveals.get(c).cloned());
        match reveal {
            Some(r) if end => r + &score_html(&answers, qs.len(), true),
            Some(r) => r,
            None => score_html(&answers, qs.len(), end),
        }
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-i],[data-act]").ok().flatten())
        else {
            return;
        };
        if el.get_attribute("data-act").as_deref() == Some("again") {
            kept(|k| {
                k.answers.clear();
                k.last = None;
            });
            save(&key(p), &[]);
            version.update(|v| *v += 1);
            p.go(0);
            return;
        }
        let h = gate.asking.get_untracked();
        let i = el
            .get_attribute("data-i")
            .and_then(|i| i.parse::<usize>().ok());
        let q = questions(p, written)
            .into_iter()
            .find(|q| q.hop as usize == h);
        let (Some(i), Some(q)) = (i, q) else {
            return;
        };
        let answers = kept(|k| {
            k.answers.push((q.hop, i == q.right as usize));
            k.last = Some((q.hop, i));
            k.held.retain(|&x| x != h);
            k.answers.clone()
        });
        save(&key(p), &answers);
        gate.asking.set(0);
        version.update(|v| *v += 1);
        p.go(h);
    };
    view! {
        <section class="predict" data-testid="predict" aria-live="polite" aria-label="Predict" inner_html=text(markup) on:click=super::erase::on_click(click)></section>
    }
}
