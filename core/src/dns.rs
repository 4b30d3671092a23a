//! DNS: the pod's `/etc/resolv.conf`, the glibc stub resolver's search expansion, and
//! CoreDNS's answers. (Being filled in: see the dns module brief.)

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QType {
    A,
    #[serde(rename = "AAAA")]
    Aaaa,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Rcode {
    NoError,
    NxDomain,
    ServFail,
}

/// One answer record (CoreDNS answers cluster names with A records).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub name: String,
    pub ttl: u32,
    pub a: Ipv4Addr,
}

/// A DNS query or response as it travels in a UDP datagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsMessage {
    pub id: u16,
    pub response: bool,
    /// The question's name, fully qualified with its trailing dot.
    pub qname: String,
    pub qtype: QType,
    pub rcode: Rcode,
    pub answers: Vec<DnsRecord>,
}

/// tcpdump's summary: `4660+ A? web.default.svc.cluster.local. ` / `4660 1/0/0 A 10.96.0.20`.
impl fmt::Display for DnsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = match self.qtype {
            QType::A => "A",
            QType::Aaaa => "AAAA",
        };
        if !self.response {
            return write!(f, "{}+ {q}? {}", self.id, self.qname);
        }
        match self.rcode {
            Rcode::NxDomain => write!(f, "{} NXDomain* 0/1/0", self.id),
            Rcode::ServFail => write!(f, "{} ServFail 0/0/0", self.id),
            Rcode::NoError if self.answers.is_empty() => write!(f, "{}* 0/1/0", self.id),
            Rcode::NoError => {
                write!(f, "{}* {}/0/0", self.id, self.answers.len())?;
                for a in &self.answers {
                    write!(f, " A {}", a.a)?;
                }
                Ok(())
            }
        }
    }
}
