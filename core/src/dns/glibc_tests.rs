use super::*;

fn lab_conf() -> ResolvConf {
    ResolvConf::cluster_first(
        "frontend",
        "cluster.local",
        Ipv4Addr::new(10, 96, 0, 10),
        &["example.internal".to_string()],
    )
}

/// Runs a search against a name → (rcode for A, A answers) table, like the lab responder:
/// unknown names NXDOMAIN, AAAA of a known name NODATA. Returns the queries sent.
fn run(s: &mut GlibcSearch, known: &[(&str, Ipv4Addr)]) -> Vec<(String, QType)> {
    let mut sent = Vec::new();
    while let Some((name, qtype)) = s.next_query() {
        sent.push((name.clone(), qtype));
        let hit = known.iter().find(|(n, _)| *n == name);
        match (hit, qtype) {
            (None, _) => s.on_response(Rcode::NxDomain, &[]),
            (Some(_), QType::Aaaa) => s.on_response(Rcode::NoError, &[]),
            (Some((n, ip)), QType::A) => s.on_response(
                Rcode::NoError,
                &[DnsRecord {
                    name: n.to_string(),
                    ttl: 30,
                    a: *ip,
                }],
            ),
        }
        assert!(sent.len() < 100, "runaway search");
    }
    sent
}

fn pairs(names: &[&str]) -> Vec<(String, QType)> {
    names
        .iter()
        .flat_map(|n| [(n.to_string(), QType::A), (n.to_string(), QType::Aaaa)])
        .collect()
}

const API: Ipv4Addr = Ipv4Addr::new(10, 96, 12, 34);
const EXAMPLE: Ipv4Addr = Ipv4Addr::new(93, 184, 215, 14);

#[test]
fn a_one_dot_name_from_frontend_tries_its_own_namespace_first() {
    let mut s = GlibcSearch::new(&lab_conf(), "api-svc.backend");
    assert_eq!(
        s.candidates()[0].fqdn,
        "api-svc.backend.frontend.svc.cluster.local."
    );
    assert_eq!(
        s.candidates()[0].why.to_string(),
        "1 dot < ndots:5: search list first (domain 1 of 4)"
    );
    let sent = run(&mut s, &[("api-svc.backend.svc.cluster.local.", API)]);
    assert_eq!(
        sent,
        pairs(&[
            "api-svc.backend.frontend.svc.cluster.local.",
            "api-svc.backend.svc.cluster.local."
        ])
    );
    assert_eq!(
        s.outcome(),
        Some(LookupOutcome::Resolved {
            name: "api-svc.backend.svc.cluster.local".into(),
            addrs: vec![API]
        })
    );
    assert_eq!(s.next_query(), None);
}

#[test]
fn a_trailing_dot_sends_only_the_a_and_aaaa_of_the_name_itself() {
    let conf = lab_conf();
    let mut s = GlibcSearch::new(&conf, "api-svc.backend.svc.cluster.local.");
    assert_eq!(s.candidates().len(), 1);
    assert_eq!(
        s.candidates()[0].why.to_string(),
        "trailing dot: as-is only"
    );
    let sent = run(&mut s, &[("api-svc.backend.svc.cluster.local.", API)]);
    assert_eq!(sent, pairs(&["api-svc.backend.svc.cluster.local."]));
    // …and stops after it even when it fails.
    let mut s = GlibcSearch::new(&conf, "nope.backend.svc.cluster.local.");
    assert_eq!(run(&mut s, &[]).len(), 2);
    let failed = LookupOutcome::Failed {
        rcode: Rcode::NxDomain,
    };
    assert_eq!(s.outcome(), Some(failed));
}

#[test]
fn example_com_walks_four_search_domains_then_itself_for_ten_queries() {
    let mut s = GlibcSearch::new(&lab_conf(), "example.com");
    let sent = run(&mut s, &[("example.com.", EXAMPLE)]);
    assert_eq!(
        sent,
        pairs(&[
            "example.com.frontend.svc.cluster.local.",
            "example.com.svc.cluster.local.",
            "example.com.cluster.local.",
            "example.com.example.internal.",
            "example.com.",
        ])
    );
    assert_eq!(
        s.candidates()[4].why.to_string(),
        "search list exhausted: as-is last"
    );
    let resolved = LookupOutcome::Resolved {
        name: "example.com".into(),
        addrs: vec![EXAMPLE],
    };
    assert_eq!(s.outcome(), Some(resolved));
}

#[test]
fn example_com_without_a_node_search_domain_costs_eight_queries() {
    let conf = ResolvConf::cluster_first("frontend", "cluster.local", API, &[]);
    let mut s = GlibcSearch::new(&conf, "example.com");
    assert_eq!(run(&mut s, &[("example.com.", EXAMPLE)]).len(), 8);
}

#[test]
fn a_name_with_five_dots_is_tried_as_is_first_and_stops_there_on_success() {
    let mut s = GlibcSearch::new(&lab_conf(), "a.b.c.d.e.f");
    assert_eq!(s.candidates()[0].role, CandidateRole::AsIsFirst);
    assert_eq!(
        s.candidates()[0].why.to_string(),
        "5 dots >= ndots:5: as-is first"
    );
    assert_eq!(s.candidates().len(), 5);
    assert!(s
        .candidates()
        .iter()
        .all(|c| c.role != CandidateRole::AsIsLast));
    assert_eq!(run(&mut s, &[("a.b.c.d.e.f.", EXAMPLE)]).len(), 2);
}

#[test]
fn an_unknown_name_fails_with_nxdomain_after_every_candidate() {
    let mut s = GlibcSearch::new(&lab_conf(), "nothing");
    assert_eq!(run(&mut s, &[]).len(), 10);
    let failed = LookupOutcome::Failed {
        rcode: Rcode::NxDomain,
    };
    assert_eq!(s.outcome(), Some(failed));
}

#[test]
fn a_nodata_search_candidate_makes_the_failure_nodata() {
    // `backend` alone: backend.svc.cluster.local. is a namespace name (NODATA in CoreDNS).
    let mut s = GlibcSearch::new(&lab_conf(), "backend");
    while let Some((name, _)) = s.next_query() {
        let rcode = if name == "backend.svc.cluster.local." {
            Rcode::NoError
        } else {
            Rcode::NxDomain
        };
        s.on_response(rcode, &[]);
    }
    let failed = LookupOutcome::Failed {
        rcode: Rcode::NoError,
    };
    assert_eq!(s.outcome(), Some(failed));
}

#[test]
fn servfail_on_the_a_query_moves_on_to_the_next_candidate() {
    let mut s = GlibcSearch::new(&lab_conf(), "web");
    let mut sent = 0;
    while let Some((name, _)) = s.next_query() {
        sent += 1;
        match name.as_str() {
            "web.frontend.svc.cluster.local." => s.on_response(Rcode::ServFail, &[]),
            "web.svc.cluster.local." => s.on_response(Rcode::NxDomain, &[]),
            _ => s.on_response(Rcode::NxDomain, &[]),
        }
    }
    assert_eq!(sent, 10);
    let failed = LookupOutcome::Failed {
        rcode: Rcode::ServFail,
    };
    assert_eq!(s.outcome(), Some(failed));
}

#[test]
fn a_and_aaaa_can_be_sent_back_to_back_before_any_answer() {
    let mut s = GlibcSearch::new(&lab_conf(), "api-svc.backend");
    let first = "api-svc.backend.frontend.svc.cluster.local.".to_string();
    assert_eq!(s.next_query(), Some((first.clone(), QType::A)));
    assert_eq!(s.next_query(), Some((first, QType::Aaaa)));
    assert_eq!(s.next_query(), None);
    assert_eq!(s.outcome(), None);
    s.on_response(Rcode::NxDomain, &[]);
    s.on_response(Rcode::NxDomain, &[]);
    s.on_response(Rcode::NxDomain, &[]); // nothing outstanding: ignored
    let second = "api-svc.backend.svc.cluster.local.".to_string();
    assert_eq!(s.next_query(), Some((second, QType::A)));
}

#[test]
fn odd_inputs_do_not_panic() {
    let conf = ResolvConf {
        search: vec![".".into(), "".into(), "x.".into()],
        nameservers: vec![],
        ndots: Some(200),
    };
    for name in ["", ".", "..", "a..b", "é.ü", "a.b."] {
        let mut s = GlibcSearch::new(&conf, name);
        run(&mut s, &[]);
        assert!(s.outcome().is_some());
    }
    // The root on the search list stands in for the as-is query.
    let s = GlibcSearch::new(&conf, "web");
    let names: Vec<_> = s.candidates().iter().map(|c| c.fqdn.as_str()).collect();
    assert_eq!(names, ["web.", "web.", "web.x."]);
}
