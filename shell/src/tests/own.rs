//! `curl`, `ping` and `ss` from a pod: the walk of the learner's own packet printed as
//! curl 7.88.1 and iputils' ping print its end (the strings observed in namespaces), and the
//! listening sockets as ss prints them.

use super::run;
use crate::Shell;
use packetwalk_lessons::Lesson;

fn lesson(id: &str) -> Lesson {
    packetwalk_lessons::load(id)
        .expect("lesson")
        .expect("parses")
}

/// A line's output and errors in `netns` of `id`, with the lesson's walker.
fn exec(id: &str, netns: &str, line: &str) -> (String, String) {
    exec_set(id, "", netns, line)
}

/// The same, with the lesson's switch `set` (`NAME=VALUE@WHERE`) flipped.
fn exec_set(id: &str, set: &str, netns: &str, line: &str) -> (String, String) {
    let mut l = lesson(id);
    let mut trace = id.to_string();
    if !set.is_empty() {
        let s: packetwalk_lessons::switches::Setting = set.parse().expect("setting");
        l = packetwalk_lessons::switches::apply(&l, &[s]).expect("applies");
        trace += &format!(" --set {set}");
    }
    let run = l.run().expect("runs");
    let walker = |from: &str, to: &str| packetwalk_lessons::own_packet_walk(&l, from, to);
    let mut sh = Shell::new(&run, netns, None)
        .expect("shell")
        .with_walker(&walker, &trace);
    let a = sh.exec(line);
    (a.output.out, a.output.err)
}

#[test]
fn curl_connects_refuses_and_times_out_as_curl_7_88_says() {
    let (out, err) = exec("clusterip", "frontend", "curl http://10.96.0.20");
    assert_eq!(out, "");
    let mut lines = err.lines();
    assert!(lines.next().is_some_and(|l| l.starts_with(
        "# packetwalk: the walk took "
    ) && l.ends_with("`packetwalk trace clusterip --set packet.from=frontend --set packet.to=tcp:10.96.0.20:80` shows it")), "{err}");
    assert!(lines.next().is_some_and(|l| l.contains("no HTTP response")));
    // Nothing listens: the RST, and curl's words for ECONNREFUSED.
    let (_, err) = exec("clusterip", "frontend", "curl 10.244.0.15:9/");
    assert_eq!(
        err.lines().next(),
        Some("curl: (7) Failed to connect to 10.244.0.15 port 9 after 0 ms: Couldn't connect to server")
    );
    assert!(err.contains("nothing listens on TCP port 9"), "{err}");
    // The node's gateway does not answer ARP: the node sends host unreachable after ARP's
    // three seconds, curl says (7) as it did in a namespace (after 3065 ms there).
    let (_, err) = exec("clusterip", "frontend", "curl -sS http://10.96.0.20:81");
    assert_eq!(
        err.lines().next(),
        Some("curl: (7) Failed to connect to 10.96.0.20 port 81 after 3000 ms: Couldn't connect to server")
    );
    // A SYN nobody answers: the kernel gives up after its retries, curl says (28).
    let (_, err) = exec_set(
        "cross-node-vxlan",
        "net.ipv4.ip_forward=0@worker-node-1",
        "frontend",
        "curl 10.244.1.10:8080",
    );
    assert_eq!(
        err.lines().next(),
        Some("curl: (28) Failed to connect to 10.244.1.10 port 8080 after 127000 ms: Couldn't connect to server")
    );
    assert!(err.contains("`packetwalk trace cross-node-vxlan --set net.ipv4.ip_forward=0@worker-node-1 --set packet.from=frontend --set packet.to=tcp:10.244.1.10:8080` shows it"), "{err}");
    // A destination the switches do not offer: the line says trace will not take it.
    let (_, err) = exec("clusterip", "frontend", "curl 10.244.0.15:9");
    assert!(
        err.contains("would show it, but the switches offer only"),
        "{err}"
    );
    // -s alone keeps curl quiet; only packetwalk's line is left.
    let (_, err) = exec("clusterip", "frontend", "curl -s 10.244.0.15:9");
    assert!(err.starts_with("# packetwalk:"), "{err}");
    let (_, err) = exec("clusterip", "frontend", "curl -fsSL 10.244.0.15:9");
    assert!(err.starts_with("curl: (7) "), "{err}");
    let (_, err) = exec("clusterip", "frontend", "curl http://nowhere.example");
    assert_eq!(err, "curl: (6) Could not resolve host: nowhere.example\n");
}

#[test]
fn curl_resolves_a_name_through_the_pod_s_resolver() {
    let (_, err) = exec("dns", "web", "curl http://api-svc.backend");
    assert!(err.contains("--set packet.to=tcp:10.96.0.25:80"), "{err}");
    assert!(!err.contains("Could not resolve"), "{err}");
}

#[test]
fn ping_prints_the_replies_with_the_walk_s_ttl_and_the_statistics() {
    let (out, err) = exec("clusterip", "frontend", "ping -c 2 10.244.0.17");
    assert_eq!(
        out,
        "PING 10.244.0.17 (10.244.0.17) 56(84) bytes of data.\n\
         64 bytes from 10.244.0.17: icmp_seq=1 ttl=64 time=0.100 ms\n\
         64 bytes from 10.244.0.17: icmp_seq=2 ttl=64 time=0.100 ms\n\
         \n\
         --- 10.244.0.17 ping statistics ---\n\
         2 packets transmitted, 2 received, 0% packet loss, time 1000ms\n\
         rtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 ms\n"
    );
    assert!(err.starts_with("# packetwalk: the walk took "), "{err}");
    let (_, err) = exec("clusterip", "frontend", "ping 10.244.0.17");
    assert!(err.contains("without `-c N`"), "{err}");
    // Without a walker (a shell built without one) curl and ping say so, in one line.
    let run = run("clusterip");
    let mut sh = Shell::new(&run, "frontend", None).expect("shell");
    let e = sh.exec("ping -c 1 10.244.0.17").output.err;
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn ping_errors_and_loss_print_as_iputils_does() {
    // The pod's gateway (the node) gets no ARP answer for an address of its pod subnet: host
    // unreachable from the node's address the route back prefers, as in a namespace
    // (`From 10.1.0.1 icmp_seq=1 Destination Host Unreachable`, `pipe 2` for -c 2).
    let (out, _) = exec("cross-node-vxlan", "frontend", "ping -c 2 10.244.0.99");
    assert_eq!(
        out,
        "PING 10.244.0.99 (10.244.0.99) 56(84) bytes of data.\n\
         From 10.244.0.5 icmp_seq=1 Destination Host Unreachable\n\
         From 10.244.0.5 icmp_seq=2 Destination Host Unreachable\n\
         \n\
         --- 10.244.0.99 ping statistics ---\n\
         2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms\n\
         pipe 2\n"
    );
    // Dropped on the way: nothing comes back.
    let (out, _) = exec_set(
        "cross-node-vxlan",
        "net.ipv4.ip_forward=0@worker-node-1",
        "frontend",
        "ping -c 1 10.244.1.10",
    );
    assert!(
        out.ends_with(
            "\n--- 10.244.1.10 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n"
        ),
        "{out}"
    );
}

#[test]
fn tab_completes_the_new_commands() {
    let run = run("clusterip");
    let sh = Shell::new(&run, "frontend", None).expect("shell");
    assert_eq!(sh.complete("ss -t").1, ["-tlnp", "-tulnp"]);
    assert!(sh
        .complete("curl http://10.96")
        .1
        .contains(&"http://10.96.0.20".to_string()));
    assert!(sh
        .complete("ping -c 1 10.244.0.1")
        .1
        .contains(&"10.244.0.15".to_string()));
    assert_eq!(sh.complete("iptables -t f").1, ["filter"]);
    assert_eq!(sh.complete("pi").1, ["ping"]);
}

#[test]
fn ss_lists_the_pod_s_listeners_and_a_node_s_vxlan_socket() {
    let (out, err) = exec("clusterip", "backend-1", "ss -tlnp");
    assert_eq!(err, "");
    assert_eq!(
        out,
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
         LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:((\"backend\"))\n"
    );
    // flannel.1's UDP socket is the kernel's: no process (checked against ss in the lab).
    let (out, _) = exec("clusterip", "worker-node-1", "ss -tunlp");
    assert_eq!(
        out,
        "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
         udp   UNCONN 0      0            0.0.0.0:8472      0.0.0.0:*          \n"
    );
    let (out, _) = exec("same-node", "worker-node-1", "ss -tlnp");
    assert_eq!(
        out,
        "State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
    );
    let (_, err) = exec("clusterip", "backend-1", "ss -tn");
    assert!(err.contains("conntrack -L"), "{err}");
}
