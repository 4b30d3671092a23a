//! Property: every trace ends (completed or dropped) within the hop budget, for generated
//! topologies, including ones with routing loops between nodes.

use packetwalk_core::cluster::{Cluster, ClusterSpec, RouteSpec};
use packetwalk_core::engine::{self, Action, Scenario, HOP_BUDGET};
use packetwalk_core::trace::{Event, Outcome};
use proptest::prelude::*;
use std::net::Ipv4Addr;

fn spec(nodes: usize, pods: usize, vxlan: bool, loops: bool) -> ClusterSpec {
    let mut s: ClusterSpec = packetwalk_tests::lesson(if vxlan {
        "cross-node-vxlan"
    } else {
        "cross-node-kubenet"
    })
    .cluster;
    let base = s.nodes[0].clone();
    s.nodes.clear();
    for n in 0..nodes {
        let mut node = base.clone();
        node.name = format!("node-{n}");
        let under = u32::from(s.underlay.cidr.network());
        node.ip = Ipv4Addr::from(under + 10 + n as u32);
        node.pod_cidr = format!("10.244.{n}.0/24").parse().unwrap();
        node.pods = (0..pods)
            .map(|p| {
                let mut pod = base.pods[0].clone();
                pod.name = format!("pod-{n}-{p}");
                pod.ip = format!("10.244.{n}.{}", 10 + p).parse().unwrap();
                pod
            })
            .collect();
        if loops && nodes > 1 {
            let next = Ipv4Addr::from(under + 10 + ((n + 1) % nodes) as u32);
            node.routes = vec![RouteSpec {
                dst: "10.99.0.0/16".parse().unwrap(),
                via: next,
            }];
        }
        s.nodes.push(node);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn every_trace_ends_within_the_hop_budget(
        nodes in 1usize..4, pods in 1usize..3, vxlan: bool, loops: bool,
        from_node in 0usize..3, to_node in 0usize..4, to_host in 0u8..40, port in 1u16..100, seed: u64,
    ) {
        let s = spec(nodes, pods, vxlan, loops);
        let cluster = Cluster::build(&s).expect("generated spec is valid");
        let from = format!("pod-{}-0", from_node % nodes);
        let to: Ipv4Addr = if to_node == 3 { format!("10.99.{to_host}.1").parse().unwrap() } else { format!("10.244.{to_node}.{to_host}").parse().unwrap() };
        let sc = Scenario { from, action: Action::Tcp { to, port, process: "curl".into() }, seed, pin_endpoint: None };
        let r = engine::run(&cluster, &sc);
        prop_assert!(r.trace.hops.len() < HOP_BUDGET, "trace length {}", r.trace.hops.len());
        match &r.trace.outcome {
            Outcome::Completed { .. } => {
                let delivered = r.trace.hops.iter().any(|h| matches!(h.event, Event::Deliver { .. }));
                prop_assert!(delivered, "a completed trace delivers something");
            }
            Outcome::Failed { hop, .. } => prop_assert!(*hop < r.trace.hops.len(), "the failing hop exists"),
        }
    }
}
