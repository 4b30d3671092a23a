//! Every command against `packetwalk show`'s renderer for the same namespace and hop, in
//! every lesson; `ip route get` and the resolver against what iproute2 and glibc print;
//! odd input never panics.

use super::*;

mod own;
mod tables;
use packetwalk_core::show::{self, Table};

fn run(id: &str) -> Run {
    let lesson = packetwalk_lessons::load(id)
        .expect("lesson")
        .expect("parses");
    lesson.run().expect("runs")
}

fn out(shell: &mut Shell, line: &str) -> String {
    let a = shell.exec(line);
    assert_eq!(a.output.err, "", "{line}");
    a.output.out
}

/// Each spelling of a table's command, as iproute2 and the other tools accept it.
const SPELLINGS: &[(Table, &[&str])] = &[
    (
        Table::IpAddr,
        &[
            "ip addr",
            "ip a",
            "ip address show",
            "ip addr list",
            "ip -4 a",
        ],
    ),
    (
        Table::IpLink,
        &["ip link", "ip l", "ip link show", "ip li ls"],
    ),
    (
        Table::IpRoute,
        &["ip route", "ip r", "ip ro list", "ip route show"],
    ),
    (Table::RouteN, &["route -n"]),
    (
        Table::IpNeigh,
        &["ip neigh", "ip n", "ip neighbour show", "ip neighbor"],
    ),
    (
        Table::BridgeFdb,
        &["bridge fdb show", "bridge fdb", "bridge f sh"],
    ),
    (Table::BrctlShow, &["brctl show"]),
    (
        Table::IptablesSaveNat,
        &["iptables-save -t nat", "iptables-save --table=nat"],
    ),
    (Table::ConntrackL, &["conntrack -L"]),
    (Table::ResolvConf, &["cat /etc/resolv.conf"]),
];

#[test]
fn every_command_prints_what_packetwalk_show_prints_in_every_lesson_at_every_fifth_hop() {
    for id in packetwalk_lessons::ids() {
        let run = run(id);
        let last = run.trace.hops.len() - 1;
        for hop in (0..=last).step_by(5).map(Some).chain([None]) {
            let (namespaces, _) = run.state_at(hop.or(Some(last)));
            for ns in namespaces {
                let mut sh = Shell::new(&run, &ns.name, hop).expect("shell");
                for (table, lines) in SPELLINGS {
                    if !show::applies_to(*table, ns) && *table != Table::BrctlShow {
                        continue;
                    }
                    let want = show::render(ns, *table);
                    for line in *lines {
                        let a = sh.exec(line).output;
                        assert_eq!(a.out, want, "{id} {} #{hop:?} {line}", ns.name);
                        let summary = show::conntrack::conntrack_summary(ns);
                        let err = if *table == Table::ConntrackL {
                            &summary[..]
                        } else {
                            ""
                        };
                        assert_eq!(a.err, err, "{id} {} #{hop:?} {line}", ns.name);
                    }
                }
            }
        }
    }
}

#[test]
fn ip_netns_exec_ip_n_and_enter_run_in_the_other_namespace() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "frontend", None).expect("shell");
    let (namespaces, _) = run.state_at(Some(run.trace.hops.len() - 1));
    let node = namespaces
        .iter()
        .find(|n| n.name == "worker-node-1")
        .expect("node");
    let want = show::render(node, Table::IptablesSaveNat);
    assert_eq!(
        out(&mut sh, "ip netns exec worker-node-1 iptables-save -t nat"),
        want
    );
    assert_eq!(
        out(&mut sh, "ip -n worker-node-1 r"),
        show::render(node, Table::IpRoute)
    );
    assert_eq!(sh.netns(), "frontend");
    assert_eq!(
        out(&mut sh, "ip netns list"),
        "worker-node-1\nworker-node-2\nfrontend\nbackend-1\nbackend-2\nbackend-3\n"
    );
    assert_eq!(out(&mut sh, "enter worker-node-1"), "");
    assert_eq!(sh.prompt(), "root@worker-node-1:~# ");
    assert_eq!(out(&mut sh, "hostname"), "worker-node-1\n");
    let a = sh.exec("ip netns exec nowhere ip r");
    assert_eq!(
        a.output.err,
        "Cannot open network namespace \"nowhere\": No such file or directory\n"
    );
    assert!(sh
        .exec("enter nowhere")
        .output
        .err
        .contains("namespaces: worker-node-1,"));
    assert_eq!(sh.netns(), "worker-node-1");
    assert!(sh.exec("exit").exit);
}

#[test]
fn ip_route_get_prints_the_engines_choice_as_iproute2_does() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "frontend", None).expect("shell");
    // As `ip route get` printed it in a namespace with the same addresses (iproute2 6.1).
    assert_eq!(
        out(&mut sh, "ip route get 10.96.0.20"),
        "10.96.0.20 via 10.244.0.1 dev eth0 src 10.244.0.10 uid 0 \n    cache \n"
    );
    assert_eq!(
        out(&mut sh, "ip r g 10.244.0.11"),
        "10.244.0.11 dev eth0 src 10.244.0.10 uid 0 \n    cache \n"
    );
    assert_eq!(
        out(&mut sh, "ip route get 10.244.0.10"),
        "local 10.244.0.10 dev lo src 10.244.0.10 uid 0 \n    cache <local> \n"
    );
    assert_eq!(
        out(&mut sh, "ip route get 10.244.0.255"),
        "broadcast 10.244.0.255 dev eth0 src 10.244.0.10 uid 0 \n    cache <local,brd> \n"
    );
    let bad = sh.exec("ip route get foo").output.err;
    assert_eq!(
        bad,
        "Error: any valid prefix is expected rather than \"foo\".\n"
    );
    assert_eq!(
        sh.exec("ip route get").output.err,
        "need at least a destination address\n"
    );
}

#[test]
fn a_flannel_node_sends_to_another_nodes_pods_through_flannel_1_from_its_own_address() {
    let run = run("cross-node-vxlan");
    let mut sh = Shell::new(&run, "worker-node-1", None).expect("shell");
    let got = out(&mut sh, "ip route get 10.244.1.5");
    assert!(
        got.starts_with("10.244.1.5 via 10.244.1.0 dev flannel.1 src 10.244.0.0 uid 0 \n"),
        "{got}"
    );
}

#[test]
fn a_pod_resolves_a_service_with_getent_and_nslookup_through_its_search_list() {
    let run = run("dns");
    let fqdn = "api-svc.backend.svc.cluster.local";
    let ip = "10.96.0.25";
    let mut web = Shell::new(&run, "web", None).expect("shell");
    let mut api = Shell::new(&run, "api", None).expect("shell");
    // getent.c print_hosts: `%-15s %s`; the name is the search candidate that answered.
    let hosts = format!("{ip:<15} {fqdn}\n");
    assert_eq!(out(&mut web, "getent hosts api-svc.backend"), hosts);
    assert_eq!(out(&mut api, "getent hosts api-svc"), hosts);
    assert_eq!(
        out(&mut web, &format!("getent ahosts {fqdn}")),
        format!("{ip:<15} STREAM {fqdn}\n{ip:<15} DGRAM  \n{ip:<15} RAW    \n")
    );
    assert_eq!(
        out(&mut web, "nslookup api-svc.backend"),
        format!(
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\t{fqdn}\nAddress: {ip}\n\n"
        )
    );
    assert_eq!(out(&mut web, "getent hosts api-svc"), "", "not in frontend");
    assert!(
        out(&mut web, "nslookup api-svc").ends_with("** server can't find api-svc: NXDOMAIN\n\n")
    );
    let node = web
        .exec("ip netns exec worker-node-1 getent hosts api-svc")
        .output
        .err;
    assert!(node.contains("no resolv.conf"), "{node}");
}

#[test]
fn a_pod_reads_its_etc_hosts_before_dns() {
    let run = run("dns");
    let mut web = Shell::new(&run, "web", None).expect("shell");
    assert_eq!(
        out(&mut web, "cat /etc/hosts"),
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
         fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n\
         10.244.1.5\tweb\n"
    );
    assert_eq!(out(&mut web, "getent hosts web"), "10.244.1.5      web\n");
    assert_eq!(
        out(&mut web, "getent hosts localhost"),
        "::1             localhost ip6-localhost ip6-loopback\n"
    );
    assert_eq!(
        out(&mut web, "getent ahosts localhost"),
        "::1             STREAM localhost\n::1             DGRAM  \n::1             RAW    \n\
         127.0.0.1       STREAM \n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n"
    );
    let node = web
        .exec("ip netns exec worker-node-1 cat /etc/hosts")
        .output
        .err;
    assert!(node.contains("is not modelled"), "{node}");
}

#[test]
fn sysctl_prints_the_modelled_settings_and_says_which_are() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "worker-node-1", None).expect("shell");
    assert_eq!(
        out(&mut sh, "sysctl net.ipv4.ip_forward"),
        "net.ipv4.ip_forward = 1\n"
    );
    assert_eq!(out(&mut sh, "sysctl -n net/ipv4/ip_forward"), "1\n");
    let a = sh.exec("sysctl net.ipv4.conf.all.rp_filter");
    assert!(
        a.output.err.contains("net.ipv4.ip_forward and net.bridge"),
        "{a:?}"
    );
    assert!(sh
        .exec("sysctl -w net.ipv4.ip_forward=0")
        .output
        .err
        .contains("only reads"));
}

#[test]
fn what_is_not_modelled_gets_one_line_naming_what_is() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "frontend", None).expect("shell");
    for line in [
        "ss -s",
        "iptables -L",
        "wget http://web",
        "ip -d addr",
        "ip xfrm",
        "cat /etc/passwd",
        "iptables-save -t mangle",
    ] {
        let a = sh.exec(line);
        assert_eq!(a.output.out, "", "{line}");
        assert_eq!(a.output.err.lines().count(), 1, "{line}: {}", a.output.err);
        assert!(
            a.output.err.contains("is not modelled; modelled: ip addr"),
            "{line}"
        );
    }
    assert_eq!(
        sh.exec("ip foo").output.err,
        "Object \"foo\" is unknown, try \"ip help\".\n"
    );
    assert_eq!(
        sh.exec("ip route bogus").output.err,
        "Command \"bogus\" is unknown, try \"ip route help\".\n"
    );
    assert_eq!(
        sh.exec("ip addr show dev nope").output.err,
        "Device \"nope\" does not exist.\n"
    );
    assert_eq!(
        sh.exec("ip route show dev nope").output.err,
        "Cannot find device \"nope\"\n"
    );
    assert_eq!(sh.exec("  ").output, Output::default());
    let pipe = sh.exec("iptables-save -t nat | head").output.err;
    assert!(pipe.starts_with("packetwalk shell: `|` (a pipe"), "{pipe}");
    assert_eq!(
        sh.exec("ip route get '1.2.3.4").output.err,
        "packetwalk shell: unexpected end of line: a ' is not closed\n"
    );
}

#[test]
fn ip_addr_show_dev_prints_one_block() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "frontend", None).expect("shell");
    let one = out(&mut sh, "ip addr show eth0");
    assert!(
        one.starts_with("2: eth0@if") || one.contains(": eth0@if"),
        "{one}"
    );
    assert!(!one.contains(" lo:"));
    assert_eq!(
        out(&mut sh, "ip route show dev eth0").lines().count(),
        out(&mut sh, "ip r").lines().count()
    );
}

#[test]
fn completion_offers_commands_namespaces_objects_and_addresses() {
    let run = run("clusterip");
    let sh = Shell::new(&run, "frontend", None).expect("shell");
    assert_eq!(
        sh.complete("ip"),
        (
            0,
            vec!["ip".into(), "iptables".into(), "iptables-save".into()]
        )
    );
    assert_eq!(sh.complete("ip r"), (3, vec!["route".into()]));
    assert_eq!(
        sh.complete("enter worker"),
        (6, vec!["worker-node-1".into(), "worker-node-2".into()])
    );
    let (at, addrs) = sh.complete("ip route get 10.96");
    assert_eq!(at, 13);
    assert!(addrs.contains(&"10.96.0.20".to_string()), "{addrs:?}");
    assert_eq!(
        sh.complete("ip netns exec frontend ip ne").1,
        vec!["neigh".to_string(), "netns".to_string()]
    );
    assert!(sh.complete("nothing at all here").1.is_empty());
}

#[test]
fn a_shell_is_refused_an_unknown_namespace_or_a_hop_past_the_end() {
    let run = run("clusterip");
    assert!(Shell::new(&run, "nowhere", None)
        .err()
        .unwrap_or_default()
        .contains("frontend"));
    let past = run.trace.hops.len();
    assert!(Shell::new(&run, "frontend", Some(past)).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn no_line_makes_the_shell_panic(line in "(ip|ip -n|ip netns exec|enter|sysctl|getent hosts|nslookup|bridge|cat|route|iptables-save|\\PC{0,6})( \\PC{0,12}){0,6}") {
        let run = run("dns");
        let mut sh = Shell::new(&run, "web", Some(3)).expect("shell");
        let _ = sh.exec(&line);
        let _ = sh.complete(&line);
        let n = line.len().min(line.char_indices().last().map(|(i, _)| i).unwrap_or(0));
        let _ = sh.complete(&line[..n]);
    }
}
