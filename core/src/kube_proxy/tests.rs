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
    let eps = t
        .rules(chain)
        .iter()
        .filter_map(|r| endpoint_of_sep_rule(r));
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
        ct_state: crate::netfilter::CtState::New,
        ct_dnat: false,
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
    let dns = |port: &str, p| svc_chain(&svc_port_name("kube-system", "kube-dns", Some(port)), p);
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
    let count = |t: &NatTable| t.chains().map(|(_, r)| r.len()).sum::<usize>();
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
        .filter_map(|r| r.comment())
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
    assert!(!none.has_chain(&svl));
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
