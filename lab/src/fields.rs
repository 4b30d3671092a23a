//! One captured frame against the model's, field by field: Ethernet, ARP, IPv4, TCP, UDP,
//! ICMP, the VXLAN outer headers with the inner frame compared the same way, DNS. Values
//! that are legitimately random go through the [`Mapper`].

use crate::mapping::Mapper;
use crate::observe::tcp_flags;
use crate::pcap::{App, Body, Pkt, L4};
use std::collections::BTreeMap;

pub(crate) fn tally(fields: &mut BTreeMap<String, (usize, usize)>, name: &str, ok: bool) {
    let e = fields.entry(name.to_string()).or_default();
    e.0 += 1;
    e.1 += usize::from(ok);
}

/// Compare two frames field by field; returns the differences.
pub fn compare_pkt(
    m: &Pkt,
    k: &Pkt,
    mapper: &mut Mapper,
    at: &str,
    prefix: &str,
    fields: &mut BTreeMap<String, (usize, usize)>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut eq =
        |name: &str, mv: String, kv: String, fields: &mut BTreeMap<String, (usize, usize)>| {
            let ok = mv == kv;
            tally(fields, &format!("{prefix}{name}"), ok);
            if !ok {
                diffs.push(format!("{prefix}{name}: model {mv}, kernel {kv}"));
            }
        };
    eq("eth.src", m.src.to_string(), k.src.to_string(), fields);
    eq("eth.dst", m.dst.to_string(), k.dst.to_string(), fields);
    let mut mapped: Vec<(&'static str, String, u32, u32)> = Vec::new();
    match (&m.body, &k.body) {
        (Body::Arp(a), Body::Arp(b)) => {
            eq("arp.op", a.op.to_string(), b.op.to_string(), fields);
            eq("arp.sha", a.sha.to_string(), b.sha.to_string(), fields);
            eq("arp.spa", a.spa.to_string(), b.spa.to_string(), fields);
            eq("arp.tha", a.tha.to_string(), b.tha.to_string(), fields);
            eq("arp.tpa", a.tpa.to_string(), b.tpa.to_string(), fields);
        }
        (Body::Ip(a), Body::Ip(b)) => {
            eq("ip.src", a.src.to_string(), b.src.to_string(), fields);
            eq("ip.dst", a.dst.to_string(), b.dst.to_string(), fields);
            eq("ip.ttl", a.ttl.to_string(), b.ttl.to_string(), fields);
            eq("ip.df", a.df.to_string(), b.df.to_string(), fields);
            match (&a.l4, &b.l4) {
                (
                    L4::Tcp {
                        sport: ms,
                        dport: md,
                        flags: mf,
                    },
                    L4::Tcp {
                        sport: ks,
                        dport: kd,
                        flags: kf,
                    },
                ) => {
                    eq("tcp.flags", tcp_flags(*mf), tcp_flags(*kf), fields);
                    mapped.push(("port", "tcp.sport".into(), u32::from(*ms), u32::from(*ks)));
                    mapped.push(("port", "tcp.dport".into(), u32::from(*md), u32::from(*kd)));
                }
                (
                    L4::Udp {
                        sport: ms,
                        dport: md,
                        app: ma,
                    },
                    L4::Udp {
                        sport: ks,
                        dport: kd,
                        app: ka,
                    },
                ) => {
                    if matches!(ma, App::Vxlan { .. }) {
                        let (t, mv) = mapper.vxlan_key(
                            &a.src.to_string(),
                            &a.dst.to_string(),
                            u32::from(*ms),
                        );
                        let (_, kv) = mapper.vxlan_key(
                            &b.src.to_string(),
                            &b.dst.to_string(),
                            u32::from(*ks),
                        );
                        mapped.push((t, "udp.sport".into(), mv, kv));
                    } else {
                        mapped.push(("port", "udp.sport".into(), u32::from(*ms), u32::from(*ks)));
                    }
                    mapped.push(("port", "udp.dport".into(), u32::from(*md), u32::from(*kd)));
                    match (ma, ka) {
                        (
                            App::Vxlan {
                                flags: mfl,
                                vni: mv,
                                inner: mi,
                            },
                            App::Vxlan {
                                flags: kfl,
                                vni: kv,
                                inner: ki,
                            },
                        ) => {
                            eq(
                                "vxlan.flags",
                                format!("{mfl:#04x}"),
                                format!("{kfl:#04x}"),
                                fields,
                            );
                            eq("vxlan.vni", mv.to_string(), kv.to_string(), fields);
                            let inner =
                                compare_pkt(mi, ki, mapper, at, &format!("{prefix}inner."), fields);
                            diffs.extend(inner);
                        }
                        (App::Dns(x), App::Dns(y)) => {
                            eq(
                                "dns.qr",
                                x.response.to_string(),
                                y.response.to_string(),
                                fields,
                            );
                            eq("dns.qname", x.qname.clone(), y.qname.clone(), fields);
                            eq(
                                "dns.qtype",
                                x.qtype.to_string(),
                                y.qtype.to_string(),
                                fields,
                            );
                            if x.response {
                                eq(
                                    "dns.rcode",
                                    x.rcode.to_string(),
                                    y.rcode.to_string(),
                                    fields,
                                );
                                eq(
                                    "dns.answers",
                                    format!("{:?}", x.answers),
                                    format!("{:?}", y.answers),
                                    fields,
                                );
                            }
                            mapped.push((
                                "dns-id",
                                "dns.id".into(),
                                u32::from(x.id),
                                u32::from(y.id),
                            ));
                        }
                        (App::None, App::None) => {}
                        (x, y) => eq("udp.payload", format!("{x:?}"), format!("{y:?}"), fields),
                    }
                }
                (
                    L4::Icmp {
                        ty: mt,
                        code: mc,
                        id: mi,
                        seq: ms,
                    },
                    L4::Icmp {
                        ty: kt,
                        code: kc,
                        id: ki,
                        seq: ks,
                    },
                ) => {
                    eq(
                        "icmp.type",
                        format!("{mt}/{mc}"),
                        format!("{kt}/{kc}"),
                        fields,
                    );
                    eq("icmp.seq", ms.to_string(), ks.to_string(), fields);
                    mapped.push(("icmp-id", "icmp.id".into(), u32::from(*mi), u32::from(*ki)));
                }
                (x, y) => eq("ip.protocol", format!("{x:?}"), format!("{y:?}"), fields),
            }
        }
        (x, y) => eq("ethertype", format!("{x:?}"), format!("{y:?}"), fields),
    }
    for (table, name, mv, kv) in mapped {
        let r = mapper.check(table, mv, kv, at);
        tally(fields, &format!("{prefix}{name} (mapped)"), r.is_ok());
        if let Err(e) = r {
            diffs.push(format!("{prefix}{name}: {e}"));
        }
    }
    diffs
}
