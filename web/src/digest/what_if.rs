//! What-ifs: the lesson with one setting flipped, run again by the same engine. Only those
//! that change the trace are offered (`digest::body` drops the others).

use crate::model::WhatIf;
use packetwalk_lessons::Lesson;
use std::net::SocketAddrV4;

/// Every variant worth trying on this lesson, with the lesson it gives.
pub fn variants(lesson: &Lesson) -> Vec<(WhatIf, Lesson)> {
    let mut out = Vec::new();
    let sysctls = lesson.cluster.sysctls;
    if sysctls.bridge_nf_call_iptables {
        let mut l = lesson.clone();
        l.cluster.sysctls.bridge_nf_call_iptables = false;
        out.push((
            what_if(
                "bridge-nf-off",
                "net.bridge.bridge-nf-call-iptables = 0",
                "Frames switched by the bridge skip iptables (br_netfilter off): pod-to-pod traffic on one node is never seen by kube-proxy's rules or conntrack.",
            ),
            l,
        ));
    }
    if sysctls.ip_forward {
        let mut l = lesson.clone();
        l.cluster.sysctls.ip_forward = false;
        out.push((
            what_if(
                "ip-forward-off",
                "net.ipv4.ip_forward = 0",
                "The nodes stop routing packets between their interfaces: anything that has to cross from one interface to another is dropped.",
            ),
            l,
        ));
    }
    // Hairpin mode is not offered: it matters when a pod reaches itself through its own
    // Service, which no lesson does; elsewhere it only changes flooded ARP copies.
    if let Some(pinned) = lesson.scenario.pin_endpoint {
        for ep in endpoints(lesson).into_iter().filter(|e| *e != pinned) {
            let mut l = lesson.clone();
            l.scenario.pin_endpoint = Some(ep);
            out.push((
                what_if(
                    &format!("endpoint-{}", ep.ip()),
                    &format!("kube-proxy's random pick lands on {ep}"),
                    "Another endpoint of the same Service: the statistic rules fall through to a different KUBE-SEP chain.",
                ),
                l,
            ));
        }
    }
    out
}

fn what_if(slug: &str, setting: &str, detail: &str) -> WhatIf {
    WhatIf {
        slug: slug.into(),
        setting: setting.into(),
        detail: detail.into(),
    }
}

/// Every endpoint (`pod IP:target port`) of every Service of the lesson's cluster.
fn endpoints(lesson: &Lesson) -> Vec<SocketAddrV4> {
    let pods: Vec<_> = lesson
        .cluster
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .collect();
    lesson
        .cluster
        .services
        .iter()
        .flat_map(|s| {
            let port = s.ports.first().map(|p| p.target_port).unwrap_or(0);
            s.endpoints
                .iter()
                .filter_map(|name| pods.iter().find(|p| p.name == *name))
                .map(move |p| SocketAddrV4::new(p.ip, port))
                .collect::<Vec<_>>()
        })
        .collect()
}
