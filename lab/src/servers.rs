//! The processes a lesson needs: one small python3 server per namespace that has listeners
//! (TCP ports that accept and close; DNS on udp/53 for the CoreDNS pod), started with a
//! pidfile so the teardown kills exactly them. The DNS answers are the model's: a table of
//! `CoreDns::answer` for every name the pods' resolvers can ask.

use crate::shell::{comment, exec, in_dq, sh_quote, Script};
use crate::Lab;
use packetwalk_core::dns::{GlibcSearch, QType, Rcode};
use packetwalk_core::netfilter::Proto;
use packetwalk_core::netns::Netns;
use packetwalk_lessons::ScenarioKind;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub const SERVER_PY: &str = include_str!("server.py");

/// Is this namespace's udp/53 listener CoreDNS (the engine names its process `coredns`)?
fn is_dns(ns: &Netns) -> bool {
    ns.listeners
        .iter()
        .any(|l| l.proto == Proto::Udp && l.port == 53 && l.process == "coredns")
}

/// The server's arguments for one namespace, or none when nothing listens there.
pub fn server_args(lab: &Lab, ns: &Netns) -> Option<String> {
    if ns.listeners.is_empty() {
        return None;
    }
    let mut a = Vec::new();
    for l in &ns.listeners {
        match l.proto {
            Proto::Tcp => a.push(format!("--tcp {}", l.port)),
            Proto::Udp if l.port == 53 && is_dns(ns) => {}
            Proto::Udp => a.push(format!("--udp {}", l.port)),
        }
    }
    if is_dns(ns) {
        a.push("--dns \"$LAB/dns-answers.json\"".into());
    }
    let _ = lab;
    Some(a.join(" "))
}

/// Every fully qualified name a pod's glibc may ask: the lesson's name, and each Service's
/// name in its usual short forms, expanded through every pod's search list.
fn names_to_answer(lab: &Lab) -> BTreeSet<String> {
    let c = &lab.cluster;
    let mut asked: Vec<String> = Vec::new();
    if lab.lesson.scenario.kind == ScenarioKind::Resolve {
        asked.extend(lab.lesson.scenario.name.clone());
    }
    let zone = c.coredns.zone.trim_end_matches('.');
    for s in &c.coredns.services {
        asked.push(s.name.clone());
        asked.push(format!("{}.{}", s.name, s.namespace));
        asked.push(format!("{}.{}.svc", s.name, s.namespace));
        asked.push(format!("{}.{}.svc.{zone}", s.name, s.namespace));
    }
    asked.extend(
        c.coredns
            .upstream
            .iter()
            .map(|(n, _)| n.trim_end_matches('.').to_string()),
    );
    let mut out = BTreeSet::new();
    for ns in &c.netns {
        let Some(conf) = &ns.resolv_conf else {
            continue;
        };
        for name in &asked {
            out.extend(
                GlibcSearch::new(conf, name)
                    .candidates()
                    .iter()
                    .map(|c| c.fqdn.to_ascii_lowercase()),
            );
        }
    }
    out
}

/// The DNS server's table: `"A <fqdn>" -> {rcode, a, ttl}`, straight from `CoreDns::answer`.
pub fn dns_table(lab: &Lab) -> String {
    let cd = &lab.cluster.coredns;
    let mut answers = Map::new();
    for name in names_to_answer(lab) {
        for (qt, t) in [(QType::A, "A"), (QType::Aaaa, "AAAA")] {
            let a = cd.answer(&name, qt);
            let rcode = match a.rcode {
                Rcode::NoError => "NOERROR",
                Rcode::NxDomain => "NXDOMAIN",
                Rcode::ServFail => "SERVFAIL",
            };
            let addrs: Vec<String> = a.answers.iter().map(|r| r.a.to_string()).collect();
            let ttl = a.answers.first().map(|r| r.ttl).unwrap_or(cd.ttl);
            answers.insert(
                format!("{t} {name}"),
                json!({ "rcode": rcode, "a": addrs, "ttl": ttl, "why": a.why.to_string() }),
            );
        }
    }
    let zone = format!("{}.", cd.zone.trim_end_matches('.'));
    let v = json!({ "zone": zone, "ttl": cd.ttl, "answers": Value::Object(answers) });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

pub fn start(lab: &Lab, s: &mut Script) {
    let with: Vec<(&Netns, String)> = lab
        .cluster
        .netns
        .iter()
        .filter_map(|n| server_args(lab, n).map(|a| (n, a)))
        .collect();
    if with.is_empty() {
        return;
    }
    s.section("servers: a listener on every port the lesson's processes listen on");
    s.file("$LAB/server.py", SERVER_PY);
    if lab.cluster.netns.iter().any(is_dns) {
        s.line("# what CoreDNS answers, name by name, as the model computes it");
        s.file("$LAB/dns-answers.json", &dns_table(lab));
    }
    for (ns, args) in &with {
        let what: Vec<String> = ns
            .listeners
            .iter()
            .map(|l| format!("{} {}/{}", l.process, l.proto.name(), l.port))
            .collect();
        s.line(comment(&format!("# {}: {}", ns.name, what.join(", "))));
        let cmd = format!(
            "python3 \"$LAB/server.py\" --name {} --pidfile \"$LAB/{}.pid\" {args}",
            sh_quote(&ns.name),
            in_dq(&ns.name)
        );
        s.line(format!(
            "{} >\"$LAB/{}.log\" 2>&1 </dev/null &",
            exec(lab, &ns.name, &cmd),
            in_dq(&ns.name)
        ));
    }
    s.line("# wait until every server has bound its sockets (each writes its pidfile then)");
    let names: Vec<String> = with.iter().map(|(n, _)| sh_quote(&n.name)).collect();
    s.line(format!("for n in {}; do", names.join(" ")));
    s.line("  for _ in $(seq 100); do [ -s \"$LAB/$n.pid\" ] && break; sleep 0.05; done");
    s.line("  [ -s \"$LAB/$n.pid\" ] || { echo \"the server in $n did not start:\" >&2; cat \"$LAB/$n.log\" >&2; exit 1; }");
    s.line("done");
}

#[cfg(test)]
mod tests {
    use crate::Lab;

    #[test]
    fn the_dns_table_holds_every_candidate_of_the_lessons_name_with_the_models_answer() {
        let lab = Lab::load("dns").unwrap();
        let t: serde_json::Value = serde_json::from_str(&super::dns_table(&lab)).unwrap();
        let a = &t["answers"];
        assert_eq!(
            a["A api-svc.backend.frontend.svc.cluster.local."]["rcode"],
            "NXDOMAIN"
        );
        assert_eq!(
            a["A api-svc.backend.svc.cluster.local."]["a"][0],
            "10.96.0.25"
        );
        assert_eq!(
            a["AAAA api-svc.backend.svc.cluster.local."]["rcode"],
            "NOERROR"
        );
        assert_eq!(t["zone"], "cluster.local.");
    }
}
