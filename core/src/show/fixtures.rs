//! Test fixtures: namespaces as a kernel lab built them (flannel-style nodes, a CNI bridge,
//! kube-proxy rules), rebuilt by hand with that lab's MACs and ifindexes, so the renderers
//! can be compared with what iproute2, bridge-utils and iptables printed there byte for byte.

use crate::addr::Mac;
use crate::link::{Bridge, FdbEntry, Iface, IfaceKind, VxlanDev, VxlanFdb};
use crate::neigh::NudState;
use crate::netns::{Netns, Role};
use crate::route::Route;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Each line with its newline, as a tool prints it.
pub fn lines(ls: &[&str]) -> String {
    ls.iter().map(|l| format!("{l}\n")).collect()
}

pub fn mac(s: &str) -> Mac {
    s.parse().unwrap_or(Mac::ZERO)
}
pub fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap_or(Ipv4Addr::UNSPECIFIED)
}
pub fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap_or_default()
}

pub fn iface(
    ifindex: u32,
    name: &str,
    kind: IfaceKind,
    m: &str,
    mtu: u32,
    addrs: &[&str],
) -> Iface {
    let addrs = addrs.iter().map(|a| net(a)).collect();
    Iface {
        ifindex,
        name: name.into(),
        kind,
        mac: mac(m),
        mtu,
        addrs,
        master: None,
    }
}

pub fn lo() -> Iface {
    iface(
        1,
        "lo",
        IfaceKind::Loopback,
        "00:00:00:00:00:00",
        65536,
        &["127.0.0.1/8"],
    )
}

pub fn veth(peer_netns: &str, peer_ifindex: u32, peer_name: &str) -> IfaceKind {
    IfaceKind::Veth {
        peer_netns: peer_netns.into(),
        peer_ifindex,
        peer_name: peer_name.into(),
        hairpin: false,
    }
}

/// pod-a: `eth0@if4`, b2:26:04:c6:c6:4b, 10.244.0.2/24, and the two routes a CNI bridge pod gets (containernetworking/plugins plugins/main/bridge/bridge.go).
pub fn pod_a() -> Netns {
    let role = Role::Pod {
        namespace: "default".into(),
        containers: vec![],
    };
    let mut ns = Netns::new("pod-a", Some("node1"), role);
    ns.ifaces.push(lo());
    let eth0 = veth("node1", 4, "veth3f9a1c2e");
    ns.ifaces.push(iface(
        2,
        "eth0",
        eth0,
        "b2:26:04:c6:c6:4b",
        1500,
        &["10.244.0.2/24"],
    ));
    ns.routes
        .add(Route::via(net("0.0.0.0/0"), ip("10.244.0.1"), "eth0"));
    ns.routes.add(Route::connected(
        net("10.244.0.2/24"),
        "eth0",
        ip("10.244.0.2"),
    ));
    ns
}

/// node1: lo, the underlay eth0, cni0 (3) with veth3f9a1c2e (4) and veth7b2d4e6f (5),
/// flannel.1 (6), the routes of §4.2, the neighbours of §3.4 and the FDB of §3.3.
pub fn node1() -> Netns {
    let mut ns = Netns::new("node1", Some("node1"), Role::Node);
    ns.ifaces.push(lo());
    let nic = IfaceKind::Nic {
        segment: "lan".into(),
    };
    ns.ifaces.push(iface(
        2,
        "eth0",
        nic,
        "22:37:7d:e1:bb:2e",
        1500,
        &["192.168.1.10/24"],
    ));
    let fdb = vec![
        FdbEntry {
            mac: mac("32:21:e7:f2:4b:87"),
            port: "veth3f9a1c2e".into(),
            local: true,
        },
        FdbEntry {
            mac: mac("46:75:49:37:e6:ed"),
            port: "veth7b2d4e6f".into(),
            local: true,
        },
        FdbEntry {
            mac: mac("b2:26:04:c6:c6:4b"),
            port: "veth3f9a1c2e".into(),
            local: false,
        },
        FdbEntry {
            mac: mac("aa:25:82:e0:c8:10"),
            port: "veth7b2d4e6f".into(),
            local: false,
        },
    ];
    let br = IfaceKind::Bridge(Bridge {
        fdb,
        promisc: false,
    });
    ns.ifaces.push(iface(
        3,
        "cni0",
        br,
        "32:21:e7:f2:4b:87",
        1500,
        &["10.244.0.1/24"],
    ));
    for (i, name, peer, m) in [
        (4, "veth3f9a1c2e", "pod-a", "32:21:e7:f2:4b:87"),
        (5, "veth7b2d4e6f", "pod-b", "46:75:49:37:e6:ed"),
    ] {
        let mut v = iface(i, name, veth(peer, 2, "eth0"), m, 1500, &[]);
        v.master = Some("cni0".into());
        ns.ifaces.push(v);
    }
    let vx = VxlanDev {
        vni: 1,
        local: ip("192.168.1.10"),
        dev: "eth0".into(),
        dstport: 8472,
        fdb: vec![VxlanFdb {
            mac: mac("3a:55:50:ec:6b:24"),
            dst: ip("192.168.1.11"),
        }],
    };
    ns.ifaces.push(iface(
        6,
        "flannel.1",
        IfaceKind::Vxlan(vx),
        "6e:9b:c9:e1:92:3c",
        1450,
        &["10.244.0.0/32"],
    ));
    ns.routes.add(Route::connected(
        net("10.244.0.1/24"),
        "cni0",
        ip("10.244.0.1"),
    ));
    let mut r = Route::via(net("10.244.1.0/24"), ip("10.244.1.0"), "flannel.1");
    r.onlink = true;
    ns.routes.add(r);
    ns.routes.add(Route::connected(
        net("192.168.1.10/24"),
        "eth0",
        ip("192.168.1.10"),
    ));
    ns.neigh.set(
        ip("192.168.1.11"),
        "eth0",
        Some(mac("3e:45:62:44:a4:ed")),
        NudState::Reachable,
    );
    ns.neigh.set(
        ip("10.244.0.2"),
        "cni0",
        Some(mac("b2:26:04:c6:c6:4b")),
        NudState::Delay,
    );
    ns.neigh.set(
        ip("10.244.1.0"),
        "flannel.1",
        Some(mac("3a:55:50:ec:6b:24")),
        NudState::Permanent,
    );
    ns
}
