//! The underlay: a plain Ethernet segment (a switch), or Azure's VNet fabric, which answers
//! every ARP itself, routes by the effective routes (system routes plus the AKS route table),
//! translates outbound traffic to the public IP, and never decrements the TTL.

use super::record::Step;
use super::Sim;
use crate::addr::Mac;
use crate::fabric::{AzureVnet, FabricSnat, NextHop, SegmentKind};
use crate::packet::{Arp, ArpOp, Body, Ethernet, Frame};
use crate::trace::fabric_name;
use crate::trace::{Decision, DropReason, Event, Location};
use crate::vocab::Changed;

impl Sim {
    /// The underlay carries a frame from one NIC to another.
    pub(super) fn segment_deliver(
        &mut self,
        seg: &str,
        from_ns: usize,
        from_dev: &str,
        frame: Frame,
    ) {
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
                let at = Location::fabric(seg);
                self.record(Step::new(at, Event::ArpReply, format!("Azure's virtual network answers every ARP request itself, always with {}: all traffic goes through the fabric", Mac::AZURE_FABRIC)).frame(reply.clone()));
                self.enqueue(from_ns, from_dev, reply);
            }
            Body::Arp(_) => {}
            Body::Ipv4(mut ip) => {
                let at = Location::fabric(seg);
                let table = vnet.routes.clone();
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
                    self.record(Step::new(at.clone(), Event::Dnat, format!("the reply reaches the outbound public IP; Azure's SNAT table turns it back into {}:{}", t.private.0, t.private.1)).frame(Frame { eth: None, body: Body::Ipv4(ip.clone()) }));
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
                let target = match route.next_hop {
                    NextHop::VirtualAppliance(n) => n,
                    NextHop::VnetLocal | NextHop::Internet => ip.dst,
                };
                let next = route.next_hop_text(ip.dst);
                let d = Decision::Fabric {
                    table,
                    matched: i,
                    dst: ip.dst,
                };
                self.record(Step::new(at.clone(), Event::FabricRoute, format!("the fabric looks up {} in the subnet's effective routes (longest prefix): {next}. It does not decrement the TTL", ip.dst)).frame(Frame { eth: frame.eth, body: Body::Ipv4(ip.clone()) }).decision(d));
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
                            netns: fabric_name(seg),
                            table: Changed::FabricSnat,
                            line,
                        };
                        self.record(Step::new(at, Event::Snat, format!("outbound traffic leaves Azure with the cluster's public IP {public}: the load balancer's outbound rule translates the source")).frame(Frame { eth: None, body: Body::Ipv4(ip.clone()) }).change(change));
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
                        Location::fabric(seg),
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
}
