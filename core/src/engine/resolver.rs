//! DNS in the engine: the glibc resolver's next query, sent when nothing else is in flight
//! (the A, then the AAAA on the same socket before either answer, one sendmmsg call: glibc
//! resolv/res_send.c, `send_dg`), and CoreDNS answering them from the cluster's Services once both are in.

use super::apps::Socket;
use super::record::{frame, Step};
use super::{Action, Sim};
use crate::dns::{DnsMessage, DnsReason, DnsReply, LookupOutcome, QType, Rcode};
use crate::netfilter::Proto;
use crate::packet::{Ipv4, Udp, UdpPayload, L4};
use crate::trace::{Decision, DropReason, Event};
use crate::vocab::consts::{proto, DEFAULT_TTL, DNS_PORT};

/// An answer CoreDNS has computed and not sent yet.
pub(super) struct Held {
    ns: usize,
    process: String,
    reply: Ipv4,
    text: String,
    leg: String,
}

impl Sim {
    /// Called when nothing is in flight: send the resolver's next query. False when finished.
    pub(super) fn next_step(&mut self) -> bool {
        if self.app.awaiting || self.app.done.is_some() {
            return false;
        }
        let Some(ns) = self.c.ns_index(&self.app.from) else {
            return false;
        };
        let Some(r) = self.app.resolver.as_mut() else {
            return false;
        };
        let candidate = r.current().cloned();
        let Some((qname, qtype)) = r.next_query() else {
            if let Some(LookupOutcome::Failed { rcode }) = r.outcome() {
                let name = match &self.app.action {
                    Action::Resolve { name } => name.clone(),
                    _ => String::new(),
                };
                self.drop_hop(ns, None, None, DropReason::NxDomain { name: name.clone() }, format!("every candidate failed ({rcode:?}): getent reports that {name} does not resolve"));
            }
            return false;
        };
        let Some(server) = self.c.netns[ns]
            .resolv_conf
            .as_ref()
            .and_then(|c| c.nameservers.first().copied())
        else {
            return false;
        };
        // glibc opens a new socket (new source port) per candidate; A and AAAA share it.
        let sport = match (qtype, self.app.socket) {
            (QType::Aaaa, Some(s)) => s.local_port,
            _ => self.rng.range(32768, 60999),
        };
        self.app.socket = Some(Socket {
            ns,
            proto: proto::UDP,
            local_port: sport,
            remote: server,
            remote_port: DNS_PORT,
        });
        // After the A glibc does not wait: the AAAA goes out next, then it reads both.
        self.app.awaiting = qtype == QType::Aaaa;
        self.app.queries += 1;
        let id = self.rng.range(1, 65535);
        let msg = DnsMessage {
            id,
            response: false,
            qname: qname.clone(),
            qtype,
            rcode: Rcode::NoError,
            answers: vec![],
        };
        let q = if qtype == QType::A { "A" } else { "AAAA" };
        self.leg = format!("{q}? {qname}");
        let src = self.source_for(ns, server);
        let ip = Ipv4 {
            src,
            dst: server,
            ttl: DEFAULT_TTL,
            df: true,
            l4: L4::Udp(Udp {
                sport,
                dport: DNS_PORT,
                payload: UdpPayload::Dns(msg),
            }),
        };
        // next_query handed out a query, so a candidate was being tried.
        let Some(why) = candidate.map(|c| c.why) else {
            return false;
        };
        let at = self.location(ns, None, None);
        let d = Decision::Dns {
            candidate: qname.clone(),
            reason: DnsReason::Glibc(why),
            answer: None,
        };
        let text = match qtype {
            QType::A => format!("glibc tries {qname} ({why}); query {} (A) goes to the nameserver {server} from port {sport}, and glibc does not wait for its answer", self.app.queries),
            QType::Aaaa => format!("query {} (AAAA) for {qname} leaves right behind the A, from the same socket (port {sport}): glibc's send_dg hands both to the kernel in one sendmmsg call, before either answer has come (resolv/res_send.c), and then reads both", self.app.queries),
        };
        self.record(Step::new(at, Event::DnsQuery, text).routed(&ip).decision(d));
        self.ip_output(ns, ip);
        true
    }

    /// A packet addressed to this namespace reached the transport layer.
    pub(super) fn dns_serve(&mut self, ns: usize, ip: &Ipv4, sport: u16, q: DnsMessage) {
        let Some(l) = self.c.netns[ns].listener(Proto::Udp, DNS_PORT).cloned() else {
            self.drop_hop(
                ns,
                None,
                frame(ip),
                DropReason::NoListener { port: DNS_PORT },
                "nothing listens on UDP 53 here".into(),
            );
            return;
        };
        let ans = self.c.coredns.answer(&q.qname, q.qtype);
        let at = self.location(ns, None, None);
        let said = DnsReply {
            rcode: ans.rcode,
            addrs: ans.answers.iter().map(|a| a.a).collect(),
        };
        let d = Decision::Dns {
            candidate: q.qname.clone(),
            reason: DnsReason::CoreDns(ans.why.clone()),
            answer: Some(said.clone()),
        };
        self.record(
            Step::new(
                at,
                Event::Deliver {
                    process: l.process.clone(),
                },
                ans.why.to_string(),
            )
            .routed(ip)
            .decision(d),
        );
        self.leg = format!(
            "{} {}",
            if q.qtype == QType::A { "A" } else { "AAAA" },
            said
        );
        let msg = DnsMessage {
            id: q.id,
            response: true,
            qname: q.qname,
            qtype: q.qtype,
            rcode: ans.rcode,
            answers: ans.answers,
        };
        let reply = Ipv4 {
            src: ip.dst,
            dst: ip.src,
            ttl: DEFAULT_TTL,
            df: true,
            l4: L4::Udp(Udp {
                sport: DNS_PORT,
                dport: sport,
                payload: UdpPayload::Dns(msg),
            }),
        };
        let held = Held {
            ns,
            process: l.process.clone(),
            reply,
            text: format!("{} answers {said} to {}:{sport}", l.process, ip.src),
            leg: self.leg.clone(),
        };
        self.app.held.push_back(held);
    }

    /// CoreDNS sends the oldest answer it holds. False when it holds none.
    pub(super) fn serve_held(&mut self) -> bool {
        let Some(h) = self.app.held.pop_front() else {
            return false;
        };
        self.leg = h.leg;
        self.send(h.ns, &h.process, h.reply, h.text);
        true
    }
}
