//! Runs every lesson at build time and embeds what the page shows
//! (`$OUT_DIR/site.bin`, in the `src/codec/` format, read by `src/embedded_site.rs`): the
//! lesson list with each lesson's drawing and walks, while each lesson's hops go into a file
//! of their own that the page fetches when the lesson opens (`src/lesson_files.rs`). The lesson files stay the one source
//! of truth: they are parsed here by the lessons crate and run by the engine, and a lesson
//! that fails either way is embedded as its error, which the page shows.
#![allow(dead_code, unused_imports)]

#[path = "src/model/mod.rs"]
mod model;

#[path = "src/codec/mod.rs"]
mod codec;

#[path = "src/digest/mod.rs"]
mod digest;

#[path = "src/markup.rs"]
mod markup;

fn main() {
    println!("cargo:rerun-if-changed=../lessons");
    println!("cargo:rerun-if-changed=src/model");
    println!("cargo:rerun-if-changed=src/codec");
    println!("cargo:rerun-if-changed=src/digest");
    println!("cargo:rerun-if-changed=src/markup.rs");
    let site = digest::embedded_site();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("site.bin"), codec::encode(&digest::index(&site)))
        .expect("write site.bin");
    // Each lesson's hops, fetched by the page when the lesson opens: beside the profile's
    // binaries (`target/wasm32-unknown-unknown/release/packetwalk-lessons/`), where Trunk's
    // post_build hook scripts/lesson-files.mjs copies them into the site's `lessons/`.
    let Some(profile_dir) = out.ancestors().nth(3) else {
        panic!(
            "OUT_DIR is not target/<triple>/<profile>/build/<pkg>/out: {}",
            out.display()
        );
    };
    let dir = profile_dir.join("packetwalk-lessons");
    std::fs::create_dir_all(&dir).expect("create packetwalk-lessons/");
    for l in &site.lessons {
        let one = model::Site {
            lessons: vec![l.clone()],
        };
        std::fs::write(dir.join(format!("{}.bin", l.id)), codec::encode(&one))
            .expect("write a lesson's file");
    }
}
