//! ARP: the kernel answering a request for its address and learning the asker (STALE),
//! taking a reply (REACHABLE), asking for an address (INCOMPLETE), and a resolved entry
//! used to send (STALE → DELAY). net/ipv4/arp.c, net/core/neighbour.c.

use super::record::Step;
use super::Sim;
use crate::addr::Mac;
use crate::neigh::NudState;
use crate::packet::{Arp, ArpOp, Body, Ethernet, Frame};
use crate::trace::{Decision, DropReason, Event, StateChange};
use crate::vocab::Changed;
use std::net::Ipv4Addr;

impl Sim {
    pub(super) fn arp_input(&mut self, ns: usize, dev: &str, arp: Arp, eth: Option<Ethernet>) {
        let local = self.c.netns[ns].is_local(arp.tpa) && !arp.tpa.is_loopback();
        match arp.op {
            ArpOp::Request if local => {
                // The kernel answers for any of its addresses (arp_ignore=0) and notes the asker
                // as STALE (a valid entry with the same MAC keeps its state).
                let n = self.c.netns[ns]
                    .neigh
                    .learn_from_request(arp.spa, dev, arp.sha);
                let change = self.change(ns, Changed::Neigh, n.to_string());
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
                self.record(Step::new(at, Event::ArpReply, format!("{} is an address here, so the kernel answers: {} is-at {mac}, sent straight back to the asker", arp.tpa, arp.tpa)).frame(reply.clone()).change(change));
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
                let change = self.change(ns, Changed::Neigh, n.to_string());
                let at = self.location(ns, Some(dev), None);
                self.record(Step::new(at, Event::ArpReply, format!("the answer fills the neighbour entry: {} is at {}; packets waiting for it can go", arp.spa, arp.sha)).frame(Frame { eth, body: Body::Arp(arp) }).change(change));
                self.release_parked(ns, dev, arp.spa, arp.sha);
            }
        }
    }

    /// A packet is about to be sent on the resolved entry for `next_hop`: the decision shows
    /// the entry as found, and a STALE one becomes DELAY with this send
    /// (`__neigh_event_send`, net/core/neighbour.c), with the text that says so.
    pub(super) fn neigh_used(
        &mut self,
        ns: usize,
        next_hop: Ipv4Addr,
        dev: &str,
    ) -> (Decision, Vec<StateChange>, &'static str) {
        let entry = self.c.netns[ns]
            .neigh
            .entries
            .iter()
            .find(|n| n.ip == next_hop && n.dev == dev)
            .cloned();
        let d = Decision::Neighbour {
            ip: next_hop,
            dev: dev.into(),
            entry,
        };
        match self.c.netns[ns].neigh.event_send(next_hop, dev) {
            Some(n) => (d, vec![self.change(ns, Changed::Neigh, n.to_string())], "; the entry was STALE, and sending on it moves it to DELAY now (not a timer): the kernel waits delay_first_probe_time (5 s) for a confirmation (a TCP socket's own progress counts) before it probes with a unicast ARP request"),
            None => (d, vec![], ""),
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
        let change = self.change(ns, Changed::Neigh, e.to_string());
        let at = self.location(ns, Some(dev), None);
        self.record(Step::new(at, Event::ArpRequest, format!("no MAC known for {ip}: broadcast \"who-has {ip} tell {spa}\" and hold the packet until someone answers")).frame(frame.clone()).change(change));
        self.transmit(ns, dev, frame);
    }
}
