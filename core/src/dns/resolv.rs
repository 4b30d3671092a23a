//! The pod's `/etc/resolv.conf`: what kubelet computes for `dnsPolicy: ClusterFirst` and
//! `Default` and what containerd writes (kubernetes/kubernetes pkg/kubelet/network/dns/dns.go,
//! `GetPodDNS`; containerd's CRI `parseDNSOptions`; resolv.conf(5)).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// kubelet's limits on the search list (`MaxDNSSearchPaths`, `MaxDNSSearchListChars`).
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_LIST_CHARS: usize = 2048;
/// A search path longer than a DNS-1123 subdomain (253) is dropped by kubelet.
const MAX_SEARCH_PATH_LEN: usize = 253;

/// A pod's /etc/resolv.conf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvConf {
    /// The `search` line, in order.
    pub search: Vec<String>,
    /// One `nameserver` line each.
    pub nameservers: Vec<Ipv4Addr>,
    /// `options ndots:N`; `None`: no options line, and glibc's default of 1 applies
    /// (resolv/res_init.c).
    pub ndots: Option<u8>,
}

impl ResolvConf {
    /// What kubelet + containerd write for dnsPolicy ClusterFirst (search <ns>.svc.<domain> svc.<domain> <domain> then node search domains, duplicates removed; nameserver = cluster DNS IP; options ndots:5).
    ///
    /// Node search domains are normalised as kubelet reads the node's file (a trailing dot
    /// trimmed, `.` dropped); kubelet's limits (32 paths, none over 253 characters, 2048
    /// characters in all, cut from the end) are applied. An empty cluster domain gives the
    /// node's search list alone, as kubelet does.
    pub fn cluster_first(
        pod_namespace: &str,
        cluster_domain: &str,
        dns_ip: Ipv4Addr,
        node_search: &[String],
    ) -> ResolvConf {
        let domain = cluster_domain.trim_end_matches('.');
        let mut all: Vec<String> = Vec::new();
        if !domain.is_empty() {
            all.push(format!("{pod_namespace}.svc.{domain}"));
            all.push(format!("svc.{domain}"));
            all.push(domain.to_string());
        }
        for s in node_search {
            if s.is_empty() || s == "." {
                continue;
            }
            all.push(s.strip_suffix('.').unwrap_or(s).to_string());
        }
        let mut search: Vec<String> = Vec::new();
        for s in all {
            if !search.contains(&s) {
                search.push(s);
            }
        }
        search.truncate(MAX_SEARCH_PATHS);
        search.retain(|s| s.len() <= MAX_SEARCH_PATH_LEN);
        while search.len() > 1 && search.join(" ").len() > MAX_SEARCH_LIST_CHARS {
            search.pop();
        }
        ResolvConf {
            search,
            nameservers: vec![dns_ip],
            ndots: Some(5),
        }
    }

    /// What kubelet writes for `dnsPolicy: Default` (`podDNSDefault` in GetPodDNS): the
    /// node's own file (the one kubelet's `--resolv-conf` names) as it is: its nameservers
    /// (kubelet keeps at most 3), its search list, no options added. CoreDNS's Deployment
    /// runs so (kubernetes/kubernetes cluster/addons/dns/coredns/coredns.yaml.base,
    /// `dnsPolicy: Default`): with the cluster's DNS IP it would forward to itself, and
    /// its `loop` plugin stops it on that (coredns/coredns plugin/loop/README.md).
    pub fn node_default(nameservers: &[Ipv4Addr], node_search: &[String]) -> ResolvConf {
        ResolvConf {
            search: node_search
                .iter()
                .filter(|s| !s.is_empty() && *s != ".")
                .map(|s| s.trim_end_matches('.').to_string())
                .collect(),
            nameservers: nameservers.iter().take(3).copied().collect(),
            ndots: None,
        }
    }

    /// The ndots glibc uses: the file's, or 1 (resolv/res_init.c).
    pub fn ndots(&self) -> u8 {
        self.ndots.unwrap_or(1)
    }
}

/// The file text in containerd's order: `search`, `nameserver` (one line each), `options`;
/// every line newline-terminated, and the `search` line left out when the list is empty.
impl fmt::Display for ResolvConf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.search.is_empty() {
            writeln!(f, "search {}", self.search.join(" "))?;
        }
        for ns in &self.nameservers {
            writeln!(f, "nameserver {ns}")?;
        }
        if let Some(n) = self.ndots {
            writeln!(f, "options ndots:{n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DNS: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);

    #[test]
    fn a_frontend_pod_on_kubeadm_gets_the_file_of_section_7_1_byte_for_byte() {
        let conf = ResolvConf::cluster_first("frontend", "cluster.local", DNS, &[]);
        assert_eq!(
            conf.to_string(),
            "search frontend.svc.cluster.local svc.cluster.local cluster.local\n\
             nameserver 10.96.0.10\n\
             options ndots:5\n"
        );
    }

    #[test]
    fn node_search_domains_come_after_the_cluster_ones_without_duplicates() {
        let node = [
            "example.internal.".to_string(),
            "cluster.local".to_string(),
            ".".to_string(),
            "example.internal".to_string(),
        ];
        let conf = ResolvConf::cluster_first("frontend", "cluster.local", DNS, &node);
        assert_eq!(
            conf.search,
            [
                "frontend.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "example.internal"
            ]
        );
    }

    #[test]
    fn the_search_list_is_cut_to_kubelets_limits() {
        let node: Vec<String> = (0..40).map(|i| format!("d{i}.example")).collect();
        let conf = ResolvConf::cluster_first("ns", "cluster.local", DNS, &node);
        assert_eq!(conf.search.len(), 32);
        let mut long = vec!["a".repeat(300)];
        long.extend((0..10).map(|i| format!("{i}{}", "c".repeat(249))));
        let conf = ResolvConf::cluster_first("ns", "cluster.local", DNS, &long);
        assert!(!conf.search.contains(&"a".repeat(300)));
        assert!(conf.search.join(" ").len() <= 2048);
        assert_eq!(conf.search.len(), 3 + 7);
    }

    #[test]
    fn dns_policy_default_is_the_nodes_file_without_options() {
        let conf = ResolvConf::node_default(&[Ipv4Addr::new(192, 168, 1, 1)], &[]);
        assert_eq!(conf.to_string(), "nameserver 192.168.1.1\n");
        assert_eq!(conf.ndots(), 1);
    }

    #[test]
    fn an_empty_search_list_writes_no_search_line() {
        let conf = ResolvConf::cluster_first("ns", "", DNS, &[]);
        assert_eq!(conf.to_string(), "nameserver 10.96.0.10\noptions ndots:5\n");
    }
}
