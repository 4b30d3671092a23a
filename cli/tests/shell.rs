//! `packetwalk shell` from a pipe: each command's output is `packetwalk show`'s for the same
//! lesson, namespace, hop and switches; no prompts; errors on stderr.

use std::io::Write;
use std::process::{Command, Stdio};

fn packetwalk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_packetwalk"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

fn shell(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_packetwalk"))
        .arg("shell")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("writes");
    let out = child.wait_with_output().expect("ends");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

#[test]
fn piped_commands_print_what_packetwalk_show_prints_without_prompts() {
    for (ns, hop) in [
        ("frontend", None),
        ("worker-node-1", Some("30")),
        ("worker-node-2", None),
    ] {
        let mut args = vec!["clusterip", "--netns", ns];
        let mut show_hop = vec![];
        if let Some(h) = hop {
            args.extend(["--hop", h]);
            show_hop.extend(["--hop", h]);
        }
        let tables = [
            ("ip addr", "addr"),
            ("ip l", "link"),
            ("ip r", "route"),
            ("route -n", "route-n"),
            ("ip n", "neigh"),
        ];
        let input: String = tables.iter().map(|(c, _)| format!("{c}\n")).collect();
        let (code, out, err) = shell(&args, &input);
        assert_eq!((code, err.as_str()), (0, ""), "{ns}");
        let mut want = String::new();
        for (_, t) in tables {
            let (c, o, e) = packetwalk(&[&["show", "clusterip", ns, t], &show_hop[..]].concat());
            assert_eq!(c, 0, "{e}");
            want += &o;
        }
        assert_eq!(out, want, "{ns} {hop:?}");
        assert!(!out.contains("root@"));
    }
}

#[test]
fn the_shell_starts_where_the_packet_leaves_and_follows_the_switches() {
    let (_, out, _) = shell(&["clusterip"], "hostname\n");
    assert_eq!(out, "frontend\n");
    let set = "net.ipv4.ip_forward=0@worker-node-1";
    let (code, out, _) = shell(
        &["clusterip", "--netns", "worker-node-1", "--set", set],
        "sysctl net.ipv4.ip_forward\n",
    );
    assert_eq!((code, out.as_str()), (0, "net.ipv4.ip_forward = 0\n"));
    let (_, nat, _) = packetwalk(&["show", "clusterip", "worker-node-1", "nat", "--set", set]);
    let (_, out, _) = shell(
        &["clusterip", "--set", set],
        "ip netns exec worker-node-1 iptables-save -t nat\n",
    );
    assert_eq!(out, nat);
}

#[test]
fn errors_go_to_stderr_and_exit_stops_reading() {
    let (code, out, err) = shell(
        &["clusterip", "--netns", "frontend"],
        "wget -qO- http://web\nip route get 10.96.0.20\nexit\nip r\n",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "10.96.0.20 via 10.244.0.1 dev eth0 src 10.244.0.10 uid 0 \n    cache \n"
    );
    assert!(
        err.starts_with("packetwalk shell: `wget` is not modelled; modelled: ip addr"),
        "{err}"
    );
}

#[test]
fn a_wrong_namespace_or_hop_is_a_usage_error() {
    let (code, _, err) = shell(&["clusterip", "--netns", "nope"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("namespaces: worker-node-1, worker-node-2, frontend"),
        "{err}"
    );
    let (code, _, err) = shell(&["clusterip", "--hop", "100000"], "");
    assert_eq!(code, 2);
    assert!(err.contains("out of range"), "{err}");
    let (code, _, err) = shell(&["clusterip", "--netns", "a", "--netns", "b"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--netns is given twice"), "{err}");
}

#[test]
fn help_shell_describes_it() {
    let (code, out, _) = packetwalk(&["help", "shell"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: packetwalk shell <lesson>"));
    let (_, all, _) = packetwalk(&["--help"]);
    assert!(all.contains("packetwalk shell <lesson>"));
}

#[test]
fn ip_d_link_and_iptables_l_answer_from_a_pipe() {
    let (code, out, err) = shell(
        &["clusterip", "--netns", "worker-node-1"],
        "ip -d link show flannel.1\niptables -t nat -L KUBE-SERVICES -n --line-numbers\n",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("\n    vxlan id 1 local 192.168.1.10 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 "), "{out}");
    assert!(out.contains("Chain KUBE-SERVICES (2 references)\nnum  target     prot opt source               destination         \n1    KUBE-SVC-"), "{out}");
    assert!(
        out.contains(" tcp dpt:80\n2    KUBE-NODEPORTS  0    --  0.0.0.0/0"),
        "{out}"
    );
}

#[test]
fn ss_curl_ping_and_the_filter_table_answer_from_a_pipe() {
    let (code, out, err) = shell(
        &["clusterip", "--netns", "backend-1"],
        "ss -tlnp\ncurl http://10.96.0.20\ncurl http://10.244.0.15:9\nping -c 1 10.244.0.17\n",
    );
    assert_eq!(code, 0);
    assert!(out.starts_with(
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
         LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:((\"backend\"))\n\
         PING 10.244.0.17 (10.244.0.17) 56(84) bytes of data.\n64 bytes from 10.244.0.17: icmp_seq=1 ttl=64 time=0.100 ms\n"
    ), "{out}");
    assert!(
        err.contains("--set packet.from=backend-1 --set packet.to=tcp:10.96.0.20:80` shows it\n"),
        "{err}"
    );
    assert!(err.contains("curl: (7) Failed to connect to 10.244.0.15 port 9 after 0 ms: Couldn't connect to server\n"), "{err}");
    let (code, out, err) = shell(
        &["clusterip", "--netns", "worker-node-1"],
        "iptables -L FORWARD -n\niptables-save -t filter\n",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with("Chain FORWARD (policy ACCEPT)\ntarget     prot opt source"),
        "{out}"
    );
    assert!(
        out.contains("\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"),
        "{out}"
    );
}
