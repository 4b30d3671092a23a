//! The walk through a nat or filter table: every rule looked at, the statistic draws, the
//! verdict, and the policy when the walk fell off the built-in chain.

use super::*;

/// One rule looked at during a walk: a reference to the rule itself (shared with the
/// table), printed only when someone reads it ([`RuleStep::text`]), so a walk past 10,000
/// Services' rules formats none of them until a renderer asks.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleStep {
    pub chain: String,
    /// 1-based, as TRACE and `iptables -L --line-numbers` count.
    pub rule_no: usize,
    pub rule: Arc<Rule>,
    pub matched: bool,
    /// For a `statistic` match: the draw made.
    pub draw: Option<Draw>,
}

/// In the JSON a step holds its rule as `iptables-save` prints it (`text`), not its fields:
/// traces are written for people and `jq`, never read back.
impl Serialize for RuleStep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RuleStep", 5)?;
        st.serialize_field("chain", &self.chain)?;
        st.serialize_field("rule_no", &self.rule_no)?;
        st.serialize_field("text", &self.text())?;
        st.serialize_field("matched", &self.matched)?;
        match &self.draw {
            Some(d) => st.serialize_field("draw", d)?,
            None => st.skip_field("draw")?,
        }
        st.end()
    }
}

/// A `statistic --mode random` match decided: its probability and whether it was taken.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    pub probability: f64,
    pub taken: bool,
}

impl fmt::Display for Draw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "statistic draw with probability {}: {}",
            saved_probability(self.probability),
            if self.taken { "taken" } else { "not taken" }
        )
    }
}

impl RuleStep {
    /// The rule in `iptables-save` form (`-A CHAIN ...`).
    pub fn text(&self) -> String {
        rule_text(&self.chain, &self.rule)
    }

    /// TRACE-style label: `nat:KUBE-SERVICES:rule:3`.
    pub fn trace_label(&self) -> String {
        format!("nat:{}:rule:{}", self.chain, self.rule_no)
    }

    /// TRACE-style label in the table walked: `filter:KUBE-FORWARD:rule:2`.
    pub fn label_in(&self, table: &str) -> String {
        format!("{table}:{}:rule:{}", self.chain, self.rule_no)
    }
}

/// What the nat table decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NatVerdict {
    /// Nothing to translate (the chain's ACCEPT policy, or an explicit ACCEPT).
    Accept,
    Dnat(SocketAddrV4),
    Masquerade {
        random_fully: bool,
    },
    /// `-j DROP`, or a DROP policy: the packet is freed.
    Drop,
    /// `-j REJECT`: dropped, and the sender gets an ICMP port unreachable.
    Reject,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NatWalk {
    pub hook: Hook,
    pub steps: Vec<RuleStep>,
    pub verdict: NatVerdict,
    /// The mark as it left the table.
    pub mark: u32,
    /// When the walk fell off the end of the built-in chain: the policy's number, one past
    /// the chain's last rule, as TRACE counts it (`nat:PREROUTING:policy:N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<usize>,
    /// A walk of the filter table (the nat table's otherwise).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub filter: bool,
    /// The conntrack state the `--ctstate` matches tested (filter walks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct_state: Option<CtState>,
}

impl NatWalk {
    /// `nat` or `filter`.
    pub fn table(&self) -> &'static str {
        if self.filter {
            "filter"
        } else {
            "nat"
        }
    }

    /// TRACE's label for the policy that decided: `nat:PREROUTING:policy:2`.
    pub fn policy_label(&self) -> Option<String> {
        self.policy
            .map(|n| format!("{}:{}:policy:{n}", self.table(), self.hook.chain_name()))
    }
}

/// How deep jumps may nest before the walk gives up (the kernel's limit is far higher; a
/// lesson never comes close, this only guards against a jump loop in a hand-written file).
const MAX_DEPTH: usize = 16;

impl NatTable {
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
                (NatVerdict::Accept, Some(n))
            }
        };
        NatWalk {
            hook,
            steps,
            verdict,
            mark: pkt.mark,
            policy,
            filter: false,
            ct_state: None,
        }
    }

    /// Walk this table as the filter table at `hook`, whose built-in chain has `policy`
    /// (the filter table has no `statistic` rules; one would not match).
    pub fn walk_filter(&self, hook: Hook, policy: Policy, pkt: &mut NfPacket) -> NatWalk {
        let mut w = self.walk(hook, pkt, &mut |_, _| false);
        if w.policy.is_some() && policy == Policy::Drop {
            w.verdict = NatVerdict::Drop;
        }
        w.filter = true;
        w.ct_state = Some(pkt.ct_state);
        w
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
            let (matched, drew) = rule_matches(rule, pkt, draw);
            steps.push(RuleStep {
                chain: chain.to_string(),
                rule_no: i + 1,
                rule: rule.clone(),
                matched,
                draw: drew,
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
                Target::Drop => return ChainEnd::Verdict(NatVerdict::Drop),
                Target::Reject => return ChainEnd::Verdict(NatVerdict::Reject),
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
) -> (bool, Option<Draw>) {
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
    let mut drew = None;
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
            // xt_conntrack: the state bit of the packet, and the DNAT status bit of its entry.
            Match::Conntrack { not, states } => {
                let hit = states
                    .iter()
                    .any(|s| *s == pkt.ct_state || (*s == CtState::Dnat && pkt.ct_dnat));
                hit != *not
            }
            Match::Statistic { p } => {
                let hit = draw(rule, *p);
                drew = Some(Draw {
                    probability: *p,
                    taken: hit,
                });
                hit
            }
        };
        if !ok {
            return (false, drew);
        }
    }
    (true, drew)
}
