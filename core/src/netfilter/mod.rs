//! Netfilter's nat table: chains of rules, the hooks that enter them, and a walk that
//! returns a verdict together with every rule it looked at, the way iptables TRACE
//! reports it (`nat:KUBE-SVC-…:rule:2`). Rules print in `iptables-save` form (`text.rs`).

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

/// One rule looked at during a walk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleStep {
    pub chain: String,
    /// 1-based, as TRACE and `iptables -L --line-numbers` count.
    pub rule_no: usize,
    /// The rule in `iptables-save` form.
    pub text: String,
    pub matched: bool,
    /// For a `statistic` match: the draw made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RuleStep {
    /// TRACE-style label: `nat:KUBE-SERVICES:rule:3`.
    pub fn trace_label(&self) -> String {
        format!("nat:{}:rule:{}", self.chain, self.rule_no)
    }
}

/// What the nat table decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NatVerdict {
    /// Nothing to translate (the chain's ACCEPT policy, or an explicit ACCEPT).
    Accept,
    Dnat(SocketAddrV4),
    Masquerade {
        random_fully: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NatWalk {
    pub hook: Hook,
    pub steps: Vec<RuleStep>,
    pub verdict: NatVerdict,
    /// The mark as it left the table.
    pub mark: u32,
    /// `nat:PREROUTING:policy:N` when the walk fell off the end of the built-in chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// How deep jumps may nest before the walk gives up (the kernel's limit is far higher; a
/// lesson never comes close, this only guards against a jump loop in a hand-written file).
const MAX_DEPTH: usize = 16;

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

    /// Walk the chain of `hook`. `draw` decides each `statistic` match: it receives the rule
    /// and its probability and returns whether the rule matched.
    pub fn walk(
        &self,
        hook: Hook,
        pkt: &mut NfPacket,
        draw: &mut dyn FnMut(&Rule, f64) -> bool,
    ) -> NatWalk {
        let mut steps = Vec::new();
        let outcome = self.walk_chain(hook.chain_name(), pkt, draw, &mut steps, 0);
        let (verdict, policy) = match outcome {
            ChainEnd::Verdict(v) => (v, None),
            ChainEnd::FellOff => {
                let n = self.rules(hook.chain_name()).len() + 1;
                (
                    NatVerdict::Accept,
                    Some(format!("nat:{}:policy:{n}", hook.chain_name())),
                )
            }
        };
        NatWalk {
            hook,
            steps,
            verdict,
            mark: pkt.mark,
            policy,
        }
    }

    fn walk_chain(
        &self,
        chain: &str,
        pkt: &mut NfPacket,
        draw: &mut dyn FnMut(&Rule, f64) -> bool,
        steps: &mut Vec<RuleStep>,
        depth: usize,
    ) -> ChainEnd {
        if depth > MAX_DEPTH {
            return ChainEnd::FellOff;
        }
        for (i, rule) in self.rules(chain).iter().enumerate() {
            let (matched, note) = rule_matches(rule, pkt, draw);
            steps.push(RuleStep {
                chain: chain.to_string(),
                rule_no: i + 1,
                text: rule_text(chain, rule),
                matched,
                note,
            });
            if !matched {
                continue;
            }
            match &rule.target {
                Target::Jump(next) => {
                    if let ChainEnd::Verdict(v) = self.walk_chain(next, pkt, draw, steps, depth + 1)
                    {
                        return ChainEnd::Verdict(v);
                    }
                }
                Target::Return => return ChainEnd::FellOff,
                Target::Accept => return ChainEnd::Verdict(NatVerdict::Accept),
                Target::Dnat(to) => return ChainEnd::Verdict(NatVerdict::Dnat(*to)),
                Target::Masquerade { random_fully } => {
                    return ChainEnd::Verdict(NatVerdict::Masquerade {
                        random_fully: *random_fully,
                    })
                }
                Target::MarkOr(v) => pkt.mark |= v,
                Target::MarkXor(v) => pkt.mark ^= v,
                Target::None => {}
            }
        }
        ChainEnd::FellOff
    }
}

enum ChainEnd {
    Verdict(NatVerdict),
    /// RETURN, or the end of the chain: go back to the caller.
    FellOff,
}

fn rule_matches(
    rule: &Rule,
    pkt: &NfPacket,
    draw: &mut dyn FnMut(&Rule, f64) -> bool,
) -> (bool, Option<String>) {
    let addr_ok = |m: &Option<Neg<Ipv4Net>>, a: Ipv4Addr| {
        m.as_ref().is_none_or(|n| n.value.contains(&a) != n.not)
    };
    let iface_ok = |m: &Option<Neg<String>>, i: &Option<String>| {
        m.as_ref().is_none_or(|n| {
            let hit = match (&i, n.value.strip_suffix('+')) {
                (Some(i), Some(prefix)) => i.starts_with(prefix),
                (Some(i), None) => *i == n.value,
                (None, _) => false,
            };
            hit != n.not
        })
    };
    if !addr_ok(&rule.src, pkt.src)
        || !addr_ok(&rule.dst, pkt.dst)
        || !iface_ok(&rule.in_iface, &pkt.in_iface)
        || !iface_ok(&rule.out_iface, &pkt.out_iface)
        || rule.proto.is_some_and(|p| p.number() != pkt.proto)
    {
        return (false, None);
    }
    let mut note = None;
    for m in &rule.matches {
        let ok = match m {
            Match::Comment(_) => true,
            Match::Port { proto, dport } => {
                proto.number() == pkt.proto && dport.is_none_or(|p| Some(p) == pkt.dport)
            }
            Match::Mark { not, value, mask } => ((pkt.mark & mask) == *value) != *not,
            Match::AddrTypeLocal { not, dst } => {
                (if *dst { pkt.dst_local } else { pkt.src_local }) != *not
            }
            Match::Statistic { p } => {
                let hit = draw(rule, *p);
                note = Some(format!(
                    "statistic draw with probability {}: {}",
                    saved_probability(*p),
                    if hit { "taken" } else { "not taken" }
                ));
                hit
            }
        };
        if !ok {
            return (false, note);
        }
    }
    (true, note)
}

mod text;
pub use text::{rule_text, saved_probability};

#[cfg(test)]
mod tests;
