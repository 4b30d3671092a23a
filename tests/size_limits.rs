//! How cost grows with the cluster's size, and the check's limits that keep a run short
//! (issue 14 point 2; raised by issue 13, figures in docs/scale.md). `cargo test -p packetwalk-tests --test size_limits -- --ignored
//! --nocapture` prints the measurements the limits in core/src/cluster/limits.rs rest on.

use ipnet::Ipv4Net;
use packetwalk_core::cluster::*;
use packetwalk_core::engine::{self, Action, Scenario};
use packetwalk_core::netfilter::Proto;
use std::net::Ipv4Addr;
use std::time::Instant;

/// `nodes` flannel nodes with `pods` pods each, `services` Services of three endpoints each,
/// `hosts` LAN hosts; a TCP connection from the first pod to the last Service.
fn generate(nodes: usize, pods: usize, services: usize, hosts: usize) -> (ClusterSpec, Scenario) {
    let node_ip = |i: usize| Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 16, 0, 10)) + i as u32);
    let pod_cidr = |i: usize| {
        Ipv4Net::new(Ipv4Addr::new(10, (i / 256) as u8, (i % 256) as u8, 0), 24).unwrap()
    };
    let pod_ip =
        |n: usize, p: usize| Ipv4Addr::from(u32::from(pod_cidr(n).network()) + 10 + p as u32);
    let pod_name = |n: usize, p: usize| format!("pod-{n}-{p}");
    let spec = ClusterSpec {
        network: Network::FlannelVxlan,
        pod_cidr: "10.0.0.0/8".parse().unwrap(),
        service_cidr: "192.168.0.0/16".parse().unwrap(),
        cluster_domain: "cluster.local".into(),
        dns_ip: None,
        underlay: UnderlaySpec {
            kind: UnderlayKind::Ethernet,
            cidr: "172.16.0.0/12".parse().unwrap(),
            gateway: None,
            route_table: None,
            outbound_ip: None,
        },
        sysctls: SysctlSpec::default(),
        kube_proxy: KubeProxySpec::default(),
        nodes: (0..nodes)
            .map(|n| NodeSpec {
                name: format!("node-{n}"),
                ip: node_ip(n),
                pod_cidr: pod_cidr(n),
                pods: (0..pods)
                    .map(|p| PodSpec {
                        name: pod_name(n, p),
                        namespace: "default".into(),
                        ip: pod_ip(n, p),
                        containers: vec![ContainerSpec {
                            name: "c".into(),
                            image: None,
                            listen: vec!["tcp/8080".into()],
                            dns_server: false,
                        }],
                        dns_config: None,
                    })
                    .collect(),
                routes: vec![],
                sysctls: Default::default(),
                forward_policy: Default::default(),
            })
            .collect(),
        services: (0..services)
            .map(|s| ServiceSpec {
                name: format!("svc-{s}"),
                namespace: "default".into(),
                cluster_ip: Ipv4Addr::from(u32::from(Ipv4Addr::new(192, 168, 0, 10)) + s as u32),
                ports: vec![PortSpec {
                    name: None,
                    protocol: Proto::Tcp,
                    port: 80,
                    target_port: 8080,
                    node_port: None,
                }],
                endpoints_ready: true,
                endpoints: (0..3)
                    .map(|e| pod_name((s * 3 + e) % nodes, e % pods.max(1)))
                    .filter(|_| pods > 0)
                    .collect(),
                external_traffic_policy: Default::default(),
            })
            .collect(),
        hosts: (0..hosts)
            .map(|h| HostSpec {
                name: format!("host-{h}"),
                ip: Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 31, 0, 10)) + h as u32),
                location: HostLocation::Lan,
                listen: vec![],
                process: None,
            })
            .collect(),
        upstream_dns: Default::default(),
        node_dns: Default::default(),
    };
    let (to, port) = match spec.services.last() {
        Some(s) => (s.cluster_ip, 80),
        None => (pod_ip(nodes - 1, 0), 8080),
    };
    let scenario = Scenario {
        from: pod_name(0, 0),
        action: Action::Tcp {
            to,
            port,
            process: "curl".into(),
        },
        seed: 1,
        pin_endpoint: None,
    };
    (spec, scenario)
}

fn build_and_run(spec: &ClusterSpec, sc: &Scenario) -> (f64, usize) {
    let t = Instant::now();
    let cluster = Cluster::build(spec).unwrap_or_else(|e| panic!("{e}"));
    let run = engine::run(&cluster, sc);
    assert!(
        matches!(
            run.trace.outcome,
            packetwalk_core::trace::Outcome::Completed { .. }
        ),
        "{:?}",
        run.trace.outcome
    );
    (t.elapsed().as_secs_f64() * 1000.0, run.trace.hops.len())
}

#[test]
#[ignore = "a measurement, not a test: run with --ignored --nocapture"]
fn measure() {
    for (n, p, s, h) in [
        (2, 3, 1, 0),
        (25, 3, 1, 0),
        (50, 3, 1, 0),
        (100, 3, 1, 0),
        (200, 3, 1, 0),
        (2, 50, 1, 0),
        (2, 100, 1, 0),
        (10, 50, 1, 0),
        (2, 3, 50, 0),
        (2, 3, 100, 0),
        (2, 3, 200, 0),
        (2, 3, 1, 50),
        (2, 3, 1, 100),
        (2, 3, 1, 200),
        (50, 5, 50, 20),
        (32, 8, 32, 16),
        (40, 6, 40, 16),
    ] {
        let (spec, sc) = generate(n, p, s, h);
        let (ms, hops) = build_and_run(&spec, &sc);
        println!(
            "nodes {n:4} pods/node {p:3} services {s:4} hosts {h:4}: {ms:9.1} ms, {hops} hops"
        );
    }
}

#[test]
fn a_cluster_at_the_limits_runs() {
    let (spec, sc) = generate(MAX_NODES, MAX_PODS / MAX_NODES, MAX_SERVICES, MAX_HOSTS);
    build_and_run(&spec, &sc);
}

#[test]
fn a_cluster_over_the_limits_is_refused_at_the_check() {
    let refused = |spec: &ClusterSpec| Cluster::build(spec).expect_err("over a limit").to_string();
    let (spec, _) = generate(1000, 3, 1, 0);
    let t = Instant::now();
    assert_eq!(
        refused(&spec),
        format!("cluster.nodes: 1000 nodes; this version runs at most {MAX_NODES} (a run's cost grows with nodes × (Services + pods): a cluster this big would take seconds, not milliseconds)")
    );
    assert!(t.elapsed().as_millis() < 100, "the refusal itself is quick");
    let (spec, _) = generate(20, MAX_PODS / 20 + 1, 1, 0);
    assert!(refused(&spec).starts_with(&format!(
        "cluster.nodes: {} pods; this version runs at most {MAX_PODS}",
        MAX_PODS + 20
    )));
    let (spec, _) = generate(2, 3, MAX_SERVICES + 1, 0);
    assert!(refused(&spec).starts_with(&format!(
        "cluster.services: {} Services; this version runs at most {MAX_SERVICES}",
        MAX_SERVICES + 1
    )));
    let (mut spec, _) = generate(2, 3, 1, 0);
    spec.services[0].endpoints = vec!["pod-0-0".into(); MAX_ENDPOINTS + 1];
    assert!(refused(&spec).starts_with(&format!(
        "cluster.services: {} Service endpoints",
        MAX_ENDPOINTS + 1
    )));
    let (spec, _) = generate(2, 3, 1, MAX_HOSTS + 1);
    assert!(refused(&spec).starts_with("cluster.hosts: 17 hosts; this version runs at most 16"));
}
