use super::*;

const GOOD: &str = include_str!("../same-node.toml");

fn err(text: &str) -> LessonError {
    parse("lessons/broken.toml", "broken", text).expect_err("should be rejected")
}

#[test]
fn every_embedded_lesson_parses_builds_and_completes() {
    for l in all() {
        let l = l.unwrap_or_else(|e| panic!("{e}"));
        let run = l.run().unwrap_or_else(|e| panic!("{}: {e}", l.id));
        assert!(
            matches!(
                run.trace.outcome,
                packetwalk_core::trace::Outcome::Completed { .. }
            ),
            "{}: {:?}",
            l.id,
            run.trace.outcome
        );
    }
}

#[test]
fn every_narration_note_finds_its_hop() {
    for l in all() {
        let l = l.unwrap_or_else(|e| panic!("{e}"));
        let run = l.run().unwrap_or_else(|e| panic!("{e}"));
        let missing = narration::unattached(&l.narration, &run.trace.hops);
        assert!(
            missing.is_empty(),
            "{}: notes that attach to no hop: {missing:?}",
            l.id
        );
    }
}

#[test]
fn a_duplicate_pod_ip_names_the_file_line_and_field() {
    let text = GOOD.replace("ip = \"10.244.0.6\"", "ip = \"10.244.0.5\"");
    let e = err(&text);
    assert_eq!(e.file, "lessons/broken.toml");
    assert_eq!(e.field, "cluster.nodes[0].pods[1].ip");
    assert!(e.message.contains("duplicate IP 10.244.0.5"), "{e}");
    assert_eq!(
        text.lines().nth(e.line - 1).map(str::trim),
        Some("ip = \"10.244.0.5\""),
        "{e}"
    );
}

#[test]
fn a_pod_outside_its_node_cidr_is_rejected() {
    let e = err(&GOOD.replace("ip = \"10.244.0.6\"", "ip = \"10.244.7.6\""));
    assert_eq!(e.field, "cluster.nodes[0].pods[1].ip");
    assert!(
        e.message
            .contains("outside its node's pod CIDR 10.244.0.0/24"),
        "{e}"
    );
}

#[test]
fn an_unknown_field_is_reported_with_its_line() {
    let text = GOOD.replace(
        "process = \"curl\"",
        "process = \"curl\"\nprocesss = \"wget\"",
    );
    let e = err(&text);
    assert!(e.message.contains("unknown field `processs`"), "{e}");
    assert_eq!(
        text.lines().nth(e.line - 1),
        Some("processs = \"wget\""),
        "{e}"
    );
    assert_eq!(e.field, "processs");
}

#[test]
fn a_malformed_address_is_reported_with_its_line() {
    let text = GOOD.replace("ip = \"192.168.1.10\"", "ip = \"192.168.1.300\"");
    let e = err(&text);
    assert_eq!(
        text.lines().nth(e.line - 1),
        Some("ip = \"192.168.1.300\""),
        "{e}"
    );
    assert_eq!(e.field, "ip");
}

#[test]
fn toml_syntax_errors_point_at_the_line() {
    let text = GOOD.replace("[scenario]", "[scenario");
    let e = err(&text);
    assert_eq!(text.lines().nth(e.line - 1), Some("[scenario"), "{e}");
}

#[test]
fn a_scenario_from_nowhere_is_rejected() {
    let e = err(&GOOD.replace("from = \"frontend\"", "from = \"nobody\""));
    assert_eq!(e.field, "scenario.from");
    assert!(e.message.contains("no pod or host named `nobody`"), "{e}");
}

#[test]
fn a_bad_listen_spec_says_what_it_should_look_like() {
    let e = err(&GOOD.replace("listen = [\"tcp/8080\"]", "listen = [\"http/8080\"]"));
    assert!(e.field.ends_with("containers[0].listen"), "{e}");
    assert!(e.message.contains("not a protocol"), "{e}");
}

#[test]
fn a_gateway_outside_the_underlay_is_a_route_to_nowhere() {
    let e = err(&GOOD.replace(
        "cidr = \"192.168.1.0/24\" }",
        "cidr = \"192.168.1.0/24\", gateway = \"10.0.0.1\" }",
    ));
    assert_eq!(e.field, "cluster.underlay.gateway");
    assert!(e.message.contains("route to nowhere"), "{e}");
}

#[test]
fn a_service_endpoint_must_be_a_pod() {
    let text = include_str!("../clusterip.toml")
        .replace("endpoints = [\"backend-1\",", "endpoints = [\"backend-9\",");
    let e = err(&text);
    assert_eq!(e.field, "cluster.services[0].endpoints[0]");
    assert!(e.message.contains("`backend-9` is not a pod"), "{e}");
}
