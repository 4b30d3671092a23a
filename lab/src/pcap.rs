//! A small pcap reader (classic libpcap files, micro- or nanosecond timestamps, Ethernet
//! link type) and a frame parser for what the lessons put on the wire: Ethernet, ARP, IPv4,
//! TCP, UDP, ICMP, VXLAN (with the inner frame parsed the same way) and DNS.

use packetwalk_core::addr::Mac;
use std::net::Ipv4Addr;

/// One captured frame and when it was seen (nanoseconds since the epoch).
#[derive(Clone, Debug)]
pub struct Record {
    pub ts_ns: u64,
    pub data: Vec<u8>,
}

/// Read a pcap file's records. Only Ethernet (link type 1) is accepted.
pub fn read(bytes: &[u8]) -> Result<Vec<Record>, String> {
    if bytes.len() < 24 {
        return Err("not a pcap file (shorter than its header)".into());
    }
    let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
    let (le, nano) = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (true, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (true, true),
        [0xa1, 0xb2, 0xc3, 0xd4] => (false, false),
        [0xa1, 0xb2, 0x3c, 0x4d] => (false, true),
        _ => return Err("not a pcap file (bad magic)".into()),
    };
    let u32_at = |b: &[u8], o: usize| {
        let a = [b[o], b[o + 1], b[o + 2], b[o + 3]];
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let linktype = u32_at(bytes, 20);
    if linktype != 1 {
        return Err(format!("link type {linktype} is not Ethernet"));
    }
    let mut out = Vec::new();
    let mut off = 24;
    while off + 16 <= bytes.len() {
        let sec = u64::from(u32_at(bytes, off));
        let frac = u64::from(u32_at(bytes, off + 4));
        let incl = u32_at(bytes, off + 8) as usize;
        off += 16;
        if off + incl > bytes.len() {
            break; // a record cut short when the capture was stopped
        }
        let ts_ns = sec * 1_000_000_000 + if nano { frac } else { frac * 1000 };
        out.push(Record {
            ts_ns,
            data: bytes[off..off + incl].to_vec(),
        });
        off += incl;
    }
    Ok(out)
}

/// A frame as a tap sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkt {
    pub src: Mac,
    pub dst: Mac,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Arp(Arp),
    Ip(Ip),
    Other { ethertype: u16 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arp {
    /// 1 request, 2 reply.
    pub op: u16,
    pub sha: Mac,
    pub spa: Ipv4Addr,
    pub tha: Mac,
    pub tpa: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ip {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub df: bool,
    pub l4: L4,
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const ACK: u8 = 0x10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L4 {
    /// `flags` holds FIN, SYN, RST and ACK only (PSH, URG, ECE, CWR are dropped).
    Tcp {
        sport: u16,
        dport: u16,
        flags: u8,
    },
    Udp {
        sport: u16,
        dport: u16,
        app: App,
    },
    Icmp {
        ty: u8,
        code: u8,
        id: u16,
        seq: u16,
    },
    Other {
        proto: u8,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum App {
    None,
    Dns(Dns),
    Vxlan {
        flags: u8,
        vni: u32,
        inner: Box<Pkt>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dns {
    pub id: u16,
    pub response: bool,
    pub rcode: u8,
    /// Fully qualified, lower case, with the trailing dot.
    pub qname: String,
    pub qtype: u16,
    /// A records: (address, TTL).
    pub answers: Vec<(Ipv4Addr, u32)>,
}

fn mac(b: &[u8]) -> Mac {
    let mut m = [0u8; 6];
    m.copy_from_slice(&b[..6]);
    Mac(m)
}

fn ip4(b: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(b[0], b[1], b[2], b[3])
}

fn be16(b: &[u8], o: usize) -> u16 {
    u16::from_be_bytes([b[o], b[o + 1]])
}

/// Parse an Ethernet frame. `vxlan_port` is the UDP port whose payload is VXLAN.
pub fn parse(data: &[u8], vxlan_port: u16) -> Option<Pkt> {
    if data.len() < 14 {
        return None;
    }
    let (dst, src, ethertype) = (mac(&data[0..6]), mac(&data[6..12]), be16(data, 12));
    let p = &data[14..];
    let body = match ethertype {
        0x0806 if p.len() >= 28 => Body::Arp(Arp {
            op: be16(p, 6),
            sha: mac(&p[8..14]),
            spa: ip4(&p[14..18]),
            tha: mac(&p[18..24]),
            tpa: ip4(&p[24..28]),
        }),
        0x0800 if p.len() >= 20 => Body::Ip(parse_ip(p, vxlan_port)?),
        _ => Body::Other { ethertype },
    };
    Some(Pkt { src, dst, body })
}

fn parse_ip(p: &[u8], vxlan_port: u16) -> Option<Ip> {
    let ihl = usize::from(p[0] & 0x0f) * 4;
    let total = usize::from(be16(p, 2)).min(p.len());
    if ihl < 20 || total < ihl {
        return None;
    }
    let (df, ttl, proto) = (be16(p, 6) & 0x4000 != 0, p[8], p[9]);
    let (src, dst) = (ip4(&p[12..16]), ip4(&p[16..20]));
    let l = &p[ihl..total];
    let l4 = match proto {
        6 if l.len() >= 14 => L4::Tcp {
            sport: be16(l, 0),
            dport: be16(l, 2),
            flags: l[13] & (FIN | SYN | RST | ACK),
        },
        17 if l.len() >= 8 => {
            let (sport, dport) = (be16(l, 0), be16(l, 2));
            let payload = &l[8..];
            let app = if dport == vxlan_port && payload.len() >= 8 {
                let vni = u32::from_be_bytes([0, payload[4], payload[5], payload[6]]);
                match parse(&payload[8..], vxlan_port) {
                    Some(inner) => App::Vxlan {
                        flags: payload[0],
                        vni,
                        inner: Box::new(inner),
                    },
                    None => App::None,
                }
            } else if sport == 53 || dport == 53 {
                parse_dns(payload).map(App::Dns).unwrap_or(App::None)
            } else {
                App::None
            };
            L4::Udp { sport, dport, app }
        }
        1 if l.len() >= 8 => L4::Icmp {
            ty: l[0],
            code: l[1],
            id: be16(l, 4),
            seq: be16(l, 6),
        },
        _ => L4::Other { proto },
    };
    Some(Ip {
        src,
        dst,
        ttl,
        df,
        l4,
    })
}

/// A DNS name at `off` (following compression pointers) and the offset after it.
fn dns_name(b: &[u8], mut off: usize) -> Option<(String, usize)> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    for _ in 0..128 {
        let n = *b.get(off)?;
        if n & 0xc0 == 0xc0 {
            end.get_or_insert(off + 2);
            off = (usize::from(n & 0x3f) << 8) | usize::from(*b.get(off + 1)?);
            continue;
        }
        off += 1;
        if n == 0 {
            let name = format!("{}.", labels.join(".")).to_ascii_lowercase();
            return Some((
                if name == "." { ".".into() } else { name },
                end.unwrap_or(off),
            ));
        }
        labels.push(String::from_utf8_lossy(b.get(off..off + usize::from(n))?).into_owned());
        off += usize::from(n);
    }
    None
}

fn parse_dns(b: &[u8]) -> Option<Dns> {
    if b.len() < 12 {
        return None;
    }
    let (id, flags, qd, an) = (be16(b, 0), be16(b, 2), be16(b, 4), be16(b, 6));
    if qd == 0 {
        return None;
    }
    let (qname, mut off) = dns_name(b, 12)?;
    let qtype = be16(b.get(off..off + 4)?, 0);
    off += 4;
    let mut answers = Vec::new();
    for _ in 0..an {
        let (_, o) = dns_name(b, off)?;
        let h = b.get(o..o + 10)?;
        let (ty, ttl, len) = (
            be16(h, 0),
            u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
            usize::from(be16(h, 8)),
        );
        let rdata = b.get(o + 10..o + 10 + len)?;
        if ty == 1 && len == 4 {
            answers.push((ip4(rdata), ttl));
        }
        off = o + 10 + len;
    }
    Some(Dns {
        id,
        response: flags & 0x8000 != 0,
        rcode: (flags & 0x000f) as u8,
        qname,
        qtype,
        answers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VXLAN frame laid out as RFC 7348 §5 has it: outer headers, VXLAN, inner Ethernet and IPv4/ICMP.
    #[test]
    fn a_vxlan_frame_parses_outer_and_inner() {
        let hex = "3e456244a4ed22377de1bb2e08004500008".to_string()
            + "6b05700004011"
            + "46aac0a8010ac0a8010b"
            + "894321180072"
            + "83e9"
            + "0800000000000100"
            + "3a5550ec6b246e9bc9e1923c0800"
            + "45000054"
            + "56f14000"
            + "3f01cdcc"
            + "0af400020af40102"
            + "08000000366b0001"
            + &"00".repeat(56);
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let p = parse(&bytes, 8472).unwrap();
        let Body::Ip(ip) = &p.body else {
            panic!("not IP")
        };
        assert_eq!((ip.ttl, ip.df), (64, false));
        let L4::Udp {
            sport,
            dport,
            app: App::Vxlan { flags, vni, inner },
        } = &ip.l4
        else {
            panic!("not VXLAN: {:?}", ip.l4)
        };
        assert_eq!((*sport, *dport, *flags, *vni), (35139, 8472, 0x08, 1));
        assert_eq!(inner.src.to_string(), "6e:9b:c9:e1:92:3c");
        let Body::Ip(i) = &inner.body else { panic!() };
        assert_eq!(
            (i.src.to_string(), i.ttl, i.df),
            ("10.244.0.2".to_string(), 63, true)
        );
        assert!(matches!(i.l4, L4::Icmp { ty: 8, .. }));
    }

    #[test]
    fn a_dns_answer_with_a_compressed_name_gives_its_a_record() {
        let mut b = vec![0x12, 0x34, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
        for l in ["api-svc", "backend", "svc", "cluster", "local"] {
            b.push(l.len() as u8);
            b.extend(l.bytes());
        }
        b.extend([
            0, 0, 1, 0, 1, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 96, 0, 25,
        ]);
        let d = parse_dns(&b).unwrap();
        assert_eq!(d.qname, "api-svc.backend.svc.cluster.local.");
        assert_eq!((d.id, d.response, d.rcode, d.qtype), (0x1234, true, 0, 1));
        assert_eq!(d.answers, vec![(Ipv4Addr::new(10, 96, 0, 25), 30)]);
    }
}
