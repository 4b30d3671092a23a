//! The engine, loaded after the first frame: a second WASM module in a Web Worker
//! (`packetwalk-engine`, src/bin/engine.rs), so the page never blocks and the first load
//! stays small. It is started when the browser is idle after the first frame, or by the
//! first control that needs it; each request is answered with a lesson's digest in the
//! format the page already reads. The newest request wins: older answers are dropped.
//!
//! A panic in the worker, a worker that dies, or one that takes too long becomes a
//! [`Answer::failure`] shown next to the controls; the next request starts a new worker.
//!
//! The same worker makes the walk's pcapng file ([`Engine::pcap`]): its answer is offered
//! as a download ([`offer`]) and what became of it goes to [`Engine::note`]. The lines of the
//! inspector's shell go through it too ([`Engine::shell`]), numbered apart (negative), and
//! their answers, or the worker's death while one waits, go to `inspector::shell`.

use super::inspector::shell;
use crate::codec::{Codec, Reader};
use crate::model::{LessonEntry, LiveHead};
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

thread_local! {
    /// A line of the shell typed before the worker was ready, sent when it is.
    static SHELL: std::cell::RefCell<Option<Array>> = const { std::cell::RefCell::new(None) };
}

/// The worker's loader, copied beside the page (web/engine-loader.js).
const WORKER_URL: &str = "./engine-loader.js";

/// A request that has not been answered in this long is cut: the worker is stopped and a
/// new one started for the next request (a walk that does not end must not hang the panel).
const PATIENCE: Duration = Duration::from_secs(8);

/// Which file to run, as the page has it.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Embedded,
    /// The editor's text.
    Text(String),
    /// The URL's packed edit.
    Packed(String),
}

/// What the page asks the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    pub lesson: String,
    pub settings: Vec<String>,
    pub source: Source,
}

/// The engine's answer to the newest [`Ask`].
#[derive(Debug)]
pub struct Answer {
    pub ask: Ask,
    pub head: LiveHead,
    /// The lesson as run; `None` when the file or a setting was wrong (`head.error`).
    pub entry: Option<LessonEntry>,
    /// The engine itself failed (a panic, a crash, too slow).
    pub failure: Option<String>,
}

/// Where the engine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not requested yet.
    Idle,
    /// Being fetched and compiled.
    Loading,
    Ready,
    /// Working on a request.
    Busy,
}

#[derive(Clone, Copy)]
pub struct Engine {
    pub status: RwSignal<Status>,
    pub answer: RwSignal<Option<Arc<Answer>>>,
    worker: StoredValue<Option<Worker>, LocalStorage>,
    /// The newest request's number; answers to older ones are dropped.
    seq: StoredValue<u32>,
    pending: StoredValue<Option<Ask>>,
    /// The newest pcapng request's number and its file's name.
    file: StoredValue<(u32, String)>,
    /// What became of the newest pcapng request, for the status line (empty: nothing).
    pub note: RwSignal<String>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            status: RwSignal::new(Status::Idle),
            answer: RwSignal::new(None),
            worker: StoredValue::new_local(None),
            seq: StoredValue::new(0),
            pending: StoredValue::new(None),
            file: StoredValue::new((0, String::new())),
            note: RwSignal::new(String::new()),
        }
    }

    /// Fetch and start the worker if it is not running yet.
    pub fn warm(&self) {
        if self.worker.with_value(Option::is_some) {
            return;
        }
        let Ok(worker) = Worker::new(WORKER_URL) else {
            self.fail("this browser could not start the engine's worker".into());
            return;
        };
        self.status.set(Status::Loading);
        let me = *self;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            me.received(ev.data().unchecked_into());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_error =
            Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
                ev.prevent_default();
                me.stop();
                // A line of the shell waiting for this worker is answered in the terminal.
                let why = format!("the engine stopped: {}", ev.message());
                shell::answer(&Array::of2(&JsValue::NULL, &why.into()));
                if me.status.get_untracked() != Status::Idle {
                    me.fail(format!("the engine stopped: {}", ev.message()));
                }
            });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        self.worker.set_value(Some(worker));
    }

    /// Ask for a lesson run; the answer arrives in [`Engine::answer`].
    pub fn ask(&self, ask: Ask) {
        self.pending.set_value(Some(ask));
        self.warm();
        if matches!(self.status.get_untracked(), Status::Ready | Status::Busy) {
            self.send();
        }
    }

    fn send(&self) {
        let Some(ask) = self.pending.with_value(Clone::clone) else {
            return;
        };
        let seq = self.seq.with_value(|s| s + 1);
        self.seq.set_value(seq);
        if !self.post(seq.into(), &ask, "", &[]) {
            self.fail("the engine's worker is not running".into());
            return;
        }
        self.status.set(Status::Busy);
        let me = *self;
        set_timeout(
            move || {
                if me.seq.get_value() == seq && me.status.get_untracked() == Status::Busy {
                    me.stop();
                    me.fail(format!(
                        "the engine took more than {} s on this cluster and was stopped",
                        PATIENCE.as_secs()
                    ));
                }
            },
            PATIENCE,
        );
    }

    /// Send a request to the worker: `what` is `""` for the walk, `"pcap"` for its file,
    /// `"grow"` for the file with one more `more[0]` (`node`, `pod`, `service`),
    /// `"shell"` for a line of the shell (`more`: its namespace, hop, line and mode).
    fn post(&self, seq: f64, ask: &Ask, what: &str, more: &[JsValue]) -> bool {
        let msg = message(seq, ask, what, more);
        self.worker
            .with_value(|w| w.as_ref().is_some_and(|w| w.post_message(&msg).is_ok()))
    }

    /// A line for the shell. Before the worker is ready the newest line waits for it.
    pub fn shell(&self, ask: &Ask, line: shell::Line) {
        let more = [
            line.netns.into(),
            (line.hop as f64).into(),
            line.line.into(),
            if line.complete { "complete" } else { "run" }.into(),
        ];
        let ready = matches!(self.status.get_untracked(), Status::Ready | Status::Busy);
        if !(ready && self.post(line.seq, ask, "shell", &more)) {
            SHELL.with(|s| *s.borrow_mut() = Some(message(line.seq, ask, "shell", &more)));
            self.warm();
        }
    }

    /// Ask for the walk of `ask` as a pcapng file, offered as a download named `name` when
    /// it comes; a failure is said in [`Engine::note`].
    pub fn pcap(&self, ask: &Ask, name: String) {
        let n = self.file.with_value(|f| f.0 + 1);
        self.file.set_value((n, name));
        let ready = matches!(self.status.get_untracked(), Status::Ready | Status::Busy);
        self.note
            .set(if ready && self.post(n.into(), ask, "pcap", &[]) {
                "Making the .pcapng…".into()
            } else {
                "The .pcapng could not be made: the engine is not running; try again in a moment."
                    .into()
            });
    }

    /// Ask for the editor's file with one more node, pod or Service (`what`); the grown
    /// text replaces the editor's and runs as if typed ([`Engine::received_grown`]).
    pub fn grow(&self, ask: &Ask, what: &str) {
        let ready = matches!(self.status.get_untracked(), Status::Ready | Status::Busy);
        if !(ready && self.post(0.0, ask, "grow", &[what.into()])) {
            self.note
                .set("The engine is not running yet; try again in a moment.".into());
        }
    }

    /// The worker's grown file: `[_, _, text, why not]`. The text goes into the editor, and
    /// an `input` event tells the workbench it changed, as typing would.
    fn received_grown(&self, data: &Array) {
        let (text, why) = (data.get(2).as_string(), data.get(3).as_string());
        if let Some(why) = why.filter(|w| !w.is_empty()) {
            return self.note.set(format!("Could not add it: {why}"));
        }
        self.note.set(String::new());
        let area = document()
            .get_element_by_id("lesson-toml")
            .and_then(|a| a.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        if let (Some(area), Some(text)) = (area, text) {
            area.set_value(&text);
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            if let Ok(ev) = web_sys::Event::new_with_event_init_dict("input", &init) {
                let _ = area.dispatch_event(&ev);
            }
        }
    }

    /// The worker's pcapng answer: `[_, number, bytes or message]`.
    fn received_file(&self, data: &Array) {
        let (n, name) = self.file.get_value();
        if data.get(1).as_f64() != Some(f64::from(n)) {
            return;
        }
        let file = data.get(2);
        let note = match file.dyn_ref::<Uint8Array>() {
            Some(_) if offer(&name, &file, "application/x-pcapng").is_some() => {
                format!("Downloaded {name}: open it in Wireshark.")
            }
            Some(_) => "The .pcapng could not be offered as a download in this browser.".into(),
            None => format!(
                "The .pcapng could not be made: {}",
                file.as_string().unwrap_or_default()
            ),
        };
        self.note.set(note);
    }

    fn received(&self, data: Array) {
        match data.get(0).as_string().as_deref() {
            Some("pcap") => return self.received_file(&data),
            Some("grow") => return self.received_grown(&data),
            _ => {}
        }
        if data.get(0).as_string().as_deref() == Some("shell") {
            return shell::answer(&data);
        }
        if data.get(0).as_string().as_deref() == Some("ready") {
            self.status.set(Status::Ready);
            if let Some(m) = SHELL.with(|s| s.borrow_mut().take()) {
                self.worker
                    .with_value(|w| w.as_ref().map(|w| w.post_message(&m)));
            }
            self.send();
            return;
        }
        let seq = data.get(0).as_f64().unwrap_or(-1.0);
        if seq < -1.0 {
            // The shell's line killed the worker: said in the terminal, a new one next time.
            self.stop();
            return shell::answer(&data);
        }
        if seq != f64::from(self.seq.get_value()) {
            return;
        }
        let Some(ask) = self.pending.with_value(Clone::clone) else {
            return;
        };
        if let Some(message) = data.get(1).as_string() {
            // The panic hook's last word; the worker is dead. Start afresh next time.
            self.stop();
            self.fail(message);
            return;
        }
        let bytes = |i: u32| data.get(i).dyn_into::<Uint8Array>().map(|a| a.to_vec());
        let (Ok(head), Ok(site)) = (bytes(1), bytes(2)) else {
            return self.fail("the engine answered something the page cannot read".into());
        };
        let mut r = Reader::new(&head);
        let head = LiveHead::get(&mut r);
        let site = crate::codec::decode(&site);
        let (Some(site), false) = (site, r.bad) else {
            return self.fail("the engine answered something the page cannot read".into());
        };
        self.status.set(Status::Ready);
        self.answer.set(Some(Arc::new(Answer {
            ask,
            head,
            entry: site.lessons.into_iter().next(),
            failure: None,
        })));
    }

    /// Stop the worker; the next request starts a new one.
    fn stop(&self) {
        if let Some(w) = self.worker.with_value(Clone::clone) {
            w.terminate();
        }
        self.worker.set_value(None);
        self.status.set(Status::Idle);
    }

    fn fail(&self, message: String) {
        self.note.set(String::new());
        let ask = self.pending.with_value(Clone::clone).unwrap_or(Ask {
            lesson: String::new(),
            settings: Vec::new(),
            source: Source::Embedded,
        });
        self.answer.set(Some(Arc::new(Answer {
            ask,
            head: LiveHead::default(),
            entry: None,
            failure: Some(message),
        })));
    }
}

/// A request as the worker reads it (src/bin/engine.rs).
fn message(seq: f64, ask: &Ask, what: &str, more: &[JsValue]) -> Array {
    let (kind, file) = match &ask.source {
        Source::Embedded => ("", ""),
        Source::Text(t) => ("text", t.as_str()),
        Source::Packed(p) => ("packed", p.as_str()),
    };
    let msg = Array::new();
    for v in [
        JsValue::from(seq),
        ask.lesson.as_str().into(),
        ask.settings.join("\n").into(),
        kind.into(),
        file.into(),
        what.into(),
    ] {
        msg.push(&v);
    }
    for v in more {
        msg.push(v);
    }
    msg
}

/// Offer `part` (a string or bytes) as a download named `name`: a Blob and a temporary link,
/// nothing is uploaded. The link's address is released a minute later.
pub fn offer(name: &str, part: &JsValue, mime: &str) -> Option<()> {
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    // Blob's constructor takes strings and bytes alike; web-sys names it by one of them.
    let blob =
        web_sys::Blob::new_with_buffer_source_sequence_and_options(&Array::of1(part), &props)
            .ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    Some(())
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}
