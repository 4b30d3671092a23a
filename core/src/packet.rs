//! Typed headers: Ethernet, ARP, IPv4, ICMP/TCP/UDP, VXLAN and DNS. Packets are data;
//! bytes are produced only where someone needs them (the pcapng writer, `pcap/`).

use crate::addr::Mac;
use crate::dns::DnsMessage;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// A frame as seen at one point: an Ethernet header when it is on a link (none while the
/// kernel is still routing it), and what it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eth: Option<Ethernet>,
    #[serde(flatten)]
    pub body: Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ethernet {
    pub src: Mac,
    pub dst: Mac,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Arp(Arp),
    Ipv4(Ipv4),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArpOp {
    Request,
    Reply,
}

/// An ARP packet (RFC 826): hardware type 1, protocol IPv4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arp {
    pub op: ArpOp,
    /// Sender hardware address.
    pub sha: Mac,
    /// Sender protocol address.
    pub spa: Ipv4Addr,
    /// Target hardware address (all zeros in a request).
    pub tha: Mac,
    /// Target protocol address.
    pub tpa: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv4 {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    /// Don't Fragment: Linux sets it on TCP and ICMP echo (PMTU discovery), not on
    /// the VXLAN outer UDP header.
    pub df: bool,
    pub l4: L4,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "protocol")]
pub enum L4 {
    Tcp(Tcp),
    Udp(Udp),
    Icmp(Icmp),
}

impl L4 {
    pub fn protocol_number(&self) -> u8 {
        match self {
            L4::Tcp(_) => 6,
            L4::Udp(_) => 17,
            L4::Icmp(_) => 1,
        }
    }
    pub fn protocol_name(&self) -> &'static str {
        match self {
            L4::Tcp(_) => "tcp",
            L4::Udp(_) => "udp",
            L4::Icmp(_) => "icmp",
        }
    }
    /// Source and destination ports, for TCP and UDP.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match self {
            L4::Tcp(t) => Some((t.sport, t.dport)),
            L4::Udp(u) => Some((u.sport, u.dport)),
            L4::Icmp(_) => None,
        }
    }
    pub fn set_sport(&mut self, p: u16) {
        match self {
            L4::Tcp(t) => t.sport = p,
            L4::Udp(u) => u.sport = p,
            L4::Icmp(_) => {}
        }
    }
    pub fn set_dport(&mut self, p: u16) {
        match self {
            L4::Tcp(t) => t.dport = p,
            L4::Udp(u) => u.dport = p,
            L4::Icmp(_) => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tcp {
    pub sport: u16,
    pub dport: u16,
    pub flags: TcpFlags,
}

/// TCP flags, printed the way tcpdump does: `[S]`, `[S.]`, `[.]`, `[R.]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpFlags {
    pub syn: bool,
    pub ack: bool,
    pub rst: bool,
    pub fin: bool,
}

impl TcpFlags {
    pub const SYN: TcpFlags = TcpFlags {
        syn: true,
        ack: false,
        rst: false,
        fin: false,
    };
    pub const SYN_ACK: TcpFlags = TcpFlags {
        syn: true,
        ack: true,
        rst: false,
        fin: false,
    };
    pub const ACK: TcpFlags = TcpFlags {
        syn: false,
        ack: true,
        rst: false,
        fin: false,
    };
    pub const RST_ACK: TcpFlags = TcpFlags {
        syn: false,
        ack: true,
        rst: true,
        fin: false,
    };
}

impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        if self.syn {
            s.push('S');
        }
        if self.fin {
            s.push('F');
        }
        if self.rst {
            s.push('R');
        }
        if self.ack {
            s.push('.');
        }
        write!(f, "[{s}]")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Udp {
    pub sport: u16,
    pub dport: u16,
    pub payload: UdpPayload,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UdpPayload {
    Dns(DnsMessage),
    Vxlan(Vxlan),
    Data,
}

/// A VXLAN header (RFC 7348 §5: flags 0x08 = "I", a 24-bit VNI) and the whole inner
/// Ethernet frame it carries, unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vxlan {
    pub vni: u32,
    pub inner: Box<Frame>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Icmp {
    pub kind: IcmpKind,
    /// Echo identifier (0 for error messages).
    pub id: u16,
    pub seq: u16,
    /// An error message's quote of the packet it answers (RFC 792: the IP header and at
    /// least 8 bytes of data; Linux's `__icmp_send`, net/ipv4/icmp.c, quotes as much of it
    /// as fits in 576 bytes, so the whole of a SYN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Box<Ipv4>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcmpKind {
    EchoRequest,
    EchoReply,
    /// Destination unreachable, port unreachable: what `-j REJECT` sends by default
    /// (net/ipv4/netfilter/ipt_REJECT.c, `--reject-with icmp-port-unreachable`).
    PortUnreachable,
}

impl IcmpKind {
    pub fn type_code(&self) -> (u8, u8) {
        match self {
            IcmpKind::EchoRequest => (8, 0),
            IcmpKind::EchoReply => (0, 0),
            IcmpKind::PortUnreachable => (3, 3),
        }
    }

    /// An error message (it quotes the packet it answers), not a query.
    pub fn is_error(&self) -> bool {
        matches!(self, IcmpKind::PortUnreachable)
    }
}

impl Frame {
    /// An IPv4 packet the kernel is still routing: no link header yet.
    pub fn routed(ip: &Ipv4) -> Frame {
        Frame {
            eth: None,
            body: Body::Ipv4(ip.clone()),
        }
    }
    pub fn ipv4(&self) -> Option<&Ipv4> {
        match &self.body {
            Body::Ipv4(ip) => Some(ip),
            Body::Arp(_) => None,
        }
    }
    pub fn ipv4_mut(&mut self) -> Option<&mut Ipv4> {
        match &mut self.body {
            Body::Ipv4(ip) => Some(ip),
            Body::Arp(_) => None,
        }
    }
    /// The VXLAN header when this frame is an encapsulated one.
    pub fn vxlan(&self) -> Option<&Vxlan> {
        match self.ipv4().map(|ip| &ip.l4) {
            Some(L4::Udp(Udp {
                payload: UdpPayload::Vxlan(v),
                ..
            })) => Some(v),
            _ => None,
        }
    }
    /// The EtherType this frame carries.
    pub fn ethertype(&self) -> u16 {
        match self.body {
            Body::Arp(_) => 0x0806,
            Body::Ipv4(_) => 0x0800,
        }
    }
}

/// UDP 8472: IANA's port for Cisco's OTV, which tcpdump decodes as OTV (`OTV_PORT` in
/// tcpdump's udp.h), and the Linux VXLAN default flannel keeps.
pub const OTV_PORT: u16 = 8472;

/// What a learner capturing a VXLAN packet on `port` should know about tcpdump's line.
pub fn otv_note(port: u16, vni: u32) -> String {
    if port == OTV_PORT {
        format!(". tcpdump prints this packet as `OTV, flags [I] (0x08), overlay 0, instance {vni}`: UDP 8472 is the port IANA assigned to Cisco's OTV, and flannel kept the Linux kernel's pre-IANA VXLAN default; `tcpdump -T vxlan` decodes it as `VXLAN, flags [I] (0x08), vni {vni}`")
    } else {
        String::new()
    }
}

/// One line in the style of `tcpdump -nn -e`, without timestamps: what a learner would see
/// capturing on that interface.
impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(eth) = &self.eth {
            write!(f, "{} > {}, ", eth.src, eth.dst)?;
        }
        match &self.body {
            Body::Arp(a) => match a.op {
                ArpOp::Request => write!(f, "ARP, Request who-has {} tell {}", a.tpa, a.spa),
                ArpOp::Reply => write!(f, "ARP, Reply {} is-at {}", a.spa, a.sha),
            },
            Body::Ipv4(ip) => write!(f, "{ip}"),
        }
    }
}

impl fmt::Display for Ipv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.l4 {
            L4::Tcp(t) => write!(
                f,
                "IP {}.{} > {}.{}: Flags {}, ttl {}",
                self.src, t.sport, self.dst, t.dport, t.flags, self.ttl
            ),
            L4::Udp(u) => {
                write!(
                    f,
                    "IP {}.{} > {}.{}: ",
                    self.src, u.sport, self.dst, u.dport
                )?;
                match &u.payload {
                    UdpPayload::Dns(m) => write!(f, "{m}")?,
                    // tcpdump decodes UDP 8472 as Cisco's OTV and 4789 as VXLAN (print-udp.c);
                    // both headers are 8 bytes with the I flag, the VNI in the same place.
                    UdpPayload::Vxlan(v) if u.dport == OTV_PORT || u.sport == OTV_PORT => write!(
                        f,
                        "OTV, flags [I] (0x08), overlay 0, instance {}: [{}]",
                        v.vni, v.inner
                    )?,
                    UdpPayload::Vxlan(v) => {
                        write!(f, "VXLAN, flags [I] (0x08), vni {}: [{}]", v.vni, v.inner)?
                    }
                    UdpPayload::Data => write!(f, "UDP")?,
                }
                write!(f, ", ttl {}", self.ttl)
            }
            L4::Icmp(Icmp {
                kind: IcmpKind::PortUnreachable,
                quote,
                ..
            }) => {
                // tcpdump's print-icmp.c: "ICMP <dst> <proto> port <port> unreachable".
                match quote.as_deref() {
                    Some(q) => write!(
                        f,
                        "IP {} > {}: ICMP {} {} port {} unreachable",
                        self.src,
                        self.dst,
                        q.dst,
                        q.l4.protocol_name(),
                        q.l4.ports().map(|p| p.1).unwrap_or(0)
                    )?,
                    None => write!(f, "IP {} > {}: ICMP port unreachable", self.src, self.dst)?,
                }
                write!(f, ", ttl {}", self.ttl)
            }
            L4::Icmp(i) => {
                let what = match i.kind {
                    IcmpKind::EchoReply => "echo reply",
                    _ => "echo request",
                };
                write!(
                    f,
                    "IP {} > {}: ICMP {what}, id {}, seq {}, ttl {}",
                    self.src, self.dst, i.id, i.seq, self.ttl
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_flags_print_like_tcpdump() {
        assert_eq!(TcpFlags::SYN.to_string(), "[S]");
        assert_eq!(TcpFlags::SYN_ACK.to_string(), "[S.]");
        assert_eq!(TcpFlags::RST_ACK.to_string(), "[R.]");
    }

    #[test]
    fn arp_request_prints_who_has() {
        let f = Frame {
            eth: Some(Ethernet {
                src: "b2:26:04:c6:c6:4b".parse().unwrap(),
                dst: Mac::BROADCAST,
            }),
            body: Body::Arp(Arp {
                op: ArpOp::Request,
                sha: "b2:26:04:c6:c6:4b".parse().unwrap(),
                spa: "10.244.0.2".parse().unwrap(),
                tha: Mac::ZERO,
                tpa: "10.244.0.3".parse().unwrap(),
            }),
        };
        assert_eq!(
            f.to_string(),
            "b2:26:04:c6:c6:4b > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.244.0.3 tell 10.244.0.2"
        );
    }
}
