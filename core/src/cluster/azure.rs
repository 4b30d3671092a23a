//! The Azure VNet of an AKS kubenet cluster: the subnet's effective routes (the system
//! routes and the UDR rows the cloud provider's route controller writes, one per node's
//! pod CIDR: kubernetes-sigs/cloud-provider-azure pkg/provider/azure_routes.go) and its
//! outbound SNAT.

use super::spec::*;
use crate::fabric::{AzureRoute, AzureVnet, NextHop, RouteSource};
use ipnet::Ipv4Net;

pub(super) fn azure_vnet(spec: &ClusterSpec) -> AzureVnet {
    let mut routes = vec![
        AzureRoute {
            source: RouteSource::Default,
            name: String::new(),
            prefix: spec.underlay.cidr.trunc(),
            next_hop: NextHop::VnetLocal,
        },
        AzureRoute {
            source: RouteSource::Default,
            name: String::new(),
            prefix: Ipv4Net::default(),
            next_hop: NextHop::Internet,
        },
    ];
    if spec.network == Network::Kubenet {
        for n in &spec.nodes {
            routes.push(AzureRoute {
                source: RouteSource::User,
                name: n.name.clone(),
                prefix: n.pod_cidr,
                next_hop: NextHop::VirtualAppliance(n.ip),
            });
        }
    }
    AzureVnet {
        route_table: spec
            .underlay
            .route_table
            .clone()
            .unwrap_or_else(|| "aks-agentpool-routetable".into()),
        routes,
        outbound_ip: spec.underlay.outbound_ip,
        snat: vec![],
    }
}
