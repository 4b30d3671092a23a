//! How big a cluster this version runs, and the refusal of a bigger one before it is built.

use super::{ClusterSpec, SpecError};

// How big a cluster this version runs. The cost of a run grows with nodes × (Services +
// pods): every node carries every Service's iptables rules and a route, ARP and FDB entry
// per other node, every broadcast on the LAN reaches every node, and every hop that changes
// state keeps a snapshot of every namespace. Measured with tests/size_limits.rs (build +
// run of a flannel cluster, a TCP connection to a Service; 2 cores): 40 nodes × 6 pods, 40
// Services, 16 hosts take 137 ms in a debug build and 53 ms in release; 50 nodes × 5 pods,
// 50 Services, 20 hosts 271 ms / 119 ms; 200 nodes 434 ms / 181 ms even with one Service,
// and the issue measured 1,000 nodes at 170 s and 2.7 GB. The limits keep the worst
// combination near 150 ms debug / 50 ms release, under the 300 ms / 100 ms aimed at.

/// At most this many nodes (see the measurements above).
pub const MAX_NODES: usize = 40;
/// At most this many pods in all.
pub const MAX_PODS: usize = 256;
/// At most this many Services.
pub const MAX_SERVICES: usize = 40;
/// At most this many Service endpoints in all (each is a KUBE-SEP chain on every node).
pub const MAX_ENDPOINTS: usize = 256;
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
