//! How big a cluster this version runs, and the refusal of a bigger one before it is built.

use super::{ClusterSpec, SpecError};

// How big a cluster this version runs. A run still grows with nodes × nodes for flannel
// (every node holds a route, an ARP entry and an FDB row per other node) and with the
// cluster's size for the copies a run makes of it, but no longer with nodes × Services (the
// Service chains are shared between nodes), pods × endpoints (endpoints are looked up by
// name) or hops × cluster (a hop keeps only the namespaces it touched). Measured with
// scripts/scale.sh (the CLI: parse, build, trace, print; profile `scale`; 2 cores, loaded;
// docs/scale.md): 100 nodes, 3,000 pods, 300 Services 0.13 s and 41 MB (3.9 s and 2.1 GB
// before issue 13's changes); 1,000 / 30,000 / 2,000 about 3 s and 940 MB. The page runs
// the engine in a Web Worker about 2-3 times slower than natively, so the limits stop at
// the 100-node size, which answers there in well under a second.

/// At most this many nodes (see the measurements above).
pub const MAX_NODES: usize = 100;
/// At most this many pods in all.
pub const MAX_PODS: usize = 3_000;
/// At most this many Services.
pub const MAX_SERVICES: usize = 300;
/// At most this many Service endpoints in all (each is a KUBE-SEP chain, shared by the nodes).
pub const MAX_ENDPOINTS: usize = 1_000;
/// At most this many outside hosts.
pub const MAX_HOSTS: usize = 16;

pub(super) fn within_limits(spec: &ClusterSpec) -> Result<(), SpecError> {
    let pods: usize = spec.nodes.iter().map(|n| n.pods.len()).sum();
    let endpoints: usize = spec.services.iter().map(|s| s.endpoints.len()).sum();
    for (field, n, what, max) in [
        ("cluster.nodes", spec.nodes.len(), "nodes", MAX_NODES),
        ("cluster.nodes", pods, "pods", MAX_PODS),
        (
            "cluster.services",
            spec.services.len(),
            "Services",
            MAX_SERVICES,
        ),
        (
            "cluster.services",
            endpoints,
            "Service endpoints",
            MAX_ENDPOINTS,
        ),
        ("cluster.hosts", spec.hosts.len(), "hosts", MAX_HOSTS),
    ] {
        if n > max {
            return Err(SpecError::new(
                field,
                n,
                format!("{n} {what}; this version runs at most {max} (a run's cost grows with nodes × (Services + pods): a cluster this big would take seconds, not milliseconds)"),
            ));
        }
    }
    Ok(())
}
