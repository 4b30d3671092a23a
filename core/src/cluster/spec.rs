//! What a lesson file describes: the cluster as a user would write it down. Every field is
//! checked when the spec is built; unknown fields are an error (`deny_unknown_fields`).

use crate::kube_proxy::TrafficPolicy;
use crate::netfilter::{Policy, Proto};
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// `kubenet` (bridge `cbr0`, routes in the cloud's route table) or `flannel-vxlan`
    /// (bridge `cni0`, the `flannel.1` overlay).
    pub network: Network,
    /// The cluster's pod CIDR (`--cluster-cidr`); each node gets a /24 of it.
    pub pod_cidr: Ipv4Net,
    pub service_cidr: Ipv4Net,
    #[serde(default = "default_domain")]
    pub cluster_domain: String,
    /// The kube-dns Service IP written into pods' resolv.conf.
    #[serde(default)]
    pub dns_ip: Option<Ipv4Addr>,
    pub underlay: UnderlaySpec,
    #[serde(default)]
    pub sysctls: SysctlSpec,
    #[serde(default)]
    pub kube_proxy: KubeProxySpec,
    pub nodes: Vec<NodeSpec>,
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    /// Machines outside the cluster: a client, a server on the internet.
    #[serde(default)]
    pub hosts: Vec<HostSpec>,
    /// Names CoreDNS forwards upstream and the address the upstream answers.
    #[serde(default)]
    pub upstream_dns: BTreeMap<String, Ipv4Addr>,
    /// The nameservers of the nodes' own /etc/resolv.conf (the file kubelet's
    /// `--resolv-conf` names), which a `dnsPolicy: Default` pod such as CoreDNS gets.
    /// Unset: Azure's DNS 168.63.129.16 on an Azure VNet (learn.microsoft.com, "What is IP
    /// address 168.63.129.16?"), the underlay's gateway on an Ethernet LAN.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_dns: Vec<Ipv4Addr>,
}

impl ClusterSpec {
    /// The nodes' nameservers: `node_dns`, or the underlay's default (above).
    pub fn node_nameservers(&self) -> Vec<Ipv4Addr> {
        if !self.node_dns.is_empty() {
            return self.node_dns.clone();
        }
        match self.underlay.kind {
            UnderlayKind::AzureVnet => vec![Ipv4Addr::new(168, 63, 129, 16)],
            _ => self.underlay.gateway.into_iter().collect(),
        }
    }
}

fn default_domain() -> String {
    "cluster.local".into()
}
fn yes() -> bool {
    true
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    Kubenet,
    FlannelVxlan,
}

impl Network {
    /// Hairpin mode on the bridge ports when the lesson does not set it (see
    /// `SysctlSpec::hairpin`): kubenet off, flannel on.
    pub fn default_hairpin(&self) -> bool {
        *self == Network::FlannelVxlan
    }
    /// kubenet's cbr0 is promiscuous (kubelet's promiscuous-bridge hairpin mode); flannel's
    /// cni0 is not.
    pub fn bridge_promisc(&self, hairpin: bool) -> bool {
        *self == Network::Kubenet && !hairpin
    }
    pub fn bridge_name(&self) -> &'static str {
        match self {
            Network::Kubenet => "cbr0",
            Network::FlannelVxlan => "cni0",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnderlaySpec {
    pub kind: UnderlayKind,
    /// The nodes' subnet (an Azure VNet subnet, or a plain L2 LAN).
    pub cidr: Ipv4Net,
    /// The subnet's gateway (Azure: the first address, answered by the fabric).
    #[serde(default)]
    pub gateway: Option<Ipv4Addr>,
    /// Azure: the route table's name as AKS creates it.
    #[serde(default)]
    pub route_table: Option<String>,
    /// Azure: the public IP outbound traffic is translated to.
    #[serde(default)]
    pub outbound_ip: Option<Ipv4Addr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnderlayKind {
    Ethernet,
    AzureVnet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SysctlSpec {
    /// `net.ipv4.ip_forward` on the nodes.
    #[serde(default = "yes")]
    pub ip_forward: bool,
    /// `net.bridge.bridge-nf-call-iptables` on the nodes.
    #[serde(default = "yes")]
    pub bridge_nf_call_iptables: bool,
    /// Hairpin mode on the pods' host-side veths. Unset: as the network sets it up.
    /// kubenet: off, with the bridge promiscuous instead: kubelet's default hairpin mode is
    /// `promiscuous-bridge` (kubernetes/kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go),
    /// and kubenet writes `"hairpinMode": false` unless it is `hairpin-veth`, then sets cbr0
    /// promiscuous (pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go, v1.23:
    /// `setHairpin := plugin.hairpinMode == kubeletconfig.HairpinVeth`, `netlink.SetPromiscOn`).
    /// flannel: on (its CNI config delegates `"hairpinMode": true` to the bridge plugin,
    /// flannel-io/flannel Documentation/kube-flannel.yml, `cni-conf.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hairpin: Option<bool>,
}

impl SysctlSpec {
    /// The values on `node`: its own override where it has one, else the cluster's.
    pub fn on(&self, node: &NodeSpec) -> SysctlSpec {
        SysctlSpec {
            ip_forward: node.sysctls.ip_forward.unwrap_or(self.ip_forward),
            bridge_nf_call_iptables: node
                .sysctls
                .bridge_nf_call_iptables
                .unwrap_or(self.bridge_nf_call_iptables),
            hairpin: self.hairpin,
        }
    }
}

/// One node's own sysctls, where they differ from the cluster's `[cluster.sysctls]`
/// (`sysctl -w` on that node alone); an absent field keeps the cluster's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSysctls {
    /// `net.ipv4.ip_forward` on this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_forward: Option<bool>,
    /// `net.bridge.bridge-nf-call-iptables` on this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge_nf_call_iptables: Option<bool>,
}

impl NodeSysctls {
    pub fn is_empty(&self) -> bool {
        *self == NodeSysctls::default()
    }
}

impl Default for SysctlSpec {
    fn default() -> Self {
        SysctlSpec {
            ip_forward: true,
            bridge_nf_call_iptables: true,
            hairpin: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KubeProxySpec {
    #[serde(default = "yes")]
    pub random_fully: bool,
    /// `--detect-local-mode ClusterCIDR` (the `! -s <pod CIDR>` masquerade rule).
    #[serde(default = "yes")]
    pub detect_local_cluster_cidr: bool,
}

impl Default for KubeProxySpec {
    fn default() -> Self {
        KubeProxySpec {
            random_fully: true,
            detect_local_cluster_cidr: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub name: String,
    pub ip: Ipv4Addr,
    /// This node's slice of the pod CIDR (`node.spec.podCIDR`).
    pub pod_cidr: Ipv4Net,
    #[serde(default)]
    pub pods: Vec<PodSpec>,
    /// Extra static routes on the node (`ip route add <dst> via <via>`), for what-ifs.
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
    /// This node's own sysctls, overriding the cluster's (`[cluster.nodes.sysctls]`).
    #[serde(default, skip_serializing_if = "NodeSysctls::is_empty")]
    pub sysctls: NodeSysctls,
    /// The filter table's FORWARD policy on this node (`iptables -P FORWARD DROP`, as
    /// Docker and many hardened images leave it): `"ACCEPT"` (the default) or `"DROP"`.
    #[serde(default, skip_serializing_if = "Policy::is_accept")]
    pub forward_policy: Policy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    pub dst: Ipv4Net,
    /// The gateway; it must sit in the node's underlay subnet.
    pub via: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodSpec {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    pub ip: Ipv4Addr,
    pub containers: Vec<ContainerSpec>,
    /// The pod's `dnsConfig`, merged by kubelet into the resolv.conf it writes for
    /// `dnsPolicy: ClusterFirst`. It lives on the pod because Kubernetes puts it there
    /// (`spec.dnsConfig`); a lesson with no such field gets kubelet's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<PodDnsConfig>,
}

/// A pod's `dnsConfig`. Only the option the model reads is here: Kubernetes spells it
/// `dnsConfig: {options: [{name: ndots, value: "2"}]}`, a lesson `dns_config = { ndots = 2 }`.
/// kubelet puts a pod's option in place of its own default of the same name, so the file
/// says `options ndots:2`; glibc caps the value at 15 (`RES_MAXNDOTS`) when it reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodDnsConfig {
    /// `options[name=ndots]`: how many dots make glibc try a name as-is before the search list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndots: Option<u8>,
}

fn default_ns() -> String {
    "default".into()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    pub name: String,
    #[serde(default)]
    pub image: Option<String>,
    /// Ports the container listens on, as `tcp/80` or `udp/53`.
    #[serde(default)]
    pub listen: Vec<String>,
    /// This container is CoreDNS: it answers DNS on its udp listener.
    #[serde(default)]
    pub dns_server: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    pub cluster_ip: Ipv4Addr,
    pub ports: Vec<PortSpec>,
    /// The pods (by name) behind the Service: its EndpointSlice's endpoints.
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// Their EndpointSlice condition `ready` (the pods' readiness probes pass): kube-proxy
    /// uses only ready endpoints, so with `false` the Service has none to it and kube-proxy
    /// writes the REJECT (pkg/proxy/iptables/proxier.go, "has no endpoints").
    #[serde(default = "ready", skip_serializing_if = "is_ready")]
    pub endpoints_ready: bool,
    #[serde(default)]
    pub external_traffic_policy: TrafficPolicy,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_proto")]
    pub protocol: Proto,
    pub port: u16,
    pub target_port: u16,
    #[serde(default)]
    pub node_port: Option<u16>,
}

fn ready() -> bool {
    true
}

fn is_ready(r: &bool) -> bool {
    *r
}

fn default_proto() -> Proto {
    Proto::Tcp
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    pub name: String,
    pub ip: Ipv4Addr,
    /// Where it sits: on the nodes' LAN, or out on the internet behind the cloud's edge.
    pub location: HostLocation,
    #[serde(default)]
    pub listen: Vec<String>,
    #[serde(default)]
    pub process: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostLocation {
    Lan,
    Internet,
}

/// The bridge's address: the first address of the node's pod CIDR.
pub fn gateway_of(pod_cidr: Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(pod_cidr.network()) + 1)
}
