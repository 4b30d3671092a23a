//! A pod's `/etc/hosts`, as kubelet writes it for a pod without `hostAliases` or
//! `subdomain` (kubernetes pkg/kubelet/kubelet_pods.go, `managedHostsFileContent`; the
//! content shown in the Kubernetes docs, "Adding entries to Pod /etc/hosts with
//! HostAliases"): the loopback and IPv6 boilerplate, then the pod's IP and its name.
//! glibc reads it before DNS (`hosts: files dns` in nsswitch.conf(5)).

use packetwalk_core::netns::Netns;

/// The file's entries in order: the address as `inet_ntop` prints it, and its names (the
/// first is the canonical name, the rest its aliases). None outside a pod.
pub fn entries(ns: &Netns) -> Option<Vec<(String, Vec<String>)>> {
    if !ns.is_pod() {
        return None;
    }
    let boiler: [(&str, &[&str]); 6] = [
        ("127.0.0.1", &["localhost"]),
        ("::1", &["localhost", "ip6-localhost", "ip6-loopback"]),
        ("fe00::", &["ip6-localnet"]),
        ("fe00::", &["ip6-mcastprefix"]),
        ("fe00::1", &["ip6-allnodes"]),
        ("fe00::2", &["ip6-allrouters"]),
    ];
    let mut v: Vec<(String, Vec<String>)> = boiler
        .iter()
        .map(|(a, n)| (a.to_string(), n.iter().map(|s| s.to_string()).collect()))
        .collect();
    let ip = ns
        .ifaces
        .iter()
        .filter(|i| !i.is_loopback())
        .find_map(|i| i.primary_addr());
    if let Some(ip) = ip {
        v.push((ip.to_string(), vec![ns.name.clone()]));
    }
    Some(v)
}

/// The file's text (`# Kubernetes-managed hosts file.`, then `ADDR\tNAMES`; kubelet writes
/// `fe00::0`, which `inet_ntop` shortens to `fe00::` when it is read back).
pub fn text(ns: &Netns) -> Option<String> {
    let mut out = String::from("# Kubernetes-managed hosts file.\n");
    for (a, names) in entries(ns)? {
        let a = if a == "fe00::" {
            "fe00::0".to_string()
        } else {
            a
        };
        out += &format!("{a}\t{}\n", names.join(" "));
    }
    Some(out)
}

/// The entries naming `name` (case-insensitively, as glibc's files backend compares), IPv6
/// ones first: getent's `gethostbyname2(AF_INET6)` comes before `AF_INET`, and
/// getaddrinfo's RFC 6724 sort puts `::1` before `127.0.0.1`.
pub fn matching(ns: &Netns, name: &str) -> Vec<(String, Vec<String>)> {
    let hit = |names: &Vec<String>| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let all: Vec<_> = entries(ns)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, n)| hit(n))
        .collect();
    let (v6, v4): (Vec<_>, Vec<_>) = all.into_iter().partition(|(a, _)| a.contains(':'));
    v6.into_iter().chain(v4).collect()
}
