//! Numbers the engine, the renderers and the lab must agree on, named once (as etherparse
//! names its `IpNumber`s).

/// IP protocol numbers (IANA "Assigned Internet Protocol Numbers"; RFC 790 for the first).
pub mod proto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
}

/// The TTL Linux gives locally generated packets: `net.ipv4.ip_default_ttl`, 64
/// (include/net/ip.h `IPDEFTTL`; Documentation/networking/ip-sysctl.rst).
pub const DEFAULT_TTL: u8 = 64;

/// The UDP port flannel's VXLAN backend uses. flannel's `Port` defaults to "the kernel
/// default, currently 8472" (flannel's Documentation/backends.md, "vxlan"): the Linux
/// driver keeps 8472, the port it used before IANA assigned 4789 (drivers/net/vxlan/
/// vxlan_core.c, module parameter `udp_port`; RFC 7348 §5 for 4789).
pub const FLANNEL_VXLAN_PORT: u16 = 8472;

/// flannel's VXLAN Network Identifier: `VNI` defaults to 1 (flannel's
/// Documentation/backends.md, "vxlan").
pub const FLANNEL_VNI: u32 = 1;

/// VXLAN's overhead on the outer MTU: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
/// (RFC 7348 §5), which is why flannel.1 has MTU 1450 on a 1500-byte underlay.
pub const VXLAN_OVERHEAD: u16 = 50;

/// DNS over UDP and TCP (RFC 1035 §4.2).
pub const DNS_PORT: u16 = 53;

/// The resource group AKS creates for a cluster's nodes (`MC_<group>_<cluster>_<region>`),
/// named in the Azure CLI command that lists the route table.
pub const AKS_RESOURCE_GROUP: &str = "MC_myResourceGroup_myAKSCluster_eastus";
