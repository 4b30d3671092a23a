//! Structure-aware: `arbitrary` generates a whole plausible cluster and scenario
//! (packetwalk_fuzz::GenLesson), written as a lesson TOML and taken through
//! parse → build → run like the `run` target.
//!
//! PACKETWALK_FUZZ_DUMP=FILE: write the TOML to FILE first (how a crash artifact becomes a
//! fuzz/regressions/*.toml). PACKETWALK_FUZZ_SKIP_KNOWN=1: skip the inputs a known, already
//! recorded crash owns (see packetwalk_fuzz::known_crash), so a long run looks further.
#![no_main]
use libfuzzer_sys::fuzz_target;
use packetwalk_fuzz::GenLesson;
use std::sync::OnceLock;

fn skip_known() -> bool {
    static SKIP: OnceLock<bool> = OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("PACKETWALK_FUZZ_SKIP_KNOWN").is_some_and(|v| v == "1"))
}

fuzz_target!(|lesson: GenLesson| {
    let text = lesson.to_toml();
    if let Some(path) = std::env::var_os("PACKETWALK_FUZZ_DUMP") {
        std::fs::write(path, &text).expect("PACKETWALK_FUZZ_DUMP: cannot write");
    }
    if skip_known() && packetwalk_fuzz::known_crash(&text).is_some() {
        return;
    }
    packetwalk_fuzz::exercise(&text);
});
