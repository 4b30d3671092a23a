//! What the conformance run does for a lesson, as shell assignments `run.sh` sources: the
//! namespaces, every interface to capture on, the namespaces whose conntrack to watch, and
//! the learner's command that sends the lesson's traffic.

use crate::shell::{ns as qns, sh_quote};
use crate::Lab;
use packetwalk_lessons::ScenarioKind;

/// The command a learner types to send the lesson's traffic.
pub fn traffic(lab: &Lab) -> String {
    let s = &lab.lesson.scenario;
    let ns = qns(lab, &s.from);
    let to = s.to.clone().unwrap_or_default();
    match s.kind {
        ScenarioKind::Tcp if refused(lab) => {
            // The walk ends refused: the learner's curl, which must fail to connect (exit 7,
            // CURLE_COULDNT_CONNECT). Not bash's /dev/tcp: its blocking connect(2) still holds
            // the socket when the ICMP error comes back, so `tcp_v4_err` (net/ipv4/tcp_ipv4.c)
            // keeps it as a soft error and the SYN is sent again after a second.
            let url = format!("http://{to}/");
            format!(
                "ip netns exec {ns} timeout 5 curl -sS {}; test $? = 7",
                sh_quote(&url)
            )
        }
        ScenarioKind::Tcp => {
            let (ip, port) = to.split_once(':').unwrap_or((to.as_str(), "80"));
            // quoted twice: for the inner bash, then as its -c argument
            let connect = format!("exec 3<>/dev/tcp/{}/{}", sh_quote(ip), sh_quote(port));
            format!(
                "ip netns exec {ns} timeout 5 bash -c {}",
                sh_quote(&connect)
            )
        }
        ScenarioKind::Ping => format!("ip netns exec {ns} ping -c 1 -W 2 {}", sh_quote(&to)),
        ScenarioKind::Resolve => format!(
            "ip netns exec {ns} getent ahosts {}",
            sh_quote(s.name.as_deref().unwrap_or_default())
        ),
    }
}

/// The model's walk ends with the client's connection refused (an ICMP error reached it).
fn refused(lab: &Lab) -> bool {
    lab.lesson.run().is_ok_and(|r| {
        r.trace
            .hops
            .last()
            .is_some_and(|h| matches!(h.event, packetwalk_core::trace::Event::Refused { .. }))
    })
}

/// Every (real namespace, interface) of the model's namespaces.
pub fn captures(lab: &Lab) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for ns in &lab.cluster.netns {
        let mut ifs: Vec<_> = ns.ifaces.iter().collect();
        ifs.sort_by_key(|i| i.ifindex);
        for i in ifs {
            v.push((lab.names.ns(&ns.name), i.name.clone()));
        }
    }
    v
}

/// Shell assignments for `run.sh`.
pub fn plan(lab: &Lab) -> String {
    let q = |v: Vec<String>| v.iter().map(|s| sh_quote(s)).collect::<Vec<_>>().join(" ");
    let model: Vec<String> = lab
        .cluster
        .netns
        .iter()
        .map(|n| lab.names.ns(&n.name))
        .collect();
    let nat: Vec<String> = lab
        .cluster
        .netns
        .iter()
        .filter(|n| !n.nat.is_empty())
        .map(|n| lab.names.ns(&n.name))
        .collect();
    let caps: Vec<String> = captures(lab)
        .into_iter()
        .map(|(n, i)| format!("{n} {i}"))
        .collect();
    let mut out = String::new();
    out += &format!("LESSON={}\n", sh_quote(&lab.lesson.id));
    out += &format!("PREFIX={}\n", sh_quote(&lab.names.prefix()));
    out += &format!("MODEL_NS=({})\n", q(model));
    out += &format!("ALL_NS=({})\n", q(lab.names.all_ns()));
    out += &format!("NAT_NS=({})\n", q(nat));
    out += &format!("CAPTURE=({})\n", q(caps));
    out += &format!("TRAFFIC={}\n", sh_quote(&traffic(lab)));
    out
}

#[cfg(test)]
mod tests {
    use crate::Lab;

    #[test]
    fn the_traffic_is_what_a_learner_would_type() {
        assert_eq!(
            super::traffic(&Lab::load("dns").unwrap()),
            "ip netns exec pw-dns-web getent ahosts api-svc.backend"
        );
        let t = super::traffic(&Lab::load("clusterip").unwrap());
        assert_eq!(
            t,
            "ip netns exec pw-clu-frontend timeout 5 bash -c 'exec 3<>/dev/tcp/10.96.0.20/80'"
        );
        let p = super::plan(&Lab::load("clusterip").unwrap());
        assert!(
            p.contains("CAPTURE=('pw-clu-worker-node-1 lo' 'pw-clu-worker-node-1 eth0' "),
            "{p}"
        );
        assert!(p.contains("NAT_NS=(pw-clu-worker-node-1 pw-clu-worker-node-2)"));
    }
}
