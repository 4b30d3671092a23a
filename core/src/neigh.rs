//! The neighbour (ARP) cache and its states, printed as `ip neigh` does.

use crate::addr::Mac;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum NudState {
    /// A request went out; no answer yet.
    Incomplete,
    /// Confirmed recently (an ARP reply, or traffic that proves it).
    Reachable,
    /// Known but unconfirmed (learned from a request we answered, or REACHABLE whose
    /// base_reachable_time ran out).
    Stale,
    /// A STALE entry was used to send: the kernel sends on it and waits
    /// delay_first_probe_time (5 s) for a confirmation before it probes.
    Delay,
    Failed,
    /// Set by hand or by a daemon (flannel's VTEP entries); never expires.
    Permanent,
}

impl fmt::Display for NudState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            NudState::Incomplete => "INCOMPLETE",
            NudState::Reachable => "REACHABLE",
            NudState::Stale => "STALE",
            NudState::Delay => "DELAY",
            NudState::Failed => "FAILED",
            NudState::Permanent => "PERMANENT",
        };
        f.write_str(s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neigh {
    pub ip: Ipv4Addr,
    pub dev: String,
    pub lladdr: Option<Mac>,
    pub state: NudState,
}

/// `10.244.0.3 dev eth0 lladdr aa:25:82:e0:c8:10 REACHABLE ` (iproute2 6.1, trailing space).
impl fmt::Display for Neigh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} dev {}", self.ip, self.dev)?;
        if let Some(m) = self.lladdr {
            write!(f, " lladdr {m}")?;
        }
        write!(f, " {} ", self.state)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighTable {
    pub entries: Vec<Neigh>,
}

/// What a lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Found(Mac),
    /// A request is already out for this address.
    Pending,
    NotFound,
}

impl NeighTable {
    pub fn lookup(&self, ip: Ipv4Addr, dev: &str) -> Answer {
        match self.entries.iter().find(|n| n.ip == ip && n.dev == dev) {
            Some(Neigh {
                lladdr: Some(m),
                state,
                ..
            }) if *state != NudState::Failed => Answer::Found(*m),
            Some(_) => Answer::Pending,
            None => Answer::NotFound,
        }
    }

    /// Insert or update an entry; returns the entry as it now stands. A permanent entry is
    /// never overwritten by what ARP learns.
    pub fn set(&mut self, ip: Ipv4Addr, dev: &str, lladdr: Option<Mac>, state: NudState) -> Neigh {
        if let Some(n) = self.entries.iter_mut().find(|n| n.ip == ip && n.dev == dev) {
            if n.state != NudState::Permanent {
                n.lladdr = lladdr.or(n.lladdr);
                n.state = state;
            }
            return n.clone();
        }
        let n = Neigh {
            ip,
            dev: dev.into(),
            lladdr,
            state,
        };
        self.entries.push(n.clone());
        n
    }

    /// What ARP learns from a request it answers (`neigh_event_ns` in net/ipv4/arp.c →
    /// `__neigh_update` with NUD_STALE in net/core/neighbour.c): a new or unresolved entry
    /// becomes STALE; a valid entry whose MAC is unchanged keeps its state ("If entry was
    /// valid and address is not changed, do not change entry state, if new one is STALE").
    pub fn learn_from_request(&mut self, ip: Ipv4Addr, dev: &str, lladdr: Mac) -> Neigh {
        let kept = self
            .entries
            .iter()
            .find(|n| n.ip == ip && n.dev == dev)
            .and_then(|n| {
                let valid = !matches!(n.state, NudState::Incomplete | NudState::Failed);
                (valid && n.lladdr == Some(lladdr)).then_some(n.state)
            });
        self.set(ip, dev, Some(lladdr), kept.unwrap_or(NudState::Stale))
    }

    /// A packet is sent on the entry for `ip` (`neigh_event_send` → `__neigh_event_send`
    /// in net/core/neighbour.c): a STALE entry becomes DELAY there and then, and its timer
    /// is armed for delay_first_probe_time. Returns the entry when its state changed.
    pub fn event_send(&mut self, ip: Ipv4Addr, dev: &str) -> Option<Neigh> {
        let n = self
            .entries
            .iter_mut()
            .find(|n| n.ip == ip && n.dev == dev && n.state == NudState::Stale)?;
        n.state = NudState::Delay;
        Some(n.clone())
    }

    pub fn lines(&self) -> Vec<String> {
        self.entries.iter().map(|n| n.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_entry_used_to_send_becomes_delay_and_a_reachable_one_stays() {
        let mut t = NeighTable::default();
        let (a, b) = ("10.244.0.5".parse().unwrap(), "10.244.0.6".parse().unwrap());
        let mac = Mac([0x02, 0, 0, 0, 0, 1]);
        t.learn_from_request(a, "cni0", mac);
        t.set(b, "cni0", Some(mac), NudState::Reachable);
        assert_eq!(
            t.event_send(a, "cni0").map(|n| n.state),
            Some(NudState::Delay)
        );
        assert_eq!(
            t.event_send(a, "cni0"),
            None,
            "DELAY stays DELAY until its timer"
        );
        assert_eq!(t.event_send(b, "cni0"), None);
        // A request from a valid entry with the same MAC does not pull it back to STALE.
        assert_eq!(
            t.learn_from_request(b, "cni0", mac).state,
            NudState::Reachable
        );
        assert_eq!(t.learn_from_request(a, "cni0", mac).state, NudState::Delay);
    }

    #[test]
    fn incomplete_entry_prints_without_lladdr() {
        let mut t = NeighTable::default();
        t.set(
            "10.244.0.99".parse().unwrap(),
            "eth0",
            None,
            NudState::Incomplete,
        );
        assert_eq!(t.lines(), vec!["10.244.0.99 dev eth0 INCOMPLETE "]);
        assert_eq!(
            t.lookup("10.244.0.99".parse().unwrap(), "eth0"),
            Answer::Pending
        );
    }

    #[test]
    fn a_reply_completes_the_entry() {
        let mut t = NeighTable::default();
        let ip = "10.244.0.3".parse().unwrap();
        t.set(ip, "eth0", None, NudState::Incomplete);
        let mac: Mac = "aa:25:82:e0:c8:10".parse().unwrap();
        let n = t.set(ip, "eth0", Some(mac), NudState::Reachable);
        assert_eq!(
            n.to_string(),
            "10.244.0.3 dev eth0 lladdr aa:25:82:e0:c8:10 REACHABLE "
        );
        assert_eq!(t.lookup(ip, "eth0"), Answer::Found(mac));
    }

    #[test]
    fn permanent_entries_are_not_overwritten_by_arp() {
        let mut t = NeighTable::default();
        let ip = "10.244.1.0".parse().unwrap();
        let vtep: Mac = "3a:55:50:ec:6b:24".parse().unwrap();
        t.set(ip, "flannel.1", Some(vtep), NudState::Permanent);
        t.set(ip, "flannel.1", Some(Mac::ZERO), NudState::Reachable);
        assert_eq!(t.lookup(ip, "flannel.1"), Answer::Found(vtep));
    }
}
