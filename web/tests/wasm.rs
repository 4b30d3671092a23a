//! Runs in WASM (Node, through wasm-bindgen-test-runner):
//! `cargo test -p packetwalk-web --target wasm32-unknown-unknown --test wasm`.
//! Plain `#[test]`s are skipped on wasm32, so everything here is `#[wasm_bindgen_test]`.
//!
//! The site runs the engine at build time, natively; these tests make sure the core
//! compiled to WASM gives the very same traces (the accepted insta snapshots), so a future
//! in-browser engine (what-ifs run live) would show what the build shows.
#![cfg(target_arch = "wasm32")]

use packetwalk_web::{codec, deep_link, model::Site};
use wasm_bindgen_test::wasm_bindgen_test;

/// Every lesson's accepted trace snapshot, by id.
const SNAPSHOTS: &[(&str, &str)] = &[
    (
        "inside-a-pod",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@inside-a-pod.toml.snap"),
    ),
    (
        "same-node",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@same-node.toml.snap"),
    ),
    (
        "cross-node-kubenet",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@cross-node-kubenet.toml.snap"),
    ),
    (
        "cross-node-vxlan",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@cross-node-vxlan.toml.snap"),
    ),
    (
        "clusterip",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@clusterip.toml.snap"),
    ),
    (
        "nodeport",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@nodeport.toml.snap"),
    ),
    (
        "no-endpoints",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@no-endpoints.toml.snap"),
    ),
    (
        "dns",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@dns.toml.snap"),
    ),
    (
        "egress",
        include_str!("../../tests/snapshots/lesson_snapshots__trace@egress.toml.snap"),
    ),
];

/// A snapshot's content: what follows insta's header (the second line that is `---`).
fn body(snap: &str) -> &str {
    let mut fences = 0;
    let mut offset = 0;
    for line in snap.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end_matches(['\n', '\r']) == "---" {
            fences += 1;
            if fences == 2 {
                return &snap[offset..];
            }
        }
    }
    ""
}

#[wasm_bindgen_test]
fn the_core_in_wasm_gives_every_lesson_the_accepted_trace() {
    let ids = packetwalk_lessons::ids();
    assert_eq!(
        ids.len(),
        SNAPSHOTS.len(),
        "a lesson was added: add its snapshot here"
    );
    for lesson in packetwalk_lessons::all() {
        let lesson = lesson.unwrap_or_else(|e| panic!("{e}"));
        let run = lesson
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        let (_, snap) = SNAPSHOTS
            .iter()
            .find(|(id, _)| *id == lesson.id)
            .unwrap_or_else(|| panic!("no snapshot for {}", lesson.id));
        assert_eq!(
            run.trace.to_text().trim_end(),
            body(snap).trim_end(),
            "{}: WASM and native traces differ",
            lesson.id
        );
    }
}

#[wasm_bindgen_test]
fn the_embedded_site_decodes_in_wasm_and_has_every_lesson() {
    let site: Site = packetwalk_web::embedded_site::site().expect("the embedded data decodes");
    let ids: Vec<&str> = site.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, packetwalk_lessons::ids());
    for l in &site.lessons {
        let body = l.body.as_ref().unwrap_or_else(|e| panic!("{}: {e}", l.id));
        let run = packetwalk_lessons::load(&l.id)
            .unwrap()
            .unwrap()
            .run()
            .unwrap();
        assert_eq!(
            body.walks[0].hops.len(),
            run.trace.hops.len(),
            "{}: the site shows every hop",
            l.id
        );
    }
    assert_eq!(codec::decode(&codec::encode(&site)), Some(site));
}

#[wasm_bindgen_test]
fn deep_links_and_layout_work_the_same_in_wasm() {
    // The page's path: the embedded index has the lesson's card but not its hops, so the
    // link waits for the lesson's file; read in (as build.rs writes it), the link opens.
    let mut site = packetwalk_web::embedded_site::site().unwrap();
    let route = deep_link::parse("#/clusterip/12");
    let index = site
        .lessons
        .iter()
        .position(|l| l.id == "clusterip")
        .unwrap();
    assert_eq!(
        deep_link::resolve(&route, &site),
        deep_link::View::Loading { index }
    );
    let whole = packetwalk_web::digest::embedded_site();
    let file = codec::encode(&Site {
        lessons: vec![whole.lessons[index].clone()],
    });
    site.lessons[index] = packetwalk_web::lesson_files::read("clusterip", &file).unwrap();
    assert!(matches!(
        deep_link::resolve(&route, &site),
        deep_link::View::Lesson { step: 12, .. }
    ));
    let body = site.lesson("clusterip").unwrap().body.as_ref().unwrap();
    let layout = packetwalk_web::layout::layout(&body.topology);
    for hop in body.walk_hops(0) {
        assert!(layout.has_exact_anchor(&hop.at), "{:?}", hop.at);
    }
}
