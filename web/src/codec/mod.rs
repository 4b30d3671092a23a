//! The embedded data's byte format: varints, length-prefixed strings and lists, written by
//! the build script and read by the app. A dozen small functions instead of serde's
//! generated visitors: the reader costs a few kilobytes of WASM, serde + postcard cost 31.
//! The layout is columnar (see [`Site`]'s impl): similar values side by side compress far
//! better. A round trip of every lesson is tested natively.

use crate::model::*;

/// Bytes being written.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

/// Bytes being read. A truncated or corrupt input reads as zeros and empty strings and
/// sets `bad`; it never panics.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    pub bad: bool,
}

impl Writer {
    pub fn n(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }
    pub fn s(&mut self, s: &str) {
        self.n(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            at: 0,
            bad: false,
        }
    }
    pub fn n(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.bytes.get(self.at) else {
                self.bad = true;
                return 0;
            };
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
        }
        self.bad = true;
        v
    }
    pub fn s(&mut self) -> String {
        let len = self.n() as usize;
        let Some(b) = self.bytes.get(self.at..self.at.saturating_add(len)) else {
            self.bad = true;
            return String::new();
        };
        self.at += len;
        String::from_utf8(b.to_vec()).unwrap_or_else(|_| {
            self.bad = true;
            String::new()
        })
    }
    /// A list length, capped by the bytes left so corrupt input cannot allocate much.
    pub fn len(&mut self) -> usize {
        let n = self.n() as usize;
        if n > self.bytes.len() - self.at.min(self.bytes.len()) {
            self.bad = true;
            return 0;
        }
        n
    }
    pub fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// A value in the byte format.
pub trait Codec: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader) -> Self;
}

impl Codec for String {
    fn put(&self, w: &mut Writer) {
        w.s(self)
    }
    fn get(r: &mut Reader) -> Self {
        r.s()
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Writer) { w.n(u64::from(*self)) }
            fn get(r: &mut Reader) -> Self { r.n() as $t }
        }
    )*};
}
number!(u8, u16, u32);

impl Codec for bool {
    fn put(&self, w: &mut Writer) {
        w.n(u64::from(*self))
    }
    fn get(r: &mut Reader) -> Self {
        r.n() == 1
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.n(self.len() as u64);
        self.iter().for_each(|v| v.put(w));
    }
    fn get(r: &mut Reader) -> Self {
        let n = r.len();
        (0..n).map(|_| T::get(r)).collect()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.n(0),
            Some(v) => {
                w.n(1);
                v.put(w)
            }
        }
    }
    fn get(r: &mut Reader) -> Self {
        (r.n() == 1).then(|| T::get(r))
    }
}

/// A struct, field by field in declaration order.
macro_rules! fields {
    ($t:ident { $($f:ident),* }) => {
        impl Codec for $t {
            fn put(&self, w: &mut Writer) { $(Codec::put(&self.$f, w);)* }
            fn get(r: &mut Reader) -> Self { $t { $($f: Codec::get(r)),* } }
        }
    };
}

/// An enum of unit variants, by index.
macro_rules! units {
    ($t:ident [ $($v:ident),* ]) => {
        impl Codec for $t {
            fn put(&self, w: &mut Writer) {
                let all = [$($t::$v),*];
                w.n(all.iter().position(|v| v == self).unwrap_or(0) as u64)
            }
            fn get(r: &mut Reader) -> Self {
                let all = [$($t::$v),*];
                let i = r.n() as usize;
                all.get(i).copied().unwrap_or_else(|| { r.bad = true; all[0] })
            }
        }
    };
}

fields!(At {
    node,
    netns,
    device,
    direction
});
// Row by row, for the build's pools; the site itself stores hops column by column.
fields!(Hop {
    at,
    event,
    label,
    leg,
    packet,
    decision,
    changes,
    explain,
    narration,
    tables,
    tab,
    container
});
fields!(Layer {
    kind,
    name,
    summary,
    mark,
    fields,
    inner
});
fields!(Field {
    name,
    value,
    mark,
    was
});
fields!(Packet {
    tcpdump,
    tag,
    layers
});
fields!(RouteRow {
    text,
    prefix_len,
    matches,
    binary
});
fields!(RuleRow {
    chain,
    rule_no,
    text,
    matched,
    note
});
fields!(Change { netns, table, line });
fields!(TableRef { command, text });
fields!(WhatIf {
    slug,
    setting,
    detail
});
fields!(Outcome {
    completed,
    text,
    hop
});
fields!(Walk {
    what_if,
    hops,
    outcome
});
fields!(Device { name, addr });
fields!(PodView {
    name,
    namespace,
    ip,
    containers,
    eth0,
    host_veth
});
fields!(NodeView {
    name,
    pod_cidr,
    eth0,
    bridge,
    vxlan,
    pods
});
fields!(Underlay {
    azure,
    fabric,
    cidr,
    gateway,
    route_table,
    routes,
    outbound_ip
});
fields!(HostView {
    name,
    ip,
    internet,
    process,
    eth0
});
fields!(Topology {
    network,
    pod_cidr,
    service_cidr,
    nodes,
    underlay,
    hosts,
    services
});
units!(EventKind [Send, Route, Transmit, Receive, Bridge, ArpRequest, ArpReply, Netfilter, Dnat, Snat, Conntrack, VxlanEncap, VxlanDecap, Fabric, DnsQuery, DnsAnswer, Deliver, Discard, Drop]);
units!(LayerKind [Ethernet, Arp, Ipv4, Tcp, Udp, Icmp, Dns, Vxlan]);
units!(Mark [Same, Changed, Nat, Added]);

impl Codec for Decision {
    fn put(&self, w: &mut Writer) {
        match self {
            Decision::Local { addr, dev } => (0u8, addr, dev).put(w),
            Decision::Route {
                rows,
                matched,
                next_hop,
                dev,
            } => (1u8, (rows, matched), (next_hop, dev)).put(w),
            Decision::Neighbour { ip, dev, entry } => (2u8, (ip, dev), entry).put(w),
            Decision::Fdb { dst, entry, flood } => (3u8, (dst, entry), flood).put(w),
            Decision::Nat {
                hook,
                rules,
                verdict,
                policy,
            } => (4u8, (hook, rules), (verdict, policy)).put(w),
            Decision::Conntrack { entry, direction } => (5u8, entry, direction).put(w),
            Decision::Vxlan {
                vni,
                fdb,
                remote,
                sport,
            } => (6u8, (vni, fdb), (remote, sport)).put(w),
            Decision::Fabric {
                rows,
                matched,
                next_hop,
            } => (7u8, (rows, matched), next_hop).put(w),
            Decision::Dns {
                candidate,
                reason,
                answer,
            } => (8u8, (candidate, reason), answer).put(w),
        }
    }
    fn get(r: &mut Reader) -> Self {
        match r.n() {
            0 => Decision::Local {
                addr: r.s(),
                dev: r.s(),
            },
            1 => Decision::Route {
                rows: Codec::get(r),
                matched: Codec::get(r),
                next_hop: r.s(),
                dev: r.s(),
            },
            2 => Decision::Neighbour {
                ip: r.s(),
                dev: r.s(),
                entry: Codec::get(r),
            },
            3 => Decision::Fdb {
                dst: r.s(),
                entry: Codec::get(r),
                flood: Codec::get(r),
            },
            4 => Decision::Nat {
                hook: r.s(),
                rules: Codec::get(r),
                verdict: r.s(),
                policy: Codec::get(r),
            },
            5 => Decision::Conntrack {
                entry: r.s(),
                direction: r.s(),
            },
            6 => Decision::Vxlan {
                vni: Codec::get(r),
                fdb: r.s(),
                remote: r.s(),
                sport: Codec::get(r),
            },
            7 => Decision::Fabric {
                rows: Codec::get(r),
                matched: Codec::get(r),
                next_hop: r.s(),
            },
            8 => Decision::Dns {
                candidate: r.s(),
                reason: r.s(),
                answer: r.s(),
            },
            _ => {
                r.bad = true;
                Decision::Local {
                    addr: String::new(),
                    dev: String::new(),
                }
            }
        }
    }
}

/// Writing a few values in a row (only ever written: decisions are read field by field).
trait Put {
    fn put(&self, w: &mut Writer);
}
impl<T: Codec> Put for &T {
    fn put(&self, w: &mut Writer) {
        Codec::put(*self, w)
    }
}
impl Put for u8 {
    fn put(&self, w: &mut Writer) {
        w.n(u64::from(*self))
    }
}
impl<A: Put, B: Put> Put for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
}
impl<A: Put, B: Put, C: Put> Put for (A, B, C) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
        self.2.put(w);
    }
}

/// Every hop's fields, one column at a time.
macro_rules! columns {
    ($hops:expr, $w:expr, [$($f:ident),*]) => { $( for h in $hops.iter() { Codec::put(&h.$f, $w); } )* };
}

impl Codec for Site {
    /// First every lesson's card, topology, walks and pool sizes; then the hops of all
    /// lessons column by column; then all packets; then all table texts.
    fn put(&self, w: &mut Writer) {
        w.n(self.lessons.len() as u64);
        for l in &self.lessons {
            (&l.id, &l.title, &l.summary).put(w);
            (&l.follows, &l.intro).put(w);
            match &l.body {
                Err(e) => (1u8, e).put(w),
                Ok(b) => {
                    (0u8, &b.topology, &b.walks).put(w);
                    (
                        &(b.hops.len() as u32),
                        &(b.packets.len() as u32),
                        &(b.texts.len() as u32),
                    )
                        .put(w);
                }
            }
        }
        let hops: Vec<&Hop> = self
            .lessons
            .iter()
            .filter_map(|l| l.body.as_ref().ok())
            .flat_map(|b| b.hops.iter())
            .collect();
        columns!(
            hops,
            w,
            [
                at, event, label, leg, packet, decision, changes, explain, narration, tables, tab,
                container
            ]
        );
        for b in self.lessons.iter().filter_map(|l| l.body.as_ref().ok()) {
            b.packets.iter().for_each(|p| Codec::put(p, w));
        }
        for b in self.lessons.iter().filter_map(|l| l.body.as_ref().ok()) {
            b.texts.iter().for_each(|t| w.s(t));
        }
    }

    fn get(r: &mut Reader) -> Self {
        let n = r.len();
        let mut lessons = Vec::with_capacity(n);
        let mut sizes = Vec::new();
        for _ in 0..n {
            let (id, title, summary, follows, intro) = (r.s(), r.s(), r.s(), Codec::get(r), r.s());
            let body = match r.n() {
                0 => {
                    let (topology, walks) = (Codec::get(r), Codec::get(r));
                    sizes.push([r.n() as usize, r.n() as usize, r.n() as usize]);
                    Ok(LessonBody {
                        topology,
                        walks,
                        hops: Vec::new(),
                        packets: Vec::new(),
                        texts: Vec::new(),
                    })
                }
                _ => Err(r.s()),
            };
            lessons.push(LessonEntry {
                id,
                title,
                summary,
                follows,
                intro,
                body,
            });
        }
        let total = sizes.iter().map(|s| s[0]).sum::<usize>().min(r.len_left());
        macro_rules! column {
            () => {
                (0..total)
                    .map(|_| Codec::get(r))
                    .collect::<Vec<_>>()
                    .into_iter()
            };
        }
        let (mut at, mut event, mut label, mut leg, mut packet, mut decision) = (
            column!(),
            column!(),
            column!(),
            column!(),
            column!(),
            column!(),
        );
        let (mut changes, mut explain, mut narration, mut tables, mut tab, mut container) = (
            column!(),
            column!(),
            column!(),
            column!(),
            column!(),
            column!(),
        );
        let mut lesson_sizes = sizes.iter();
        for b in lessons.iter_mut().filter_map(|l| l.body.as_mut().ok()) {
            let h = lesson_sizes.next().map(|s| s[0]).unwrap_or(0);
            for _ in 0..h {
                let hop = (|| {
                    Some(Hop {
                        at: at.next()?,
                        event: event.next()?,
                        label: label.next()?,
                        leg: leg.next()?,
                        packet: packet.next()?,
                        decision: decision.next()?,
                        changes: changes.next()?,
                        explain: explain.next()?,
                        narration: narration.next()?,
                        tables: tables.next()?,
                        tab: tab.next()?,
                        container: container.next()?,
                    })
                })();
                b.hops.extend(hop);
            }
        }
        for (b, size) in lessons
            .iter_mut()
            .filter_map(|l| l.body.as_mut().ok())
            .zip(&sizes)
        {
            b.packets = (0..size[1].min(r.len_left()))
                .map(|_| Codec::get(r))
                .collect();
        }
        for (b, size) in lessons
            .iter_mut()
            .filter_map(|l| l.body.as_mut().ok())
            .zip(&sizes)
        {
            b.texts = (0..size[2].min(r.len_left())).map(|_| r.s()).collect();
        }
        Site { lessons }
    }
}

/// Read the embedded site; `None` when the bytes are not a whole site.
pub fn decode(bytes: &[u8]) -> Option<Site> {
    let mut r = Reader::new(bytes);
    let site = Site::get(&mut r);
    (!r.bad && r.is_empty()).then_some(site)
}

/// The bytes of a site.
pub fn encode(site: &Site) -> Vec<u8> {
    let mut w = Writer::default();
    site.put(&mut w);
    w.0
}

/// The bytes of any value (the build's pools tell values apart by them).
pub fn bytes_of<T: Codec>(v: &T) -> Vec<u8> {
    let mut w = Writer::default();
    v.put(&mut w);
    w.0
}

impl Reader<'_> {
    fn len_left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
}

#[cfg(test)]
mod tests;
