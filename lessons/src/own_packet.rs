//! Your own packet: the lesson's scenario as two switches, so the learner sends what they
//! want from where they want, on the command line (`--set packet.to=ping:10.244.1.4`) and
//! in the page's Break-it panel alike. The sender is any pod or outside host; the
//! destination is written `tcp:IP:PORT` (a `curl`: to a pod's listener, a Service's
//! cluster IP and port, a node port, an outside host), `ping:IP`, or `resolve:NAME` (a DNS
//! lookup by the sender's resolver). Only values the lesson check accepts are offered: a
//! host has no cluster resolver, so it resolves nothing.

use crate::{Lesson, ScenarioKind, ScenarioSpec};

pub const FROM: &str = "packet.from";
pub const TO: &str = "packet.to";

pub const FROM_EXPLAIN: &str = "Who sends the packet: any pod or outside host of the lesson. The walk starts in its network namespace, with its routes and its resolver.";
pub const TO_EXPLAIN: &str = "What is sent: tcp:IP:PORT opens a connection (a pod's port, a Service's cluster IP, a node port, an outside host), ping:IP sends an ICMP echo, resolve:NAME looks a name up as glibc would, search list and all. kube-proxy's pick of an endpoint is the engine's own draw unless pinned.";

/// The scenario's destination in the switch's form.
pub fn destination_of(s: &ScenarioSpec) -> String {
    match s.kind {
        ScenarioKind::Tcp => format!("tcp:{}", s.to.as_deref().unwrap_or_default()),
        ScenarioKind::Ping => format!("ping:{}", s.to.as_deref().unwrap_or_default()),
        ScenarioKind::Resolve => format!("resolve:{}", s.name.as_deref().unwrap_or_default()),
    }
}

/// Every sender, the lesson's own first; only those the lesson check accepts.
pub fn senders(lesson: &Lesson) -> Vec<String> {
    let spec = &lesson.cluster;
    let pods = spec
        .nodes
        .iter()
        .flat_map(|n| &n.pods)
        .map(|p| p.name.clone());
    let all = pods.chain(spec.hosts.iter().map(|h| h.name.clone()));
    accepted(lesson, lesson.scenario.from.clone(), all, |l, v| {
        set_from(l, v)
    })
}

/// Every destination, the lesson's own first; only those the lesson check accepts.
pub fn destinations(lesson: &Lesson) -> Vec<String> {
    let spec = &lesson.cluster;
    let mut all = Vec::new();
    for svc in &spec.services {
        for p in &svc.ports {
            all.push(format!("tcp:{}:{}", svc.cluster_ip, p.port));
        }
    }
    for node in &spec.nodes {
        for svc in &spec.services {
            for p in svc.ports.iter().filter_map(|p| p.node_port) {
                all.push(format!("tcp:{}:{p}", node.ip));
            }
        }
    }
    let tcp_ports = |listen: &[String]| -> Vec<String> {
        let ports = listen.iter().filter_map(|l| l.strip_prefix("tcp/"));
        ports.map(String::from).collect()
    };
    for pod in spec.nodes.iter().flat_map(|n| &n.pods) {
        for c in &pod.containers {
            all.extend(
                tcp_ports(&c.listen)
                    .iter()
                    .map(|p| format!("tcp:{}:{p}", pod.ip)),
            );
        }
        all.push(format!("ping:{}", pod.ip));
    }
    for h in &spec.hosts {
        all.extend(
            tcp_ports(&h.listen)
                .iter()
                .map(|p| format!("tcp:{}:{p}", h.ip)),
        );
        all.push(format!("ping:{}", h.ip));
    }
    if spec.dns_ip.is_some() {
        for svc in &spec.services {
            all.push(format!("resolve:{}.{}", svc.name, svc.namespace));
        }
    }
    let own = destination_of(&lesson.scenario);
    accepted(lesson, own, all, set_to)
}

/// `own` first, then every other value that gives a lesson the check accepts.
fn accepted(
    lesson: &Lesson,
    own: String,
    all: impl IntoIterator<Item = String>,
    set: impl Fn(&mut Lesson, &str) -> Result<(), String>,
) -> Vec<String> {
    let mut out = vec![own];
    for v in all {
        if out.contains(&v) {
            continue;
        }
        let mut l = lesson.clone();
        if set(&mut l, &v).is_ok() && l.check().is_ok() {
            out.push(v);
        }
    }
    out
}

pub fn set_from(l: &mut Lesson, v: &str) -> Result<(), String> {
    l.scenario.from = v.to_string();
    Ok(())
}

/// A new destination also forgets kube-proxy's pinned pick, which was an endpoint of the
/// old one.
pub fn set_to(l: &mut Lesson, v: &str) -> Result<(), String> {
    if destination_of(&l.scenario) == v {
        return Ok(());
    }
    let (kind, rest) = v.split_once(':').ok_or("not KIND:DESTINATION")?;
    let s = &mut l.scenario;
    (s.kind, s.to, s.name) = match kind {
        "tcp" => (ScenarioKind::Tcp, Some(rest.to_string()), None),
        "ping" => (ScenarioKind::Ping, Some(rest.to_string()), None),
        "resolve" => (ScenarioKind::Resolve, None, Some(rest.to_string())),
        _ => return Err(format!("`{kind}` is not tcp, ping or resolve")),
    };
    s.pin_endpoint = None;
    Ok(())
}

/// The walk of the learner's own packet from `from` to `to` (`tcp:IP:PORT` or `ping:IP`,
/// the values of `packet.to`): what the shell's `curl` and `ping` run. Any address and
/// port is taken, not only the offered ones (a closed port is worth a walk too), as long
/// as the lesson check accepts the lesson it gives; with the run, whether both are among
/// the switches' values, so that `packetwalk trace --set` replays it.
pub fn walk(
    lesson: &Lesson,
    from: &str,
    to: &str,
) -> Result<(packetwalk_core::engine::Run, bool), String> {
    let mut l = lesson.clone();
    set_from(&mut l, from)?;
    set_to(&mut l, to)?;
    l.check()
        .map_err(|e| format!("{FROM}={from} {TO}={to}: {e}"))?;
    let offered =
        senders(lesson).iter().any(|s| s == from) && destinations(lesson).iter().any(|d| d == to);
    Ok((l.run()?, offered))
}
