//! The filter table at the hooks where the kernel walks it: FORWARD for a routed packet
//! (`ip_forward`, after the TTL is decremented, net/ipv4/ip_forward.c) and for a bridged one
//! when br_netfilter passes it to iptables (`br_nf_forward_ip`, net/bridge/br_netfilter_hooks.c,
//! with the bridge as both devices); INPUT before local delivery (`ip_local_deliver`,
//! net/ipv4/ip_input.c); OUTPUT for the namespace's own packets (`__ip_local_out`,
//! net/ipv4/ip_output.c). At PREROUTING and OUTPUT the nat table comes first (its DNAT
//! hook has priority NF_IP_PRI_NAT_DST, -100, the filter table NF_IP_PRI_FILTER, 0:
//! include/uapi/linux/netfilter_ipv4.h); FORWARD has the filter table only. Every packet
//! is walked, not only a flow's first, and `-m conntrack --ctstate` tests what conntrack
//! says of it: NEW until the flow has seen a reply, ESTABLISHED after (xt_conntrack.c).

use super::conntrack_nat::nf_packet;
use super::l3::Pass;
use super::record::{frame, Step};
use super::Sim;
use crate::conntrack::Direction as CtDir;
use crate::netfilter::{CtState, Hook, NatVerdict, Policy};
use crate::packet::Ipv4;
use crate::trace::{Decision, DropReason, Event};

impl Sim {
    /// Walk the filter table at `hook`; false when it dropped the packet (the hop says so).
    pub(super) fn filter_hook(
        &mut self,
        ns: usize,
        ip: &Ipv4,
        hook: Hook,
        devs: (Option<&str>, Option<&str>),
        pass: &Pass,
    ) -> bool {
        let n = &self.c.netns[ns];
        if n.filter.is_empty() {
            return true;
        }
        let (state, dnat) = match pass
            .entry
            .and_then(|(i, d)| Some((n.conntrack.entries.get(i)?, d)))
        {
            Some((e, dir)) => {
                let established = !pass.new && (dir == CtDir::Reply || e.seen_reply);
                let s = if established {
                    CtState::Established
                } else {
                    CtState::New
                };
                (s, e.is_dnat())
            }
            None if pass.related => (CtState::Related, false),
            None => (CtState::New, false),
        };
        let mut p = nf_packet(n, ip, devs.0, devs.1, pass.mark);
        p.ct_state = state;
        p.ct_dnat = dnat;
        let policy = match hook {
            Hook::Forward => n.forward_policy,
            _ => Policy::Accept,
        };
        let walk = n.filter.walk_filter(hook, policy, &mut p);
        let verdict = walk.verdict.clone();
        let by = match (walk.policy, walk.steps.iter().rev().find(|s| s.matched)) {
            (Some(_), _) => format!("no rule decided, so the chain's policy {}", policy.name()),
            (None, Some(s)) => format!("{} rule {} decides", s.chain, s.rule_no),
            (None, None) => String::new(),
        };
        let what = match verdict {
            NatVerdict::Drop => "DROP",
            NatVerdict::Reject => "REJECT",
            _ => "ACCEPT",
        };
        let why = format!(
            "filter {hook} (conntrack state {}) walked {} rules: {by}: {what}",
            state.name(),
            walk.steps.len()
        );
        let at = self.location(ns, devs.1.or(devs.0), None);
        let ev = Event::Filter {
            hook: hook.to_string(),
        };
        self.record(
            Step::new(at, ev, why)
                .routed(ip)
                .decision(Decision::Nat(walk)),
        );
        match verdict {
            NatVerdict::Drop => {
                let why = format!("the filter table's {hook} chain drops the packet ({by}): the sender hears nothing and, on a real cluster, times out");
                self.drop_hop(ns, None, frame(ip), DropReason::NetfilterDrop, why);
                false
            }
            NatVerdict::Reject => {
                self.reject(ns, ip, hook, pass, &by);
                false
            }
            _ => true,
        }
    }
}
