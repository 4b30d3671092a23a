//! The tables a learner can print.

use crate::Listed;

/// Every table a learner can print, by the command that prints it. The renderers live in
/// packetwalk-core's `show` (one per variant, with an exhaustive match), print exactly
/// what iproute2 6.1, iptables 1.8.9 (nf_tables), conntrack-tools 1.4.7, bridge-utils 1.7
/// and the Azure CLI print; the page shows them in this order, as tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Table {
    IpAddr,
    IpLink,
    IpRoute,
    RouteN,
    IpNeigh,
    BridgeFdb,
    BrctlShow,
    IptablesSaveNat,
    IptablesSaveFilter,
    ConntrackL,
    ResolvConf,
    /// The Azure route table (UDR) of a VNet, as `az network route-table route list`
    /// prints it: the cloud fabric's only table.
    AzureRoutes,
}

impl Listed for Table {
    fn all() -> &'static [Self] {
        &Table::ALL
    }
}

impl Table {
    /// Every variant, in declaration order.
    pub const ALL: [Table; 12] = [
        Table::IpAddr,
        Table::IpLink,
        Table::IpRoute,
        Table::RouteN,
        Table::IpNeigh,
        Table::BridgeFdb,
        Table::BrctlShow,
        Table::IptablesSaveNat,
        Table::IptablesSaveFilter,
        Table::ConntrackL,
        Table::ResolvConf,
        Table::AzureRoutes,
    ];
}

impl Table {
    /// The short name used on the command line (`packetwalk show … route`).
    pub fn name(self) -> &'static str {
        match self {
            Table::IpAddr => "addr",
            Table::IpLink => "link",
            Table::IpRoute => "route",
            Table::RouteN => "route-n",
            Table::IpNeigh => "neigh",
            Table::BridgeFdb => "fdb",
            Table::BrctlShow => "brctl",
            Table::IptablesSaveNat => "nat",
            Table::IptablesSaveFilter => "filter",
            Table::ConntrackL => "conntrack",
            Table::ResolvConf => "resolv.conf",
            Table::AzureRoutes => "azure-routes",
        }
    }

    /// The command a learner would type.
    pub fn command(self) -> &'static str {
        match self {
            Table::IpAddr => "ip addr",
            Table::IpLink => "ip link",
            Table::IpRoute => "ip route",
            Table::RouteN => "route -n",
            Table::IpNeigh => "ip neigh",
            Table::BridgeFdb => "bridge fdb show",
            Table::BrctlShow => "brctl show",
            Table::IptablesSaveNat => "iptables-save -t nat",
            Table::IptablesSaveFilter => "iptables-save -t filter",
            Table::ConntrackL => "conntrack -L",
            Table::ResolvConf => "cat /etc/resolv.conf",
            Table::AzureRoutes => "az network route-table route list -o table",
        }
    }

    /// By its short name or its command.
    pub fn from_name(s: &str) -> Option<Table> {
        Table::ALL
            .iter()
            .copied()
            .find(|t| t.name() == s || t.command() == s)
    }

    /// The tables of a network namespace (every one but the cloud's).
    pub fn of_netns() -> impl Iterator<Item = Table> {
        Table::ALL
            .iter()
            .copied()
            .filter(|t| *t != Table::AzureRoutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_commands_find_their_table() {
        for t in Table::ALL {
            assert_eq!(Table::from_name(t.name()), Some(t));
            assert_eq!(Table::from_name(t.command()), Some(t));
        }
    }
}

/// The table a hop's state change wrote a row into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Changed {
    /// The neighbour (ARP) table.
    Neigh,
    /// A bridge's forwarding database.
    Fdb,
    Conntrack,
    /// Azure's outbound SNAT (the load balancer's port allocation); no table a tool prints.
    FabricSnat,
}

impl Changed {
    pub const ALL: [Changed; 4] = [
        Changed::Neigh,
        Changed::Fdb,
        Changed::Conntrack,
        Changed::FabricSnat,
    ];

    /// As the trace's text form writes it: `+ node neigh: …`.
    pub fn name(self) -> &'static str {
        match self {
            Changed::Neigh => "neigh",
            Changed::Fdb => "fdb",
            Changed::Conntrack => "conntrack",
            Changed::FabricSnat => "fabric-snat",
        }
    }

    /// The table that prints the changed row.
    pub fn table(self) -> Option<Table> {
        match self {
            Changed::Neigh => Some(Table::IpNeigh),
            Changed::Fdb => Some(Table::BridgeFdb),
            Changed::Conntrack => Some(Table::ConntrackL),
            Changed::FabricSnat => None,
        }
    }
}

impl Listed for Changed {
    fn all() -> &'static [Self] {
        &Changed::ALL
    }
}
