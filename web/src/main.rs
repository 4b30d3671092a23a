//! The site's entry point: Trunk builds this binary to WASM and the loader calls `main`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    packetwalk_web::mount();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "packetwalk-web runs in a browser: build it with `trunk build` or `bash scripts/serve.sh`"
    );
}
