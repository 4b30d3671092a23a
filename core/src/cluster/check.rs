//! Checks a spec before anything is built. Each failure names the field (a path into the
//! lesson file) and the value, and says which rule it breaks.

use super::spec::*;
use super::SpecError;
use crate::netfilter::Proto;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

pub(super) fn check(spec: &ClusterSpec) -> Result<(), SpecError> {
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
    if spec.nodes.is_empty() {
        return Err(SpecError::new(
            "cluster.nodes",
            "nodes",
            "a cluster needs at least one node",
        ));
    }
    for (n, node) in spec.nodes.iter().enumerate() {
        let f = format!("cluster.nodes[{n}]");
        claim_name(&node.name, format!("{f}.name"))?;
        claim_ip(node.ip, format!("{f}.ip"))?;
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
            for (c, ctr) in pod.containers.iter().enumerate() {
                for l in &ctr.listen {
                    parse_listen(l)
                        .map_err(|m| SpecError::new(format!("{f}.containers[{c}].listen"), l, m))?;
                }
            }
        }
    }
    for (s, svc) in spec.services.iter().enumerate() {
        let f = format!("cluster.services[{s}]");
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
            if find_pod(spec, ep).is_none() {
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
    for (h, host) in spec.hosts.iter().enumerate() {
        let f = format!("cluster.hosts[{h}]");
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

pub fn find_pod<'a>(spec: &'a ClusterSpec, name: &str) -> Option<(&'a NodeSpec, &'a PodSpec)> {
    spec.nodes
        .iter()
        .find_map(|n| n.pods.iter().find(|p| p.name == name).map(|p| (n, p)))
}
