//! The engine worker: the page's second WASM module, loaded in a Web Worker after the first
//! frame (index.html builds it with `data-type="worker"`; `ui::engine` starts it). It
//! answers each request with `packetwalk_web::live::answer`, encoded as the page reads it.
//!
//! Messages (plain JS arrays, so neither side needs serde):
//! - page → worker: `[seq, lesson id, settings joined by "\n", file kind, file, what]`,
//!   where the kind is `""` (the embedded file), `"text"` or `"packed"` (from the URL), and
//!   `what` is `""` (the walk, as a digest) or `"pcap"` (the walk as a pcapng file);
//!   or, for the shell, `[seq, lesson id, settings, file kind, file, "shell", netns, hop,
//!   line, mode]`: `netns` the namespace the line runs in (`""`: where the lesson's packet
//!   leaves from), `hop` a number (the state as of that hop; `-1`: as the walk leaves it),
//!   `line` the command line (for Tab: the text up to the cursor), `mode` `"run"` or
//!   `"complete"`; or, for the editor's "Add a node|pod|Service", `[seq, lesson id,
//!   settings, file kind, file, "grow", "node"|"pod"|"service"]`;
//! - worker → page: `["ready"]` once, when it can take requests; then for each request
//!   `[seq, head bytes, site bytes]`, or for a pcapng `["pcap", seq, file bytes]` (or
//!   `["pcap", seq, message]` when the lesson could not run), for "grow"
//!   `["grow", seq, the grown file or "", why not or ""]`, for the shell
//!   `["shell", seq, out, err, netns, exit, start, completions, html, completed]` (`out`
//!   and `err` the command's standard output and error, `netns` where the next line runs,
//!   `exit` true after `exit`, for `"complete"` the byte offset where the completed word
//!   starts and an array of the candidates; `html` what the page's terminal adds, escaped,
//!   and `completed` the line as Tab leaves it, or undefined), or, when the engine panicked,
//!   `[seq, message]` just before the worker dies (the page starts a new one).

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("packetwalk-engine runs in a browser's Web Worker: `trunk build` builds it");
}

#[cfg(target_arch = "wasm32")]
mod worker {
    use js_sys::{Array, Uint8Array};
    use packetwalk_web::codec::{self, Codec, Writer};
    use packetwalk_web::live::shell::{shell, Runs, ShellRequest};
    use packetwalk_web::live::{answer, grow, pcap, File, Request};
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    thread_local! {
        /// The request being answered, so a panic can say which one died.
        static SEQ: Cell<f64> = const { Cell::new(-1.0) };
        /// The run the shell's last line ran in, kept for the next line.
        static RUNS: RefCell<Runs> = RefCell::new(Runs::default());
    }

    /// A line for the shell, answered as `["shell", seq, out, err, netns, exit, start,
    /// completions, html, completed]`.
    fn shell_reply(seq: f64, lesson: Request, data: &Array) {
        let text = |i: u32| data.get(i).as_string().unwrap_or_default();
        let hop = data.get(7).as_f64().or_else(|| text(7).parse().ok());
        let hop = hop.filter(|h| *h >= 0.0 && h.fract() == 0.0);
        let req = ShellRequest {
            lesson,
            netns: text(6),
            hop: hop.map(|h| h as usize),
            line: text(8),
            complete: text(9) == "complete",
        };
        let a = RUNS.with(|r| shell(&mut r.borrow_mut(), &req));
        let completions: Array = a.completions.iter().map(|c| JsValue::from_str(c)).collect();
        let reply = Array::new();
        for v in [
            "shell".into(),
            seq.into(),
            a.out.into(),
            a.err.into(),
            a.netns.into(),
            a.exit.into(),
            (a.start as f64).into(),
            JsValue::from(completions),
            a.html.into(),
            a.completed.map_or(JsValue::UNDEFINED, JsValue::from),
        ] {
            reply.push(&v);
        }
        let _ = scope().post_message(&reply);
    }

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    pub fn start() {
        // A panic aborts the module (release builds abort); say so first, with the message,
        // so the page can put it next to the control that caused it.
        std::panic::set_hook(Box::new(|info| {
            let seq = SEQ.with(Cell::get);
            let msg = Array::of2(&seq.into(), &format!("the engine failed: {info}").into());
            let _ = scope().post_message(&msg);
        }));
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(|ev: MessageEvent| {
            let data: Array = ev.data().unchecked_into();
            let text = |i: u32| data.get(i).as_string().unwrap_or_default();
            let seq = data.get(0).as_f64().unwrap_or(-1.0);
            SEQ.with(|s| s.set(seq));
            let file = match text(3).as_str() {
                "text" => File::Text(text(4)),
                "packed" => File::Packed(text(4)),
                _ => File::Embedded,
            };
            let req = Request {
                id: text(1),
                settings: text(2).split('\n').map(String::from).collect(),
                file,
            };
            if text(5) == "shell" {
                shell_reply(seq, req, &data);
                return;
            }
            if text(5) == "grow" {
                let (t, e) = match grow(&req, &text(6)) {
                    Ok(t) => (t, String::new()),
                    Err(e) => (String::new(), e),
                };
                let reply = Array::of4(&"grow".into(), &seq.into(), &t.into(), &e.into());
                let _ = scope().post_message(&reply);
                return;
            }
            if text(5) == "pcap" {
                let file: JsValue = match pcap(&req) {
                    Ok(bytes) => Uint8Array::from(&bytes[..]).into(),
                    Err(message) => message.into(),
                };
                let _ = scope().post_message(&Array::of3(&"pcap".into(), &seq.into(), &file));
                return;
            }
            let (head, site) = answer(&req);
            let mut w = Writer::default();
            head.put(&mut w);
            let head = Uint8Array::from(&w.0[..]);
            let site = Uint8Array::from(&codec::encode(&site)[..]);
            let _ = scope().post_message(&Array::of3(&seq.into(), &head, &site));
        });
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let _ = scope().post_message(&Array::of1(&"ready".into()));
    }
}
