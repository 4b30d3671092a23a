//! Checks a spec before anything is built. Each failure names the field (a path into the
//! lesson file) and the value, and says which rule it breaks.

use super::names::{dns1035_label, dns1123_label, dns1123_subdomain};
use super::spec::*;
use super::SpecError;
use crate::netfilter::Proto;
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

pub(super) fn check(spec: &ClusterSpec) -> Result<(), SpecError> {
    super::limits::within_limits(spec)?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut ips: BTreeMap<Ipv4Addr, String> = BTreeMap::new();
    let mut claim_name =
        |name: &str, field: String| match names.insert(name.to_string(), field.clone()) {
            Some(prev) => Err(SpecError::new(
                &field,
                name,
                format!("duplicate name `{name}` (also used by {prev})"),
            )),
            None => Ok(()),
        };
    let mut claim_ip = |ip: Ipv4Addr, field: String| match ips.insert(ip, field.clone()) {
        Some(prev) => Err(SpecError::new(
            &field,
            ip,
            format!("duplicate IP {ip} (also used by {prev})"),
        )),
        None => Ok(()),
    };
    if spec.underlay.kind == UnderlayKind::AzureVnet && spec.underlay.gateway.is_none() {
        return Err(SpecError::new(
            "cluster.underlay.gateway",
            "azure-vnet",
            "an azure-vnet underlay needs its gateway address",
        ));
    }
    if let Some(gw) = spec.underlay.gateway {
        if !spec.underlay.cidr.contains(&gw) {
            return Err(SpecError::new(
                "cluster.underlay.gateway",
                gw,
                format!(
                    "gateway {gw} is outside the underlay {}: a route to nowhere",
                    spec.underlay.cidr
                ),
            ));
        }
        claim_ip(gw, "cluster.underlay.gateway".into())?;
    }
    for (field, net) in [
        ("cluster.pod_cidr", spec.pod_cidr),
        ("cluster.service_cidr", spec.service_cidr),
        ("cluster.underlay.cidr", spec.underlay.cidr),
    ] {
        no_host_bits(field, net)?;
    }
    if overlap(spec.pod_cidr, spec.service_cidr) {
        return Err(SpecError::new(
            "cluster.service_cidr",
            spec.service_cidr,
            format!(
                "the service CIDR {} overlaps the pod CIDR {}: an address would be both a pod and a Service",
                spec.service_cidr, spec.pod_cidr
            ),
        ));
    }
    if let Some(gw) = spec.underlay.gateway {
        not_in_cluster_ranges(spec, "cluster.underlay.gateway", gw, "the underlay gateway")?;
    }
    if let Some(ip) = spec.underlay.outbound_ip {
        not_in_cluster_ranges(spec, "cluster.underlay.outbound_ip", ip, "the outbound IP")?;
    }
    if spec.nodes.is_empty() {
        return Err(SpecError::new(
            "cluster.nodes",
            "nodes",
            "a cluster needs at least one node",
        ));
    }
    for (n, node) in spec.nodes.iter().enumerate() {
        let f = format!("cluster.nodes[{n}]");
        dns1123_subdomain(&format!("{f}.name"), &node.name, "a node name")?;
        claim_name(&node.name, format!("{f}.name"))?;
        claim_ip(node.ip, format!("{f}.ip"))?;
        no_host_bits(&format!("{f}.pod_cidr"), node.pod_cidr)?;
        if node.ip == gateway_of(node.pod_cidr) {
            return Err(SpecError::new(
                format!("{f}.ip"),
                node.ip,
                format!(
                    "node IP {} is the address of its own bridge {} (the first address of {})",
                    node.ip,
                    spec.network.bridge_name(),
                    node.pod_cidr
                ),
            ));
        }
        not_in_cluster_ranges(spec, &format!("{f}.ip"), node.ip, "a node IP")?;
        if !spec.underlay.cidr.contains(&node.ip) {
            return Err(SpecError::new(
                format!("{f}.ip"),
                node.ip,
                format!(
                    "node IP {} is outside the underlay {}",
                    node.ip, spec.underlay.cidr
                ),
            ));
        }
        if !spec.pod_cidr.contains(&node.pod_cidr) {
            return Err(SpecError::new(
                format!("{f}.pod_cidr"),
                node.pod_cidr,
                format!(
                    "node pod CIDR {} is outside the cluster pod CIDR {}",
                    node.pod_cidr, spec.pod_cidr
                ),
            ));
        }
        if let Some((m, other)) = spec
            .nodes
            .iter()
            .enumerate()
            .find(|(m, o)| *m != n && o.pod_cidr.contains(&node.pod_cidr.network()))
        {
            return Err(SpecError::new(
                format!("{f}.pod_cidr"),
                node.pod_cidr,
                format!(
                    "pod CIDR {} overlaps node {} (cluster.nodes[{m}]) {}",
                    node.pod_cidr, other.name, other.pod_cidr
                ),
            ));
        }
        for (r, route) in node.routes.iter().enumerate() {
            if route.via == node.ip {
                return Err(SpecError::new(
                    format!("{f}.routes[{r}].via"),
                    route.via,
                    format!(
                        "gateway {} is this node's own address: a packet sent to it never leaves",
                        route.via
                    ),
                ));
            }
            if !spec.underlay.cidr.contains(&route.via) {
                return Err(SpecError::new(
                    format!("{f}.routes[{r}].via"),
                    route.via,
                    format!(
                        "gateway {} is not on any subnet of the node ({}): a route to nowhere",
                        route.via, spec.underlay.cidr
                    ),
                ));
            }
        }
        for (p, pod) in node.pods.iter().enumerate() {
            let f = format!("{f}.pods[{p}]");
            dns1123_subdomain(&format!("{f}.name"), &pod.name, "a pod name")?;
            dns1123_label(&format!("{f}.namespace"), &pod.namespace, "a namespace")?;
            claim_name(&pod.name, format!("{f}.name"))?;
            claim_ip(pod.ip, format!("{f}.ip"))?;
            if !node.pod_cidr.contains(&pod.ip) {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    pod.ip,
                    format!(
                        "pod IP {} is outside its node's pod CIDR {}",
                        pod.ip, node.pod_cidr
                    ),
                ));
            }
            if pod.ip == node.pod_cidr.network()
                || pod.ip == gateway_of(node.pod_cidr)
                || pod.ip == node.pod_cidr.broadcast()
            {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    pod.ip,
                    format!(
                        "pod IP {} is reserved in {} (network, bridge gateway or broadcast)",
                        pod.ip, node.pod_cidr
                    ),
                ));
            }
            if pod.containers.is_empty() {
                return Err(SpecError::new(
                    format!("{f}.containers"),
                    &pod.name,
                    "a pod needs at least one container",
                ));
            }
            let mut ctr_names: BTreeMap<&str, usize> = BTreeMap::new();
            for (c, ctr) in pod.containers.iter().enumerate() {
                let cf = format!("{f}.containers[{c}].name");
                dns1123_label(&cf, &ctr.name, "a container name")?;
                if let Some(prev) = ctr_names.insert(&ctr.name, c) {
                    return Err(SpecError::new(
                        cf,
                        &ctr.name,
                        format!(
                            "duplicate container name `{}` (also used by {f}.containers[{prev}])",
                            ctr.name
                        ),
                    ));
                }
                for l in &ctr.listen {
                    parse_listen(l)
                        .map_err(|m| SpecError::new(format!("{f}.containers[{c}].listen"), l, m))?;
                }
            }
        }
    }
    let mut services: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let pods = pod_index(spec);
    for (s, svc) in spec.services.iter().enumerate() {
        let f = format!("cluster.services[{s}]");
        dns1035_label(&format!("{f}.name"), &svc.name, "a Service name")?;
        dns1123_label(&format!("{f}.namespace"), &svc.namespace, "a namespace")?;
        if let Some(prev) = services.insert((&svc.name, &svc.namespace), s) {
            return Err(SpecError::new(
                format!("{f}.name"),
                &svc.name,
                format!(
                    "duplicate Service `{}` in namespace `{}` (also cluster.services[{prev}])",
                    svc.name, svc.namespace
                ),
            ));
        }
        if !spec.service_cidr.contains(&svc.cluster_ip) {
            return Err(SpecError::new(
                format!("{f}.cluster_ip"),
                svc.cluster_ip,
                format!(
                    "cluster IP {} is outside the service CIDR {}",
                    svc.cluster_ip, spec.service_cidr
                ),
            ));
        }
        claim_ip(svc.cluster_ip, format!("{f}.cluster_ip"))?;
        for (e, ep) in svc.endpoints.iter().enumerate() {
            if !pods.contains_key(ep.as_str()) {
                return Err(SpecError::new(
                    format!("{f}.endpoints[{e}]"),
                    ep,
                    format!("endpoint `{ep}` is not a pod of this cluster"),
                ));
            }
        }
        if svc.ports.is_empty() {
            return Err(SpecError::new(
                format!("{f}.ports"),
                &svc.name,
                "a service needs at least one port",
            ));
        }
    }
    if let Some(dns) = spec.dns_ip {
        if !spec.services.iter().any(|s| s.cluster_ip == dns) {
            return Err(SpecError::new(
                "cluster.dns_ip",
                dns,
                format!("dns_ip {dns} is not the cluster IP of any Service (kube-dns)"),
            ));
        }
    }
    for (h, host) in spec.hosts.iter().enumerate() {
        let f = format!("cluster.hosts[{h}]");
        dns1123_subdomain(&format!("{f}.name"), &host.name, "a host name")?;
        claim_name(&host.name, format!("{f}.name"))?;
        claim_ip(host.ip, format!("{f}.ip"))?;
        for l in &host.listen {
            parse_listen(l).map_err(|m| SpecError::new(format!("{f}.listen"), l, m))?;
        }
        match host.location {
            HostLocation::Lan if !spec.underlay.cidr.contains(&host.ip) => {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    host.ip,
                    format!(
                        "a LAN host must be inside the underlay {}",
                        spec.underlay.cidr
                    ),
                ))
            }
            HostLocation::Internet if spec.underlay.kind != UnderlayKind::AzureVnet => {
                return Err(SpecError::new(
                    format!("{f}.location"),
                    "internet",
                    "internet hosts need an azure-vnet underlay (the fabric is the way out)",
                ))
            }
            HostLocation::Lan => {
                not_in_cluster_ranges(spec, &format!("{f}.ip"), host.ip, "a LAN host's IP")?
            }
            HostLocation::Internet
                if spec.underlay.cidr.contains(&host.ip) || spec.pod_cidr.contains(&host.ip) =>
            {
                return Err(SpecError::new(
                    format!("{f}.ip"),
                    host.ip,
                    "an internet host cannot be inside the VNet or the pod CIDR",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// A network written with host bits set (`10.244.0.77/24`) is a mistake: the kernel and
/// kube-controller-manager would take `10.244.0.0/24`, not what the file says.
fn no_host_bits(field: &str, net: Ipv4Net) -> Result<(), SpecError> {
    if net.addr() != net.network() {
        return Err(SpecError::new(
            field,
            net,
            format!("{net} has host bits set: the network is {}", net.trunc()),
        ));
    }
    Ok(())
}

fn overlap(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// An address on the underlay (a node, the gateway, a LAN host) must not also be a pod or
/// a Service address: routed by the pod routes, the node's own traffic to it would go into
/// the bridge or the overlay (for flannel, the outer VXLAN packet back into `flannel.1`).
fn not_in_cluster_ranges(
    spec: &ClusterSpec,
    field: &str,
    ip: Ipv4Addr,
    what: &str,
) -> Result<(), SpecError> {
    if let Some((m, node)) = spec
        .nodes
        .iter()
        .enumerate()
        .find(|(_, n)| n.pod_cidr.contains(&ip))
    {
        return Err(SpecError::new(
            field,
            ip,
            format!(
                "{what} {ip} is inside the pod CIDR {} of node {} (cluster.nodes[{m}]): its packets would be routed to pods",
                node.pod_cidr, node.name
            ),
        ));
    }
    for (range, name) in [
        (spec.pod_cidr, "pod CIDR"),
        (spec.service_cidr, "service CIDR"),
    ] {
        if range.contains(&ip) {
            return Err(SpecError::new(
                field,
                ip,
                format!("{what} {ip} is inside the cluster's {name} {range}"),
            ));
        }
    }
    Ok(())
}

/// `tcp/80` → (Tcp, 80).
pub fn parse_listen(s: &str) -> Result<(Proto, u16), String> {
    let (proto, port) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` should look like `tcp/80` or `udp/53`"))?;
    let proto = match proto {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        _ => return Err(format!("`{proto}` is not a protocol (tcp or udp)")),
    };
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("`{port}` is not a port (1-65535)"))?;
    Ok((proto, port))
}

/// Every pod by name: a scan of every pod per endpoint stopped a big cluster's build (issue 13).
pub(super) fn pod_index(spec: &ClusterSpec) -> HashMap<&str, (&NodeSpec, &PodSpec)> {
    let pods = spec
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter().map(move |p| (n, p)));
    pods.map(|(n, p)| (p.name.as_str(), (n, p))).collect()
}

pub fn find_pod<'a>(spec: &'a ClusterSpec, name: &str) -> Option<(&'a NodeSpec, &'a PodSpec)> {
    spec.nodes
        .iter()
        .find_map(|n| n.pods.iter().find(|p| p.name == name).map(|p| (n, p)))
}
