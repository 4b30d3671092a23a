//! A frame → its header tree, outermost first, with each field compared with the same
//! packet at its previous hop: what a MAC rewrite, a TTL decrement, NAT or VXLAN changed.

use crate::model::{Field, Layer, LayerKind, Mark, Packet};
use packetwalk_core::dns::{DnsMessage, QType};
use packetwalk_core::packet::{ArpOp, Body, Frame, IcmpKind, UdpPayload, L4};

/// The packet at a hop. `prev` is the same packet at its previous hop (none for the first);
/// `nat` says this hop translates addresses, so changed addresses and ports are NAT's work.
pub fn packet(frame: &Frame, prev: Option<&Frame>, nat: bool) -> Packet {
    let mut tree = layers(frame);
    if let Some(prev) = prev {
        match (frame.vxlan(), prev.vxlan()) {
            // Just encapsulated: every outer header is new, the inner frame is the old packet.
            (Some(_), None) => {
                for l in tree.iter_mut() {
                    l.mark = Mark::Added;
                    if l.kind == LayerKind::Vxlan {
                        compare(&mut l.inner, &layers(prev), nat);
                    }
                }
            }
            // Just decapsulated: the packet is what was inside.
            (None, Some(v)) => compare(&mut tree, &layers(&v.inner), nat),
            _ => compare(&mut tree, &layers(prev), nat),
        }
    }
    Packet {
        tcpdump: frame.to_string(),
        tag: tag(frame),
        layers: tree,
    }
}

/// Mark `cur` against `prev`, layer by layer (matched by kind).
fn compare(cur: &mut [Layer], prev: &[Layer], nat: bool) {
    for layer in cur.iter_mut() {
        let Some(old) = prev.iter().find(|p| p.kind == layer.kind) else {
            layer.mark = Mark::Added;
            continue;
        };
        let mut mark = Mark::Same;
        for f in layer.fields.iter_mut() {
            let Some(was) = old.fields.iter().find(|o| o.name == f.name) else {
                continue;
            };
            if was.value != f.value {
                f.mark = if nat && is_address_or_port(layer.kind, &f.name) {
                    Mark::Nat
                } else {
                    Mark::Changed
                };
                f.was = Some(was.value.clone());
                if mark != Mark::Nat {
                    mark = f.mark;
                }
            }
        }
        if layer.kind == LayerKind::Vxlan {
            compare(&mut layer.inner, &old.inner, nat);
        }
        layer.mark = mark;
    }
}

fn is_address_or_port(kind: LayerKind, field: &str) -> bool {
    matches!(kind, LayerKind::Ipv4 | LayerKind::Tcp | LayerKind::Udp)
        && matches!(
            field,
            "Source" | "Destination" | "Source port" | "Destination port"
        )
}

fn field(name: &str, value: impl ToString) -> Field {
    Field {
        name: name.into(),
        value: value.to_string(),
        mark: Mark::Same,
        was: None,
    }
}

fn layer(kind: LayerKind, name: &str, summary: String, fields: Vec<Field>) -> Layer {
    Layer {
        kind,
        name: name.into(),
        summary,
        mark: Mark::Same,
        fields,
        inner: Vec::new(),
    }
}

/// The header tree of a frame, outermost first.
pub fn layers(frame: &Frame) -> Vec<Layer> {
    let mut out = Vec::new();
    if let Some(eth) = &frame.eth {
        let kind = match frame.body {
            Body::Arp(_) => "0x0806 (ARP)",
            Body::Ipv4(_) => "0x0800 (IPv4)",
        };
        out.push(layer(
            LayerKind::Ethernet,
            "Ethernet II",
            format!("{} → {}", eth.src, eth.dst),
            vec![
                field("Source", eth.src),
                field("Destination", eth.dst),
                field("Type", kind),
            ],
        ));
    }
    match &frame.body {
        Body::Arp(a) => {
            let op = match a.op {
                ArpOp::Request => "request (1)",
                ArpOp::Reply => "reply (2)",
            };
            let summary = match a.op {
                ArpOp::Request => format!("who has {}? tell {}", a.tpa, a.spa),
                ArpOp::Reply => format!("{} is at {}", a.spa, a.sha),
            };
            out.push(layer(
                LayerKind::Arp,
                "ARP",
                summary,
                vec![
                    field("Operation", op),
                    field("Sender MAC", a.sha),
                    field("Sender IP", a.spa),
                    field("Target MAC", a.tha),
                    field("Target IP", a.tpa),
                ],
            ));
        }
        Body::Ipv4(ip) => {
            out.push(layer(
                LayerKind::Ipv4,
                "IPv4",
                format!("{} → {}", ip.src, ip.dst),
                vec![
                    field("Source", ip.src),
                    field("Destination", ip.dst),
                    field("TTL", ip.ttl),
                    field(
                        "Protocol",
                        format!(
                            "{} ({})",
                            ip.l4.protocol_number(),
                            ip.l4.protocol_name().to_uppercase()
                        ),
                    ),
                    field("Don't fragment", if ip.df { "set" } else { "not set" }),
                ],
            ));
            match &ip.l4 {
                L4::Tcp(t) => out.push(layer(
                    LayerKind::Tcp,
                    "TCP",
                    format!("{} → {} {}", t.sport, t.dport, t.flags),
                    vec![
                        field("Source port", t.sport),
                        field("Destination port", t.dport),
                        field("Flags", format!("{} {}", t.flags, flag_words(t.flags))),
                    ],
                )),
                L4::Icmp(i) if i.kind == IcmpKind::PortUnreachable => {
                    let quoted = i.quote.as_deref().map_or_else(String::new, |q| {
                        let port = q.l4.ports().map_or(0, |p| p.1);
                        format!("{} {} port {port}", q.dst, q.l4.protocol_name())
                    });
                    let q = |f: fn(&packetwalk_core::packet::Ipv4) -> String| {
                        i.quote.as_deref().map_or_else(String::new, f)
                    };
                    out.push(layer(
                        LayerKind::Icmp,
                        "ICMP",
                        format!("destination unreachable: {quoted} unreachable"),
                        vec![
                            field("Type", "3 (destination unreachable)"),
                            field("Code", "3 (port unreachable)"),
                            field("Quoted source", q(|p| p.src.to_string())),
                            field("Quoted destination", q(|p| p.dst.to_string())),
                            field(
                                "Quoted ports",
                                q(|p| {
                                    p.l4.ports().map_or_else(String::new, |(s, d)| {
                                        format!("{s} → {d} ({})", p.l4.protocol_name())
                                    })
                                }),
                            ),
                            field("Quoted TTL", q(|p| p.ttl.to_string())),
                        ],
                    ));
                }
                L4::Icmp(i) => {
                    let (ty, code) = i.kind.type_code();
                    let what = match i.kind {
                        IcmpKind::EchoReply => "echo reply",
                        _ => "echo request",
                    };
                    out.push(layer(
                        LayerKind::Icmp,
                        "ICMP",
                        format!("{what}, id {}, seq {}", i.id, i.seq),
                        vec![
                            field("Type", format!("{ty} ({what})")),
                            field("Code", code),
                            field("Identifier", i.id),
                            field("Sequence", i.seq),
                        ],
                    ));
                }
                L4::Udp(u) => {
                    out.push(layer(
                        LayerKind::Udp,
                        "UDP",
                        format!("{} → {}", u.sport, u.dport),
                        vec![
                            field("Source port", u.sport),
                            field("Destination port", u.dport),
                        ],
                    ));
                    match &u.payload {
                        UdpPayload::Dns(m) => out.push(dns_layer(m)),
                        UdpPayload::Vxlan(v) => {
                            let mut l = layer(
                                LayerKind::Vxlan,
                                "VXLAN",
                                format!("VNI {}, carrying a whole Ethernet frame", v.vni),
                                vec![field("Flags", "0x08 (I: VNI valid)"), field("VNI", v.vni)],
                            );
                            l.inner = layers(&v.inner);
                            out.push(l);
                        }
                        UdpPayload::Data => {}
                    }
                }
            }
        }
    }
    out
}

fn dns_layer(m: &DnsMessage) -> Layer {
    let qtype = match m.qtype {
        QType::A => "A",
        QType::Aaaa => "AAAA",
    };
    let mut fields = vec![
        field("ID", m.id),
        field("Kind", if m.response { "response" } else { "query" }),
        field("Question", format!("{} {qtype}", m.qname)),
    ];
    let summary = if m.response {
        let rcode = format!("{:?}", m.rcode).to_uppercase();
        fields.push(field("Response code", &rcode));
        let answers: Vec<String> = m
            .answers
            .iter()
            .map(|a| format!("{} {} A {}", a.name, a.ttl, a.a))
            .collect();
        fields.push(field(
            "Answers",
            if answers.is_empty() {
                "none".to_string()
            } else {
                answers.join("; ")
            },
        ));
        match m.answers.first() {
            Some(a) => format!("{qtype} {} → {}", m.qname, a.a),
            None if rcode == "NOERROR" => format!("{qtype} {}: no data", m.qname),
            None => format!("{qtype} {}: {rcode}", m.qname),
        }
    } else {
        format!("{qtype}? {}", m.qname)
    };
    layer(LayerKind::Dns, "DNS", summary, fields)
}

fn flag_words(f: packetwalk_core::packet::TcpFlags) -> String {
    let mut w = Vec::new();
    if f.syn {
        w.push("SYN");
    }
    if f.fin {
        w.push("FIN");
    }
    if f.rst {
        w.push("RST");
    }
    if f.ack {
        w.push("ACK");
    }
    format!("({})", w.join(", "))
}

/// The word on the packet in the drawing.
pub fn tag(frame: &Frame) -> String {
    match &frame.body {
        Body::Arp(a) => match a.op {
            ArpOp::Request => "ARP?".into(),
            ArpOp::Reply => "ARP".into(),
        },
        Body::Ipv4(ip) => match &ip.l4 {
            L4::Tcp(t) => match (t.flags.syn, t.flags.ack, t.flags.rst) {
                (true, false, _) => "SYN".into(),
                (true, true, _) => "SYN-ACK".into(),
                (_, _, true) => "RST".into(),
                _ => "ACK".into(),
            },
            L4::Icmp(_) => "ICMP".into(),
            L4::Udp(u) => match &u.payload {
                UdpPayload::Dns(_) => "DNS".into(),
                UdpPayload::Vxlan(v) => tag(&v.inner),
                UdpPayload::Data => "UDP".into(),
            },
        },
    }
}
