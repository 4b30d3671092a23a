//! CoreDNS with the `kubernetes` plugin (kubeadm's Corefile: `pods insecure`, `ttl 30`)
//! and `forward` for everything outside the cluster zone (coredns/coredns
//! plugin/kubernetes/README.md; kubernetes/dns docs/specification.md; kubeadm's Corefile in
//! cmd/kubeadm/app/phases/addons/dns/manifests.go).

use super::why::{CoreDnsWhy, Found, Reading};
use super::{DnsRecord, QType, Rcode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

/// CoreDNS with the kubernetes plugin (pods insecure, ttl from config; kubeadm's is 30).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreDns {
    /// The cluster zone, e.g. "cluster.local" (a trailing dot is allowed).
    pub zone: String,
    /// TTL of every answer (the plugin's `ttl` option); also used for forwarded answers.
    pub ttl: u32,
    /// The ClusterIP services the plugin watches.
    pub services: Vec<DnsService>,
    /// The namespaces that exist (a namespace holding a service counts even if missing here).
    pub namespaces: BTreeSet<String>,
    /// Names outside the cluster zone answered via `forward` (e.g. "example.com." -> 93.184.215.14).
    pub upstream: Vec<(String, Ipv4Addr)>,
}

/// A ClusterIP service as the kubernetes plugin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsService {
    /// The service name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its (IPv4) ClusterIP.
    pub cluster_ip: Ipv4Addr,
}

/// One CoreDNS response, with the reason as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreDnsAnswer {
    /// NOERROR (with or without answers) or NXDOMAIN.
    pub rcode: Rcode,
    /// The A records; empty with NOERROR means NODATA.
    pub answers: Vec<DnsRecord>,
    /// Why; printed, e.g. "… reads as endpoint `api-svc` of service `backend` in namespace `frontend`: no such service → NXDOMAIN".
    pub why: CoreDnsWhy,
}

fn nx(why: CoreDnsWhy) -> CoreDnsAnswer {
    CoreDnsAnswer {
        rcode: Rcode::NxDomain,
        answers: Vec::new(),
        why,
    }
}

fn nodata(why: CoreDnsWhy) -> CoreDnsAnswer {
    CoreDnsAnswer {
        rcode: Rcode::NoError,
        answers: Vec::new(),
        why,
    }
}

/// `a-b-c-d` → the IPv4 address; an IPv6 form (`5678-abcd--1`) → Err(true); garbage → Err(false).
/// Same test as CoreDNS's `findPods`: three dashes and no `--` means IPv4.
fn pod_ip(label: &str) -> Result<Ipv4Addr, bool> {
    if label.matches('-').count() == 3 && !label.contains("--") {
        label.replace('-', ".").parse().map_err(|_| false)
    } else {
        Err(label.replace('-', ":").parse::<Ipv6Addr>().is_ok())
    }
}

impl CoreDns {
    /// Answers one A or AAAA question as CoreDNS would (names are case-insensitive).
    pub fn answer(&self, qname: &str, qtype: QType) -> CoreDnsAnswer {
        let mut q = qname.to_string();
        if !q.ends_with('.') {
            q.push('.');
        }
        let lower = q.to_ascii_lowercase();
        let name = &lower[..lower.len() - 1];
        let zone = self.zone.trim_end_matches('.').to_ascii_lowercase();
        let rel = if zone.is_empty() {
            Some(name)
        } else if name == zone {
            Some("")
        } else {
            name.strip_suffix(zone.as_str())
                .and_then(|p| p.strip_suffix('.'))
        };
        let Some(rel) = rel else {
            return self.forward(&q, name, qtype);
        };
        // An IPv4 address: its A record, or NODATA for AAAA.
        let a = |ip: Ipv4Addr, reading: Reading, found: Found, no_aaaa: Found| match qtype {
            QType::A => CoreDnsAnswer {
                rcode: Rcode::NoError,
                answers: vec![DnsRecord {
                    name: q.clone(),
                    ttl: self.ttl,
                    a: ip,
                }],
                why: CoreDnsWhy::Read {
                    q: q.clone(),
                    reading,
                    found,
                },
            },
            QType::Aaaa => nodata(CoreDnsWhy::Read {
                q: q.clone(),
                reading,
                found: no_aaaa,
            }),
        };
        if rel.is_empty() || rel == "svc" || rel == "pod" {
            return nodata(CoreDnsWhy::Structural { q: q.clone(), zone });
        }
        let segs: Vec<&str> = rel.split('.').collect();
        let n = segs.len();
        let kind = segs[n - 1];
        if kind != "svc" && kind != "pod" {
            return nx(CoreDnsWhy::NeitherSvcNorPod { q: q.clone(), zone });
        }
        if n > 5 {
            let kind = kind.to_string();
            return nx(CoreDnsWhy::TooManyLabels { q: q.clone(), kind });
        }
        let ns = segs[n - 2];
        let ns_exists = self.namespaces.iter().any(|x| x.eq_ignore_ascii_case(ns))
            || self
                .services
                .iter()
                .any(|s| s.namespace.eq_ignore_ascii_case(ns));
        if n == 2 {
            let why = CoreDnsWhy::Namespace {
                q: q.clone(),
                ns: ns.to_string(),
                exists: ns_exists,
            };
            return if ns_exists { nodata(why) } else { nx(why) };
        }
        let label = segs[n - 3];
        let (service, nsname) = (label.to_string(), ns.to_string());
        let reading = match (kind, n) {
            ("pod", _) => Reading::Pod {
                pod: service,
                ns: nsname,
            },
            (_, 3) => Reading::Service {
                service,
                ns: nsname,
            },
            (_, 4) => Reading::Endpoint {
                endpoint: segs[0].to_string(),
                service,
                ns: nsname,
            },
            _ => Reading::Port {
                port: segs[0].trim_start_matches('_').to_string(),
                proto: segs[1].trim_start_matches('_').to_string(),
                service,
                ns: nsname,
            },
        };
        let read = |reading: Reading, found: Found| CoreDnsWhy::Read {
            q: q.clone(),
            reading,
            found,
        };
        if !ns_exists {
            return nx(read(reading, Found::NoSuchNamespace));
        }
        if kind == "pod" {
            // `pods insecure` answers the IP written in the name; extra labels on the left
            // (endpoint or port forms) are ignored by CoreDNS's findPods.
            return match pod_ip(label) {
                Ok(ip) => a(ip, reading, Found::PodIp(ip), Found::PodIpNoAaaa(ip)),
                Err(true) => nodata(read(reading, Found::PodIpv6)),
                Err(false) => nx(read(
                    reading,
                    Found::NotDashedIp {
                        label: label.to_string(),
                    },
                )),
            };
        }
        let Some(svc) = self
            .services
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(label) && s.namespace.eq_ignore_ascii_case(ns))
        else {
            return nx(read(reading, Found::NoSuchService));
        };
        match n {
            3 => a(
                svc.cluster_ip,
                reading,
                Found::ClusterIp(svc.cluster_ip),
                Found::ClusterIpNoAaaa(svc.cluster_ip),
            ),
            4 => {
                let endpoint = segs[0].to_string();
                nx(read(reading, Found::NoSuchEndpoint { endpoint }))
            }
            _ => nx(read(reading, Found::NoNamedPort)),
        }
    }

    /// A name outside the cluster zone: `forward . /etc/resolv.conf` asks upstream.
    fn forward(&self, q: &str, name: &str, qtype: QType) -> CoreDnsAnswer {
        let ips: Vec<Ipv4Addr> = self
            .upstream
            .iter()
            .filter(|(n, _)| n.trim_end_matches('.').eq_ignore_ascii_case(name))
            .map(|(_, ip)| *ip)
            .collect();
        let why = CoreDnsWhy::Forward {
            q: q.to_string(),
            zone: self.zone.trim_end_matches('.').to_string(),
            answers: ips.clone(),
            aaaa: qtype == QType::Aaaa,
        };
        if ips.is_empty() {
            return nx(why);
        }
        match qtype {
            QType::Aaaa => nodata(why),
            QType::A => CoreDnsAnswer {
                rcode: Rcode::NoError,
                answers: ips
                    .iter()
                    .map(|ip| DnsRecord {
                        name: q.to_string(),
                        ttl: self.ttl,
                        a: *ip,
                    })
                    .collect(),
                why,
            },
        }
    }
}

#[cfg(test)]
#[path = "coredns_tests.rs"]
mod tests;
