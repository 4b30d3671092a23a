//! Structure-aware: `arbitrary` generates a whole plausible cluster and scenario
//! (packetwalk_fuzz::GenLesson), written as a lesson TOML and taken through
//! parse → build → run like the `run` target. With PACKETWALK_FUZZ_DUMP=FILE set, the
//! TOML is written to FILE first (how a crash becomes a fuzz/regressions/*.toml).
#![no_main]
use libfuzzer_sys::fuzz_target;
use packetwalk_fuzz::GenLesson;

fuzz_target!(|lesson: GenLesson| {
    let text = lesson.to_toml();
    if let Some(path) = std::env::var_os("PACKETWALK_FUZZ_DUMP") {
        std::fs::write(path, &text).expect("PACKETWALK_FUZZ_DUMP: cannot write");
    }
    packetwalk_fuzz::exercise(&text);
});
