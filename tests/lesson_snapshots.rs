//! One snapshot per lesson file: the trace's text form, and every table at the end.
//! New or changed snapshots fail in CI (`INSTA_UPDATE=no`); review with `cargo insta review`.

use packetwalk_tests::final_tables;

#[test]
fn every_lesson_trace_and_its_final_tables_match_the_snapshots() {
    insta::glob!("../lessons", "*.toml", |path| {
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            return;
        }
        let text = std::fs::read_to_string(path).expect("read lesson");
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let lesson = packetwalk_lessons::parse(&path.display().to_string(), id, &text)
            .unwrap_or_else(|e| panic!("{e}"));
        let run = lesson.run().unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!("trace", run.trace.to_text());
        insta::assert_snapshot!("tables", final_tables(&run));
    });
}

#[test]
fn every_lesson_file_is_embedded_in_the_lessons_crate() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("lessons dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".toml"))
                .map(String::from)
        })
        .filter(|n| n != "Cargo")
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = packetwalk_lessons::ids()
        .into_iter()
        .map(String::from)
        .collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
}
