use super::*;
use crate::load;
use packetwalk_core::trace::{DropReason, Event, Outcome};

fn lesson(id: &str) -> Lesson {
    load(id).expect("lesson").expect("parses")
}

fn set(s: &str) -> Setting {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn apply_err(id: &str, settings: &[&str]) -> String {
    let settings: Vec<Setting> = settings.iter().map(|s| set(s)).collect();
    let e = apply(&lesson(id), &settings).expect_err("refused");
    assert!(!e.contains('\n'), "{e}");
    e
}

/// The kubenet lesson's nodes: the client pod's, then the server pod's.
const KUBENET_1: &str = "aks-nodepool1-27511634-vmss000000";
const KUBENET_2: &str = "aks-nodepool1-27511634-vmss000001";

#[test]
fn a_setting_prints_as_it_is_parsed() {
    for s in [
        "net.ipv4.ip_forward=0@worker-node-1",
        "net.ipv4.ip_forward=1",
        "kube-proxy.endpoint=10.244.0.16:8080",
        "externalTrafficPolicy=Local@kube-system/web",
        "ndots=1@web",
    ] {
        assert_eq!(set(s).to_string(), s);
    }
    assert_eq!(
        set("ndots=2@web"),
        Setting {
            name: "ndots".into(),
            value: "2".into(),
            at: Some("web".into())
        }
    );
    for bad in ["ip_forward", "=1", "a=", "a=1@", "a=1@b@c", "a b=1"] {
        let e = bad.parse::<Setting>().unwrap_err();
        assert!(e.contains("NAME=VALUE@WHERE"), "{bad}: {e}");
    }
}

#[test]
fn every_value_of_every_switch_of_every_lesson_applies_and_runs() {
    for l in crate::all() {
        let l = l.expect("parses");
        for sw in available(&l) {
            assert_eq!(sw.values[0], sw.current, "{}: {}", l.id, sw.key);
            assert!(sw.values.len() > 1, "{}: {} has one value", l.id, sw.key);
            for v in &sw.values {
                let changed = apply(&l, &[sw.setting(v)])
                    .unwrap_or_else(|e| panic!("{}: {}={v}: {e}", l.id, sw.key));
                let run = changed.run().expect("runs");
                assert!(!run.trace.hops.is_empty());
            }
            // The lesson's own value changes nothing.
            let same = apply(&l, &[sw.setting(&sw.current)]).expect("applies");
            assert_eq!(
                same.run().expect("runs").trace.to_text(),
                l.run().expect("runs").trace.to_text(),
                "{}: {}",
                l.id,
                sw.key
            );
        }
    }
}

#[test]
fn the_switches_offered_are_the_ones_that_apply() {
    let keys =
        |id: &str| -> Vec<String> { available(&lesson(id)).into_iter().map(|s| s.key).collect() };
    assert_eq!(
        keys("cross-node-kubenet"),
        vec![
            format!("{IP_FORWARD}@{KUBENET_1}"),
            format!("{BRIDGE_NF}@{KUBENET_1}"),
            format!("{FORWARD_POLICY}@{KUBENET_1}"),
            format!("{IP_FORWARD}@{KUBENET_2}"),
            format!("{BRIDGE_NF}@{KUBENET_2}"),
            format!("{FORWARD_POLICY}@{KUBENET_2}"),
            "packet.from".to_string(),
            "packet.to".to_string(),
        ]
    );
    assert!(keys("clusterip").contains(&ENDPOINT.to_string()));
    assert!(keys("dns").contains(&"ndots@web".to_string()));
    // The nodeport lesson's client reaches a node with no endpoint: with Local, kube-proxy's
    // KUBE-EXTERNAL-SERVICES drops the SYN in filter INPUT ("has no local endpoints").
    assert!(keys("nodeport")
        .iter()
        .any(|k| k.starts_with(TRAFFIC_POLICY)));
    let l = apply(
        &lesson("nodeport"),
        &[set("externalTrafficPolicy=Local@web")],
    )
    .unwrap();
    let r = l.run().unwrap();
    let last = r.trace.hops.last().unwrap();
    assert_eq!(
        last.event,
        Event::Drop {
            reason: DropReason::NetfilterDrop
        },
        "{}",
        r.trace.to_text()
    );
    assert!(
        last.explain.contains("KUBE-EXTERNAL-SERVICES"),
        "{}",
        last.explain
    );
}

#[test]
fn ip_forward_off_on_the_forwarding_node_drops_the_packet_there() {
    let l = lesson("cross-node-kubenet");
    let forward_off = |node: &str| {
        let l = apply(&l, &[set(&format!("{IP_FORWARD}=0@{node}"))]).expect("applies");
        l.run().expect("runs")
    };
    let run = forward_off(KUBENET_1);
    let Outcome::Failed { hop, .. } = run.trace.outcome else {
        panic!("completed: {}", run.trace.to_text());
    };
    let drop = &run.trace.hops[hop];
    assert!(matches!(
        drop.event,
        Event::Drop {
            reason: DropReason::IpForwardDisabled
        }
    ));
    assert_eq!(drop.at.netns, KUBENET_1);
    // The server's node forwards the SYN in, so it drops it there instead.
    let run = forward_off(KUBENET_2);
    let Outcome::Failed { hop, .. } = run.trace.outcome else {
        panic!("completed: {}", run.trace.to_text());
    };
    assert_eq!(run.trace.hops[hop].at.netns, KUBENET_2);
}

#[test]
fn without_where_a_sysctl_is_set_on_every_node() {
    let l = apply(
        &lesson("cross-node-kubenet"),
        &[set("net.ipv4.ip_forward=0")],
    )
    .expect("applies");
    assert!(l
        .cluster
        .nodes
        .iter()
        .all(|n| n.sysctls.ip_forward == Some(false)));
    let sw = available(&l);
    assert!(sw
        .iter()
        .filter(|s| s.name == IP_FORWARD)
        .all(|s| s.current == "0"));
}

#[test]
fn two_switches_combine_and_the_later_wins() {
    let l = lesson("clusterip");
    let other = available(&l)
        .into_iter()
        .find(|s| s.name == ENDPOINT)
        .map(|s| s.values[1].clone())
        .expect("another endpoint");
    let node = l.cluster.nodes[0].name.clone();
    let settings = [
        set(&format!("kube-proxy.endpoint={other}")),
        set(&format!("{BRIDGE_NF}=0")),
        set(&format!("{BRIDGE_NF}=1@{node}")),
    ];
    let both = apply(&l, &settings).expect("applies");
    assert_eq!(
        both.scenario.pin_endpoint.map(|e| e.to_string()),
        Some(other)
    );
    assert_eq!(
        both.cluster.nodes[0].sysctls.bridge_nf_call_iptables,
        Some(true)
    );
    assert!(both.cluster.nodes[1..]
        .iter()
        .all(|n| n.sysctls.bridge_nf_call_iptables == Some(false)));
    both.run().expect("runs");
}

#[test]
fn ndots_changes_the_resolv_conf_and_the_queries() {
    let l = apply(&lesson("dns"), &[set("ndots=1")]).expect("applies");
    let run = l.run().expect("runs");
    let web = run.cluster().ns("web").expect("web");
    let conf = web.resolv_conf.as_ref().expect("resolv.conf");
    assert_eq!(conf.ndots, Some(1));
    assert_ne!(
        run.trace.to_text(),
        lesson("dns").run().expect("runs").trace.to_text()
    );
}

#[test]
fn mistakes_are_one_line_messages() {
    let e = apply_err("cross-node-kubenet", &["net.ipv4.ip_forwad=0"]);
    assert!(
        e.contains("no switch `net.ipv4.ip_forwad`; the switches: net.ipv4.ip_forward"),
        "{e}"
    );
    let e = apply_err("cross-node-kubenet", &["net.ipv4.ip_forward=2"]);
    assert!(e.contains("takes 1 or 0, not `2`"), "{e}");
    let e = apply_err("cross-node-kubenet", &["net.ipv4.ip_forward=0@node-9"]);
    assert!(e.contains("no node `node-9`"), "{e}");
    assert!(e.contains(KUBENET_1), "{e}");
    let e = apply_err("cross-node-kubenet", &["ndots=1"]);
    assert!(
        e.contains("does not apply to lesson cross-node-kubenet"),
        "{e}"
    );
    let e = apply_err(
        "clusterip",
        &["kube-proxy.endpoint=10.244.0.16:8080@worker-node-1"],
    );
    assert!(e.contains("give it without @worker-node-1"), "{e}");
    let e = apply_err("clusterip", &["kube-proxy.endpoint=10.9.9.9:80"]);
    assert!(e.contains("takes"), "{e}");
}

#[test]
fn a_switched_lesson_is_what_its_file_would_say() {
    let (_, text) = crate::FILES
        .iter()
        .find(|(i, _)| *i == "cross-node-kubenet")
        .unwrap();
    let node = "pod_cidr = \"10.244.0.0/24\"\n";
    assert!(text.contains(node));
    let text = text.replacen(
        node,
        &format!("{node}sysctls = {{ ip_forward = false }}\n"),
        1,
    );
    let file = crate::parse("x.toml", "cross-node-kubenet", &text).expect("parses");
    let off = [set(&format!("{IP_FORWARD}=0@{KUBENET_1}"))];
    assert_eq!(
        apply(&lesson("cross-node-kubenet"), &off).expect("applies"),
        file
    );

    let (_, text) = crate::FILES.iter().find(|(i, _)| *i == "dns").unwrap();
    let pod = "containers = [{ name = \"web\", image = \"nginx\" }]\n";
    assert!(text.contains(pod));
    let text = text.replacen(pod, &format!("{pod}dns_config = {{ ndots = 2 }}\n"), 1);
    let file = crate::parse("x.toml", "dns", &text).expect("parses");
    assert_eq!(
        apply(&lesson("dns"), &[set("ndots=2@web")]).expect("applies"),
        file
    );
}

#[test]
fn a_lesson_builds_its_cluster_once_and_again_only_when_its_cluster_changes() {
    let l = lesson("cross-node-kubenet");
    let checked = l.cluster().expect("builds");
    let run = l.cluster().expect("builds");
    assert!(
        std::sync::Arc::ptr_eq(&checked, &run),
        "parse's build is reused"
    );
    let off = apply(&l, &[set(&format!("{IP_FORWARD}=0@{KUBENET_1}"))]).expect("applies");
    let switched = off.cluster().expect("builds");
    assert!(
        !std::sync::Arc::ptr_eq(&checked, &switched),
        "a changed spec builds anew"
    );
    assert_ne!(checked.spec, switched.spec);
    assert!(std::sync::Arc::ptr_eq(
        &switched,
        &off.cluster().expect("builds")
    ));
}

#[test]
fn your_own_packet_is_sent_from_where_you_say_to_what_you_say() {
    let l = lesson("clusterip");
    let ping = apply(
        &l,
        &[
            set("packet.from=backend-1"),
            set("packet.to=ping:10.244.0.17"),
        ],
    )
    .expect("applies");
    let run = ping.run().expect("runs");
    assert_eq!(run.trace.hops[0].at.netns, "backend-1");
    assert!(
        run.trace.to_text().contains("ICMP echo request"),
        "{}",
        run.trace.to_text()
    );
    assert!(matches!(run.trace.outcome, Outcome::Completed { .. }));
    // A new destination forgets the pinned pick, an endpoint of the old one.
    let svc = apply(&l, &[set("packet.to=tcp:10.244.0.15:8080")]).expect("applies");
    assert_eq!(svc.scenario.pin_endpoint, None);
    // Only what the check accepts is offered: a host resolves nothing.
    let dns = lesson("dns");
    let to = available(&dns)
        .into_iter()
        .find(|s| s.name == "packet.to")
        .unwrap();
    assert!(to.values.iter().any(|v| v.starts_with("resolve:")));
    assert!(apply(&dns, &[set("packet.to=tcp:1.2.3.4:80")])
        .unwrap_err()
        .contains("takes"));
}

/// The refusal's hop and the ICMP error's source, for `endpoints.ready=false` on a lesson.
fn refused(id: &str) -> (String, std::net::Ipv4Addr) {
    let l = apply(&lesson(id), &[set(&format!("{READY}=false"))]).expect("applies");
    let run = l.run().expect("runs");
    assert!(matches!(run.trace.outcome, Outcome::Completed { .. }));
    let last = run.trace.hops.last().expect("hops");
    assert!(
        matches!(last.event, Event::Refused { .. }),
        "{}",
        run.trace.to_text()
    );
    let ip = last.packet.as_ref().and_then(|f| f.ipv4()).expect("ip");
    (last.at.netns.clone(), ip.src)
}

#[test]
fn endpoints_not_ready_refuse_the_connection_at_forward_and_at_input() {
    // ClusterIP: rejected at FORWARD, answered from the route's preferred source (cni0's).
    assert_eq!(
        refused("clusterip"),
        ("frontend".into(), [10, 244, 0, 1].into())
    );
    // NodePort: rejected at INPUT, answered from the address the client called.
    assert_eq!(
        refused("nodeport"),
        ("client".into(), [192, 168, 1, 10].into())
    );
}
