//! Netfilter's nat table: chains of rules, the hooks that enter them, and a walk that
//! returns a verdict together with every rule it looked at, the way iptables TRACE
//! reports it (`nat:KUBE-SVC-…:rule:2`). Rules print in `iptables-save` form (`text.rs`); the walk is `walk.rs`.

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

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
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `-j CHAIN`.
    Jump(String),
    Return,
    Accept,
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
}

/// A nat table: built-in chains (by hook) and user chains.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NatTable {
    /// Every chain by name; built-in chains use their hook names.
    pub chains: BTreeMap<String, Vec<Rule>>,
}

impl NatTable {
    pub fn is_empty(&self) -> bool {
        self.chains.values().all(|r| r.is_empty())
    }

    pub fn append(&mut self, chain: &str, rule: Rule) {
        self.chains.entry(chain.to_string()).or_default().push(rule);
    }

    /// Rules of a chain (empty when the chain does not exist).
    pub fn rules(&self, chain: &str) -> &[Rule] {
        self.chains.get(chain).map(Vec::as_slice).unwrap_or(&[])
    }
}

mod walk;
pub use walk::{Draw, NatVerdict, NatWalk, RuleStep};
mod text;
pub use text::{rule_text, saved_probability};

#[cfg(test)]
mod tests;
