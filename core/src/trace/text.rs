//! The trace's text form: one header line per hop, then the packet, the decision and the
//! changes. It is the snapshot format and the CLI's.

use super::*;
use crate::fabric::AzureVnet;
use crate::vocab::consts::FLANNEL_VXLAN_PORT;
use std::fmt::Write as _;

impl Location {
    fn text(&self) -> String {
        let mut s = match &self.node {
            Some(n) if *n != self.netns => format!("{n}/{}", self.netns),
            _ => self.netns.clone(),
        };
        if let Some(d) = &self.device {
            s += &format!(" {d}");
        }
        match self.direction {
            Some(Direction::In) => s += " (in)",
            Some(Direction::Out) => s += " (out)",
            None => {}
        }
        s
    }
}

impl Event {
    pub fn label(&self) -> String {
        match self {
            Event::Send { process } => format!("send ({process})"),
            Event::RouteLookup => "route".into(),
            Event::Transmit => "transmit".into(),
            Event::Receive => "receive".into(),
            Event::BridgeForward => "bridge".into(),
            Event::ArpRequest => "arp request".into(),
            Event::ArpReply => "arp reply".into(),
            Event::Netfilter { hook } => format!("iptables {hook}"),
            Event::Filter { hook } => format!("filter {hook}"),
            Event::Dnat => "DNAT".into(),
            Event::Snat => "SNAT".into(),
            Event::ConntrackReply => "conntrack".into(),
            Event::VxlanEncap => "vxlan encap".into(),
            Event::VxlanDecap => "vxlan decap".into(),
            Event::FabricRoute => "fabric route".into(),
            Event::DnsQuery => "dns query".into(),
            Event::DnsAnswer => "dns answer".into(),
            Event::Deliver { process } => format!("deliver ({process})"),
            Event::Refused { process } => format!("refused ({process})"),
            Event::Drop { .. } => "DROP".into(),
        }
    }
}

impl Decision {
    /// The decision as indented lines for the text form.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Decision::Local { addr, dev } => vec![format!("local: {addr} is an address of {dev}")],
            Decision::Route {
                table,
                matched,
                checks,
                ..
            } => route_lines(table, Some(*matched), checks),
            Decision::NoRoute { table, checks } => route_lines(table, None, checks),
            Decision::Neighbour { ip, dev, entry } => match entry {
                Some(e) => vec![format!("neigh: {e}")],
                None => vec![format!("neigh: no entry for {ip} on {dev}")],
            },
            Decision::Fdb {
                bridge,
                dst,
                entry,
                ports,
            } => match entry {
                Some(e) => vec![format!("fdb: {}", e.line(bridge))],
                None if ports.is_empty() => {
                    vec![format!(
                        "fdb: {dst} unknown or broadcast: no port to flood to"
                    )]
                }
                None => vec![format!(
                    "fdb: {dst} unknown or broadcast: flood to {}",
                    ports.join(", ")
                )],
            },
            Decision::Nat(w) => {
                let mut v: Vec<String> = w
                    .steps
                    .iter()
                    .map(|s| {
                        let mark = if s.matched { "✓" } else { "·" };
                        let mut line = format!("{mark} {}  {}", s.label_in(w.table()), s.text());
                        if let Some(n) = &s.draw {
                            line += &format!("  [{n}]");
                        }
                        line
                    })
                    .collect();
                if let Some(p) = w.policy_label() {
                    v.push(format!("  {p}"));
                }
                v
            }
            Decision::Conntrack { entry, direction } => {
                vec![format!("conntrack ({}): {entry}", direction.name())]
            }
            Decision::Vxlan {
                vni,
                dev,
                fdb,
                sport,
            } => {
                vec![format!("fdb: {}", fdb.line(dev)), format!("vni {vni}, outer dst {}:{FLANNEL_VXLAN_PORT}, outer sport {sport} (hash of the inner flow)", fdb.dst)]
            }
            Decision::Fabric { table, matched, .. } => {
                let next_hop = self.fabric_next_hop().unwrap_or_default();
                let mut v: Vec<String> = table
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mark = if i == *matched { "→" } else { " " };
                        format!("{mark} {}", AzureVnet::row_text(r))
                    })
                    .collect();
                v.push(format!("next hop: {next_hop}"));
                v
            }
            Decision::Dns {
                candidate,
                reason,
                answer,
            } => vec![
                format!("candidate {candidate} ({reason})"),
                match answer {
                    Some(a) => format!("answer: {a}"),
                    None => "answer: ".to_string(),
                },
            ],
        }
    }
}

fn route_lines(table: &[Route], matched: Option<usize>, checks: &[SubnetCheck]) -> Vec<String> {
    table
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let m = if Some(i) == matched { "→" } else { " " };
            let c = checks.get(i).map(|c| {
                if c.matches {
                    format!("/{} match", c.cidr.prefix_len())
                } else {
                    "no match".into()
                }
            });
            let row = r.to_string();
            format!("{m} {:<60} {}", row.trim_end(), c.unwrap_or_default())
        })
        .collect()
}

impl Trace {
    /// The text form: one header line per hop, then the packet, the decision and the changes.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, h) in self.hops.iter().enumerate() {
            let _ = writeln!(
                out,
                "#{i:<3} [{}] {:<16} {}",
                h.leg,
                h.event.label(),
                h.at.text()
            );
            if let Some(p) = &h.packet {
                let _ = writeln!(out, "       pkt  {p}");
            }
            if let Some(d) = &h.decision {
                for l in d.lines() {
                    let _ = writeln!(out, "       {l}");
                }
            }
            for c in &h.changes {
                let _ = writeln!(
                    out,
                    "       + {} {}: {}",
                    c.netns,
                    c.table.name(),
                    c.line.trim_end()
                );
            }
            if !h.explain.is_empty() {
                let _ = writeln!(out, "       why  {}", h.explain);
            }
        }
        match &self.outcome {
            Outcome::Completed { summary } => {
                let _ = writeln!(out, "== completed: {summary}");
            }
            Outcome::Failed { hop, reason } => {
                let _ = writeln!(out, "== failed at hop #{hop}: {reason}");
            }
        }
        out
    }
}
