//! The engine worker: the page's second WASM module, loaded in a Web Worker after the first
//! frame (index.html builds it with `data-type="worker"`; `ui::engine` starts it). It
//! answers each request with `packetwalk_web::live::answer`, encoded as the page reads it.
//!
//! Messages (plain JS arrays, so neither side needs serde):
//! - page → worker: `[seq, lesson id, settings joined by "\n", file kind, file, what]`,
//!   where the kind is `""` (the embedded file), `"text"` or `"packed"` (from the URL), and
//!   `what` is `""` (the walk, as a digest) or `"pcap"` (the walk as a pcapng file);
//! - worker → page: `["ready"]` once, when it can take requests; then for each request
//!   `[seq, head bytes, site bytes]`, or for a pcapng `["pcap", seq, file bytes]` (or
//!   `["pcap", seq, message]` when the lesson could not run), or, when the engine panicked,
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
    use packetwalk_web::live::{answer, pcap, File, Request};
    use std::cell::Cell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    thread_local! {
        /// The request being answered, so a panic can say which one died.
        static SEQ: Cell<f64> = const { Cell::new(-1.0) };
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
