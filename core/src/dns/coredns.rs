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
mod tests {
    use super::*;

    const API: Ipv4Addr = Ipv4Addr::new(10, 96, 12, 34);
    const EXAMPLE: Ipv4Addr = Ipv4Addr::new(93, 184, 215, 14);

    fn coredns() -> CoreDns {
        CoreDns {
            zone: "cluster.local".into(),
            ttl: 30,
            services: vec![DnsService {
                name: "api-svc".into(),
                namespace: "backend".into(),
                cluster_ip: API,
            }],
            namespaces: ["frontend", "backend", "default", "kube-system"]
                .map(String::from)
                .into(),
            upstream: vec![("example.com.".into(), EXAMPLE)],
        }
    }

    fn rcode(qname: &str, qtype: QType) -> (Rcode, usize) {
        let a = coredns().answer(qname, qtype);
        (a.rcode, a.answers.len())
    }

    const NXDOMAIN: (Rcode, usize) = (Rcode::NxDomain, 0);
    const NODATA: (Rcode, usize) = (Rcode::NoError, 0);

    #[test]
    fn a_service_name_answers_its_cluster_ip_with_the_configured_ttl() {
        let a = coredns().answer("api-svc.backend.svc.cluster.local.", QType::A);
        assert_eq!(a.rcode, Rcode::NoError);
        let rec = DnsRecord {
            name: "api-svc.backend.svc.cluster.local.".into(),
            ttl: 30,
            a: API,
        };
        assert_eq!(a.answers, [rec]);
        assert_eq!(
            a.why,
            "api-svc.backend.svc.cluster.local. reads as service `api-svc` in namespace \
             `backend`: its ClusterIP, A 10.96.12.34"
        );
    }

    #[test]
    fn aaaa_of_a_v4_only_service_is_nodata() {
        assert_eq!(
            rcode("api-svc.backend.svc.cluster.local.", QType::Aaaa),
            NODATA
        );
    }

    #[test]
    fn an_unknown_service_or_namespace_is_nxdomain() {
        assert_eq!(rcode("web.backend.svc.cluster.local.", QType::A), NXDOMAIN);
        assert_eq!(rcode("api-svc.nons.svc.cluster.local.", QType::A), NXDOMAIN);
        assert_eq!(
            rcode("api-svc.nons.svc.cluster.local.", QType::Aaaa),
            NXDOMAIN
        );
    }

    #[test]
    fn the_first_search_candidate_reads_right_to_left_as_an_endpoint_and_is_nxdomain() {
        let a = coredns().answer("api-svc.backend.frontend.svc.cluster.local.", QType::A);
        assert_eq!(a.rcode, Rcode::NxDomain);
        assert_eq!(
            a.why,
            "api-svc.backend.frontend.svc.cluster.local. reads as endpoint `api-svc` of \
             service `backend` in namespace `frontend`: no such service → NXDOMAIN"
        );
        let aaaa = rcode("api-svc.backend.frontend.svc.cluster.local.", QType::Aaaa);
        assert_eq!(aaaa, NXDOMAIN);
    }

    #[test]
    fn an_endpoint_name_of_an_existing_clusterip_service_is_nxdomain() {
        assert_eq!(
            rcode("x.api-svc.backend.svc.cluster.local.", QType::A),
            NXDOMAIN
        );
    }

    #[test]
    fn names_in_the_zone_that_are_neither_svc_nor_pod_are_nxdomain() {
        assert_eq!(rcode("example.com.cluster.local.", QType::A), NXDOMAIN);
        assert_eq!(rcode("example.com.cluster.local.", QType::Aaaa), NXDOMAIN);
        assert_eq!(
            rcode("a.b.c.d.e.api-svc.backend.svc.cluster.local.", QType::A),
            NXDOMAIN
        );
    }

    #[test]
    fn the_apex_and_structural_names_are_nodata() {
        for name in [
            "cluster.local.",
            "svc.cluster.local.",
            "pod.cluster.local.",
            "frontend.svc.cluster.local.",
            "backend.pod.cluster.local.",
        ] {
            assert_eq!(rcode(name, QType::A), NODATA, "{name}");
            assert_eq!(rcode(name, QType::Aaaa), NODATA, "{name}");
        }
        assert_eq!(rcode("nons.svc.cluster.local.", QType::A), NXDOMAIN);
    }

    #[test]
    fn a_dashed_pod_name_answers_its_ip_with_pods_insecure() {
        let a = coredns().answer("10-244-1-5.frontend.pod.cluster.local.", QType::A);
        assert_eq!(a.answers[0].a, Ipv4Addr::new(10, 244, 1, 5));
        assert_eq!(a.answers[0].ttl, 30);
        let aaaa = rcode("10-244-1-5.frontend.pod.cluster.local.", QType::Aaaa);
        assert_eq!(aaaa, NODATA);
        assert_eq!(
            rcode("blah.frontend.pod.cluster.local.", QType::A),
            NXDOMAIN
        );
        assert_eq!(
            rcode("10-244-1-5.nons.pod.cluster.local.", QType::A),
            NXDOMAIN
        );
        assert_eq!(
            rcode("10-244-1-256.frontend.pod.cluster.local.", QType::A),
            NXDOMAIN
        );
    }

    #[test]
    fn names_outside_the_zone_are_forwarded_upstream() {
        let a = coredns().answer("example.com.", QType::A);
        let rec = DnsRecord {
            name: "example.com.".into(),
            ttl: 30,
            a: EXAMPLE,
        };
        assert_eq!((a.rcode, a.answers), (Rcode::NoError, vec![rec]));
        assert_eq!(rcode("example.com.", QType::Aaaa), NODATA);
        assert_eq!(rcode("example.com.example.internal.", QType::A), NXDOMAIN);
        assert_eq!(rcode("nope.example.", QType::Aaaa), NXDOMAIN);
    }

    #[test]
    fn names_are_case_insensitive_and_the_answer_keeps_the_question_case() {
        let a = coredns().answer("API-SVC.Backend.SVC.Cluster.Local", QType::A);
        assert_eq!(a.answers[0].a, API);
        assert_eq!(a.answers[0].name, "API-SVC.Backend.SVC.Cluster.Local.");
        assert_eq!(rcode("EXAMPLE.COM.", QType::A), (Rcode::NoError, 1));
    }

    #[test]
    fn odd_names_do_not_panic() {
        for name in [
            "",
            ".",
            "..",
            "a..svc.cluster.local.",
            ".cluster.local.",
            "é.svc.cluster.local",
        ] {
            coredns().answer(name, QType::A);
        }
        let root = CoreDns {
            zone: ".".into(),
            ..coredns()
        };
        assert_eq!(
            root.answer("api-svc.backend.svc.", QType::A).answers[0].a,
            API
        );
    }
}
