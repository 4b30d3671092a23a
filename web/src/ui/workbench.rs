//! The workbench above the stage: "Break it" (switches named by the real settings, which
//! combine freely) and "Edit" (the lesson's TOML, re-run as the learner types). Both go
//! through the engine worker (`engine`); the URL holds what they changed, so a reload or a
//! shared link opens the same cluster. The stage shows the engine's walk once it answers.

use super::engine::{Answer, Ask, Engine, Source, Status};
use super::erase::{flag, on_click, on_event, text};
use super::state::{set_fragment, RouteCtx};
use crate::deep_link::{self, Live, Route};
use crate::model::SwitchRow;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Does this answer show what the URL asks for this lesson?
pub fn answers(a: &Answer, id: &str, live: &Live) -> bool {
    a.failure.is_none()
        && a.ask.lesson == id
        && a.ask.settings == live.settings
        && a.head.packed == live.edit.clone().unwrap_or_default()
}

/// The settings with `key` (`NAME@WHERE`) set to `value`, or left out when `value` is the
/// lesson's own.
pub fn with_setting(settings: &[String], row: &SwitchRow, value: &str) -> Vec<String> {
    let mut out: Vec<String> = settings
        .iter()
        .filter(|s| key_of(s) != row.key)
        .cloned()
        .collect();
    if row.values.first().map(String::as_str) != Some(value) {
        out.push(match &row.at {
            Some(at) => format!("{}={value}@{at}", row.name),
            None => format!("{}={value}", row.name),
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

fn ask_for(id: &str, live: &Live) -> Ask {
    Ask {
        lesson: id.to_string(),
        settings: live.settings.clone(),
        source: live
            .edit
            .clone()
            .map(Source::Packed)
            .unwrap_or(Source::Embedded),
    }
}

#[component]
pub fn Workbench(lesson: String, live: Memo<Live>) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let RouteCtx(route) = expect_context::<RouteCtx>();
    let id = StoredValue::new(lesson);
    let open = RwSignal::new(None::<String>);
    // The newest answer about this lesson with its switches and file (kept while the
    // learner's next change runs, so the panel does not flicker).
    let known = RwSignal::new(None::<Answer>);
    let typed = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(a) = engine.answer.get() {
            if a.ask.lesson == id.get_value() && a.failure.is_none() && a.head.error.is_empty() {
                // An edit that ran: the URL now carries it (replaced, not pushed: typing
                // must not flood the history).
                if matches!(a.ask.source, Source::Text(_)) {
                    let now = live.get_untracked();
                    let edit = (!a.head.packed.is_empty()).then(|| a.head.packed.clone());
                    if now.edit != edit || now.settings != a.ask.settings {
                        let step = step_of(route.get_untracked());
                        let next = Live {
                            settings: a.ask.settings.clone(),
                            edit,
                        };
                        set_fragment(
                            &deep_link::format(&id.get_value(), step, &next),
                            route,
                            false,
                        );
                    }
                }
                known.set(Some(a));
            }
        }
    });
    // Ask for what the URL holds: at once when the learner changed something, otherwise
    // once the page is idle after its first frame (for the switches and the file).
    Effect::new(move |_| {
        let want = live.get();
        let ask = ask_for(&id.get_value(), &want);
        let done = engine.answer.with_untracked(|a| {
            a.as_ref()
                .is_some_and(|a| answers(a, &id.get_value(), &want))
        }) || typed.get_untracked().is_some() && want.edit.is_some();
        if done {
            return;
        }
        if want.is_empty() && known.get_untracked().is_none() {
            set_timeout(move || engine.ask(ask), Duration::from_millis(400));
        } else if !want.is_empty() {
            engine.ask(ask);
        }
    });

    let status = move || {
        let failure = engine.answer.with(|a| {
            a.as_ref()
                .filter(|a| a.ask.lesson == id.get_value())
                .and_then(|a| a.failure.clone())
        });
        if let Some(f) = failure {
            return format!(
                "The engine could not run this: {f}. The walk shown is the last one that ran."
            );
        }
        match engine.status.get() {
            Status::Idle => String::new(),
            Status::Loading => "Loading the engine…".into(),
            Status::Busy => "Running your change…".into(),
            Status::Ready if live.get().is_empty() => String::new(),
            Status::Ready => changed_summary(&known.get()),
        }
    };
    // One handler for the three buttons (one copy of the event code: the size budget).
    let click = on_click(move |ev| {
        let Some(name) = data_of(ev.target(), "tab") else {
            return;
        };
        if name == "reset" {
            typed.set(None);
            let step = step_of(route.get_untracked());
            let fragment = deep_link::format(&id.get_value(), step, &Live::default());
            return set_fragment(&fragment, route, true);
        }
        open.update(|o| {
            *o = if o.as_deref() == Some(&name) {
                None
            } else {
                Some(name)
            }
        });
    });
    let expanded =
        |name: &'static str| text(move || (open.get().as_deref() == Some(name)).to_string());
    let shut = |name: &'static str| flag(move || open.get().as_deref() != Some(name));
    view! {
        <section class="workbench" aria-label="Change the cluster">
            <div class="workbench-tabs" on:click=click>
                <button class="button" data-tab="break" data-testid="open-break" aria-controls="panel-break" aria-expanded=expanded("break")>"Break it"</button>
                <button class="button" data-tab="edit" data-testid="open-edit" aria-controls="panel-edit" aria-expanded=expanded("edit")>"Edit the cluster"</button>
                <button class="button" data-tab="reset" data-testid="reset" hidden=flag(move || live.get().is_empty())>"Back to the lesson as written"</button>
                <p class="engine-status" data-testid="engine-status" role="status" aria-live="polite">{text(status)}</p>
            </div>
            <div id="panel-break" class="panel" data-testid="panel-break" hidden=shut("break")>
                <BreakIt id=id live=live known=known/>
            </div>
            <div id="panel-edit" class="panel" data-testid="panel-edit" hidden=shut("edit")>
                <Editor id=id live=live known=known typed=typed/>
            </div>
        </section>
    }
}

/// The `data-NAME` of the element an event came from, or of its nearest ancestor with one.
fn data_of(target: Option<web_sys::EventTarget>, name: &str) -> Option<String> {
    let el: web_sys::Element = target?.dyn_into().ok()?;
    el.closest(&format!("[data-{name}]"))
        .ok()??
        .get_attribute(&format!("data-{name}"))
}

fn step_of(route: Route) -> usize {
    match route {
        Route::Lesson { step, .. } => step.unwrap_or(0),
        Route::Home => 0,
    }
}

fn changed_summary(a: &Option<Answer>) -> String {
    let Some(a) = a else { return String::new() };
    let what = match (a.ask.settings.is_empty(), a.head.packed.is_empty()) {
        (false, false) => "your edit, with ",
        (true, false) => "your edit",
        _ => "",
    };
    format!("Showing {what}{}", a.ask.settings.join(", "))
}

/// The switches as HTML (one string, not a component per switch: the size budget), with
/// one handler for all their menus.
pub fn switches_html(rows: &[SwitchRow], settings: &[String]) -> String {
    use crate::markup::esc;
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let now = settings
                .iter()
                .find(|s| key_of(s) == r.key)
                .and_then(|s| s.split_once('='))
                .map(|(_, v)| v.split('@').next().unwrap_or(v))
                .or(r.values.first().map(String::as_str))
                .unwrap_or_default();
            let options: String = r
                .values
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    format!(
                        "<option value=\"{0}\"{1}>{0}{2}</option>",
                        esc(v),
                        if v == now { " selected" } else { "" },
                        if j == 0 { " (as written)" } else { "" }
                    )
                })
                .collect();
            let at = r.at.as_ref().map(|a| format!(" on {}", esc(a))).unwrap_or_default();
            format!(
                "<li class=\"switch\"><label><code>{}</code><span class=\"at\">{at}</span><select data-row=\"{i}\" data-testid=\"switch-{}\">{options}</select></label><p class=\"explain\">{}</p></li>",
                esc(&r.name),
                esc(&r.key),
                esc(&r.explain)
            )
        })
        .collect()
}

#[component]
fn BreakIt(
    id: StoredValue<String>,
    live: Memo<Live>,
    known: RwSignal<Option<Answer>>,
) -> impl IntoView {
    let RouteCtx(route) = expect_context::<RouteCtx>();
    let html = text(move || {
        let settings = live.get().settings;
        known.with(|a| {
            a.as_ref()
                .map(|a| switches_html(&a.head.switches, &settings))
                .unwrap_or_default()
        })
    });
    let change = on_event(move |ev| {
        let Some(i) = data_of(ev.target(), "row").and_then(|i| i.parse::<usize>().ok()) else {
            return;
        };
        let value = event_target_value(&ev);
        let now = live.get_untracked();
        let Some(settings) = known.with_untracked(|a| {
            a.as_ref()
                .and_then(|a| a.head.switches.get(i))
                .map(|r| with_setting(&now.settings, r, &value))
        }) else {
            return;
        };
        let next = Live {
            settings,
            edit: now.edit,
        };
        let step = step_of(route.get_untracked());
        set_fragment(
            &deep_link::format(&id.get_value(), step, &next),
            route,
            true,
        );
    });
    view! {
        <p class="hint">"Each switch is a real setting; they combine, and the walk re-runs at once."</p>
        <ul class="switches" data-testid="switches" on:change=change inner_html=html></ul>
    }
}

#[component]
fn Editor(
    id: StoredValue<String>,
    live: Memo<Live>,
    known: RwSignal<Option<Answer>>,
    typed: RwSignal<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let shown = move || {
        typed
            .get()
            .or_else(|| known.with(|a| a.as_ref().map(|a| a.head.toml.clone())))
            .unwrap_or_default()
    };
    let error = move || {
        engine.answer.with(|a| {
            a.as_ref()
                .filter(|a| a.ask.lesson == id.get_value() && !a.head.error.is_empty())
                .map(|a| a.head.error.clone())
                .unwrap_or_default()
        })
    };
    let pending = StoredValue::new(0u32);
    let run = move |t: String| {
        typed.set(Some(t.clone()));
        let n = pending.with_value(|p| p + 1);
        pending.set_value(n);
        // Wait for a pause in the typing before running.
        set_timeout(
            move || {
                if pending.get_value() == n {
                    engine.ask(Ask {
                        lesson: id.get_value(),
                        settings: live.get_untracked().settings,
                        source: Source::Text(t),
                    });
                }
            },
            Duration::from_millis(250),
        );
    };
    let input = on_event(move |ev| run(event_target_value(&ev)));
    let open_file = on_event(move |ev| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let promise = file.text();
        leptos::task::spawn_local(async move {
            if let Ok(t) = wasm_bindgen_futures::JsFuture::from(promise).await {
                run(t.as_string().unwrap_or_default());
            }
        });
    });
    let download = on_click(move |_| {
        let body = shown();
        let name = format!("{}.toml", id.get_value());
        let _ = save(&name, &body);
    });
    view! {
        <p class="hint">"The lesson file, as the engine runs it. Edit it: every change re-runs; a mistake is shown with its line and field, and the walk stays the last one that ran. Nothing leaves your browser."</p>
        <div class="editor-tools">
            <label class="button file">"Open a lesson file…"<input type="file" accept=".toml,text/plain" data-testid="open-file" on:change=open_file/></label>
            <button class="button" data-testid="download" on:click=download>"Download this file"</button>
        </div>
        <p class="notice error" role="alert" data-testid="edit-error" hidden=flag(move || error().is_empty())>{text(error)}</p>
        <label class="editor-label" for="lesson-toml">"Lesson file (TOML)"</label>
        <textarea id="lesson-toml" class="editor" data-testid="editor" spellcheck="false" rows="24" prop:value=text(shown) on:input=input></textarea>
    }
}

/// Offer `body` as a download named `name` (a Blob and a temporary link: nothing is
/// uploaded).
fn save(name: &str, body: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&body.into());
    let props = web_sys::BlobPropertyBag::new();
    props.set_type("application/toml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, at: Option<&str>, values: &[&str]) -> SwitchRow {
        SwitchRow {
            key: match at {
                Some(a) => format!("{name}@{a}"),
                None => name.into(),
            },
            name: name.into(),
            at: at.map(Into::into),
            values: values.iter().map(|v| v.to_string()).collect(),
            current: values[0].into(),
            explain: String::new(),
        }
    }

    #[test]
    fn a_switch_replaces_its_own_setting_and_leaves_the_others() {
        let fwd = row("net.ipv4.ip_forward", Some("n1"), &["1", "0"]);
        let ndots = row("ndots", None, &["5", "1"]);
        let s = with_setting(&[], &fwd, "0");
        assert_eq!(s, ["net.ipv4.ip_forward=0@n1"]);
        let s = with_setting(&s, &ndots, "1");
        assert_eq!(s, ["net.ipv4.ip_forward=0@n1", "ndots=1"]);
        let s = with_setting(&s, &fwd, "1");
        assert_eq!(s, ["ndots=1"], "back to the lesson's own value: left out");
        assert_eq!(
            key_of("kube-proxy.endpoint=10.244.0.15:8080"),
            "kube-proxy.endpoint"
        );
    }
}
