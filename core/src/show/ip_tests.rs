use super::*;
use crate::cluster::{Cluster, ClusterSpec};
use crate::route::Route;
use crate::show::fixtures::{self as lab, ip, lines, net};
use crate::show::{render, Table};

/// The block of one interface (`N: …` up to the next `M: …`) in `ip addr`/`ip link` output.
fn block(out: &str, ifindex: u32) -> String {
    let start = format!("{ifindex}: ");
    let mut inside = false;
    let mut b = String::new();
    for l in out.lines() {
        if l.starts_with(|c: char| c.is_ascii_digit()) {
            inside = l.starts_with(&start);
        }
        if inside {
            b += l;
            b.push('\n');
        }
    }
    b
}

#[test]
fn ip_addr_in_pod_a_is_the_lab_output_byte_for_byte() {
    let want = lines(&[
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        "    inet 127.0.0.1/8 scope host lo",
        "       valid_lft forever preferred_lft forever",
        "    inet6 ::1/128 scope host ",
        "       valid_lft forever preferred_lft forever",
        "2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000",
        "    link/ether b2:26:04:c6:c6:4b brd ff:ff:ff:ff:ff:ff link-netns node1",
        "    inet 10.244.0.2/24 scope global eth0",
        "       valid_lft forever preferred_lft forever",
        "    inet6 fe80::b026:4ff:fec6:c64b/64 scope link ",
        "       valid_lft forever preferred_lft forever",
    ]);
    assert_eq!(ip_addr(&lab::pod_a()), want);
}

#[test]
fn ip_link_in_pod_a_is_ip_d_link_without_the_details() {
    let want = lines(&[
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000",
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        "2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000",
        "    link/ether b2:26:04:c6:c6:4b brd ff:ff:ff:ff:ff:ff link-netns node1",
    ]);
    assert_eq!(ip_link(&lab::pod_a()), want);
}

#[test]
fn ip_addr_on_node1_shows_the_bridge_port_and_flannel_1_as_in_the_lab() {
    let out = ip_addr(&lab::node1());
    let veth = lines(&[
        "4: veth3f9a1c2e@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cni0 state UP group default qlen 1000",
        "    link/ether 32:21:e7:f2:4b:87 brd ff:ff:ff:ff:ff:ff link-netns pod-a",
        "    inet6 fe80::3021:e7ff:fef2:4b87/64 scope link ",
        "       valid_lft forever preferred_lft forever",
    ]);
    assert_eq!(block(&out, 4), veth);
    let flannel = lines(&[
        "6: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default qlen 1000",
        "    link/ether 6e:9b:c9:e1:92:3c brd ff:ff:ff:ff:ff:ff",
        "    inet 10.244.0.0/32 scope global flannel.1",
        "       valid_lft forever preferred_lft forever",
        "    inet6 fe80::6c9b:c9ff:fee1:923c/64 scope link ",
        "       valid_lft forever preferred_lft forever",
    ]);
    assert_eq!(block(&out, 6), flannel);
    // The lab's cni0 kept the link-local of the random MAC it had before its first port
    // (fe80::8cc9:abff:feb9:ae7e), not one derived from the MAC the bridge has now; the
    // model gives it a link-local of its own (the random MAC cannot be known).
    let cni0 = block(&out, 3);
    let head = lines(&[
        "3: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000",
        "    link/ether 32:21:e7:f2:4b:87 brd ff:ff:ff:ff:ff:ff",
        "    inet 10.244.0.1/24 scope global cni0",
        "       valid_lft forever preferred_lft forever",
    ]);
    assert!(cni0.starts_with(&head), "{cni0}");
    assert!(
        cni0.contains("    inet6 fe80::") && !cni0.contains("fe80::3021:e7ff:fef2:4b87"),
        "{cni0}"
    );
    assert!(block(&out, 2).starts_with(
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group"
    ));
}

#[test]
fn ip_link_on_node1_matches_the_headers_of_ip_d_link() {
    let out = ip_link(&lab::node1());
    let veth = lines(&[
        "4: veth3f9a1c2e@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cni0 state UP mode DEFAULT group default qlen 1000",
        "    link/ether 32:21:e7:f2:4b:87 brd ff:ff:ff:ff:ff:ff link-netns pod-a",
    ]);
    assert_eq!(block(&out, 4), veth);
    let flannel = lines(&[
        "6: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000",
        "    link/ether 6e:9b:c9:e1:92:3c brd ff:ff:ff:ff:ff:ff",
    ]);
    assert_eq!(block(&out, 6), flannel);
}

#[test]
fn ip_route_and_route_n_on_node1_match_the_flannel_lab() {
    let ns = lab::node1();
    let want = lines(&[
        "10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1 ",
        "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink ",
        "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10 ",
    ]);
    assert_eq!(ip_route(&ns), want);
    let want = lines(&[
        "Kernel IP routing table",
        "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
        "10.244.0.0      0.0.0.0         255.255.255.0   U     0      0        0 cni0",
        "10.244.1.0      10.244.1.0      255.255.255.0   UG    0      0        0 flannel.1",
        "192.168.1.0     0.0.0.0         255.255.255.0   U     0      0        0 eth0",
    ]);
    assert_eq!(route_n(&ns), want);
}

#[test]
fn route_n_in_pod_a_matches_the_lab() {
    let want = lines(&[
        "Kernel IP routing table",
        "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
        "0.0.0.0         10.244.0.1      0.0.0.0         UG    0      0        0 eth0",
        "10.244.0.0      0.0.0.0         255.255.255.0   U     0      0        0 eth0",
    ]);
    assert_eq!(route_n(&lab::pod_a()), want);
}

#[test]
fn the_aks_kubenet_node_table_prints_host_routes_with_h_in_both_forms() {
    let mut ns = lab::pod_a();
    ns.routes = Default::default();
    let gw = ip("10.220.1.1");
    ns.routes.add(Route::via(net("0.0.0.0/0"), gw, "eth0"));
    ns.routes.add(Route::connected(
        net("10.100.1.1/24"),
        "cbr0",
        ip("10.100.1.1"),
    ));
    ns.routes.add(Route::connected(
        net("10.220.1.4/24"),
        "eth0",
        ip("10.220.1.4"),
    ));
    ns.routes
        .add(Route::via(net("168.63.129.16/32"), gw, "eth0"));
    ns.routes
        .add(Route::via(net("169.254.169.254/32"), gw, "eth0"));
    assert_eq!(
        ip_route(&ns),
        lines(&[
            "default via 10.220.1.1 dev eth0 ",
            "10.100.1.0/24 dev cbr0 proto kernel scope link src 10.100.1.1 ",
            "10.220.1.0/24 dev eth0 proto kernel scope link src 10.220.1.4 ",
            "168.63.129.16 via 10.220.1.1 dev eth0 ",
            "169.254.169.254 via 10.220.1.1 dev eth0 ",
        ])
    );
    ns.routes.add(Route::connected(
        net("172.17.0.1/16"),
        "docker0",
        ip("172.17.0.1"),
    ));
    assert_eq!(
        route_n(&ns),
        lines(&[
            "Kernel IP routing table",
            "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
            "0.0.0.0         10.220.1.1      0.0.0.0         UG    0      0        0 eth0",
            "10.100.1.0      0.0.0.0         255.255.255.0   U     0      0        0 cbr0",
            "10.220.1.0      0.0.0.0         255.255.255.0   U     0      0        0 eth0",
            "168.63.129.16   10.220.1.1      255.255.255.255 UGH   0      0        0 eth0",
            "169.254.169.254 10.220.1.1      255.255.255.255 UGH   0      0        0 eth0",
            "172.17.0.0      0.0.0.0         255.255.0.0     U     0      0        0 docker0",
        ])
    );
}

#[test]
fn ip_neigh_on_node1_matches_the_lab_and_an_empty_cache_prints_nothing() {
    let want = lines(&[
        "192.168.1.11 dev eth0 lladdr 3e:45:62:44:a4:ed REACHABLE ",
        "10.244.0.2 dev cni0 lladdr b2:26:04:c6:c6:4b DELAY ",
        "10.244.1.0 dev flannel.1 lladdr 3a:55:50:ec:6b:24 PERMANENT ",
    ]);
    assert_eq!(ip_neigh(&lab::node1()), want);
    assert_eq!(ip_neigh(&lab::pod_a()), "");
}

#[test]
fn a_bridge_without_ports_has_no_carrier() {
    let mut ns = lab::node1();
    ns.ifaces.retain(|i| i.master.is_none());
    let out = ip_link(&ns);
    assert!(out.contains("3: cni0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n"), "{out}");
}

#[test]
fn a_second_address_in_the_same_subnet_is_secondary() {
    let mut ns = lab::pod_a();
    if let Some(eth0) = ns.iface_mut("eth0") {
        eth0.addrs.push(net("10.244.0.9/24"));
        eth0.addrs.push(net("10.96.0.10/32"));
    }
    let out = ip_addr(&ns);
    assert!(
        out.contains("    inet 10.244.0.9/24 scope global secondary eth0\n"),
        "{out}"
    );
    assert!(
        out.contains("    inet 10.96.0.10/32 scope global eth0\n"),
        "{out}"
    );
}

const TWO_NODES: &str = r#"
network = "flannel-vxlan"
pod_cidr = "10.244.0.0/16"
service_cidr = "10.96.0.0/12"
underlay = { kind = "ethernet", cidr = "192.168.1.0/24" }

[[nodes]]
name = "worker-node-1"
ip = "192.168.1.10"
pod_cidr = "10.244.0.0/24"

[[nodes.pods]]
name = "frontend"
ip = "10.244.0.5"
containers = [{ name = "frontend" }]

[[nodes.pods]]
name = "cache"
ip = "10.244.0.6"
containers = [{ name = "cache", listen = ["tcp/6379"] }]

[[nodes]]
name = "worker-node-2"
ip = "192.168.1.11"
pod_cidr = "10.244.1.0/24"

[[nodes.pods]]
name = "backend"
ip = "10.244.1.10"
containers = [{ name = "backend", listen = ["tcp/8080"] }]
"#;

fn built() -> Cluster {
    let spec: ClusterSpec = toml::from_str(TWO_NODES).expect("spec parses");
    Cluster::build(&spec).expect("cluster builds")
}

#[test]
fn a_built_pod_and_its_host_veth_name_each_other_across_namespaces() {
    let c = built();
    let (node, pod) = (
        c.ns("worker-node-1").expect("node"),
        c.ns("frontend").expect("pod"),
    );
    let host = node
        .ifaces
        .iter()
        .find(|i| i.master.is_some())
        .expect("a bridge port");
    let pod_out = ip_addr(pod);
    assert!(
        pod_out.contains(&format!("2: eth0@if{}: ", host.ifindex)),
        "{pod_out}"
    );
    assert!(pod_out.contains(" link-netns worker-node-1\n"), "{pod_out}");
    let node_out = ip_addr(node);
    assert!(
        node_out.contains(" qdisc noqueue master cni0 state UP group default"),
        "{node_out}"
    );
    assert!(node_out.contains(" link-netns frontend\n"), "{node_out}");
    assert!(
        node_out.contains("    inet 10.244.0.0/32 scope global flannel.1\n"),
        "{node_out}"
    );
    assert!(route_n(node).contains(
        "10.244.1.0      10.244.1.0      255.255.255.0   UG    0      0        0 flannel.1\n"
    ));
}

#[test]
fn every_table_of_every_built_namespace_renders_whole_lines() {
    let c = built();
    for ns in &c.netns {
        for t in Table::ALL {
            let out = render(ns, t);
            assert!(
                out.is_empty() || out.ends_with('\n'),
                "{} {}: {out:?}",
                ns.name,
                t.name()
            );
        }
        let ifaces = ns.ifaces.len();
        assert_eq!(ip_link(ns).lines().count(), 2 * ifaces, "{}", ns.name);
        assert_eq!(
            ip_addr(ns)
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
                .count(),
            ifaces
        );
    }
}
