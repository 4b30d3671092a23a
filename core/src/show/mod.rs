//! The Linux renderers: every table printed as the real tool prints it, byte for byte
//! (iproute2 6.1, iptables 1.8.9 nf_tables, conntrack-tools 1.4.7, bridge-utils 1.7).

pub mod bridge;
pub mod conntrack;
pub mod ip;
pub mod iptables;
#[cfg(test)]
mod lab;

use crate::netns::Netns;
use serde::{Deserialize, Serialize};

/// The tables a learner can print, by the command that prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Table {
    IpAddr,
    IpLink,
    IpRoute,
    RouteN,
    IpNeigh,
    BridgeFdb,
    BrctlShow,
    IptablesSaveNat,
    ConntrackL,
    ResolvConf,
}

impl Table {
    pub const ALL: [Table; 10] = [
        Table::IpAddr,
        Table::IpLink,
        Table::IpRoute,
        Table::RouteN,
        Table::IpNeigh,
        Table::BridgeFdb,
        Table::BrctlShow,
        Table::IptablesSaveNat,
        Table::ConntrackL,
        Table::ResolvConf,
    ];

    /// The short name used on the command line (`packetwalk show … route`).
    pub fn name(&self) -> &'static str {
        match self {
            Table::IpAddr => "addr",
            Table::IpLink => "link",
            Table::IpRoute => "route",
            Table::RouteN => "route-n",
            Table::IpNeigh => "neigh",
            Table::BridgeFdb => "fdb",
            Table::BrctlShow => "brctl",
            Table::IptablesSaveNat => "nat",
            Table::ConntrackL => "conntrack",
            Table::ResolvConf => "resolv.conf",
        }
    }

    /// The command a learner would type.
    pub fn command(&self) -> &'static str {
        match self {
            Table::IpAddr => "ip addr",
            Table::IpLink => "ip link",
            Table::IpRoute => "ip route",
            Table::RouteN => "route -n",
            Table::IpNeigh => "ip neigh",
            Table::BridgeFdb => "bridge fdb show",
            Table::BrctlShow => "brctl show",
            Table::IptablesSaveNat => "iptables-save -t nat",
            Table::ConntrackL => "conntrack -L",
            Table::ResolvConf => "cat /etc/resolv.conf",
        }
    }

    pub fn from_name(s: &str) -> Option<Table> {
        Table::ALL
            .into_iter()
            .find(|t| t.name() == s || t.command() == s)
    }

    /// Does this table mean anything in this namespace (a bridge, a nat table, a resolv.conf)?
    pub fn applies_to(&self, ns: &Netns) -> bool {
        match self {
            Table::BridgeFdb | Table::BrctlShow => ns.ifaces.iter().any(|i| {
                i.bridge().is_some() || matches!(i.kind, crate::link::IfaceKind::Vxlan(_))
            }),
            Table::IptablesSaveNat | Table::ConntrackL => !ns.nat.is_empty(),
            Table::ResolvConf => ns.resolv_conf.is_some(),
            _ => true,
        }
    }
}

/// Render one table of one namespace.
pub fn render(ns: &Netns, table: Table) -> String {
    match table {
        Table::IpAddr => ip::ip_addr(ns),
        Table::IpLink => ip::ip_link(ns),
        Table::IpRoute => ip::ip_route(ns),
        Table::RouteN => ip::route_n(ns),
        Table::IpNeigh => ip::ip_neigh(ns),
        Table::BridgeFdb => bridge::bridge_fdb_show(ns),
        Table::BrctlShow => bridge::brctl_show(ns),
        Table::IptablesSaveNat => iptables::iptables_save_nat(&ns.nat),
        Table::ConntrackL => conntrack::conntrack_l(ns),
        Table::ResolvConf => ns
            .resolv_conf
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
    }
}
