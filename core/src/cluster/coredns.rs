//! What CoreDNS's `kubernetes` plugin serves for the cluster: the namespaces and each
//! Service's name and ClusterIP (coredns/coredns plugin/kubernetes/README.md).

use super::spec::*;
use crate::dns::{CoreDns, DnsService};
use std::collections::BTreeSet;

pub(super) fn coredns(spec: &ClusterSpec) -> CoreDns {
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
