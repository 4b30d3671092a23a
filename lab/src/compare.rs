//! Captures against the trace. Frames are grouped by tap (namespace, interface, direction)
//! and by key (what the frame is, independent of NAT and random values: `TCP SYN`,
//! `ARP who-has 10.244.0.1 tell 10.244.0.10`, `DNS A? name.`); the n-th model frame of a
//! group is compared field by field with the n-th kernel frame of the same group. Then each
//! frame's path (the taps it crossed, in order) is compared, and the order of the DNS
//! questions the client sent.

use crate::fields::compare_pkt;
use crate::findings::Finding;
use crate::mapping::Mapper;
use crate::observe::{describe, path_key, scope, Dir, Obs, Scope};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The frames matched: (index into the model's, index into the kernel's).
    pub pairs: Vec<(usize, usize)>,
}

type Group = (String, String, Dir, String);

fn group(o: &Obs, key: &str) -> Group {
    (o.ns.clone(), o.dev.clone(), o.dir, key.to_string())
}

pub fn compare(model: &[Obs], kernel: &[Obs], mapper: &mut Mapper, client_ns: &str) -> Comparison {
    let mut c = Comparison::default();
    let mut taps: BTreeMap<String, TapResult> = BTreeMap::new();
    let mut kgroups: BTreeMap<Group, Vec<(usize, &Obs)>> = BTreeMap::new();
    for (ki, k) in kernel.iter().enumerate() {
        let t = taps.entry(k.tap()).or_insert_with(|| TapResult {
            tap: k.tap(),
            ..Default::default()
        });
        match scope(&k.pkt) {
            Scope::Compared(key) => {
                t.kernel += 1;
                kgroups.entry(group(k, &key)).or_default().push((ki, k));
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
    for (mi, m) in model.iter().enumerate() {
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
            Some(&(ki, k)) => {
                c.pairs.push((mi, ki));
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
        for (_, k) in ks.iter().skip(used) {
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
