//! packetwalk-core: a no-IO, deterministic model of Kubernetes pod networking.
//!
//! A [`cluster::ClusterSpec`] (what a lesson file describes) is built into a
//! [`cluster::Cluster`]: the network namespaces, links, addresses, routes, neighbours,
//! iptables rules and DNS records that kubelet, the CNI plugin, kube-proxy and the cloud
//! route controller would have set up. The [`engine`] walks a scenario's packets through it
//! device by device and returns a [`trace::Trace`]: every hop, every decision as data, every
//! state change. [`show`] prints any namespace's tables as the real tools would.
//!
//! The module list is a map of the code:
//!
//! | module | holds |
//! |---|---|
//! | [`addr`] | MAC addresses; the subnet test `(dst & mask) == prefix` bit by bit |
//! | [`packet`] | typed headers: Ethernet, ARP, IPv4, ICMP/TCP/UDP, VXLAN, DNS |
//! | [`netns`] | one network namespace: interfaces, addresses, routes, neighbours, nat, filter, conntrack, sysctls |
//! | [`link`] | interfaces: loopback, veth pairs, the Linux bridge and its FDB, the VXLAN device |
//! | [`route`] | a route table whose lookup returns the matched row (longest prefix) |
//! | [`neigh`] | the ARP cache and its states |
//! | [`netfilter`] | the nat and filter tables, their hooks, and a walk that returns a verdict and the rules it passed |
//! | [`conntrack`] | tuples, entries, NAT reversal on the reply |
//! | [`kube_proxy`] | Services + endpoints → the nat and filter rules kube-proxy writes |
//! | [`dns`] | resolv.conf, glibc's search expansion, CoreDNS's answers |
//! | [`fabric`] | the underlay: an Ethernet segment, or the Azure VNet with its route table |
//! | [`cluster`] | ClusterSpec → a built Cluster, and the errors a bad spec gives |
//! | [`engine`] | runs a scenario over a Cluster and returns a Trace |
//! | [`trace`] | Hop, Location, Event, Decision, DropReason, and their text form |
//! | [`vocab`] | re-exported `packetwalk-vocab`: tables, event kinds, places, protocol constants |
//! | [`show`] | the Linux renderers: `ip addr`, `ip route`, `ip neigh`, `bridge fdb`, `iptables-save`, … |

pub mod addr;
pub mod cluster;
pub mod conntrack;
pub mod dns;
pub mod engine;
pub mod fabric;
pub mod kube_proxy;
pub mod link;
pub mod neigh;
pub mod netfilter;
pub mod netns;
pub mod packet;
pub mod route;
pub mod show;
pub mod trace;

/// The vocabulary the engine and the page share (tables, events, places, constants).
pub use packetwalk_vocab as vocab;
