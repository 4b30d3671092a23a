//! Connection tracking: the entry the first packet of a flow creates, the reply tuple that
//! encodes NAT, and the lookup that turns a reply back through it.

use crate::vocab::consts::proto;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// One direction of a flow. For ICMP echo, `sport`/`dport` hold the echo id and the
/// tuple prints `type=8 code=0 id=N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tuple {
    pub proto: u8,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub sport: u16,
    pub dport: u16,
}

impl Tuple {
    pub fn inverse(&self) -> Tuple {
        Tuple {
            proto: self.proto,
            src: self.dst,
            dst: self.src,
            sport: self.dport,
            dport: self.sport,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TcpState {
    SynSent,
    SynRecv,
    Established,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtEntry {
    pub original: Tuple,
    /// What a reply looks like. DNAT shows as a different `src`, SNAT as a different `dst`.
    pub reply: Tuple,
    pub tcp_state: Option<TcpState>,
    pub seen_reply: bool,
    pub assured: bool,
    /// Seconds left, as of the moment the table is printed.
    pub timeout: u32,
}

/// Which way a packet travels relative to the entry it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Original,
    Reply,
}

impl Direction {
    /// As conntrack(8) names the two tuples: `original` and `reply`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Original => "original",
            Direction::Reply => "reply",
        }
    }
}

/// Timeouts a fresh kernel uses, and the one kube-proxy overrides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    pub tcp_established: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            tcp_established: 432_000,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conntrack {
    pub entries: Vec<CtEntry>,
    pub timeouts: Timeouts,
}

impl CtEntry {
    pub fn new(original: Tuple) -> CtEntry {
        let tcp_state = (original.proto == proto::TCP).then_some(TcpState::SynSent);
        let mut e = CtEntry {
            original,
            reply: original.inverse(),
            tcp_state,
            seen_reply: false,
            assured: false,
            timeout: 0,
        };
        e.timeout = e.default_timeout(Timeouts::default());
        e
    }

    fn default_timeout(&self, t: Timeouts) -> u32 {
        match (self.original.proto, self.tcp_state) {
            (6, Some(TcpState::SynSent)) => 120,
            (6, Some(TcpState::SynRecv)) => 60,
            (6, _) => t.tcp_established,
            (17, _) if self.assured => 120,
            _ => 30,
        }
    }

    pub fn is_dnat(&self) -> bool {
        self.reply.src != self.original.dst || self.reply.sport != self.original.dport
    }
    pub fn is_snat(&self) -> bool {
        self.reply.dst != self.original.src || self.reply.dport != self.original.sport
    }
}

impl Conntrack {
    pub fn lookup(&self, t: &Tuple) -> Option<(usize, Direction)> {
        self.entries.iter().enumerate().find_map(|(i, e)| {
            if e.original == *t {
                Some((i, Direction::Original))
            } else if e.reply == *t {
                Some((i, Direction::Reply))
            } else {
                None
            }
        })
    }

    /// A packet of entry `i` passed in `dir`: advance the TCP state as the kernel does.
    pub fn update(&mut self, i: usize, dir: Direction, syn: bool, ack: bool) {
        let timeouts = self.timeouts;
        let Some(e) = self.entries.get_mut(i) else {
            return;
        };
        match dir {
            Direction::Reply => {
                e.seen_reply = true;
                if e.tcp_state == Some(TcpState::SynSent) && syn && ack {
                    e.tcp_state = Some(TcpState::SynRecv);
                }
            }
            Direction::Original => {
                if e.tcp_state == Some(TcpState::SynRecv) && ack && !syn {
                    e.tcp_state = Some(TcpState::Established);
                    e.assured = true;
                }
            }
        }
        e.timeout = e.default_timeout(timeouts);
    }

    pub fn lines(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.to_string()).collect()
    }
}

fn tuple_text(t: &Tuple, reply_side: bool) -> String {
    if t.proto == 1 {
        // ICMP echo: the original is a request (type 8), the reply an echo reply (type 0).
        let ty = if reply_side { 0 } else { 8 };
        format!(
            "src={} dst={} type={ty} code=0 id={}",
            t.src, t.dst, t.sport
        )
    } else {
        format!(
            "src={} dst={} sport={} dport={}",
            t.src, t.dst, t.sport, t.dport
        )
    }
}

/// `conntrack -L` (conntrack-tools 1.4.7):
/// `tcp      6 120 SYN_SENT src=… dst=… sport=… dport=… [UNREPLIED] src=… … mark=0 use=1`.
impl fmt::Display for CtEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.original.proto {
            proto::TCP => "tcp",
            proto::UDP => "udp",
            proto::ICMP => "icmp",
            _ => "unknown",
        };
        write!(f, "{name:<8} {} {} ", self.original.proto, self.timeout)?;
        if let Some(s) = self.tcp_state {
            let s = match s {
                TcpState::SynSent => "SYN_SENT",
                TcpState::SynRecv => "SYN_RECV",
                TcpState::Established => "ESTABLISHED",
            };
            write!(f, "{s} ")?;
        }
        write!(f, "{} ", tuple_text(&self.original, false))?;
        if !self.seen_reply {
            f.write_str("[UNREPLIED] ")?;
        }
        write!(f, "{} ", tuple_text(&self.reply, true))?;
        if self.assured {
            f.write_str("[ASSURED] ")?;
        }
        f.write_str("mark=0 use=1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(src: &str, dst: &str, sport: u16, dport: u16) -> Tuple {
        Tuple {
            proto: 6,
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
        }
    }

    #[test]
    fn a_dnat_entry_prints_the_backend_as_reply_source() {
        let mut e = CtEntry::new(t("10.244.0.3", "10.96.0.100", 36508, 80));
        e.reply = t("10.244.1.2", "10.244.0.3", 8080, 36508);
        assert!(e.is_dnat() && !e.is_snat());
        assert_eq!(
            e.to_string(),
            "tcp      6 120 SYN_SENT src=10.244.0.3 dst=10.96.0.100 sport=36508 dport=80 [UNREPLIED] src=10.244.1.2 dst=10.244.0.3 sport=8080 dport=36508 mark=0 use=1"
        );
    }

    #[test]
    fn the_syn_ack_moves_the_entry_to_syn_recv_and_clears_unreplied() {
        let mut ct = Conntrack::default();
        ct.entries
            .push(CtEntry::new(t("10.244.0.3", "10.244.1.2", 36508, 8080)));
        let (i, dir) = ct
            .lookup(&t("10.244.1.2", "10.244.0.3", 8080, 36508))
            .unwrap();
        assert_eq!(dir, Direction::Reply);
        ct.update(i, dir, true, true);
        assert_eq!(
            ct.lines()[0],
            "tcp      6 60 SYN_RECV src=10.244.0.3 dst=10.244.1.2 sport=36508 dport=8080 src=10.244.1.2 dst=10.244.0.3 sport=8080 dport=36508 mark=0 use=1"
        );
    }

    #[test]
    fn udp_prints_protocol_17_with_padding() {
        let e = CtEntry::new(Tuple {
            proto: 17,
            src: "192.168.1.10".parse().unwrap(),
            dst: "192.168.1.11".parse().unwrap(),
            sport: 58044,
            dport: 8472,
        });
        assert!(e.to_string().starts_with("udp      17 30 src=192.168.1.10"));
    }
}
