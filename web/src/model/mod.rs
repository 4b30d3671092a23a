//! The site's data: every lesson digested at build time (`web/build.rs` runs the engine on
//! each lesson file) into what the page shows, and embedded in the WASM (`codec`).
//!
//! Plain data with no behaviour beyond lookups: the same file is compiled into the build
//! script (through `#[path]`) and into the app, so writer and reader cannot drift. Each
//! type is declared once, inside `embedded!`, which also gives it its byte format
//! (`codec`); the vocabulary (events, tables, places) is packetwalk-vocab's own types.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | the site, its lessons, walks, hops, packets, tables |
//! | `topology.rs` | the cluster as drawn: what the layout places |
//! | `live.rs` | the engine worker's answer: the file as run, its switches, its error |

mod live;
mod topology;

pub use live::*;
pub use packetwalk_vocab::{Changed, EventKind, Listed, PlaceKind, Table};
pub use topology::*;

use crate::codec::{embedded, embedded_columns, listed};

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

impl LessonEntry {
    /// A lesson of the embedded list whose hops are in its own file, not fetched yet (every
    /// walk has at least one hop, so a body without any is one still to come).
    pub fn pending(&self) -> bool {
        self.body.as_ref().is_ok_and(|b| b.hops.is_empty())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonBody {
    pub topology: Topology,
    /// One walk: the lesson as written (embedded), or as changed (from the engine).
    pub walks: Vec<Walk>,
    /// Every distinct hop of every walk; walks list theirs by index.
    pub hops: Vec<Hop>,
    /// Every distinct packet (with its marks); hops point into it.
    pub packets: Vec<Packet>,
    /// Table outputs, each text once; hops point into it with [`TableRef`].
    pub texts: Vec<String>,
}

embedded! {
    /// One run of the scenario: its hops, as indices into [`LessonBody::hops`].
    #[derive(Clone, Debug, PartialEq)]
    pub struct Walk {
        pub what_if: Option<WhatIf>,
        pub hops: Vec<u32>,
        pub outcome: Outcome,
        /// Predict, then reveal: the questions asked before their hops (the engine's
        /// answers carry them; the embedded walks leave them to it).
        pub checkpoints: Vec<Checkpoint>,
        /// Find the break: how many challenges the lesson has (the home page lists them;
        /// counted for the embedded site only).
        pub challenges: u32,
    }
}

embedded! {
    /// A question asked before hop `hop` is shown, as HTML the engine renders: the question
    /// with its choices, and for each choice the reveal that answers it.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Checkpoint {
        pub hop: u32,
        /// Index of the right choice.
        pub right: u32,
        pub ask: String,
        pub reveals: Vec<String>,
    }
}

embedded! {
    /// A change to the lesson's cluster or scenario, and the run it gives.
    #[derive(Clone, Debug, PartialEq)]
    pub struct WhatIf {
        /// The settings, as the URL's `set=` holds them.
        pub slug: String,
        /// The setting as an admin would write it: `net.ipv4.ip_forward = 0`.
        pub setting: String,
        /// One sentence on what it changes.
        pub detail: String,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Outcome {
        pub completed: bool,
        pub text: String,
        /// The hop that ended a failed run.
        pub hop: Option<u32>,
    }
}

embedded_columns! {
    /// One hop of the trace, with everything the page shows for it.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Hop {
        pub at: At,
        pub event: EventKind,
        /// A flooded copy a host discards: a drop that does not end the walk.
        pub discard: bool,
        /// The engine's label: `route`, `iptables PREROUTING`, `deliver (curl)`.
        pub label: String,
        /// Which packet of the scenario: `SYN`, `SYN-ACK`, `A? web.default.svc.cluster.local.`.
        pub leg: String,
        /// Index into [`LessonBody::packets`].
        pub packet: Option<u32>,
        /// The decision card, as HTML the engine renders (`digest::card`); empty when the
        /// hop took no decision, and in the embedded walks (the engine brings it).
        pub decision: String,
        /// Rows this hop added or changed, as the tool prints them.
        pub changes: Vec<Change>,
        pub explain: String,
        /// The lesson's own words for this hop.
        pub narration: Option<String>,
        /// The namespace's tables as they stand after this hop.
        pub tables: Vec<TableRef>,
        /// The table this hop is about.
        pub tab: Table,
        /// For `send` and `deliver`: the container running the process.
        pub container: Option<String>,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct At {
        pub node: Option<String>,
        pub netns: String,
        /// As `ip link` names it: `eth0@if5`.
        pub device: Option<String>,
        /// `in`, `out` or empty.
        pub direction: String,
        pub place: PlaceKind,
    }
}

/// The CSS class of a hop's event: one colour per layer or mechanism; a flooded copy that
/// a host discards is not the end of the story, and is told apart from a drop.
pub fn event_class(kind: EventKind, discard: bool) -> &'static str {
    match kind {
        EventKind::Send | EventKind::Deliver | EventKind::Refused => "k-app",
        EventKind::RouteLookup => "k-route",
        EventKind::Transmit | EventKind::Receive | EventKind::BridgeForward => "k-l2",
        EventKind::ArpRequest | EventKind::ArpReply => "k-arp",
        EventKind::Netfilter | EventKind::Filter => "k-nf",
        EventKind::Dnat | EventKind::Snat | EventKind::ConntrackReply => "k-nat",
        EventKind::VxlanEncap | EventKind::VxlanDecap => "k-vxlan",
        EventKind::FabricRoute => "k-fabric",
        EventKind::DnsQuery | EventKind::DnsAnswer => "k-dns",
        EventKind::Drop if discard => "k-discard",
        EventKind::Drop => "k-drop",
    }
}

impl Hop {
    pub fn class(&self) -> &'static str {
        event_class(self.event, self.discard)
    }
}

embedded! {
    /// A packet as seen at one hop: the tcpdump line and its headers, outermost first.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Packet {
        pub tcpdump: String,
        /// A word for the drawing: `SYN`, `SYN-ACK`, `ARP`, `DNS`, `ICMP`.
        pub tag: String,
        pub layers: Vec<Layer>,
    }
}

embedded! {
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

embedded! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Field {
        pub name: String,
        pub value: String,
        pub mark: Mark,
        /// The value at the previous hop, when it changed.
        pub was: Option<String>,
    }
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

embedded! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Change {
        pub netns: String,
        pub table: Changed,
        pub line: String,
    }
}

embedded! {
    /// A table of the hop's namespace: which command prints it and its output.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct TableRef {
        pub table: Table,
        /// Index into [`LessonBody::texts`].
        pub text: u32,
    }
}

impl Site {
    pub fn lesson(&self, id: &str) -> Option<&LessonEntry> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

impl LessonBody {
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

impl Listed for LayerKind {
    fn all() -> &'static [Self] {
        use LayerKind::*;
        &[Ethernet, Arp, Ipv4, Tcp, Udp, Icmp, Dns, Vxlan]
    }
}

impl Listed for Mark {
    fn all() -> &'static [Self] {
        &[Mark::Same, Mark::Changed, Mark::Nat, Mark::Added]
    }
}

listed!(LayerKind, Mark);
