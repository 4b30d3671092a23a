//! kube-proxy in iptables mode: Services + endpoints → the nat table it writes on one node
//! (reference §1). Rules are built so that [`netfilter::rule_text`] prints them exactly as
//! `iptables-save -t nat` does (§1.10).

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
    /// TCP or UDP.
    pub protocol: Proto,
    /// The ClusterIP port.
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
    /// The endpoint pod's IP.
    pub ip: Ipv4Addr,
    /// The name of the node hosting that pod.
    pub node: String,
}

/// A Service with its endpoints, as kube-proxy sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The Service's namespace.
    pub namespace: String,
    /// The Service's name.
    pub name: String,
    /// The ClusterIP.
    pub cluster_ip: Ipv4Addr,
    /// Its ports.
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

/// For a `KUBE-SVC`/`KUBE-SVL` rule jumping to a `KUBE-SEP` chain: the endpoint it leads to,
/// read from its `"S -> IP:port"` comment.
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
    t.chains.entry(NODEPORTS.to_string()).or_default();

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
    // Endpoints sorted by string compare of "IP:port" (the byEndpoint sort), duplicates dropped.
    let mut eps: Vec<(String, &Endpoint)> = svc
        .endpoints
        .iter()
        .map(|e| (format!("{}:{}", e.ip, sp.target_port), e))
        .collect();
    eps.sort_by(|a, b| a.0.cmp(&b.0));
    eps.dedup_by(|a, b| a.0 == b.0);
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
    // externalTrafficPolicy: Local (§1.6): pods and the node itself still use every
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
    eps.retain(|(_, e)| e.node == cfg.node_name);
    if !eps.is_empty() {
        let svl = svl_chain(name, proto);
        t.append(&ext, plain(vec![], jump(&svl)));
        write_endpoint_rules(t, name, proto, &svl, &eps);
    }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::netfilter::{Hook, NatVerdict, NatWalk, NfPacket};
    use TrafficPolicy::{Cluster, Local};

    const WEB: &str = "default/web:http";
    const WEB_SVC: &str = "KUBE-SVC-CDGGSHYLG3RE2FKL";
    const TCP: Proto = Proto::Tcp;

    fn ep(ip: &str, node: &str) -> Endpoint {
        Endpoint {
            ip: ip.parse().unwrap(),
            node: node.into(),
        }
    }

    /// The lab's `default/web:http` 10.96.0.100:80 → three pods on :8080, as a lesson file
    /// would describe it.
    pub(crate) fn web(node_port: Option<u16>, policy: TrafficPolicy) -> Service {
        let np = node_port
            .map(|p| format!(", node_port = {p}"))
            .unwrap_or_default();
        toml::from_str(&format!(
            r#"namespace = "default"
               name = "web"
               cluster_ip = "10.96.0.100"
               external_traffic_policy = "{policy:?}"
               ports = [{{ name = "http", protocol = "tcp", port = 80, target_port = 8080{np} }}]
               endpoints = [{{ ip = "10.244.1.2", node = "node2" }}, {{ ip = "10.244.0.3", node = "node1" }},
                            {{ ip = "10.244.0.2", node = "node1" }}]"#
        ))
        .unwrap()
    }

    /// node1 of the lab, with `--detect-local-mode ClusterCIDR` 10.244.0.0/16.
    pub(crate) fn lab_cfg() -> ProxyConfig {
        let cluster_cidr = Some("10.244.0.0/16".parse().unwrap());
        ProxyConfig {
            cluster_cidr,
            ..ProxyConfig::new("node1")
        }
    }

    fn table(svcs: &[Service]) -> NatTable {
        nat_table(&lab_cfg(), svcs)
    }

    fn endpoints(t: &NatTable, chain: &str) -> Vec<String> {
        let eps = t.rules(chain).iter().filter_map(endpoint_of_sep_rule);
        eps.map(|e| e.to_string()).collect()
    }

    /// A TCP packet arriving on eth0 and walked through nat PREROUTING, every draw taken.
    fn walk(t: &NatTable, src: &str, dst: &str, dport: u16, dst_local: bool) -> NatWalk {
        let mut p = NfPacket {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            proto: 6,
            dport: Some(dport),
            in_iface: Some("eth0".into()),
            out_iface: None,
            mark: 0,
            src_local: false,
            dst_local,
        };
        t.walk(Hook::Prerouting, &mut p, &mut |_, _| true)
    }

    #[test]
    fn chain_names_reproduce_the_reference_table() {
        let unnamed = svc_port_name("ns1", "svc1", None);
        let https = svc_port_name("default", "kubernetes", Some("https"));
        let cases = [
            (svc_chain("ns1/svc1:p80", TCP), "KUBE-SVC-XPGD46QRK7WJZT7O"),
            (
                sep_chain("ns1/svc1:p80", TCP, "10.180.0.1:80"),
                "KUBE-SEP-SXIVWICOYRO3J4NJ",
            ),
            (svc_chain(&unnamed, TCP), "KUBE-SVC-AQI2S6QIMU7PVVRP"),
            (svc_chain(&https, TCP), "KUBE-SVC-NPX46M4PTMTKRN6Y"),
            (svl_chain("ns1/svc1:p80", TCP), "KUBE-SVL-XPGD46QRK7WJZT7O"),
            (ext_chain("ns1/svc1:p80", TCP), "KUBE-EXT-XPGD46QRK7WJZT7O"),
            (port_proto_hash("ns1/svc1:p80", "tcp"), "XPGD46QRK7WJZT7O"),
            (
                sep_chain(WEB, TCP, "10.244.0.2:8080"),
                "KUBE-SEP-QA4PSDNF5R2OJOPA",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn kube_dns_udp_chain_name_matches_real_clusters() {
        let dns =
            |port: &str, p| svc_chain(&svc_port_name("kube-system", "kube-dns", Some(port)), p);
        assert_eq!(dns("dns", Proto::Udp), "KUBE-SVC-TCOU7JCQXEZGVUNU");
        assert_eq!(dns("dns-tcp", TCP), "KUBE-SVC-ERIFXISQEP7F7OF4");
        assert_eq!(dns("metrics", TCP), "KUBE-SVC-JD5MR3NA4I4DYORP");
    }

    #[test]
    fn an_unnamed_or_empty_port_name_is_left_out_of_the_svc_port_name() {
        assert_eq!(svc_port_name("ns1", "svc1", None), "ns1/svc1");
        assert_eq!(svc_port_name("ns1", "svc1", Some("")), "ns1/svc1");
        assert_eq!(svc_port_name("ns1", "svc1", Some("p80")), "ns1/svc1:p80");
    }

    #[test]
    fn probabilities_match_kube_proxys_compute_probability() {
        let got = [1, 2, 10, 100000, 100001, 0]
            .map(probability_text)
            .join(" ");
        let want = "1.0000000000 0.5000000000 0.1000000000 0.0000100000 0.0000099999 1.0000000000";
        assert_eq!(got, want);
        assert_eq!(compute_probability(3), 0.3333333333);
    }

    #[test]
    fn endpoints_are_ordered_by_string_so_ten_sorts_before_two() {
        let mut s = web(None, Cluster);
        s.ports[0].target_port = 80;
        s.endpoints = ["10.0.0.2", "10.0.0.10", "10.0.0.2"]
            .map(|ip| ep(ip, "n"))
            .to_vec();
        assert_eq!(
            endpoints(&table(&[s]), WEB_SVC),
            ["10.0.0.10:80", "10.0.0.2:80"]
        );
    }

    #[test]
    fn a_cluster_ip_service_adds_two_plus_three_n_rules_and_none_without_endpoints() {
        let count = |t: &NatTable| t.chains.values().map(Vec::len).sum::<usize>();
        let base = count(&table(&[]));
        for n in 1..=5usize {
            let mut s = web(None, Cluster);
            s.endpoints = (0..n)
                .map(|i| ep(&format!("10.244.0.{}", i + 2), "node1"))
                .collect();
            assert_eq!(count(&table(&[s])) - base, 2 + 3 * n);
        }
        let mut empty = web(Some(30080), Cluster);
        empty.endpoints.clear();
        assert_eq!(table(&[empty]), table(&[]));
    }

    #[test]
    fn services_are_ordered_by_svc_port_name_and_the_nodeports_rule_is_last() {
        let mut z = web(None, Cluster);
        z.name = "zeta".into();
        let t = table(&[z, web(None, Cluster)]);
        let c: Vec<_> = t
            .rules("KUBE-SERVICES")
            .iter()
            .filter_map(Rule::comment)
            .collect();
        assert_eq!(
            c[..2],
            [
                "default/web:http cluster IP",
                "default/zeta:http cluster IP"
            ]
        );
        assert!(c[2].starts_with("kubernetes service nodeports") && c.len() == 3);
    }

    #[test]
    fn a_local_policy_node_port_has_svl_with_only_local_endpoints() {
        let svc = [web(Some(30080), Local)];
        let (ext, svl) = (ext_chain(WEB, TCP), svl_chain(WEB, TCP));
        let t = table(&svc);
        assert_eq!(endpoints(&t, &svl), ["10.244.0.2:8080", "10.244.0.3:8080"]);
        assert_eq!(endpoints(&t, WEB_SVC).len(), 3);
        assert_eq!(t.rules(&ext).last().map(|r| &r.target), Some(&jump(&svl)));
        // node3 has no endpoint and no detector: no pod-CIDR rule, no SVL chain or jump.
        let none = nat_table(&ProxyConfig::new("node3"), &svc);
        assert!(!none.chains.contains_key(&svl));
        assert_eq!(none.rules(&ext).len(), 2);
    }

    #[test]
    fn a_pods_packet_to_the_cluster_ip_is_dnatted_to_the_first_endpoint_unmarked() {
        let w = walk(
            &table(&[web(Some(30080), Cluster)]),
            "10.244.0.3",
            "10.96.0.100",
            80,
            false,
        );
        assert_eq!(
            w.verdict,
            NatVerdict::Dnat("10.244.0.2:8080".parse().unwrap())
        );
        assert_eq!(w.mark, 0);
    }

    #[test]
    fn an_outside_clients_node_port_packet_is_marked_for_masquerade_and_dnatted() {
        let t = table(&[web(Some(30080), Cluster)]);
        let w = walk(&t, "192.168.1.11", "192.168.1.10", 30080, true);
        let mut path: Vec<&str> = w
            .steps
            .iter()
            .filter(|s| s.matched)
            .map(|s| s.chain.as_str())
            .collect();
        path.dedup();
        let ext = ext_chain(WEB, TCP);
        assert_eq!(
            path[..5],
            [
                "PREROUTING",
                "KUBE-SERVICES",
                "KUBE-NODEPORTS",
                &ext,
                "KUBE-MARK-MASQ"
            ]
        );
        assert_eq!(
            w.verdict,
            NatVerdict::Dnat("10.244.0.2:8080".parse().unwrap())
        );
        assert_eq!(w.mark, 0x4000);
    }

    #[test]
    fn endpoint_of_sep_rule_reads_only_sep_jumps_and_never_panics() {
        let t = table(&[web(None, Cluster)]);
        let rules = t.rules(WEB_SVC);
        assert_eq!(endpoint_of_sep_rule(&rules[0]), None);
        assert_eq!(
            endpoint_of_sep_rule(&rules[2]),
            "10.244.0.3:8080".parse().ok()
        );
        let bad = plain(vec![comment("x -> nonsense")], jump("KUBE-SEP-X"));
        assert_eq!(endpoint_of_sep_rule(&bad), None);
        assert_eq!(
            endpoint_of_sep_rule(&plain(vec![], jump("KUBE-SEP-X"))),
            None
        );
    }

    #[test]
    fn an_out_of_range_masquerade_bit_falls_back_to_0x4000() {
        let mut cfg = ProxyConfig::new("n");
        cfg.masquerade_bit = 200;
        assert_eq!(cfg.masquerade_mark(), 0x4000);
        cfg.masquerade_bit = 0;
        assert_eq!(cfg.masquerade_mark(), 1);
    }
}
