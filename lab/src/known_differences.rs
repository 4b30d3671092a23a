//! Differences between the model and the kernel that are understood. Each is recognised by
//! the findings it produces (with the lesson's cluster at hand, so a rule checks the very
//! interface, MAC or address it is about), explained, and classed. A finding no rule
//! explains fails the run; under `PACKETWALK_CONFORMANCE_STRICT=1` so does one classed as
//! the model's own. A path finding is explained when the kernel's taps are the model's plus
//! taps whose frames a rule explained. A rule that explained nothing in a run of every lesson
//! is listed as stale in the summary, so the list shrinks when the model is fixed.

use crate::findings::Finding;
use crate::observe::path_key;
use crate::Lab;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A timer the model does not run (a neighbour entry's base_reachable_time).
    Timer,
    /// Two CPUs racing: which of two independent events came first.
    Race,
    /// The model simplifies on purpose; the lesson stays true.
    Simplification,
    /// The model is wrong here; reported to the owner of `core/` with a proposed fix.
    Model,
}

impl Class {
    pub fn label(&self) -> &'static str {
        match self {
            Class::Timer => "timer / state that moves on its own",
            Class::Race => "timing between two CPUs",
            Class::Simplification => "simplification in the model",
            Class::Model => "the model differs from the kernel (reported, fix proposed)",
        }
    }
}

pub struct Known {
    pub id: &'static str,
    pub class: Class,
    pub explain: &'static str,
    pub matches: fn(&Finding, &Lab) -> bool,
}

pub const KNOWN: &[Known] = &[
    Known {
        id: "neighbour-states",
        class: Class::Timer,
        explain: "Neighbour entries agree on address and MAC; the kernel's entry moved on by a timer the model does not run: REACHABLE turns STALE after base_reachable_time (30 s, randomised to 15-45 s), DELAY turns REACHABLE (confirmed) or PROBE after delay_first_probe_time (5 s) (neigh_timer_handler, net/core/neighbour.c). STALE → DELAY is not a timer: the model does it on the send that uses the entry (__neigh_event_send).",
        matches: neigh_timer,
    },
    Known {
        id: "bridge-link-local",
        class: Class::Simplification,
        explain: "A bridge's IPv6 link-local address comes from the random MAC the bridge had when it was brought up, before its first port gave it the lowest port MAC (the random MAC: br_dev_setup in net/bridge/br_device.c; the link-local made from it at NETDEV_UP: net/ipv6/addrconf.c; the lowest port's MAC taken later: br_stp_recalculate_bridge_id in net/bridge/br_stp_if.c). That MAC is random and never visible afterwards, so the model prints a stand-in derived from the bridge's name (core/src/show/ip.rs), not one derived from the final MAC.",
        matches: |f, lab| f.area == "addr" && f.what.matches("inet6 fe80::").count() == 2 && bridges(lab).iter().any(|b| f.at.contains(&format!(" {b} line"))),
    },
    Known {
        id: "nat-policy-counters",
        class: Class::Simplification,
        explain: "`iptables-save` prints the built-in chains' policy counters; after the exchange they count the packets that fell through to the chain's policy (in nat the first packet of each connection not translated: the un-NATed SYN, the VXLAN packets, and IGMP reports the lab's interfaces sent; in filter every packet INPUT, OUTPUT or FORWARD passed without a verdict). The model prints `[0:0]` (core/src/show/iptables.rs) and carries no packet sizes, so it could not print the byte counts.",
        matches: nat_counters,
    },
    Known {
        id: "dns-answer-before-aaaa",
        class: Class::Race,
        explain: "glibc hands the A and the AAAA query to the kernel in one sendmmsg call, before it reads any answer (send_dg in resolv/res_send.c), as the model has it. The first datagram's whole way to the DNS server (ARP included) can run in the softirq of the sending CPU before the second leaves, and the server, on the other CPU, may answer the A before the AAAA is on the wire. Every question and answer matches, in order; only where the A's answer falls among the client's sends differs.",
        matches: dns_interleaving,
    },
];

/// `model [..], kernel [..]` of the client's DNS timeline: the same queries in the same order,
/// the same answers in the same order, every answer after its own query.
fn dns_interleaving(f: &Finding, _: &Lab) -> bool {
    let Some((m, k)) = f
        .what
        .strip_prefix("model ")
        .and_then(|w| w.split_once(", kernel "))
    else {
        return false;
    };
    let list = |s: &str| -> Vec<String> {
        s.trim_matches(['[', ']'])
            .split("\", \"")
            .map(|x| x.trim_matches('"').to_string())
            .collect()
    };
    let (m, k) = (list(m), list(k));
    let part = |v: &[String], p: &str| -> Vec<String> {
        v.iter().filter(|x| x.starts_with(p)).cloned().collect()
    };
    let answered_after_asked =
        k.iter()
            .enumerate()
            .all(|(i, x)| match x.strip_prefix("in DNS answer ") {
                Some(q) => k[..i].iter().any(|y| {
                    y.strip_prefix("out DNS ").map(|y| y.replacen('?', "", 1))
                        == Some(q.to_string())
                }),
                None => true,
            });
    f.area == "dns-timeline"
        && part(&m, "out ") == part(&k, "out ")
        && part(&m, "in ") == part(&k, "in ")
        && answered_after_asked
}

/// `lladdr … in both; state: model REACHABLE, kernel STALE` (or DELAY → REACHABLE/PROBE):
/// only the transitions a timer makes.
fn neigh_timer(f: &Finding, _: &Lab) -> bool {
    let Some((_, states)) = f.what.split_once("; state: model ") else {
        return false;
    };
    f.area == "neigh-state"
        && matches!(
            states.split_once(", kernel "),
            Some(("REACHABLE", "STALE")) | Some(("DELAY", "REACHABLE" | "PROBE"))
        )
}

fn bridges(lab: &Lab) -> Vec<String> {
    lab.cluster
        .netns
        .iter()
        .flat_map(|n| {
            n.ifaces
                .iter()
                .filter(|i| i.bridge().is_some())
                .map(|i| i.name.clone())
        })
        .collect()
}

/// `model ":PREROUTING ACCEPT [0:0]", kernel ":PREROUTING ACCEPT [2:100]"` (nat or filter).
fn nat_counters(f: &Finding, _: &Lab) -> bool {
    if f.area != "nat" && f.area != "filter" {
        return false;
    }
    let chain = |s: &str| {
        (s.split_once(" ACCEPT [")
            .or_else(|| s.split_once(" DROP [")))
        .map(|(c, _)| c.trim_start_matches(['"', ':']).to_string())
    };
    let Some((m, k)) = f
        .what
        .strip_prefix("model ")
        .and_then(|w| w.split_once(", kernel "))
    else {
        return false;
    };
    ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
        .iter()
        .any(|c| chain(m).as_deref() == Some(*c) && chain(k).as_deref() == Some(*c))
        && m.contains("[0:0]")
}

/// Which rule explains each finding (`None`: unexplained).
pub fn classify(findings: &[Finding], lab: &Lab) -> Vec<Option<&'static Known>> {
    let mut out: Vec<Option<&'static Known>> = findings
        .iter()
        .map(|f| KNOWN.iter().find(|k| (k.matches)(f, lab)))
        .collect();
    for (i, f) in findings.iter().enumerate() {
        let Some((model, kernel, unordered)) = &f.path else {
            continue;
        };
        // The kernel's extra taps on this path, each explained by the same rule.
        let mut rest = kernel.clone();
        let mut missing = false;
        for t in model {
            match rest.iter().position(|x| x == t) {
                Some(p) => {
                    rest.remove(p);
                }
                None => missing = true,
            }
        }
        let key = f.key.clone().unwrap_or_default();
        let rules: Vec<Option<&'static Known>> = rest
            .iter()
            .map(|tap| {
                findings
                    .iter()
                    .zip(&out)
                    .find(|(g, k)| {
                        k.is_some()
                            && g.extra.is_some()
                            && g.at == *tap
                            && g.key.as_deref().map(path_key).as_deref() == Some(key.as_str())
                    })
                    .and_then(|(_, k)| *k)
            })
            .collect();
        let ordered_ok = *unordered || kernel.iter().filter(|t| model.contains(t)).eq(model.iter());
        if !missing
            && ordered_ok
            && !rules.is_empty()
            && rules
                .iter()
                .all(|r| r.is_some() && r.map(|k| k.id) == rules[0].map(|k| k.id))
        {
            out[i] = rules[0];
        }
    }
    out
}
