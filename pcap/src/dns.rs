//! A DNS message as bytes (RFC 1035 §4.1): the header, the question, the answers (their
//! names compressed to a pointer at the question when they repeat it, §4.1.4), and for
//! NXDOMAIN and NODATA the SOA in the authority section that the model's `0/1/0` counts.

use packetwalk_core::dns::{DnsMessage, QType, Rcode};

/// Where the DNS messages' authority section takes its SOA from.
pub struct Ctx<'a> {
    /// The cluster's zone (`cluster.local`), which CoreDNS is authoritative for.
    pub zone: &'a str,
    /// CoreDNS's TTL, for the SOA it returns with NXDOMAIN and NODATA.
    pub ttl: u32,
}

const CLASS_IN: u16 = 1;
const TYPE_A: u16 = 1;
const TYPE_AAAA: u16 = 28;
const TYPE_SOA: u16 = 6;
/// Where the question's name starts: right after the 12-byte header.
const QNAME_POINTER: u16 = 0xc000 | 12;

pub fn message(m: &DnsMessage, ctx: &Ctx) -> Vec<u8> {
    let mut b = Vec::new();
    // Flags: RD always (glibc asks for recursion); a response has QR, AA (the model's
    // tcpdump form prints `*`) and the rcode, and no RA: CoreDNS does not offer recursion
    // for its zone (tcpdump's `-`, dig's "recursion requested but not available").
    let rcode = match m.rcode {
        Rcode::NoError => 0,
        Rcode::ServFail => 2,
        Rcode::NxDomain => 3,
    };
    let flags: u16 = if m.response {
        0x8000 | 0x0400 | 0x0100 | rcode
    } else {
        0x0100
    };
    let answers = if m.response { m.answers.len() } else { 0 };
    let soa = m.response
        && (m.rcode == Rcode::NxDomain || (m.rcode == Rcode::NoError && m.answers.is_empty()));
    for v in [
        m.id,
        flags,
        1,
        answers as u16,
        u16::from(soa),
        0, // additional
    ] {
        b.extend(v.to_be_bytes());
    }
    name(&mut b, &m.qname);
    let qtype = match m.qtype {
        QType::A => TYPE_A,
        QType::Aaaa => TYPE_AAAA,
    };
    b.extend(qtype.to_be_bytes());
    b.extend(CLASS_IN.to_be_bytes());
    if !m.response {
        return b;
    }
    for a in &m.answers {
        if same_name(&a.name, &m.qname) {
            b.extend(QNAME_POINTER.to_be_bytes());
        } else {
            name(&mut b, &a.name);
        }
        b.extend(TYPE_A.to_be_bytes());
        b.extend(CLASS_IN.to_be_bytes());
        b.extend(a.ttl.to_be_bytes());
        b.extend(4u16.to_be_bytes());
        b.extend(a.a.octets());
    }
    if soa {
        soa_record(&mut b, &m.qname, ctx);
    }
    b
}

/// The SOA CoreDNS's kubernetes plugin returns for its zone (`ns.dns.<zone>`,
/// `hostmaster.<zone>`, refresh 7200, retry 1800, expire 86400, minimum = its TTL); for a
/// name outside the zone, the root's.
fn soa_record(b: &mut Vec<u8>, qname: &str, ctx: &Ctx) {
    let zone = ctx.zone.trim_end_matches('.');
    let q = qname.trim_end_matches('.').to_ascii_lowercase();
    let in_zone = q == zone || q.ends_with(&format!(".{zone}"));
    let (owner, mname, rname, ttl) = if in_zone {
        (
            format!("{zone}."),
            format!("ns.dns.{zone}."),
            format!("hostmaster.{zone}."),
            ctx.ttl,
        )
    } else {
        (
            ".".to_string(),
            "a.root-servers.net.".to_string(),
            "nstld.verisign-grs.com.".to_string(),
            86400,
        )
    };
    name(b, &owner);
    b.extend(TYPE_SOA.to_be_bytes());
    b.extend(CLASS_IN.to_be_bytes());
    b.extend(ttl.to_be_bytes());
    let mut rdata = Vec::new();
    name(&mut rdata, &mname);
    name(&mut rdata, &rname);
    for v in [1_704_067_200u32, 7200, 1800, 86400, ttl] {
        rdata.extend(v.to_be_bytes());
    }
    b.extend((rdata.len() as u16).to_be_bytes());
    b.extend(rdata);
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// A name as labels (§3.1): each label's length, its bytes, then the root's zero.
fn name(b: &mut Vec<u8>, n: &str) {
    for label in n.trim_end_matches('.').split('.').filter(|l| !l.is_empty()) {
        let l = &label.as_bytes()[..label.len().min(63)];
        b.push(l.len() as u8);
        b.extend(l);
    }
    b.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use packetwalk_core::dns::DnsRecord;

    const CTX: Ctx = Ctx {
        zone: "cluster.local",
        ttl: 30,
    };

    #[test]
    fn a_query_is_header_and_question() {
        let m = DnsMessage {
            id: 0x1234,
            response: false,
            qname: "web.default.svc.cluster.local.".into(),
            qtype: QType::A,
            rcode: Rcode::NoError,
            answers: vec![],
        };
        let b = message(&m, &CTX);
        assert_eq!(&b[..12], &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&b[12..16], b"\x03web");
        assert_eq!(&b[b.len() - 5..], &[0, 0, 1, 0, 1]);
        assert_eq!(b.len(), 12 + "web.default.svc.cluster.local".len() + 2 + 4);
    }

    #[test]
    fn an_answer_points_at_the_question_and_nxdomain_carries_the_soa() {
        let mut m = DnsMessage {
            id: 7,
            response: true,
            qname: "api-svc.backend.svc.cluster.local.".into(),
            qtype: QType::A,
            rcode: Rcode::NoError,
            answers: vec![DnsRecord {
                name: "api-svc.backend.svc.cluster.local.".into(),
                ttl: 30,
                a: "10.96.12.34".parse().unwrap(),
            }],
        };
        let b = message(&m, &CTX);
        assert_eq!(&b[2..4], &[0x85, 0x00]);
        assert_eq!(&b[b.len() - 16..b.len() - 14], &[0xc0, 12]);
        assert_eq!(&b[b.len() - 4..], &[10, 96, 12, 34]);
        m.rcode = Rcode::NxDomain;
        m.answers.clear();
        let b = message(&m, &CTX);
        assert_eq!(&b[2..4], &[0x85, 0x03]);
        assert_eq!(&b[6..10], &[0, 0, 0, 1], "no answer, one authority record");
        assert!(b.windows(11).any(|w| w == b"\x0ahostmaster"));
    }
}
