//! Conntrack and the nat table at the hooks: the first packet of a flow creates an entry
//! and walks the nat chains (DNAT in PREROUTING/OUTPUT, MASQUERADE in POSTROUTING); every
//! later packet, and every reply, is matched to its entry and translated by conntrack alone.

use super::l3::Pass;
use super::record::Step;
use super::Sim;
use crate::conntrack::{CtEntry, Direction as CtDir, Tuple};
use crate::netfilter::{Hook, NatVerdict, NfPacket};
use crate::packet::{Ipv4, L4};
use crate::trace::{Decision, Event};
use crate::vocab::Changed;

impl Sim {
    /// PREROUTING / OUTPUT: conntrack, then (first packet only) the nat table. False if dropped.
    pub(super) fn nat_pre(
        &mut self,
        ns: usize,
        ip: &mut Ipv4,
        hook: Hook,
        in_dev: Option<&str>,
        pass: &mut Pass,
    ) -> bool {
        if !self.c.netns[ns].tracks_connections() {
            return true;
        }
        // An ICMP error: RELATED to the flow it quotes (nf_conntrack_proto_icmp.c,
        // `nf_conntrack_inet_error`); the nat table sees only a flow's first packet.
        if super::reject::icmp_error_quote(ip).is_some() {
            pass.related = true;
            return true;
        }
        let t = tuple_of(ip);
        if let Some((i, dir)) = self.c.netns[ns].conntrack.lookup(&t) {
            pass.entry = Some((i, dir));
            let (syn, ack) = tcp_flags(ip);
            self.c.netns[ns].conntrack.update(i, dir, syn, ack);
            let e = self.c.netns[ns].conntrack.entries[i].clone();
            let change = self.change(ns, Changed::Conntrack, e.to_string());
            let at = self.location(ns, in_dev, None);
            let mut why = match dir {
                CtDir::Original => "a later packet of a known flow: conntrack applies the entry's NAT, the nat table is not consulted again".to_string(),
                CtDir::Reply => "conntrack recognises a reply (it matches the entry's reply tuple)".to_string(),
            };
            if dir == CtDir::Original && e.is_dnat() {
                ip.dst = e.reply.src;
                ip.l4.set_dport(e.reply.sport);
                why += &format!("; destination becomes {}:{}", ip.dst, e.reply.sport);
            }
            if dir == CtDir::Reply && e.is_snat() {
                ip.dst = e.original.src;
                ip.l4.set_dport(e.original.sport);
                why += &format!(
                    "; undo the SNAT: destination becomes {}:{}",
                    ip.dst, e.original.sport
                );
            }
            let d = Decision::Conntrack {
                entry: e.clone(),
                direction: dir,
            };
            self.record(
                Step::new(at, Event::ConntrackReply, why)
                    .routed(ip)
                    .decision(d)
                    .change(change),
            );
            return true;
        }
        // First packet of a flow: a new entry, and the nat table decides.
        let (idx, walk) = {
            let n = &mut self.c.netns[ns];
            n.conntrack.entries.push(CtEntry::new(t));
            let idx = n.conntrack.entries.len() - 1;
            let mut p = nf_packet(n, ip, in_dev, None, pass.mark);
            let pin = self.pin;
            let rng = &mut self.rng;
            let walk = n.nat.walk(hook, &mut p, &mut |rule, prob| match (
                pin,
                crate::kube_proxy::endpoint_of_sep_rule(rule),
            ) {
                (Some(pin), Some(ep)) => ep == pin,
                _ => rng.chance(prob),
            });
            pass.mark = walk.mark;
            (idx, walk)
        };
        pass.entry = Some((idx, CtDir::Original));
        pass.new = true;
        let at = self.location(ns, in_dev, None);
        let verdict = walk.verdict.clone();
        let matched = walk.steps.iter().filter(|s| s.matched).count();
        let why = match &verdict {
            NatVerdict::Dnat(to) => format!("first packet of a new flow: nat {hook} walked {} rules, {matched} matched, ending in DNAT to {to}", walk.steps.len()),
            _ => format!("first packet of a new flow: nat {hook} walked {} rules; no address translation here", walk.steps.len()),
        };
        self.record(
            Step::new(
                at.clone(),
                Event::Netfilter {
                    hook: hook.to_string(),
                },
                why,
            )
            .routed(ip)
            .decision(Decision::Nat(walk)),
        );
        if let NatVerdict::Dnat(to) = verdict {
            let before = format!("{}:{}", ip.dst, ip.l4.ports().map(|p| p.1).unwrap_or(0));
            ip.dst = *to.ip();
            ip.l4.set_dport(to.port());
            let e = &mut self.c.netns[ns].conntrack.entries[idx];
            e.reply.src = *to.ip();
            e.reply.sport = to.port();
            let entry = e.clone();
            let change = self.change(ns, Changed::Conntrack, entry.to_string());
            let d = Decision::Conntrack {
                entry,
                direction: CtDir::Original,
            };
            self.record(Step::new(at, Event::Dnat, format!("DNAT: destination {before} becomes {to}. Conntrack remembers it, so the reply can be turned back")).routed(ip).decision(d).change(change));
        } else {
            let line = self.c.netns[ns].conntrack.entries[idx].to_string();
            let change = self.change(ns, Changed::Conntrack, line);
            if let Some(last) = self.hops.last_mut() {
                last.changes.push(change);
            }
        }
        true
    }

    /// POSTROUTING: the nat table for a new flow (MASQUERADE), or conntrack's reverse NAT.
    pub(super) fn nat_post(&mut self, ns: usize, ip: &mut Ipv4, out_dev: &str, pass: &mut Pass) {
        if !self.c.netns[ns].tracks_connections() {
            return;
        }
        let Some((idx, dir)) = pass.entry else { return };
        let at = self.location(ns, Some(out_dev), None);
        if !pass.new {
            let e = self.c.netns[ns].conntrack.entries[idx].clone();
            if dir == CtDir::Reply && e.is_dnat() {
                let before = ip.src;
                ip.src = e.original.dst;
                ip.l4.set_sport(e.original.dport);
                let d = Decision::Conntrack {
                    entry: e.clone(),
                    direction: CtDir::Reply,
                };
                self.record(Step::new(at, Event::ConntrackReply, format!("reverse the DNAT: source {before} becomes {}:{} again, the address the client asked for", e.original.dst, e.original.dport)).routed(ip).decision(d));
            } else if dir == CtDir::Original && e.is_snat() {
                ip.src = e.reply.dst;
                ip.l4.set_sport(e.reply.dport);
            }
            return;
        }
        let walk = {
            let n = &self.c.netns[ns];
            let mut p = nf_packet(n, ip, None, Some(out_dev), pass.mark);
            let rng = &mut self.rng;
            n.nat
                .walk(Hook::Postrouting, &mut p, &mut |_, prob| rng.chance(prob))
        };
        let verdict = walk.verdict.clone();
        let why = match verdict {
            NatVerdict::Masquerade { .. } => format!(
                "nat POSTROUTING walked {} rules and ends in MASQUERADE",
                walk.steps.len()
            ),
            _ => format!(
                "nat POSTROUTING walked {} rules: the source stays {}",
                walk.steps.len(),
                ip.src
            ),
        };
        self.record(
            Step::new(
                at.clone(),
                Event::Netfilter {
                    hook: "POSTROUTING".into(),
                },
                why,
            )
            .routed(ip)
            .decision(Decision::Nat(walk)),
        );
        if let NatVerdict::Masquerade { random_fully } = verdict {
            // A bridge port has no address of its own: MASQUERADE uses the bridge's.
            let n = &self.c.netns[ns];
            let out = n.iface(out_dev);
            let master = out
                .and_then(|i| i.master.as_deref())
                .and_then(|m| n.iface(m));
            let Some(addr) = out
                .and_then(|i| i.primary_addr())
                .or_else(|| master.and_then(|m| m.primary_addr()))
            else {
                return;
            };
            let before = ip.src;
            let old_port = ip.l4.ports().map(|p| p.0).unwrap_or(0);
            let port = if random_fully && ip.l4.ports().is_some() {
                self.rng.range(1024, 65535)
            } else {
                old_port
            };
            ip.src = addr;
            ip.l4.set_sport(port);
            let e = &mut self.c.netns[ns].conntrack.entries[idx];
            e.reply.dst = addr;
            e.reply.dport = port;
            let entry = e.clone();
            let change = self.change(ns, Changed::Conntrack, entry.to_string());
            let d = Decision::Conntrack {
                entry,
                direction: CtDir::Original,
            };
            let ports = if random_fully {
                format!(", source port {old_port} → {port} (--random-fully)")
            } else {
                String::new()
            };
            self.record(Step::new(at, Event::Snat, format!("MASQUERADE: source {before} becomes {addr}, the address of {out_dev}, the interface it leaves by{ports}")).routed(ip).decision(d).change(change));
        }
    }
}

fn tcp_flags(ip: &Ipv4) -> (bool, bool) {
    match &ip.l4 {
        L4::Tcp(t) => (t.flags.syn, t.flags.ack),
        _ => (false, false),
    }
}

pub(super) fn nf_packet(
    n: &crate::netns::Netns,
    ip: &Ipv4,
    in_dev: Option<&str>,
    out_dev: Option<&str>,
    mark: u32,
) -> NfPacket {
    NfPacket {
        src: ip.src,
        dst: ip.dst,
        proto: ip.l4.protocol_number(),
        dport: ip.l4.ports().map(|p| p.1),
        in_iface: in_dev.map(Into::into),
        out_iface: out_dev.map(Into::into),
        mark,
        src_local: n.is_local(ip.src),
        dst_local: n.is_local(ip.dst),
        // The nat table sees only a flow's first packet; the filter walk sets its own.
        ct_state: crate::netfilter::CtState::New,
        ct_dnat: false,
    }
}

fn tuple_of(ip: &Ipv4) -> Tuple {
    let (sport, dport) = match &ip.l4 {
        L4::Icmp(i) => (i.id, i.id),
        l4 => l4.ports().unwrap_or((0, 0)),
    };
    Tuple {
        proto: ip.l4.protocol_number(),
        src: ip.src,
        dst: ip.dst,
        sport,
        dport,
    }
}
