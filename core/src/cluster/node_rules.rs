//! The nat and filter tables each node gets: kube-proxy's rules for the cluster's Services,
//! plus kubenet's SNAT rule or flanneld's `--ip-masq` chain and FLANNEL-FWD.

use super::check::pod_index;
use super::spec::*;
use crate::kube_proxy::{self, Endpoint, ProxyConfig, Service, ServicePort};
use crate::netfilter::{Match, NatTable, Neg, Rule, Target};
use ipnet::Ipv4Net;

fn services(spec: &ClusterSpec) -> Vec<Service> {
    let pods = pod_index(spec);
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
                .filter(|_| s.endpoints_ready)
                .filter_map(|e| pods.get(e.as_str()))
                .map(|(n, p)| Endpoint {
                    ip: p.ip,
                    node: n.name.clone(),
                })
                .collect(),
            external_traffic_policy: s.external_traffic_policy,
        })
        .collect()
}

/// kube-proxy's view of the cluster and the rules it writes on every node alike, computed
/// once per cluster: the nodes share the rules (an `Arc`) and add only their own.
pub(super) struct ClusterNat {
    services: Vec<Service>,
    cfg: ProxyConfig,
    table: NatTable,
}

pub(super) fn cluster_nat(spec: &ClusterSpec) -> ClusterNat {
    let cfg = ProxyConfig {
        node_name: String::new(),
        cluster_cidr: spec
            .kube_proxy
            .detect_local_cluster_cidr
            .then_some(spec.pod_cidr),
        masquerade_bit: 14,
        random_fully: spec.kube_proxy.random_fully,
    };
    let services = services(spec);
    let table = kube_proxy::cluster_rules(&cfg, &services).shared();
    ClusterNat {
        services,
        cfg,
        table,
    }
}

pub(super) fn node_nat(spec: &ClusterSpec, node: &NodeSpec, shared: &ClusterNat) -> NatTable {
    let cfg = ProxyConfig {
        node_name: node.name.clone(),
        ..shared.cfg.clone()
    };
    let mut nat = shared.table.clone();
    kube_proxy::local_rules(&mut nat, &cfg, &shared.services);
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
        // flanneld --ip-masq (flannel pkg/trafficmngr/iptables/iptables.go, `masqRules`).
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
            let multicast =
                Ipv4Net::new(std::net::Ipv4Addr::new(224, 0, 0, 0), 4).unwrap_or_default();
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

/// The node's filter table: kube-proxy's, and flanneld's FLANNEL-FWD on a flannel network
/// (kubenet writes no filter rules).
pub(super) fn node_filter(spec: &ClusterSpec, node: &NodeSpec, shared: &ClusterNat) -> NatTable {
    let cfg = ProxyConfig {
        node_name: node.name.clone(),
        ..shared.cfg.clone()
    };
    let mut t = kube_proxy::filter_table(&cfg, &shared.services);
    if spec.network == Network::FlannelVxlan {
        kube_proxy::flannel_forward(&mut t, spec.pod_cidr);
    }
    t
}
