//! Building the namespaces: checks first (each failure names its field), then nodes,
//! pods, outside hosts, and the underlay, in the order a real cluster would create them, so
//! ifindexes come out the way a real node numbers them.

use super::azure::azure_vnet;
use super::check::{check, parse_listen};
use super::coredns::coredns;
use super::node_rules::{cluster_nat, node_filter, node_nat, ClusterNat};
use super::spec::*;
use super::{Cluster, SpecError};
use crate::addr::Mac;
use crate::dns::ResolvConf;
use crate::fabric::{Segment, SegmentKind};
use crate::link::{Bridge, FdbEntry, Iface, IfaceKind, VxlanDev, VxlanFdb};
use crate::neigh::{Neigh, NudState};
use crate::netns::{Container, Listener, Netns, Role, Sysctls};
use crate::route::Route;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub use crate::vocab::consts::{FLANNEL_VNI, FLANNEL_VXLAN_PORT as VXLAN_PORT};
/// flannel.1's MTU: the underlay's 1500 less VXLAN's overhead.
pub const FLANNEL_MTU: u32 = 1500 - crate::vocab::consts::VXLAN_OVERHEAD as u32;

pub(super) fn build(spec: &ClusterSpec) -> Result<Cluster, SpecError> {
    check(spec)?;
    assemble(spec)
}

/// Build without the checks (tests of the engine's own bounds use it on a spec the check refuses).
pub(super) fn assemble(spec: &ClusterSpec) -> Result<Cluster, SpecError> {
    let segment_name = match spec.underlay.kind {
        UnderlayKind::Ethernet => "lan",
        UnderlayKind::AzureVnet => "vnet",
    };
    let mut netns = Vec::new();
    let nat = cluster_nat(spec);
    for node in &spec.nodes {
        netns.push(node_ns(spec, node, segment_name, &nat));
    }
    for (n, node) in spec.nodes.iter().enumerate() {
        for pod in &node.pods {
            // The nodes' namespaces come first, in spec order.
            let pod = pod_ns(spec, node, pod, &netns[n])?;
            netns.push(pod);
        }
    }
    for (i, host) in spec.hosts.iter().enumerate() {
        netns.push(host_ns(spec, i, host, segment_name)?);
    }
    let mut segment = Segment {
        name: segment_name.into(),
        cidr: spec.underlay.cidr,
        kind: SegmentKind::Ethernet,
        ports: Vec::new(),
    };
    for ns in &netns {
        for iface in &ns.ifaces {
            if matches!(iface.kind, IfaceKind::Nic { .. }) {
                segment.ports.push((ns.name.clone(), iface.name.clone()));
            }
        }
    }
    if spec.underlay.kind == UnderlayKind::AzureVnet {
        segment.kind = SegmentKind::AzureVnet(azure_vnet(spec));
    }
    Ok(Cluster {
        spec: spec.clone(),
        netns,
        segments: vec![segment],
        coredns: coredns(spec),
    })
}

fn mac(ns: &str, ifname: &str) -> Mac {
    Mac::derived(&format!("{ns}/{ifname}"))
}

fn lo() -> Iface {
    Iface {
        ifindex: 1,
        name: "lo".into(),
        kind: IfaceKind::Loopback,
        mac: Mac::ZERO,
        mtu: 65536,
        addrs: vec![net("127.0.0.1", 8)],
        master: None,
    }
}

fn net(ip: &str, len: u8) -> Ipv4Net {
    Ipv4Net::new(ip.parse().unwrap_or(Ipv4Addr::LOCALHOST), len).unwrap_or_default()
}

fn host_net(ip: Ipv4Addr, of: Ipv4Net) -> Ipv4Net {
    Ipv4Net::new(ip, of.prefix_len()).unwrap_or_default()
}

/// The host end of a pod's veth: `veth` + 8 hex characters, as the CNI bridge plugin names it.
pub fn host_veth_name(pod: &str) -> String {
    let m = Mac::derived(&format!("veth-name/{pod}")).0;
    format!("veth{:02x}{:02x}{:02x}{:02x}", m[2], m[3], m[4], m[5])
}

fn pod_mtu(spec: &ClusterSpec) -> u32 {
    match spec.network {
        Network::Kubenet => 1500,
        Network::FlannelVxlan => FLANNEL_MTU,
    }
}

fn node_ns(spec: &ClusterSpec, node: &NodeSpec, segment: &str, nat: &ClusterNat) -> Netns {
    let name = node.name.as_str();
    let mut ns = Netns::new(name, Some(name), Role::Node);
    let sysctls = spec.sysctls.on(node);
    ns.sysctls = Sysctls {
        ip_forward: sysctls.ip_forward,
        bridge_nf_call_iptables: sysctls.bridge_nf_call_iptables,
    };
    ns.conntrack.timeouts.tcp_established = 86_400; // kube-proxy's conntrack.tcpEstablishedTimeout
    ns.ifaces.push(lo());
    let eth0 = host_net(node.ip, spec.underlay.cidr);
    ns.ifaces.push(Iface {
        ifindex: 2,
        name: "eth0".into(),
        kind: IfaceKind::Nic {
            segment: segment.into(),
        },
        mac: mac(name, "eth0"),
        mtu: 1500,
        addrs: vec![eth0],
        master: None,
    });
    ns.routes.add(Route::connected(eth0, "eth0", node.ip));
    if let Some(gw) = spec.underlay.gateway {
        ns.routes.add(Route::via(net("0.0.0.0", 0), gw, "eth0"));
    }
    if spec.network == Network::FlannelVxlan {
        add_flannel(spec, node, &mut ns);
    }
    for r in &node.routes {
        ns.routes.add(Route::via(r.dst, r.via, "eth0"));
    }
    ns.nat = node_nat(spec, node, nat);
    ns.filter = node_filter(spec, node, nat);
    ns.forward_policy = node.forward_policy;
    // The CNI plugin creates the bridge with the node's first pod.
    if node.pods.is_empty() {
        return ns;
    }
    let br = spec.network.bridge_name();
    let gw = gateway_of(node.pod_cidr);
    let br_addr = Ipv4Net::new(gw, node.pod_cidr.prefix_len()).unwrap_or_default();
    let br_index = ns.next_ifindex();
    let hairpin = spec
        .sysctls
        .hairpin
        .unwrap_or(spec.network.default_hairpin());
    let bridge = Bridge {
        promisc: spec.network.bridge_promisc(hairpin),
        ..Bridge::default()
    };
    ns.ifaces.push(Iface {
        ifindex: br_index,
        name: br.into(),
        kind: IfaceKind::Bridge(bridge),
        mac: Mac::ZERO,
        mtu: pod_mtu(spec),
        addrs: vec![br_addr],
        master: None,
    });
    ns.routes.add(Route::connected(br_addr, br, gw));
    for pod in &node.pods {
        let veth = host_veth_name(&pod.name);
        let ifindex = ns.next_ifindex();
        let kind = IfaceKind::Veth {
            peer_netns: pod.name.clone(),
            peer_ifindex: 2,
            peer_name: "eth0".into(),
            hairpin,
        };
        ns.ifaces.push(Iface {
            ifindex,
            name: veth.clone(),
            kind,
            mac: mac(name, &veth),
            mtu: pod_mtu(spec),
            addrs: vec![],
            master: Some(br.into()),
        });
    }
    // The bridge has no address of its own set, so it takes the lowest port MAC; every
    // port's own MAC is a permanent local FDB row.
    let ports: Vec<(String, Mac)> = ns
        .ifaces
        .iter()
        .filter(|i| i.master.as_deref() == Some(br))
        .map(|i| (i.name.clone(), i.mac))
        .collect();
    let br_mac = ports
        .iter()
        .map(|(_, m)| *m)
        .min()
        .unwrap_or_else(|| mac(name, br));
    if let Some(b) = ns.iface_mut(br) {
        b.mac = br_mac;
        if let Some(bridge) = b.bridge_mut() {
            bridge.fdb = ports
                .iter()
                .map(|(p, m)| FdbEntry {
                    mac: *m,
                    port: p.clone(),
                    local: true,
                })
                .collect();
        }
    }
    ns
}

/// flannel.1 and, per remote node, the three entries flannel installs in this order:
/// the permanent ARP entry, the FDB entry, then the onlink route (flannel
/// pkg/backend/vxlan/vxlan_network.go, `handleSubnetEvents`).
fn add_flannel(spec: &ClusterSpec, node: &NodeSpec, ns: &mut Netns) {
    let mut vx = VxlanDev {
        vni: FLANNEL_VNI,
        local: node.ip,
        dev: "eth0".into(),
        dstport: VXLAN_PORT,
        fdb: vec![],
    };
    let dev = format!("flannel.{FLANNEL_VNI}");
    for other in spec.nodes.iter().filter(|o| o.name != node.name) {
        let vtep = mac(&other.name, &dev);
        let gw = other.pod_cidr.network();
        // Each remote node's gateway is a new entry (pod CIDRs do not overlap, check.rs):
        // pushed, not `set`, whose search of the table made a 1,000-node build quadratic per node.
        ns.neigh.entries.push(Neigh {
            ip: gw,
            dev: dev.clone(),
            lladdr: Some(vtep),
            state: NudState::Permanent,
        });
        vx.fdb.push(VxlanFdb {
            mac: vtep,
            dst: other.ip,
        });
        let mut r = Route::via(other.pod_cidr, gw, &dev);
        r.onlink = true;
        ns.routes.add(r);
    }
    let addr = Ipv4Net::new(node.pod_cidr.network(), 32).unwrap_or_default();
    let ifindex = ns.next_ifindex();
    ns.ifaces.push(Iface {
        ifindex,
        name: dev.clone(),
        kind: IfaceKind::Vxlan(vx),
        mac: mac(&node.name, &dev),
        mtu: FLANNEL_MTU,
        addrs: vec![addr],
        master: None,
    });
}

fn pod_ns(
    spec: &ClusterSpec,
    node: &NodeSpec,
    pod: &PodSpec,
    node_ns: &Netns,
) -> Result<Netns, SpecError> {
    let containers = pod
        .containers
        .iter()
        .map(|c| Container {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_else(|| c.name.clone()),
        })
        .collect();
    let mut ns = Netns::new(
        &pod.name,
        Some(&node.name),
        Role::Pod {
            namespace: pod.namespace.clone(),
            containers,
        },
    );
    ns.ifaces.push(lo());
    let veth = host_veth_name(&pod.name);
    let host_index = node_ns.iface(&veth).map(|i| i.ifindex).unwrap_or(0);
    let addr = Ipv4Net::new(pod.ip, node.pod_cidr.prefix_len()).unwrap_or_default();
    let kind = IfaceKind::Veth {
        peer_netns: node.name.clone(),
        peer_ifindex: host_index,
        peer_name: veth,
        hairpin: false,
    };
    ns.ifaces.push(Iface {
        ifindex: 2,
        name: "eth0".into(),
        kind,
        mac: mac(&pod.name, "eth0"),
        mtu: pod_mtu(spec),
        addrs: vec![addr],
        master: None,
    });
    let gw = gateway_of(node.pod_cidr);
    ns.routes.add(Route::via(net("0.0.0.0", 0), gw, "eth0"));
    ns.routes.add(Route::connected(addr, "eth0", pod.ip));
    if spec.network == Network::FlannelVxlan {
        ns.routes.add(Route::via(spec.pod_cidr, gw, "eth0"));
    }
    if pod.containers.iter().any(|c| c.dns_server) {
        // CoreDNS runs with dnsPolicy: Default: the node's resolv.conf, never the cluster's.
        ns.resolv_conf = Some(ResolvConf::node_default(&spec.node_nameservers(), &[]));
    } else if let Some(dns) = spec.dns_ip {
        let mut conf = ResolvConf::cluster_first(&pod.namespace, &spec.cluster_domain, dns, &[]);
        if let Some(ndots) = pod.dns_config.and_then(|d| d.ndots) {
            conf.ndots = Some(ndots);
        }
        ns.resolv_conf = Some(conf);
    }
    for c in &pod.containers {
        for l in &c.listen {
            let (proto, port) = parse_listen(l).map_err(|m| SpecError::new("listen", l, m))?;
            let process = if c.dns_server {
                "coredns".to_string()
            } else {
                c.name.clone()
            };
            ns.listeners.push(Listener {
                proto,
                port,
                process,
                container: Some(c.name.clone()),
            });
        }
    }
    Ok(ns)
}

fn host_ns(
    spec: &ClusterSpec,
    i: usize,
    host: &HostSpec,
    segment: &str,
) -> Result<Netns, SpecError> {
    let mut ns = Netns::new(&host.name, None, Role::Host);
    ns.ifaces.push(lo());
    let (addr, gw) = match host.location {
        HostLocation::Lan => (host_net(host.ip, spec.underlay.cidr), spec.underlay.gateway),
        HostLocation::Internet => {
            let a = Ipv4Net::new(host.ip, 24).unwrap_or_default();
            (a, Some(gateway_of(a.trunc())))
        }
    };
    ns.ifaces.push(Iface {
        ifindex: 2,
        name: "eth0".into(),
        kind: IfaceKind::Nic {
            segment: segment.into(),
        },
        mac: mac(&host.name, "eth0"),
        mtu: 1500,
        addrs: vec![addr],
        master: None,
    });
    ns.routes.add(Route::connected(addr, "eth0", host.ip));
    if let Some(gw) = gw.filter(|g| *g != host.ip) {
        ns.routes.add(Route::via(net("0.0.0.0", 0), gw, "eth0"));
    }
    let process = host.process.clone().unwrap_or_else(|| "server".into());
    for l in &host.listen {
        let (proto, port) = parse_listen(l)
            .map_err(|m| SpecError::new(format!("cluster.hosts[{i}].listen"), l, m))?;
        ns.listeners.push(Listener {
            proto,
            port,
            process: process.clone(),
            container: None,
        });
    }
    Ok(ns)
}
