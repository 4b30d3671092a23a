//! Interfaces: loopback, veth pairs, the Linux bridge with its forwarding database, the
//! VXLAN device, and the node's NIC on the underlay.

use crate::addr::Mac;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Iface {
    /// Per namespace, in creation order (`lo` is always 1).
    pub ifindex: u32,
    pub name: String,
    pub kind: IfaceKind,
    pub mac: Mac,
    pub mtu: u32,
    /// Addresses with their prefix, e.g. `10.244.0.1/24`.
    pub addrs: Vec<Ipv4Net>,
    /// The bridge this interface is a port of.
    pub master: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IfaceKind {
    Loopback,
    /// One end of a veth pair; the other end is `peer_ifindex` in namespace `peer_netns`.
    Veth {
        peer_netns: String,
        peer_ifindex: u32,
        peer_name: String,
        hairpin: bool,
    },
    Bridge(Bridge),
    Vxlan(VxlanDev),
    /// The node's NIC, plugged into an underlay segment (see `fabric`).
    Nic {
        segment: String,
    },
}

/// A Linux bridge: its ports and its forwarding database.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bridge {
    pub fdb: Vec<FdbEntry>,
    /// Promiscuous (`ip link set cbr0 promisc on`, as kubenet does): the bridge device takes
    /// a copy of every frame it forwards (`local_rcv` in br_handle_frame_finish,
    /// net/bridge/br_input.c), which IP then discards as not its own.
    #[serde(default)]
    pub promisc: bool,
}

/// One FDB row: where a MAC was seen. `local` rows are the ports' own MACs (`permanent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FdbEntry {
    pub mac: Mac,
    pub port: String,
    pub local: bool,
}

/// flannel's VXLAN device: VNI, the local VTEP address, and its FDB of remote VTEPs
/// (`<mac> dev flannel.1 dst <node IP> self permanent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VxlanDev {
    pub vni: u32,
    pub local: Ipv4Addr,
    pub dev: String,
    pub dstport: u16,
    pub fdb: Vec<VxlanFdb>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VxlanFdb {
    pub mac: Mac,
    pub dst: Ipv4Addr,
}

impl Iface {
    /// The name as `ip link` shows it: `eth0@if4` for a veth end.
    pub fn display_name(&self) -> String {
        match &self.kind {
            IfaceKind::Veth { peer_ifindex, .. } => format!("{}@if{peer_ifindex}", self.name),
            _ => self.name.clone(),
        }
    }
    pub fn bridge(&self) -> Option<&Bridge> {
        match &self.kind {
            IfaceKind::Bridge(b) => Some(b),
            _ => None,
        }
    }
    pub fn bridge_mut(&mut self) -> Option<&mut Bridge> {
        match &mut self.kind {
            IfaceKind::Bridge(b) => Some(b),
            _ => None,
        }
    }
    /// A bridge port in hairpin mode: frames may leave by the port they came in on.
    pub fn hairpin(&self) -> bool {
        matches!(self.kind, IfaceKind::Veth { hairpin: true, .. })
    }
    pub fn is_loopback(&self) -> bool {
        matches!(self.kind, IfaceKind::Loopback)
    }
    /// The first address, used as the source of packets leaving this interface.
    pub fn primary_addr(&self) -> Option<Ipv4Addr> {
        self.addrs.first().map(|n| n.addr())
    }
}

impl Bridge {
    /// Where a destination MAC lives, if the bridge has learned it.
    pub fn port_of(&self, mac: Mac) -> Option<&FdbEntry> {
        self.fdb.iter().find(|e| e.mac == mac)
    }

    /// Source-MAC learning. Returns the entry when it is new or moved to another port.
    pub fn learn(&mut self, mac: Mac, port: &str) -> Option<FdbEntry> {
        if let Some(e) = self.fdb.iter_mut().find(|e| e.mac == mac) {
            if e.local || e.port == port {
                return None;
            }
            e.port = port.to_string();
            return Some(e.clone());
        }
        let e = FdbEntry {
            mac,
            port: port.to_string(),
            local: false,
        };
        self.fdb.push(e.clone());
        Some(e)
    }
}

impl FdbEntry {
    /// `bridge fdb show` form: learned rows end with a space, own MACs are `permanent`.
    pub fn line(&self, bridge: &str) -> String {
        if self.local {
            format!("{} dev {} master {bridge} permanent", self.mac, self.port)
        } else {
            format!("{} dev {} master {bridge} ", self.mac, self.port)
        }
    }
}

impl VxlanFdb {
    pub fn line(&self, dev: &str) -> String {
        format!("{} dev {dev} dst {} self permanent", self.mac, self.dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_records_new_macs_once() {
        let mut b = Bridge::default();
        let m: Mac = "b2:26:04:c6:c6:4b".parse().unwrap();
        assert!(b.learn(m, "veth3f9a1c2e").is_some());
        assert!(b.learn(m, "veth3f9a1c2e").is_none());
        assert_eq!(
            b.port_of(m).unwrap().line("cni0"),
            "b2:26:04:c6:c6:4b dev veth3f9a1c2e master cni0 "
        );
    }

    #[test]
    fn vxlan_fdb_line_matches_bridge_fdb_show() {
        let e = VxlanFdb {
            mac: "3a:55:50:ec:6b:24".parse().unwrap(),
            dst: "192.168.1.11".parse().unwrap(),
        };
        assert_eq!(
            e.line("flannel.1"),
            "3a:55:50:ec:6b:24 dev flannel.1 dst 192.168.1.11 self permanent"
        );
    }
}
