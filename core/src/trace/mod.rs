//! The trace: a list of hops. A hop says where (node, namespace, device, direction), what
//! happened, why (the decision as data), the packet as seen there, and the state it changed.
//! A drop is a hop with a reason. `text.rs` holds the text form: the snapshot format and the
//! CLI's.

use crate::addr::{Mac, SubnetCheck};
use crate::conntrack::CtEntry;
use crate::dns::{DnsReason, DnsReply};
use crate::fabric::AzureRoute;
use crate::link::{FdbEntry, VxlanFdb};
use crate::neigh::Neigh;
use crate::netfilter::NatWalk;
use crate::packet::Frame;
use crate::route::Route;
use crate::vocab::{Changed, EventKind, PlaceKind};
use serde::Serialize;
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    pub hops: Vec<Hop>,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    /// Every exchange of the scenario completed.
    Completed { summary: String },
    /// The scenario stopped: the hop that ended it and why.
    Failed { hop: usize, reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The node the namespace is on; none outside the cluster or on the fabric.
    pub node: Option<String>,
    pub netns: String,
    pub device: Option<String>,
    pub direction: Option<Direction>,
    /// A namespace, or the cloud fabric (whose `netns` is [`fabric_name`] of its segment).
    #[serde(default, skip_serializing_if = "PlaceKind::is_netns")]
    pub place: PlaceKind,
}

/// The name a cloud fabric's hops carry in `Location::netns`: `azure:vnet`.
pub fn fabric_name(segment: &str) -> String {
    format!("azure:{segment}")
}

impl Location {
    /// A place in the cloud fabric of `segment`: no node, no device.
    pub fn fabric(segment: &str) -> Location {
        Location {
            node: None,
            netns: fabric_name(segment),
            device: None,
            direction: None,
            place: PlaceKind::Fabric,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hop {
    pub at: Location,
    pub event: Event,
    /// Which packet of the scenario this hop belongs to, e.g. `SYN`, `SYN-ACK`, `A? web…`.
    pub leg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packet: Option<Frame>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub changes: Vec<StateChange>,
    /// The engine's plain-language explanation, generated from the decision.
    pub explain: String,
    /// For a process's hop (send, deliver, a DNS query or answer) in a pod: the container
    /// that runs the process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Event {
    /// A process hands data to the kernel.
    Send {
        process: String,
    },
    RouteLookup,
    Transmit,
    Receive,
    /// The bridge decided where a frame goes.
    BridgeForward,
    ArpRequest,
    ArpReply,
    /// An iptables hook (nat table) was walked.
    Netfilter {
        hook: String,
    },
    /// The filter table was walked at a hook (INPUT, FORWARD, OUTPUT).
    Filter {
        hook: String,
    },
    Dnat,
    Snat,
    /// Conntrack matched a packet to an entry and reversed its NAT.
    ConntrackReply,
    VxlanEncap,
    VxlanDecap,
    /// The cloud fabric routed a packet (Azure VNet).
    FabricRoute,
    DnsQuery,
    DnsAnswer,
    /// Handed to a process.
    Deliver {
        process: String,
    },
    /// The process's connection is refused: an ICMP port unreachable reached its socket
    /// (RFC 1122 §4.2.3.9: a hard error, the connection is aborted; `tcp_v4_err`,
    /// net/ipv4/tcp_ipv4.c, fails a connect in SYN-SENT with ECONNREFUSED).
    Refused {
        process: String,
    },
    Drop {
        reason: DropReason,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum DropReason {
    NoRoute {
        dst: Ipv4Addr,
    },
    IpForwardDisabled,
    /// The filter table's DROP or REJECT, or a DROP policy (`SKB_DROP_REASON_NETFILTER_DROP`,
    /// include/net/dropreason-core.h).
    NetfilterDrop,
    TtlExceeded,
    NoArpAnswer {
        ip: Ipv4Addr,
    },
    /// A frame (a flooded copy) that is not addressed to this host.
    NotForThisHost,
    /// The bridge would send the frame back out its ingress port and hairpin is off.
    HairpinOff {
        port: String,
    },
    NoListener {
        port: u16,
    },
    /// A reply no socket expects.
    NoSocket,
    NoVxlanFdb,
    FabricNoRoute {
        dst: Ipv4Addr,
    },
    /// The name does not resolve: NXDOMAIN for every candidate.
    NxDomain {
        name: String,
    },
    HopBudget,
    /// Transmits nested deeper than the kernel allows on one CPU (`dev_xmit_recursion()`,
    /// `XMIT_RECURSION_LIMIT` = 8 in include/linux/netdevice.h, checked in net/core/dev.c):
    /// a virtual device whose output routes back into itself, as VXLAN inside VXLAN.
    RecursionLimit {
        dev: String,
    },
}

/// Why a packet went where it went.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Decision {
    /// The destination is one of this namespace's addresses (the local table).
    Local {
        addr: Ipv4Addr,
        dev: String,
    },
    /// A route lookup: every row in `ip route` order, the one matched, each row's subnet test.
    Route {
        /// Every row of the table, in `ip route` order.
        table: Vec<Route>,
        matched: usize,
        checks: Vec<SubnetCheck>,
        next_hop: Ipv4Addr,
        dev: String,
    },
    NoRoute {
        table: Vec<Route>,
        checks: Vec<SubnetCheck>,
    },
    /// The neighbour table gave (or did not give) the next hop's MAC.
    Neighbour {
        ip: Ipv4Addr,
        dev: String,
        /// The row as it stood when it was used (`ip neigh` prints it).
        entry: Option<Neigh>,
    },
    /// The bridge's FDB: the row used, or a flood to these ports.
    Fdb {
        bridge: String,
        dst: Mac,
        entry: Option<FdbEntry>,
        ports: Vec<String>,
    },
    Nat(NatWalk),
    Conntrack {
        /// The entry after this packet (`conntrack -L` prints it).
        entry: CtEntry,
        direction: crate::conntrack::Direction,
    },
    /// flannel's VXLAN device encapsulated the frame: its FDB row gives the remote VTEP.
    Vxlan {
        vni: u32,
        dev: String,
        fdb: VxlanFdb,
        /// The outer UDP source port (a hash of the inner flow).
        sport: u16,
    },
    Fabric {
        /// The subnet's effective routes, as `az network nic show-effective-route-table` lists them.
        table: Vec<AzureRoute>,
        matched: usize,
        /// The destination looked up; the matched row says where it goes
        /// ([`AzureRoute::next_hop_text`]).
        dst: Ipv4Addr,
    },
    Dns {
        candidate: String,
        /// Why glibc tries this candidate, or how CoreDNS reads it.
        reason: DnsReason,
        /// CoreDNS's reply; none on the query's own hop.
        answer: Option<DnsReply>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateChange {
    pub netns: String,
    pub table: Changed,
    /// The row as the tool prints it after the change.
    pub line: String,
}

impl Decision {
    /// For the fabric's decision: where the matched row sends the packet, in words.
    pub fn fabric_next_hop(&self) -> Option<String> {
        match self {
            Decision::Fabric {
                table,
                matched,
                dst,
            } => table.get(*matched).map(|r| r.next_hop_text(*dst)),
            _ => None,
        }
    }

    /// Does this bridge decision hand a frame (`src` → `dst`) up to the bridge's own IP
    /// stack, so a capture on the bridge device sees it coming in? Yes when it is delivered
    /// locally (for the bridge's MAC, a port's own MAC, or up after br_netfilter's
    /// PREROUTING), for a broadcast from a port (one copy goes up too, with or without
    /// ports to flood it to), and, on a promiscuous bridge, for every frame it forwards
    /// from a port (`local_rcv` in br_handle_frame_finish, net/bridge/br_input.c).
    pub fn hands_up_to_bridge(&self, src: Mac, dst: Mac, bridge_mac: Mac, promisc: bool) -> bool {
        match self {
            Decision::Fdb { entry: None, .. } if dst.is_broadcast() => src != bridge_mac,
            Decision::Fdb { ports, entry, .. } if ports.is_empty() => {
                dst == bridge_mac || entry.as_ref().is_some_and(|e| e.local)
            }
            Decision::Fdb { .. } => promisc && src != bridge_mac,
            _ => false,
        }
    }
}

impl Event {
    /// The kind of event: its tag in the JSON trace and in narration.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Send { .. } => EventKind::Send,
            Event::RouteLookup => EventKind::RouteLookup,
            Event::Transmit => EventKind::Transmit,
            Event::Receive => EventKind::Receive,
            Event::BridgeForward => EventKind::BridgeForward,
            Event::ArpRequest => EventKind::ArpRequest,
            Event::ArpReply => EventKind::ArpReply,
            Event::Netfilter { .. } => EventKind::Netfilter,
            Event::Filter { .. } => EventKind::Filter,
            Event::Dnat => EventKind::Dnat,
            Event::Snat => EventKind::Snat,
            Event::ConntrackReply => EventKind::ConntrackReply,
            Event::VxlanEncap => EventKind::VxlanEncap,
            Event::VxlanDecap => EventKind::VxlanDecap,
            Event::FabricRoute => EventKind::FabricRoute,
            Event::DnsQuery => EventKind::DnsQuery,
            Event::DnsAnswer => EventKind::DnsAnswer,
            Event::Deliver { .. } => EventKind::Deliver,
            Event::Refused { .. } => EventKind::Refused,
            Event::Drop { .. } => EventKind::Drop,
        }
    }

    /// A flooded copy that a host discards: a drop that does not end the walk.
    pub fn is_discard(&self) -> bool {
        matches!(
            self,
            Event::Drop {
                reason: DropReason::NotForThisHost
            }
        )
    }
}

mod text;
