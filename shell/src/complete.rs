//! Tab completion, pure: the words that may follow what is typed (commands, `ip`'s objects
//! and verbs, the lesson's namespace names, its addresses and Service names, the modelled
//! sysctls and files), given the line up to the cursor.

use crate::tools::SYSCTLS;
use crate::words::last_word;
use packetwalk_core::cluster::Cluster;
use packetwalk_core::netns::Netns;

/// The commands the shell answers, for the first word.
pub const COMMANDS: &[&str] = &[
    "bridge",
    "brctl",
    "cat",
    "conntrack",
    "curl",
    "enter",
    "exit",
    "getent",
    "help",
    "hostname",
    "ip",
    "iptables",
    "iptables-save",
    "nslookup",
    "ping",
    "route",
    "ss",
    "sysctl",
];

/// What may come next after `before` (the words already typed), every candidate.
fn after(before: &[&str], all: &[Netns], cluster: &Cluster) -> Vec<String> {
    let names = || all.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match before {
        [] => words(COMMANDS),
        ["enter"] | ["ip", "netns", "exec"] | ["ip", "-n"] => names(),
        ["ip", "netns", "exec", _, rest @ ..] => after(rest, all, cluster),
        ["ip", "-n", _, rest @ ..] => after(&[&["ip"], rest].concat(), all, cluster),
        ["ip"] => words(&["address", "link", "neigh", "netns", "route", "-d", "-n"]),
        ["ip", "-d"] => words(&["link"]),
        ["ip", obj] if "route".starts_with(obj) && !obj.is_empty() => words(&["get", "show"]),
        ["ip", obj] if "netns".starts_with(obj) && obj.len() > 2 => words(&["exec", "list"]),
        ["ip", obj] if !obj.starts_with('-') => words(&["show"]),
        ["ip", r, "get"] if "route".starts_with(r) && !r.is_empty() => addresses(all, cluster),
        ["ip", _, "show"] => all
            .iter()
            .flat_map(|n| n.ifaces.iter().map(|i| i.name.clone()))
            .collect(),
        ["bridge"] => words(&["fdb"]),
        ["bridge", "fdb"] => words(&["show"]),
        ["brctl"] => words(&["show"]),
        ["iptables"] => words(&["-L", "-S", "-t"]),
        ["iptables", "-t"] | ["iptables-save", "-t"] => words(&["filter", "nat"]),
        ["iptables", "-t", _] => words(&["-L", "-S"]),
        ["iptables-save"] => words(&["-t"]),
        ["conntrack"] => words(&["-L"]),
        ["route"] => words(&["-n"]),
        ["ss"] => words(&["-tlnp", "-tulnp", "-ulnp"]),
        ["ping"] => words(&["-c"]),
        ["ping", "-c", _] => addresses(all, cluster),
        ["curl"] => urls(all, cluster),
        ["sysctl"] | ["sysctl", "-n"] => words(&SYSCTLS),
        ["cat"] => words(&["/etc/hosts", "/etc/resolv.conf"]),
        ["getent"] => words(&["ahosts", "hosts"]),
        ["getent", _] | ["nslookup"] => dns_names(cluster),
        _ => Vec::new(),
    }
}

/// Every address of the lesson: the interfaces' (but loopback's) and the Services'.
fn addresses(all: &[Netns], cluster: &Cluster) -> Vec<String> {
    let mut v: Vec<String> = all
        .iter()
        .flat_map(|n| n.ifaces.iter().flat_map(|i| i.addrs.iter()))
        .filter(|a| !a.addr().is_loopback())
        .map(|a| a.addr().to_string())
        .chain(
            cluster
                .coredns
                .services
                .iter()
                .map(|s| s.cluster_ip.to_string()),
        )
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `http://` and an address or a Service's name, with a port unless it is 80: the
/// Services' ports and the listeners'.
fn urls(all: &[Netns], cluster: &Cluster) -> Vec<String> {
    let url = |host: &str, port: u16| match port {
        80 => format!("http://{host}"),
        p => format!("http://{host}:{p}"),
    };
    let mut v: Vec<String> = cluster
        .spec
        .services
        .iter()
        .flat_map(|s| {
            s.ports
                .iter()
                .flat_map(|p| [url(&s.cluster_ip.to_string(), p.port), url(&s.name, p.port)])
        })
        .collect();
    for n in all {
        let addr = n
            .ifaces
            .iter()
            .flat_map(|i| i.addrs.iter())
            .find(|a| !a.addr().is_loopback());
        for l in n
            .listeners
            .iter()
            .filter(|l| l.proto == packetwalk_core::netfilter::Proto::Tcp)
        {
            if let Some(a) = addr {
                v.push(url(&a.addr().to_string(), l.port));
            }
        }
    }
    v
}

/// The Services by the names a pod may use: `web`, `web.default`, the fully qualified name.
fn dns_names(cluster: &Cluster) -> Vec<String> {
    let zone = cluster.coredns.zone.trim_end_matches('.');
    let mut v: Vec<String> = cluster
        .coredns
        .services
        .iter()
        .flat_map(|s| {
            [
                s.name.clone(),
                format!("{}.{}", s.name, s.namespace),
                format!("{}.{}.svc.{zone}", s.name, s.namespace),
            ]
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Where the word being completed starts in `line` (the text up to the cursor), and the
/// candidates that extend it, sorted.
pub fn complete(line: &str, all: &[Netns], cluster: &Cluster) -> (usize, Vec<String>) {
    let (start, before) = last_word(line);
    let word = &line[start..];
    let before: Vec<&str> = before.iter().map(String::as_str).collect();
    let mut v: Vec<String> = after(&before, all, cluster)
        .into_iter()
        .filter(|c| c.starts_with(word))
        .collect();
    v.sort();
    v.dedup();
    (start, v)
}
