//! Captures against the trace. Frames are grouped by tap (namespace, interface, direction)
//! and by key (what the frame is, independent of NAT and random values: `TCP SYN`,
//! `ARP who-has 10.244.0.1 tell 10.244.0.10`, `DNS A? name.`); the n-th model frame of a
//! group is compared field by field with the n-th kernel frame of the same group. Then each
//! frame's path (the taps it crossed, in order) is compared, and the order of the DNS
//! questions the client sent.

use crate::mapping::Mapper;
use crate::observe::{describe, path_key, scope, Dir, Obs, Scope};
use crate::pcap::{App, Body, Pkt, L4};
use std::collections::{BTreeMap, BTreeSet};

/// One difference, where it was seen and what it is.
#[derive(Clone, Debug, Default)]
pub struct Finding {
    /// `capture`, `path`, `dns-order`, `vxlan-sport`, or a table name.
    pub area: String,
    pub at: String,
    pub what: String,
    /// A capture finding: the tap (namespace, interface, direction) and the frame's key.
    pub tap: Option<(String, String, Dir)>,
    pub key: Option<String>,
    /// A frame only the kernel showed.
    pub extra: Option<Pkt>,
    /// A path finding: the model's taps, the kernel's, and whether they are a set.
    pub path: Option<(Vec<String>, Vec<String>, bool)>,
}

impl Finding {
    pub fn new(area: &str, at: impl Into<String>, what: impl Into<String>) -> Finding {
        Finding {
            area: area.into(),
            at: at.into(),
            what: what.into(),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TapResult {
    pub tap: String,
    pub model: usize,
    pub kernel: usize,
    pub matched: usize,
    pub beyond: usize,
    pub noise: usize,
}

#[derive(Clone, Debug)]
pub struct PathResult {
    pub key: String,
    pub model: Vec<String>,
    pub kernel: Vec<String>,
    /// Broadcast frames are flooded: their taps are compared as a set.
    pub unordered: bool,
    pub ok: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub taps: Vec<TapResult>,
    pub paths: Vec<PathResult>,
    pub dns_order: Option<(Vec<String>, Vec<String>)>,
    /// Every DNS frame at the client's interface, both ways, in order.
    pub dns_timeline: Option<(Vec<String>, Vec<String>)>,
    pub findings: Vec<Finding>,
    /// Field name → (compared, matched).
    pub fields: BTreeMap<String, (usize, usize)>,
    /// Kernel frames after the model's last leg, per key, with a count.
    pub beyond: BTreeMap<String, usize>,
    pub noise: BTreeMap<String, usize>,
    /// Example lines: (tap, key, model frame, kernel frame) for the report.
    pub examples: Vec<(String, String, String, String)>,
}

type Group = (String, String, Dir, String);

fn group(o: &Obs, key: &str) -> Group {
    (o.ns.clone(), o.dev.clone(), o.dir, key.to_string())
}

pub fn compare(model: &[Obs], kernel: &[Obs], mapper: &mut Mapper, client_ns: &str) -> Comparison {
    let mut c = Comparison::default();
    let mut taps: BTreeMap<String, TapResult> = BTreeMap::new();
    let mut kgroups: BTreeMap<Group, Vec<&Obs>> = BTreeMap::new();
    for k in kernel {
        let t = taps.entry(k.tap()).or_insert_with(|| TapResult {
            tap: k.tap(),
            ..Default::default()
        });
        match scope(&k.pkt) {
            Scope::Compared(key) => {
                t.kernel += 1;
                kgroups.entry(group(k, &key)).or_default().push(k);
            }
            Scope::Beyond(key) => {
                t.beyond += 1;
                *c.beyond.entry(key).or_default() += 1;
            }
            Scope::Noise(key) => {
                t.noise += 1;
                *c.noise.entry(key).or_default() += 1;
            }
        }
    }
    let mut seen: BTreeMap<Group, usize> = BTreeMap::new();
    for m in model {
        let Scope::Compared(key) = scope(&m.pkt) else {
            continue;
        };
        let g = group(m, &key);
        let n = seen.entry(g.clone()).or_default();
        let idx = *n;
        *n += 1;
        let t = taps.entry(m.tap()).or_insert_with(|| TapResult {
            tap: m.tap(),
            ..Default::default()
        });
        t.model += 1;
        match kgroups.get(&g).and_then(|v| v.get(idx)) {
            Some(k) => {
                let at = format!("{} `{key}`", m.tap());
                let diffs = compare_pkt(&m.pkt, &k.pkt, mapper, &at, "", &mut c.fields);
                if diffs.is_empty() {
                    t.matched += 1;
                }
                if c.examples.iter().all(|e| e.1 != key) {
                    c.examples
                        .push((m.tap(), key.clone(), describe(&m.pkt), describe(&k.pkt)));
                }
                for d in diffs {
                    c.findings.push(Finding {
                        tap: Some((m.ns.clone(), m.dev.clone(), m.dir)),
                        key: Some(key.clone()),
                        ..Finding::new("capture", at.clone(), d)
                    });
                }
            }
            None => c.findings.push(Finding {
                tap: Some((m.ns.clone(), m.dev.clone(), m.dir)),
                key: Some(key.clone()),
                ..Finding::new(
                    "capture",
                    m.tap(),
                    format!(
                        "the model has `{key}` here (frame {}), the kernel's capture does not: {}",
                        idx + 1,
                        describe(&m.pkt)
                    ),
                )
            }),
        }
    }
    for (g, ks) in &kgroups {
        let used = seen.get(g).copied().unwrap_or(0);
        for k in ks.iter().skip(used) {
            let what = format!(
                "the kernel's capture has `{}` here that the model does not: {}",
                g.3,
                describe(&k.pkt)
            );
            c.findings.push(Finding {
                tap: Some((k.ns.clone(), k.dev.clone(), k.dir)),
                key: Some(g.3.clone()),
                extra: Some(k.pkt.clone()),
                ..Finding::new("capture", k.tap(), what)
            });
        }
    }
    c.taps = taps.into_values().collect();
    c.paths = paths(model, kernel);
    for p in c.paths.iter().filter(|p| !p.ok) {
        let how = if p.unordered {
            "set of taps"
        } else {
            "taps, in order,"
        };
        let what = format!(
            "the {how} differ: model {:?}, kernel {:?}",
            p.model, p.kernel
        );
        c.findings.push(Finding {
            key: Some(p.key.clone()),
            path: Some((p.model.clone(), p.kernel.clone(), p.unordered)),
            ..Finding::new("path", p.key.clone(), what)
        });
    }
    let questions = |obs: &[Obs]| -> Vec<String> {
        obs.iter()
            .filter(|o| o.ns == client_ns && o.dir == Dir::Out)
            .filter_map(|o| match scope(&o.pkt) {
                Scope::Compared(k) if k.starts_with("DNS ") && !k.starts_with("DNS answer") => {
                    Some(k)
                }
                _ => None,
            })
            .collect()
    };
    let (mq, kq) = (questions(model), questions(kernel));
    if !mq.is_empty() || !kq.is_empty() {
        if mq != kq {
            c.findings.push(Finding::new(
                "dns-order",
                client_ns,
                format!("the questions differ: model {mq:?}, kernel {kq:?}"),
            ));
        }
        c.dns_order = Some((mq, kq));
        // Questions and answers as the client's interface saw them, in time order.
        let timeline = |obs: &[Obs]| -> Vec<String> {
            let dev = obs
                .iter()
                .find(|o| {
                    o.ns == client_ns
                        && o.dir == Dir::Out
                        && matches!(scope(&o.pkt), Scope::Compared(ref k) if k.starts_with("DNS "))
                })
                .map(|o| o.dev.clone());
            obs.iter()
                .filter(|o| o.ns == client_ns && Some(&o.dev) == dev.as_ref())
                .filter_map(|o| match scope(&o.pkt) {
                    Scope::Compared(k) if k.starts_with("DNS ") => Some(format!("{} {k}", o.dir)),
                    _ => None,
                })
                .collect()
        };
        let (mt, kt) = (timeline(model), timeline(kernel));
        if mt != kt {
            c.findings.push(Finding::new(
                "dns-timeline",
                client_ns,
                format!("model {mt:?}, kernel {kt:?}"),
            ));
        }
        c.dns_timeline = Some((mt, kt));
    }
    c
}

/// Each frame's taps, model order against capture time order.
fn paths(model: &[Obs], kernel: &[Obs]) -> Vec<PathResult> {
    let mut by: BTreeMap<String, (Vec<&Obs>, Vec<&Obs>)> = BTreeMap::new();
    for (side, obs) in [(0, model), (1, kernel)] {
        for o in obs {
            if let Scope::Compared(k) = scope(&o.pkt) {
                let e = by.entry(path_key(&k)).or_default();
                if side == 0 {
                    e.0.push(o)
                } else {
                    e.1.push(o)
                }
            }
        }
    }
    by.into_iter()
        .map(|(key, (m, k))| {
            let unordered = m.iter().chain(k.iter()).any(|o| o.pkt.dst.is_broadcast());
            let taps = |v: &[&Obs]| -> Vec<String> { v.iter().map(|o| o.tap()).collect() };
            let mt0 = taps(&m);
            // Taps that saw the frame at the very same nanosecond carry no order (the kernel
            // keeps the receive timestamp on a frame a bridge passes up): the model's order
            // stands for them.
            let mut k = k;
            k.sort_by_key(|o| {
                (
                    o.order,
                    mt0.iter().position(|t| *t == o.tap()).unwrap_or(usize::MAX),
                )
            });
            let (mut mt, mut kt) = (mt0.clone(), taps(&k));
            if unordered {
                mt.sort();
                kt.sort();
            }
            let ok = mt == kt;
            PathResult {
                key,
                model: mt,
                kernel: kt,
                unordered,
                ok,
            }
        })
        .collect()
}

fn tally(fields: &mut BTreeMap<String, (usize, usize)>, name: &str, ok: bool) {
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
                    eq(
                        "tcp.flags",
                        crate::observe::tcp_flags(*mf),
                        crate::observe::tcp_flags(*kf),
                        fields,
                    );
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

/// The distinct taps of a comparison, for the report's "interfaces matched" line.
pub fn taps_matched(c: &Comparison) -> (usize, usize) {
    let all: BTreeSet<&str> = c
        .taps
        .iter()
        .filter(|t| t.model + t.kernel > 0)
        .map(|t| t.tap.as_str())
        .collect();
    let ok = c
        .taps
        .iter()
        .filter(|t| t.model + t.kernel > 0 && t.model == t.kernel && t.matched == t.model)
        .count();
    (ok, all.len())
}
