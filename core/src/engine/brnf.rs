//! br_netfilter: with `net.bridge.bridge-nf-call-iptables = 1` every IPv4 frame entering a
//! bridge port goes through iptables' PREROUTING before the bridge decides anything, and a
//! bridged frame goes through POSTROUTING before it leaves. When PREROUTING's DNAT points at
//! a pod on the same bridge, the kernel does not route the packet: it fills in the new
//! destination MAC and bridges it on ("bridged DNAT", `br_nf_pre_routing_finish_bridge`),
//! keeping the sender's source MAC and TTL. That is why a pod calling its own Service needs
//! hairpin mode on its port.

use super::l3::Pass;
use super::record::Step;
use super::{Parked, Sim};
use crate::addr::Mac;
use crate::neigh::Answer;
use crate::netfilter::Hook;
use crate::packet::{Body, Ethernet, Frame, Ipv4};
use crate::trace::{Decision, Event, StateChange};

impl Sim {
    /// An IPv4 frame entered bridge `br` on `port`.
    pub(super) fn br_nf_input(
        &mut self,
        ns: usize,
        br: &str,
        port: &str,
        eth: Ethernet,
        mut ip: Ipv4,
        learned: Vec<StateChange>,
    ) {
        let at = self.location(ns, Some(br), None);
        if !learned.is_empty() {
            self.record(
                Step::new(
                    at.clone(),
                    Event::BridgeForward,
                    format!("the bridge learns that {} lives behind {port}", eth.src),
                )
                .frame(Frame {
                    eth: Some(eth),
                    body: Body::Ipv4(ip.clone()),
                })
                .changes(learned),
            );
        }
        let dst_before = (ip.dst, ip.l4.ports());
        let mut pass = Pass::default();
        if !self.nat_pre(ns, &mut ip, Hook::Prerouting, Some(br), &mut pass) {
            return;
        }
        let Some(bridge) = self.c.netns[ns].iface(br).cloned() else {
            return;
        };
        let entry = bridge.bridge().and_then(|b| b.port_of(eth.dst)).cloned();
        let to_host = eth.dst == bridge.mac || entry.as_ref().is_some_and(|e| e.local);
        let dnat = (ip.dst, ip.l4.ports()) != dst_before;
        if dnat && !self.c.netns[ns].is_local(ip.dst) {
            let same_bridge = self.c.netns[ns]
                .routes
                .lookup(ip.dst)
                .ok()
                .filter(|m| m.route.dev == br);
            if let Some(m) = same_bridge {
                let next_hop = m.route.via.unwrap_or(ip.dst);
                let _ = self.route(ns, &ip);
                self.bridged_dnat(ns, br, port, eth.src, next_hop, ip, pass);
                return;
            }
        }
        if to_host || dnat {
            let d = Decision::Fdb {
                bridge: br.into(),
                dst: eth.dst,
                entry,
                ports: vec![],
            };
            let why = if dnat {
                "after DNAT the destination is reached by routing, so the packet goes up to the node's IP stack".to_string()
            } else {
                format!("{} is the bridge's own MAC: the packet goes up to the node's IP stack (PREROUTING already ran in the bridge)", eth.dst)
            };
            self.record(
                Step::new(at, Event::BridgeForward, why)
                    .frame(Frame {
                        eth: Some(eth),
                        body: Body::Ipv4(ip.clone()),
                    })
                    .decision(d),
            );
            self.ip_after_prerouting(ns, ip, pass);
            return;
        }
        let frame = Frame {
            eth: Some(eth),
            body: Body::Ipv4(ip),
        };
        self.bridge_forward_ip(ns, br, Some(port), frame, Some(pass));
    }

    /// DNAT to a pod on this same bridge: resolve its MAC and bridge the frame on.
    #[allow(clippy::too_many_arguments)] // one frame's whole context, as the kernel's skb carries it
    fn bridged_dnat(
        &mut self,
        ns: usize,
        br: &str,
        port: &str,
        src: Mac,
        next_hop: std::net::Ipv4Addr,
        ip: Ipv4,
        pass: Pass,
    ) {
        let at = self.location(ns, Some(br), None);
        match self.c.netns[ns].neigh.lookup(next_hop, br) {
            Answer::Found(mac) => {
                let (d, changes, moved) = self.neigh_used(ns, next_hop, br);
                let f = Frame {
                    eth: Some(Ethernet { src, dst: mac }),
                    body: Body::Ipv4(ip),
                };
                self.record(Step::new(at, Event::BridgeForward, format!("bridged DNAT: the new destination is on {br} itself, so the kernel only swaps in its MAC {mac} and bridges the frame on; the source MAC stays the sender's and the TTL is not decremented{moved}")).frame(f.clone()).decision(d).changes(changes));
                self.bridge_forward_ip(ns, br, Some(port), f, Some(pass));
            }
            answer => {
                self.parked.push(Parked {
                    ns,
                    dev: br.into(),
                    next_hop,
                    pkt: ip,
                    leg: self.leg.clone(),
                    bridged: Some((port.into(), src, pass)),
                });
                if answer == Answer::NotFound {
                    self.arp_request(ns, br, next_hop);
                }
            }
        }
    }

    /// POSTROUTING for a frame the bridge is about to send out of `out`.
    pub(super) fn bridge_postrouting(
        &mut self,
        ns: usize,
        out: &str,
        frame: &mut Frame,
        pass: Option<Pass>,
    ) {
        let Some(mut pass) = pass else { return };
        if let Body::Ipv4(ip) = &mut frame.body {
            self.nat_post(ns, ip, out, &mut pass);
        }
    }
}
