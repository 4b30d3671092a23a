//! Recording hops: a hop is built as one value ([`Step`]: where, what, why, and what the
//! packet, the decision and the state changes are) and recorded in one place
//! ([`Sim::record`]), which adds what the engine knows on its own: the leg, the container
//! running the process, and a snapshot of the state when the hop changed it.

use super::Sim;
use crate::packet::{Frame, Ipv4};
use crate::trace::{Decision, Direction, DropReason, Event, Hop, Location, StateChange};
use crate::vocab::{Changed, PlaceKind};

/// A hop being recorded.
pub(super) struct Step {
    at: Location,
    event: Event,
    explain: String,
    packet: Option<Frame>,
    decision: Option<Decision>,
    changes: Vec<StateChange>,
}

impl Step {
    /// A hop at `at` doing `event`, explained by `explain` (the engine's own words).
    pub(super) fn new(at: Location, event: Event, explain: impl Into<String>) -> Step {
        Step {
            at,
            event,
            explain: explain.into(),
            packet: None,
            decision: None,
            changes: Vec::new(),
        }
    }
    /// The frame as seen at this hop.
    pub(super) fn frame(mut self, frame: Frame) -> Step {
        self.packet = Some(frame);
        self
    }
    /// A routed packet, before it has a link header.
    pub(super) fn routed(self, ip: &Ipv4) -> Step {
        self.frame(Frame::routed(ip))
    }
    pub(super) fn packet(mut self, frame: Option<Frame>) -> Step {
        self.packet = frame;
        self
    }
    pub(super) fn decision(mut self, d: Decision) -> Step {
        self.decision = Some(d);
        self
    }
    /// A row this hop wrote (the state must already hold it).
    pub(super) fn change(mut self, c: StateChange) -> Step {
        self.changes.push(c);
        self
    }
    pub(super) fn changes(mut self, c: Vec<StateChange>) -> Step {
        self.changes.extend(c);
        self
    }
}

/// A routed packet as a hop's packet.
pub(super) fn frame(ip: &Ipv4) -> Option<Frame> {
    Some(Frame::routed(ip))
}

impl Sim {
    /// Record a hop. State changes must already be applied; a snapshot is kept when there
    /// are any.
    pub(super) fn record(&mut self, step: Step) {
        if self.over_budget() {
            return;
        }
        let container = self.container_at(&step.at, &step.event);
        // What a hop changed is in its changes, but a hop may also update state it does not
        // list (a conntrack entry's state, a neighbour's timer state): the namespaces of every
        // hop since the last snapshot are kept too.
        let named = step.changes.iter().map(|c| c.netns.as_str());
        let touched: Vec<usize> = named
            .chain(std::iter::once(step.at.netns.as_str()))
            .filter_map(|n| self.c.ns_index(n))
            .collect();
        self.touched.extend(touched);
        let any = !step.changes.is_empty();
        self.hops.push(Hop {
            at: step.at,
            event: step.event,
            leg: self.leg.clone(),
            packet: step.packet,
            decision: step.decision,
            changes: step.changes,
            explain: step.explain,
            container,
        });
        if any {
            let mut changed = std::mem::take(&mut self.touched);
            changed.sort_unstable();
            changed.dedup();
            self.snapshot(self.hops.len() - 1, changed);
        }
    }

    /// Keep the namespaces hop `hop` changed, and the segments.
    fn snapshot(&mut self, hop: usize, changed: Vec<usize>) {
        #[cfg(debug_assertions)]
        {
            for (i, (now, then)) in self.c.netns.iter().zip(&self.shadow).enumerate() {
                debug_assert!(
                    changed.contains(&i) || now == then,
                    "hop {hop} changed namespace {} without naming it in its changes",
                    now.name
                );
            }
            for &i in &changed {
                self.shadow[i] = self.c.netns[i].clone();
            }
        }
        let changed = changed
            .into_iter()
            .map(|i| (i, self.c.netns[i].clone()))
            .collect();
        self.snapshots.push(super::Snapshot {
            hop,
            changed,
            segments: self.c.segments.clone(),
            whole: Default::default(),
        });
    }

    /// The container running the process of a process's hop, in a pod.
    fn container_at(&self, at: &Location, event: &Event) -> Option<String> {
        let process = match event {
            Event::Send { process } | Event::Deliver { process } | Event::Refused { process } => {
                process.as_str()
            }
            // glibc's resolver runs inside the process that asked (`getent`).
            Event::DnsQuery | Event::DnsAnswer => "getent",
            _ => return None,
        };
        if at.place != PlaceKind::Netns {
            return None;
        }
        let ns = self.c.ns_index(&at.netns)?;
        self.c.netns[ns].container_of(process)
    }

    /// Where a hop in namespace `ns` is: on `dev` (as `ip link` names it), going `dir`.
    pub(super) fn location(
        &self,
        ns: usize,
        dev: Option<&str>,
        dir: Option<Direction>,
    ) -> Location {
        let n = &self.c.netns[ns];
        let device = dev.map(|d| {
            n.iface(d)
                .map(|i| i.display_name())
                .unwrap_or_else(|| d.to_string())
        });
        Location {
            node: n.node.clone(),
            netns: n.name.clone(),
            device,
            direction: dir,
            place: PlaceKind::Netns,
        }
    }

    pub(super) fn drop_hop(
        &mut self,
        ns: usize,
        dev: Option<&str>,
        packet: Option<Frame>,
        reason: DropReason,
        explain: String,
    ) {
        let at = self.location(ns, dev, None);
        self.drop_hop_at(at, packet, reason, explain);
    }

    /// Record a drop. Every drop but a discarded flood copy ends the scenario.
    pub(super) fn drop_hop_at(
        &mut self,
        at: Location,
        packet: Option<Frame>,
        reason: DropReason,
        explain: String,
    ) {
        let fatal = !matches!(reason, DropReason::NotForThisHost);
        self.record(Step::new(at, Event::Drop { reason }, explain.clone()).packet(packet));
        if fatal && self.failed.is_none() {
            self.failed = Some((self.hops.len().saturating_sub(1), explain));
        }
    }

    /// A row written into `table` of namespace `ns`.
    pub(super) fn change(&self, ns: usize, table: Changed, line: String) -> StateChange {
        StateChange {
            netns: self.c.netns[ns].name.clone(),
            table,
            line,
        }
    }
}
