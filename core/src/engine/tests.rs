//! Engine-level properties; lesson-level behaviour is tested in tests/scenarios.rs.

use super::*;
use crate::trace::Event;

#[test]
fn the_rng_is_deterministic_and_stays_in_range() {
    let (mut a, mut b) = (Rng(7), Rng(7));
    for _ in 0..1000 {
        let x = a.range(32768, 60999);
        assert_eq!(x, b.range(32768, 60999));
        assert!((32768..=60999).contains(&x));
    }
}

#[test]
fn the_rng_chance_matches_its_probability_roughly() {
    let mut r = Rng(1);
    let hits = (0..10_000).filter(|_| r.chance(1.0 / 3.0)).count();
    assert!((3000..3700).contains(&hits), "{hits}");
}

/// One AKS node with no pods.
fn one_node() -> Cluster {
    let spec: crate::cluster::ClusterSpec = toml::from_str(
        r#"
        network = "kubenet"
        pod_cidr = "10.244.0.0/16"
        service_cidr = "10.0.0.0/16"
        underlay = { kind = "azure-vnet", cidr = "10.240.0.0/16", gateway = "10.240.0.1" }
        [[nodes]]
        name = "n1"
        ip = "10.240.0.4"
        pod_cidr = "10.244.0.0/24"
        "#,
    )
    .expect("spec");
    Cluster::build(&spec).expect("builds")
}

#[test]
fn an_empty_cluster_scenario_from_nowhere_fails_without_panicking() {
    let cluster = one_node();
    let sc = Scenario {
        from: "nobody".into(),
        action: Action::Ping {
            to: "10.240.0.4".parse().unwrap(),
        },
        seed: 1,
        pin_endpoint: None,
    };
    let r = run(&cluster, &sc);
    assert!(matches!(r.trace.outcome, Outcome::Failed { .. }));
}

#[test]
fn a_node_answers_a_ping_from_itself_over_loopback() {
    let cluster = one_node();
    let sc = Scenario {
        from: "n1".into(),
        action: Action::Ping {
            to: "10.240.0.4".parse().unwrap(),
        },
        seed: 1,
        pin_endpoint: None,
    };
    let r = run(&cluster, &sc);
    assert!(
        matches!(r.trace.outcome, Outcome::Completed { .. }),
        "{}",
        r.trace.to_text()
    );
    assert!(r
        .trace
        .hops
        .iter()
        .filter_map(|h| h.at.device.as_deref())
        .all(|d| d == "lo"));
}

#[test]
fn the_same_scenario_gives_the_same_trace_byte_for_byte() {
    let spec: crate::cluster::ClusterSpec = toml::from_str(
        r#"
        network = "flannel-vxlan"
        pod_cidr = "10.244.0.0/16"
        service_cidr = "10.96.0.0/12"
        underlay = { kind = "ethernet", cidr = "192.168.1.0/24" }
        [[nodes]]
        name = "a"
        ip = "192.168.1.10"
        pod_cidr = "10.244.0.0/24"
        pods = [{ name = "p", ip = "10.244.0.5", containers = [{ name = "c" }] }]
        [[nodes]]
        name = "b"
        ip = "192.168.1.11"
        pod_cidr = "10.244.1.0/24"
        pods = [{ name = "q", ip = "10.244.1.5", containers = [{ name = "c" }] }]
        "#,
    )
    .expect("spec");
    let cluster = Cluster::build(&spec).expect("builds");
    let sc = Scenario {
        from: "p".into(),
        action: Action::Ping {
            to: "10.244.1.5".parse().unwrap(),
        },
        seed: 9,
        pin_endpoint: None,
    };
    let (a, b) = (run(&cluster, &sc), run(&cluster, &sc));
    assert!(
        matches!(a.trace.outcome, Outcome::Completed { .. }),
        "{}",
        a.trace.to_text()
    );
    assert_eq!(a.trace.to_text(), b.trace.to_text());
    // ICMP has no socket hash: both directions share one VXLAN source port.
    let ports: std::collections::BTreeSet<u16> = a
        .trace
        .hops
        .iter()
        .filter(|h| h.event == Event::VxlanEncap)
        .filter_map(|h| h.packet.as_ref()?.ipv4()?.l4.ports())
        .map(|p| p.0)
        .collect();
    assert_eq!(ports.len(), 1, "{ports:?}");
}

/// Issue 14: a node whose underlay IP lies inside another node's pod CIDR. The outer VXLAN
/// packet to that node routes back into flannel.1 and is encapsulated again; the check
/// refuses the spec, and the engine (built here without the check) stops at the kernel's
/// nesting limit instead of recursing until the stack overflows.
pub(crate) const VXLAN_LOOP: &str = r#"
    network = "flannel-vxlan"
    pod_cidr = "10.244.0.0/16"
    service_cidr = "10.96.0.0/12"
    underlay = { kind = "ethernet", cidr = "10.0.0.0/8" }
    [[nodes]]
    name = "n1"
    ip = "10.0.0.10"
    pod_cidr = "10.244.0.0/24"
    pods = [{ name = "p", ip = "10.244.0.5", containers = [{ name = "c" }] }]
    [[nodes]]
    name = "n2"
    ip = "10.244.1.10"
    pod_cidr = "10.244.1.0/24"
    pods = [{ name = "q", ip = "10.244.1.5", containers = [{ name = "c" }] }]
"#;

#[test]
fn vxlan_routed_back_into_itself_stops_at_the_xmit_recursion_limit() {
    let spec: crate::cluster::ClusterSpec = toml::from_str(VXLAN_LOOP).expect("spec");
    let e = Cluster::build(&spec).expect_err("the check refuses it");
    assert_eq!(e.field, "cluster.nodes[1].ip", "{e}");
    let cluster = Cluster::build_unchecked(&spec).expect("builds unchecked");
    let sc = Scenario {
        from: "p".into(),
        action: Action::Ping {
            to: "10.244.1.5".parse().unwrap(),
        },
        seed: 1,
        pin_endpoint: None,
    };
    let r = run(&cluster, &sc);
    let encaps = r
        .trace
        .hops
        .iter()
        .filter(|h| h.event == Event::VxlanEncap)
        .count();
    assert_eq!(
        encaps,
        XMIT_RECURSION_LIMIT as usize,
        "{}",
        r.trace.to_text()
    );
    let last = r.trace.hops.last().expect("hops");
    assert_eq!(
        last.event,
        Event::Drop {
            reason: crate::trace::DropReason::RecursionLimit {
                dev: "flannel.1".into()
            }
        },
        "{}",
        r.trace.to_text()
    );
    assert!(last.explain.contains("Dead loop"), "{}", last.explain);
    match r.trace.outcome {
        Outcome::Failed { hop, .. } => assert_eq!(hop, r.trace.hops.len() - 1),
        o => panic!("{o:?}"),
    }
}
