//! Any bytes (as UTF-8, lossily) through parse → build → run → narration → every table.
//! Never a panic; never a hang (libFuzzer's -timeout). Also replays fuzz/regressions/*.toml.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    packetwalk_fuzz::exercise(&String::from_utf8_lossy(data));
});
