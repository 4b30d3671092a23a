//! kube-proxy in iptables mode: Services + endpoints → the nat table it writes on one node
//! (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, `syncProxyRules`; chain names from
//! `servicePortChainName` and pkg/proxy/types.go), and its filter table (`filter.rs`). Rules
//! are built so that [`netfilter::rule_text`] prints them exactly as `iptables-save` does.

use crate::netfilter::{Match, NatTable, Neg, Proto, Rule, Target};
use data_encoding::BASE32;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::{Ipv4Addr, SocketAddrV4};

/// `externalTrafficPolicy`: which endpoints external (NodePort) traffic may reach.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub enum TrafficPolicy {
    /// Any endpoint in the cluster; the client is masqueraded.
    #[default]
    Cluster,
    /// Only endpoints on the receiving node; the client IP is preserved.
    Local,
}

/// One port of a Service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePort {
    /// The port's name; an unnamed port gives the svcPortName `ns/name`.
    #[serde(default)]
    pub name: Option<String>,
    pub protocol: Proto,
    pub port: u16,
    /// The endpoint (pod) port the DNAT goes to.
    pub target_port: u16,
    /// The NodePort, for `type: NodePort` (and LoadBalancer) services.
    #[serde(default)]
    pub node_port: Option<u16>,
}

/// One ready endpoint of a Service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub ip: Ipv4Addr,
    /// The name of the node hosting that pod.
    pub node: String,
}

/// A Service with its endpoints, as kube-proxy sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    pub cluster_ip: Ipv4Addr,
    pub ports: Vec<ServicePort>,
    /// Its ready endpoints (every port uses the same endpoint IPs).
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// `externalTrafficPolicy` (matters only for NodePorts).
    #[serde(default)]
    pub external_traffic_policy: TrafficPolicy,
}

/// kube-proxy's settings on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxyConfig {
    /// The node this kube-proxy runs on (decides which endpoints are local).
    pub node_name: String,
    /// `--detect-local-mode ClusterCIDR`; `None` means no detector, so no `! -s` rule.
    pub cluster_cidr: Option<Ipv4Net>,
    /// `masqueradeBit` (default 14, mark 0x4000); a value above 31 falls back to 14.
    pub masquerade_bit: u8,
    /// Whether MASQUERADE carries `--random-fully` (when iptables supports it).
    pub random_fully: bool,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            node_name: String::new(),
            cluster_cidr: None,
            masquerade_bit: 14,
            random_fully: true,
        }
    }
}

impl ProxyConfig {
    /// The defaults for a node: no local detector, bit 14, `--random-fully`.
    pub fn new(node_name: &str) -> Self {
        ProxyConfig {
            node_name: node_name.to_string(),
            ..Default::default()
        }
    }

    /// The masquerade mark `1 << masquerade_bit` (0x4000 by default).
    pub fn masquerade_mark(&self) -> u32 {
        1u32.checked_shl(u32::from(self.masquerade_bit))
            .unwrap_or(1 << 14)
    }
}

/// `ServicePortName.String()`: `ns/name:port`, or `ns/name` for an unnamed port.
pub fn svc_port_name(namespace: &str, name: &str, port_name: Option<&str>) -> String {
    match port_name {
        Some(p) if !p.is_empty() => format!("{namespace}/{name}:{p}"),
        _ => format!("{namespace}/{name}"),
    }
}

/// `portProtoHash`: base32(sha256(svcPortName + protocol)), first 16 characters.
pub fn port_proto_hash(svc_port_name: &str, protocol: &str) -> String {
    hash16(&format!("{svc_port_name}{protocol}"))
}

fn hash16(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    BASE32.encode(&digest).chars().take(16).collect()
}

/// The "Cluster" policy chain `KUBE-SVC-…`.
pub fn svc_chain(svc_port_name: &str, proto: Proto) -> String {
    format!("KUBE-SVC-{}", port_proto_hash(svc_port_name, proto.name()))
}

/// The "Local" policy chain `KUBE-SVL-…`.
pub fn svl_chain(svc_port_name: &str, proto: Proto) -> String {
    format!("KUBE-SVL-{}", port_proto_hash(svc_port_name, proto.name()))
}

/// The external-destinations entry chain `KUBE-EXT-…`.
pub fn ext_chain(svc_port_name: &str, proto: Proto) -> String {
    format!("KUBE-EXT-{}", port_proto_hash(svc_port_name, proto.name()))
}

/// The per-endpoint chain `KUBE-SEP-…`; `endpoint` is `"IP:port"`.
pub fn sep_chain(svc_port_name: &str, proto: Proto, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        hash16(&format!("{svc_port_name}{}{endpoint}", proto.name()))
    )
}

/// Go's `computeProbability`: the text kube-proxy writes, `"%0.10f"` of 1/n.
pub fn probability_text(n: usize) -> String {
    format!("{:.10}", 1.0 / n.max(1) as f64)
}

/// The probability kube-proxy writes for `n` remaining endpoints, as a number (0.3333333333).
pub fn compute_probability(n: usize) -> f64 {
    probability_text(n).parse().unwrap_or(1.0 / n.max(1) as f64)
}

/// A `KUBE-SVC`/`KUBE-SVL` rule's `KUBE-SEP` endpoint, read from its `"S -> IP:port"` comment.
pub fn endpoint_of_sep_rule(rule: &Rule) -> Option<SocketAddrV4> {
    match &rule.target {
        Target::Jump(c) if c.starts_with("KUBE-SEP-") => {}
        _ => return None,
    }
    let (_, ep) = rule.comment()?.rsplit_once(" -> ")?;
    ep.parse().ok()
}

const SERVICES: &str = "KUBE-SERVICES";
const NODEPORTS: &str = "KUBE-NODEPORTS";
const POSTROUTING: &str = "KUBE-POSTROUTING";
const MARK_MASQ: &str = "KUBE-MARK-MASQ";
const SRC_LOCAL: Match = Match::AddrTypeLocal {
    not: false,
    dst: false,
};
const DST_LOCAL: Match = Match::AddrTypeLocal {
    not: false,
    dst: true,
};

fn jump(chain: &str) -> Target {
    Target::Jump(chain.to_string())
}
fn comment(c: impl Into<String>) -> Match {
    Match::Comment(c.into())
}

/// `"<what> <S> external destinations"`, the KUBE-EXT comments.
fn ext_comment(what: &str, name: &str) -> Match {
    comment(format!("{what} {name} external destinations"))
}

fn port(proto: Proto, dport: Option<u16>) -> Match {
    Match::Port { proto, dport }
}

/// A rule with optional `-s`, `-d` (a host) and `-p`, in iptables-save field order.
fn rule(
    src: Option<Neg<Ipv4Net>>,
    dst: Option<Ipv4Addr>,
    proto: Option<Proto>,
    matches: Vec<Match>,
    target: Target,
) -> Rule {
    let dst = dst.map(|d| Neg::is(Ipv4Net::from(d)));
    Rule {
        src,
        dst,
        proto,
        matches,
        target,
        ..Default::default()
    }
}

/// A rule with only `-m` matches and a target.
fn plain(matches: Vec<Match>, target: Target) -> Rule {
    rule(None, None, None, matches, target)
}

/// The whole nat table kube-proxy maintains on node `cfg.node_name`: the jumps from the
/// built-in chains, the masquerade infrastructure, and every service port's chains.
pub fn nat_table(cfg: &ProxyConfig, services: &[Service]) -> NatTable {
    let mut t = cluster_rules(cfg, services);
    local_rules(&mut t, cfg, services);
    t
}

/// The table but the node's own endpoints' rules: the same on every node (`cfg.node_name`
/// is not read), so computed once and shared ([`NatTable::shared`]); see [`local_rules`].
pub fn cluster_rules(cfg: &ProxyConfig, services: &[Service]) -> NatTable {
    let mut t = NatTable::default();
    let mark = cfg.masquerade_mark();
    let portals = "kubernetes service portals";
    t.append("PREROUTING", plain(vec![comment(portals)], jump(SERVICES)));
    t.append("OUTPUT", plain(vec![comment(portals)], jump(SERVICES)));
    let post = comment("kubernetes postrouting rules");
    t.append("POSTROUTING", plain(vec![post], jump(POSTROUTING)));
    let unmarked = Match::Mark {
        not: true,
        value: mark,
        mask: mark,
    };
    t.append(POSTROUTING, plain(vec![unmarked], Target::Return));
    t.append(POSTROUTING, plain(vec![], Target::MarkXor(mark)));
    let snat = comment("kubernetes service traffic requiring SNAT");
    let masq = Target::Masquerade {
        random_fully: cfg.random_fully,
    };
    t.append(POSTROUTING, plain(vec![snat], masq));
    t.append(MARK_MASQ, plain(vec![], Target::MarkOr(mark)));
    t.new_chain(NODEPORTS);

    // Real kube-proxy iterates its service map (a Go map, so the order is random); sorting
    // by svcPortName keeps the output deterministic.
    let mut ports: Vec<(String, &Service, &ServicePort)> = Vec::new();
    for s in services {
        for p in &s.ports {
            ports.push((
                svc_port_name(&s.namespace, &s.name, p.name.as_deref()),
                s,
                p,
            ));
        }
    }
    ports.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, svc, sp) in &ports {
        write_service_port(&mut t, cfg, name, svc, sp);
    }

    let last = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";
    t.append(
        SERVICES,
        plain(vec![comment(last), DST_LOCAL], jump(NODEPORTS)),
    );
    t
}

/// Every chain and rule of one service port (none when it has no endpoints).
fn write_service_port(
    t: &mut NatTable,
    cfg: &ProxyConfig,
    name: &str,
    svc: &Service,
    sp: &ServicePort,
) {
    let proto = sp.protocol;
    let eps = sorted_endpoints(svc, sp);
    if eps.is_empty() {
        return;
    }
    let svc_c = svc_chain(name, proto);
    let (ip, p) = (Some(svc.cluster_ip), Some(proto));
    let ms = vec![
        comment(format!("{name} cluster IP")),
        port(proto, Some(sp.port)),
    ];
    t.append(SERVICES, rule(None, ip, p, ms.clone(), jump(&svc_c)));
    if let Some(cidr) = cfg.cluster_cidr {
        t.append(
            &svc_c,
            rule(Some(Neg::not(cidr)), ip, p, ms, jump(MARK_MASQ)),
        );
    }
    write_endpoint_rules(t, name, proto, &svc_c, &eps);

    for (ep, e) in &eps {
        let sep = sep_chain(name, proto, ep);
        let hairpin = Some(Neg::is(Ipv4Net::from(e.ip)));
        t.append(
            &sep,
            rule(hairpin, None, None, vec![comment(name)], jump(MARK_MASQ)),
        );
        let dnat = Target::Dnat(SocketAddrV4::new(e.ip, sp.target_port));
        t.append(
            &sep,
            rule(None, None, p, vec![comment(name), port(proto, None)], dnat),
        );
    }

    let Some(node_port) = sp.node_port else {
        return;
    };
    let ext = ext_chain(name, proto);
    let ms = vec![comment(name), port(proto, Some(node_port))];
    t.append(NODEPORTS, rule(None, None, p, ms, jump(&ext)));
    if svc.external_traffic_policy == TrafficPolicy::Cluster {
        let c = ext_comment("masquerade traffic for", name);
        t.append(&ext, plain(vec![c], jump(MARK_MASQ)));
        t.append(&ext, plain(vec![], jump(&svc_c)));
        return;
    }
    // externalTrafficPolicy: Local (proxier.go, `svcInfo.ExternalPolicyLocal()`): pods and the node itself still use every
    // endpoint; outside clients get only this node's, unmasqueraded.
    if let Some(cidr) = cfg.cluster_cidr {
        let c = ext_comment("pod traffic for", name);
        t.append(
            &ext,
            rule(Some(Neg::is(cidr)), None, None, vec![c], jump(&svc_c)),
        );
    }
    let c = ext_comment("masquerade LOCAL traffic for", name);
    t.append(&ext, plain(vec![c, SRC_LOCAL], jump(MARK_MASQ)));
    let c = ext_comment("route LOCAL traffic for", name);
    t.append(&ext, plain(vec![c, SRC_LOCAL], jump(&svc_c)));
}

/// The rules only node `cfg.node_name` has: for an eTP=Local NodePort with endpoints here,
/// KUBE-EXT's last rule and the KUBE-SVL chain of those endpoints.
pub fn local_rules(t: &mut NatTable, cfg: &ProxyConfig, services: &[Service]) {
    let local = services
        .iter()
        .filter(|s| s.external_traffic_policy == TrafficPolicy::Local);
    for svc in local {
        for sp in svc.ports.iter().filter(|p| p.node_port.is_some()) {
            let mut eps = sorted_endpoints(svc, sp);
            eps.retain(|(_, e)| e.node == cfg.node_name);
            if eps.is_empty() {
                continue;
            }
            let name = svc_port_name(&svc.namespace, &svc.name, sp.name.as_deref());
            let svl = svl_chain(&name, sp.protocol);
            t.append(&ext_chain(&name, sp.protocol), plain(vec![], jump(&svl)));
            write_endpoint_rules(t, &name, sp.protocol, &svl, &eps);
        }
    }
}

/// Endpoints sorted by string compare of "IP:port" (the byEndpoint sort), duplicates dropped.
fn sorted_endpoints<'a>(svc: &'a Service, sp: &ServicePort) -> Vec<(String, &'a Endpoint)> {
    let mut eps: Vec<(String, &Endpoint)> = svc
        .endpoints
        .iter()
        .map(|e| (format!("{}:{}", e.ip, sp.target_port), e))
        .collect();
    eps.sort_by(|a, b| a.0.cmp(&b.0));
    eps.dedup_by(|a, b| a.0 == b.0);
    eps
}

/// The `-j KUBE-SEP` rules of a SVC or SVL chain: probability 1/(n-i), the last one bare.
fn write_endpoint_rules(
    t: &mut NatTable,
    name: &str,
    proto: Proto,
    chain: &str,
    eps: &[(String, &Endpoint)],
) {
    let n = eps.len();
    for (i, (ep, _)) in eps.iter().enumerate() {
        let mut ms = vec![comment(format!("{name} -> {ep}"))];
        if i + 1 < n {
            ms.push(Match::Statistic {
                p: compute_probability(n - i),
            });
        }
        t.append(chain, plain(ms, jump(&sep_chain(name, proto, ep))));
    }
}

mod filter;
pub use filter::{filter_table, flannel_forward};
#[cfg(test)]
pub(crate) mod tests;
