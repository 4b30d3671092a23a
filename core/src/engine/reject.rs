//! `-j REJECT`'s answer and the client hearing it. ipt_REJECT.c's `reject_tg` calls
//! `nf_send_unreach` (net/ipv4/netfilter/nf_reject_ipv4.c) before it returns NF_DROP, and
//! that calls `icmp_send`: `__icmp_send` (net/ipv4/icmp.c) answers with destination
//! unreachable, code 3 (port unreachable, the default `--reject-with`), quoting the packet,
//! from the address the packet was sent to when it was addressed to this host, else from no
//! address (0), which the route back to the sender fills with its preferred source
//! (`icmp_errors_use_inbound_ifaddr` is 0 by default). The ICMP error is sent like any local
//! packet (OUTPUT, POSTROUTING); conntrack ties it to the flow it quotes (RELATED), so the
//! nat table does not see it. At the client, `tcp_v4_err` (net/ipv4/tcp_ipv4.c) turns a port
//! unreachable for a socket in SYN-SENT into ECONNREFUSED (RFC 1122 §4.2.3.9: a hard error).

use super::l3::Pass;
use super::record::{frame, Step};
use super::{Action, Sim};
use crate::netfilter::Hook;
use crate::packet::{Icmp, IcmpKind, Ipv4, L4};
use crate::trace::{DropReason, Event};
use crate::vocab::consts::DEFAULT_TTL;

/// An ICMP error quoting a packet: the quoted packet.
pub(super) fn icmp_error_quote(ip: &Ipv4) -> Option<&Ipv4> {
    match &ip.l4 {
        L4::Icmp(i) if i.kind.is_error() => i.quote.as_deref(),
        _ => None,
    }
}

impl Sim {
    /// The filter table at `hook` rejected `ip`: the packet is dropped (with the conntrack
    /// entry its first pass created, never confirmed), and the ICMP port unreachable is sent.
    pub(super) fn reject(&mut self, ns: usize, ip: &Ipv4, hook: Hook, pass: &Pass, by: &str) {
        if let Some((i, _)) = pass.entry.filter(|_| pass.new) {
            let ct = &mut self.c.netns[ns].conntrack.entries;
            if i + 1 == ct.len() {
                ct.pop();
            }
        }
        let why = format!("the filter table's {hook} chain rejects the packet ({by}): the kernel frees it, with the conntrack entry it was about to confirm, and answers the sender");
        let at = self.location(ns, None, None);
        let reason = DropReason::NetfilterDrop;
        self.record(Step::new(at, Event::Drop { reason }, why).packet(frame(ip)));
        if icmp_error_quote(ip).is_some() {
            return; // RFC 1122 §3.2.2: never an ICMP error about an ICMP error.
        }
        let local = hook == Hook::Input;
        let src = if local {
            ip.dst
        } else {
            self.source_for(ns, ip.src)
        };
        let icmp = Ipv4 {
            src,
            dst: ip.src,
            ttl: DEFAULT_TTL,
            df: false,
            l4: L4::Icmp(Icmp {
                kind: IcmpKind::PortUnreachable,
                id: 0,
                seq: 0,
                quote: Some(Box::new(ip.clone())),
            }),
        };
        let from = if local {
            format!("from {src}, the address the packet was sent to")
        } else {
            format!(
                "from {src}, the preferred source of its route back to {}",
                ip.src
            )
        };
        self.leg = "ICMP port unreachable".into();
        let why = format!("REJECT sends ICMP destination unreachable (port unreachable) to {} {from}, quoting the rejected packet", ip.src);
        self.send(ns, "kernel", icmp, why);
    }

    /// An ICMP error for the client's socket: true when `ip` was one (handled here).
    pub(super) fn icmp_error_receive(&mut self, ns: usize, ip: &Ipv4) -> bool {
        let Some(q) = icmp_error_quote(ip) else {
            return false;
        };
        let ours = self.app.socket.is_some_and(|s| {
            s.ns == ns
                && s.proto == q.l4.protocol_number()
                && s.remote == q.dst
                && q.l4.ports() == Some((s.local_port, s.remote_port))
        });
        if !ours {
            let why = format!("the ICMP error quotes a packet from {} to {}, which no socket here sent: it is ignored", q.src, q.dst);
            self.drop_hop(ns, None, frame(ip), DropReason::NoSocket, why);
            return true;
        }
        let process = match &self.app.action {
            Action::Tcp { process, .. } => process.clone(),
            _ => "getent".into(),
        };
        let (port, name) = (q.l4.ports().map(|p| p.1).unwrap_or(0), q.l4.protocol_name());
        let at = self.location(ns, None, None);
        let why = format!("the quoted header names {process}'s socket ({} → {}:{port}, {name}): port unreachable is a hard error, connect() fails with ECONNREFUSED", q.src, q.dst);
        self.record(
            Step::new(
                at,
                Event::Refused {
                    process: process.clone(),
                },
                why,
            )
            .routed(ip),
        );
        let said = match process.as_str() {
            // curl 7.88's lib/connect.c and lib/strerror.c: CURLE_COULDNT_CONNECT.
            "curl" => format!(
                "curl: (7) Failed to connect to {} port {port} after 0 ms: Couldn't connect to server",
                q.dst
            ),
            _ => format!("{process}: connect to {}:{port}: Connection refused", q.dst),
        };
        self.app.done = Some(format!(
            "ICMP port unreachable from {} reached {process} in {}: {said}",
            ip.src, self.c.netns[ns].name
        ));
        true
    }
}
