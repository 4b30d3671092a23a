//! The engine, loaded after the first frame: a second WASM module in a Web Worker
//! (`packetwalk-engine`, src/bin/engine.rs), so the page never blocks and the first load
//! stays small. It is started when the browser is idle after the first frame, or by the
//! first control that needs it; each request is answered with a lesson's digest in the
//! format the page already reads. The newest request wins: older answers are dropped.
//!
//! A panic in the worker, a worker that dies, or one that takes too long becomes a
//! [`Answer::failure`] shown next to the controls; the next request starts a new worker.

use crate::codec::{Codec, Reader};
use crate::model::{LessonEntry, LiveHead};
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

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
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            status: RwSignal::new(Status::Idle),
            answer: RwSignal::new(None),
            worker: StoredValue::new_local(None),
            seq: StoredValue::new(0),
            pending: StoredValue::new(None),
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
        ] {
            msg.push(&v);
        }
        let sent = self
            .worker
            .with_value(|w| w.as_ref().map(|w| w.post_message(&msg).is_ok()));
        if sent != Some(true) {
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

    fn received(&self, data: Array) {
        if data.get(0).as_string().as_deref() == Some("ready") {
            self.status.set(Status::Ready);
            self.send();
            return;
        }
        let seq = data.get(0).as_f64().unwrap_or(-1.0);
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

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}
