//! Each frame's comment: its hop (number, event, where, the leg, the engine's explanation),
//! then the hops since the previous frame that led to it (the route row, the rule that
//! matched, the conntrack entry, the VXLAN FDB entry…), then what happened to the packet
//! after it off the wire (a drop, with where and why; the delivery to a process).

use crate::taps::{raw_dev, Seen};
use packetwalk_core::netfilter::NatVerdict;
use packetwalk_core::trace::{Decision, Direction, Event, Hop};

/// The comments, one per element of `seen`, in its order.
pub fn comments(hops: &[Hop], seen: &[Seen]) -> Vec<String> {
    let mut out = Vec::with_capacity(seen.len());
    for (k, s) in seen.iter().enumerate() {
        let since = if k == 0 { 0 } else { seen[k - 1].hop + 1 };
        let until = seen.get(k + 1).map_or(hops.len(), |n| n.hop);
        let h = &hops[s.hop];
        let mut parts = vec![format!("{} [{}]", line_head(s.hop, h), h.leg)];
        if !h.explain.is_empty() {
            parts[0] += &format!(": {}", h.explain);
        }
        if let Some(d) = &h.decision {
            parts[0] += &format!(" ({})", summary(d));
        }
        let before: Vec<String> = (since..s.hop)
            .filter(|&j| is_context(&hops[j]))
            .map(|j| context_line(j, &hops[j]))
            .collect();
        if !before.is_empty() {
            parts.push(format!("before: {}", before.join(" | ")));
        }
        for (j, a) in hops.iter().enumerate().take(until).skip(s.hop + 1) {
            match &a.event {
                Event::Drop { .. } => parts.push(format!(
                    "then dropped at {}: {}",
                    line_head(j, a),
                    a.explain
                )),
                Event::Deliver { .. } => {
                    parts.push(format!("then {}: {}", line_head(j, a), a.explain))
                }
                _ => {}
            }
        }
        out.push(parts.join(" || "));
    }
    out
}

/// A hop worth telling between two frames: a decision, a rewrite, a process's act.
fn is_context(h: &Hop) -> bool {
    match h.event {
        Event::Drop { .. } | Event::Deliver { .. } => false,
        Event::Transmit | Event::Receive | Event::BridgeForward => h.decision.is_some(),
        _ => true,
    }
}

fn context_line(j: usize, h: &Hop) -> String {
    let mut s = line_head(j, h);
    if let Some(d) = &h.decision {
        s += &format!(" {}", summary(d));
    }
    if !h.explain.is_empty() {
        s += &format!(": {}", h.explain);
    }
    s
}

/// `#14 transmit frontend/eth0 (out)`.
fn line_head(j: usize, h: &Hop) -> String {
    let mut at = h.at.netns.clone();
    if let Some(d) = &h.at.device {
        at += &format!("/{}", raw_dev(d));
    }
    match h.at.direction {
        Some(Direction::In) => at += " (in)",
        Some(Direction::Out) => at += " (out)",
        None => {}
    }
    format!("#{j} {} {at}", h.event.label())
}

/// The decision in one line: the row, the rule, the entry.
pub fn summary(d: &Decision) -> String {
    match d {
        Decision::Route {
            table,
            matched,
            next_hop,
            dev,
            ..
        } => match table.get(*matched) {
            Some(row) => format!("route `{}`", row.to_string().trim()),
            None => format!("route via {next_hop} dev {dev}"),
        },
        Decision::Fabric { table, matched, .. } => format!(
            "route `{}` -> {}",
            table
                .get(*matched)
                .map(|r| packetwalk_core::fabric::AzureVnet::row_text(r)
                    .trim()
                    .to_string())
                .unwrap_or_default(),
            d.fabric_next_hop().unwrap_or_default()
        ),
        Decision::Nat(w) => {
            let verdict = match &w.verdict {
                NatVerdict::Accept => "no translation".to_string(),
                NatVerdict::Dnat(to) => format!("DNAT to {to}"),
                NatVerdict::Masquerade { random_fully } => {
                    format!(
                        "MASQUERADE{}",
                        if *random_fully { " random-fully" } else { "" }
                    )
                }
                NatVerdict::Drop => "DROP".to_string(),
                NatVerdict::Reject => "REJECT".to_string(),
            };
            // The rule that translated (none when nothing did).
            let last = w.steps.iter().rev().find(|s| s.matched);
            match last.filter(|_| w.verdict != NatVerdict::Accept) {
                Some(s) => format!(
                    "{} {}: {verdict} ({})",
                    w.table(),
                    w.hook,
                    s.label_in(w.table())
                ),
                None => format!("{} {}: {verdict}", w.table(), w.hook),
            }
        }
        other => other
            .lines()
            .iter()
            .map(|l| l.trim().to_string())
            .collect::<Vec<_>>()
            .join("; "),
    }
}
