//! The Linux renderers: every table printed as the real tool prints it, byte for byte
//! (iproute2 6.1, iptables 1.8.9 nf_tables, conntrack-tools 1.4.7, bridge-utils 1.7).

pub mod at;
pub mod bridge;
pub mod conntrack;
#[cfg(test)]
mod fixtures;
pub mod ip;
pub mod ip_details;
pub mod iptables;
pub mod iptables_list;

use crate::netns::Netns;

pub use crate::vocab::Table;

/// Does this table mean anything in this namespace (a bridge, a nat table, a resolv.conf)?
/// The cloud's route table never does: it belongs to the fabric ([`at::tables`]).
pub fn applies_to(table: Table, ns: &Netns) -> bool {
    match table {
        Table::BridgeFdb | Table::BrctlShow => ns
            .ifaces
            .iter()
            .any(|i| i.bridge().is_some() || matches!(i.kind, crate::link::IfaceKind::Vxlan(_))),
        Table::IptablesSaveNat | Table::ConntrackL => !ns.nat.is_empty(),
        Table::IptablesSaveFilter => !ns.filter.is_empty(),
        Table::ResolvConf => ns.resolv_conf.is_some(),
        Table::AzureRoutes => false,
        Table::IpAddr | Table::IpLink | Table::IpRoute | Table::RouteN | Table::IpNeigh => true,
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
        Table::IptablesSaveFilter => iptables::iptables_save_filter(&ns.filter, ns.forward_policy),
        Table::ConntrackL => conntrack::conntrack_l(ns),
        Table::ResolvConf => ns
            .resolv_conf
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
        // Not a namespace's: see `applies_to`.
        Table::AzureRoutes => String::new(),
    }
}
