//! Values that are legitimately random (ephemeral ports, MASQUERADE's `--random-fully`
//! ports, the VXLAN source port, the fabric's SNAT port, DNS ids, ICMP ids) are mapped, not
//! ignored: the first time a model value meets a kernel value they are paired, and from then
//! on the pair must hold both ways. A port the lesson fixes (a Service port, a NodePort, a
//! listener, 53, 8472) must be equal.

use packetwalk_core::cluster::Cluster;
use packetwalk_core::vocab::consts::{DNS_PORT, FLANNEL_VXLAN_PORT};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default)]
pub struct Bijection {
    pub pairs: BTreeMap<u32, u32>,
    back: BTreeMap<u32, u32>,
    /// Where each pair was first seen.
    pub first: BTreeMap<u32, String>,
}

#[derive(Clone, Debug, Default)]
pub struct Mapper {
    pub tables: BTreeMap<&'static str, Bijection>,
    pub fixed_ports: BTreeSet<u16>,
    /// Map a VXLAN source port separately for each direction between two VTEPs (the known
    /// difference `vxlan-source-port`): the model gives both directions the same port.
    pub vxlan_per_direction: bool,
}

/// Added to a VXLAN source port that travels from the higher VTEP address to the lower, so
/// the two directions map separately.
pub const REVERSE: u32 = 1 << 16;

impl Mapper {
    /// The ports the lesson fixes: Service ports, target ports, NodePorts, listeners, 53 and
    /// the VXLAN port.
    pub fn for_cluster(c: &Cluster) -> Mapper {
        let mut fixed: BTreeSet<u16> = [DNS_PORT, FLANNEL_VXLAN_PORT].into_iter().collect();
        for s in &c.spec.services {
            for p in &s.ports {
                fixed.insert(p.port);
                fixed.insert(p.target_port);
                fixed.extend(p.node_port);
            }
        }
        for ns in &c.netns {
            fixed.extend(ns.listeners.iter().map(|l| l.port));
        }
        Mapper {
            tables: BTreeMap::new(),
            fixed_ports: fixed,
            vxlan_per_direction: false,
        }
    }

    /// The table and value a VXLAN source port is mapped under, for a packet `src` → `dst`.
    pub fn vxlan_key(&self, src: &str, dst: &str, port: u32) -> (&'static str, u32) {
        if !self.vxlan_per_direction {
            return ("port", port);
        }
        let ip = |s: &str| s.parse::<std::net::Ipv4Addr>().map(u32::from).unwrap_or(0);
        (
            "vxlan-sport",
            if ip(src) > ip(dst) {
                port + REVERSE
            } else {
                port
            },
        )
    }

    /// Where the model gave both directions of a VXLAN flow the same source port and the
    /// kernel did not: (model port, kernel port one way, kernel port the other way).
    pub fn vxlan_asymmetry(&self) -> Vec<(u32, u32, u32)> {
        let Some(t) = self.tables.get("vxlan-sport") else {
            return vec![];
        };
        t.pairs
            .iter()
            .filter(|(m, _)| **m < REVERSE)
            .filter_map(|(m, k)| t.pairs.get(&(m + REVERSE)).map(|k2| (*m, *k, k2 - REVERSE)))
            .filter(|(_, a, b)| a != b)
            .collect()
    }

    /// Check (and record) that model value `m` and kernel value `k` correspond in `table`.
    pub fn check(&mut self, table: &'static str, m: u32, k: u32, at: &str) -> Result<(), String> {
        if table == "port" && u16::try_from(m).is_ok_and(|p| self.fixed_ports.contains(&p)) {
            return if m == k {
                Ok(())
            } else {
                Err(format!(
                    "port {m} is fixed by the lesson, the kernel used {k}"
                ))
            };
        }
        let t = self.tables.entry(table).or_default();
        match (t.pairs.get(&m), t.back.get(&k)) {
            (Some(&km), _) if km == k => Ok(()),
            (Some(&km), _) => Err(format!("{table} {m} was paired with kernel {km} ({}), here the kernel has {k}", t.first.get(&m).cloned().unwrap_or_default())),
            (None, Some(&mm)) => Err(format!("kernel {table} {k} was already paired with model {mm} ({}), here the model has {m}", t.first.get(&mm).cloned().unwrap_or_default())),
            (None, None) => {
                t.pairs.insert(m, k);
                t.back.insert(k, m);
                t.first.insert(m, at.to_string());
                Ok(())
            }
        }
    }

    /// The kernel value paired with a model value, if any.
    pub fn kernel_of(&self, table: &str, m: u32) -> Option<u32> {
        if table == "port" && u16::try_from(m).is_ok_and(|p| self.fixed_ports.contains(&p)) {
            return Some(m);
        }
        self.tables
            .get(table)
            .and_then(|t| t.pairs.get(&m))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_must_hold_both_ways_and_fixed_ports_must_be_equal() {
        let mut m = Mapper {
            fixed_ports: [80].into_iter().collect(),
            ..Default::default()
        };
        assert!(m.check("port", 42361, 51000, "SYN").is_ok());
        assert!(m.check("port", 42361, 51000, "SYN-ACK").is_ok());
        assert!(m
            .check("port", 42361, 51001, "x")
            .unwrap_err()
            .contains("was paired with kernel 51000"));
        assert!(m
            .check("port", 40000, 51000, "y")
            .unwrap_err()
            .contains("already paired with model 42361"));
        assert!(m.check("port", 80, 80, "z").is_ok());
        assert!(m.check("port", 80, 8080, "z").is_err());
        assert!(
            m.check("dns-id", 42361, 7, "q").is_ok(),
            "tables are separate"
        );
    }
}
