//! Layer 3: routing (local table, then the main table by longest prefix), forwarding with
//! ip_forward and TTL, neighbour resolution, conntrack and the nat table at each hook, and
//! VXLAN encapsulation and decapsulation.

use super::record::frame;
use super::record::Step;
use super::{Parked, Sim};
use crate::addr::Mac;
use crate::conntrack::Direction as CtDir;
use crate::link::IfaceKind;
use crate::neigh::Answer;
use crate::netfilter::Hook;
use crate::packet::{Body, Ethernet, Frame, Ipv4, Udp, UdpPayload, Vxlan, L4};
use crate::trace::{Decision, DropReason, Event};
use crate::vocab::consts::DEFAULT_TTL;
use std::net::Ipv4Addr;

/// What one packet's pass through a namespace carries between hooks (the skb's conntrack
/// pointer and mark).
#[derive(Default, Clone, Copy)]
pub(super) struct Pass {
    pub(super) entry: Option<(usize, CtDir)>,
    pub(super) new: bool,
    pub(super) mark: u32,
    /// An ICMP error conntrack tied to the flow it quotes (`IP_CT_RELATED`).
    pub(super) related: bool,
}

impl Sim {
    /// A packet a process in `ns` sends: route, OUTPUT, POSTROUTING, neighbour, transmit.
    pub(super) fn ip_output(&mut self, ns: usize, mut ip: Ipv4) {
        if self.over_budget() {
            return;
        }
        let Some((dev, next_hop)) = self.route(ns, &ip) else {
            return;
        };
        let mut pass = Pass::default();
        if !self.nat_pre(ns, &mut ip, Hook::Output, None, &mut pass) {
            return;
        }
        // A DNAT in OUTPUT changes the destination: route again.
        let (dev, next_hop) = if pass.new && self.was_dnat(ns, pass) {
            match self.route(ns, &ip) {
                Some(r) => r,
                None => return,
            }
        } else {
            (dev, next_hop)
        };
        // LOCAL_OUT: nat's DNAT (-100) first, then filter (0); FORWARD comes after ttl -= 1.
        if !self.filter_hook(ns, &ip, Hook::Output, (None, Some(&dev)), &pass) {
            return;
        }
        self.nat_post(ns, &mut ip, &dev, &mut pass);
        self.neigh_output(ns, &dev, next_hop, ip);
    }

    fn was_dnat(&self, ns: usize, pass: Pass) -> bool {
        pass.entry
            .and_then(|(i, _)| self.c.netns[ns].conntrack.entries.get(i))
            .is_some_and(|e| e.is_dnat())
    }

    /// A received IPv4 packet: PREROUTING, then local delivery or forwarding.
    pub(super) fn ip_input(&mut self, ns: usize, dev: &str, mut ip: Ipv4) {
        let mut pass = Pass::default();
        if !self.nat_pre(ns, &mut ip, Hook::Prerouting, Some(dev), &mut pass) {
            return;
        }
        self.ip_after_prerouting(ns, ip, pass);
    }

    /// The routing decision after PREROUTING: deliver locally, or forward.
    pub(super) fn ip_after_prerouting(&mut self, ns: usize, mut ip: Ipv4, mut pass: Pass) {
        if self.c.netns[ns].is_local(ip.dst) {
            let iface = self.c.netns[ns]
                .iface_with_addr(ip.dst)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            let at = self.location(ns, None, None);
            self.record(Step::new(at, Event::RouteLookup, format!("{} is an address of this namespace ({iface}): the local table wins, deliver to a socket here", ip.dst)).routed(&ip).decision(Decision::Local { addr: ip.dst, dev: iface.clone() }));
            if !self.filter_hook(ns, &ip, Hook::Input, (None, None), &pass) {
                return;
            }
            self.local_deliver(ns, ip);
            return;
        }
        if !self.c.netns[ns].sysctls.ip_forward {
            self.drop_hop(ns, None, frame(&ip), DropReason::IpForwardDisabled, format!("{} is not ours and net.ipv4.ip_forward = 0: this namespace does not route, the packet is dropped", ip.dst));
            return;
        }
        if ip.ttl <= 1 {
            self.drop_hop(
                ns,
                None,
                frame(&ip),
                DropReason::TtlExceeded,
                "TTL would reach 0: dropped (the kernel sends ICMP time exceeded)".into(),
            );
            return;
        }
        let Some((out, next_hop)) = self.route(ns, &ip) else {
            return;
        };
        ip.ttl -= 1;
        if !self.filter_hook(ns, &ip, Hook::Forward, (None, Some(&out)), &pass) {
            return;
        }
        self.nat_post(ns, &mut ip, &out, &mut pass);
        self.neigh_output(ns, &out, next_hop, ip);
    }

    /// Longest-prefix match in the main table, recorded as a hop. Returns (device, next hop).
    pub(super) fn route(&mut self, ns: usize, ip: &Ipv4) -> Option<(String, Ipv4Addr)> {
        let n = &self.c.netns[ns];
        let at = self.location(ns, None, None);
        if n.is_local(ip.dst) {
            let dev = n
                .iface_with_addr(ip.dst)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| "lo".into());
            self.record(
                Step::new(
                    at,
                    Event::RouteLookup,
                    format!(
                        "{} is local: the packet goes out through lo and comes straight back in",
                        ip.dst
                    ),
                )
                .routed(ip)
                .decision(Decision::Local { addr: ip.dst, dev }),
            );
            return Some(("lo".into(), ip.dst));
        }
        let table = n.routes.routes.clone();
        match n.routes.lookup(ip.dst) {
            Ok(m) => {
                let next_hop = m.route.via.unwrap_or(ip.dst);
                let how = match m.route.via {
                    Some(gw) => format!(
                        "via gateway {gw}{}",
                        if m.route.onlink {
                            " (onlink: no subnet check on the gateway)"
                        } else {
                            ""
                        }
                    ),
                    None => format!("directly on the link: {} itself is the next hop", ip.dst),
                };
                let why = format!(
                    "{} matches {} (/{} is the longest matching prefix): out of {} {how}",
                    ip.dst,
                    m.route.dst,
                    m.route.dst.prefix_len(),
                    m.route.dev
                );
                let d = Decision::Route {
                    table,
                    matched: m.index,
                    checks: m.checks,
                    next_hop,
                    dev: m.route.dev.clone(),
                };
                self.record(
                    Step::new(at, Event::RouteLookup, why)
                        .routed(ip)
                        .decision(d),
                );
                Some((m.route.dev, next_hop))
            }
            Err(checks) => {
                let d = Decision::NoRoute { table, checks };
                self.record(
                    Step::new(at, Event::RouteLookup, String::new())
                        .routed(ip)
                        .decision(d),
                );
                self.drop_hop(
                    ns,
                    None,
                    frame(ip),
                    DropReason::NoRoute { dst: ip.dst },
                    format!(
                        "no row of the route table matches {}: \"Network is unreachable\"",
                        ip.dst
                    ),
                );
                None
            }
        }
    }

    /// Find the next hop's MAC (ARP if needed) and transmit; VXLAN devices encapsulate.
    pub(super) fn neigh_output(&mut self, ns: usize, dev: &str, next_hop: Ipv4Addr, ip: Ipv4) {
        if self.over_budget() {
            return;
        }
        let Some(iface) = self.c.netns[ns].iface(dev).cloned() else {
            return;
        };
        if iface.is_loopback() {
            let f = Frame {
                eth: Some(Ethernet {
                    src: Mac::ZERO,
                    dst: Mac::ZERO,
                }),
                body: Body::Ipv4(ip),
            };
            self.transmit(ns, dev, f);
            return;
        }
        let at = self.location(ns, Some(dev), Some(crate::trace::Direction::Out));
        match self.c.netns[ns].neigh.lookup(next_hop, dev) {
            Answer::Found(mac) => {
                let (d, changes, moved) = self.neigh_used(ns, next_hop, dev);
                let f = Frame {
                    eth: Some(Ethernet {
                        src: iface.mac,
                        dst: mac,
                    }),
                    body: Body::Ipv4(ip),
                };
                self.record(Step::new(at, Event::Transmit, format!("the neighbour table knows {next_hop} is at {mac}: build the Ethernet header (src {}, dst {mac}){moved}", iface.mac)).frame(f.clone()).decision(d).changes(changes));
                if let IfaceKind::Vxlan(_) = iface.kind {
                    if self.xmit_depth >= super::XMIT_RECURSION_LIMIT {
                        self.drop_hop(ns, Some(dev), Some(f), DropReason::RecursionLimit { dev: dev.into() }, format!("{dev}'s outer packet is routed back into a tunnel again, {} transmits deep: the kernel stops at XMIT_RECURSION_LIMIT ({}) and drops it (\"Dead loop on virtual device {dev}\")", self.xmit_depth, super::XMIT_RECURSION_LIMIT));
                        return;
                    }
                    self.xmit_depth += 1;
                    self.vxlan_encap(ns, dev, f);
                    self.xmit_depth -= 1;
                } else {
                    self.dispatch(ns, dev, f);
                }
            }
            Answer::Pending => self.parked.push(Parked {
                ns,
                dev: dev.into(),
                next_hop,
                pkt: ip,
                leg: self.leg.clone(),
                bridged: None,
            }),
            Answer::NotFound => {
                self.parked.push(Parked {
                    ns,
                    dev: dev.into(),
                    next_hop,
                    pkt: ip,
                    leg: self.leg.clone(),
                    bridged: None,
                });
                self.arp_request(ns, dev, next_hop);
            }
        }
    }

    pub(super) fn release_parked(&mut self, ns: usize, dev: &str, ip: Ipv4Addr, mac: Mac) {
        let (ready, rest): (Vec<Parked>, Vec<Parked>) = std::mem::take(&mut self.parked)
            .into_iter()
            .partition(|p| p.ns == ns && p.dev == dev && p.next_hop == ip);
        self.parked = rest;
        let leg = self.leg.clone();
        for p in ready {
            self.leg = p.leg;
            match p.bridged {
                Some((port, src, pass)) => {
                    // The held frame leaves through the bridge device first (br_dev_xmit),
                    // which restores the sender's MAC and forwards it as a bridged frame.
                    let br_mac = self.c.netns[p.ns]
                        .iface(&p.dev)
                        .map(|i| i.mac)
                        .unwrap_or_default();
                    let via_br = Frame {
                        eth: Some(Ethernet {
                            src: br_mac,
                            dst: mac,
                        }),
                        body: Body::Ipv4(p.pkt.clone()),
                    };
                    let at = self.location(p.ns, Some(&p.dev), Some(crate::trace::Direction::Out));
                    self.record(Step::new(at, Event::Transmit, format!("the held packet goes out through {} with the bridge's MAC; br_netfilter then puts the sender's MAC {src} back and bridges it on", p.dev)).frame(via_br));
                    let f = Frame {
                        eth: Some(Ethernet { src, dst: mac }),
                        body: Body::Ipv4(p.pkt),
                    };
                    self.bridge_forward_ip(p.ns, &p.dev, Some(&port), f, Some(pass));
                }
                None => self.neigh_output(p.ns, &p.dev, p.next_hop, p.pkt),
            }
        }
        self.leg = leg;
    }

    /// Wrap the inner frame for the remote VTEP and send it as a UDP packet from this node.
    fn vxlan_encap(&mut self, ns: usize, dev: &str, inner: Frame) {
        let Some(IfaceKind::Vxlan(vx)) = self.c.netns[ns].iface(dev).map(|i| i.kind.clone()) else {
            return;
        };
        let dst_mac = inner.eth.map(|e| e.dst).unwrap_or_default();
        let Some(fdb) = vx.fdb.iter().find(|f| f.mac == dst_mac).cloned() else {
            self.drop_hop(
                ns,
                Some(dev),
                Some(inner),
                DropReason::NoVxlanFdb,
                format!("no FDB entry tells which node owns VTEP MAC {dst_mac}"),
            );
            return;
        };
        let sport = vxlan_source_port(&inner);
        let outer = Ipv4 {
            src: vx.local,
            dst: fdb.dst,
            ttl: DEFAULT_TTL,
            df: false,
            l4: L4::Udp(Udp {
                sport,
                dport: vx.dstport,
                payload: UdpPayload::Vxlan(Vxlan {
                    vni: vx.vni,
                    inner: Box::new(inner),
                }),
            }),
        };
        let at = self.location(ns, Some(dev), None);
        let d = Decision::Vxlan {
            vni: vx.vni,
            dev: dev.into(),
            fdb: fdb.clone(),
            sport,
        };
        self.record(Step::new(at, Event::VxlanEncap, format!("{dev}'s FDB maps {dst_mac} to node {}: the whole inner frame goes inside UDP {sport} → {}:{}, VNI {} (50 bytes more, hence MTU 1450){}", fdb.dst, fdb.dst, vx.dstport, vx.vni, crate::packet::otv_note(vx.dstport, vx.vni))).routed(&outer).decision(d));
        self.ip_output(ns, outer);
    }

    /// A UDP packet to the VXLAN port: strip the outer headers and receive the inner frame on the VXLAN device.
    pub(super) fn vxlan_decap(&mut self, ns: usize, ip: Ipv4) -> bool {
        let L4::Udp(Udp {
            payload: UdpPayload::Vxlan(v),
            dport,
            ..
        }) = &ip.l4
        else {
            return false;
        };
        let dev = self.c.netns[ns]
            .ifaces
            .iter()
            .find(
                |i| matches!(&i.kind, IfaceKind::Vxlan(x) if x.vni == v.vni && x.dstport == *dport),
            )
            .map(|i| i.name.clone());
        let Some(dev) = dev else { return false };
        let inner = (*v.inner).clone();
        let at = self.location(ns, Some(&dev), None);
        self.record(Step::new(at, Event::VxlanDecap, format!("UDP port {dport} belongs to the kernel's VXLAN socket: VNI {} is {dev}, so the outer headers are stripped and the inner frame arrives on {dev}", v.vni)).frame(inner.clone()));
        self.enqueue(ns, &dev, inner);
        true
    }
}

/// Linux picks the outer source port from the inner packet's flow hash (udp_flow_src_port)
/// in the local port range 32768–60999. For TCP and UDP that hash comes from the sending
/// socket's random `sk_txhash`, so each direction gets its own port (the conformance run saw
/// this); an ICMP echo has no socket hash and the flow dissector's hash is symmetric, so both
/// directions share one port (the reference's capture). This stand-in keeps those properties.
fn vxlan_source_port(inner: &Frame) -> u16 {
    let key = match inner.ipv4() {
        Some(ip) => {
            let (sport, dport) = ip.l4.ports().unwrap_or((0, 0));
            let (s, d) = (u64::from(u32::from(ip.src)), u64::from(u32::from(ip.dst)));
            let proto = u64::from(ip.l4.protocol_number());
            match ip.l4 {
                L4::Icmp(_) => (s ^ d).wrapping_mul(31) ^ proto,
                _ => {
                    ((s << 32) | d) ^ ((u64::from(sport) << 16) | u64::from(dport)) ^ (proto << 48)
                }
            }
        }
        None => 0,
    };
    let mut h = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 29;
    32768 + (h % 28232) as u16
}
