//! Addresses: MAC addresses, and the subnet test `(dst & mask) == prefix` spelled out bit by bit.

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// An Ethernet MAC address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(into = "String", try_from = "String")]
pub struct Mac(pub [u8; 6]);

impl Mac {
    pub const BROADCAST: Mac = Mac([0xff; 6]);
    pub const ZERO: Mac = Mac([0; 6]);
    /// The MAC that Azure's virtual network answers every ARP request with.
    pub const AZURE_FABRIC: Mac = Mac([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);

    /// A deterministic, locally administered unicast MAC derived from a name
    /// (namespace + interface), so the same lesson always prints the same MACs.
    pub fn derived(seed: &str) -> Mac {
        // FNV-1a 64: small, stable across platforms and WASM.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // SplitMix64's finaliser, so similar names give unrelated MACs.
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
        let b = h.to_be_bytes();
        // Set the locally administered bit, clear the multicast bit.
        Mac([(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]])
    }

    pub fn is_broadcast(&self) -> bool {
        *self == Mac::BROADCAST
    }

    /// The modified EUI-64 link-local IPv6 address the kernel gives an interface with this MAC.
    pub fn link_local_v6(&self) -> String {
        let m = self.0;
        let groups = [
            u16::from_be_bytes([m[0] ^ 0x02, m[1]]),
            u16::from_be_bytes([m[2], 0xff]),
            u16::from_be_bytes([0xfe, m[3]]),
            u16::from_be_bytes([m[4], m[5]]),
        ];
        let addr =
            std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, groups[0], groups[1], groups[2], groups[3]);
        format!("{addr}/64")
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<Mac> for String {
    fn from(m: Mac) -> String {
        m.to_string()
    }
}

impl TryFrom<String> for Mac {
    type Error = String;
    fn try_from(s: String) -> Result<Mac, String> {
        s.parse()
    }
}

impl std::str::FromStr for Mac {
    type Err = String;
    fn from_str(s: &str) -> Result<Mac, String> {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() != 6 {
            return Err(format!(
                "`{s}` is not a MAC address (six hex pairs separated by `:`)"
            ));
        }
        let mut out = [0u8; 6];
        for (i, p) in parts.iter().enumerate() {
            out[i] =
                u8::from_str_radix(p, 16).map_err(|_| format!("`{s}` is not a MAC address"))?;
        }
        Ok(Mac(out))
    }
}

/// The subnet test a route lookup makes for one row: `dst & mask == prefix`, with every
/// operand as a dotted quad and in binary, as seed 004 walks through it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetCheck {
    pub dst: Ipv4Addr,
    pub cidr: Ipv4Net,
    pub mask: Ipv4Addr,
    pub masked: Ipv4Addr,
    pub matches: bool,
}

impl SubnetCheck {
    pub fn new(dst: Ipv4Addr, cidr: Ipv4Net) -> SubnetCheck {
        let mask = cidr.netmask();
        let masked = Ipv4Addr::from(u32::from(dst) & u32::from(mask));
        SubnetCheck {
            dst,
            cidr,
            mask,
            masked,
            matches: masked == cidr.network(),
        }
    }

    /// Four lines: the destination, the mask, their AND, and the prefix, in binary.
    pub fn binary_lines(&self) -> [String; 4] {
        let eq = if self.matches { "==" } else { "!=" };
        [
            format!("  {:<15} {}", self.dst, bits(self.dst)),
            format!(
                "& {:<15} {}  (/{})",
                self.mask,
                bits(self.mask),
                self.cidr.prefix_len()
            ),
            format!("= {:<15} {}", self.masked, bits(self.masked)),
            format!(
                "{eq} {:<14} {}",
                self.cidr.network(),
                bits(self.cidr.network())
            ),
        ]
    }
}

/// `10.244.0.5` → `00001010.11110100.00000000.00000101`.
pub fn bits(a: Ipv4Addr) -> String {
    a.octets()
        .iter()
        .map(|o| format!("{o:08b}"))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_macs_are_locally_administered_unicast_and_stable() {
        let m = Mac::derived("node1/eth0");
        assert_eq!(m.0[0] & 0x03, 0x02);
        assert_eq!(m, Mac::derived("node1/eth0"));
        assert_ne!(m, Mac::derived("node2/eth0"));
    }

    #[test]
    fn link_local_follows_modified_eui64() {
        // From the reference: b2:26:04:c6:c6:4b -> fe80::b026:4ff:fec6:c64b/64
        let m: Mac = "b2:26:04:c6:c6:4b".parse().unwrap();
        assert_eq!(m.link_local_v6(), "fe80::b026:4ff:fec6:c64b/64");
    }

    #[test]
    fn subnet_check_shows_the_and_in_binary() {
        let c = SubnetCheck::new(
            "10.244.1.10".parse().unwrap(),
            "10.244.0.0/24".parse().unwrap(),
        );
        assert!(!c.matches);
        assert_eq!(c.masked, "10.244.1.0".parse::<Ipv4Addr>().unwrap());
        let lines = c.binary_lines();
        assert!(lines[1].contains("11111111.11111111.11111111.00000000"));
        assert!(lines[3].starts_with("!="));
    }
}
