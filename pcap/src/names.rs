//! The Name Resolution Block's records: pods, nodes, outside hosts and Services by their
//! names, so Wireshark (View → Name Resolution → Resolve Network Addresses) shows
//! `frontend → web.default.svc.cluster.local` instead of addresses.

use packetwalk_core::cluster::Cluster;
use packetwalk_core::link::IfaceKind;
use packetwalk_core::netns::Role;
use std::net::Ipv4Addr;

/// Every IPv4 address the cluster names, in build order, each with its names.
pub fn records(c: &Cluster) -> Vec<(Ipv4Addr, Vec<String>)> {
    let mut out: Vec<(Ipv4Addr, Vec<String>)> = Vec::new();
    let mut add = |ip: Ipv4Addr, name: String| match out.iter_mut().find(|(a, _)| *a == ip) {
        Some((_, names)) if !names.contains(&name) => names.push(name),
        Some(_) => {}
        None => out.push((ip, vec![name])),
    };
    for ns in &c.netns {
        for i in &ns.ifaces {
            if i.is_loopback() {
                continue;
            }
            // A node is named by its NIC's address; its other addresses (the bridge's, the
            // VXLAN device's) by the device too: `cni0.worker-node-1`.
            let name = match (&ns.role, &i.kind) {
                (Role::Node, IfaceKind::Nic { .. }) | (Role::Pod { .. } | Role::Host, _) => {
                    ns.name.clone()
                }
                (Role::Node, _) => format!("{}.{}", i.name, ns.name),
            };
            for a in &i.addrs {
                add(a.addr(), name.clone());
            }
        }
    }
    let domain = c.spec.cluster_domain.trim_end_matches('.');
    for s in &c.spec.services {
        add(
            s.cluster_ip,
            format!("{}.{}.svc.{domain}", s.name, s.namespace),
        );
    }
    out
}
