//! Layer 2: what each kind of device does with a frame it sends or receives, the Linux
//! bridge (learning, forwarding, flooding, hairpin, br_netfilter), ARP, and the underlay.

use super::{InFlight, Sim};
use crate::addr::Mac;
use crate::fabric::{AzureVnet, FabricSnat, NextHop, SegmentKind};
use crate::link::IfaceKind;
use crate::neigh::NudState;
use crate::packet::{Arp, ArpOp, Body, Ethernet, Frame};
use crate::trace::{Decision, Direction, DropReason, Event, Location};
use std::net::Ipv4Addr;

impl Sim {
    pub(super) fn enqueue(&mut self, ns: usize, dev: &str, frame: Frame) {
        self.queue.push_back(InFlight {
            ns,
            dev: dev.to_string(),
            frame,
            leg: self.leg.clone(),
        });
    }

    /// A frame leaves `dev`.
    pub(super) fn transmit(&mut self, ns: usize, dev: &str, frame: Frame) {
        let Some(iface) = self.c.netns[ns].iface(dev).cloned() else {
            return;
        };
        let at = self.location(ns, Some(dev), Some(Direction::Out));
        let why = match &iface.kind {
            IfaceKind::Veth {
                peer_netns,
                peer_name,
                peer_ifindex,
                ..
            } => {
                let peer = self
                    .c
                    .ns(peer_netns)
                    .and_then(|n| n.iface_by_index(*peer_ifindex))
                    .map(|i| i.display_name())
                    .unwrap_or_else(|| peer_name.clone());
                format!("a veth pair is a virtual cable: what leaves {} arrives on {peer} in {peer_netns}", iface.display_name())
            }
            IfaceKind::Nic { segment } => format!("out of the NIC onto the underlay `{segment}`"),
            IfaceKind::Loopback => {
                "loopback: the frame comes straight back into this namespace".into()
            }
            IfaceKind::Bridge(_) => {
                format!("the host sends through its bridge {dev}; the bridge picks the port")
            }
            IfaceKind::Vxlan(_) => String::new(),
        };
        if !matches!(iface.kind, IfaceKind::Bridge(_)) {
            self.hop(at, Event::Transmit, Some(frame.clone()), None, vec![], why);
        }
        self.dispatch(ns, dev, frame);
    }

    /// Hand a frame to the device's other side (no hop recorded).
    pub(super) fn dispatch(&mut self, ns: usize, dev: &str, frame: Frame) {
        let Some(iface) = self.c.netns[ns].iface(dev).cloned() else {
            return;
        };
        match &iface.kind {
            IfaceKind::Veth {
                peer_netns,
                peer_name,
                ..
            } => {
                if let Some(p) = self.c.ns_index(peer_netns) {
                    let name = peer_name.clone();
                    self.enqueue(p, &name, frame);
                }
            }
            IfaceKind::Loopback => self.enqueue(ns, dev, frame),
            IfaceKind::Bridge(_) => self.bridge_forward(ns, dev, None, frame),
            IfaceKind::Nic { segment } => {
                let seg = segment.clone();
                self.segment_deliver(&seg, ns, dev, frame);
            }
            IfaceKind::Vxlan(_) => {}
        }
    }

    /// A frame arrives on `dev`.
    pub(super) fn receive(&mut self, ns: usize, dev: &str, frame: Frame) {
        let Some(iface) = self.c.netns[ns].iface(dev).cloned() else {
            return;
        };
        let at = self.location(ns, Some(dev), Some(Direction::In));
        let why = match &iface.master {
            Some(br) => format!(
                "{} is a port of bridge {br}: the bridge handles the frame",
                iface.display_name()
            ),
            None => String::new(),
        };
        self.hop(at, Event::Receive, Some(frame.clone()), None, vec![], why);
        match &iface.master {
            Some(br) => self.bridge_input(ns, &br.clone(), dev, frame),
            None => self.l2_input(ns, dev, frame),
        }
    }

    /// Is this frame for this interface (its MAC, broadcast, or loopback)?
    pub(super) fn l2_input(&mut self, ns: usize, dev: &str, frame: Frame) {
        let Some(iface) = self.c.netns[ns].iface(dev).cloned() else {
            return;
        };
        let for_us = match &frame.eth {
            None => true,
            Some(eth) => iface.is_loopback() || eth.dst == iface.mac || eth.dst.is_broadcast(),
        };
        if !for_us {
            self.drop_hop(
                ns,
                Some(dev),
                Some(frame),
                DropReason::NotForThisHost,
                format!(
                    "destination MAC is not {}'s ({}): a flooded copy, discarded",
                    iface.display_name(),
                    iface.mac
                ),
            );
            return;
        }
        match frame.body {
            Body::Arp(arp) => self.arp_input(ns, dev, arp, frame.eth),
            Body::Ipv4(ip) => self.ip_input(ns, dev, ip),
        }
    }

    fn arp_input(&mut self, ns: usize, dev: &str, arp: Arp, eth: Option<Ethernet>) {
        let local = self.c.netns[ns].is_local(arp.tpa) && !arp.tpa.is_loopback();
        match arp.op {
            ArpOp::Request if local => {
                // The kernel answers for any of its addresses (arp_ignore=0) and notes the asker as STALE.
                let n = self.c.netns[ns]
                    .neigh
                    .set(arp.spa, dev, Some(arp.sha), NudState::Stale);
                let change = self.change(ns, "neigh", n.to_string());
                let mac = self.c.netns[ns]
                    .iface(dev)
                    .map(|i| i.mac)
                    .unwrap_or_default();
                let reply = Frame {
                    eth: Some(Ethernet {
                        src: mac,
                        dst: arp.sha,
                    }),
                    body: Body::Arp(Arp {
                        op: ArpOp::Reply,
                        sha: mac,
                        spa: arp.tpa,
                        tha: arp.sha,
                        tpa: arp.spa,
                    }),
                };
                let at = self.location(ns, Some(dev), None);
                self.hop(at, Event::ArpReply, Some(reply.clone()), None, vec![change], format!("{} is an address here, so the kernel answers: {} is-at {mac}, sent straight back to the asker", arp.tpa, arp.tpa));
                self.transmit(ns, dev, reply);
            }
            ArpOp::Request => {
                let frame = Frame {
                    eth,
                    body: Body::Arp(arp),
                };
                self.drop_hop(
                    ns,
                    Some(dev),
                    Some(frame),
                    DropReason::NotForThisHost,
                    format!(
                        "ARP asks for {}, which is not an address here: ignored",
                        arp.tpa
                    ),
                );
            }
            ArpOp::Reply => {
                let n =
                    self.c.netns[ns]
                        .neigh
                        .set(arp.spa, dev, Some(arp.sha), NudState::Reachable);
                let change = self.change(ns, "neigh", n.to_string());
                let at = self.location(ns, Some(dev), None);
                self.hop(at, Event::ArpReply, Some(Frame { eth, body: Body::Arp(arp) }), None, vec![change], format!("the answer fills the neighbour entry: {} is at {}; packets waiting for it can go", arp.spa, arp.sha));
                self.release_parked(ns, dev, arp.spa, arp.sha);
            }
        }
    }

    /// Send an ARP request for `ip` out of `dev`.
    pub(super) fn arp_request(&mut self, ns: usize, dev: &str, ip: Ipv4Addr) {
        let n = &self.c.netns[ns];
        let Some(iface) = n.iface(dev) else { return };
        let spa = iface.primary_addr().unwrap_or(Ipv4Addr::UNSPECIFIED);
        let mac = iface.mac;
        let frame = Frame {
            eth: Some(Ethernet {
                src: mac,
                dst: Mac::BROADCAST,
            }),
            body: Body::Arp(Arp {
                op: ArpOp::Request,
                sha: mac,
                spa,
                tha: Mac::ZERO,
                tpa: ip,
            }),
        };
        let e = self.c.netns[ns]
            .neigh
            .set(ip, dev, None, NudState::Incomplete);
        let change = self.change(ns, "neigh", e.to_string());
        let at = self.location(ns, Some(dev), None);
        self.hop(at, Event::ArpRequest, Some(frame.clone()), None, vec![change], format!("no MAC known for {ip}: broadcast \"who-has {ip} tell {spa}\" and hold the packet until someone answers"));
        self.transmit(ns, dev, frame);
    }

    /// A frame entered bridge `br` on `port`: learn, then forward, flood or deliver locally.
    fn bridge_input(&mut self, ns: usize, br: &str, port: &str, frame: Frame) {
        let Some(eth) = frame.eth else { return };
        let learned = self.c.netns[ns]
            .iface_mut(br)
            .and_then(|b| b.bridge_mut())
            .and_then(|b| b.learn(eth.src, port));
        let mut changes = vec![];
        if let Some(e) = learned {
            changes.push(self.change(ns, "fdb", e.line(br)));
        }
        if let (true, false, Body::Ipv4(ip)) = (
            self.c.netns[ns].sysctls.bridge_nf_call_iptables,
            eth.dst.is_broadcast(),
            &frame.body,
        ) {
            let ip = ip.clone();
            self.br_nf_input(ns, br, port, eth, ip, changes);
            return;
        }
        let bridge = self.c.netns[ns].iface(br).cloned();
        let Some(bridge) = bridge else { return };
        let entry = bridge.bridge().and_then(|b| b.port_of(eth.dst)).cloned();
        let local = eth.dst == bridge.mac || entry.as_ref().is_some_and(|e| e.local);
        if local {
            let at = self.location(ns, Some(br), None);
            let d = Decision::Fdb {
                dst: eth.dst.to_string(),
                entry: entry.map(|e| e.line(br)),
                ports: vec![],
            };
            self.hop(at, Event::BridgeForward, Some(frame.clone()), Some(d), changes, format!("{} is the bridge's own MAC: the frame goes up to {br}'s IP stack, not out of a port", eth.dst));
            self.l2_input(ns, br, frame);
            return;
        }
        self.bridge_forward_with(ns, br, Some(port), frame, changes, None);
    }

    fn bridge_forward(&mut self, ns: usize, br: &str, ingress: Option<&str>, frame: Frame) {
        self.bridge_forward_with(ns, br, ingress, frame, vec![], None);
    }

    /// Forward a frame that went through br_netfilter: POSTROUTING runs before it leaves.
    pub(super) fn bridge_forward_ip(
        &mut self,
        ns: usize,
        br: &str,
        ingress: Option<&str>,
        frame: Frame,
        pass: Option<super::l3::Pass>,
    ) {
        self.bridge_forward_with(ns, br, ingress, frame, vec![], pass);
    }

    /// The FDB decision: one port, or a flood to every port but the ingress one.
    fn bridge_forward_with(
        &mut self,
        ns: usize,
        br: &str,
        ingress: Option<&str>,
        mut frame: Frame,
        changes: Vec<crate::trace::StateChange>,
        pass: Option<super::l3::Pass>,
    ) {
        let Some(eth) = frame.eth else { return };
        let Some(bridge) = self.c.netns[ns].iface(br).cloned() else {
            return;
        };
        let ports: Vec<String> = self.c.netns[ns]
            .ifaces
            .iter()
            .filter(|i| i.master.as_deref() == Some(br))
            .map(|i| i.name.clone())
            .collect();
        let entry = bridge
            .bridge()
            .and_then(|b| b.port_of(eth.dst))
            .cloned()
            .filter(|e| !e.local);
        let at = self.location(ns, Some(br), None);
        match entry {
            Some(e) => {
                let hairpin = self.c.netns[ns]
                    .iface(&e.port)
                    .is_some_and(|i| matches!(i.kind, IfaceKind::Veth { hairpin: true, .. }));
                let d = Decision::Fdb {
                    dst: eth.dst.to_string(),
                    entry: Some(e.line(br)),
                    ports: vec![e.port.clone()],
                };
                if Some(e.port.as_str()) == ingress && !hairpin {
                    self.hop(
                        at,
                        Event::BridgeForward,
                        Some(frame.clone()),
                        Some(d),
                        changes,
                        String::new(),
                    );
                    self.drop_hop(ns, Some(br), Some(frame), DropReason::HairpinOff { port: e.port.clone() }, format!("the frame would leave by the port it came in on ({}), which the bridge only allows with hairpin on", e.port));
                    return;
                }
                self.hop(
                    at,
                    Event::BridgeForward,
                    Some(frame.clone()),
                    Some(d),
                    changes,
                    format!(
                        "the FDB says {} was last seen on {}: forward out of that port only",
                        eth.dst, e.port
                    ),
                );
                self.bridge_postrouting(ns, &e.port, &mut frame, pass);
                self.transmit(ns, &e.port, frame);
            }
            None => {
                // A port with hairpin on gets its own broadcasts back too (br_flood → should_deliver).
                let hairpin = |p: &str| {
                    self.c.netns[ns]
                        .iface(p)
                        .is_some_and(|i| matches!(i.kind, IfaceKind::Veth { hairpin: true, .. }))
                };
                let out: Vec<String> = ports
                    .into_iter()
                    .filter(|p| Some(p.as_str()) != ingress || hairpin(p))
                    .collect();
                let what = if eth.dst.is_broadcast() {
                    "broadcast".to_string()
                } else {
                    format!("{} is not in the FDB", eth.dst)
                };
                let d = Decision::Fdb {
                    dst: eth.dst.to_string(),
                    entry: None,
                    ports: out.clone(),
                };
                let up = ingress.is_some() && eth.dst.is_broadcast();
                let why = match (out.is_empty(), up) {
                    (true, _) => format!("{what}: no other port to flood to; a copy goes up to the bridge itself"),
                    (false, true) => format!("{what}: flood a copy out of every other port ({}), and pass one up to the bridge itself", out.join(", ")),
                    (false, false) => format!("{what}: flood a copy out of every other port ({})", out.join(", ")),
                };
                self.hop(
                    at,
                    Event::BridgeForward,
                    Some(frame.clone()),
                    Some(d),
                    changes,
                    why,
                );
                self.bridge_postrouting(ns, br, &mut frame, pass);
                for p in &out {
                    self.transmit(ns, p, frame.clone());
                }
                if ingress.is_some() && eth.dst.is_broadcast() {
                    self.l2_input(ns, br, frame);
                }
            }
        }
    }

    /// The underlay carries a frame from one NIC to another.
    fn segment_deliver(&mut self, seg: &str, from_ns: usize, from_dev: &str, frame: Frame) {
        let Some(s) = self.c.segment(seg).cloned() else {
            return;
        };
        let Some(eth) = frame.eth else { return };
        match &s.kind {
            SegmentKind::Ethernet => {
                for (ns_name, dev) in &s.ports {
                    let Some(ns) = self.c.ns_index(ns_name) else {
                        continue;
                    };
                    if ns == from_ns && dev == from_dev {
                        continue;
                    }
                    let mac = self.c.netns[ns].iface(dev).map(|i| i.mac);
                    if eth.dst.is_broadcast() || mac == Some(eth.dst) {
                        self.enqueue(ns, dev, frame.clone());
                    }
                }
            }
            SegmentKind::AzureVnet(vnet) => {
                self.azure_fabric(seg, vnet.clone(), from_ns, from_dev, frame)
            }
        }
    }

    fn fabric_location(&self, seg: &str) -> Location {
        Location {
            node: None,
            netns: format!("azure:{seg}"),
            device: None,
            direction: None,
        }
    }

    /// Azure's SDN: answers ARP itself, routes IP by the effective routes, never decrements TTL.
    fn azure_fabric(
        &mut self,
        seg: &str,
        vnet: AzureVnet,
        from_ns: usize,
        from_dev: &str,
        frame: Frame,
    ) {
        match frame.body {
            Body::Arp(arp) if arp.op == ArpOp::Request => {
                let reply = Frame {
                    eth: Some(Ethernet {
                        src: Mac::AZURE_FABRIC,
                        dst: arp.sha,
                    }),
                    body: Body::Arp(Arp {
                        op: ArpOp::Reply,
                        sha: Mac::AZURE_FABRIC,
                        spa: arp.tpa,
                        tha: arp.sha,
                        tpa: arp.spa,
                    }),
                };
                let at = self.fabric_location(seg);
                self.hop(at, Event::ArpReply, Some(reply.clone()), None, vec![], format!("Azure's virtual network answers every ARP request itself, always with {}: all traffic goes through the fabric", Mac::AZURE_FABRIC));
                self.enqueue(from_ns, from_dev, reply);
            }
            Body::Arp(_) => {}
            Body::Ipv4(mut ip) => {
                let at = self.fabric_location(seg);
                let table: Vec<String> = vnet.routes.iter().map(AzureVnet::row_text).collect();
                // Inbound reply to the outbound public IP: undo the outbound SNAT first.
                if Some(ip.dst) == vnet.outbound_ip {
                    let Some(port) = ip.l4.ports().map(|p| p.1) else {
                        return;
                    };
                    let Some(t) = vnet
                        .snat
                        .iter()
                        .find(|t| t.public_port == port && t.remote == ip.src)
                        .cloned()
                    else {
                        self.drop_hop_at(
                            at,
                            Some(Frame {
                                eth: frame.eth,
                                body: Body::Ipv4(ip),
                            }),
                            DropReason::NoSocket,
                            "no outbound SNAT translation for this reply".into(),
                        );
                        return;
                    };
                    ip.dst = t.private.0;
                    ip.l4.set_dport(t.private.1);
                    self.hop(at.clone(), Event::Dnat, Some(Frame { eth: None, body: Body::Ipv4(ip.clone()) }), None, vec![], format!("the reply reaches the outbound public IP; Azure's SNAT table turns it back into {}:{}", t.private.0, t.private.1));
                }
                let Some(i) = vnet.lookup(ip.dst) else {
                    self.drop_hop_at(
                        at,
                        Some(Frame {
                            eth: frame.eth,
                            body: Body::Ipv4(ip.clone()),
                        }),
                        DropReason::FabricNoRoute { dst: ip.dst },
                        format!("no effective route in the VNet for {}", ip.dst),
                    );
                    return;
                };
                let route = vnet.routes[i].clone();
                let (target, next) = match route.next_hop {
                    NextHop::VnetLocal => (ip.dst, format!("VnetLocal: {} is a VM in the VNet", ip.dst)),
                    NextHop::VirtualAppliance(n) => (n, format!("VirtualAppliance {n}: the route table (UDR) row `{}` sends {} to node {n}", route.name, route.prefix)),
                    NextHop::Internet => (ip.dst, "Internet: out through Azure's edge".to_string()),
                };
                let d = Decision::Fabric {
                    table,
                    matched: i,
                    next_hop: next.clone(),
                };
                self.hop(at.clone(), Event::FabricRoute, Some(Frame { eth: frame.eth, body: Body::Ipv4(ip.clone()) }), Some(d), vec![], format!("the fabric looks up {} in the subnet's effective routes (longest prefix): {next}. It does not decrement the TTL", ip.dst));
                if route.next_hop == NextHop::Internet {
                    if let Some(public) = vnet.outbound_ip {
                        let port = self.rng.range(1024, 65535);
                        let (sport, _) = ip.l4.ports().unwrap_or((0, 0));
                        let snat = FabricSnat {
                            private: (ip.src, sport),
                            public_port: port,
                            remote: ip.dst,
                        };
                        if let Some(SegmentKind::AzureVnet(v)) = self
                            .c
                            .segments
                            .iter_mut()
                            .find(|s| s.name == seg)
                            .map(|s| &mut s.kind)
                        {
                            v.snat.push(snat);
                        }
                        let line = format!("{}:{sport} -> {public}:{port} (to {})", ip.src, ip.dst);
                        ip.src = public;
                        ip.l4.set_sport(port);
                        let change = crate::trace::StateChange {
                            netns: format!("azure:{seg}"),
                            table: "fabric-snat".into(),
                            line,
                        };
                        self.hop(at, Event::Snat, Some(Frame { eth: None, body: Body::Ipv4(ip.clone()) }), None, vec![change], format!("outbound traffic leaves Azure with the cluster's public IP {public}: the load balancer's outbound rule translates the source"));
                    }
                }
                let dest = self.c.segment(seg).and_then(|s| {
                    s.ports
                        .iter()
                        .find(|(n, d)| {
                            self.c
                                .ns(n)
                                .and_then(|n| n.iface(d))
                                .is_some_and(|i| i.addrs.iter().any(|a| a.addr() == target))
                        })
                        .cloned()
                });
                let Some((dns, ddev)) = dest else {
                    self.drop_hop_at(
                        self.fabric_location(seg),
                        Some(Frame {
                            eth: None,
                            body: Body::Ipv4(ip.clone()),
                        }),
                        DropReason::FabricNoRoute { dst: target },
                        format!("no VM or host holds {target}"),
                    );
                    return;
                };
                let Some(dn) = self.c.ns_index(&dns) else {
                    return;
                };
                let mac = self.c.netns[dn]
                    .iface(&ddev)
                    .map(|i| i.mac)
                    .unwrap_or_default();
                let out = Frame {
                    eth: Some(Ethernet {
                        src: Mac::AZURE_FABRIC,
                        dst: mac,
                    }),
                    body: Body::Ipv4(ip),
                };
                self.enqueue(dn, &ddev, out);
            }
        }
    }

    fn drop_hop_at(
        &mut self,
        at: Location,
        packet: Option<Frame>,
        reason: DropReason,
        explain: String,
    ) {
        self.hop(
            at,
            Event::Drop { reason },
            packet,
            None,
            vec![],
            explain.clone(),
        );
        if self.failed.is_none() {
            self.failed = Some((self.hops.len().saturating_sub(1), explain));
        }
    }
}
