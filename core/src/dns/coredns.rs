//! CoreDNS with the `kubernetes` plugin (kubeadm's Corefile: `pods insecure`, `ttl 30`)
//! and `forward` for everything outside the cluster zone (coredns/coredns
//! plugin/kubernetes/README.md; kubernetes/dns docs/specification.md; kubeadm's Corefile in
//! cmd/kubeadm/app/phases/addons/dns/manifests.go).

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

/// One CoreDNS response, with the reason in plain language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreDnsAnswer {
    /// NOERROR (with or without answers) or NXDOMAIN.
    pub rcode: Rcode,
    /// The A records; empty with NOERROR means NODATA.
    pub answers: Vec<DnsRecord>,
    /// Why, e.g. "… reads as endpoint `api-svc` of service `backend` in namespace `frontend`: no such service → NXDOMAIN".
    pub why: String,
}

fn nx(why: String) -> CoreDnsAnswer {
    CoreDnsAnswer {
        rcode: Rcode::NxDomain,
        answers: Vec::new(),
        why: format!("{why} → NXDOMAIN"),
    }
}

fn nodata(why: String) -> CoreDnsAnswer {
    let why = format!("{why} → NODATA (NOERROR, no answer)");
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
        let a = |ip: Ipv4Addr, a_why: String, aaaa_why: String| match qtype {
            QType::A => CoreDnsAnswer {
                rcode: Rcode::NoError,
                answers: vec![DnsRecord {
                    name: q.clone(),
                    ttl: self.ttl,
                    a: ip,
                }],
                why: format!("{a_why}, A {ip}"),
            },
            QType::Aaaa => nodata(format!("{aaaa_why} {ip} is IPv4, no AAAA")),
        };
        if rel.is_empty() || rel == "svc" || rel == "pod" {
            return nodata(format!(
                "{q} is a structural name of zone {zone}, with no address"
            ));
        }
        let segs: Vec<&str> = rel.split('.').collect();
        let n = segs.len();
        let kind = segs[n - 1];
        if kind != "svc" && kind != "pod" {
            return nx(format!(
                "{q} is in zone {zone} but is neither …svc.{zone} nor …pod.{zone}"
            ));
        }
        if n > 5 {
            return nx(format!("{q} has too many labels for a {kind} name"));
        }
        let ns = segs[n - 2];
        let ns_exists = self.namespaces.iter().any(|x| x.eq_ignore_ascii_case(ns))
            || self
                .services
                .iter()
                .any(|s| s.namespace.eq_ignore_ascii_case(ns));
        if n == 2 {
            if ns_exists {
                return nodata(format!("{q} is namespace `{ns}`, a name with no address"));
            }
            return nx(format!("{q} names namespace `{ns}`: no such namespace"));
        }
        let label = segs[n - 3];
        let reads = match (kind, n) {
            ("pod", _) => format!("{q} reads as pod `{label}` in namespace `{ns}`"),
            (_, 3) => format!("{q} reads as service `{label}` in namespace `{ns}`"),
            (_, 4) => format!(
                "{q} reads as endpoint `{}` of service `{label}` in namespace `{ns}`",
                segs[0]
            ),
            _ => format!(
                "{q} reads as port `{}` protocol `{}` of service `{label}` in namespace `{ns}`",
                segs[0].trim_start_matches('_'),
                segs[1].trim_start_matches('_')
            ),
        };
        if !ns_exists {
            return nx(format!("{reads}: no such namespace"));
        }
        if kind == "pod" {
            // `pods insecure` answers the IP written in the name; extra labels on the left
            // (endpoint or port forms) are ignored by CoreDNS's findPods.
            return match pod_ip(label) {
                Ok(ip) => a(
                    ip,
                    format!("{reads}: pods insecure answers the IP in the name"),
                    format!("{reads}: the IP in the name"),
                ),
                Err(true) => nodata(format!(
                    "{reads}: an IPv6 pod name, not answered in this IPv4 model"
                )),
                Err(false) => nx(format!("{reads}: `{label}` is not a dashed IP")),
            };
        }
        let Some(svc) = self
            .services
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(label) && s.namespace.eq_ignore_ascii_case(ns))
        else {
            return nx(format!("{reads}: no such service"));
        };
        match n {
            3 => a(
                svc.cluster_ip,
                format!("{reads}: its ClusterIP"),
                format!("{reads}: its ClusterIP"),
            ),
            4 => nx(format!(
                "{reads}: the service has no endpoint named `{}`",
                segs[0]
            )),
            _ => nx(format!("{reads}: no such named port in this model")),
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
        let zone = self.zone.trim_end_matches('.');
        let why = format!("{q} is outside {zone}: `forward` sends it upstream");
        if ips.is_empty() {
            return nx(format!("{why}, which knows no such name"));
        }
        match qtype {
            QType::Aaaa => nodata(format!("{why}, which has an IPv4 address only")),
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
                why: format!(
                    "{why}, which answers {}",
                    ips.iter()
                        .map(|ip| format!("A {ip}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        }
    }
}

#[cfg(test)]
#[path = "coredns_tests.rs"]
mod tests;
