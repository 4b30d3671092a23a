//! The filter table kube-proxy (iptables mode, the v1.31-era pkg/proxy/iptables/proxier.go
//! the nat rules follow) writes on one node: the jumps from INPUT, FORWARD and OUTPUT
//! (`iptablesJumpChains` and `iptablesKubeletJumpChains`, each put first with
//! `EnsureRule(Prepend, …)`, so the last of the list ends up on top), KUBE-FORWARD, the
//! localnet KUBE-FIREWALL rule (written since `localhostNodePorts` is on, the default: the
//! nat table's last KUBE-SERVICES rule has no `! -d 127.0.0.0/8`), and per service port the
//! REJECT of a Service without endpoints and the DROP of an eTP=Local NodePort on a node
//! without one (`syncProxyRules`, "has no endpoints" / "has no local endpoints").
//! kubelet writes the same KUBE-FIREWALL rule and jumps (pkg/kubelet/kubelet_network_linux.go);
//! `EnsureRule` finds them there, so the node has them once, as modelled here.

use super::{sorted_endpoints, svc_port_name, ProxyConfig, Service, TrafficPolicy};
use crate::netfilter::{CtState, Match, NatTable, Neg, Rule, Target};
use ipnet::Ipv4Net;

const SERVICES: &str = "KUBE-SERVICES";
const EXTERNAL: &str = "KUBE-EXTERNAL-SERVICES";
const FORWARD: &str = "KUBE-FORWARD";
const NODEPORTS: &str = "KUBE-NODEPORTS";
const PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
const FIREWALL: &str = "KUBE-FIREWALL";

fn ct(not: bool, states: &[CtState]) -> Match {
    Match::Conntrack {
        not,
        states: states.to_vec(),
    }
}

fn comment(c: impl Into<String>) -> Match {
    Match::Comment(c.into())
}

/// `iptablesJumpChains` (filter rows) then `iptablesKubeletJumpChains`, in source order:
/// (built-in chain, target chain, comment, whether `-m conntrack --ctstate NEW` comes first).
const JUMPS: [(&str, &str, &str, bool); 11] = [
    (
        "INPUT",
        EXTERNAL,
        "kubernetes externally-visible service portals",
        true,
    ),
    (
        "FORWARD",
        EXTERNAL,
        "kubernetes externally-visible service portals",
        true,
    ),
    (
        "INPUT",
        NODEPORTS,
        "kubernetes health check service ports",
        false,
    ),
    ("FORWARD", SERVICES, "kubernetes service portals", true),
    ("OUTPUT", SERVICES, "kubernetes service portals", true),
    ("FORWARD", FORWARD, "kubernetes forwarding rules", false),
    (
        "INPUT",
        PROXY_FIREWALL,
        "kubernetes load balancer firewall",
        true,
    ),
    (
        "OUTPUT",
        PROXY_FIREWALL,
        "kubernetes load balancer firewall",
        true,
    ),
    (
        "FORWARD",
        PROXY_FIREWALL,
        "kubernetes load balancer firewall",
        true,
    ),
    ("INPUT", FIREWALL, "", false),
    ("OUTPUT", FIREWALL, "", false),
];

/// The whole filter table kube-proxy maintains on node `cfg.node_name`.
pub fn filter_table(cfg: &ProxyConfig, services: &[Service]) -> NatTable {
    let mut t = NatTable::default();
    let mut builtin: [(&str, Vec<Rule>); 3] = [
        ("INPUT", Vec::new()),
        ("FORWARD", Vec::new()),
        ("OUTPUT", Vec::new()),
    ];
    for (from, to, c, new) in JUMPS {
        let mut matches = Vec::new();
        if new {
            matches.push(ct(false, &[CtState::New]));
        }
        if !c.is_empty() {
            matches.push(comment(c));
        }
        let rule = Rule {
            matches,
            target: Target::Jump(to.into()),
            ..Default::default()
        };
        if let Some((_, rules)) = builtin.iter_mut().find(|(c, _)| *c == from) {
            rules.insert(0, rule); // Prepend: `iptables -I CHAIN 1`
        }
    }
    for (chain, rules) in builtin {
        for r in rules {
            t.append(chain, r);
        }
    }
    for c in [
        SERVICES,
        EXTERNAL,
        FORWARD,
        NODEPORTS,
        PROXY_FIREWALL,
        FIREWALL,
    ] {
        t.new_chain(c);
    }
    let localnet: Ipv4Net = "127.0.0.0/8".parse().unwrap_or_default();
    t.append(
        FIREWALL,
        Rule {
            src: Some(Neg::not(localnet)),
            dst: Some(Neg::is(localnet)),
            matches: vec![
                comment("block incoming localnet connections"),
                ct(
                    true,
                    &[CtState::Related, CtState::Established, CtState::Dnat],
                ),
            ],
            target: Target::Drop,
            ..Default::default()
        },
    );
    service_rules(&mut t, cfg, services);
    // nf_conntrack_tcp_be_liberal is 0 by default, so the INVALID drop is written (without
    // nfacct's counter, which the node does not have).
    let mark = cfg.masquerade_mark();
    let forward = [
        (vec![ct(false, &[CtState::Invalid])], Target::Drop),
        (
            vec![
                comment("kubernetes forwarding rules"),
                Match::Mark {
                    not: false,
                    value: mark,
                    mask: mark,
                },
            ],
            Target::Accept,
        ),
        (
            vec![
                comment("kubernetes forwarding conntrack rule"),
                ct(false, &[CtState::Related, CtState::Established]),
            ],
            Target::Accept,
        ),
    ];
    for (matches, target) in forward {
        let rule = Rule {
            matches,
            target,
            ..Default::default()
        };
        t.append(FORWARD, rule);
    }
    t
}

/// The REJECT of a service port without endpoints (its cluster IP, and its node port in
/// KUBE-EXTERNAL-SERVICES), the DROP of an eTP=Local node port without a local endpoint.
fn service_rules(t: &mut NatTable, cfg: &ProxyConfig, services: &[Service]) {
    let mut ports = Vec::new();
    for s in services {
        for p in &s.ports {
            let name = svc_port_name(&s.namespace, &s.name, p.name.as_deref());
            ports.push((name, s, p));
        }
    }
    ports.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, svc, sp) in ports {
        let eps = sorted_endpoints(svc, sp);
        let proto = sp.protocol;
        let port = |p: u16| Match::Port {
            proto,
            dport: Some(p),
        };
        let (target, what) = if eps.is_empty() {
            (Target::Reject, "has no endpoints")
        } else if svc.external_traffic_policy == TrafficPolicy::Local
            && !eps.iter().any(|(_, e)| e.node == cfg.node_name)
        {
            (Target::Drop, "has no local endpoints")
        } else {
            continue;
        };
        let c = comment(format!("{name} {what}"));
        if eps.is_empty() {
            let dst: Ipv4Net = Ipv4Net::from(svc.cluster_ip);
            t.append(
                SERVICES,
                Rule {
                    dst: Some(Neg::is(dst)),
                    proto: Some(proto),
                    matches: vec![c.clone(), port(sp.port)],
                    target: target.clone(),
                    ..Default::default()
                },
            );
        }
        if let Some(np) = sp.node_port {
            let local = Match::AddrTypeLocal {
                not: false,
                dst: true,
            };
            t.append(
                EXTERNAL,
                Rule {
                    proto: Some(proto),
                    matches: vec![c, local, port(np)],
                    target,
                    ..Default::default()
                },
            );
        }
    }
}

/// flanneld's forward rules (flannel pkg/trafficmngr/iptables/iptables.go, `forwardRules`):
/// FORWARD jumps to FLANNEL-FWD (appended, so after kube-proxy's prepended jumps), which
/// accepts whatever comes from or goes to the flannel network.
pub fn flannel_forward(t: &mut NatTable, network: Ipv4Net) {
    let c = || comment("flanneld forward");
    t.append(
        "FORWARD",
        Rule {
            matches: vec![c()],
            target: Target::Jump("FLANNEL-FWD".into()),
            ..Default::default()
        },
    );
    for (src, dst) in [(Some(network), None), (None, Some(network))] {
        t.append(
            "FLANNEL-FWD",
            Rule {
                src: src.map(Neg::is),
                dst: dst.map(Neg::is),
                matches: vec![c()],
                target: Target::Accept,
                ..Default::default()
            },
        );
    }
}
