//! One question, read from its hop: the prompt, the right answer from the hop's decision
//! or packet, and wrong choices from the rest of the run and the cluster.

use crate::Lesson;
use packetwalk_core::engine::Run;
use packetwalk_core::fabric::NextHop;
use packetwalk_core::link::IfaceKind;
use packetwalk_core::packet::{Body, Frame};
use packetwalk_core::trace::{Decision, Event};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// The kinds of question, each read from the hop's own decision and packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// At a route lookup: which row (or the local table) the kernel picks.
    Route,
    /// At an ARP request: whose address the sender asks for.
    Neighbour,
    /// At a DNAT: where the packet is headed after kube-proxy's rules.
    Dnat,
    /// At an SNAT or masquerade: the source the packet leaves with.
    Snat,
    /// At the cloud fabric: which effective route it takes.
    Fabric,
    /// At a VXLAN encapsulation: which node the outer packet goes to.
    Tunnel,
    /// At a DNS query: which name glibc asks for.
    Dns,
    /// At conntrack's reply translation: the source the reply carries.
    Reply,
    /// At a delivery: which container's process receives it.
    Deliver,
    /// At a bridge: out of which port (or up to the node itself) the frame goes.
    Bridge,
}

pub(super) fn question(ask: Ask, i: usize, run: &Run, lesson: &Lesson) -> Option<Question> {
    let hops = &run.trace.hops;
    let h = &hops[i];
    let ns = &h.at.netns;
    let (prompt, right, wrong): (String, String, Vec<String>) = match (ask, &h.decision) {
        (Ask::Route, Some(Decision::Route { table, matched, .. })) => {
            let dst = ip_of(h.packet.as_ref())?.1;
            let rows: Vec<String> = table
                .iter()
                .map(|r| r.to_string().trim_end().to_string())
                .collect();
            let right = rows.get(*matched)?.clone();
            (
                format!("Which route does {ns} pick for {dst}?"),
                right,
                rows,
            )
        }
        (Ask::Route, Some(Decision::Local { addr, dev })) => {
            let routes = run.cluster().ns(ns)?.routes.routes.iter();
            let rows = routes
                .map(|r| r.to_string().trim_end().to_string())
                .collect();
            (
                format!("Where does {ns} send a packet for {addr}?"),
                format!(
                    "nowhere: {addr} is its own address (on {dev}), so it is delivered locally"
                ),
                rows,
            )
        }
        (Ask::Neighbour, _) => {
            let Some(Frame {
                body: Body::Arp(arp),
                ..
            }) = &h.packet
            else {
                return None;
            };
            // The packet waiting for the answer: the last IP packet this namespace routed.
            let waiting = hops[..i]
                .iter()
                .rev()
                .filter(|p| p.at.netns == *ns)
                .find_map(|p| ip_of(p.packet.as_ref()));
            // Wrong: the packet's own destination, gateways through the same device, and
            // the other pods of that subnet.
            let mut wrong = Vec::new();
            if let Some((src, dst)) = waiting {
                wrong.push(format!("{dst}"));
                if src != arp.spa {
                    wrong.push(format!("{src} (the packet's sender)"));
                }
            }
            let dev =
                h.at.device
                    .as_deref()
                    .map(|d| d.split('@').next().unwrap_or(d));
            for r in &run.cluster().ns(ns)?.routes.routes {
                if let Some(v) = r.via.filter(|_| Some(r.dev.as_str()) == dev) {
                    wrong.push(v.to_string());
                }
            }
            let pods = run.cluster().spec.nodes.iter().flat_map(|n| &n.pods);
            let near = |p: &&packetwalk_core::cluster::PodSpec| {
                (u32::from(p.ip) ^ u32::from(arp.tpa)) >> 8 == 0 && p.ip != arp.spa
            };
            wrong.extend(pods.filter(near).map(|p| p.ip.to_string()));
            let about = waiting
                .map(|(_, d)| format!(" (the packet is for {d})"))
                .unwrap_or_default();
            (
                format!("Whose MAC address does {ns} ask for{about}?"),
                arp.tpa.to_string(),
                wrong,
            )
        }
        (Ask::Dnat, Some(Decision::Conntrack { entry, .. })) => {
            let to = format!("{}:{}", entry.reply.src, entry.reply.sport);
            let asked = format!("{}:{}", entry.original.dst, entry.original.dport);
            let mut wrong = vec![format!("{asked} (unchanged)")];
            wrong.extend(
                lesson
                    .endpoints(run.cluster())
                    .iter()
                    .map(|e| e.to_string()),
            );
            let port = entry.original.dport;
            wrong.extend(node_ips(run).into_iter().map(|n| format!("{n}:{port}")));
            (
                format!("The packet was sent to {asked}. Where is it headed after the nat table?"),
                to,
                wrong,
            )
        }
        (Ask::Snat, _) => {
            // Read from the packets, as the cloud's SNAT records no conntrack entry.
            let (to, _) = ip_of(h.packet.as_ref())?;
            let (from, _) = hops[..i]
                .iter()
                .rev()
                .find_map(|p| ip_of(p.packet.as_ref()))?;
            let (first, _) = hops.iter().find_map(|p| ip_of(p.packet.as_ref()))?;
            if to == from {
                return None;
            }
            let mut wrong = vec![
                format!("{from} (unchanged)"),
                format!("{first} (the sender's own)"),
            ];
            wrong.extend(node_ips(run).into_iter().map(|n| n.to_string()));
            (
                format!(
                    "The packet reaches {ns} from {from}. Which source address does it leave with?"
                ),
                to.to_string(),
                wrong,
            )
        }
        (Ask::Fabric, Some(Decision::Fabric { table, matched, .. })) => {
            let dst = ip_of(h.packet.as_ref())?.1;
            let row = |r: &packetwalk_core::fabric::AzureRoute| match r.next_hop {
                NextHop::VirtualAppliance(n) => format!("{} → VirtualAppliance {n}", r.prefix),
                other => format!("{} → {other}", r.prefix),
            };
            let rows: Vec<String> = table.iter().map(row).collect();
            let right = rows.get(*matched)?.clone();
            (
                format!("Which of the VNet's effective routes does the fabric pick for {dst}?"),
                right,
                rows,
            )
        }
        (Ask::Tunnel, Some(Decision::Vxlan { fdb, .. })) => {
            let inner = inner_dst(h.packet.as_ref());
            let mut wrong: Vec<String> = node_ips(run).into_iter().map(|n| n.to_string()).collect();
            if let Some(d) = inner {
                wrong.push(format!("{d} (the pod itself)"));
            }
            let about = inner.map(|d| format!(" for {d}")).unwrap_or_default();
            (format!("flannel.1 wraps the frame{about} in UDP. To which address does the outer packet go?"), fdb.dst.to_string(), wrong)
        }
        (Ask::Dns, Some(Decision::Dns { candidate, .. })) => {
            let mut wrong: Vec<String> = hops
                .iter()
                .filter_map(|o| match &o.decision {
                    Some(Decision::Dns {
                        candidate: c,
                        answer: None,
                        ..
                    }) => Some(c.clone()),
                    _ => None,
                })
                .collect();
            if let Some(name) = &lesson.scenario.name {
                wrong.push(format!("{}.", name.trim_end_matches('.')));
            }
            (
                format!("Which name does {ns}'s resolver ask for now?"),
                candidate.clone(),
                wrong,
            )
        }
        (Ask::Reply, Some(Decision::Conntrack { .. })) => {
            let now = flow(h.packet.as_ref())?;
            let before = hops[..i]
                .iter()
                .rev()
                .find_map(|p| flow(p.packet.as_ref()))?;
            if now == before {
                return None;
            }
            let mut wrong = vec![
                format!("{} → {} (unchanged)", before.0, before.1),
                format!("{} → {}", now.0, before.1),
                format!("{} → {}", before.0, now.1),
            ];
            // and the misreading that the node answers for the pod
            let node =
                h.at.node
                    .as_deref()
                    .and_then(|n| run.cluster().spec.nodes.iter().find(|x| x.name == n));
            let port = |a: &str| {
                a.split_once(':')
                    .map(|(_, p)| format!(":{p}"))
                    .unwrap_or_default()
            };
            if let Some(n) = node.filter(|_| now.0 != before.0) {
                wrong.push(format!("{}{} → {}", n.ip, port(&before.0), before.1));
            }
            (
                format!(
                    "The reply reaches conntrack in {ns} as {} → {}. How does it leave?",
                    before.0, before.1
                ),
                format!("{} → {}", now.0, now.1),
                wrong,
            )
        }
        (Ask::Deliver, _) => {
            let Event::Deliver { process } = &h.event else {
                return None;
            };
            let right = h.container.clone()?;
            let pod = run
                .cluster()
                .spec
                .nodes
                .iter()
                .flat_map(|n| &n.pods)
                .find(|p| p.name == *ns)?;
            let wrong = pod.containers.iter().map(|c| c.name.clone()).collect();
            let _ = process;
            (format!("The pod's containers share {ns}'s network namespace. Which container receives this packet?"), right, wrong)
        }
        (
            Ask::Bridge,
            Some(Decision::Fdb {
                bridge,
                dst,
                entry,
                ports,
            }),
        ) => {
            let up = format!("up to {ns} itself (the bridge's own IP stack)");
            let node = run.cluster().ns(ns)?;
            // A port as the learner knows it: the veth, and the pod at its other end.
            let port = |name: &str| match node.iface(name).map(|i| &i.kind) {
                Some(IfaceKind::Veth { peer_netns, .. }) => {
                    format!("out of {name} (to {peer_netns})")
                }
                _ => format!("out of {name}"),
            };
            let members: Vec<&str> = node
                .ifaces
                .iter()
                .filter(|i| i.master.as_deref() == Some(bridge.as_str()))
                .map(|i| i.name.as_str())
                .collect();
            // A flood leaves by every port but the one it came in by, unless that port is
            // in hairpin mode (br_flood → should_deliver, net/bridge/br_forward.c).
            let all = "flooded out of every port, back out of the sender's own too".to_string();
            let others = "flooded out of every port but the one it came in by".to_string();
            let right = match (entry, ports.as_slice()) {
                (Some(e), _) if !e.local && !ports.is_empty() => port(&e.port),
                (None, [_, ..]) if ports.len() == members.len() => all.clone(),
                (None, [_, ..]) => others.clone(),
                _ => up.clone(),
            };
            let mut wrong = vec![up, others, all];
            wrong.extend(members.iter().map(|m| port(m)));
            (
                format!("The frame for {dst} is on {bridge}. Where does the bridge send it?"),
                right,
                wrong,
            )
        }
        _ => return None,
    };
    let (choices, right) = choices(right, wrong)?;
    Some(Question {
        hop: i,
        ask: prompt,
        choices,
        right,
        why: h.explain.clone(),
        evidence: h.decision.as_ref().map(Decision::lines).unwrap_or_default(),
    })
}

/// A question, ready to ask before hop `hop` is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub hop: usize,
    pub ask: String,
    /// Two to four choices, in a fixed order that does not give the answer away.
    pub choices: Vec<String>,
    /// Index of the right one in `choices`.
    pub right: usize,
    /// Why, in the engine's words, and the evidence: the decision as the tools show it.
    pub why: String,
    pub evidence: Vec<String>,
}

/// The right answer and up to three distinct wrong ones, sorted so that the position says
/// nothing; `None` when there is nothing to choose between.
fn choices(right: String, wrong: Vec<String>) -> Option<(Vec<String>, usize)> {
    let mut all = vec![right.clone()];
    for w in wrong {
        let bare = w.split(" (").next().unwrap_or(&w).to_string();
        if all.len() < 4
            && !all
                .iter()
                .any(|a| a.split(" (").next() == Some(bare.as_str()))
        {
            all.push(w);
        }
    }
    if all.len() < 2 {
        return None;
    }
    all.sort();
    let i = all.iter().position(|c| *c == right)?;
    Some((all, i))
}

fn ip_of(f: Option<&Frame>) -> Option<(Ipv4Addr, Ipv4Addr)> {
    match &f?.body {
        Body::Ipv4(ip) => Some((ip.src, ip.dst)),
        Body::Arp(_) => None,
    }
}

/// Source and destination as `IP:port` (the bare IPs without ports).
fn flow(f: Option<&Frame>) -> Option<(String, String)> {
    match &f?.body {
        Body::Ipv4(ip) => Some(match ip.l4.ports() {
            Some((s, d)) => (format!("{}:{s}", ip.src), format!("{}:{d}", ip.dst)),
            None => (ip.src.to_string(), ip.dst.to_string()),
        }),
        Body::Arp(_) => None,
    }
}

fn inner_dst(f: Option<&Frame>) -> Option<Ipv4Addr> {
    match &f?.body {
        Body::Ipv4(ip) => match &ip.l4 {
            packetwalk_core::packet::L4::Udp(u) => match &u.payload {
                packetwalk_core::packet::UdpPayload::Vxlan(v) => ip_of(Some(&v.inner)).map(|p| p.1),
                _ => None,
            },
            _ => None,
        },
        Body::Arp(_) => None,
    }
}

fn node_ips(run: &Run) -> Vec<Ipv4Addr> {
    run.cluster().spec.nodes.iter().map(|n| n.ip).collect()
}
