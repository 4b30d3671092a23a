//! The structure-aware generator: [`GenLesson`], picked by `arbitrary` from small pools of
//! names, CIDRs and addresses that deliberately overlap, and written as a lesson file.
//!
//! | module | holds |
//! |---|---|
//! | `mod.rs` | the generated shapes ([`GenLesson`] and its parts), CIDR arithmetic, TOML quoting |
//! | `pools` | the pools the generator picks from |
//! | `write` | [`GenLesson::to_toml`]: the shape as a lesson file |

use arbitrary::Arbitrary;
use std::net::Ipv4Addr;

mod pools;
mod write;
use pools::*;

fn pick<T: Copy>(pool: &[T], i: u8) -> T {
    pool[i as usize % pool.len()]
}

/// A CIDR as (network address, prefix length).
#[derive(Clone, Copy)]
struct Cidr(u32, u8);

impl Cidr {
    fn parse(s: &str) -> Cidr {
        let (a, p) = s.split_once('/').unwrap();
        let p: u8 = p.parse().unwrap();
        let a: u32 = a.parse::<Ipv4Addr>().unwrap().into();
        Cidr(a & mask(p), p)
    }
    fn size(self) -> u64 {
        1u64 << (32 - self.1 as u32)
    }
    /// The `k`-th address of the block (wrapping inside it).
    fn host(self, k: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.0 | (k as u64 % self.size()) as u32)
    }
    /// The `k`-th /24 inside the block (or the block itself when it is /24 or smaller).
    fn slice24(self, k: u8) -> Cidr {
        if self.1 >= 24 {
            return self;
        }
        let n = 1u64 << (24 - self.1 as u32);
        Cidr(self.0 | (((k as u64 % n) as u32) << 8), 24)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.0), self.1)
    }
}

fn mask(p: u8) -> u32 {
    if p == 0 {
        0
    } else {
        u32::MAX << (32 - p as u32)
    }
}

// ---- the generator ----------------------------------------------------------------------

#[derive(Arbitrary, Debug)]
pub struct GenLesson {
    flannel: bool,
    pod_cidr: u8,
    service_cidr: u8,
    domain: Option<u8>,
    dns_ip: Option<GenIp>,
    underlay: GenUnderlay,
    sysctls: Option<[bool; 3]>,
    kube_proxy: Option<[bool; 2]>,
    first_node: GenNode,
    more_nodes: Vec<GenNode>,
    services: Vec<GenService>,
    hosts: Vec<GenHost>,
    upstream: Vec<(u8, GenIp)>,
    scenario: GenScenario,
    narration: Vec<GenNote>,
}

#[derive(Arbitrary, Debug)]
struct GenUnderlay {
    azure: bool,
    cidr: u8,
    gateway: Option<GenIp>,
    route_table: bool,
    outbound: Option<u8>,
}

/// An address: mostly one that fits where it is used, sometimes any from the pool.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct GenIp {
    how: u8,
    k: u8,
    j: u8,
}

#[derive(Arbitrary, Debug)]
struct GenNode {
    name_dup: u8,
    ip: GenIp,
    pod_cidr_how: u8,
    pod_cidr_k: u8,
    pods: Vec<GenPod>,
    routes: Vec<GenRoute>,
}

#[derive(Arbitrary, Debug)]
struct GenPod {
    name: u8,
    dup: u8,
    namespace: Option<u8>,
    ip: GenIp,
    first: GenContainer,
    more: Vec<GenContainer>,
    no_containers: u8,
}

#[derive(Arbitrary, Debug)]
struct GenContainer {
    name: u8,
    image: Option<u8>,
    listen: Vec<u8>,
    dns_server: bool,
}

#[derive(Arbitrary, Debug)]
struct GenRoute {
    dst: u8,
    via: GenIp,
}

#[derive(Arbitrary, Debug)]
struct GenService {
    name: u8,
    namespace: Option<u8>,
    ip: GenIp,
    first_port: GenPort,
    ports: Vec<GenPort>,
    endpoints: Vec<u8>,
    local: bool,
}

#[derive(Arbitrary, Debug)]
struct GenPort {
    name: Option<u8>,
    udp: bool,
    port: u8,
    target: u8,
    node_port: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct GenHost {
    lan: bool,
    ip: GenIp,
    listen: Vec<u8>,
    process: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct GenScenario {
    from: u8,
    kind: u8,
    to: GenTarget,
    port: u8,
    name: u8,
    process: Option<u8>,
    seed: u8,
    pin: Option<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
enum GenTarget {
    Pod(u8),
    Service(u8),
    Node(u8),
    Host(u8),
    Any(GenIp),
}

#[derive(Arbitrary, Debug)]
struct GenNote {
    event: u8,
    netns: Option<u8>,
    leg: Option<u8>,
    nth: u8,
}

/// What is known while writing: the CIDRs and the names and addresses given out so far.
struct Ctx {
    pod: Cidr,
    service: Cidr,
    underlay: Cidr,
    node_cidrs: Vec<Cidr>,
    node_ips: Vec<Ipv4Addr>,
    node_names: Vec<String>,
    pods: Vec<(String, Ipv4Addr, Vec<u16>)>,
    services: Vec<(String, String, Ipv4Addr, Vec<u16>)>,
    hosts: Vec<(String, Ipv4Addr)>,
}

impl Ctx {
    /// An address for a place whose block is `home`: when `how` < `tame`, inside `home` away
    /// from its reserved ends; otherwise (by `j`) anywhere in `home` (network, gateway and
    /// broadcast included), in another of the cluster's blocks, or from the pool.
    fn ip(&self, g: GenIp, home: Cidr, tame: u8) -> Ipv4Addr {
        let k = u32::from(g.k);
        if g.how < tame {
            let size = home.size();
            return if size <= 4 {
                home.host(k)
            } else {
                home.host(2 + k % (size as u32 - 3).min(250))
            };
        }
        match g.j % 8 {
            0..=3 => home.host(k | (u32::from(g.j) << 8)),
            4 | 5 => {
                let blocks = [self.pod, self.service, self.underlay];
                let b = if self.node_cidrs.is_empty() {
                    pick(&blocks, g.j)
                } else if g.j % 4 == 3 {
                    pick(&self.node_cidrs, g.k)
                } else {
                    pick(&blocks, g.j)
                };
                b.host(u32::from(g.k) % 16)
            }
            _ => pick(IPS, g.k).parse().unwrap(),
        }
    }
}

fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
