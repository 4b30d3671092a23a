//! packetwalk-web: the site. A learner picks a lesson and watches one packet cross the
//! cluster hop by hop, with the packet's headers, the decision taken and the tables at
//! every hop.
//!
//! The lessons are run at build time: `build.rs` parses every lesson file with the lessons
//! crate, runs it with the engine, digests each hop into what the page
//! shows, and embeds that in a small columnar format of its own. The first load carries
//! neither the TOML parser nor the engine, which keeps it within its size budget; they are
//! the second module (`src/bin/engine.rs`, the `engine` feature), run in a Web Worker after
//! the first frame for what the learner changes (the README's "The site" has the figures).
//!
//! [`mount`] mounts the app on `<body>` and marks the page ready (`main.rs` calls it). The
//! module list is a map of the code:
//!
//! | module | holds |
//! |---|---|
//! | [`model`] | the embedded data, each type declared once: lessons, hops, packets, decisions, tables, topology |
//! | `digest` | (native only: the build script and tests) lessons → [`model`], with the engine, and the read-only parts rendered to HTML |
//! | `live` | (the engine feature: the worker and tests) a request from the page → a lesson run live, its digest and switches; the page's shell (`live::shell`) |
//! | [`codec`] | the embedded bytes' format: varints, strings, lists, columns; each type's from its declaration |
//! | [`embedded_site`] | reads the embedded bytes: the lesson list |
//! | [`lesson_files`] | a lesson's hops, fetched from its own file when it opens |
//! | [`markup`] | escaping text into HTML and SVG |
//! | [`layout`] | where everything sits on the drawing, anchors, paths along the wires |
//! | [`deep_link`] | `#/lesson/step?set=…&edit=…`: parse, format, check against the lessons |
//! | [`playback`] | moves that stay in range, keys, speeds |
//! | [`render`] | the read-only parts as HTML text: header tree, decision card, story, glyph |
//! | [`ui`] | the Leptos components |

pub mod codec;
pub mod deep_link;
#[cfg(feature = "engine")]
pub mod digest;
pub mod embedded_site;
pub mod layout;
pub mod lesson_files;
#[cfg(feature = "engine")]
pub mod live;
pub mod markup;
pub mod model;
pub mod playback;
pub mod render;
pub mod ui;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Fetches the file of the lesson the URL opens (if any), mounts the app on `<body>`, then,
/// on the first animation frame after it, records `window.__packetwalkReady =
/// performance.now()` for the end-to-end timing.
pub fn mount() {
    wasm_bindgen_futures::spawn_local(async {
        let site = ui::site_at_start().await;
        mount_to_body(move || view! { <ui::App site=site/> });
        mark_ready();
    });
}

fn mark_ready() {
    request_animation_frame(|| {
        let window = window();
        let now = window.performance().map(|p| p.now()).unwrap_or_default();
        let _ = js_sys::Reflect::set(
            &window,
            &JsValue::from_str("__packetwalkReady"),
            &now.into(),
        );
    });
}
