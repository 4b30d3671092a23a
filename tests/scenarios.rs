//! Scenario tests, named as the sentences they check.

use packetwalk_core::packet::{Frame, L4};
use packetwalk_core::trace::{Decision, DropReason, Event, Outcome};
use packetwalk_tests::{hops, lesson, run};
use std::net::Ipv4Addr;

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn delivered_to<'a>(r: &'a packetwalk_core::engine::Run, process: &str) -> &'a Frame {
    let h = r
        .trace
        .hops
        .iter()
        .rev()
        .find(|h| matches!(&h.event, Event::Deliver { process: p } if p == process))
        .expect("delivered");
    h.packet.as_ref().expect("packet")
}

fn completed(r: &packetwalk_core::engine::Run) -> bool {
    matches!(r.trace.outcome, Outcome::Completed { .. })
}

fn drop_reasons(r: &packetwalk_core::engine::Run) -> Vec<DropReason> {
    r.trace
        .hops
        .iter()
        .filter_map(|h| match &h.event {
            Event::Drop { reason } if *reason != DropReason::NotForThisHost => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn clusterip_reply_comes_from_the_service_address() {
    let r = run(&lesson("clusterip"));
    assert!(completed(&r));
    let dnat = hops(&r, |e| *e == Event::Dnat).next().expect("a DNAT hop");
    let p = dnat.packet.as_ref().and_then(|f| f.ipv4()).unwrap();
    assert_eq!((p.dst, p.l4.ports().unwrap().1), (ip("10.244.0.16"), 8080));
    let reply = delivered_to(&r, "curl").ipv4().unwrap();
    assert_eq!(reply.src, ip("10.96.0.20"));
    assert_eq!(reply.l4.ports().unwrap().0, 80);
}

#[test]
fn clusterip_to_a_pod_on_the_same_bridge_is_bridged_with_the_ttl_untouched() {
    let r = run(&lesson("clusterip"));
    let syn = r
        .trace
        .hops
        .iter()
        .filter(|h| h.event == Event::Receive && h.at.netns == "backend-2" && h.leg == "SYN")
        .filter_map(|h| h.packet.as_ref())
        .find(|f| f.ipv4().is_some())
        .expect("the SYN arrives");
    let frontend_mac = r
        .state_at(None)
        .0
        .iter()
        .find(|n| n.name == "frontend")
        .unwrap()
        .iface("eth0")
        .unwrap()
        .mac;
    assert_eq!(
        syn.ipv4().unwrap().ttl,
        64,
        "bridged DNAT does not decrement the TTL"
    );
    assert_eq!(
        syn.eth.unwrap().src,
        frontend_mac,
        "bridged DNAT keeps the sender's MAC"
    );
}

#[test]
fn kube_proxy_spreads_unpinned_connections_over_every_endpoint() {
    let mut l = lesson("clusterip");
    l.scenario.pin_endpoint = None;
    let mut seen = std::collections::BTreeSet::new();
    for seed in 1..40 {
        l.scenario.seed = seed;
        let r = run(&l);
        assert!(completed(&r));
        let dnat = hops(&r, |e| *e == Event::Dnat).next().unwrap();
        seen.insert(dnat.packet.as_ref().unwrap().ipv4().unwrap().dst);
    }
    assert_eq!(
        seen.len(),
        3,
        "every endpoint is chosen for some seed: {seen:?}"
    );
}

#[test]
fn without_bridge_nf_call_iptables_the_same_node_clusterip_reply_is_refused() {
    let mut l = lesson("clusterip");
    l.cluster.sysctls.bridge_nf_call_iptables = false;
    let r = run(&l);
    assert!(!completed(&r));
    assert_eq!(drop_reasons(&r), vec![DropReason::NoSocket]);
}

#[test]
fn a_pod_calling_its_own_service_is_masqueraded_and_needs_hairpin() {
    let mut l = lesson("clusterip");
    l.scenario.from = "backend-2".into();
    let r = run(&l);
    assert!(completed(&r), "{}", r.trace.to_text());
    let syn = delivered_to(&r, "backend").ipv4().unwrap();
    assert_eq!(
        syn.src,
        ip("10.244.0.1"),
        "KUBE-SEP's -s rule marks hairpin traffic for MASQUERADE to the bridge IP"
    );
    l.cluster.sysctls.hairpin = Some(false);
    let r = run(&l);
    assert!(drop_reasons(&r)
        .iter()
        .any(|d| matches!(d, DropReason::HairpinOff { .. })));
}

#[test]
fn same_node_pods_talk_without_any_translation() {
    let r = run(&lesson("same-node"));
    assert!(completed(&r));
    assert_eq!(
        hops(&r, |e| matches!(e, Event::Dnat | Event::Snat)).count(),
        0
    );
    let syn = delivered_to(&r, "backend").ipv4().unwrap();
    assert_eq!((syn.src, syn.ttl), (ip("10.244.0.5"), 64));
    assert_eq!(
        hops(&r, |e| *e == Event::ArpRequest).count(),
        1,
        "one ARP: the backend learned the frontend's MAC from its request"
    );
}

#[test]
fn cross_node_vxlan_wraps_the_unchanged_inner_frame() {
    let r = run(&lesson("cross-node-vxlan"));
    assert!(completed(&r));
    let encap = hops(&r, |e| *e == Event::VxlanEncap).next().unwrap();
    let outer = encap.packet.as_ref().unwrap().ipv4().unwrap();
    assert_eq!(
        (outer.src, outer.dst, outer.ttl),
        (ip("192.168.1.10"), ip("192.168.1.11"), 64)
    );
    let L4::Udp(u) = &outer.l4 else {
        panic!("outer is UDP")
    };
    assert_eq!(u.dport, 8472);
    let vx = encap.packet.as_ref().unwrap().vxlan().unwrap();
    assert_eq!(vx.vni, 1);
    let inner = vx.inner.ipv4().unwrap();
    assert_eq!(
        (inner.src, inner.dst, inner.ttl),
        (ip("10.244.0.5"), ip("10.244.1.10"), 63)
    );
    assert!((32768..=60999).contains(&u.sport));
    let syn = delivered_to(&r, "backend").ipv4().unwrap();
    assert_eq!(
        syn.ttl, 62,
        "two routing hops, as the reference's lab shows"
    );
}

#[test]
fn cross_node_kubenet_keeps_the_pod_source_and_follows_the_route_table() {
    let r = run(&lesson("cross-node-kubenet"));
    assert!(completed(&r));
    let fabric = hops(&r, |e| *e == Event::FabricRoute).next().unwrap();
    let d = fabric.decision.as_ref().unwrap();
    assert!(matches!(d, Decision::Fabric { .. }));
    let next_hop = d.fabric_next_hop().unwrap();
    assert!(next_hop.contains("10.240.0.5"), "{next_hop}");
    assert_eq!(
        hops(&r, |e| matches!(e, Event::Snat | Event::Dnat)).count(),
        0
    );
    let syn = delivered_to(&r, "nginx").ipv4().unwrap();
    assert_eq!((syn.src, syn.ttl), (ip("10.244.0.5"), 62));
}

#[test]
fn egress_is_masqueraded_to_the_node_ip_then_to_the_public_ip() {
    let r = run(&lesson("egress"));
    assert!(completed(&r));
    let snats: Vec<Ipv4Addr> = hops(&r, |e| *e == Event::Snat)
        .map(|h| h.packet.as_ref().unwrap().ipv4().unwrap().src)
        .collect();
    assert_eq!(snats, vec![ip("10.240.0.4"), ip("20.62.133.10")]);
    let reply = delivered_to(&r, "curl").ipv4().unwrap();
    assert_eq!(reply.dst, ip("10.244.0.5"));
}

#[test]
fn nodeport_to_a_remote_endpoint_is_dnatted_and_snatted_and_returns_through_the_first_node() {
    let r = run(&lesson("nodeport"));
    assert!(completed(&r));
    let snat = hops(&r, |e| *e == Event::Snat).next().unwrap();
    assert_eq!(snat.at.netns, "worker-node-1");
    assert_eq!(
        snat.packet.as_ref().unwrap().ipv4().unwrap().src,
        ip("10.244.0.0"),
        "MASQUERADE takes flannel.1's address"
    );
    let syn = delivered_to(&r, "web").ipv4().unwrap();
    assert_eq!(syn.src, ip("10.244.0.0"));
    let reply = delivered_to(&r, "curl").ipv4().unwrap();
    assert_eq!(
        (reply.src, reply.l4.ports().unwrap().0),
        (ip("192.168.1.10"), 30080)
    );
}

#[test]
fn dns_queries_follow_the_search_list_a_then_aaaa() {
    let r = run(&lesson("dns"));
    assert!(completed(&r));
    let legs: Vec<&str> = hops(&r, |e| *e == Event::DnsQuery)
        .map(|h| h.leg.as_str())
        .collect();
    assert_eq!(
        legs,
        vec![
            "A? api-svc.backend.frontend.svc.cluster.local.",
            "AAAA? api-svc.backend.frontend.svc.cluster.local.",
            "A? api-svc.backend.svc.cluster.local.",
            "AAAA? api-svc.backend.svc.cluster.local.",
        ]
    );
    let dnats = hops(&r, |e| *e == Event::Dnat).count();
    assert_eq!(
        dnats, 2,
        "one DNAT per candidate: A and AAAA share a socket and a conntrack entry"
    );
}

#[test]
fn an_unknown_name_ends_in_nxdomain_after_the_whole_search_list() {
    let mut l = lesson("dns");
    l.scenario.name = Some("nosuch.backend".into());
    let r = run(&l);
    assert!(!completed(&r));
    assert!(matches!(
        drop_reasons(&r).last(),
        Some(DropReason::NxDomain { .. })
    ));
    assert_eq!(
        hops(&r, |e| *e == Event::DnsQuery).count(),
        8,
        "three search domains and the name as-is, A and AAAA each"
    );
}

#[test]
fn ip_forward_off_drops_the_packet_at_the_first_node() {
    let mut l = lesson("cross-node-vxlan");
    l.cluster.sysctls.ip_forward = false;
    let r = run(&l);
    assert!(!completed(&r));
    let d = hops(&r, |e| {
        matches!(
            e,
            Event::Drop {
                reason: DropReason::IpForwardDisabled
            }
        )
    })
    .next()
    .expect("drop");
    assert_eq!(d.at.netns, "worker-node-1");
}

#[test]
fn a_node_without_a_default_route_drops_internet_traffic_with_no_route() {
    let mut l = lesson("cross-node-vxlan");
    l.scenario.to = Some("1.1.1.1:443".into());
    // A flannel node has a default route via its LAN's gateway; without one it has no route.
    let r = run(&l);
    assert_eq!(
        drop_reasons(&r),
        vec![DropReason::NoArpAnswer {
            ip: ip("192.168.1.1")
        }],
        "the lesson's LAN has no router at its gateway address"
    );
    l.cluster.underlay.gateway = None;
    let r = run(&l);
    assert_eq!(
        drop_reasons(&r),
        vec![DropReason::NoRoute { dst: ip("1.1.1.1") }]
    );
}

#[test]
fn an_address_nobody_owns_ends_in_an_unanswered_arp() {
    let mut l = lesson("same-node");
    l.scenario.to = Some("10.244.0.99:8080".into());
    let r = run(&l);
    assert_eq!(
        drop_reasons(&r),
        vec![DropReason::NoArpAnswer {
            ip: ip("10.244.0.99")
        }]
    );
}

#[test]
fn the_loopback_lesson_never_leaves_the_pod() {
    let r = run(&lesson("inside-a-pod"));
    assert!(completed(&r));
    assert!(r
        .trace
        .hops
        .iter()
        .all(|h| h.at.netns == "nginx-7cf567cc7-8879g"));
    assert!(r
        .trace
        .hops
        .iter()
        .filter_map(|h| h.at.device.as_deref())
        .all(|d| d == "lo"));
}

#[test]
fn a_routing_loop_ends_when_the_ttl_runs_out() {
    let mut l = lesson("cross-node-vxlan");
    let loop_dst: ipnet::Ipv4Net = "10.9.0.0/16".parse().unwrap();
    l.cluster.nodes[0]
        .routes
        .push(packetwalk_core::cluster::RouteSpec {
            dst: loop_dst,
            via: ip("192.168.1.11"),
        });
    l.cluster.nodes[1]
        .routes
        .push(packetwalk_core::cluster::RouteSpec {
            dst: loop_dst,
            via: ip("192.168.1.10"),
        });
    l.scenario.to = Some("10.9.0.1:80".into());
    let r = run(&l);
    assert_eq!(drop_reasons(&r), vec![DropReason::TtlExceeded]);
}

#[test]
fn azure_routes_by_destination_so_a_static_route_to_another_node_is_not_enough() {
    let mut l = lesson("cross-node-kubenet");
    l.cluster.nodes[0]
        .routes
        .push(packetwalk_core::cluster::RouteSpec {
            dst: "10.9.0.0/16".parse().unwrap(),
            via: ip("10.240.0.5"),
        });
    l.scenario.to = Some("10.9.0.1:80".into());
    let r = run(&l);
    assert_eq!(
        drop_reasons(&r),
        vec![DropReason::FabricNoRoute {
            dst: ip("10.9.0.1")
        }]
    );
}

#[test]
fn nodeport_with_local_traffic_policy_keeps_the_client_address() {
    let mut l = lesson("nodeport");
    l.cluster.services[0].external_traffic_policy =
        packetwalk_core::kube_proxy::TrafficPolicy::Local;
    l.scenario.to = Some("192.168.1.11:30080".into());
    let r = run(&l);
    assert!(completed(&r), "{}", r.trace.to_text());
    assert_eq!(
        hops(&r, |e| *e == Event::Snat).count(),
        0,
        "eTP=Local never masquerades"
    );
    let syn = delivered_to(&r, "web").ipv4().unwrap();
    assert_eq!(syn.src, ip("192.168.1.100"));
    let reply = delivered_to(&r, "curl").ipv4().unwrap();
    assert_eq!(
        (reply.src, reply.l4.ports().unwrap().0),
        (ip("192.168.1.11"), 30080)
    );
}

#[test]
fn nodeport_with_local_traffic_policy_is_not_served_by_a_node_without_endpoints() {
    let mut l = lesson("nodeport");
    l.cluster.services[0].external_traffic_policy =
        packetwalk_core::kube_proxy::TrafficPolicy::Local;
    let r = run(&l);
    assert!(!completed(&r));
    assert_eq!(
        hops(&r, |e| *e == Event::Dnat).count(),
        0,
        "no KUBE-SVL jump on a node without local endpoints"
    );
}

#[test]
fn kubenets_promiscuous_cbr0_gets_a_copy_of_every_forwarded_frame_and_no_broadcast_goes_back() {
    // As a capture on cbr0 showed (the same-node pods on kubenet, Linux 6.18): the ARP reply,
    // the SYN and the SYN-ACK between the two pods all also come in on cbr0, and the sender's
    // own port does not get its ARP request back (hairpin off).
    let mut l = lesson("same-node");
    l.cluster.network = packetwalk_core::cluster::Network::Kubenet;
    let r = run(&l);
    assert!(completed(&r), "{}", r.trace.to_text());
    let copies = hops(&r, |e| {
        *e == Event::Drop {
            reason: DropReason::NotForThisHost,
        }
    })
    .filter(|h| h.at.device.as_deref() == Some("cbr0"))
    .count();
    assert_eq!(
        copies, 4,
        "the ARP request's copy, the ARP reply, the SYN, the SYN-ACK"
    );
    let own_request_back = r.trace.hops.iter().any(|h| {
        h.at.netns == "frontend"
            && h.event == Event::Receive
            && h.packet
                .as_ref()
                .is_some_and(|f| f.to_string().contains("who-has"))
    });
    assert!(!own_request_back);
}

/// The filter walks of a run at `hook`, as (conntrack state, the chain that decided).
fn filter_walks(r: &packetwalk_core::engine::Run, hook: &str) -> Vec<(String, String)> {
    r.trace
        .hops
        .iter()
        .filter(|h| matches!(&h.event, Event::Filter { hook: k } if k == hook))
        .filter_map(|h| match &h.decision {
            Some(Decision::Nat(w)) => {
                let by = w.steps.iter().rev().find(|s| s.matched);
                let state = w.ct_state.map(|s| s.name()).unwrap_or("");
                Some((
                    state.to_string(),
                    by.map(|s| s.chain.clone()).unwrap_or_default(),
                ))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_forwarded_syn_is_new_and_its_syn_ack_established_in_the_filter_table() {
    let r = run(&lesson("cross-node-vxlan"));
    let walks = filter_walks(&r, "FORWARD");
    assert!(
        walks.contains(&("NEW".into(), "FLANNEL-FWD".into())),
        "{walks:?}"
    );
    let r = run(&lesson("nodeport"));
    let walks = filter_walks(&r, "FORWARD");
    assert!(walks.iter().any(|(s, _)| s == "ESTABLISHED"), "{walks:?}");
    assert!(
        !filter_walks(&r, "INPUT").is_empty()
            || !filter_walks(&r, "OUTPUT").is_empty()
            || !walks.is_empty()
    );
}

#[test]
fn with_forward_policy_drop_kubenet_pod_traffic_is_dropped_but_flannel_and_marked_traffic_pass() {
    use packetwalk_core::netfilter::Policy;
    let mut l = lesson("cross-node-kubenet");
    l.cluster
        .nodes
        .iter_mut()
        .for_each(|n| n.forward_policy = Policy::Drop);
    let r = run(&l);
    assert_eq!(drop_reasons(&r), vec![DropReason::NetfilterDrop]);
    for (id, chain) in [
        ("cross-node-vxlan", "FLANNEL-FWD"),
        ("nodeport", "KUBE-FORWARD"),
    ] {
        let mut l = lesson(id);
        l.cluster
            .nodes
            .iter_mut()
            .for_each(|n| n.forward_policy = Policy::Drop);
        let r = run(&l);
        assert!(completed(&r), "{id}: {}", r.trace.to_text());
        let walks = filter_walks(&r, "FORWARD");
        assert!(walks.iter().any(|(_, c)| c == chain), "{id}: {walks:?}");
    }
}

#[test]
fn a_service_without_endpoints_is_rejected_in_the_filter_table() {
    let mut l = lesson("clusterip");
    l.cluster
        .services
        .iter_mut()
        .for_each(|s| s.endpoints.clear());
    l.scenario.pin_endpoint = None;
    let r = run(&l);
    assert_eq!(drop_reasons(&r), vec![DropReason::NetfilterDrop]);
    let last = r
        .trace
        .hops
        .iter()
        .rev()
        .find(|h| matches!(h.event, Event::Filter { .. }) && h.leg == "SYN");
    let Some(Decision::Nat(w)) = last.and_then(|h| h.decision.as_ref()) else {
        panic!("no filter walk")
    };
    assert_eq!(w.verdict, packetwalk_core::netfilter::NatVerdict::Reject);
    // The ICMP port unreachable walks back and the client's connect is refused.
    let end = r.trace.hops.last().expect("hops");
    assert!(matches!(&end.event, Event::Refused { process } if process == "curl"));
    assert_eq!(end.at.netns, "frontend");
}
