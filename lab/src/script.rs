//! The set-up and teardown scripts, generated from the built `Cluster`: nothing in here is
//! written per lesson. Interfaces are created namespace by namespace in ifindex order, so
//! the kernel numbers them the way the model does (`eth0@if5`).

use crate::shell::{comment, exec, in_dq, ip, ns as qns, sh_quote, Script};
use crate::{plan, servers, underlay, Lab};
use packetwalk_core::cluster::{Cluster, Network};
use packetwalk_core::conntrack::Timeouts;
use packetwalk_core::link::{Iface, IfaceKind};
use packetwalk_core::neigh::NudState;
use packetwalk_core::netns::Netns;
use packetwalk_core::show::iptables::{iptables_save_filter, iptables_save_nat};
use std::collections::BTreeSet;
use std::fmt::Write as _;

impl Lab {
    /// The bash script that builds the lesson (run as root).
    pub fn setup_script(&self) -> String {
        setup(self)
    }

    /// The bash script that removes everything the set-up script made (idempotent).
    pub fn teardown_script(&self) -> String {
        teardown(self)
    }
}

fn by_index(ns: &Netns) -> Vec<&Iface> {
    let mut v: Vec<&Iface> = ns.ifaces.iter().collect();
    v.sort_by_key(|i| i.ifindex);
    v
}

/// Does any namespace need br_netfilter (a node with a bridge)?
fn needs_br_netfilter(c: &Cluster) -> bool {
    c.netns
        .iter()
        .any(|n| n.ifaces.iter().any(|i| i.bridge().is_some()))
}

pub fn setup(lab: &Lab) -> String {
    let c = &lab.cluster;
    let l = &lab.lesson;
    let dir = lab.names.dir();
    let mut s = Script::default();
    s.line("#!/usr/bin/env bash");
    s.line(comment(&format!("# packetwalk lab {}: {}", l.id, l.title)));
    s.line("#");
    s.line("# Builds this lesson's cluster in private network namespaces on this machine (run as root).");
    s.line(comment(&format!(
        "# Every namespace is named {}<name>; nothing touches the host's own interfaces.",
        lab.names.prefix()
    )));
    s.line(comment(&format!(
        "# Look around:  ip netns list | grep {}    ip -n {} route",
        sh_quote(&lab.names.prefix()),
        qns(lab, &c.netns[0].name)
    )));
    s.line(comment(&format!(
        "# Remove it:    packetwalk lab {} --teardown | sudo bash",
        sh_quote(&lab.source)
    )));
    s.line("set -euo pipefail");
    s.line(format!("LAB={}", sh_quote(&dir)));
    s.section("preflight");
    s.line("[ \"$(id -u)\" = 0 ] || { echo \"run me as root (ip netns needs it)\" >&2; exit 1; }");
    s.line("for tool in ip bridge iptables-restore sysctl python3; do");
    s.line("  command -v \"$tool\" >/dev/null || { echo \"missing $tool: apt-get install -y iproute2 iptables python3\" >&2; exit 1; }");
    s.line("done");
    s.line(format!("if ls /run/netns/{}* >/dev/null 2>&1; then echo \"lab {} is already built: tear it down first\" >&2; exit 1; fi", sh_quote(&lab.names.prefix()), in_dq(&l.id)));
    s.line("mkdir -p \"$LAB\"");
    if needs_br_netfilter(c) {
        s.line("# br_netfilter makes bridged IPv4 frames traverse iptables (kube-proxy's DNAT on the bridge).");
        s.line("# The module is global to the machine; its sysctl net.bridge.bridge-nf-call-iptables is per");
        s.line("# network namespace since Linux 5.3 and is set below in each node only.");
        s.line("modprobe br_netfilter 2>/dev/null || true");
        s.line("[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || { echo \"br_netfilter is not available in this kernel\" >&2; exit 1; }");
    }
    s.section("namespaces");
    for ns in &c.netns {
        s.line(format!("ip netns add {}", qns(lab, &ns.name)));
    }
    underlay::create(lab, &mut s);
    s.section("links, in ifindex order (lo is 1 everywhere)");
    links(lab, &mut s);
    s.section("MACs, MTUs, bridge ports, addresses (the model's values)");
    for ns in &c.netns {
        configure(lab, ns, &mut s);
    }
    s.section("routes and neighbours");
    for ns in &c.netns {
        routes_and_neighbours(lab, ns, &mut s);
    }
    underlay::routes(lab, &mut s);
    s.section("sysctls");
    for ns in &c.netns {
        sysctls(lab, ns, &mut s);
    }
    s.section(
        "iptables: the nat and filter tables exactly as the model prints them (kube-proxy, kubenet, flannel)",
    );
    for ns in c.netns.iter().filter(|n| !n.nat.is_empty()) {
        // $LAB is plain: /tmp/packetwalk-lab/<tag>, the tag letters and digits only
        let file = format!("$LAB/{}", sh_quote(&format!("{}.nat", ns.name)));
        s.file(&file, &iptables_save_nat(&ns.nat));
        s.line(exec(lab, &ns.name, &format!("iptables-restore < {file}")));
        if !ns.filter.is_empty() {
            // The filter table too (kube-proxy's, flannel's FLANNEL-FWD, the FORWARD policy):
            // iptables-restore flushes only the tables its input names.
            let file = format!("$LAB/{}", sh_quote(&format!("{}.filter", ns.name)));
            s.file(&file, &iptables_save_filter(&ns.filter, ns.forward_policy));
            s.line(exec(lab, &ns.name, &format!("iptables-restore < {file}")));
        }
        if ns.conntrack.timeouts != Timeouts::default() {
            let t = ns.conntrack.timeouts.tcp_established;
            s.line(format!("# kube-proxy's conntrack.tcpEstablishedTimeout ({t} s); per namespace once conntrack is loaded"));
            let cmd = exec(
                lab,
                &ns.name,
                &format!("sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established={t}"),
            );
            s.line(format!(
                "{cmd} || echo \"note: could not set the conntrack timeout in {}\" >&2",
                in_dq(&lab.names.ns(&ns.name))
            ));
        }
    }
    underlay::netfilter(lab, &mut s);
    s.section("DNS: /etc/netns/<ns>/ files are bind-mounted over /etc by `ip netns exec`");
    for ns in c.netns.iter().filter(|n| n.resolv_conf.is_some()) {
        let etc = format!("/etc/netns/{}", qns(lab, &ns.name));
        s.line(format!("mkdir -p {etc}"));
        s.file(
            &format!("{etc}/resolv.conf"),
            &ns.resolv_conf
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
        );
        s.line("# a pod image's nsswitch: files, then DNS (no mDNS, no systemd-resolved)");
        s.file(&format!("{etc}/nsswitch.conf"), "hosts: files dns\n");
    }
    servers::start(lab, &mut s);
    s.section("done");
    for ns in &c.netns {
        for i in ns.ifaces.iter().filter(|i| i.bridge().is_some()) {
            let got = format!(
                "$({} | awk '{{print $3}}')",
                ip(
                    lab,
                    &ns.name,
                    &format!("-br link show {}", sh_quote(&i.name))
                )
            );
            s.line(format!("[ \"{got}\" = {} ] || echo \"note: {} in {} took MAC {got}, the lesson shows {}\" >&2", i.mac, in_dq(&i.name), in_dq(&lab.names.ns(&ns.name)), i.mac));
        }
    }
    s.line(format!("echo \"lab {} is up: $(ls /run/netns | grep -c {}) namespaces. Try: ip netns exec {} bash\"", in_dq(&l.id), sh_quote(&format!("^{}", lab.names.prefix())), in_dq(&qns(lab, &l.scenario.from))));
    s.line(format!(
        "echo {}",
        sh_quote(&format!("The lesson's traffic: {}", plan::traffic(lab)))
    ));
    s.0
}

/// Create every link, namespace by namespace, in ifindex order. A veth pair is created from
/// whichever end comes first (the node's), with its peer made directly in the other namespace.
fn links(lab: &Lab, s: &mut Script) {
    let mut made: BTreeSet<(String, String)> = BTreeSet::new();
    for ns in &lab.cluster.netns {
        for i in by_index(ns) {
            if made.contains(&(ns.name.clone(), i.name.clone())) {
                continue;
            }
            match &i.kind {
                IfaceKind::Loopback => s.line(ip(lab, &ns.name, "link set lo up")),
                IfaceKind::Nic { .. } => underlay::attach(lab, &ns.name, i, s),
                IfaceKind::Bridge(_) => {
                    let what = if lab.cluster.spec.network == Network::Kubenet {
                        "kubenet's bridge"
                    } else {
                        "the CNI bridge plugin's bridge"
                    };
                    s.line(format!("# {what}; no MAC is set: it takes its lowest port's MAC, as the model says"));
                    s.line(ip(
                        lab,
                        &ns.name,
                        &format!("link add {} type bridge", sh_quote(&i.name)),
                    ));
                }
                IfaceKind::Vxlan(vx) => {
                    s.line(format!("# flannel's VTEP: VNI {}, UDP {}, no learning (flannel installs the entries itself)", vx.vni, vx.dstport));
                    s.line(ip(
                        lab,
                        &ns.name,
                        &format!(
                            "link add {} type vxlan id {} local {} dev {} dstport {} nolearning",
                            sh_quote(&i.name),
                            vx.vni,
                            vx.local,
                            sh_quote(&vx.dev),
                            vx.dstport
                        ),
                    ));
                }
                IfaceKind::Veth {
                    peer_netns,
                    peer_name,
                    ..
                } => {
                    s.line(ip(
                        lab,
                        &ns.name,
                        &format!(
                            "link add {} type veth peer name {} netns {}",
                            sh_quote(&i.name),
                            sh_quote(peer_name),
                            qns(lab, peer_netns)
                        ),
                    ));
                    made.insert((peer_netns.clone(), peer_name.clone()));
                }
            }
            made.insert((ns.name.clone(), i.name.clone()));
        }
    }
}

fn configure(lab: &Lab, ns: &Netns, s: &mut Script) {
    for i in by_index(ns) {
        if i.is_loopback() {
            continue;
        }
        let mut set = format!("link set dev {}", sh_quote(&i.name));
        if i.bridge().is_none() {
            let _ = write!(set, " address {}", i.mac);
        }
        let _ = write!(set, " mtu {}", i.mtu);
        if let Some(m) = &i.master {
            let _ = write!(set, " master {}", sh_quote(m));
        }
        if i.bridge().is_some_and(|b| b.promisc) {
            // kubelet's promiscuous-bridge hairpin mode (kubenet_linux.go: netlink.SetPromiscOn).
            set.push_str(" promisc on");
        }
        s.line(ip(lab, &ns.name, &format!("{set} up")));
        if let IfaceKind::Veth { hairpin: true, .. } = i.kind {
            if i.master.is_some() {
                s.line(ip(
                    lab,
                    &ns.name,
                    &format!(
                        "link set dev {} type bridge_slave hairpin on",
                        sh_quote(&i.name)
                    ),
                ));
            }
        }
        for a in &i.addrs {
            s.line(ip(
                lab,
                &ns.name,
                &format!("addr add {a} dev {}", sh_quote(&i.name)),
            ));
        }
    }
}

fn routes_and_neighbours(lab: &Lab, ns: &Netns, s: &mut Script) {
    // Neighbour and FDB entries first: flannel adds the route last, "because the kernel would
    // ARP for the gateway if it had not already been set".
    for n in &ns.neigh.entries {
        match (n.state, n.lladdr) {
            (NudState::Permanent, Some(mac)) => s.line(ip(
                lab,
                &ns.name,
                &format!(
                    "neigh replace {} lladdr {mac} dev {} nud permanent",
                    n.ip,
                    sh_quote(&n.dev)
                ),
            )),
            _ => s.line(comment(&format!(
                "# (the model starts with {n}in {}: left to ARP)",
                ns.name
            ))),
        }
    }
    for i in &ns.ifaces {
        if let IfaceKind::Vxlan(vx) = &i.kind {
            for f in &vx.fdb {
                s.line(format!(
                    "bridge -n {} fdb append {} dev {} dst {} self permanent",
                    qns(lab, &ns.name),
                    f.mac,
                    sh_quote(&i.name),
                    f.dst
                ));
            }
        }
    }
    for r in ns.routes.routes.iter().filter(|r| !r.kernel) {
        let dst = if r.dst.prefix_len() == 0 {
            "default".to_string()
        } else {
            r.dst.to_string()
        };
        let via = r.via.map(|g| format!(" via {g}")).unwrap_or_default();
        let onlink = if r.onlink { " onlink" } else { "" };
        s.line(ip(
            lab,
            &ns.name,
            &format!("route add {dst}{via} dev {}{onlink}", sh_quote(&r.dev)),
        ));
    }
}

fn sysctls(lab: &Lab, ns: &Netns, s: &mut Script) {
    let b = |v: bool| u8::from(v);
    s.line(exec(
        lab,
        &ns.name,
        &format!(
            "sysctl -qw net.ipv4.ip_forward={}",
            b(ns.sysctls.ip_forward)
        ),
    ));
    if ns.ifaces.iter().any(|i| i.bridge().is_some()) {
        s.line(exec(
            lab,
            &ns.name,
            &format!(
                "sysctl -qw net.bridge.bridge-nf-call-iptables={}",
                b(ns.sysctls.bridge_nf_call_iptables)
            ),
        ));
    }
}

pub fn teardown(lab: &Lab) -> String {
    let dir = lab.names.dir();
    let mut s = Script::default();
    s.line("#!/usr/bin/env bash");
    s.line(comment(&format!(
        "# packetwalk lab {} --teardown: removes the lab's processes, namespaces and files.",
        lab.lesson.id
    )));
    s.line("# Safe to run twice, or after a set-up that failed half way.");
    s.line("set -uo pipefail");
    s.line(format!("LAB={}", sh_quote(&dir)));
    s.line("# the lab's servers, by the pid each wrote when it started");
    s.line("for f in \"$LAB\"/*.pid; do");
    s.line("  [ -e \"$f\" ] || continue");
    s.line("  pid=$(cat \"$f\"); grep -qs packetwalk-lab \"/proc/$pid/cmdline\" && kill \"$pid\" 2>/dev/null");
    s.line("done");
    s.line("# anything else still running inside the lab's namespaces, then the namespaces");
    s.line(format!(
        "for ns in {}; do",
        lab.names
            .all_ns()
            .iter()
            .map(|n| sh_quote(n))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    s.line("  [ -e \"/run/netns/$ns\" ] || continue");
    s.line("  for pid in $(ip netns pids \"$ns\" 2>/dev/null); do kill \"$pid\" 2>/dev/null; done");
    s.line("  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z \"$(ip netns pids \"$ns\" 2>/dev/null)\" ] && break; sleep 0.1; done");
    s.line(
        "  for pid in $(ip netns pids \"$ns\" 2>/dev/null); do kill -9 \"$pid\" 2>/dev/null; done",
    );
    s.line("  ip netns del \"$ns\"");
    s.line("done");
    s.line(format!(
        "rm -rf /etc/netns/{}*",
        sh_quote(&lab.names.prefix())
    ));
    s.line("rmdir /etc/netns 2>/dev/null || true   # only if the lab left it empty");
    s.line("rm -rf \"$LAB\"");
    s.line(format!(
        "rmdir {} 2>/dev/null || true",
        sh_quote(
            dir.rsplit_once('/')
                .map(|(p, _)| p)
                .unwrap_or("/tmp/packetwalk-lab")
        )
    ));
    s.line(format!("echo \"lab {} removed\"", in_dq(&lab.lesson.id)));
    s.0
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
