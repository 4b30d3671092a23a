//! [`GenLesson::to_toml`]: a generated shape written as a lesson file (the same shape as
//! `lessons/*.toml`), so a crash is a file anyone can replay.

use super::pools::*;
use super::*;
use std::fmt::Write;

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
