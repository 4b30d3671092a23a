//! Layer 2: what each kind of device does with a frame it sends or receives, the Linux
//! bridge (learning, forwarding, flooding, hairpin, promiscuous), and the underlay.

use super::record::Step;
use super::{InFlight, Sim};
use crate::link::IfaceKind;
use crate::netfilter::Hook;
use crate::packet::{Body, Frame};
use crate::trace::{Decision, Direction, DropReason, Event};
use crate::vocab::Changed;

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
            self.record(Step::new(at, Event::Transmit, why).frame(frame.clone()));
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
        self.record(Step::new(at, Event::Receive, why).frame(frame.clone()));
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
                match iface.bridge() {
                    // IP drops a frame whose pkt_type is PACKET_OTHERHOST (ip_rcv_core, net/ipv4/ip_input.c).
                    Some(b) if b.promisc => format!("{} is promiscuous, so the bridge passes it a copy of a frame it forwards (br_handle_frame_finish, net/bridge/br_input.c): the destination MAC is not its own ({}), and IP discards the copy", iface.name, iface.mac),
                    _ => format!("destination MAC is not {}'s ({}): a flooded copy, discarded", iface.display_name(), iface.mac),
                },
            );
            return;
        }
        match frame.body {
            Body::Arp(arp) => self.arp_input(ns, dev, arp, frame.eth),
            Body::Ipv4(ip) => self.ip_input(ns, dev, ip),
        }
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
            changes.push(self.change(ns, Changed::Fdb, e.line(br)));
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
                bridge: br.into(),
                dst: eth.dst,
                entry,
                ports: vec![],
            };
            self.record(Step::new(at, Event::BridgeForward, format!("{} is the bridge's own MAC: the frame goes up to {br}'s IP stack, not out of a port", eth.dst)).frame(frame.clone()).decision(d).changes(changes));
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
                let hairpin = self.c.netns[ns].iface(&e.port).is_some_and(|i| i.hairpin());
                let d = Decision::Fdb {
                    bridge: br.into(),
                    dst: eth.dst,
                    entry: Some(e.clone()),
                    ports: vec![e.port.clone()],
                };
                if Some(e.port.as_str()) == ingress && !hairpin {
                    self.record(
                        Step::new(at, Event::BridgeForward, String::new())
                            .frame(frame.clone())
                            .decision(d)
                            .changes(changes),
                    );
                    self.drop_hop(ns, Some(br), Some(frame), DropReason::HairpinOff { port: e.port.clone() }, format!("the frame would leave by the port it came in on ({}), which the bridge only allows with hairpin on", e.port));
                    return;
                }
                self.record(
                    Step::new(
                        at,
                        Event::BridgeForward,
                        format!(
                            "the FDB says {} was last seen on {}: forward out of that port only",
                            eth.dst, e.port
                        ),
                    )
                    .frame(frame.clone())
                    .decision(d)
                    .changes(changes),
                );
                // br_forward: NF_BR_FORWARD (br_netfilter's iptables FORWARD, the bridge as
                // both devices) before NF_BR_POST_ROUTING.
                if let (Some(p), Body::Ipv4(ip)) = (&pass, &frame.body) {
                    if !self.filter_hook(ns, ip, Hook::Forward, (Some(br), Some(br)), p) {
                        return;
                    }
                }
                self.bridge_postrouting(ns, &e.port, &mut frame, pass);
                self.transmit(ns, &e.port, frame.clone());
                if ingress.is_some() && bridge.bridge().is_some_and(|b| b.promisc) {
                    self.l2_input(ns, br, frame);
                }
            }
            None => {
                // A port with hairpin on gets its own broadcasts back too (br_flood →
                // should_deliver, net/bridge/br_forward.c); one with hairpin off does not.
                let hairpin = |p: &str| self.c.netns[ns].iface(p).is_some_and(|i| i.hairpin());
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
                    bridge: br.into(),
                    dst: eth.dst,
                    entry: None,
                    ports: out.clone(),
                };
                // The bridge device gets a copy of a broadcast, and of everything when it is
                // promiscuous (br_handle_frame_finish's local_rcv).
                let promisc = bridge.bridge().is_some_and(|b| b.promisc);
                let up = ingress.is_some() && (eth.dst.is_broadcast() || promisc);
                let back = ingress.filter(|i| out.iter().any(|p| p == i));
                let ports = match back {
                    Some(i) => format!(
                        "every port ({}), {i} included, since it is in hairpin mode",
                        out.join(", ")
                    ),
                    None => format!("every other port ({})", out.join(", ")),
                };
                let not_back = match ingress {
                    Some(i) if back.is_none() => {
                        format!(", and not back out of {i}, which is not in hairpin mode")
                    }
                    _ => String::new(),
                };
                let why = match (out.is_empty(), up) {
                    (true, true) => format!("{what}: no other port to flood to{not_back}; one copy goes up to the bridge itself"),
                    (true, false) => format!("{what}: no other port to flood to{not_back}"),
                    (false, true) => format!("{what}: flood a copy out of {ports}{not_back}; one also goes up to the bridge itself"),
                    (false, false) => format!("{what}: flood a copy out of {ports}{not_back}"),
                };
                self.record(
                    Step::new(at, Event::BridgeForward, why)
                        .frame(frame.clone())
                        .decision(d)
                        .changes(changes),
                );
                self.bridge_postrouting(ns, br, &mut frame, pass);
                for p in &out {
                    self.transmit(ns, p, frame.clone());
                }
                if up {
                    self.l2_input(ns, br, frame);
                }
            }
        }
    }
}
