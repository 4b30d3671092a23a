//! `ip -d link` and `iptables -t nat -L|-S`: the details of each kind of device, the
//! counters as of the hop, the options as iptables reads them, and their errors.

use super::{out, run};
use crate::Shell;

#[test]
fn ip_d_link_prints_each_kind_of_device_s_details() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "worker-node-1", None).expect("shell");
    let text = out(&mut sh, "ip -d link");
    assert!(text.contains(
        "\n    vxlan id 1 local 192.168.1.10 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto \
         ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64"
    ));
    assert!(text.contains("\n    bridge forward_delay 1500 hello_time 200 max_age 2000"));
    assert!(text.contains(" stp_state 0 priority 32768 vlan_filtering 0 bridge_id 8000."));
    assert!(text.contains(
        "promiscuity 1  allmulti 1 minmtu 68 maxmtu 65535 \n    veth \n    bridge_slave state \
         forwarding priority 32 cost 2 hairpin on guard off"
    ));
    assert!(text.starts_with(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group \
         default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity \
         0  allmulti 0 minmtu 0 maxmtu 0 addrgenmode eui64 numtxqueues 1"
    ));
    // Abbreviated and filtered as `ip link` is: one device's block.
    let one = out(&mut sh, "ip -details l show dev flannel.1");
    assert_eq!(one.lines().count(), 3, "{one}");
    assert_eq!(
        out(&mut sh, "ip -d link show flannel.1"),
        one,
        "`dev` may be left out"
    );
    assert_eq!(
        sh.exec("ip -d link show eth9").output.err,
        "Device \"eth9\" does not exist.\n"
    );
    // A pod's eth0: a veth with its peer's namespace, no bridge port line.
    let mut pod = Shell::new(&run, "frontend", None).expect("shell");
    let eth0 = out(&mut pod, "ip -d link show eth0");
    assert!(eth0.contains(" link-netns worker-node-1 promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n    veth addrgenmode eui64 numtxqueues 2"), "{eth0}");
}

#[test]
fn promiscuous_cbr0_says_so_in_its_details() {
    let run = run("cross-node-kubenet");
    let names = run.cluster().netns.iter().map(|n| n.name.clone());
    let mut seen = 0;
    for ns in names {
        let mut sh = Shell::new(&run, &ns, None).expect("shell");
        let text = out(&mut sh, "ip -d link");
        if let Some(at) = text.find(": cbr0:") {
            let block = &text[at..];
            assert!(block.contains("PROMISC"), "{block}");
            assert!(block.contains(" promiscuity 1  allmulti 0 "), "{block}");
            seen += 1;
        }
    }
    assert!(seen > 0, "no cbr0 in cross-node-kubenet");
}

#[test]
fn iptables_counts_the_walk_s_packets_up_to_the_hop() {
    let run = run("clusterip");
    let mut end = Shell::new(&run, "worker-node-1", None).expect("shell");
    let text = out(&mut end, "iptables -t nat -nvL PREROUTING");
    assert_eq!(
        text,
        "Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)\n \
         pkts bytes target     prot opt in     out     source               destination         \n    \
         1    40 KUBE-SERVICES  0    --  *      *       0.0.0.0/0            0.0.0.0/0            \
         /* kubernetes service portals */\n"
    );
    // Before the first hop nothing has been counted.
    let mut start = Shell::new(&run, "worker-node-1", Some(0)).expect("shell");
    let zero = out(&mut start, "iptables -t nat -L -n -v");
    assert!(!zero.lines().any(|l| l.starts_with("    1 ")), "{zero}");
    // -S with -v carries the same counters, -S without them is iptables-save's rules.
    let rules = out(&mut end, "iptables -t nat -S");
    let save = out(&mut end, "iptables-save -t nat");
    let a = |t: &str| t.lines().filter(|l| l.starts_with("-A")).count();
    assert_eq!(a(&rules), a(&save));
    assert!(rules.starts_with("-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n"));
    let counted = out(&mut end, "iptables -t nat -S PREROUTING -v");
    assert_eq!(
        counted,
        "-P PREROUTING ACCEPT -c 0 0\n-A PREROUTING -m comment --comment \"kubernetes \
         service portals\" -c 1 40 -j KUBE-SERVICES\n"
    );
}

#[test]
fn iptables_reads_its_options_as_iptables_does() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "worker-node-1", None).expect("shell");
    let numbered = out(
        &mut sh,
        "iptables -t nat -L KUBE-SERVICES -n --line-numbers",
    );
    assert!(numbered.starts_with(
        "Chain KUBE-SERVICES (2 references)\nnum  target     prot opt source               destination         \n1    KUBE-SVC-"
    ));
    assert_eq!(
        out(
            &mut sh,
            "iptables --table=nat --list KUBE-SERVICES --numeric --line-numbers"
        ),
        numbered
    );
    assert_eq!(
        out(&mut sh, "iptables -tnat -nL KUBE-SERVICES --line-numbers"),
        numbered
    );
    let err = |sh: &mut Shell, l: &str| sh.exec(l).output.err;
    assert_eq!(
        err(&mut sh, "iptables -t nat -L NOPE -n"),
        "iptables v1.8.9 (nf_tables): chain `NOPE' in table `nat' is incompatible, use 'nft' tool.\n"
    );
    assert_eq!(
        err(&mut sh, "iptables -t nat -L -n PREROUTING"),
        "Bad argument `PREROUTING'\nTry `iptables -h' or 'iptables --help' for more information.\n"
    );
    assert!(err(&mut sh, "iptables -t nat -A PREROUTING -j ACCEPT").contains("only reads"));
    for l in [
        "iptables -t mangle -L -n",
        "iptables -t nat -L",
        "iptables -t nat",
        "iptables -t",
    ] {
        let e = err(&mut sh, l);
        assert_eq!(
            e.lines().count(),
            1 + usize::from(l == "iptables -t"),
            "{l}: {e}"
        );
    }
}

#[test]
fn the_filter_table_saves_lists_and_counts_as_iptables_does() {
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "worker-node-1", None).expect("shell");
    // Without -t, iptables-save prints filter then nat, as iptables-nft keeps its tables.
    let all = out(&mut sh, "iptables-save");
    let (filter, nat) = (all.find("\n*filter\n"), all.find("\n*nat\n"));
    assert!(filter.is_some() && filter < nat, "{all}");
    assert_eq!(
        all,
        out(&mut sh, "iptables-save -t filter") + &out(&mut sh, "iptables-save -t nat")
    );
    // -L without -t is the filter table; FORWARD's rules counted the walk's packets.
    let list = out(&mut sh, "iptables -L FORWARD -n -v");
    assert!(list.starts_with("Chain FORWARD (policy ACCEPT "), "{list}");
    assert!(
        list.lines()
            .any(|l| l.contains("KUBE-FORWARD") && !l.starts_with("    0 ")),
        "{list}"
    );
    assert_eq!(list, out(&mut sh, "iptables -t filter -L FORWARD -n -v"));
    let rules = out(&mut sh, "iptables -S");
    assert!(
        rules.starts_with("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N "),
        "{rules}"
    );
    // A pod has no filter rules: iptables-save prints nothing, -L the three empty chains.
    let mut pod = Shell::new(&run, "frontend", None).expect("shell");
    assert_eq!(out(&mut pod, "iptables-save"), "");
    assert_eq!(out(&mut pod, "iptables -L -n").matches("Chain ").count(), 3);
}
