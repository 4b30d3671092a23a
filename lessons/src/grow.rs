//! The editor's "Add a node", "Add a pod" and "Add a Service": the lesson file with one
//! more of them written in, as a person would write it (the learner's own text, comments
//! and order kept; the new table placed after its siblings). The names and addresses are
//! the next free ones of the cluster: a node's IP on the underlay, its pod CIDR the next
//! free range of the cluster's, a pod's IP in its node's range after the bridge's, a
//! ClusterIP in the Service range. The result is parsed and checked again before it is
//! returned, so an addition never leaves a file the engine refuses.

use crate::spans::Spans;
use crate::{parse, Lesson};
use ipnet::Ipv4Net;
use packetwalk_core::cluster::ClusterSpec;
use std::net::Ipv4Addr;

/// What to add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grow {
    Node,
    /// A pod, on the node with the fewest pods (the last of them on a tie).
    Pod,
    /// A Service in front of the pods that listen on the same TCP port as the last such pod.
    Service,
}

impl Grow {
    /// From the page's request (`node`, `pod`, `service`).
    pub fn parse(what: &str) -> Option<Grow> {
        Some(match what {
            "node" => Grow::Node,
            "pod" => Grow::Pod,
            "service" => Grow::Service,
            _ => return None,
        })
    }
}

/// `text` (a lesson file named `id`) with one more node, pod or Service, or why not.
pub fn grow(id: &str, text: &str, what: Grow) -> Result<String, String> {
    let lesson = parse(id, id, text).map_err(|e| format!("fix the file first: {e}"))?;
    let spans = Spans::parse(text).map_err(|e| e.message().to_string())?;
    let c = &lesson.cluster;
    let (after, block) = match what {
        Grow::Node => (last_of(c.nodes.len(), "cluster.nodes"), node(c)?),
        Grow::Pod => {
            let i = (0..c.nodes.len())
                .rev()
                .min_by_key(|i| c.nodes[*i].pods.len())
                .ok_or("the cluster has no node to put a pod on")?;
            (format!("cluster.nodes[{i}]"), pod(c, i)?)
        }
        Grow::Service => {
            let after = match c.services.len() {
                0 => last_of(c.nodes.len(), "cluster.nodes"),
                n => format!("cluster.services[{}]", n - 1),
            };
            (after, service(&lesson)?)
        }
    };
    let end = spans
        .end_of(&after)
        .ok_or_else(|| format!("`{after}` is not written in the file"))?;
    // After the whole line the table ends on.
    let at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let (head, tail) = text.split_at(at);
    let newline = if head.ends_with('\n') || head.is_empty() {
        ""
    } else {
        "\n"
    };
    let grown = format!("{head}{newline}\n{block}{tail}");
    parse(id, id, &grown).map_err(|e| format!("the addition does not check: {e}"))?;
    Ok(grown)
}

fn last_of(n: usize, path: &str) -> String {
    format!("{path}[{}]", n.saturating_sub(1))
}

/// The next name after `last` (its trailing number plus one, as wide), not in `taken`.
fn next_name(last: &str, taken: &[&str]) -> String {
    let stem = last.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &last[stem.len()..];
    let (stem, mut n, width) = match digits.parse::<u64>() {
        Ok(n) => (stem.to_string(), n, digits.len()),
        Err(_) => (format!("{last}-"), 1, 1),
    };
    loop {
        n += 1;
        let name = format!("{stem}{n:0width$}");
        if !taken.contains(&name.as_str()) {
            return name;
        }
    }
}

/// The first address of `net` from `from` on that `used` does not hold (and not the
/// broadcast address).
fn free_ip(net: Ipv4Net, from: u32, used: &[Ipv4Addr]) -> Option<Ipv4Addr> {
    let base = u32::from(net.network());
    let last = u32::from(net.broadcast());
    (base.checked_add(from)?..last)
        .map(Ipv4Addr::from)
        .find(|a| !used.contains(a))
}

fn node(c: &ClusterSpec) -> Result<String, String> {
    let last = c.nodes.last().ok_or("the cluster has no node to copy")?;
    let names: Vec<&str> = c.nodes.iter().map(|n| n.name.as_str()).collect();
    let name = next_name(&last.name, &names);
    let mut used: Vec<Ipv4Addr> = c.nodes.iter().map(|n| n.ip).collect();
    used.extend(c.hosts.iter().map(|h| h.ip));
    used.extend(c.underlay.gateway);
    used.extend(c.underlay.outbound_ip);
    let after = u32::from(last.ip) - u32::from(c.underlay.cidr.network()) + 1;
    let ip = free_ip(c.underlay.cidr, after, &used)
        .or_else(|| free_ip(c.underlay.cidr, 1, &used))
        .ok_or_else(|| format!("the underlay {} has no free address", c.underlay.cidr))?;
    let cidr = c
        .pod_cidr
        .subnets(last.pod_cidr.prefix_len())
        .map_err(|e| e.to_string())?
        .find(|s| {
            !c.nodes
                .iter()
                .any(|n| n.pod_cidr.contains(s) || s.contains(&n.pod_cidr))
        })
        .ok_or_else(|| {
            format!(
                "the pod range {} has no free /{}",
                c.pod_cidr,
                last.pod_cidr.prefix_len()
            )
        })?;
    Ok(format!(
        "[[cluster.nodes]]\nname = \"{name}\"\nip = \"{ip}\"\npod_cidr = \"{cidr}\"\n"
    ))
}

fn pod(c: &ClusterSpec, i: usize) -> Result<String, String> {
    let node = &c.nodes[i];
    let pods = || c.nodes.iter().flat_map(|n| &n.pods);
    let names: Vec<&str> = pods().map(|p| p.name.as_str()).collect();
    let name = next_name(names.last().copied().unwrap_or("pod-0"), &names);
    let used: Vec<Ipv4Addr> = pods().map(|p| p.ip).collect();
    // .1 is the bridge's (cbr0 or cni0, the pods' gateway).
    let ip = free_ip(node.pod_cidr, 2, &used)
        .ok_or_else(|| format!("{}'s pod range {} is full", node.name, node.pod_cidr))?;
    Ok(format!(
        "[[cluster.nodes.pods]]\nname = \"{name}\"\nip = \"{ip}\"\ncontainers = [{{ name = \"app\", image = \"nginx\", listen = [\"tcp/80\"] }}]\n"
    ))
}

fn service(lesson: &Lesson) -> Result<String, String> {
    let c = &lesson.cluster;
    let tcp = |p: &packetwalk_core::cluster::PodSpec| {
        p.containers
            .iter()
            .flat_map(|k| &k.listen)
            .find_map(|l| l.strip_prefix("tcp/")?.parse::<u16>().ok())
    };
    let pods: Vec<_> = c.nodes.iter().flat_map(|n| &n.pods).collect();
    let port = pods
        .iter()
        .rev()
        .find_map(|p| tcp(p))
        .ok_or("no pod listens on a TCP port: add a pod first")?;
    let endpoints: Vec<String> = pods
        .iter()
        .filter(|p| tcp(p) == Some(port))
        .map(|p| format!("\"{}\"", p.name))
        .collect();
    let names: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
    let name = next_name(names.last().copied().unwrap_or("svc-0"), &names);
    let mut used: Vec<Ipv4Addr> = c.services.iter().map(|s| s.cluster_ip).collect();
    used.extend(c.dns_ip);
    let after = c
        .services
        .iter()
        .map(|s| u32::from(s.cluster_ip) - u32::from(c.service_cidr.network()) + 1)
        .max()
        .unwrap_or(20);
    let ip = free_ip(c.service_cidr, after, &used)
        .or_else(|| free_ip(c.service_cidr, 20, &used))
        .ok_or_else(|| format!("the Service range {} is full", c.service_cidr))?;
    Ok(format!(
        "[[cluster.services]]\nname = \"{name}\"\ncluster_ip = \"{ip}\"\nports = [{{ port = 80, target_port = {port} }}]\nendpoints = [{}]\n",
        endpoints.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grown(id: &str, what: Grow) -> (Lesson, String) {
        let text = grow(id, crate::text(id).unwrap(), what).unwrap();
        (parse(id, id, &text).unwrap(), text)
    }

    #[test]
    fn a_node_gets_the_next_name_address_and_pod_range() {
        let (l, text) = grown("clusterip", Grow::Node);
        let n = l.cluster.nodes.last().unwrap();
        assert_eq!(
            (n.name.as_str(), n.ip.to_string(), n.pod_cidr.to_string()),
            (
                "worker-node-3",
                "192.168.1.12".into(),
                "10.244.2.0/24".into()
            )
        );
        // Written after worker-node-2, before the Services; the rest kept as it was.
        let at = text.find("name = \"worker-node-3\"").unwrap();
        assert!(text.find("name = \"worker-node-2\"").unwrap() < at);
        assert!(at < text.find("[[cluster.services]]").unwrap());
        assert!(text.contains(
            crate::text("clusterip")
                .unwrap()
                .split("[[cluster.services]]")
                .nth(1)
                .unwrap()
        ));
        let (l, _) = grown("cross-node-kubenet", Grow::Node);
        let n = l.cluster.nodes.last().unwrap();
        assert_eq!(n.name, "aks-nodepool1-27511634-vmss000002");
        assert_eq!(n.ip.to_string(), "10.240.0.6");
    }

    #[test]
    fn a_pod_goes_to_the_emptiest_node_and_a_service_fronts_the_pods_of_one_port() {
        let (l, _) = grown("clusterip", Grow::Pod);
        let n = &l.cluster.nodes[1];
        assert_eq!(n.name, "worker-node-2");
        assert_eq!(n.pods.len(), 1);
        assert_eq!(
            (n.pods[0].name.as_str(), n.pods[0].ip.to_string()),
            ("backend-4", "10.244.1.2".into())
        );
        let (l, _) = grown("clusterip", Grow::Service);
        let s = l.cluster.services.last().unwrap();
        assert_eq!(s.name, "backend-svc-2");
        assert_eq!(s.cluster_ip.to_string(), "10.96.0.21");
        assert_eq!(s.endpoints, ["backend-1", "backend-2", "backend-3"]);
        assert_eq!(s.ports[0].target_port, 8080);
    }

    #[test]
    fn every_lesson_grows_each_way_and_still_checks() {
        for id in crate::ids() {
            for what in [Grow::Node, Grow::Pod, Grow::Service] {
                let text = crate::text(id).unwrap();
                match grow(id, text, what) {
                    Ok(t) => assert!(t.len() > text.len() && parse(id, id, &t).is_ok()),
                    Err(e) => assert!(e.contains("add a pod first"), "{id} {what:?}: {e}"),
                }
            }
        }
    }

    #[test]
    fn a_broken_file_is_refused_with_its_error() {
        let e = grow("x", "title = 1", Grow::Node).unwrap_err();
        assert!(e.starts_with("fix the file first: x:1"), "{e}");
        assert_eq!(Grow::parse("router"), None);
    }
}
