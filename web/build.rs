//! Runs every lesson at build time and embeds what the page shows
//! (`$OUT_DIR/site.bin`, in the `src/codec/` format, read by `src/embedded_site.rs`). The lesson files stay the one source
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
    let bytes = codec::encode(&digest::embedded_site());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("site.bin");
    std::fs::write(out, bytes).expect("write site.bin");
}
