//! Building the namespaces: checks first (each failure names its field), then nodes,
//! pods, outside hosts, and the underlay, in the order a real cluster would create them, so
//! ifindexes come out the way a real node numbers them.

use super::spec::*;
use super::{Cluster, SpecError};
use crate::addr::Mac;
use crate::dns::{CoreDns, DnsService, ResolvConf};
use crate::fabric::{AzureRoute, AzureVnet, NextHop, RouteSource, Segment, SegmentKind};
use crate::kube_proxy::{self, Endpoint, ProxyConfig, Service, ServicePort};
use crate::link::{Bridge, FdbEntry, Iface, IfaceKind, VxlanDev, VxlanFdb};
use crate::neigh::NudState;
use crate::netfilter::{Match, Neg, Proto, Rule, Target};
use crate::netns::{Container, Listener, Netns, Role, Sysctls};
use crate::route::Route;
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// flannel's VXLAN: VNI 1, the kernel's default port 8472, MTU 1500 - 50.
pub const FLANNEL_VNI: u32 = 1;
pub const VXLAN_PORT: u16 = 8472;
pub const FLANNEL_MTU: u32 = 1450;

pub(super) fn build(spec: &ClusterSpec) -> Result<Cluster, SpecError> {
    check(spec)?;
    let segment_name = match spec.underlay.kind {
        UnderlayKind::Ethernet => "lan",
        UnderlayKind::AzureVnet => "vnet",
    };
    let mut netns = Vec::new();
    for node in &spec.nodes {
        netns.push(node_ns(spec, node, segment_name));
    }
    for node in &spec.nodes {
        for pod in &node.pods {
            netns.push(pod_ns(spec, node, pod, &netns)?);
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

fn check(spec: &ClusterSpec) -> Result<(), SpecError> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut ips: BTreeMap<Ipv4Addr, String> = BTreeMap::new();
    let mut claim_name =
        |name: &str, field: String| match names.insert(name.to_string(), field.clone()) {
            Some(prev) => Err(SpecError::new(
                &field,
                name,
                format!("duplicate name `{name}` (also used by {prev})"),
            )),
            None => Ok(()),
        };
    let mut claim_ip = |ip: Ipv4Addr, field: String| match ips.insert(ip, field.clone()) {
        Some(prev) => Err(SpecError::new(
            &field,
            ip,
            format!("duplicate IP {ip} (also used by {prev})"),
        )),
        None => Ok(()),
    };
    if spec.underlay.kind == UnderlayKind::AzureVnet && spec.underlay.gateway.is_none() {
        return Err(SpecError::new(
            "cluster.underlay.gateway",
            "azure-vnet",
            "an azure-vnet underlay needs its gateway address",
        ));
    }
    if let Some(gw) = spec.underlay.gateway {
        if !spec.underlay.cidr.contains(&gw) {
            return Err(SpecError::new(
                "cluster.underlay.gateway",
                gw,
                format!(
                    "gateway {gw} is outside the underlay {}: a route to nowhere",
                    spec.underlay.cidr
                ),
            ));
        }
        claim_ip(gw, "cluster.underlay.gateway".into())?;
    }
    if spec.nodes.is_empty() {
        return Err(SpecError::new(
            "cluster.nodes",
            "nodes",
            "a cluster needs at least one node",
        ));
    }
    for (n, node) in spec.nodes.iter().enumerate() {
        let f = format!("cluster.nodes[{n}]");
        claim_name(&node.name, format!("{f}.name"))?;
        claim_ip(node.ip, format!("{f}.ip"))?;
        if !spec.underlay.cidr.contains(&node.ip) {
            return Err(SpecError::new(
                format!("{f}.ip"),
                node.ip,
                format!(
                    "node IP {} is outside the underlay {}",
                    node.ip, spec.underlay.cidr
                ),
            ));
        }
        if !spec.pod_cidr.contains(&node.pod_cidr) {
            return Err(SpecError::new(
                format!("{f}.pod_cidr"),
                node.pod_cidr,
                format!(
                    "node pod CIDR {} is outside the cluster pod CIDR {}",
                    node.pod_cidr, spec.pod_cidr
                ),
            ));
        }
        if let Some((m, other)) = spec
            .nodes
            .iter()
            .enumerate()
            .find(|(m, o)| *m != n && o.pod_cidr.contains(&node.pod_cidr.network()))
        {
            return Err(SpecError::new(
                format!("{f}.pod_cidr"),
                node.pod_cidr,
                format!(
                    "pod CIDR {} overlaps node {} (cluster.nodes[{m}]) {}",
                    node.pod_cidr, other.name, other.pod_cidr
                ),
            ));
        }
        for (r, route) in node.routes.iter().enumerate() {
            if !spec.underlay.cidr.contains(&route.via) {
                return Err(SpecError::new(
                    format!("{f}.routes[{r}].via"),
                    route.via,
                    format!(
                        "gateway {} is not on any subnet of the node ({}): a route to nowhere",
                        route.via, spec.underlay.cidr
                    ),
                ));
            }
        }
        for (p, pod) in node.pods.iter().enumerate() {
            let f = format!("{f}.pods[{p}]");
            claim_name(&pod.name, format!("{f}.name"))?;
            claim_ip(pod.ip, format!("{f}.ip"))?;
            if !node.pod_cidr.contains(&pod.ip) {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    pod.ip,
                    format!(
                        "pod IP {} is outside its node's pod CIDR {}",
                        pod.ip, node.pod_cidr
                    ),
                ));
            }
            if pod.ip == node.pod_cidr.network()
                || pod.ip == gateway_of(node.pod_cidr)
                || pod.ip == node.pod_cidr.broadcast()
            {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    pod.ip,
                    format!(
                        "pod IP {} is reserved in {} (network, bridge gateway or broadcast)",
                        pod.ip, node.pod_cidr
                    ),
                ));
            }
            if pod.containers.is_empty() {
                return Err(SpecError::new(
                    format!("{f}.containers"),
                    &pod.name,
                    "a pod needs at least one container",
                ));
            }
            for (c, ctr) in pod.containers.iter().enumerate() {
                for l in &ctr.listen {
                    parse_listen(l)
                        .map_err(|m| SpecError::new(format!("{f}.containers[{c}].listen"), l, m))?;
                }
            }
        }
    }
    for (s, svc) in spec.services.iter().enumerate() {
        let f = format!("cluster.services[{s}]");
        if !spec.service_cidr.contains(&svc.cluster_ip) {
            return Err(SpecError::new(
                format!("{f}.cluster_ip"),
                svc.cluster_ip,
                format!(
                    "cluster IP {} is outside the service CIDR {}",
                    svc.cluster_ip, spec.service_cidr
                ),
            ));
        }
        claim_ip(svc.cluster_ip, format!("{f}.cluster_ip"))?;
        for (e, ep) in svc.endpoints.iter().enumerate() {
            if find_pod(spec, ep).is_none() {
                return Err(SpecError::new(
                    format!("{f}.endpoints[{e}]"),
                    ep,
                    format!("endpoint `{ep}` is not a pod of this cluster"),
                ));
            }
        }
        if svc.ports.is_empty() {
            return Err(SpecError::new(
                format!("{f}.ports"),
                &svc.name,
                "a service needs at least one port",
            ));
        }
    }
    for (h, host) in spec.hosts.iter().enumerate() {
        let f = format!("cluster.hosts[{h}]");
        claim_name(&host.name, format!("{f}.name"))?;
        claim_ip(host.ip, format!("{f}.ip"))?;
        for l in &host.listen {
            parse_listen(l).map_err(|m| SpecError::new(format!("{f}.listen"), l, m))?;
        }
        match host.location {
            HostLocation::Lan if !spec.underlay.cidr.contains(&host.ip) => {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    host.ip,
                    format!(
                        "a LAN host must be inside the underlay {}",
                        spec.underlay.cidr
                    ),
                ))
            }
            HostLocation::Internet if spec.underlay.kind != UnderlayKind::AzureVnet => {
                return Err(SpecError::new(
                    format!("{f}.location"),
                    "internet",
                    "internet hosts need an azure-vnet underlay (the fabric is the way out)",
                ))
            }
            HostLocation::Internet
                if spec.underlay.cidr.contains(&host.ip) || spec.pod_cidr.contains(&host.ip) =>
            {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    host.ip,
                    "an internet host cannot be inside the VNet or the pod CIDR",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// `tcp/80` → (Tcp, 80).
pub fn parse_listen(s: &str) -> Result<(Proto, u16), String> {
    let (proto, port) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` should look like `tcp/80` or `udp/53`"))?;
    let proto = match proto {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        _ => return Err(format!("`{proto}` is not a protocol (tcp or udp)")),
    };
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("`{port}` is not a port (1-65535)"))?;
    Ok((proto, port))
}

pub fn find_pod<'a>(spec: &'a ClusterSpec, name: &str) -> Option<(&'a NodeSpec, &'a PodSpec)> {
    spec.nodes
        .iter()
        .find_map(|n| n.pods.iter().find(|p| p.name == name).map(|p| (n, p)))
}

/// The bridge's address: the first address of the node's pod CIDR.
pub fn gateway_of(pod_cidr: Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(pod_cidr.network()) + 1)
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

fn node_ns(spec: &ClusterSpec, node: &NodeSpec, segment: &str) -> Netns {
    let name = node.name.as_str();
    let mut ns = Netns::new(name, Some(name), Role::Node);
    ns.sysctls = Sysctls {
        ip_forward: spec.sysctls.ip_forward,
        bridge_nf_call_iptables: spec.sysctls.bridge_nf_call_iptables,
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
    ns.nat = node_nat(spec, node);
    // The CNI plugin creates the bridge with the node's first pod.
    if node.pods.is_empty() {
        return ns;
    }
    let br = spec.network.bridge_name();
    let gw = gateway_of(node.pod_cidr);
    let br_addr = Ipv4Net::new(gw, node.pod_cidr.prefix_len()).unwrap_or_default();
    let br_index = ns.next_ifindex();
    ns.ifaces.push(Iface {
        ifindex: br_index,
        name: br.into(),
        kind: IfaceKind::Bridge(Bridge::default()),
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
            hairpin: spec.sysctls.hairpin,
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
/// the permanent ARP entry, the FDB entry, then the onlink route (reference §5.2).
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
        ns.neigh.set(gw, &dev, Some(vtep), NudState::Permanent);
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

fn services(spec: &ClusterSpec) -> Vec<Service> {
    spec.services
        .iter()
        .map(|s| Service {
            namespace: s.namespace.clone(),
            name: s.name.clone(),
            cluster_ip: s.cluster_ip,
            ports: s
                .ports
                .iter()
                .map(|p| ServicePort {
                    name: p.name.clone(),
                    protocol: p.protocol,
                    port: p.port,
                    target_port: p.target_port,
                    node_port: p.node_port,
                })
                .collect(),
            endpoints: s
                .endpoints
                .iter()
                .filter_map(|e| find_pod(spec, e))
                .map(|(n, p)| Endpoint {
                    ip: p.ip,
                    node: n.name.clone(),
                })
                .collect(),
            external_traffic_policy: s.external_traffic_policy,
        })
        .collect()
}

fn node_nat(spec: &ClusterSpec, node: &NodeSpec) -> crate::netfilter::NatTable {
    let cfg = ProxyConfig {
        node_name: node.name.clone(),
        cluster_cidr: spec
            .kube_proxy
            .detect_local_cluster_cidr
            .then_some(spec.pod_cidr),
        masquerade_bit: 14,
        random_fully: spec.kube_proxy.random_fully,
    };
    let mut nat = kube_proxy::nat_table(&cfg, &services(spec));
    let comment = |c: &str| Match::Comment(c.into());
    match spec.network {
        // kubenet appends its SNAT rule to POSTROUTING; AKS sets nonMasqueradeCIDR to the pod CIDR.
        Network::Kubenet => nat.append(
            "POSTROUTING",
            Rule {
                dst: Some(Neg::not(spec.pod_cidr)),
                matches: vec![
                    comment("kubenet: SNAT for outbound traffic from cluster"),
                    Match::AddrTypeLocal {
                        not: true,
                        dst: true,
                    },
                ],
                target: Target::Masquerade {
                    random_fully: false,
                },
                ..Default::default()
            },
        ),
        // flanneld --ip-masq (reference §5.4).
        Network::FlannelVxlan => {
            let c = || comment("flanneld masq");
            let all = spec.pod_cidr;
            let mine = node.pod_cidr;
            nat.append(
                "POSTROUTING",
                Rule {
                    matches: vec![c()],
                    target: Target::Jump("FLANNEL-POSTRTG".into()),
                    ..Default::default()
                },
            );
            let chain = "FLANNEL-POSTRTG";
            nat.append(
                chain,
                Rule {
                    matches: vec![
                        Match::Mark {
                            not: false,
                            value: 0x4000,
                            mask: 0x4000,
                        },
                        c(),
                    ],
                    target: Target::Return,
                    ..Default::default()
                },
            );
            nat.append(
                chain,
                Rule {
                    src: Some(Neg::is(mine)),
                    dst: Some(Neg::is(all)),
                    matches: vec![c()],
                    target: Target::Return,
                    ..Default::default()
                },
            );
            nat.append(
                chain,
                Rule {
                    src: Some(Neg::is(all)),
                    dst: Some(Neg::is(mine)),
                    matches: vec![c()],
                    target: Target::Return,
                    ..Default::default()
                },
            );
            nat.append(
                chain,
                Rule {
                    src: Some(Neg::not(all)),
                    dst: Some(Neg::is(mine)),
                    matches: vec![c()],
                    target: Target::Return,
                    ..Default::default()
                },
            );
            let multicast = net("224.0.0.0", 4);
            nat.append(
                chain,
                Rule {
                    src: Some(Neg::is(all)),
                    dst: Some(Neg::not(multicast)),
                    matches: vec![c()],
                    target: Target::Masquerade { random_fully: true },
                    ..Default::default()
                },
            );
            nat.append(
                chain,
                Rule {
                    src: Some(Neg::not(all)),
                    dst: Some(Neg::is(all)),
                    matches: vec![c()],
                    target: Target::Masquerade { random_fully: true },
                    ..Default::default()
                },
            );
        }
    }
    nat
}

fn pod_ns(
    spec: &ClusterSpec,
    node: &NodeSpec,
    pod: &PodSpec,
    built: &[Netns],
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
    let host_index = built
        .iter()
        .find(|n| n.name == node.name)
        .and_then(|n| n.iface(&veth))
        .map(|i| i.ifindex)
        .unwrap_or(0);
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
    if let Some(dns) = spec.dns_ip {
        ns.resolv_conf = Some(ResolvConf::cluster_first(
            &pod.namespace,
            &spec.cluster_domain,
            dns,
            &[],
        ));
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
        });
    }
    Ok(ns)
}

fn azure_vnet(spec: &ClusterSpec) -> AzureVnet {
    let mut routes = vec![
        AzureRoute {
            source: RouteSource::Default,
            name: String::new(),
            prefix: spec.underlay.cidr.trunc(),
            next_hop: NextHop::VnetLocal,
        },
        AzureRoute {
            source: RouteSource::Default,
            name: String::new(),
            prefix: net("0.0.0.0", 0),
            next_hop: NextHop::Internet,
        },
    ];
    if spec.network == Network::Kubenet {
        for n in &spec.nodes {
            routes.push(AzureRoute {
                source: RouteSource::User,
                name: n.name.clone(),
                prefix: n.pod_cidr,
                next_hop: NextHop::VirtualAppliance(n.ip),
            });
        }
    }
    AzureVnet {
        route_table: spec
            .underlay
            .route_table
            .clone()
            .unwrap_or_else(|| "aks-agentpool-routetable".into()),
        routes,
        outbound_ip: spec.underlay.outbound_ip,
        snat: vec![],
    }
}

fn coredns(spec: &ClusterSpec) -> CoreDns {
    let mut namespaces: BTreeSet<String> = ["default", "kube-system"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    namespaces.extend(
        spec.nodes
            .iter()
            .flat_map(|n| n.pods.iter().map(|p| p.namespace.clone())),
    );
    namespaces.extend(spec.services.iter().map(|s| s.namespace.clone()));
    CoreDns {
        zone: spec.cluster_domain.clone(),
        ttl: 30,
        services: spec
            .services
            .iter()
            .map(|s| DnsService {
                name: s.name.clone(),
                namespace: s.namespace.clone(),
                cluster_ip: s.cluster_ip,
            })
            .collect(),
        namespaces,
        upstream: spec
            .upstream_dns
            .iter()
            .map(|(n, ip)| {
                (
                    if n.ends_with('.') {
                        n.clone()
                    } else {
                        format!("{n}.")
                    },
                    *ip,
                )
            })
            .collect(),
    }
}
