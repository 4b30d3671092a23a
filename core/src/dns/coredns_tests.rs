use super::*;

const API: Ipv4Addr = Ipv4Addr::new(10, 96, 12, 34);
const EXAMPLE: Ipv4Addr = Ipv4Addr::new(93, 184, 215, 14);

fn coredns() -> CoreDns {
    CoreDns {
        zone: "cluster.local".into(),
        ttl: 30,
        services: vec![DnsService {
            name: "api-svc".into(),
            namespace: "backend".into(),
            cluster_ip: API,
        }],
        namespaces: ["frontend", "backend", "default", "kube-system"]
            .map(String::from)
            .into(),
        upstream: vec![("example.com.".into(), EXAMPLE)],
    }
}

fn rcode(qname: &str, qtype: QType) -> (Rcode, usize) {
    let a = coredns().answer(qname, qtype);
    (a.rcode, a.answers.len())
}

const NXDOMAIN: (Rcode, usize) = (Rcode::NxDomain, 0);
const NODATA: (Rcode, usize) = (Rcode::NoError, 0);

#[test]
fn a_service_name_answers_its_cluster_ip_with_the_configured_ttl() {
    let a = coredns().answer("api-svc.backend.svc.cluster.local.", QType::A);
    assert_eq!(a.rcode, Rcode::NoError);
    let rec = DnsRecord {
        name: "api-svc.backend.svc.cluster.local.".into(),
        ttl: 30,
        a: API,
    };
    assert_eq!(a.answers, [rec]);
    assert_eq!(
        a.why.to_string(),
        "api-svc.backend.svc.cluster.local. reads as service `api-svc` in namespace \
         `backend`: its ClusterIP, A 10.96.12.34"
    );
}

#[test]
fn aaaa_of_a_v4_only_service_is_nodata() {
    assert_eq!(
        rcode("api-svc.backend.svc.cluster.local.", QType::Aaaa),
        NODATA
    );
}

#[test]
fn an_unknown_service_or_namespace_is_nxdomain() {
    assert_eq!(rcode("web.backend.svc.cluster.local.", QType::A), NXDOMAIN);
    assert_eq!(rcode("api-svc.nons.svc.cluster.local.", QType::A), NXDOMAIN);
    assert_eq!(
        rcode("api-svc.nons.svc.cluster.local.", QType::Aaaa),
        NXDOMAIN
    );
}

#[test]
fn the_first_search_candidate_reads_right_to_left_as_an_endpoint_and_is_nxdomain() {
    let a = coredns().answer("api-svc.backend.frontend.svc.cluster.local.", QType::A);
    assert_eq!(a.rcode, Rcode::NxDomain);
    assert_eq!(
        a.why.to_string(),
        "api-svc.backend.frontend.svc.cluster.local. reads as endpoint `api-svc` of \
         service `backend` in namespace `frontend`: no such service → NXDOMAIN"
    );
    let aaaa = rcode("api-svc.backend.frontend.svc.cluster.local.", QType::Aaaa);
    assert_eq!(aaaa, NXDOMAIN);
}

#[test]
fn an_endpoint_name_of_an_existing_clusterip_service_is_nxdomain() {
    assert_eq!(
        rcode("x.api-svc.backend.svc.cluster.local.", QType::A),
        NXDOMAIN
    );
}

#[test]
fn names_in_the_zone_that_are_neither_svc_nor_pod_are_nxdomain() {
    assert_eq!(rcode("example.com.cluster.local.", QType::A), NXDOMAIN);
    assert_eq!(rcode("example.com.cluster.local.", QType::Aaaa), NXDOMAIN);
    assert_eq!(
        rcode("a.b.c.d.e.api-svc.backend.svc.cluster.local.", QType::A),
        NXDOMAIN
    );
}

#[test]
fn the_apex_and_structural_names_are_nodata() {
    for name in [
        "cluster.local.",
        "svc.cluster.local.",
        "pod.cluster.local.",
        "frontend.svc.cluster.local.",
        "backend.pod.cluster.local.",
    ] {
        assert_eq!(rcode(name, QType::A), NODATA, "{name}");
        assert_eq!(rcode(name, QType::Aaaa), NODATA, "{name}");
    }
    assert_eq!(rcode("nons.svc.cluster.local.", QType::A), NXDOMAIN);
}

#[test]
fn a_dashed_pod_name_answers_its_ip_with_pods_insecure() {
    let a = coredns().answer("10-244-1-5.frontend.pod.cluster.local.", QType::A);
    assert_eq!(a.answers[0].a, Ipv4Addr::new(10, 244, 1, 5));
    assert_eq!(a.answers[0].ttl, 30);
    let aaaa = rcode("10-244-1-5.frontend.pod.cluster.local.", QType::Aaaa);
    assert_eq!(aaaa, NODATA);
    assert_eq!(
        rcode("blah.frontend.pod.cluster.local.", QType::A),
        NXDOMAIN
    );
    assert_eq!(
        rcode("10-244-1-5.nons.pod.cluster.local.", QType::A),
        NXDOMAIN
    );
    assert_eq!(
        rcode("10-244-1-256.frontend.pod.cluster.local.", QType::A),
        NXDOMAIN
    );
}

#[test]
fn names_outside_the_zone_are_forwarded_upstream() {
    let a = coredns().answer("example.com.", QType::A);
    let rec = DnsRecord {
        name: "example.com.".into(),
        ttl: 30,
        a: EXAMPLE,
    };
    assert_eq!((a.rcode, a.answers), (Rcode::NoError, vec![rec]));
    assert_eq!(rcode("example.com.", QType::Aaaa), NODATA);
    assert_eq!(rcode("example.com.example.internal.", QType::A), NXDOMAIN);
    assert_eq!(rcode("nope.example.", QType::Aaaa), NXDOMAIN);
}

#[test]
fn names_are_case_insensitive_and_the_answer_keeps_the_question_case() {
    let a = coredns().answer("API-SVC.Backend.SVC.Cluster.Local", QType::A);
    assert_eq!(a.answers[0].a, API);
    assert_eq!(a.answers[0].name, "API-SVC.Backend.SVC.Cluster.Local.");
    assert_eq!(rcode("EXAMPLE.COM.", QType::A), (Rcode::NoError, 1));
}

#[test]
fn odd_names_do_not_panic() {
    for name in [
        "",
        ".",
        "..",
        "a..svc.cluster.local.",
        ".cluster.local.",
        "é.svc.cluster.local",
    ] {
        coredns().answer(name, QType::A);
    }
    let root = CoreDns {
        zone: ".".into(),
        ..coredns()
    };
    assert_eq!(
        root.answer("api-svc.backend.svc.", QType::A).answers[0].a,
        API
    );
}
