//! The engine: runs a scenario over a built cluster and returns a trace. It is a small
//! discrete simulation: frames in flight wait in a FIFO queue; everything a namespace does
//! with a frame it received (bridge, ARP, routing, netfilter, conntrack, VXLAN, sockets)
//! happens synchronously and is recorded hop by hop.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | Scenario, the Sim state, hop recording, the run loop, the seeded RNG |
//! | `l2.rs` | transmit/receive per device kind, the bridge |
//! | `arp.rs` | ARP requests and replies, the neighbour states they set, STALE → DELAY on a send |
//! | `brnf.rs` | br_netfilter: iptables for frames crossing the bridge, and bridged DNAT |
//! | `l3.rs` | IP output, input and forwarding, neighbours, VXLAN encap/decap |
//! | `record.rs` | a hop being recorded ([`Step`]), and where it is ([`Location`]s) |
//! | `conntrack_nat.rs` | conntrack and the nat table at the hooks |
//! | `filter.rs` | the filter table at FORWARD (routed and bridged), INPUT and OUTPUT |
//! | `reject.rs` | REJECT's ICMP port unreachable, and the client's socket hearing it |
//! | `underlay.rs` | the Ethernet segment between nodes, and Azure's VNet fabric |
//! | `apps.rs` | the processes: TCP client/server, ping, the client's sockets and replies |
//! | `resolver.rs` | DNS: the glibc resolver's A and AAAA back to back, CoreDNS's answers |

mod apps;
mod arp;
mod brnf;
mod conntrack_nat;
mod filter;
mod l2;
mod l3;
mod record;
mod reject;
mod resolver;
mod underlay;

use crate::cluster::Cluster;
use crate::fabric::Segment;
use crate::netns::Netns;
use crate::packet::{Frame, Ipv4};
use crate::trace::{Hop, Outcome, Trace};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::OnceLock;

/// Who sends what to whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// The namespace (pod or host) the first packet leaves from.
    pub from: String,
    pub action: Action,
    /// Seeds ephemeral ports, DNS ids and the endpoint choice.
    pub seed: u64,
    /// Make kube-proxy's random endpoint choice land on this endpoint.
    pub pin_endpoint: Option<SocketAddrV4>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// A TCP connection: the SYN and the SYN-ACK that answers it.
    Tcp {
        to: Ipv4Addr,
        port: u16,
        process: String,
    },
    /// `ping -c1`: one echo request and its reply.
    Ping { to: Ipv4Addr },
    /// `getent ahosts <name>`: glibc's search list, query by query, through the DNS Service.
    Resolve { name: String },
}

/// The result of a run: the trace, and the namespaces' state after each hop that changed it.
#[derive(Clone, Debug)]
pub struct Run {
    pub trace: Trace,
    /// The cluster as built, before the first hop.
    initial: Cluster,
    snapshots: Vec<Snapshot>,
}

/// What a hop that changed state left: the namespaces it changed (by index), not all of
/// them, so memory grows with the hops, not hops × cluster (issue 13, point 2). The whole
/// list as of that hop is put together the first time it is asked for.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    hop: usize,
    changed: Vec<(usize, Netns)>,
    segments: Vec<Segment>,
    whole: OnceLock<Vec<Netns>>,
}

impl Run {
    /// The cluster the run started from, as built: what the page draws.
    pub fn cluster(&self) -> &Cluster {
        &self.initial
    }

    /// The namespaces and segments as they stood after hop `hop` (before the first hop for `None`).
    pub fn state_at(&self, hop: Option<usize>) -> (&[Netns], &[Segment]) {
        let initial = (&self.initial.netns[..], &self.initial.segments[..]);
        let Some(h) = hop else {
            return initial;
        };
        let Some(at) = self.snapshots.iter().rposition(|s| s.hop <= h) else {
            return initial;
        };
        let snap = &self.snapshots[at];
        let whole = snap.whole.get_or_init(|| {
            let mut netns = self.initial.netns.clone();
            for s in &self.snapshots[..=at] {
                for (i, ns) in &s.changed {
                    netns[*i] = ns.clone();
                }
            }
            netns
        });
        (whole, &snap.segments)
    }
}

/// Upper bound on hops in one run. TTL bounds routing loops long before this; it only
/// guards against a topology that floods forever.
pub const HOP_BUDGET: usize = 5000;

/// How deep transmits may nest (a VXLAN device's outer packet sent from inside its own
/// transmit), as the kernel's per-CPU `dev_xmit_recursion()` counter allows:
/// `XMIT_RECURSION_LIMIT` = 8 in include/linux/netdevice.h, checked in `__dev_queue_xmit`
/// (net/core/dev.c), which drops with SKB_DROP_REASON_RECURSION_LIMIT and logs "Dead loop on
/// virtual device".
pub const XMIT_RECURSION_LIMIT: u32 = 8;

/// Run `scenario` over `cluster`.
pub fn run(cluster: &Cluster, scenario: &Scenario) -> Run {
    let mut sim = Sim::new(cluster.clone(), scenario);
    sim.start();
    sim.drain();
    let outcome = sim.outcome();
    Run {
        trace: Trace {
            hops: sim.hops,
            outcome,
        },
        initial: cluster.clone(),
        snapshots: sim.snapshots,
    }
}

struct InFlight {
    ns: usize,
    dev: String,
    frame: Frame,
    leg: String,
}

/// A packet waiting for an ARP answer.
struct Parked {
    ns: usize,
    dev: String,
    next_hop: Ipv4Addr,
    pkt: Ipv4,
    leg: String,
    /// For br_netfilter's bridged DNAT: the ingress port, the sender's MAC, and the pass.
    bridged: Option<(String, crate::addr::Mac, l3::Pass)>,
}

/// SplitMix64: small, fast, identical on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u16, hi: u16) -> u16 {
        let span = u64::from(hi - lo) + 1;
        lo + (self.next() % span) as u16
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

pub(crate) struct Sim {
    c: Cluster,
    hops: Vec<Hop>,
    snapshots: Vec<Snapshot>,
    /// The namespaces of the hops since the last snapshot, and those their changes name.
    touched: Vec<usize>,
    /// Debug builds check that a hop changed no namespace it does not name: the state as of
    /// the last snapshot, whole.
    #[cfg(debug_assertions)]
    shadow: Vec<Netns>,
    queue: VecDeque<InFlight>,
    parked: Vec<Parked>,
    rng: Rng,
    pin: Option<SocketAddrV4>,
    leg: String,
    app: apps::Apps,
    failed: Option<(usize, String)>,
    /// Nested transmits in progress (the kernel's `dev_xmit_recursion()` counter).
    xmit_depth: u32,
}

impl Sim {
    fn new(c: Cluster, scenario: &Scenario) -> Sim {
        #[cfg(debug_assertions)]
        let shadow = c.netns.clone();
        Sim {
            c,
            hops: Vec::new(),
            snapshots: Vec::new(),
            touched: Vec::new(),
            #[cfg(debug_assertions)]
            shadow,
            queue: VecDeque::new(),
            parked: Vec::new(),
            rng: Rng(scenario.seed),
            pin: scenario.pin_endpoint,
            leg: String::new(),
            app: apps::Apps::new(scenario),
            failed: None,
            xmit_depth: 0,
        }
    }

    fn over_budget(&self) -> bool {
        self.hops.len() >= HOP_BUDGET
    }

    fn drain(&mut self) {
        loop {
            while let Some(f) = self.queue.pop_front() {
                if self.over_budget() {
                    self.queue.clear();
                    break;
                }
                self.leg = f.leg;
                self.receive(f.ns, &f.dev, f.frame);
            }
            // Nothing in flight: packets still waiting for ARP never get an answer.
            let parked = std::mem::take(&mut self.parked);
            for p in parked {
                self.leg = p.leg;
                self.drop_hop(p.ns, Some(&p.dev), None, crate::trace::DropReason::NoArpAnswer { ip: p.next_hop }, format!("no host answered the ARP request for {}: the kernel gives up and the packet is dropped", p.next_hop));
            }
            if self.failed.is_some() || self.over_budget() {
                break;
            }
            // The client sends what it sends before reading (glibc's A and AAAA); then the
            // server answers what it holds, one at a time.
            if !self.next_step() && !self.serve_held() {
                break;
            }
        }
    }

    fn outcome(&self) -> Outcome {
        if let Some((hop, reason)) = &self.failed {
            return Outcome::Failed {
                hop: *hop,
                reason: reason.clone(),
            };
        }
        if self.over_budget() {
            return Outcome::Failed {
                hop: HOP_BUDGET - 1,
                reason: "hop budget exhausted".into(),
            };
        }
        match self.app.summary() {
            Some(s) => Outcome::Completed { summary: s },
            None => Outcome::Failed {
                hop: self.hops.len().saturating_sub(1),
                reason: "the exchange did not complete".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests;
