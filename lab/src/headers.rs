//! One frame of the model's pcapng against the kernel's, from the bytes, for what the parsed
//! frame ([`crate::pcap::Pkt`], compared by [`crate::fields`]) does not carry: IPv4's TOS,
//! length, id, protocol and checksum; TCP's sequence and acknowledgement numbers, flags byte,
//! window, options and checksum; UDP's length and checksum; ICMP's payload and checksum;
//! DNS's flags and counts; the VXLAN header and, inside it, the inner frame the same way.
//! Each difference is either explained (a [`Reason`]) or not (it becomes a finding).

use crate::fields::tally;
use crate::mapping::Mapper;
use std::collections::BTreeMap;

/// Why a header field may differ between the model's bytes and the kernel's.
pub const REASONS: &[(&str, &str)] = &[
    ("ip-id", "IPv4 identification: the model writes 0; the kernel picks one per packet (random, or counted per socket/destination). Nothing in the lesson reads it."),
    ("tcp-isn", "TCP sequence and acknowledgement numbers: the model's initial sequence numbers are fixed (client 1000000, server 2000000), the kernel's are random; they are mapped model → kernel like ports (`tcp-isn`), so each acknowledgement must follow its SYN's number."),
    ("tcp-options", "TCP options: the model's segments carry none; the kernel's SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window scale. The TCP header's length, the window, and the IPv4 total length follow from them."),
    ("icmp-payload", "ICMP echo payload: the model's pings carry none; ping sends 56 bytes (a timestamp and a pattern). The IPv4 total length follows from it."),
    ("checksum", "A checksum that differs where the bytes it covers differ for a reason above: the model's verifies over the model's bytes, and the kernel's over the kernel's or it was left to the device (CHECKSUM_PARTIAL: a veth or a bridge hands the frame on with the checksum not filled in, and tcpdump sees it so)."),
];

/// A reason's id.
pub type Reason = &'static str;

/// What one comparison found: the reasons that explained a field (field, reason), and the
/// differences nothing explains.
#[derive(Debug, Default)]
pub struct Diffs {
    pub explained: Vec<(String, Reason)>,
    pub unexplained: Vec<String>,
}

fn be16(b: &[u8], o: usize) -> u16 {
    u16::from_be_bytes([b[o], b[o + 1]])
}

fn be32(b: &[u8], o: usize) -> u32 {
    u32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

/// The one's-complement sum of `data` (RFC 1071), folded, plus `start`.
fn sum16(start: u32, data: &[u8]) -> u32 {
    let mut s = start;
    for c in data.chunks(2) {
        s += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s
}

/// Does the IPv4 header checksum verify, and the L4 checksum (over its pseudo-header), or
/// was the L4 one left to the device (it holds the pseudo-header's sum only)?
fn verifies(ip: &[u8], ihl: usize, total: usize) -> (bool, bool) {
    let header = sum16(0, &ip[..ihl]) == 0xffff;
    let l4 = &ip[ihl..total];
    let pseudo = sum16(u32::from(ip[9]) + l4.len() as u32, &ip[12..20]);
    let at = match ip[9] {
        6 if l4.len() >= 20 => 16,
        17 if l4.len() >= 8 => 6,
        _ => return (header, sum16(0, l4) == 0xffff),
    };
    let stored = be16(l4, at);
    let l4_ok = (ip[9] == 17 && stored == 0) // no checksum
        || sum16(pseudo, l4) == 0xffff
        || u32::from(stored) == pseudo // CHECKSUM_PARTIAL
        || (ip[9] == 17 && l4.len() > 8 + 8 + 14 && {
            // A VXLAN frame whose inner checksum is left to the device: the outer one was
            // computed for the inner frame as it will be (local checksum offload).
            let mut filled = l4.to_vec();
            fill_partial(&mut filled[8 + 8 + 14..]);
            sum16(pseudo, &filled) == 0xffff
        });
    (header, l4_ok)
}

/// Fill in an IPv4 packet's TCP or UDP checksum that was left to the device.
fn fill_partial(ip: &mut [u8]) {
    if ip.len() < 20 || ip[0] >> 4 != 4 {
        return;
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(be16(ip, 2)).min(ip.len());
    let at = match ip[9] {
        6 => 16,
        17 => 6,
        _ => return,
    };
    if total < ihl + at + 2 {
        return;
    }
    let pseudo = sum16(u32::from(ip[9]) + (total - ihl) as u32, &ip[12..20]);
    if u32::from(be16(ip, ihl + at)) != pseudo {
        return;
    }
    ip[ihl + at..ihl + at + 2].copy_from_slice(&[0, 0]);
    let sum = !(sum16(pseudo, &ip[ihl..total]) as u16);
    ip[ihl + at..ihl + at + 2].copy_from_slice(&sum.to_be_bytes());
}

/// Compare two Ethernet frames' headers from their bytes; `prefix` names an inner frame.
pub fn compare(
    m: &[u8],
    k: &[u8],
    vxlan_port: u16,
    mapper: &mut Mapper,
    at: &str,
    prefix: &str,
    fields: &mut BTreeMap<String, (usize, usize)>,
) -> Diffs {
    let mut d = Diffs::default();
    if m.len() < 34 || k.len() < 34 || be16(m, 12) != 0x0800 || be16(k, 12) != 0x0800 {
        return d; // ARP and the rest: every field is in the parsed frame
    }
    let (mi, ki) = (&m[14..], &k[14..]);
    let ihl = |p: &[u8]| usize::from(p[0] & 0x0f) * 4;
    let total = |p: &[u8]| usize::from(be16(p, 2)).min(p.len());
    let (mh, kh) = (ihl(mi), ihl(ki));
    if mh < 20 || kh < 20 || total(mi) < mh || total(ki) < kh {
        d.unexplained
            .push(format!("{prefix}ip: a header cut short"));
        return d;
    }
    let (ml, kl) = (&mi[mh..total(mi)], &ki[kh..total(ki)]);
    // Field name, model value, kernel value, the reason that may explain it (None: none may).
    let mut rows: Vec<(&str, u64, u64, Option<Reason>)> = vec![
        ("ip.ihl", mh as u64, kh as u64, None),
        ("ip.tos", u64::from(mi[1]), u64::from(ki[1]), None),
        (
            "ip.id",
            u64::from(be16(mi, 4)),
            u64::from(be16(ki, 4)),
            Some("ip-id"),
        ),
        (
            "ip.frag",
            u64::from(be16(mi, 6)),
            u64::from(be16(ki, 6)),
            None,
        ),
        ("ip.proto", u64::from(mi[9]), u64::from(ki[9]), None),
    ];
    let mut length_reason = None;
    let mut inner = None;
    match (mi[9], mi[9] == ki[9]) {
        (6, true) if ml.len() >= 20 && kl.len() >= 20 => {
            let isn = |seq: u32, ack: bool| if ack { seq.wrapping_sub(1) } else { seq };
            let ack = ml[13] & 0x10 != 0;
            for (name, o, on) in [("tcp.seq", 4, true), ("tcp.ack", 8, ack)] {
                if !on {
                    continue;
                }
                let (mv, kv) = (be32(ml, o), be32(kl, o));
                let table_ok = mapper
                    .check(
                        "tcp-isn",
                        isn(mv, name == "tcp.ack"),
                        isn(kv, name == "tcp.ack"),
                        at,
                    )
                    .is_ok();
                let why = table_ok.then_some("tcp-isn");
                rows.push((name, u64::from(mv), u64::from(kv), why));
            }
            let opts = |l: &[u8]| {
                l.get(20..usize::from(l[12] >> 4) * 4)
                    .unwrap_or(&[])
                    .to_vec()
            };
            let options = ml[12] >> 4 != kl[12] >> 4 || opts(ml) != opts(kl);
            let why = options.then_some("tcp-options");
            length_reason = why;
            rows.push((
                "tcp.options",
                u64::from(ml[12] >> 4),
                u64::from(kl[12] >> 4),
                why,
            ));
            rows.push(("tcp.flags", u64::from(ml[13]), u64::from(kl[13]), None));
            rows.push((
                "tcp.window",
                u64::from(be16(ml, 14)),
                u64::from(be16(kl, 14)),
                why,
            ));
            rows.push((
                "tcp.urgent",
                u64::from(be16(ml, 18)),
                u64::from(be16(kl, 18)),
                None,
            ));
            rows.push((
                "tcp.checksum",
                u64::from(be16(ml, 16)),
                u64::from(be16(kl, 16)),
                Some("checksum"),
            ));
        }
        (17, true) if ml.len() >= 8 && kl.len() >= 8 => {
            rows.push((
                "udp.checksum",
                u64::from(be16(ml, 6)),
                u64::from(be16(kl, 6)),
                Some("checksum"),
            ));
            let dport = be16(ml, 2);
            let (mp, kp) = (&ml[8..], &kl[8..]);
            if dport == vxlan_port && mp.len() >= 8 && kp.len() >= 8 {
                rows.push((
                    "vxlan.header",
                    u64::from(be32(mp, 0)) << 32 | u64::from(be32(mp, 4)),
                    u64::from(be32(kp, 0)) << 32 | u64::from(be32(kp, 4)),
                    None,
                ));
                let i = compare(
                    &mp[8..],
                    &kp[8..],
                    vxlan_port,
                    mapper,
                    at,
                    &format!("{prefix}inner."),
                    fields,
                );
                // The outer lengths follow the inner frame's.
                length_reason = i
                    .explained
                    .iter()
                    .map(|e| e.1)
                    .find(|r| *r != "checksum" && *r != "ip-id" && *r != "tcp-isn");
                inner = Some(i);
            } else if (be16(ml, 0) == 53 || dport == 53) && mp.len() >= 12 && kp.len() >= 12 {
                rows.push((
                    "dns.flags",
                    u64::from(be16(mp, 2)),
                    u64::from(be16(kp, 2)),
                    None,
                ));
                for (name, o) in [
                    ("dns.qdcount", 4),
                    ("dns.ancount", 6),
                    ("dns.nscount", 8),
                    ("dns.arcount", 10),
                ] {
                    rows.push((name, u64::from(be16(mp, o)), u64::from(be16(kp, o)), None));
                }
            }
            rows.push((
                "udp.length",
                u64::from(be16(ml, 4)),
                u64::from(be16(kl, 4)),
                length_reason,
            ));
        }
        // An ICMP error (destination unreachable, time exceeded): its payload is the packet
        // it answers (RFC 792), compared as a packet of its own (ip-id, tcp-options and
        // tcp-isn explain it as they explain the original), its addresses and ports too.
        (1, true) if matches!(ml[0], 3 | 11) && ml.len() >= 36 && kl.len() >= 36 => {
            let wrap = |q: &[u8]| [&[0u8; 12][..], &[8, 0], q].concat();
            let (mq, kq) = (&ml[8..], &kl[8..]);
            let q = format!("{prefix}quoted.");
            let (mh, kh) = (usize::from(mq[0] & 0x0f) * 4, usize::from(kq[0] & 0x0f) * 4);
            rows.push(("icmp.quoted.ttl", u64::from(mq[8]), u64::from(kq[8]), None));
            for (name, o) in [("icmp.quoted.src", 12), ("icmp.quoted.dst", 16)] {
                rows.push((name, u64::from(be32(mq, o)), u64::from(be32(kq, o)), None));
            }
            if mh + 4 <= mq.len() && kh + 4 <= kq.len() {
                for (name, o) in [("icmp.quoted.sport", mh), ("icmp.quoted.dport", mh + 2)] {
                    let (mv, kv) = (be16(mq, o), be16(kq, o + kh - mh));
                    let ok = mapper.check("port", mv.into(), kv.into(), at).is_ok();
                    rows.push((name, 0, u64::from(!ok), None));
                }
            }
            let i = compare(&wrap(mq), &wrap(kq), vxlan_port, mapper, at, &q, fields);
            length_reason = i
                .explained
                .iter()
                .map(|e| e.1)
                .find(|r| *r != "checksum" && *r != "ip-id" && *r != "tcp-isn");
            rows.push((
                "icmp.checksum",
                u64::from(be16(ml, 2)),
                u64::from(be16(kl, 2)),
                Some("checksum"),
            ));
            inner = Some(i);
        }
        (1, true) if ml.len() >= 8 && kl.len() >= 8 => {
            let payload = ml[8..] != kl[8..];
            length_reason = payload.then_some("icmp-payload");
            rows.push((
                "icmp.payload",
                ml.len() as u64 - 8,
                kl.len() as u64 - 8,
                length_reason,
            ));
            rows.push((
                "icmp.checksum",
                u64::from(be16(ml, 2)),
                u64::from(be16(kl, 2)),
                Some("checksum"),
            ));
        }
        _ => {}
    }
    rows.push((
        "ip.length",
        total(mi) as u64,
        total(ki) as u64,
        length_reason,
    ));
    rows.push((
        "ip.checksum",
        u64::from(be16(mi, 10)),
        u64::from(be16(ki, 10)),
        Some("checksum"),
    ));
    // A checksum is explained only when the model's verifies over the model's bytes and the
    // kernel's over the kernel's (or was left to the device): then it differs because the
    // bytes it covers do, and those are compared field by field, here or in the parsed frame.
    let (m_hdr, m_l4) = verifies(mi, mh, total(mi));
    let (k_hdr, k_l4) = verifies(ki, kh, total(ki));
    for (name, mv, kv, why) in rows {
        let ok = mv == kv;
        tally(fields, &format!("{prefix}{name}"), ok);
        if ok {
            continue;
        }
        let why = match why {
            Some("checksum") => {
                let both = if name == "ip.checksum" {
                    m_hdr && k_hdr
                } else {
                    m_l4 && k_l4
                };
                both.then_some("checksum")
            }
            w => w,
        };
        match why {
            Some(w) => d.explained.push((format!("{prefix}{name}"), w)),
            None => d
                .unexplained
                .push(format!("{prefix}{name}: model {mv:#x}, kernel {kv:#x}")),
        }
    }
    if let Some(i) = inner {
        d.explained.extend(i.explained);
        d.unexplained.extend(i.unexplained);
    }
    d
}
