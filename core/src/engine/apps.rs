//! The processes at either end: a TCP client and server, ping, the glibc resolver in the
//! client pod (its queries are sent by `resolver.rs`), and the replies they take in.

use super::record::frame;
use super::record::Step;
use super::{Action, Scenario, Sim};
use crate::dns::{GlibcSearch, LookupOutcome, Rcode};
use crate::netfilter::Proto;
use crate::packet::{Icmp, IcmpKind, Ipv4, Tcp, TcpFlags, Udp, UdpPayload, L4};
use crate::trace::{DropReason, Event};
use crate::vocab::consts::{proto, DEFAULT_TTL, DNS_PORT};
use std::net::Ipv4Addr;

/// The client's socket: what a reply must look like to be accepted.
#[derive(Clone, Copy, Debug)]
pub(super) struct Socket {
    pub(super) ns: usize,
    pub(super) proto: u8,
    pub(super) local_port: u16,
    pub(super) remote: Ipv4Addr,
    pub(super) remote_port: u16,
}

pub(super) struct Apps {
    pub(super) action: Action,
    pub(super) from: String,
    pub(super) socket: Option<Socket>,
    pub(super) resolver: Option<GlibcSearch>,
    /// Both queries of the current candidate are out (A and AAAA, back to back), and an
    /// answer is still awaited.
    pub(super) awaiting: bool,
    /// CoreDNS's answers not sent yet, oldest first: a query is read and answered after
    /// the client has sent everything it sends before reading (glibc's A and AAAA).
    pub(super) held: std::collections::VecDeque<super::resolver::Held>,
    pub(super) queries: usize,
    pub(super) done: Option<String>,
}

impl Apps {
    pub(super) fn new(s: &Scenario) -> Apps {
        Apps {
            action: s.action.clone(),
            from: s.from.clone(),
            socket: None,
            resolver: None,
            awaiting: false,
            held: Default::default(),
            queries: 0,
            done: None,
        }
    }
    pub(super) fn summary(&self) -> Option<String> {
        self.done.clone()
    }
}

impl Sim {
    /// The source address the kernel picks for `dst`: 127.0.0.1 for loopback, else the
    /// route's `src` or the outgoing interface's first address.
    pub(super) fn source_for(&self, ns: usize, dst: Ipv4Addr) -> Ipv4Addr {
        let n = &self.c.netns[ns];
        if n.is_local(dst) {
            return dst;
        }
        match n.routes.lookup(dst) {
            Ok(m) => m
                .route
                .src
                .or_else(|| n.iface(&m.route.dev).and_then(|i| i.primary_addr()))
                .unwrap_or(Ipv4Addr::UNSPECIFIED),
            Err(_) => Ipv4Addr::UNSPECIFIED,
        }
    }

    pub(super) fn send(&mut self, ns: usize, process: &str, ip: Ipv4, why: String) {
        let at = self.location(ns, None, None);
        self.record(
            Step::new(
                at,
                Event::Send {
                    process: process.into(),
                },
                why,
            )
            .routed(&ip),
        );
        self.ip_output(ns, ip);
    }

    pub(super) fn start(&mut self) {
        let Some(ns) = self.c.ns_index(&self.app.from) else {
            self.failed = Some((
                0,
                format!("scenario.from: no namespace named `{}`", self.app.from),
            ));
            return;
        };
        match self.app.action.clone() {
            Action::Tcp { to, port, process } => {
                let src = self.source_for(ns, to);
                let sport = self.rng.range(32768, 60999);
                self.app.socket = Some(Socket {
                    ns,
                    proto: proto::TCP,
                    local_port: sport,
                    remote: to,
                    remote_port: port,
                });
                self.leg = "SYN".into();
                let ip = Ipv4 {
                    src,
                    dst: to,
                    ttl: DEFAULT_TTL,
                    df: true,
                    l4: L4::Tcp(Tcp {
                        sport,
                        dport: port,
                        flags: TcpFlags::SYN,
                    }),
                };
                self.send(ns, &process, ip, format!("{process} connects to {to}:{port}: the kernel picks source {src} and a free ephemeral port {sport} (32768–60999), and sends a SYN"));
            }
            Action::Ping { to } => {
                let src = self.source_for(ns, to);
                let id = self.rng.range(1, 65535);
                self.app.socket = Some(Socket {
                    ns,
                    proto: proto::ICMP,
                    local_port: id,
                    remote: to,
                    remote_port: id,
                });
                self.leg = "echo request".into();
                let ip = Ipv4 {
                    src,
                    dst: to,
                    ttl: DEFAULT_TTL,
                    df: true,
                    l4: L4::Icmp(Icmp {
                        kind: IcmpKind::EchoRequest,
                        id,
                        seq: 1,
                        quote: None,
                    }),
                };
                self.send(
                    ns,
                    "ping",
                    ip,
                    format!("ping sends an ICMP echo request to {to} from {src}"),
                );
            }
            Action::Resolve { name } => {
                let conf = self.c.netns[ns].resolv_conf.clone();
                let Some(conf) = conf else {
                    self.failed = Some((
                        0,
                        format!(
                            "{} has no /etc/resolv.conf (the cluster has no dns_ip)",
                            self.app.from
                        ),
                    ));
                    return;
                };
                self.app.resolver = Some(GlibcSearch::new(&conf, &name));
                self.next_step();
            }
        }
    }

    pub(super) fn local_deliver(&mut self, ns: usize, ip: Ipv4) {
        if self.vxlan_decap(ns, ip.clone()) {
            return;
        }
        match ip.l4.clone() {
            L4::Tcp(t) if t.flags.syn && !t.flags.ack => {
                let Some(l) = self.c.netns[ns].listener(Proto::Tcp, t.dport).cloned() else {
                    self.drop_hop(ns, None, frame(&ip), DropReason::NoListener { port: t.dport }, format!("nothing listens on TCP port {} here: the kernel would answer with a RST", t.dport));
                    return;
                };
                let at = self.location(ns, None, None);
                self.record(
                    Step::new(
                        at,
                        Event::Deliver {
                            process: l.process.clone(),
                        },
                        format!(
                            "{} listens on port {}: the SYN is accepted, from {}:{}",
                            l.process, t.dport, ip.src, t.sport
                        ),
                    )
                    .routed(&ip),
                );
                self.leg = "SYN-ACK".into();
                let reply = Ipv4 {
                    src: ip.dst,
                    dst: ip.src,
                    ttl: DEFAULT_TTL,
                    df: true,
                    l4: L4::Tcp(Tcp {
                        sport: t.dport,
                        dport: t.sport,
                        flags: TcpFlags::SYN_ACK,
                    }),
                };
                self.send(
                    ns,
                    &l.process,
                    reply,
                    format!(
                        "the kernel answers with SYN-ACK to the address the SYN came from, {}:{}",
                        ip.src, t.sport
                    ),
                );
            }
            L4::Icmp(i) if i.kind == IcmpKind::EchoRequest => {
                let at = self.location(ns, None, None);
                self.record(
                    Step::new(
                        at,
                        Event::Deliver {
                            process: "kernel".into(),
                        },
                        "the kernel itself answers echo requests",
                    )
                    .routed(&ip),
                );
                self.leg = "echo reply".into();
                let reply = Ipv4 {
                    src: ip.dst,
                    dst: ip.src,
                    ttl: DEFAULT_TTL,
                    df: false,
                    l4: L4::Icmp(Icmp {
                        kind: IcmpKind::EchoReply,
                        id: i.id,
                        seq: i.seq,
                        quote: None,
                    }),
                };
                self.send(ns, "kernel", reply, format!("echo reply to {}", ip.src));
            }
            L4::Udp(Udp {
                sport,
                dport: DNS_PORT,
                payload: UdpPayload::Dns(q),
            }) if !q.response => self.dns_serve(ns, &ip, sport, q),
            _ => self.client_receive(ns, ip),
        }
    }

    /// A reply for the scenario's client: accepted only if it matches the socket exactly.
    fn client_receive(&mut self, ns: usize, ip: Ipv4) {
        if self.icmp_error_receive(ns, &ip) {
            return;
        }
        let ports = match &ip.l4 {
            L4::Icmp(i) => Some((i.id, i.id)),
            l4 => l4.ports(),
        };
        let ok = self.app.socket.is_some_and(|s| {
            s.ns == ns
                && s.proto == ip.l4.protocol_number()
                && s.remote == ip.src
                && ports == Some((s.remote_port, s.local_port))
        });
        if !ok {
            let expect = self
                .app
                .socket
                .map(|s| format!("{}:{}", s.remote, s.remote_port))
                .unwrap_or_default();
            self.drop_hop(ns, None, frame(&ip), DropReason::NoSocket, format!("no socket expects a packet from {}: the client talked to {expect}, so this reply is refused (TCP would send a RST)", ip.src));
            return;
        }
        let at = self.location(ns, None, None);
        match ip.l4.clone() {
            L4::Udp(Udp {
                payload: UdpPayload::Dns(m),
                ..
            }) => {
                self.app.awaiting = false;
                let n = self.c.netns[ns].name.clone();
                let rc = match m.rcode {
                    Rcode::NoError if m.answers.is_empty() => "NODATA".to_string(),
                    Rcode::NoError => m
                        .answers
                        .iter()
                        .map(|a| a.a.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    r => format!("{r:?}").to_uppercase(),
                };
                self.record(
                    Step::new(
                        at,
                        Event::DnsAnswer,
                        format!("the resolver in {n} reads the answer for {}: {rc}", m.qname),
                    )
                    .routed(&ip),
                );
                if let Some(r) = self.app.resolver.as_mut() {
                    r.on_response(m.rcode, &m.answers);
                    if let Some(LookupOutcome::Resolved { name, addrs }) = r.outcome() {
                        let a: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
                        self.app.done = Some(format!(
                            "{name} resolved to {} after {} queries",
                            a.join(", "),
                            self.app.queries
                        ));
                    }
                }
            }
            _ => {
                let process = match &self.app.action {
                    Action::Tcp { process, .. } => process.clone(),
                    _ => "ping".into(),
                };
                self.record(
                    Step::new(
                        at,
                        Event::Deliver {
                            process: process.clone(),
                        },
                        format!(
                        "the reply comes from {}, exactly the address {process} sent to: accepted",
                        ip.src
                    ),
                    )
                    .routed(&ip),
                );
                let what = match &ip.l4 {
                    L4::Tcp(_) => "SYN-ACK",
                    _ => "echo reply",
                };
                self.app.done = Some(format!(
                    "{what} from {} reached {process} in {}",
                    ip.src, self.c.netns[ns].name
                ));
            }
        }
    }
}
