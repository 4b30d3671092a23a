// Starts the engine worker (web/src/bin/engine.rs): loads the wasm-bindgen glue Trunk built
// for it (no-modules target: it defines `wasm_bindgen`) and instantiates the module.
importScripts('./packetwalk-engine.js');
wasm_bindgen({ module_or_path: './packetwalk-engine_bg.wasm' });
