//! ClusterSpec → a built Cluster: what kubelet, the CNI plugin, kube-proxy, flannel and the
//! cloud's route controller would have set up, namespace by namespace.

mod azure;
mod build;
mod check;
mod coredns;
mod error;
mod limits;
mod names;
mod node_rules;
mod spec;

pub use build::{host_veth_name, FLANNEL_MTU, FLANNEL_VNI, VXLAN_PORT};
pub use check::{find_pod, parse_listen};
pub use error::SpecError;
pub use limits::{MAX_ENDPOINTS, MAX_HOSTS, MAX_NODES, MAX_PODS, MAX_SERVICES};
pub use spec::*;

use crate::dns::CoreDns;
use crate::fabric::Segment;
use crate::netns::Netns;
use serde::{Deserialize, Serialize};

/// A built cluster: every network namespace, the underlay, and CoreDNS's view of Services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub spec: ClusterSpec,
    pub netns: Vec<Netns>,
    pub segments: Vec<Segment>,
    pub coredns: CoreDns,
}

impl Cluster {
    pub fn build(spec: &ClusterSpec) -> Result<Cluster, SpecError> {
        build::build(spec)
    }
    /// Build a spec the checks would refuse, to test that the engine bounds what they prevent.
    #[cfg(test)]
    pub(crate) fn build_unchecked(spec: &ClusterSpec) -> Result<Cluster, SpecError> {
        build::assemble(spec)
    }
    pub fn ns(&self, name: &str) -> Option<&Netns> {
        self.netns.iter().find(|n| n.name == name)
    }
    pub fn ns_index(&self, name: &str) -> Option<usize> {
        self.netns.iter().position(|n| n.name == name)
    }
    pub fn segment(&self, name: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.name == name)
    }
    /// Every namespace name, nodes first, then pods, then outside hosts, as built.
    pub fn netns_names(&self) -> Vec<String> {
        self.netns.iter().map(|n| n.name.clone()).collect()
    }
}
