//! A built cluster → the [`Topology`] the drawing lays out: nodes with their devices, pods
//! with their containers and both ends of their veth pair, the underlay, outside hosts.

use crate::model::{Device, HostView, NodeView, PodView, Topology, Underlay};
use packetwalk_core::cluster::{Cluster, HostLocation, Network, UnderlayKind};
use packetwalk_core::fabric::{NextHop, RouteSource, SegmentKind};
use packetwalk_core::link::{Iface, IfaceKind};
use packetwalk_core::netns::Netns;
use packetwalk_core::trace::fabric_name;

pub fn topology(cluster: &Cluster) -> Topology {
    let spec = &cluster.spec;
    let nodes = spec
        .nodes
        .iter()
        .map(|node| {
            let ns = cluster.ns(&node.name);
            let find = |pick: &dyn Fn(&Iface) -> bool| {
                ns.and_then(|n| n.ifaces.iter().find(|i| pick(i)))
                    .map(device)
            };
            let pods = node
                .pods
                .iter()
                .map(|pod| pod_view(cluster, ns, pod))
                .collect();
            NodeView {
                name: node.name.clone(),
                pod_cidr: node.pod_cidr.to_string(),
                eth0: find(&|i| i.name == "eth0").unwrap_or_else(|| Device {
                    name: "eth0".into(),
                    addr: Some(node.ip.to_string()),
                }),
                bridge: find(&|i| i.bridge().is_some()),
                vxlan: find(&|i| matches!(i.kind, IfaceKind::Vxlan(_))),
                pods,
            }
        })
        .collect();
    let vnet = cluster.segments.iter().find_map(|s| match &s.kind {
        SegmentKind::AzureVnet(v) => Some((s.name.clone(), v)),
        SegmentKind::Ethernet => None,
    });
    let underlay = Underlay {
        azure: spec.underlay.kind == UnderlayKind::AzureVnet,
        fabric: vnet.as_ref().map(|(name, _)| fabric_name(name)),
        cidr: spec.underlay.cidr.to_string(),
        gateway: spec.underlay.gateway.map(|g| g.to_string()),
        route_table: vnet.as_ref().map(|(_, v)| v.route_table.clone()),
        routes: vnet
            .map(|(_, v)| {
                v.routes
                    .iter()
                    .filter(|r| r.source == RouteSource::User)
                    .map(|r| match r.next_hop {
                        NextHop::VirtualAppliance(ip) => format!("{} → {ip}", r.prefix),
                        other => format!("{} → {other}", r.prefix),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        outbound_ip: spec.underlay.outbound_ip.map(|ip| ip.to_string()),
    };
    let hosts = spec
        .hosts
        .iter()
        .map(|h| HostView {
            name: h.name.clone(),
            ip: h.ip.to_string(),
            internet: h.location == HostLocation::Internet,
            process: h.process.clone(),
            eth0: cluster
                .ns(&h.name)
                .and_then(|n| n.iface("eth0"))
                .map(device)
                .unwrap_or_else(|| Device {
                    name: "eth0".into(),
                    addr: Some(h.ip.to_string()),
                }),
        })
        .collect();
    let services = spec
        .services
        .iter()
        .map(|s| {
            let ports: Vec<String> = s
                .ports
                .iter()
                .map(|p| match p.node_port {
                    Some(np) => format!("{}:{} (NodePort {np})", s.cluster_ip, p.port),
                    None => format!("{}:{}", s.cluster_ip, p.port),
                })
                .collect();
            format!("{}/{} {}", s.namespace, s.name, ports.join(", "))
        })
        .collect();
    Topology {
        network: match spec.network {
            Network::Kubenet => "kubenet".into(),
            Network::FlannelVxlan => "flannel-vxlan".into(),
        },
        pod_cidr: spec.pod_cidr.to_string(),
        service_cidr: spec.service_cidr.to_string(),
        nodes,
        underlay,
        hosts,
        services,
    }
}

fn pod_view(
    cluster: &Cluster,
    node: Option<&Netns>,
    pod: &packetwalk_core::cluster::PodSpec,
) -> PodView {
    let ns = cluster.ns(&pod.name);
    let eth0 = ns
        .and_then(|n| n.iface("eth0"))
        .map(device)
        .unwrap_or_else(|| Device {
            name: "eth0".into(),
            addr: Some(pod.ip.to_string()),
        });
    let host_veth = node
        .and_then(|n| n.ifaces.iter().find(|i| matches!(&i.kind, IfaceKind::Veth { peer_netns, .. } if *peer_netns == pod.name)))
        .map(device)
        .unwrap_or_else(|| Device { name: "veth".into(), addr: None });
    PodView {
        name: pod.name.clone(),
        namespace: pod.namespace.clone(),
        ip: pod.ip.to_string(),
        containers: pod.containers.iter().map(|c| c.name.clone()).collect(),
        eth0,
        host_veth,
    }
}

fn device(i: &Iface) -> Device {
    Device {
        name: i.display_name(),
        addr: i.addrs.first().map(|a| a.to_string()),
    }
}
