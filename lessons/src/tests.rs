use super::*;

#[test]
fn every_lesson_parses_and_builds() {
    for l in all() {
        let l = l.unwrap_or_else(|e| panic!("{e}"));
        assert!(!l.title.is_empty());
    }
}
