//! The structure-aware generator: [`GenLesson`], picked by `arbitrary` from small pools of
//! names, CIDRs and addresses that deliberately overlap, and written as a lesson file.

use arbitrary::Arbitrary;
use std::fmt::Write;
use std::net::Ipv4Addr;

// ---- pools ----------------------------------------------------------------------------

const POD_CIDRS: &[&str] = &[
    "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16",
    "10.240.0.0/12", "192.168.0.0/16", "10.0.0.0/8",
];
// The overlapping ones are refused by the check since it learned to; kept rare so most
// generated lessons get past it and into the engine.
const SERVICE_CIDRS: &[&str] = &[
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.0.0.0/16", "10.244.0.0/16", "192.168.1.0/24",
];
const UNDERLAY_CIDRS: &[&str] = &[
    "192.168.1.0/24",
    "10.240.0.0/16",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "10.244.0.0/16", // = the usual pod CIDR: node IPs land in pod slices
    "10.0.0.0/8",    // contains pod and Service CIDRs
    "10.96.0.0/12",  // = the usual Service CIDR
    "192.168.1.0/30",
];
/// Extra node pod CIDRs besides "the n-th /24 of the cluster's pod CIDR".
const NODE_POD_CIDRS: &[&str] = &[
    "10.244.0.0/24",
    "10.244.1.0/24",
    "10.244.0.0/16",
    "10.244.0.0/25",
    "10.244.0.128/25",
    "192.168.1.0/24",
    "10.240.0.0/24",
    "10.96.0.0/24",
    "10.244.5.0/30",
    "10.244.7.7/32",
];
/// Addresses that are interesting in most of the CIDRs above.
const IPS: &[&str] = &[
    "192.168.1.10",
    "192.168.1.11",
    "192.168.1.1",
    "192.168.1.255",
    "10.240.0.4",
    "10.240.0.5",
    "10.240.0.1",
    "10.244.0.5",
    "10.244.0.10",
    "10.244.0.1",
    "10.244.0.0",
    "10.244.1.10",
    "10.244.1.1",
    "10.244.0.255",
    "10.96.0.10",
    "10.96.0.20",
    "10.96.0.1",
    "10.0.0.10",
    "93.184.215.14",
    "8.8.8.8",
    "20.62.133.10",
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "169.254.169.254",
    "224.0.0.1",
];
const INTERNET_IPS: &[&str] = &["93.184.215.14", "8.8.8.8", "1.1.1.1", "20.62.133.10"];
const POD_NAMES: &[&str] = &["frontend", "backend", "web", "api", "coredns", "client", "nginx", "db"];
const NAMESPACES: &[&str] = &["default", "kube-system", "backend", "frontend"];
const SVC_NAMES: &[&str] = &["backend-svc", "kube-dns", "api-svc", "web", "frontend"];
const PORTS: &[u16] = &[80, 8080, 53, 443, 9153, 30080, 0, 65535, 8472, 22];
const NODE_PORTS: &[u16] = &[30080, 30000, 32767, 80, 0, 8472];
const LISTEN: &[&str] = &["tcp/80", "tcp/8080", "udp/53", "tcp/53", "tcp/443", "tcp/9153", "udp/8472", "tcp/22"];
const BAD_LISTEN: &[&str] = &["sctp/80", "tcp/99999", "tcp", "", "udp/-1", "tcp/0"];
const IMAGES: &[&str] = &["nginx", "curlimages/curl", "registry.k8s.io/coredns/coredns"];
const PROCESSES: &[&str] = &["curl", "wget", "https-server", "nc", ""];
const DOMAINS: &[&str] = &["cluster.local", "corp.internal", "local", ""];
const UPSTREAM_NAMES: &[&str] = &["example.com", "api.example.com", "example.com.", "x"];
const ROUTE_DSTS: &[&str] = &[
    "0.0.0.0/0",
    "10.244.1.0/24",
    "10.244.0.0/16",
    "10.96.0.0/12",
    "192.168.1.0/24",
    "93.184.215.0/24",
    "10.244.0.5/32",
];
const EVENTS: &[&str] = &[
    "send",
    "route_lookup",
    "dnat",
    "snat",
    "vxlan_encap",
    "vxlan_decap",
    "deliver",
    "conntrack_reply",
    "dns_query",
    "dns_answer",
    "netfilter",
    "drop",
];

fn pick<T: Copy>(pool: &[T], i: u8) -> T {
    pool[i as usize % pool.len()]
}

/// A CIDR as (network address, prefix length).
#[derive(Clone, Copy)]
struct Cidr(u32, u8);

impl Cidr {
    fn parse(s: &str) -> Cidr {
        let (a, p) = s.split_once('/').unwrap();
        let p: u8 = p.parse().unwrap();
        let a: u32 = a.parse::<Ipv4Addr>().unwrap().into();
        Cidr(a & mask(p), p)
    }
    fn size(self) -> u64 {
        1u64 << (32 - self.1 as u32)
    }
    /// The `k`-th address of the block (wrapping inside it).
    fn host(self, k: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.0 | (k as u64 % self.size()) as u32)
    }
    /// The `k`-th /24 inside the block (or the block itself when it is /24 or smaller).
    fn slice24(self, k: u8) -> Cidr {
        if self.1 >= 24 {
            return self;
        }
        let n = 1u64 << (24 - self.1 as u32);
        Cidr(self.0 | (((k as u64 % n) as u32) << 8), 24)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.0), self.1)
    }
}

fn mask(p: u8) -> u32 {
    if p == 0 {
        0
    } else {
        u32::MAX << (32 - p as u32)
    }
}

// ---- the generator ----------------------------------------------------------------------

#[derive(Arbitrary, Debug)]
pub struct GenLesson {
    flannel: bool,
    pod_cidr: u8,
    service_cidr: u8,
    domain: Option<u8>,
    dns_ip: Option<GenIp>,
    underlay: GenUnderlay,
    sysctls: Option<[bool; 3]>,
    kube_proxy: Option<[bool; 2]>,
    first_node: GenNode,
    more_nodes: Vec<GenNode>,
    services: Vec<GenService>,
    hosts: Vec<GenHost>,
    upstream: Vec<(u8, GenIp)>,
    scenario: GenScenario,
    narration: Vec<GenNote>,
}

#[derive(Arbitrary, Debug)]
struct GenUnderlay {
    azure: bool,
    cidr: u8,
    gateway: Option<GenIp>,
    route_table: bool,
    outbound: Option<u8>,
}

/// An address: mostly one that fits where it is used, sometimes any from the pool.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct GenIp {
    how: u8,
    k: u8,
    j: u8,
}

#[derive(Arbitrary, Debug)]
struct GenNode {
    name_dup: u8,
    ip: GenIp,
    pod_cidr_how: u8,
    pod_cidr_k: u8,
    pods: Vec<GenPod>,
    routes: Vec<GenRoute>,
}

#[derive(Arbitrary, Debug)]
struct GenPod {
    name: u8,
    dup: u8,
    namespace: Option<u8>,
    ip: GenIp,
    first: GenContainer,
    more: Vec<GenContainer>,
    no_containers: u8,
}

#[derive(Arbitrary, Debug)]
struct GenContainer {
    name: u8,
    image: Option<u8>,
    listen: Vec<u8>,
    dns_server: bool,
}

#[derive(Arbitrary, Debug)]
struct GenRoute {
    dst: u8,
    via: GenIp,
}

#[derive(Arbitrary, Debug)]
struct GenService {
    name: u8,
    namespace: Option<u8>,
    ip: GenIp,
    first_port: GenPort,
    ports: Vec<GenPort>,
    endpoints: Vec<u8>,
    local: bool,
}

#[derive(Arbitrary, Debug)]
struct GenPort {
    name: Option<u8>,
    udp: bool,
    port: u8,
    target: u8,
    node_port: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct GenHost {
    lan: bool,
    ip: GenIp,
    listen: Vec<u8>,
    process: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct GenScenario {
    from: u8,
    kind: u8,
    to: GenTarget,
    port: u8,
    name: u8,
    process: Option<u8>,
    seed: u8,
    pin: Option<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
enum GenTarget {
    Pod(u8),
    Service(u8),
    Node(u8),
    Host(u8),
    Any(GenIp),
}

#[derive(Arbitrary, Debug)]
struct GenNote {
    event: u8,
    netns: Option<u8>,
    leg: Option<u8>,
    nth: u8,
}

/// What is known while writing: the CIDRs and the names and addresses given out so far.
struct Ctx {
    pod: Cidr,
    service: Cidr,
    underlay: Cidr,
    node_cidrs: Vec<Cidr>,
    node_ips: Vec<Ipv4Addr>,
    node_names: Vec<String>,
    pods: Vec<(String, Ipv4Addr, Vec<u16>)>,
    services: Vec<(String, String, Ipv4Addr, Vec<u16>)>,
    hosts: Vec<(String, Ipv4Addr)>,
}

impl Ctx {
    /// An address for a place whose block is `home`: when `how` < `tame`, inside `home` away
    /// from its reserved ends; otherwise (by `j`) anywhere in `home` (network, gateway and
    /// broadcast included), in another of the cluster's blocks, or from the pool.
    fn ip(&self, g: GenIp, home: Cidr, tame: u8) -> Ipv4Addr {
        let k = u32::from(g.k);
        if g.how < tame {
            let size = home.size();
            return if size <= 4 {
                home.host(k)
            } else {
                home.host(2 + k % (size as u32 - 3).min(250))
            };
        }
        match g.j % 8 {
            0..=3 => home.host(k | (u32::from(g.j) << 8)),
            4 | 5 => {
                let blocks = [self.pod, self.service, self.underlay];
                let b = if self.node_cidrs.is_empty() {
                    pick(&blocks, g.j)
                } else if g.j % 4 == 3 {
                    pick(&self.node_cidrs, g.k)
                } else {
                    pick(&blocks, g.j)
                };
                b.host(u32::from(g.k) % 16)
            }
            _ => pick(IPS, g.k).parse().unwrap(),
        }
    }
}

fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl GenLesson {
    /// The lesson file: the same shape as `lessons/*.toml`.
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let w = &mut t;
        let mut cx = Ctx {
            pod: Cidr::parse(pick(POD_CIDRS, self.pod_cidr)),
            service: Cidr::parse(pick(SERVICE_CIDRS, self.service_cidr)),
            underlay: Cidr::parse(pick(UNDERLAY_CIDRS, self.underlay.cidr)),
            node_cidrs: vec![],
            node_ips: vec![],
            node_names: vec![],
            pods: vec![],
            services: vec![],
            hosts: vec![],
        };
        let network = if self.flannel { "flannel-vxlan" } else { "kubenet" };
        let _ = writeln!(w, "title = \"fuzz\"\nsummary = \"generated\"\nfollows = []\nintro = \"\"\n");
        let _ = writeln!(w, "[cluster]\nnetwork = \"{network}\"");
        let _ = writeln!(w, "pod_cidr = \"{}\"\nservice_cidr = \"{}\"", cx.pod, cx.service);
        if let Some(d) = self.domain {
            let _ = writeln!(w, "cluster_domain = {}", q(pick(DOMAINS, d)));
        }
        if let Some(g) = self.dns_ip {
            // Mostly the kube-dns address a Service below may also take (service + 10).
            let ip = if g.how < 128 { cx.service.host(10) } else { cx.ip(g, cx.service, 200) };
            let _ = writeln!(w, "dns_ip = \"{ip}\"");
        }
        let u = &self.underlay;
        let mut underlay = format!(
            "kind = \"{}\", cidr = \"{}\"",
            if u.azure { "azure-vnet" } else { "ethernet" },
            cx.underlay
        );
        // azure-vnet needs a gateway: it is left out only when `how` is 255.
        match u.gateway {
            Some(g) if g.how == 255 => {}
            Some(g) if g.how >= 240 => {
                let _ = write!(underlay, ", gateway = \"{}\"", cx.ip(g, cx.underlay, 0));
            }
            Some(_) => {
                let _ = write!(underlay, ", gateway = \"{}\"", cx.underlay.host(1));
            }
            None if u.azure => {
                let _ = write!(underlay, ", gateway = \"{}\"", cx.underlay.host(1));
            }
            None => {}
        }
        if u.route_table {
            underlay.push_str(", route_table = \"aks-agentpool-routetable\"");
        }
        if let Some(o) = u.outbound {
            let _ = write!(underlay, ", outbound_ip = \"{}\"", pick(INTERNET_IPS, o));
        }
        let _ = writeln!(w, "underlay = {{ {underlay} }}");
        if let Some([a, b, c]) = self.sysctls {
            let _ = writeln!(
                w,
                "sysctls = {{ ip_forward = {a}, bridge_nf_call_iptables = {b}, hairpin = {c} }}"
            );
        }
        if let Some([a, b]) = self.kube_proxy {
            let _ = writeln!(
                w,
                "kube_proxy = {{ random_fully = {a}, detect_local_cluster_cidr = {b} }}"
            );
        }
        if !self.upstream.is_empty() {
            let _ = writeln!(w, "upstream_dns = {{ {} }}", {
                let mut seen = vec![];
                let mut parts = vec![];
                for (n, ip) in self.upstream.iter().take(2) {
                    let name = pick(UPSTREAM_NAMES, *n);
                    if !seen.contains(&name) {
                        seen.push(name);
                        parts.push(format!("{} = \"{}\"", q(name), cx.ip(*ip, Cidr(0x5db8_d700, 24), 200)));
                    }
                }
                parts.join(", ")
            });
        }
        let _ = writeln!(w);

        // Nodes: 1-6; their pod CIDRs first, so pods and routes can refer to any of them.
        let nodes: Vec<&GenNode> = std::iter::once(&self.first_node)
            .chain(self.more_nodes.iter().take(5))
            .collect();
        for (n, node) in nodes.iter().enumerate() {
            let c = if node.pod_cidr_how < 240 {
                // Mostly the n-th /24; sometimes another (it may be a neighbour's).
                cx.pod.slice24(if node.pod_cidr_how < 192 { n as u8 } else { node.pod_cidr_k })
            } else {
                Cidr::parse(pick(NODE_POD_CIDRS, node.pod_cidr_k))
            };
            cx.node_cidrs.push(c);
            let ip = if node.ip.how < 232 {
                cx.underlay.host(10 + u32::from(node.ip.k % 4) + n as u32 * 4)
            } else {
                cx.ip(node.ip, cx.underlay, 0)
            };
            cx.node_ips.push(ip);
            let name = if node.name_dup >= 250 && n > 0 {
                cx.node_names[0].clone()
            } else if node.name_dup >= 245 {
                "frontend".to_string()
            } else {
                format!("worker-node-{}", n + 1)
            };
            cx.node_names.push(name);
        }
        for (n, node) in nodes.iter().enumerate() {
            let _ = writeln!(w, "[[cluster.nodes]]");
            let _ = writeln!(w, "name = {}", q(&cx.node_names[n]));
            let _ = writeln!(w, "ip = \"{}\"", cx.node_ips[n]);
            let _ = writeln!(w, "pod_cidr = \"{}\"", cx.node_cidrs[n]);
            let routes: Vec<String> = node
                .routes
                .iter()
                .take(2)
                .map(|r| {
                    let dst = if r.dst >= 200 {
                        pick(&cx.node_cidrs, r.dst).to_string()
                    } else {
                        pick(ROUTE_DSTS, r.dst).to_string()
                    };
                    let via = if r.via.how < 128 {
                        pick(&cx.node_ips, r.via.k)
                    } else {
                        cx.ip(r.via, cx.underlay, 192)
                    };
                    format!("{{ dst = \"{dst}\", via = \"{via}\" }}")
                })
                .collect();
            if !routes.is_empty() {
                let _ = writeln!(w, "routes = [{}]", routes.join(", "));
            }
            let _ = writeln!(w);
            for (p, pod) in node.pods.iter().take(4).enumerate() {
                let base = pick(POD_NAMES, pod.name);
                let name = if pod.dup >= 240 {
                    base.to_string()
                } else if pod.dup >= 236 {
                    cx.node_names[0].clone()
                } else {
                    format!("{base}-{}{}", n + 1, p + 1)
                };
                let ip = cx.ip(pod.ip, cx.node_cidrs[n], 224);
                let _ = writeln!(w, "[[cluster.nodes.pods]]");
                let _ = writeln!(w, "name = {}", q(&name));
                if let Some(ns) = pod.namespace {
                    let _ = writeln!(w, "namespace = {}", q(pick(NAMESPACES, ns)));
                }
                let _ = writeln!(w, "ip = \"{ip}\"");
                let mut ports = vec![];
                let containers: Vec<String> = if pod.no_containers == 255 {
                    vec![]
                } else {
                    std::iter::once(&pod.first)
                        .chain(pod.more.iter().take(2))
                        .map(|c| {
                            let mut s = format!("{{ name = {}", q(pick(POD_NAMES, c.name)));
                            if let Some(i) = c.image {
                                let _ = write!(s, ", image = {}", q(pick(IMAGES, i)));
                            }
                            if !c.listen.is_empty() {
                                let ls: Vec<String> = c
                                    .listen
                                    .iter()
                                    .take(3)
                                    .map(|l| {
                                        let l = if *l >= 250 { pick(BAD_LISTEN, *l) } else { pick(LISTEN, *l) };
                                        if let Some(p) = l.split('/').nth(1).and_then(|p| p.parse().ok()) {
                                            ports.push(p);
                                        }
                                        q(l)
                                    })
                                    .collect();
                                let _ = write!(s, ", listen = [{}]", ls.join(", "));
                            }
                            if c.dns_server {
                                s.push_str(", dns_server = true");
                            }
                            s.push_str(" }");
                            s
                        })
                        .collect()
                };
                let _ = writeln!(w, "containers = [{}]\n", containers.join(", "));
                cx.pods.push((name, ip, ports));
            }
        }

        for (s, svc) in self.services.iter().take(3).enumerate() {
            let name = pick(SVC_NAMES, svc.name);
            let ns = svc.namespace.map(|n| pick(NAMESPACES, n)).unwrap_or("default");
            let ip = if svc.ip.how < 160 {
                cx.service.host(10 + 10 * s as u32 + u32::from(svc.ip.k % 3) * 5)
            } else {
                cx.ip(svc.ip, cx.service, 0)
            };
            let _ = writeln!(w, "[[cluster.services]]");
            let _ = writeln!(w, "name = {}", q(name));
            if svc.namespace.is_some() {
                let _ = writeln!(w, "namespace = {}", q(ns));
            }
            let _ = writeln!(w, "cluster_ip = \"{ip}\"");
            let mut ports = vec![];
            let ps: Vec<String> = std::iter::once(&svc.first_port)
                .chain(svc.ports.iter().take(2))
                .map(|p| {
                    let port = pick(PORTS, p.port);
                    ports.push(port);
                    let mut s = String::from("{ ");
                    if let Some(n) = p.name {
                        let _ = write!(s, "name = {}, ", q(pick(&["http", "dns", "dns-tcp", "metrics"], n)));
                    }
                    if p.udp {
                        s.push_str("protocol = \"udp\", ");
                    }
                    let target = if p.target < 128 {
                        // A port some endpoint listens on, when there is one.
                        cx.pods
                            .iter()
                            .flat_map(|(_, _, l)| l.iter().copied())
                            .nth(p.target as usize % 4)
                            .unwrap_or(pick(PORTS, p.target))
                    } else {
                        pick(PORTS, p.target)
                    };
                    let _ = write!(s, "port = {port}, target_port = {target}");
                    if let Some(np) = p.node_port {
                        let _ = write!(s, ", node_port = {}", pick(NODE_PORTS, np));
                    }
                    s.push_str(" }");
                    s
                })
                .collect();
            let _ = writeln!(w, "ports = [{}]", ps.join(", "));
            if !svc.endpoints.is_empty() && !cx.pods.is_empty() {
                let mut eps: Vec<String> = vec![];
                for e in svc.endpoints.iter().take(4) {
                    let n = if *e == 255 {
                        "nobody".to_string()
                    } else {
                        cx.pods[*e as usize % cx.pods.len()].0.clone()
                    };
                    eps.push(q(&n));
                }
                let _ = writeln!(w, "endpoints = [{}]", eps.join(", "));
            }
            if svc.local {
                let _ = writeln!(w, "external_traffic_policy = \"Local\"");
            }
            let _ = writeln!(w);
            cx.services.push((name.to_string(), ns.to_string(), ip, ports));
        }

        for (h, host) in self.hosts.iter().take(2).enumerate() {
            let name = if h == 0 { "example-com".to_string() } else { format!("host-{h}") };
            // Internet hosts need an azure-vnet underlay: elsewhere a host is on the LAN
            // unless `how` is 255.
            let lan = host.lan || (!self.underlay.azure && host.ip.how != 255);
            let ip = match (lan, host.ip.how) {
                (true, 0..=199) => cx.underlay.host(100 + u32::from(host.ip.k % 8)),
                (false, 0..=199) => pick(INTERNET_IPS, host.ip.k).parse().unwrap(),
                _ => cx.ip(host.ip, cx.underlay, 0),
            };
            let _ = writeln!(w, "[[cluster.hosts]]");
            let _ = writeln!(w, "name = {}\nip = \"{ip}\"", q(&name));
            let _ = writeln!(w, "location = \"{}\"", if lan { "lan" } else { "internet" });
            if !host.listen.is_empty() {
                let ls: Vec<String> = host.listen.iter().take(2).map(|l| q(pick(LISTEN, *l))).collect();
                let _ = writeln!(w, "listen = [{}]", ls.join(", "));
            }
            if let Some(p) = host.process {
                let _ = writeln!(w, "process = {}", q(pick(PROCESSES, p)));
            }
            let _ = writeln!(w);
            cx.hosts.push((name, ip));
        }

        // The scenario: from any pod, node or host; to any address.
        let s = &self.scenario;
        let mut sources: Vec<String> = cx.pods.iter().map(|p| p.0.clone()).collect();
        sources.extend(cx.hosts.iter().map(|h| h.0.clone()));
        sources.extend(cx.node_names.iter().cloned());
        let from = if s.from == 255 {
            "nobody".to_string()
        } else {
            sources[s.from as usize % sources.len()].clone()
        };
        let (to_ip, port_hint): (Ipv4Addr, Option<u16>) = match s.to {
            GenTarget::Pod(i) if !cx.pods.is_empty() => {
                let p = &cx.pods[i as usize % cx.pods.len()];
                (p.1, p.2.first().copied())
            }
            GenTarget::Service(i) if !cx.services.is_empty() => {
                let v = &cx.services[i as usize % cx.services.len()];
                (v.2, v.3.first().copied())
            }
            GenTarget::Host(i) if !cx.hosts.is_empty() => (cx.hosts[i as usize % cx.hosts.len()].1, Some(443)),
            GenTarget::Node(i) => (pick(&cx.node_ips, i), Some(30080)),
            GenTarget::Any(g) => (cx.ip(g, cx.pod, 64), None),
            _ => (cx.node_ips[0], None),
        };
        let port = match port_hint {
            Some(p) if s.port < 192 => p,
            _ => pick(PORTS, s.port),
        };
        let _ = writeln!(w, "[scenario]\nfrom = {}", q(&from));
        match s.kind % 3 {
            0 => {
                let _ = writeln!(w, "kind = \"tcp\"\nto = \"{to_ip}:{port}\"");
            }
            1 => {
                let _ = writeln!(w, "kind = \"ping\"\nto = \"{to_ip}\"");
            }
            _ => {
                let name = if cx.services.is_empty() || s.name >= 224 {
                    pick(UPSTREAM_NAMES, s.name).to_string()
                } else {
                    let v = &cx.services[s.name as usize % cx.services.len()];
                    match s.name % 4 {
                        0 => v.0.clone(),
                        1 => format!("{}.{}", v.0, v.1),
                        2 => format!("{}.{}.svc.cluster.local", v.0, v.1),
                        _ => format!("{}.{}.svc", v.0, v.1),
                    }
                };
                let _ = writeln!(w, "kind = \"resolve\"\nname = {}", q(&name));
            }
        }
        if let Some(p) = s.process {
            let _ = writeln!(w, "process = {}", q(pick(PROCESSES, p)));
        }
        if s.seed != 0 {
            let _ = writeln!(w, "seed = {}", s.seed);
        }
        if let Some((e, p)) = s.pin {
            let ip = if cx.pods.is_empty() { to_ip } else { cx.pods[e as usize % cx.pods.len()].1 };
            let _ = writeln!(w, "pin_endpoint = \"{ip}:{}\"", pick(PORTS, p));
        }
        let _ = writeln!(w);

        for n in self.narration.iter().take(3) {
            let _ = writeln!(w, "[[narration]]\nevent = {}", q(pick(EVENTS, n.event)));
            if let Some(ns) = n.netns {
                let _ = writeln!(w, "netns = {}", q(&sources[ns as usize % sources.len()]));
            }
            if let Some(l) = n.leg {
                let _ = writeln!(w, "leg = {}", q(pick(&["SYN", "SYN-ACK", "A?", "echo"], l)));
            }
            if n.nth != 1 {
                let _ = writeln!(w, "nth = {}", n.nth % 8);
            }
            let _ = writeln!(w, "text = \"note\"\n");
        }
        t
    }
}
