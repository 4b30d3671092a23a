//! The workbench above the stage: "Break it" (switches named by the real settings, which
//! combine freely), "Edit" (the lesson's TOML, re-run as the learner types) and the
//! Predict mode's switch (`predict`). Both go
//! through the engine worker (`engine`); the URL holds what they changed, so a reload or a
//! shared link opens the same cluster. The stage shows the engine's walk once it answers.
//!
//! Built for the first load's size budget: the panel is one static piece of HTML, the
//! switch list comes from the worker as HTML, one effect writes what changes into the DOM
//! and three handlers (click, change, input) read the element the event came from.

use super::engine::{offer, Answer, Ask, Engine, Source, Status};
use super::state::{set_fragment, RouteCtx, Written};
use crate::deep_link::{self, Live, Route};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

/// Does this answer show what the URL asks for this lesson?
pub fn answers(a: &Answer, id: &str, live: &Live) -> bool {
    a.failure.is_none()
        && a.ask.lesson == id
        && a.ask.settings == live.settings
        && a.head.packed == live.edit.clone().unwrap_or_default()
}

/// The settings with the switch `name@at` set to `value`, or left out when `value` is the
/// lesson's own (`own`).
pub fn with_setting(
    settings: &[String],
    name: &str,
    at: &str,
    own: &str,
    value: &str,
) -> Vec<String> {
    let key = if at.is_empty() {
        name.to_string()
    } else {
        format!("{name}@{at}")
    };
    let mut out: Vec<String> = settings
        .iter()
        .filter(|s| key_of(s) != key)
        .cloned()
        .collect();
    if value != own {
        out.push(if at.is_empty() {
            format!("{name}={value}")
        } else {
            format!("{name}={value}@{at}")
        });
    }
    out
}

/// `NAME=VALUE@WHERE` → `NAME@WHERE`.
fn key_of(setting: &str) -> String {
    let (name, rest) = setting.split_once('=').unwrap_or((setting, ""));
    match rest.split_once('@') {
        Some((_, at)) => format!("{name}@{at}"),
        None => name.to_string(),
    }
}

/// The panel, before anything is known: tabs, the status line, the two panels.
const SKELETON: &str = r#"<div class="workbench-tabs"><button class="button" data-act="break" data-testid="open-break" aria-controls="panel-break" aria-expanded="false">Break it</button><button class="button" data-act="edit" data-testid="open-edit" aria-controls="panel-edit" aria-expanded="false">Edit the cluster</button><button class="button" data-act="pcap" data-testid="download-pcap" title="The walk on screen as a capture file for Wireshark" hidden>Download .pcapng</button><button class="button" data-act="predict" data-testid="predict-toggle" aria-pressed="false" title="Stop before the decisive hops and guess first">Predict</button><button class="button" data-act="reset" data-testid="reset" hidden>Back to the lesson as written</button><p class="engine-status" data-testid="engine-status" role="status" aria-live="polite"></p></div><section class="challenge-card" data-testid="challenge" aria-label="Find the break" hidden></section><div id="panel-break" class="panel" data-testid="panel-break" hidden><p class="hint">Each switch is a real setting, and packet.from and packet.to send your own packet; they combine, and the walk re-runs at once.</p><ul class="switches" data-testid="switches"></ul></div><div id="panel-edit" class="panel" data-testid="panel-edit" hidden><p class="hint">The lesson file, as the engine runs it. Edit it: every change re-runs; a mistake is shown with its line and field, and the walk stays the last one that ran. Nothing leaves your browser.</p><div class="editor-tools"><label class="button file">Open a lesson file…<input type="file" accept=".toml,text/plain" data-act="open" data-testid="open-file"></label><button class="button" data-act="download" data-testid="download">Download this file</button><button class="button" data-act="grow" data-what="node" data-testid="add-node">Add a node</button><button class="button" data-act="grow" data-what="pod" data-testid="add-pod">Add a pod</button><button class="button" data-act="grow" data-what="service" data-testid="add-service">Add a Service</button></div><p class="notice error" role="alert" data-testid="edit-error" hidden></p><label class="editor-label" for="lesson-toml">Lesson file (TOML)</label><textarea id="lesson-toml" class="editor" data-testid="editor" spellcheck="false" rows="24"></textarea></div>"#;

fn find(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector).ok()??.dyn_into().ok()
}

/// The element an event came from.
/// The editor's text as the learner has it.
fn editor_text(root: &Element) -> String {
    find(root, "textarea")
        .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

fn origin(ev: &web_sys::Event) -> Option<Element> {
    ev.target()?.dyn_into().ok()
}

fn step_of(route: Route) -> usize {
    match route {
        Route::Lesson { step, .. } => step.unwrap_or(0),
        Route::Home => 0,
    }
}

#[component]
pub fn Workbench(lesson: String, live: Memo<Live>, gate: super::state::Gate) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let RouteCtx(route) = expect_context::<RouteCtx>();
    let Written(written) = expect_context::<Written>();
    let id = StoredValue::new(lesson);
    let root = NodeRef::<leptos::html::Section>::new();
    // The newest good answer about this lesson (kept while the next change runs).
    let known = StoredValue::new(None::<Arc<Answer>>);
    // The learner has typed in the editor: the engine's copy of the file no longer
    // overwrites theirs.
    let typed = StoredValue::new(false);
    let fresh = StoredValue::new(false);
    // Leptos rebuilds the next lesson's page in place and this section's old handlers can
    // still fire after this component is gone: then they do nothing.
    let gone = move || {
        id.is_disposed() || typed.is_disposed() || live.try_with_untracked(|_| ()).is_none()
    };
    let go = move |next: Live, push: bool| {
        let fragment = deep_link::format(&id.get_value(), step_of(route.get_untracked()), &next);
        set_fragment(&fragment, route, push);
    };

    // Ask for what the URL holds: at once when the learner changed something, otherwise
    // once the page is idle after its first frame (for the switches and the file).
    Effect::new(move |_| {
        let want = live.get();
        engine.note.set(String::new());
        let done = engine.answer.with_untracked(|a| {
            a.as_ref()
                .is_some_and(|a| answers(a, &id.get_value(), &want))
        }) || typed.get_value() && want.edit.is_some();
        let ask = Ask {
            lesson: id.get_value(),
            settings: want.settings.clone(),
            source: want
                .edit
                .clone()
                .map(Source::Packed)
                .unwrap_or(Source::Embedded),
        };
        match (done, want.is_empty()) {
            (true, _) => {}
            // The lesson as written, for its switches, its file and its table texts.
            (false, true) if written.with_untracked(Option::is_none) => set_timeout(
                move || {
                    if !gone() {
                        engine.ask(ask)
                    }
                },
                Duration::from_millis(400),
            ),
            (false, true) => {}
            (false, false) => engine.ask(ask),
        }
    });

    // Everything that changes, written into the panel.
    Effect::new(move |_| {
        let answer = engine.answer.get();
        let status = engine.status.get();
        let live = live.get();
        let Some(root) = root.get() else { return };
        let root: &Element = &root;
        // Leptos rebuilds the next lesson's page in place, keeping what this effect wrote
        // into the previous one: start from the skeleton.
        if !fresh.get_value() {
            fresh.set_value(true);
            root.set_inner_html(SKELETON);
        }
        let mine = answer.as_ref().filter(|a| a.ask.lesson == id.get_value());
        if let Some(a) = mine.filter(|a| a.failure.is_none() && a.head.error.is_empty()) {
            // An edit that ran: the URL now carries it (replaced, not pushed: typing must not
            // flood the history).
            if matches!(a.ask.source, Source::Text(_)) {
                let edit = (!a.head.packed.is_empty()).then(|| a.head.packed.clone());
                if live.edit != edit || live.settings != a.ask.settings {
                    go(
                        Live {
                            settings: a.ask.settings.clone(),
                            edit,
                        },
                        false,
                    );
                }
            }
            if let Some(list) = find(root, ".switches") {
                list.set_inner_html(&a.head.switches);
            }
            super::challenge::show(root, &a.head.challenge);
            if !typed.get_value() {
                if let Some(t) =
                    find(root, "textarea").and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                {
                    t.set_value(&a.head.toml);
                }
            }
            known.set_value(Some(a.clone()));
        }
        let error = mine.map(|a| a.head.error.clone()).unwrap_or_default();
        if let Some(e) = find(root, "[data-testid=edit-error]") {
            e.set_text_content(Some(&error));
            e.set_hidden(error.is_empty());
        }
        let note = engine.note.get();
        let text = match (mine.and_then(|a| a.failure.as_ref()), status) {
            (Some(f), _) => format!(
                "The engine could not run this: {f}. The walk shown is the last one that ran."
            ),
            (None, Status::Loading) => "Loading the engine…".into(),
            (None, Status::Busy) => "Running your change…".into(),
            (None, Status::Ready) if !live.is_empty() => {
                let edited = if live.edit.is_some() { "your edit" } else { "" };
                let and = if live.edit.is_some() && !live.settings.is_empty() {
                    ", with "
                } else {
                    ""
                };
                // A challenge's number says nothing of the break; the rest is the learner's.
                let own: Vec<&str> = live
                    .settings
                    .iter()
                    .map(String::as_str)
                    .filter(|s| !s.starts_with("challenge="))
                    .collect();
                if own.len() < live.settings.len() && own.is_empty() && live.edit.is_none() {
                    "Find the break: something in this cluster is broken.".to_string()
                } else {
                    format!("Showing {edited}{and}{}", own.join(", "))
                }
            }
            _ => String::new(),
        };
        let text = if note.is_empty() || mine.is_some_and(|a| a.failure.is_some()) {
            text
        } else {
            note
        };
        if let Some(s) = find(root, ".engine-status") {
            s.set_text_content(Some(&text));
        }
        if let Some(b) = find(root, "[data-act=pcap]") {
            b.set_hidden(!matches!(status, Status::Ready | Status::Busy));
        }
        if let Some(r) = find(root, "[data-act=reset]") {
            r.set_hidden(live.is_empty());
        }
    });

    let click = move |ev: leptos::ev::MouseEvent| {
        if gone() {
            return;
        }
        let Some(el) = origin(&ev).and_then(|e| e.closest("[data-act]").ok().flatten()) else {
            return;
        };
        let Some(root) = root.get_untracked() else {
            return;
        };
        match el.get_attribute("data-act").as_deref() {
            Some(tab @ ("break" | "edit")) => {
                let opening = el.get_attribute("aria-expanded").as_deref() != Some("true");
                for other in ["break", "edit"] {
                    let on = opening && other == tab;
                    if let Some(b) = find(&root, &format!("[data-act={other}]")) {
                        let _ = b.set_attribute("aria-expanded", if on { "true" } else { "false" });
                    }
                    if let Some(p) = find(&root, &format!("#panel-{other}")) {
                        p.set_hidden(!on);
                    }
                }
            }
            Some("predict") => {
                let on = !gate.on.get_untracked();
                gate.on.set(on);
                let _ = el.set_attribute("aria-pressed", if on { "true" } else { "false" });
                el.set_text_content(Some(if on { "Stop predicting" } else { "Predict" }));
            }
            Some("guess") => super::challenge::guess(&root, &el, &id.get_value()),
            Some("reset") => {
                typed.set_value(false);
                go(Live::default(), true);
            }
            Some("grow") => {
                let (lesson, source) = (id.get_value(), Source::Text(editor_text(&root)));
                let ask = Ask {
                    lesson,
                    settings: Vec::new(),
                    source,
                };
                engine.grow(&ask, &el.get_attribute("data-what").unwrap_or_default());
            }
            Some("download") => {
                let body = editor_text(&root);
                let _ = offer(
                    &format!("{}.toml", id.get_value()),
                    &body.into(),
                    "application/toml",
                );
            }
            // The walk on screen: what the URL holds (an edit gets there once it ran).
            Some("pcap") => {
                let now = live.get_untracked();
                let lesson = id.get_value();
                let name = format!("{lesson}.pcapng");
                let source = now.edit.map(Source::Packed).unwrap_or(Source::Embedded);
                engine.pcap(
                    &Ask {
                        lesson,
                        settings: now.settings,
                        source,
                    },
                    name,
                );
            }
            _ => {}
        }
    };
    // The editor's text, run once the learner pauses.
    let pending = StoredValue::new(0u32);
    let run = move |t: String| {
        typed.set_value(true);
        let n = pending.with_value(|p| p + 1);
        pending.set_value(n);
        set_timeout(
            move || {
                if !gone() && pending.get_value() == n {
                    let settings = live.get_untracked().settings;
                    engine.ask(Ask {
                        lesson: id.get_value(),
                        settings,
                        source: Source::Text(t),
                    });
                }
            },
            Duration::from_millis(250),
        );
    };
    let input = move |ev: leptos::ev::Event| {
        if !gone() {
            run(event_target_value(&ev))
        }
    };
    let change = move |ev: leptos::ev::Event| {
        if gone() {
            return;
        }
        let Some(el) = origin(&ev) else { return };
        if let Ok(file_input) = el.clone().dyn_into::<web_sys::HtmlInputElement>() {
            let Some(file) = file_input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // Read in the page; nothing is uploaded.
            let root = root.get_untracked();
            let read = Closure::once(move |t: JsValue| {
                if gone() {
                    return;
                }
                let t = t.as_string().unwrap_or_default();
                if let Some(area) = root
                    .as_ref()
                    .and_then(|r| find(r, "textarea"))
                    .and_then(|a| a.dyn_into::<HtmlTextAreaElement>().ok())
                {
                    area.set_value(&t);
                }
                run(t);
            });
            let _ = file.text().then(&read);
            read.forget();
            return;
        }
        let attr = |n: &str| el.get_attribute(n).unwrap_or_default();
        if el.tag_name() == "SELECT" {
            let now = live.get_untracked();
            let value = event_target_value(&ev);
            let settings = with_setting(
                &now.settings,
                &attr("data-name"),
                &attr("data-at"),
                &attr("data-own"),
                &value,
            );
            go(
                Live {
                    settings,
                    edit: now.edit,
                },
                true,
            );
        }
    };
    view! {
        <section class="workbench" aria-label="Change the cluster" node_ref=root inner_html=SKELETON on:click=click on:change=change on:input=input></section>
    }
}

#[cfg(test)]
#[path = "workbench_tests.rs"]
mod tests;
