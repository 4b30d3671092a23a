//! The underlay the nodes' NICs plug into: either a plain Ethernet segment (flannel's
//! VXLAN lessons: the nodes ARP for each other), or an Azure virtual network, whose fabric
//! answers every ARP with 12:34:56:78:9a:bc and routes by the subnet's effective routes:
//! the system routes plus the route table (UDR) AKS keeps for kubenet.

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub name: String,
    pub cidr: Ipv4Net,
    pub kind: SegmentKind,
    /// (namespace, interface) plugged in, in the order they were attached.
    pub ports: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// A switch: frames go to the port that owns the destination MAC, broadcasts to all.
    Ethernet,
    /// Azure's VNet: an L3 fabric. No TTL decrement (Azure's SDN is invisible to traceroute).
    AzureVnet(AzureVnet),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureVnet {
    pub route_table: String,
    /// The effective routes: system routes and the UDR rows, as `az network nic
    /// show-effective-route-table` lists them.
    pub routes: Vec<AzureRoute>,
    /// The public IP outbound traffic leaves with (the load balancer's outbound rule).
    pub outbound_ip: Option<Ipv4Addr>,
    /// Outbound SNAT translations made so far: (private ip, port) ↔ public port.
    pub snat: Vec<FabricSnat>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FabricSnat {
    pub private: (Ipv4Addr, u16),
    pub public_port: u16,
    pub remote: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureRoute {
    /// `Default` for system routes, `User` for the route table's rows.
    pub source: RouteSource,
    /// The route's name in the route table (the node name, for kubenet's routes).
    pub name: String,
    pub prefix: Ipv4Net,
    pub next_hop: NextHop,
}

impl AzureRoute {
    /// Where this route sends a packet for `dst`, in words (the fabric hop's explanation).
    pub fn next_hop_text(&self, dst: Ipv4Addr) -> String {
        match self.next_hop {
            NextHop::VnetLocal => format!("VnetLocal: {dst} is a VM in the VNet"),
            NextHop::VirtualAppliance(n) => format!(
                "VirtualAppliance {n}: the route table (UDR) row `{}` sends {} to node {n}",
                self.name, self.prefix
            ),
            NextHop::Internet => "Internet: out through Azure's edge".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteSource {
    Default,
    User,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextHop {
    VnetLocal,
    VirtualAppliance(Ipv4Addr),
    Internet,
}

impl fmt::Display for NextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextHop::VnetLocal => f.write_str("VnetLocal"),
            NextHop::VirtualAppliance(_) => f.write_str("VirtualAppliance"),
            NextHop::Internet => f.write_str("Internet"),
        }
    }
}

impl AzureVnet {
    /// Longest prefix across system and user routes; a user route wins a tie.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<usize> {
        self.routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.prefix.contains(&dst))
            .max_by_key(|(_, r)| (r.prefix.prefix_len(), r.source == RouteSource::User))
            .map(|(i, _)| i)
    }

    /// `az network route-table route list -o table` for the UDR rows.
    pub fn route_table_text(&self, resource_group: &str) -> String {
        let rows: Vec<&AzureRoute> = self
            .routes
            .iter()
            .filter(|r| r.source == RouteSource::User)
            .collect();
        let name_w = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
        let mut out = format!(
            "{:<16} {:<17} {:<name_w$}  {:<19} {:<17} {:<20} {}\n",
            "AddressPrefix",
            "HasBgpOverride",
            "Name",
            "NextHopIpAddress",
            "NextHopType",
            "ProvisioningState",
            "ResourceGroup"
        );
        out += &format!(
            "{} {} {}  {} {} {} {}\n",
            "-".repeat(16),
            "-".repeat(17),
            "-".repeat(name_w),
            "-".repeat(19),
            "-".repeat(17),
            "-".repeat(20),
            "-".repeat(resource_group.len().max(13))
        );
        for r in rows {
            let ip = match r.next_hop {
                NextHop::VirtualAppliance(ip) => ip.to_string(),
                _ => String::new(),
            };
            out += &format!(
                "{:<16} {:<17} {:<name_w$}  {:<19} {:<17} {:<20} {}\n",
                r.prefix.to_string(),
                "False",
                r.name,
                ip,
                r.next_hop.to_string(),
                "Succeeded",
                resource_group
            );
        }
        out
    }

    /// One row as the effective route table lists it, for the decision card.
    pub fn row_text(r: &AzureRoute) -> String {
        let src = match r.source {
            RouteSource::Default => "Default",
            RouteSource::User => "User",
        };
        let ip = match r.next_hop {
            NextHop::VirtualAppliance(ip) => ip.to_string(),
            _ => String::new(),
        };
        format!(
            "{src:<8} {:<16} {:<17} {ip}",
            r.prefix.to_string(),
            r.next_hop.to_string()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnet() -> AzureVnet {
        let r = |source, name: &str, p: &str, next_hop| AzureRoute {
            source,
            name: name.into(),
            prefix: p.parse().unwrap(),
            next_hop,
        };
        AzureVnet {
            route_table: "aks-agentpool-routetable".into(),
            routes: vec![
                r(
                    RouteSource::Default,
                    "",
                    "10.240.0.0/16",
                    NextHop::VnetLocal,
                ),
                r(RouteSource::Default, "", "0.0.0.0/0", NextHop::Internet),
                r(
                    RouteSource::User,
                    "aks-nodepool1-0",
                    "10.244.0.0/24",
                    NextHop::VirtualAppliance("10.240.0.4".parse().unwrap()),
                ),
                r(
                    RouteSource::User,
                    "aks-nodepool1-1",
                    "10.244.1.0/24",
                    NextHop::VirtualAppliance("10.240.0.5".parse().unwrap()),
                ),
            ],
            outbound_ip: None,
            snat: vec![],
        }
    }

    #[test]
    fn a_pod_prefix_goes_to_its_node_as_virtual_appliance() {
        let v = vnet();
        let i = v.lookup("10.244.1.7".parse().unwrap()).unwrap();
        assert_eq!(
            v.routes[i].next_hop,
            NextHop::VirtualAppliance("10.240.0.5".parse().unwrap())
        );
        let i = v.lookup("10.240.0.5".parse().unwrap()).unwrap();
        assert_eq!(v.routes[i].next_hop, NextHop::VnetLocal);
        let i = v.lookup("93.184.215.14".parse().unwrap()).unwrap();
        assert_eq!(v.routes[i].next_hop, NextHop::Internet);
    }

    #[test]
    fn the_route_table_lists_only_user_routes() {
        let t = vnet().route_table_text("MC_rg_aks_eastus");
        assert_eq!(t.lines().count(), 4);
        assert!(t
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("10.244.0.0/24    False"));
    }
}
