//! Observations: a frame seen on one interface of one namespace, in one direction, the way
//! `tcpdump -i <if> -Q in|out` sees it. The model's come from the trace's transmit and
//! receive hops (plus what a tap on a bridge device would see, inferred from the bridge's
//! hops); the kernel's from the pcap files the conformance run wrote.

use crate::names::Names;
use crate::pcap::{self, App, Body, Ip, Pkt, L4};
use packetwalk_core::cluster::Cluster;
use packetwalk_core::dns::{QType, Rcode};
use packetwalk_core::engine::Run;
use packetwalk_core::packet::{self as model, ArpOp, Frame, UdpPayload};
use packetwalk_core::trace::{Direction, Event};
use std::fmt;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dir {
    In,
    Out,
}

impl fmt::Display for Dir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dir::In => "in",
            Dir::Out => "out",
        })
    }
}

/// One frame at one tap.
#[derive(Clone, Debug)]
pub struct Obs {
    /// The model's namespace name.
    pub ns: String,
    pub dev: String,
    pub dir: Dir,
    pub pkt: Pkt,
    /// Model: the hop index; kernel: the capture timestamp in nanoseconds.
    pub order: u64,
    /// The frame's bytes as captured (empty for a frame taken from the trace).
    pub raw: Vec<u8>,
}

impl Obs {
    pub fn tap(&self) -> String {
        format!("{} {} ({})", self.ns, self.dev, self.dir)
    }
}

/// The model's frame as the parser would have read it off the wire.
pub fn from_model(f: &Frame) -> Option<Pkt> {
    let eth = f.eth?;
    let body = match &f.body {
        model::Body::Arp(a) => Body::Arp(pcap::Arp {
            op: if a.op == ArpOp::Request { 1 } else { 2 },
            sha: a.sha,
            spa: a.spa,
            tha: a.tha,
            tpa: a.tpa,
        }),
        model::Body::Ipv4(ip) => Body::Ip(ip_from_model(ip)?),
    };
    Some(Pkt {
        src: eth.src,
        dst: eth.dst,
        body,
    })
}

fn ip_from_model(ip: &model::Ipv4) -> Option<Ip> {
    let l4 = match &ip.l4 {
        model::L4::Tcp(t) => {
            let f = &t.flags;
            let flags = (u8::from(f.fin) * pcap::FIN)
                | (u8::from(f.syn) * pcap::SYN)
                | (u8::from(f.rst) * pcap::RST)
                | (u8::from(f.ack) * pcap::ACK);
            L4::Tcp {
                sport: t.sport,
                dport: t.dport,
                flags,
            }
        }
        model::L4::Udp(u) => {
            let app = match &u.payload {
                UdpPayload::Dns(m) => App::Dns(pcap::Dns {
                    id: m.id,
                    response: m.response,
                    rcode: if m.response {
                        match m.rcode {
                            Rcode::NoError => 0,
                            Rcode::ServFail => 2,
                            Rcode::NxDomain => 3,
                        }
                    } else {
                        0
                    },
                    qname: m.qname.to_ascii_lowercase(),
                    qtype: if m.qtype == QType::A { 1 } else { 28 },
                    answers: m.answers.iter().map(|a| (a.a, a.ttl)).collect(),
                }),
                UdpPayload::Vxlan(v) => App::Vxlan {
                    flags: 0x08,
                    vni: v.vni,
                    inner: Box::new(from_model(&v.inner)?),
                },
                UdpPayload::Data => App::None,
            };
            L4::Udp {
                sport: u.sport,
                dport: u.dport,
                app,
            }
        }
        model::L4::Icmp(i) => {
            let (ty, code) = i.kind.type_code();
            L4::Icmp {
                ty,
                code,
                id: i.id,
                seq: i.seq,
            }
        }
    };
    Some(Ip {
        src: ip.src,
        dst: ip.dst,
        ttl: ip.ttl,
        df: ip.df,
        l4,
    })
}

/// The interface name in a hop's location (`eth0@if5` → `eth0`).
fn raw_dev(d: &str) -> String {
    d.split('@').next().unwrap_or(d).to_string()
}

/// What the model says each tap sees. Transmit and receive hops give the taps on veths,
/// NICs, VXLAN devices and `lo`. A bridge device's own tap is inferred from the bridge's
/// hops: frames the host sends through it (its ARP requests and replies, routed packets)
/// go out; frames the bridge hands up to the host (for its MAC, or a broadcast copy) come in.
/// On `lo` libpcap shows each packet once, as incoming, so the model's outgoing copy is dropped.
pub fn model_obs(run: &Run, cluster: &Cluster) -> Vec<Obs> {
    let mut out = Vec::new();
    for (i, h) in run.trace.hops.iter().enumerate() {
        let (Some(dev), Some(frame)) = (h.at.device.as_deref(), h.packet.as_ref()) else {
            continue;
        };
        let dev = raw_dev(dev);
        let Some(ns) = cluster.ns(&h.at.netns) else {
            continue;
        };
        let Some(iface) = ns.iface(&dev) else {
            continue;
        };
        let Some(pkt) = from_model(frame) else {
            continue;
        };
        let is_bridge = iface.bridge().is_some();
        let dir = match (&h.event, h.at.direction, is_bridge) {
            (Event::Transmit, Some(Direction::Out), _) if iface.is_loopback() => None,
            (Event::Transmit, Some(Direction::Out), _) => Some(Dir::Out),
            (Event::Receive, Some(Direction::In), _) => Some(Dir::In),
            (Event::ArpRequest, _, true) => Some(Dir::Out),
            (Event::ArpReply, _, true) if pkt.src == iface.mac => Some(Dir::Out),
            (Event::BridgeForward, _, true) => h
                .decision
                .as_ref()
                .is_some_and(|d| {
                    d.hands_up_to_bridge(
                        pkt.src,
                        pkt.dst,
                        iface.mac,
                        iface.bridge().is_some_and(|b| b.promisc),
                    )
                })
                .then_some(Dir::In),
            _ => None,
        };
        if let Some(dir) = dir {
            out.push(Obs {
                ns: h.at.netns.clone(),
                dev,
                dir,
                pkt,
                order: i as u64,
                raw: Vec::new(),
            });
        }
    }
    out
}

/// The kernel's observations: `<dir>/<real ns>__<dev>__<in|out>.pcap` for the model's namespaces.
pub fn kernel_obs(dir: &Path, names: &Names, vxlan_port: u16) -> Result<Vec<Obs>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".pcap") else {
            continue;
        };
        let parts: Vec<&str> = stem.split("__").collect();
        let [real, dev, d] = parts[..] else { continue };
        let Some(ns) = names.model_of(real) else {
            continue;
        };
        let dir = if d == "in" { Dir::In } else { Dir::Out };
        let bytes = std::fs::read(e.path()).map_err(|err| format!("{file}: {err}"))?;
        for r in pcap::read(&bytes).map_err(|err| format!("{file}: {err}"))? {
            if let Some(pkt) = pcap::parse(&r.data, vxlan_port) {
                out.push(Obs {
                    ns: ns.to_string(),
                    dev: dev.to_string(),
                    dir,
                    pkt,
                    order: r.ts_ns,
                    raw: r.data,
                });
            }
        }
    }
    // Time order; on a tie a frame is received before it is sent on (a bridge or a router
    // keeps the receive timestamp on the frame it forwards).
    out.sort_by_key(|o| (o.order, o.dir));
    Ok(out)
}

/// Where a frame stands with respect to the lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A frame of the lesson's exchange; the key names it independently of what NAT and
    /// the random choices do to it (`TCP SYN`, `ARP who-has 10.244.0.1 tell 10.244.0.10`).
    Compared(String),
    /// Part of the same connection, after the model's last leg (the final ACK, FINs).
    Beyond(String),
    /// Not the lesson's at all: IPv6 neighbour discovery and MLD, IGMP.
    Noise(String),
}

pub fn scope(p: &Pkt) -> Scope {
    match &p.body {
        Body::Arp(a) if a.op == 1 => {
            Scope::Compared(format!("ARP who-has {} tell {}", a.tpa, a.spa))
        }
        Body::Arp(a) => Scope::Compared(format!("ARP reply {} is-at (to {})", a.spa, a.tpa)),
        Body::Other { ethertype: 0x86dd } => Scope::Noise("IPv6 (neighbour discovery, MLD)".into()),
        Body::Other { ethertype } => Scope::Noise(format!("ethertype {ethertype:#06x}")),
        Body::Ip(ip) => match &ip.l4 {
            L4::Tcp { flags, .. } if flags & pcap::SYN != 0 && flags & pcap::RST == 0 => {
                Scope::Compared(if flags & pcap::ACK != 0 {
                    "TCP SYN-ACK".into()
                } else {
                    "TCP SYN".into()
                })
            }
            L4::Tcp { flags, .. } => Scope::Beyond(format!("TCP {}", tcp_flags(*flags))),
            L4::Udp {
                app: App::Vxlan { inner, .. },
                ..
            } => match scope(inner) {
                Scope::Compared(k) => Scope::Compared(format!("VXLAN[{k}]")),
                Scope::Beyond(k) => Scope::Beyond(format!("VXLAN[{k}]")),
                Scope::Noise(k) => Scope::Noise(format!("VXLAN[{k}]")),
            },
            L4::Udp {
                app: App::Dns(d), ..
            } => {
                let t = if d.qtype == 1 {
                    "A"
                } else if d.qtype == 28 {
                    "AAAA"
                } else {
                    "?"
                };
                Scope::Compared(if d.response {
                    format!("DNS answer {t} {}", d.qname)
                } else {
                    format!("DNS {t}? {}", d.qname)
                })
            }
            L4::Icmp { ty: 8, .. } => Scope::Compared("ICMP echo request".into()),
            L4::Icmp { ty: 0, .. } => Scope::Compared("ICMP echo reply".into()),
            // An ICMP error (unreachable, time exceeded) or any other IPv4 is compared too:
            // the model has none, so one in a capture is a difference.
            L4::Icmp { ty, code, .. } => Scope::Compared(format!("ICMP type {ty} code {code}")),
            L4::Udp { .. } => Scope::Compared("UDP (not DNS, not VXLAN)".into()),
            L4::Other { proto: 2 } => Scope::Noise("IGMP (membership reports)".into()),
            L4::Other { proto } => Scope::Compared(format!("IPv4 protocol {proto}")),
        },
    }
}

/// The key of a frame's path: VXLAN frames belong to the path of the frame they carry.
pub fn path_key(key: &str) -> String {
    match key.strip_prefix("VXLAN[").and_then(|k| k.strip_suffix(']')) {
        Some(inner) => path_key(inner),
        None => key.to_string(),
    }
}

pub fn tcp_flags(f: u8) -> String {
    let mut s = String::from("[");
    for (bit, c) in [
        (pcap::SYN, 'S'),
        (pcap::FIN, 'F'),
        (pcap::RST, 'R'),
        (pcap::ACK, '.'),
    ] {
        if f & bit != 0 {
            s.push(c);
        }
    }
    s + "]"
}

/// One line, tcpdump-like, for the report.
pub fn describe(p: &Pkt) -> String {
    let head = format!("{} > {}", p.src, p.dst);
    match &p.body {
        Body::Arp(a) if a.op == 1 => format!("{head}, ARP who-has {} tell {}", a.tpa, a.spa),
        Body::Arp(a) => format!("{head}, ARP reply {} is-at {}", a.spa, a.sha),
        Body::Other { ethertype } => format!("{head}, ethertype {ethertype:#06x}"),
        Body::Ip(ip) => {
            let df = if ip.df { " DF" } else { "" };
            let l4 = match &ip.l4 {
                L4::Tcp {
                    sport,
                    dport,
                    flags,
                } => format!(
                    "{}.{sport} > {}.{dport}: TCP {}",
                    ip.src,
                    ip.dst,
                    tcp_flags(*flags)
                ),
                L4::Udp {
                    sport,
                    dport,
                    app: App::Vxlan { vni, inner, .. },
                } => {
                    format!(
                        "{}.{sport} > {}.{dport}: VXLAN vni {vni} [{}]",
                        ip.src,
                        ip.dst,
                        describe(inner)
                    )
                }
                L4::Udp {
                    sport,
                    dport,
                    app: App::Dns(d),
                } => {
                    let what = if d.response {
                        format!("id {} rcode {} answers {:?}", d.id, d.rcode, d.answers)
                    } else {
                        format!("id {} qtype {} {}", d.id, d.qtype, d.qname)
                    };
                    format!("{}.{sport} > {}.{dport}: DNS {what}", ip.src, ip.dst)
                }
                L4::Udp { sport, dport, .. } => {
                    format!("{}.{sport} > {}.{dport}: UDP", ip.src, ip.dst)
                }
                L4::Icmp { ty, id, seq, .. } => {
                    format!("{} > {}: ICMP type {ty} id {id} seq {seq}", ip.src, ip.dst)
                }
                L4::Other { proto } => format!("{} > {}: proto {proto}", ip.src, ip.dst),
            };
            format!("{head}, {l4}, ttl {}{df}", ip.ttl)
        }
    }
}
