//! "Break it" switches: the closed list of real settings a learner may flip on a lesson,
//! each under the name the real tool gives it, combined freely and run again by the same
//! engine. The CLI offers them (`packetwalk switches`, `--set`), the page's engine worker
//! will too. Every lesson a switch produces goes through [`Lesson::check`], the check a
//! lesson file goes through, so no switch yields a cluster the check would refuse.
//!
//! | switch | where | what it sets |
//! |---|---|---|
//! | `net.ipv4.ip_forward=0\|1@NODE` | a node | the node's `sysctls.ip_forward` |
//! | `net.bridge.bridge-nf-call-iptables=0\|1@NODE` | a node | the node's `sysctls.bridge_nf_call_iptables` |
//! | `iptables.forward_policy=ACCEPT\|DROP@NODE` | a node | the node's `forward_policy` (`iptables -P FORWARD DROP`) |
//! | `externalTrafficPolicy=Cluster\|Local@SERVICE` | a Service with a node port | the Service's `external_traffic_policy` |
//! | `endpoints.ready=true\|false@SERVICE` | a Service with endpoints, in a lesson that does not resolve | the Service's `endpoints_ready` (its EndpointSlice's `conditions.ready`) |
//! | `kube-proxy.endpoint=IP:PORT` | the lesson | `scenario.pin_endpoint` (where kube-proxy's random pick lands) |
//! | `ndots=N@POD` | the pod that resolves | the pod's `dns_config.ndots` (its `dnsConfig.options[name=ndots]`) |
//! | `packet.from=POD\|HOST`, `packet.to=tcp:IP:PORT\|ping:IP\|resolve:NAME` | the lesson | your own packet: the scenario's sender and destination (`own_packet`) |
//!
//! A setting without `@WHERE` applies everywhere the switch is offered (`net.ipv4.ip_forward=0`:
//! every node). Settings apply in order, so a later one wins.
//!
//! Not offered yet, though the issue asks for them, because the engine cannot show what a
//! real cluster would do:
//! - an MTU switch (a pod MTU above the VXLAN overhead): the engine neither fragments nor
//!   drops oversized frames, and its TCP carries no payload;
//! - flushing conntrack mid-walk: the walk is one SYN and its SYN-ACK; there is no "later
//!   packet" whose fate a flush would change;
//! - hairpin mode: it matters only when a pod reaches itself through its own Service.

pub use crate::setting::Setting;
use crate::{own_packet, Lesson, ScenarioKind};
use packetwalk_core::cluster::{ClusterSpec, PodDnsConfig};
use packetwalk_core::kube_proxy::TrafficPolicy;
use packetwalk_core::netfilter::Policy;
use serde::{Deserialize, Serialize};
use std::net::SocketAddrV4;

pub const IP_FORWARD: &str = "net.ipv4.ip_forward";
pub const BRIDGE_NF: &str = "net.bridge.bridge-nf-call-iptables";
pub const FORWARD_POLICY: &str = "iptables.forward_policy";
pub const TRAFFIC_POLICY: &str = "externalTrafficPolicy";
pub const ENDPOINT: &str = "kube-proxy.endpoint";
pub const READY: &str = "endpoints.ready";
pub const NDOTS: &str = "ndots";

/// Every switch's name, and what a lesson needs for it to apply.
pub const NAMES: &[(&str, &str)] = &[
    (IP_FORWARD, "a node"),
    (BRIDGE_NF, "a node"),
    (FORWARD_POLICY, "a node"),
    (TRAFFIC_POLICY, "a Service with a node port"),
    (
        READY,
        "a Service with endpoints, and a scenario that does not resolve",
    ),
    (
        ENDPOINT,
        "a scenario that pins kube-proxy's pick (`pin_endpoint`)",
    ),
    (
        NDOTS,
        "a scenario that resolves a name (`kind = \"resolve\"`)",
    ),
    (own_packet::FROM, "a scenario"),
    (own_packet::TO, "a scenario"),
];

/// glibc reads at most ndots:15 (`RES_MAXNDOTS`); a larger value means 15.
const MAX_NDOTS: u8 = 15;

/// One switch the learner can flip: its real setting name, where it applies, and its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Switch {
    /// Canonical `NAME@WHERE`, or `NAME` for a switch of the whole lesson.
    pub key: String,
    /// The real setting's name, e.g. `net.ipv4.ip_forward`.
    pub name: String,
    /// The node, Service or pod it is set on; `None` for the whole lesson.
    pub at: Option<String>,
    /// The allowed values, the lesson's own value first.
    pub values: Vec<String>,
    /// The lesson's value.
    pub current: String,
    /// What it changes and what a learner would see on a real cluster.
    pub explain: String,
}

impl Switch {
    fn new(name: &str, at: Option<&str>, values: Vec<String>, explain: String) -> Switch {
        Switch {
            key: match at {
                Some(w) => format!("{name}@{w}"),
                None => name.to_string(),
            },
            name: name.into(),
            at: at.map(String::from),
            current: values.first().cloned().unwrap_or_default(),
            values,
            explain,
        }
    }

    /// This switch set to `value`.
    pub fn setting(&self, value: &str) -> Setting {
        Setting {
            name: self.name.clone(),
            value: value.into(),
            at: self.at.clone(),
        }
    }
}

fn bit(b: bool) -> &'static str {
    ["0", "1"][usize::from(b)]
}

/// `first`, then the others of `all` in their order.
fn first_then(first: String, all: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v = vec![first.clone()];
    v.extend(all.into_iter().filter(|x| *x != first));
    v
}

fn policy_name(p: TrafficPolicy) -> &'static str {
    match p {
        TrafficPolicy::Cluster => "Cluster",
        TrafficPolicy::Local => "Local",
    }
}

/// How a Service is named where: its name, or `namespace/name` when two share a name.
fn service_at(spec: &ClusterSpec, i: usize) -> String {
    let s = &spec.services[i];
    let shared = spec.services.iter().filter(|o| o.name == s.name).count() > 1;
    if shared {
        format!("{}/{}", s.namespace, s.name)
    } else {
        s.name.clone()
    }
}

/// The switches that apply to this lesson's cluster and scenario, in a fixed order: per node
/// the two sysctls, then the Services' policies, kube-proxy's pick, the pod's ndots.
pub fn available(lesson: &Lesson) -> Vec<Switch> {
    let spec = &lesson.cluster;
    let mut out = Vec::new();
    for node in &spec.nodes {
        let s = spec.sysctls.on(node);
        let values = |on: bool| vec![bit(on).to_string(), bit(!on).to_string()];
        out.push(Switch::new(
            IP_FORWARD,
            Some(&node.name),
            values(s.ip_forward),
            format!("0 stops {} routing packets from one interface to another (sysctl -w net.ipv4.ip_forward=0): a packet it must forward (a pod's to another node or out, a NodePort DNATed onward, a reply routed back) is dropped there, and on a real cluster the client times out. Its own sockets and pod-to-pod frames on its bridge still work.", node.name),
        ));
        out.push(Switch::new(
            BRIDGE_NF,
            Some(&node.name),
            values(s.bridge_nf_call_iptables),
            format!("0 lets frames {}'s bridge switches between its pods skip iptables and conntrack (br_netfilter off): a Service's reply from a pod on the same bridge goes back un-translated, from the pod's own IP, and the client refuses it. Routed traffic is unaffected.", node.name),
        ));
        let p = node.forward_policy.name().to_string();
        out.push(Switch::new(
            FORWARD_POLICY,
            Some(&node.name),
            first_then(p, ["ACCEPT".into(), "DROP".into()]),
            format!("DROP sets the policy of {}'s FORWARD chain (iptables -P FORWARD DROP, as Docker leaves it): a forwarded packet no rule accepts is dropped. kube-proxy's KUBE-FORWARD still accepts packets it marked and ESTABLISHED ones, flannel's FLANNEL-FWD those from or to the pod network; a new connection nothing accepts times out.", node.name),
        ));
    }
    for (i, svc) in spec.services.iter().enumerate() {
        if !svc.ports.iter().any(|p| p.node_port.is_some()) {
            continue;
        }
        let current = policy_name(svc.external_traffic_policy).to_string();
        out.push(Switch::new(
            TRAFFIC_POLICY,
            Some(&service_at(spec, i)),
            first_then(current, ["Cluster".into(), "Local".into()]),
            format!("The Service {}'s externalTrafficPolicy: Cluster sends outside traffic on its node port to any endpoint and masquerades the client; Local sends it only to the receiving node's endpoints and keeps the client's IP (a node without one drops it).", svc.name),
        ));
    }
    // Not for a lesson that resolves: what glibc does with the ICMP error of a rejected
    // query (the next server, the next name, or failing the lookup) is not modelled.
    let resolves = lesson.scenario.kind == ScenarioKind::Resolve;
    for (i, svc) in spec.services.iter().enumerate() {
        if svc.endpoints.is_empty() || resolves {
            continue;
        }
        let current = svc.endpoints_ready.to_string();
        out.push(Switch::new(
            READY,
            Some(&service_at(spec, i)),
            first_then(current, ["true".into(), "false".into()]),
            format!("false marks the endpoints of the Service {} not ready (their pods' readiness probes fail: the EndpointSlice says conditions.ready: false). kube-proxy sends traffic only to ready endpoints, so it has none and writes a REJECT in the filter table instead: a new connection to the Service is refused at once with ICMP port unreachable (curl: Couldn't connect to server), on its cluster IP and on its node port alike.", svc.name),
        ));
    }
    if let Some(pinned) = lesson.scenario.pin_endpoint {
        if let Ok(cluster) = lesson.cluster() {
            let eps = lesson
                .endpoints(&cluster)
                .into_iter()
                .map(|e| e.to_string());
            out.push(Switch::new(
                ENDPOINT,
                None,
                first_then(pinned.to_string(), eps),
                "The endpoint kube-proxy's random pick lands on (the statistic rules of the KUBE-SVC chain fall through to another KUBE-SEP chain and its DNAT). A real cluster draws again for every new connection; here the draw is pinned so the walk can be followed.".into(),
            ));
        }
    }
    if lesson.scenario.kind == ScenarioKind::Resolve {
        let pod = spec
            .nodes
            .iter()
            .flat_map(|n| &n.pods)
            .find(|p| p.name == lesson.scenario.from);
        if let Some(pod) = pod.filter(|_| spec.dns_ip.is_some()) {
            let ndots = pod.dns_config.and_then(|d| d.ndots).unwrap_or(5);
            out.push(Switch::new(
                NDOTS,
                Some(&pod.name),
                first_then(ndots.to_string(), (0..=MAX_NDOTS).map(|n| n.to_string())),
                format!("The pod {}'s dnsConfig option ndots (options: [{{name: ndots, value: \"N\"}}] in its spec; kubelet writes options ndots:N into its resolv.conf): glibc tries a name with at least N dots as-is first, one with fewer through the search list first, so a lower N saves or adds queries before the answer.", pod.name),
            ));
        }
    }
    // Your own packet, where there is a choice to make.
    let from = own_packet::senders(lesson);
    let to = own_packet::destinations(lesson);
    for (name, values, explain) in [
        (own_packet::FROM, from, own_packet::FROM_EXPLAIN),
        (own_packet::TO, to, own_packet::TO_EXPLAIN),
    ] {
        if values.len() > 1 {
            out.push(Switch::new(name, None, values, explain.into()));
        }
    }
    out
}

/// The lesson with `settings` applied in order, checked as a lesson file is. An unknown
/// name, a bad value, an unknown WHERE or a switch that does not apply is a one-line error.
pub fn apply(lesson: &Lesson, settings: &[Setting]) -> Result<Lesson, String> {
    let offered = available(lesson);
    let mut out = lesson.clone();
    for s in settings {
        for sw in targets(lesson, &offered, s)? {
            if !sw.values.contains(&s.value) {
                return Err(format!(
                    "{s}: `{}` takes {}, not `{}`",
                    sw.key,
                    sw.values.join(" or "),
                    s.value
                ));
            }
            set(&mut out, sw, &s.value).map_err(|e| format!("{s}: {e}"))?;
        }
    }
    let list: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
    out.check()
        .map_err(|e| format!("{}: the lesson it gives is refused: {e}", list.join(" ")))?;
    Ok(out)
}

/// The switches a setting sets: the one at its WHERE, or all of its name without one.
fn targets<'a>(
    lesson: &Lesson,
    offered: &'a [Switch],
    s: &Setting,
) -> Result<Vec<&'a Switch>, String> {
    let Some((_, needs)) = NAMES.iter().find(|(n, _)| *n == s.name) else {
        let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "{s}: no switch `{}`; the switches: {}",
            s.name,
            names.join(", ")
        ));
    };
    let named: Vec<&Switch> = offered.iter().filter(|w| w.name == s.name).collect();
    if named.is_empty() {
        return Err(format!(
            "{s}: `{}` does not apply to lesson {}: it needs {needs}",
            s.name, lesson.id
        ));
    }
    let Some(at) = &s.at else {
        return Ok(named);
    };
    let places: Vec<&str> = named.iter().filter_map(|w| w.at.as_deref()).collect();
    if places.is_empty() {
        return Err(format!(
            "{s}: `{}` applies to the whole lesson: give it without @{at}",
            s.name
        ));
    }
    match named.iter().find(|w| w.at.as_deref() == Some(at)) {
        Some(w) => Ok(vec![*w]),
        None => Err(format!(
            "{s}: no {} `{at}` for `{}` in lesson {}; it applies at: {}",
            match s.name.as_str() {
                TRAFFIC_POLICY | READY => "Service",
                NDOTS => "pod",
                _ => "node",
            },
            s.name,
            lesson.id,
            places.join(", ")
        )),
    }
}

/// Write one switch's value into the lesson.
fn set(l: &mut Lesson, sw: &Switch, value: &str) -> Result<(), String> {
    let at = sw.at.as_deref().unwrap_or_default();
    let spec = &mut l.cluster;
    match sw.name.as_str() {
        IP_FORWARD | BRIDGE_NF => {
            let node = spec
                .nodes
                .iter_mut()
                .find(|n| n.name == at)
                .ok_or("no such node")?;
            let on = Some(value == "1");
            if sw.name == IP_FORWARD {
                node.sysctls.ip_forward = on;
            } else {
                node.sysctls.bridge_nf_call_iptables = on;
            }
        }
        FORWARD_POLICY => {
            let node = spec.nodes.iter_mut().find(|n| n.name == at);
            node.ok_or("no such node")?.forward_policy = match value {
                "DROP" => Policy::Drop,
                _ => Policy::Accept,
            };
        }
        TRAFFIC_POLICY => {
            let i = (0..spec.services.len())
                .find(|i| service_at(spec, *i) == at)
                .ok_or("no such Service")?;
            spec.services[i].external_traffic_policy = match value {
                "Local" => TrafficPolicy::Local,
                _ => TrafficPolicy::Cluster,
            };
        }
        READY => {
            let i = (0..spec.services.len())
                .find(|i| service_at(spec, *i) == at)
                .ok_or("no such Service")?;
            spec.services[i].endpoints_ready = value == "true";
        }
        own_packet::FROM => own_packet::set_from(l, value)?,
        own_packet::TO => own_packet::set_to(l, value)?,
        ENDPOINT => {
            let ep: SocketAddrV4 = value.parse().map_err(|_| "not IP:PORT")?;
            l.scenario.pin_endpoint = Some(ep);
        }
        NDOTS => {
            let n: u8 = value.parse().map_err(|_| "not a number")?;
            let pod = spec
                .nodes
                .iter_mut()
                .flat_map(|n| &mut n.pods)
                .find(|p| p.name == at)
                .ok_or("no such pod")?;
            pod.dns_config = Some(PodDnsConfig { ndots: Some(n) });
        }
        _ => return Err(format!("no switch `{}`", sw.name)),
    }
    Ok(())
}

#[cfg(test)]
#[path = "switches_tests.rs"]
mod tests;
