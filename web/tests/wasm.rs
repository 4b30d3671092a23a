//! Runs in WASM (Node, through wasm-bindgen-test-runner):
//! `cargo test -p packetwalk-web --target wasm32-unknown-unknown --test wasm`.
//! Plain `#[test]`s are skipped on wasm32, so everything here is `#[wasm_bindgen_test]`.
#![cfg(target_arch = "wasm32")]

use packetwalk_web::{stop_x, Theme};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn layout_gives_the_same_positions_in_wasm_as_natively() {
    assert_eq!(stop_x(0, 3, 640.0, 80.0), 80.0);
    assert_eq!(stop_x(2, 3, 640.0, 80.0), 560.0);
    assert_eq!(stop_x(0, 1, 640.0, 80.0), 320.0);
}

#[wasm_bindgen_test]
fn theme_names_match_the_css() {
    assert_eq!(Theme::Dark.as_str(), "dark");
    assert_eq!(Theme::Light.toggled().as_str(), "dark");
}
