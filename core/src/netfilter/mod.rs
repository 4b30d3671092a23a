//! Netfilter's nat and filter tables: chains of rules, the hooks that enter them, and a walk
//! that returns a verdict together with every rule it looked at, the way iptables TRACE
//! reports it (`nat:KUBE-SVC-…:rule:2`). Rules print in `iptables-save` form (`text.rs`); the walk is `walk.rs`.
//! One type, [`NatTable`], holds the chains of either table (the filter table is a second
//! one in [`crate::netns::Netns::filter`]).

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// The five netfilter hooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Hook {
    Prerouting,
    Input,
    Forward,
    Output,
    Postrouting,
}

impl Hook {
    pub fn chain_name(&self) -> &'static str {
        match self {
            Hook::Prerouting => "PREROUTING",
            Hook::Input => "INPUT",
            Hook::Forward => "FORWARD",
            Hook::Output => "OUTPUT",
            Hook::Postrouting => "POSTROUTING",
        }
    }
    /// The nat table's built-in chains, in the order `iptables-save` prints them.
    pub const NAT: [Hook; 4] = [
        Hook::Prerouting,
        Hook::Input,
        Hook::Output,
        Hook::Postrouting,
    ];
    /// The filter table's built-in chains, in the order `iptables-save` prints them.
    pub const FILTER: [Hook; 3] = [Hook::Input, Hook::Forward, Hook::Output];
}

/// A built-in chain's policy: what happens to a packet that falls off its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Policy {
    #[default]
    Accept,
    Drop,
}

impl Policy {
    pub fn is_accept(&self) -> bool {
        *self == Policy::Accept
    }
    pub fn name(self) -> &'static str {
        match self {
            Policy::Accept => "ACCEPT",
            Policy::Drop => "DROP",
        }
    }
}

/// A conntrack state as `-m conntrack --ctstate` names it (iptables-extensions(8)), in the
/// order libxt_conntrack prints a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CtState {
    Invalid,
    New,
    Related,
    Established,
    /// A connection whose original destination was translated (a virtual state).
    Dnat,
}

impl CtState {
    pub fn name(self) -> &'static str {
        match self {
            CtState::Invalid => "INVALID",
            CtState::New => "NEW",
            CtState::Related => "RELATED",
            CtState::Established => "ESTABLISHED",
            CtState::Dnat => "DNAT",
        }
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.chain_name())
    }
}

/// A match that may be negated with `!`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neg<T> {
    pub not: bool,
    pub value: T,
}

impl<T> Neg<T> {
    pub fn is(value: T) -> Self {
        Neg { not: false, value }
    }
    pub fn not(value: T) -> Self {
        Neg { not: true, value }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn number(&self) -> u8 {
        match self {
            Proto::Tcp => 6,
            Proto::Udp => 17,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// An `-m` match, kept in the order it was written (iptables-save keeps that order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    Comment(String),
    /// `-m tcp --dport N` / `-m udp --dport N` (or with no port: `-m tcp`).
    Port {
        proto: Proto,
        dport: Option<u16>,
    },
    /// `-m statistic --mode random --probability P`; `p` is what kube-proxy wrote.
    Statistic {
        p: f64,
    },
    /// `-m mark [!] --mark V/M`.
    Mark {
        not: bool,
        value: u32,
        mask: u32,
    },
    /// `-m addrtype [!] --src-type LOCAL` or `--dst-type LOCAL`.
    AddrTypeLocal {
        not: bool,
        dst: bool,
    },
    /// `-m conntrack [!] --ctstate S1,S2`: the packet's state is one of them.
    Conntrack {
        not: bool,
        states: Vec<CtState>,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `-j CHAIN`.
    Jump(String),
    Return,
    Accept,
    /// `-j DROP`: the packet is freed (`SKB_DROP_REASON_NETFILTER_DROP`).
    Drop,
    /// `-j REJECT`: dropped, and an ICMP port unreachable goes back (iptables-extensions(8):
    /// `--reject-with icmp-port-unreachable` is the default, and iptables-save prints it).
    Reject,
    /// `-j DNAT --to-destination IP:PORT`.
    Dnat(SocketAddrV4),
    /// `-j MASQUERADE [--random-fully]`.
    Masquerade {
        random_fully: bool,
    },
    /// `-j MARK --or-mark V` (printed `--set-xmark V/V`).
    MarkOr(u32),
    /// `-j MARK --xor-mark V` (printed `--set-xmark V/0x0`).
    MarkXor(u32),
    /// A rule with no target: counts packets, changes nothing.
    #[default]
    None,
}

/// One rule of a chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Rule {
    pub src: Option<Neg<Ipv4Net>>,
    pub dst: Option<Neg<Ipv4Net>>,
    pub in_iface: Option<Neg<String>>,
    pub out_iface: Option<Neg<String>>,
    pub proto: Option<Proto>,
    pub matches: Vec<Match>,
    pub target: Target,
}

impl Rule {
    pub fn comment(&self) -> Option<&str> {
        self.matches.iter().find_map(|m| match m {
            Match::Comment(c) => Some(c.as_str()),
            _ => None,
        })
    }
}

/// What a packet looks like to the nat table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NfPacket {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: u8,
    pub dport: Option<u16>,
    pub in_iface: Option<String>,
    pub out_iface: Option<String>,
    /// The skb mark (`KUBE-MARK-MASQ` sets bit 0x4000).
    pub mark: u32,
    /// `addrtype --src-type LOCAL` / `--dst-type LOCAL`: is the address one of this namespace's.
    pub src_local: bool,
    pub dst_local: bool,
    /// What conntrack says of the packet: NEW, ESTABLISHED, … (`-m conntrack --ctstate`).
    pub ct_state: CtState,
    /// Whether its connection's destination was translated (`--ctstate DNAT`).
    pub ct_dnat: bool,
}

/// A nat table: built-in chains (by hook) and user chains.
///
/// kube-proxy writes the same Service chains on every node, so a cluster's nodes share them:
/// `shared` is one map behind an `Arc` (cloning a table, as a hop's snapshot does, copies a
/// pointer, not 10,000 Services' rules), and `own` holds this table's own chains. A chain in
/// `own` replaces the shared chain of its name: appending to a shared chain first copies it
/// (copy-on-write), so a node's `POSTROUTING` with flannel's rule is its own, and the
/// other nodes' are untouched (issue 13, point 1).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "SavedTable", into = "SavedTable")]
pub struct NatTable {
    shared: Arc<BTreeMap<String, Vec<Arc<Rule>>>>,
    own: BTreeMap<String, Vec<Arc<Rule>>>,
}

/// The table as one map of chains, the form it is saved in (and was, before it was shared).
#[derive(Serialize, Deserialize)]
struct SavedTable {
    chains: BTreeMap<String, Vec<Rule>>,
}

impl From<SavedTable> for NatTable {
    fn from(t: SavedTable) -> NatTable {
        NatTable {
            shared: Arc::default(),
            own: (t.chains.into_iter())
                .map(|(c, r)| (c, r.into_iter().map(Arc::new).collect()))
                .collect(),
        }
    }
}

impl From<NatTable> for SavedTable {
    fn from(t: NatTable) -> SavedTable {
        SavedTable {
            chains: t
                .chains()
                .map(|(c, r)| (c.to_string(), r.iter().map(|r| Rule::clone(r)).collect()))
                .collect(),
        }
    }
}

impl PartialEq for NatTable {
    fn eq(&self, other: &NatTable) -> bool {
        (Arc::ptr_eq(&self.shared, &other.shared) && self.own == other.own)
            || self.chains().eq(other.chains())
    }
}

impl NatTable {
    pub fn is_empty(&self) -> bool {
        self.own.values().all(Vec::is_empty)
            && (self.shared.iter()).all(|(c, r)| r.is_empty() || self.own.contains_key(c))
    }

    /// Every chain by name, in name order (built-in chains use their hook names).
    pub fn chains(&self) -> impl Iterator<Item = (&str, &[Arc<Rule>])> {
        let own = self.own.iter().map(|(c, r)| (c.as_str(), r.as_slice()));
        let shared = self
            .shared
            .iter()
            .filter(|(c, _)| !self.own.contains_key(*c))
            .map(|(c, r)| (c.as_str(), r.as_slice()));
        let mut all: Vec<(&str, &[Arc<Rule>])> = own.chain(shared).collect();
        all.sort_unstable_by_key(|(c, _)| *c);
        all.into_iter()
    }

    pub fn has_chain(&self, chain: &str) -> bool {
        self.own.contains_key(chain) || self.shared.contains_key(chain)
    }

    /// The chain, made this table's own to be written.
    fn own_chain(&mut self, chain: &str) -> &mut Vec<Arc<Rule>> {
        if !self.own.contains_key(chain) {
            let copy = self.shared.get(chain).cloned().unwrap_or_default();
            self.own.insert(chain.to_string(), copy);
        }
        self.own.entry(chain.to_string()).or_default()
    }

    pub fn append(&mut self, chain: &str, rule: Rule) {
        self.own_chain(chain).push(Arc::new(rule));
    }

    /// Declare a chain (empty until a rule is appended), as `iptables -N` does.
    pub fn new_chain(&mut self, chain: &str) {
        self.own_chain(chain);
    }

    /// Rules of a chain (empty when the chain does not exist). Each is behind an `Arc`: a
    /// walk's steps point at the rules they looked at instead of printing them.
    pub fn rules(&self, chain: &str) -> &[Arc<Rule>] {
        self.own
            .get(chain)
            .or_else(|| self.shared.get(chain))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The same chains, every one of them now shared: the clones of the result share them.
    pub fn shared(mut self) -> NatTable {
        let shared = Arc::make_mut(&mut self.shared);
        shared.append(&mut self.own);
        self
    }
}

mod walk;
pub use walk::{Draw, NatVerdict, NatWalk, RuleStep};
mod text;
pub use text::{rule_text, saved_probability};

#[cfg(test)]
mod tests;
