//! The site's data: every lesson digested at build time (`web/build.rs` runs the engine on
//! each lesson file) into what the page shows, and embedded in the WASM (`codec`).
//!
//! Plain data with no behaviour beyond lookups: the same file is compiled into the build
//! script (through `#[path]`) and into the app, so writer and reader cannot drift.

/// Every lesson, in teaching order.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    pub lessons: Vec<LessonEntry>,
}

/// One lesson file: its card, and its walk or the error its file or run gave.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonEntry {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The articles (by title) the lesson follows.
    pub follows: Vec<String>,
    /// What the learner should know first (lesson prose).
    pub intro: String,
    pub body: Result<LessonBody, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonBody {
    pub topology: Topology,
    /// `walks[0]` is the lesson as written; the others are what-ifs.
    pub walks: Vec<Walk>,
    /// Every distinct hop of every walk; walks list theirs by index.
    pub hops: Vec<Hop>,
    /// Every distinct packet (with its marks); hops point into it.
    pub packets: Vec<Packet>,
    /// Table outputs, each text once; hops point into it with [`TableRef`].
    pub texts: Vec<String>,
}

/// One run of the scenario: its hops, as indices into [`LessonBody::hops`].
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    pub what_if: Option<WhatIf>,
    pub hops: Vec<u32>,
    pub outcome: Outcome,
}

/// A change to the lesson's cluster or scenario, and the run it gives.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    /// In the URL: `#/clusterip/12?what-if=ip-forward-off`.
    pub slug: String,
    /// The setting as an admin would write it: `net.ipv4.ip_forward = 0`.
    pub setting: String,
    /// One sentence on what it changes.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub completed: bool,
    pub text: String,
    /// The hop that ended a failed run.
    pub hop: Option<u32>,
}

/// One hop of the trace, with everything the page shows for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub at: At,
    pub event: EventKind,
    /// The engine's label: `route`, `iptables PREROUTING`, `deliver (curl)`.
    pub label: String,
    /// Which packet of the scenario: `SYN`, `SYN-ACK`, `A? web.default.svc.cluster.local.`.
    pub leg: String,
    /// Index into [`LessonBody::packets`].
    pub packet: Option<u32>,
    pub decision: Option<Decision>,
    /// Rows this hop added or changed, as the tool prints them.
    pub changes: Vec<Change>,
    pub explain: String,
    /// The lesson's own words for this hop.
    pub narration: Option<String>,
    /// The namespace's tables as they stand after this hop.
    pub tables: Vec<TableRef>,
    /// The table this hop is about (an index into [`COMMANDS`]).
    pub tab: u8,
    /// For `send` and `deliver`: the container running the process.
    pub container: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    pub node: Option<String>,
    pub netns: String,
    /// As `ip link` names it: `eth0@if5`.
    pub device: Option<String>,
    /// `in`, `out` or empty.
    pub direction: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Send,
    Route,
    Transmit,
    Receive,
    Bridge,
    ArpRequest,
    ArpReply,
    Netfilter,
    Dnat,
    Snat,
    Conntrack,
    VxlanEncap,
    VxlanDecap,
    Fabric,
    DnsQuery,
    DnsAnswer,
    Deliver,
    /// A flooded copy a host discards: not the end of the story.
    Discard,
    /// The packet is gone, and the scenario ends here.
    Drop,
}

impl EventKind {
    /// The CSS class of the kind: one colour per layer or mechanism.
    pub fn class(self) -> &'static str {
        match self {
            EventKind::Send | EventKind::Deliver => "k-app",
            EventKind::Route => "k-route",
            EventKind::Transmit | EventKind::Receive | EventKind::Bridge => "k-l2",
            EventKind::ArpRequest | EventKind::ArpReply => "k-arp",
            EventKind::Netfilter => "k-nf",
            EventKind::Dnat | EventKind::Snat | EventKind::Conntrack => "k-nat",
            EventKind::VxlanEncap | EventKind::VxlanDecap => "k-vxlan",
            EventKind::Fabric => "k-fabric",
            EventKind::DnsQuery | EventKind::DnsAnswer => "k-dns",
            EventKind::Discard => "k-discard",
            EventKind::Drop => "k-drop",
        }
    }
}

/// A packet as seen at one hop: the tcpdump line and its headers, outermost first.
#[derive(Clone, Debug, PartialEq)]
pub struct Packet {
    pub tcpdump: String,
    /// A word for the drawing: `SYN`, `SYN-ACK`, `ARP`, `DNS`, `ICMP`.
    pub tag: String,
    pub layers: Vec<Layer>,
}

/// One header, with its fields; a VXLAN header holds the whole inner frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub kind: LayerKind,
    /// `Ethernet II`, `IPv4`, `TCP`, `VXLAN`, …
    pub name: String,
    /// One line: `10.244.0.10 → 10.96.0.20`.
    pub summary: String,
    pub mark: Mark,
    pub fields: Vec<Field>,
    pub inner: Vec<Layer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    Ethernet,
    Arp,
    Ipv4,
    Tcp,
    Udp,
    Icmp,
    Dns,
    Vxlan,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub mark: Mark,
    /// The value at the previous hop, when it changed.
    pub was: Option<String>,
}

/// How a header or field compares with the same packet at its previous hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Same,
    /// Rewritten on the way (a MAC rewrite, the TTL).
    Changed,
    /// Rewritten by NAT (DNAT, SNAT, conntrack undoing either).
    Nat,
    /// Not there before (an Ethernet header after routing, VXLAN's outer headers).
    Added,
}

/// Why the packet went where it went.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Local {
        addr: String,
        dev: String,
    },
    /// A route lookup; `matched` is none when no row matched.
    Route {
        rows: Vec<RouteRow>,
        matched: Option<u32>,
        next_hop: String,
        dev: String,
    },
    Neighbour {
        ip: String,
        dev: String,
        entry: Option<String>,
    },
    Fdb {
        dst: String,
        entry: Option<String>,
        flood: Vec<String>,
    },
    Nat {
        hook: String,
        rules: Vec<RuleRow>,
        verdict: String,
        policy: Option<String>,
    },
    Conntrack {
        entry: String,
        direction: String,
    },
    Vxlan {
        vni: u32,
        fdb: String,
        remote: String,
        sport: u16,
    },
    Fabric {
        rows: Vec<String>,
        matched: u32,
        next_hop: String,
    },
    Dns {
        candidate: String,
        reason: String,
        answer: String,
    },
}

/// One `ip route` row and its subnet test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteRow {
    pub text: String,
    pub prefix_len: u8,
    pub matches: bool,
    /// `dst`, `& mask`, `= dst & mask`, `==`/`!= prefix`: dotted quad and binary.
    pub binary: Vec<String>,
}

/// One iptables rule a walk looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRow {
    pub chain: String,
    pub rule_no: u32,
    pub text: String,
    pub matched: bool,
    /// A `statistic` draw.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub netns: String,
    /// `neigh`, `fdb`, `conntrack`, `fabric-snat`.
    pub table: String,
    pub line: String,
}

/// A table of the hop's namespace: which command prints it and its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableRef {
    /// Index into [`COMMANDS`].
    pub command: u8,
    /// Index into [`LessonBody::texts`].
    pub text: u32,
}

/// The commands whose output the Tables pane shows, in the order of its tabs.
pub const COMMANDS: [&str; 11] = [
    "ip addr",
    "ip link",
    "ip route",
    "route -n",
    "ip neigh",
    "bridge fdb show",
    "brctl show",
    "iptables-save -t nat",
    "conntrack -L",
    "cat /etc/resolv.conf",
    "az network route-table route list -o table",
];

/// The resource group AKS creates for a cluster's nodes (`MC_<group>_<cluster>_<region>`),
/// named in the Azure CLI command that lists the route table.
pub const RESOURCE_GROUP: &str = "MC_myResourceGroup_myAKSCluster_eastus";

/// The cluster as drawn: what the layout places.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// `kubenet` or `flannel-vxlan`.
    pub network: String,
    pub pod_cidr: String,
    pub service_cidr: String,
    pub nodes: Vec<NodeView>,
    pub underlay: Underlay,
    pub hosts: Vec<HostView>,
    /// Services: `backend-svc 10.96.0.20:80`.
    pub services: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub pod_cidr: String,
    pub eth0: Device,
    pub bridge: Option<Device>,
    /// flannel's VTEP.
    pub vxlan: Option<Device>,
    pub pods: Vec<PodView>,
}

/// An interface: its `ip link` name and its first address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub addr: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    pub ip: String,
    /// The app containers; the pause container is always there besides them.
    pub containers: Vec<String>,
    /// The pod's end of the veth pair (`eth0@if5`).
    pub eth0: Device,
    /// The node's end (`veth2900dfab@if2`).
    pub host_veth: Device,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Underlay {
    pub azure: bool,
    /// The fabric's namespace in the trace (`azure:vnet`), for Azure.
    pub fabric: Option<String>,
    pub cidr: String,
    pub gateway: Option<String>,
    pub route_table: Option<String>,
    /// UDR rows: `10.244.1.0/24 → 10.240.0.5`.
    pub routes: Vec<String>,
    pub outbound_ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HostView {
    pub name: String,
    pub ip: String,
    pub internet: bool,
    pub process: Option<String>,
    pub eth0: Device,
}

impl Site {
    pub fn lesson(&self, id: &str) -> Option<&LessonEntry> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

impl LessonBody {
    /// The what-if with this slug (none: the lesson as written).
    pub fn walk_index(&self, slug: Option<&str>) -> Option<usize> {
        match slug {
            None => Some(0),
            Some(s) => self
                .walks
                .iter()
                .position(|w| w.what_if.as_ref().is_some_and(|x| x.slug == s)),
        }
    }

    /// Every hop of walk `index`, in order.
    pub fn walk_hops(&self, index: usize) -> Vec<&Hop> {
        let Some(walk) = self.walks.get(index) else {
            return Vec::new();
        };
        walk.hops
            .iter()
            .filter_map(|i| self.hops.get(*i as usize))
            .collect()
    }

    pub fn packet(&self, hop: &Hop) -> Option<&Packet> {
        hop.packet.and_then(|i| self.packets.get(i as usize))
    }

    pub fn text(&self, index: u32) -> &str {
        self.texts
            .get(index as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}
