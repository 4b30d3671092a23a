//! DNS: the pod's `/etc/resolv.conf`, the glibc stub resolver's search expansion, and
//! CoreDNS's answers (sources in each module).
//!
//! * [`ResolvConf`]: what kubelet and containerd write for `dnsPolicy: ClusterFirst`.
//! * [`GlibcSearch`]: `__res_context_search` as a state machine: which names a lookup tries,
//!   in which order, two queries (A, AAAA) per name, and when it stops.
//! * [`CoreDns`]: the answer (and the reason for it) to each of those queries.
//! * [`DnsReason`]: why a name is asked ([`CandidateWhy`]) and why it is answered so
//!   ([`CoreDnsWhy`]), as data that renderers print.
//! * [`DnsMessage`]: a query or response on the wire, printed as tcpdump does.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

mod coredns;
mod glibc;
mod resolv;
mod why;

pub use coredns::{CoreDns, CoreDnsAnswer, DnsService};
pub use glibc::{Candidate, CandidateRole, GlibcSearch, LookupOutcome};
pub use resolv::ResolvConf;
pub use why::{CandidateWhy, CoreDnsWhy, DnsReason, Found, Reading};

/// The question type: getaddrinfo(AF_UNSPEC) asks for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QType {
    /// An IPv4 address.
    A,
    /// An IPv6 address.
    #[serde(rename = "AAAA")]
    Aaaa,
}

/// The response code. NODATA is not a code: it is NOERROR with no answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Rcode {
    /// Success (with answers), or NODATA (without).
    NoError,
    /// The name does not exist.
    NxDomain,
    /// The server failed to answer.
    ServFail,
}

/// What a response said, as the trace states it: `A 10.96.0.25, A …`, `NODATA`, `NXDOMAIN`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsReply {
    pub rcode: Rcode,
    pub addrs: Vec<Ipv4Addr>,
}

impl fmt::Display for DnsReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rcode {
            Rcode::NoError if self.addrs.is_empty() => f.write_str("NODATA"),
            Rcode::NoError => {
                for (i, a) in self.addrs.iter().enumerate() {
                    write!(f, "{}A {a}", if i > 0 { ", " } else { "" })?;
                }
                Ok(())
            }
            Rcode::NxDomain => f.write_str("NXDOMAIN"),
            Rcode::ServFail => f.write_str("SERVFAIL"),
        }
    }
}

/// One answer record (CoreDNS answers cluster names with A records).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub name: String,
    pub ttl: u32,
    pub a: Ipv4Addr,
}

/// A DNS query or response as it travels in a UDP datagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsMessage {
    pub id: u16,
    pub response: bool,
    /// The question's name, fully qualified with its trailing dot.
    pub qname: String,
    pub qtype: QType,
    pub rcode: Rcode,
    pub answers: Vec<DnsRecord>,
}

/// tcpdump's summary: `4660+ A? web.default.svc.cluster.local. ` / `4660 1/0/0 A 10.96.0.20`.
impl fmt::Display for DnsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = match self.qtype {
            QType::A => "A",
            QType::Aaaa => "AAAA",
        };
        if !self.response {
            return write!(f, "{}+ {q}? {}", self.id, self.qname);
        }
        // tcpdump's flags after the id (print-domain.c): `*` authoritative, `-` no recursion
        // available. CoreDNS answers its zone authoritatively and sets no RA: `*-`, as
        // `tcpdump -nn` printed the lab's answers (`1001 NXDomain*- 0/1/0`).
        match self.rcode {
            Rcode::NxDomain => write!(f, "{} NXDomain*- 0/1/0", self.id),
            Rcode::ServFail => write!(f, "{} ServFail*- 0/0/0", self.id),
            Rcode::NoError if self.answers.is_empty() => write!(f, "{}*- 0/1/0", self.id),
            Rcode::NoError => {
                write!(f, "{}*- {}/0/0", self.id, self.answers.len())?;
                for a in &self.answers {
                    write!(f, " A {}", a.a)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The lab of §7.3: a frontend pod with node search domain example.internal, and CoreDNS.
    fn lab() -> (ResolvConf, CoreDns) {
        let dns_ip = Ipv4Addr::new(10, 96, 0, 10);
        let node = ["example.internal".to_string()];
        let conf = ResolvConf::cluster_first("frontend", "cluster.local", dns_ip, &node);
        let coredns = CoreDns {
            zone: "cluster.local".into(),
            ttl: 30,
            services: vec![DnsService {
                name: "api-svc".into(),
                namespace: "backend".into(),
                cluster_ip: Ipv4Addr::new(10, 96, 12, 34),
            }],
            namespaces: BTreeSet::from(["frontend".into(), "backend".into()]),
            upstream: vec![("example.com.".into(), Ipv4Addr::new(93, 184, 215, 14))],
        };
        (conf, coredns)
    }

    /// Drives glibc against CoreDNS; one line per query: `A name -> RCODE answers`.
    fn lookup(name: &str) -> (Vec<String>, Option<LookupOutcome>) {
        let (conf, coredns) = lab();
        let mut search = GlibcSearch::new(&conf, name);
        let mut log = Vec::new();
        while let Some((qname, qtype)) = search.next_query() {
            let ans = coredns.answer(&qname, qtype);
            let q = if qtype == QType::A { "A" } else { "AAAA" };
            log.push(format!(
                "{q} {qname} -> {:?} {}",
                ans.rcode,
                ans.answers.len()
            ));
            search.on_response(ans.rcode, &ans.answers);
        }
        (log, search.outcome())
    }

    #[test]
    fn api_svc_backend_from_frontend_costs_the_four_queries_of_the_lab() {
        let (log, outcome) = lookup("api-svc.backend");
        assert_eq!(
            log,
            [
                "A api-svc.backend.frontend.svc.cluster.local. -> NxDomain 0",
                "AAAA api-svc.backend.frontend.svc.cluster.local. -> NxDomain 0",
                "A api-svc.backend.svc.cluster.local. -> NoError 1",
                "AAAA api-svc.backend.svc.cluster.local. -> NoError 0",
            ]
        );
        let resolved = LookupOutcome::Resolved {
            name: "api-svc.backend.svc.cluster.local".into(),
            addrs: vec![Ipv4Addr::new(10, 96, 12, 34)],
        };
        assert_eq!(outcome, Some(resolved));
    }

    #[test]
    fn example_com_from_a_pod_costs_ten_queries_and_resolves_upstream() {
        let (log, outcome) = lookup("example.com");
        assert_eq!(log.len(), 10);
        assert!(log[..8].iter().all(|l| l.ends_with("NxDomain 0")));
        assert_eq!(log[8], "A example.com. -> NoError 1");
        assert_eq!(log[9], "AAAA example.com. -> NoError 0");
        assert!(matches!(outcome, Some(LookupOutcome::Resolved { .. })));
    }

    #[test]
    fn a_fully_qualified_name_with_its_trailing_dot_costs_two_queries() {
        let (log, _) = lookup("api-svc.backend.svc.cluster.local.");
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn the_plan_and_its_reasons_serialize_to_json() {
        let (conf, _) = lab();
        let search = GlibcSearch::new(&conf, "web");
        let json = serde_json::to_string(search.candidates()).unwrap_or_default();
        assert!(json.starts_with(r#"[{"fqdn":"web.frontend.svc.cluster.local.","role":"search""#));
    }

    proptest::proptest! {
        #[test]
        fn no_name_makes_the_resolver_or_coredns_panic(name in "\\PC{0,40}", ndots in 0u8..=255) {
            let (mut conf, coredns) = lab();
            conf.ndots = Some(ndots);
            let mut search = GlibcSearch::new(&conf, &name);
            let mut n = 0;
            while let Some((qname, qtype)) = search.next_query() {
                let ans = coredns.answer(&qname, qtype);
                search.on_response(ans.rcode, &ans.answers);
                n += 1;
                proptest::prop_assert!(n <= 2 * (conf.search.len() + 1));
            }
            proptest::prop_assert!(search.outcome().is_some());
            coredns.answer(&name, QType::Aaaa);
        }
    }
}
