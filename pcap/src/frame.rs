//! A model frame as the bytes on the wire. etherparse builds the Ethernet, ARP, IPv4, TCP,
//! UDP and ICMP headers (lengths and checksums computed); the VXLAN header (RFC 7348 §5) is
//! eight bytes written here, followed by the inner frame; DNS messages come from [`crate::dns`].

use crate::dns::{self, Ctx};
use etherparse::icmpv4::DestUnreachableHeader;
use etherparse::{
    ArpHardwareId, ArpOperation, ArpPacket, EtherType, Icmpv4Type, IpHeaders, IpNumber, Ipv4Header,
    PacketBuilder, TcpHeader,
};
use packetwalk_core::packet::{ArpOp, Body, Frame, IcmpKind, Ipv4, Tcp, Udp, UdpPayload, L4};

/// The initial sequence numbers of the walk's TCP exchange (the model has none): the
/// client's SYN, the server's SYN-ACK.
pub const CLIENT_ISN: u32 = 1_000_000;
pub const SERVER_ISN: u32 = 2_000_000;
/// The windows Linux 6.1 advertises in a SYN and a SYN-ACK on a 1500-byte link.
const SYN_WINDOW: u16 = 64240;
const SYN_ACK_WINDOW: u16 = 65160;

/// The bytes of `f` on the wire, from the Ethernet header on; `None` for a packet without
/// a link header (one the kernel is still routing: not on a wire).
pub fn bytes(f: &Frame, ctx: &Ctx) -> Option<Vec<u8>> {
    let eth = f.eth?;
    let step = PacketBuilder::ethernet2(eth.src.0, eth.dst.0);
    let mut out = Vec::new();
    match &f.body {
        Body::Arp(a) => {
            let op = match a.op {
                ArpOp::Request => ArpOperation::REQUEST,
                ArpOp::Reply => ArpOperation::REPLY,
            };
            let arp = ArpPacket::new(
                ArpHardwareId::ETHERNET,
                EtherType::IPV4,
                op,
                &a.sha.0,
                &a.spa.octets(),
                &a.tha.0,
                &a.tpa.octets(),
            )
            .ok()?;
            step.arp(arp).write(&mut out).ok()?;
        }
        Body::Ipv4(ip) => {
            let step = step.ip(IpHeaders::Ipv4(ipv4_header(ip)?, Default::default()));
            match &ip.l4 {
                L4::Tcp(t) => step.tcp_header(tcp_header(t)).write(&mut out, &[]).ok()?,
                L4::Udp(u) => {
                    let payload = udp_payload(u, ctx)?;
                    // VXLAN's outer UDP checksum too: the kernel's VXLAN device computes it
                    // unless created with `noudpcsum`, and flannel does not ask for that (the
                    // kernel conformance run compares it, lab/src/headers.rs).
                    step.udp(u.sport, u.dport).write(&mut out, &payload).ok()?;
                }
                L4::Icmp(i) => {
                    let (step, quote) = match i.kind {
                        IcmpKind::EchoRequest => (step.icmpv4_echo_request(i.id, i.seq), vec![]),
                        IcmpKind::EchoReply => (step.icmpv4_echo_reply(i.id, i.seq), vec![]),
                        IcmpKind::PortUnreachable => {
                            let ty =
                                Icmpv4Type::DestinationUnreachable(DestUnreachableHeader::Port);
                            (step.icmpv4(ty), quoted(i.quote.as_deref()?, ctx)?)
                        }
                    };
                    step.write(&mut out, &quote).ok()?
                }
            }
        }
    }
    Some(out)
}

/// An ICMP error's quote: the packet it answers from its IP header on, as much as fits in
/// 576 bytes (`__icmp_send`, net/ipv4/icmp.c: 576 less the error's own 28 bytes of headers).
fn quoted(ip: &Ipv4, ctx: &Ctx) -> Option<Vec<u8>> {
    let mut f = Frame::routed(ip);
    f.eth = Some(packetwalk_core::packet::Ethernet {
        src: Default::default(),
        dst: Default::default(),
    });
    let mut b = bytes(&f, ctx)?;
    b.drain(..14);
    b.truncate(576 - 28);
    Some(b)
}

fn ipv4_header(ip: &Ipv4) -> Option<Ipv4Header> {
    // Length, protocol and checksum are filled in by the builder.
    let mut h = Ipv4Header::new(
        0,
        ip.ttl,
        IpNumber(ip.l4.protocol_number()),
        ip.src.octets(),
        ip.dst.octets(),
    )
    .ok()?;
    h.dont_fragment = ip.df;
    if let L4::Icmp(i) = &ip.l4 {
        // An error goes with precedence "internetwork control", TOS 0xc0 (`__icmp_send`,
        // net/ipv4/icmp.c: `IPTOS_PREC_INTERNETCONTROL`): DSCP 48.
        if i.kind.is_error() {
            h.dscp = etherparse::IpDscp::try_new(0x30).ok()?;
        }
    }
    Some(h)
}

/// The model's TCP has flags only: sequence and acknowledgement numbers follow from them,
/// consistently across the walk (a SYN-ACK acknowledges the SYN, a RST answers it).
fn tcp_header(t: &Tcp) -> TcpHeader {
    let f = t.flags;
    let (seq, ack, window) = match (f.syn, f.ack, f.rst) {
        (true, false, _) => (CLIENT_ISN, 0, SYN_WINDOW),
        (true, true, _) => (SERVER_ISN, CLIENT_ISN + 1, SYN_ACK_WINDOW),
        (false, true, true) => (0, CLIENT_ISN + 1, 0),
        (false, true, false) => (CLIENT_ISN + 1, SERVER_ISN + 1, 502),
        _ => (CLIENT_ISN, 0, 0),
    };
    let mut h = TcpHeader::new(t.sport, t.dport, seq, window);
    h.syn = f.syn;
    h.ack = f.ack;
    h.rst = f.rst;
    h.fin = f.fin;
    h.acknowledgment_number = ack;
    h
}

fn udp_payload(u: &Udp, ctx: &Ctx) -> Option<Vec<u8>> {
    Some(match &u.payload {
        UdpPayload::Dns(m) => dns::message(m, ctx),
        UdpPayload::Vxlan(v) => {
            // RFC 7348 §5: flags (0x08: the VNI is valid), 24 reserved bits, the 24-bit
            // VNI, 8 reserved bits; then the inner Ethernet frame, unchanged.
            let vni = v.vni.to_be_bytes();
            let mut p = vec![0x08, 0, 0, 0, vni[1], vni[2], vni[3], 0];
            p.extend(bytes(&v.inner, ctx)?);
            p
        }
        UdpPayload::Data => Vec::new(),
    })
}
