//! Why a DNS name is asked and why it is answered as it is, as data: glibc's reason for each
//! candidate name ([`CandidateWhy`]) and how CoreDNS's `kubernetes` and `forward` plugins
//! read a name ([`CoreDnsWhy`]). Renderers print them ([`fmt::Display`]); a decision holds
//! one of the two ([`DnsReason`]).

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Why glibc's `__res_context_search` (resolv/res_query.c) tries a candidate. `domain` is
/// 1-based, `of` the length of the search list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CandidateWhy {
    /// The name ends with a dot: it is tried as-is, and only as-is.
    TrailingDot,
    /// `dots >= ndots`: as-is before the search list.
    EnoughDots { dots: usize, ndots: u8 },
    /// A search domain that is the root: the name as-is, in the list's place.
    RootDomain { domain: usize, of: usize },
    /// The as-is name (tried first) failed: the search list follows.
    AfterAsIs { domain: usize, of: usize },
    /// `dots < ndots`: the search list first.
    FewDots {
        dots: usize,
        ndots: u8,
        domain: usize,
        of: usize,
    },
    /// `dots < ndots` and no search list: as-is.
    NoSearchList { dots: usize, ndots: u8 },
    /// The search list is used up: as-is last.
    SearchExhausted,
}

impl fmt::Display for CandidateWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CandidateWhy::TrailingDot => write!(f, "trailing dot: as-is only"),
            CandidateWhy::EnoughDots { dots, ndots } => {
                write!(
                    f,
                    "{dots} dot{} >= ndots:{ndots}: as-is first",
                    plural(dots)
                )
            }
            CandidateWhy::RootDomain { domain, of } => {
                write!(
                    f,
                    "search domain {domain} of {of} is the root: the name as-is"
                )
            }
            CandidateWhy::AfterAsIs { domain, of } => {
                write!(f, "as-is failed: search domain {domain} of {of}")
            }
            CandidateWhy::FewDots {
                dots,
                ndots,
                domain,
                of,
            } => write!(
                f,
                "{dots} dot{} < ndots:{ndots}: search list first (domain {domain} of {of})",
                plural(dots)
            ),
            CandidateWhy::NoSearchList { dots, ndots } => write!(
                f,
                "{dots} dot{} < ndots:{ndots}, no search list: as-is",
                plural(dots)
            ),
            CandidateWhy::SearchExhausted => write!(f, "search list exhausted: as-is last"),
        }
    }
}

/// What CoreDNS's `kubernetes` plugin reads a name under its zone as (plugin/kubernetes
/// parse.go: `[endpoint.]service.namespace.svc.zone`, `[_port._proto.]…`, `pod.namespace.pod.zone`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reading {
    Pod {
        pod: String,
        ns: String,
    },
    Service {
        service: String,
        ns: String,
    },
    Endpoint {
        endpoint: String,
        service: String,
        ns: String,
    },
    Port {
        port: String,
        proto: String,
        service: String,
        ns: String,
    },
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reading::Pod { pod, ns } => write!(f, "pod `{pod}` in namespace `{ns}`"),
            Reading::Service { service, ns } => {
                write!(f, "service `{service}` in namespace `{ns}`")
            }
            Reading::Endpoint {
                endpoint,
                service,
                ns,
            } => write!(
                f,
                "endpoint `{endpoint}` of service `{service}` in namespace `{ns}`"
            ),
            Reading::Port {
                port,
                proto,
                service,
                ns,
            } => write!(
                f,
                "port `{port}` protocol `{proto}` of service `{service}` in namespace `{ns}`"
            ),
        }
    }
}

/// What the plugin found for a name it read ([`Reading`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Found {
    NoSuchNamespace,
    /// `pods insecure` answers the address written in the name.
    PodIp(Ipv4Addr),
    /// The AAAA question for a pod name holding an IPv4 address.
    PodIpNoAaaa(Ipv4Addr),
    /// An IPv6 pod name (dashes and `--`): not answered in this IPv4 model.
    PodIpv6,
    /// The pod label is not a dashed address.
    NotDashedIp {
        label: String,
    },
    ClusterIp(Ipv4Addr),
    ClusterIpNoAaaa(Ipv4Addr),
    NoSuchService,
    NoSuchEndpoint {
        endpoint: String,
    },
    /// Named ports (SRV names) are not modelled.
    NoNamedPort,
}

/// Why CoreDNS answers a question as it does; `q` is the question's name (trailing dot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoreDnsWhy {
    /// The zone itself, `svc.zone` or `pod.zone`: names with no address.
    Structural {
        q: String,
        zone: String,
    },
    /// Under the zone but neither `…svc.zone` nor `…pod.zone`.
    NeitherSvcNorPod {
        q: String,
        zone: String,
    },
    TooManyLabels {
        q: String,
        kind: String,
    },
    /// `namespace.svc.zone`: the namespace exists (NODATA) or not (NXDOMAIN).
    Namespace {
        q: String,
        ns: String,
        exists: bool,
    },
    Read {
        q: String,
        reading: Reading,
        found: Found,
    },
    /// Outside the zone: `forward . /etc/resolv.conf` asks upstream, which answers these
    /// addresses (none: it knows no such name); `aaaa`: the question was AAAA.
    Forward {
        q: String,
        zone: String,
        answers: Vec<Ipv4Addr>,
        aaaa: bool,
    },
}

const NXDOMAIN: &str = " → NXDOMAIN";
const NODATA: &str = " → NODATA (NOERROR, no answer)";

impl fmt::Display for CoreDnsWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreDnsWhy::Structural { q, zone } => write!(
                f,
                "{q} is a structural name of zone {zone}, with no address{NODATA}"
            ),
            CoreDnsWhy::NeitherSvcNorPod { q, zone } => write!(
                f,
                "{q} is in zone {zone} but is neither …svc.{zone} nor …pod.{zone}{NXDOMAIN}"
            ),
            CoreDnsWhy::TooManyLabels { q, kind } => {
                write!(f, "{q} has too many labels for a {kind} name{NXDOMAIN}")
            }
            CoreDnsWhy::Namespace {
                q,
                ns,
                exists: true,
            } => {
                write!(f, "{q} is namespace `{ns}`, a name with no address{NODATA}")
            }
            CoreDnsWhy::Namespace {
                q,
                ns,
                exists: false,
            } => {
                write!(f, "{q} names namespace `{ns}`: no such namespace{NXDOMAIN}")
            }
            CoreDnsWhy::Read { q, reading, found } => {
                write!(f, "{q} reads as {reading}: ")?;
                match found {
                    Found::NoSuchNamespace => write!(f, "no such namespace{NXDOMAIN}"),
                    Found::PodIp(ip) => {
                        write!(f, "pods insecure answers the IP in the name, A {ip}")
                    }
                    Found::PodIpNoAaaa(ip) => {
                        write!(f, "the IP in the name {ip} is IPv4, no AAAA{NODATA}")
                    }
                    Found::PodIpv6 => write!(
                        f,
                        "an IPv6 pod name, not answered in this IPv4 model{NODATA}"
                    ),
                    Found::NotDashedIp { label } => {
                        write!(f, "`{label}` is not a dashed IP{NXDOMAIN}")
                    }
                    Found::ClusterIp(ip) => write!(f, "its ClusterIP, A {ip}"),
                    Found::ClusterIpNoAaaa(ip) => {
                        write!(f, "its ClusterIP {ip} is IPv4, no AAAA{NODATA}")
                    }
                    Found::NoSuchService => write!(f, "no such service{NXDOMAIN}"),
                    Found::NoSuchEndpoint { endpoint } => write!(
                        f,
                        "the service has no endpoint named `{endpoint}`{NXDOMAIN}"
                    ),
                    Found::NoNamedPort => {
                        write!(f, "no such named port in this model{NXDOMAIN}")
                    }
                }
            }
            CoreDnsWhy::Forward {
                q,
                zone,
                answers,
                aaaa,
            } => {
                write!(f, "{q} is outside {zone}: `forward` sends it upstream, ")?;
                match (answers.is_empty(), aaaa) {
                    (true, _) => write!(f, "which knows no such name{NXDOMAIN}"),
                    (false, true) => write!(f, "which has an IPv4 address only{NODATA}"),
                    (false, false) => {
                        let a: Vec<String> = answers.iter().map(|ip| format!("A {ip}")).collect();
                        write!(f, "which answers {}", a.join(", "))
                    }
                }
            }
        }
    }
}

/// The reason a DNS decision carries: glibc's, on a query's hop; CoreDNS's, on its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsReason {
    Glibc(CandidateWhy),
    CoreDns(CoreDnsWhy),
}

impl fmt::Display for DnsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsReason::Glibc(w) => w.fmt(f),
            DnsReason::CoreDns(w) => w.fmt(f),
        }
    }
}

/// Written as the sentence it prints (the JSON trace's `reason`).
impl Serialize for DnsReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
