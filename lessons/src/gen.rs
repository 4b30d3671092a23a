//! A lesson file for a cluster of any size (`packetwalk gen`): one pod calling a ClusterIP
//! whose endpoint runs on another node, so anyone can try a big cluster in the page or the
//! CLI, and the benchmark (tests/benches/scale.rs) measures the engine on it (issue 13).
//!
//! The numbering is plain so a reader can find things: pod `k` runs on node `k % nodes`
//! (round robin, as the scheduler's spreading roughly does), Service `s` has up to three
//! endpoints, pods `1 + (3s + e) % (pods - 1)`, and the client (pod 0, on node 0) calls the
//! last Service, the one kube-proxy's KUBE-SERVICES chain lists last (names are zero-padded so
//! the chain's sort by name is the numeric order): the first packet walks every Service's
//! rule, as the kernel does.

use std::fmt::Write;

/// The CNI a generated cluster uses (`--network`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenNetwork {
    /// AKS kubenet: the Azure VNet and its route table, one row per node.
    Kubenet,
    /// flannel's VXLAN overlay over a plain LAN.
    FlannelVxlan,
}

impl GenNetwork {
    /// `kubenet` or `flannel-vxlan`, as a lesson file writes it.
    pub fn parse(s: &str) -> Option<GenNetwork> {
        match s {
            "kubenet" => Some(GenNetwork::Kubenet),
            "flannel-vxlan" => Some(GenNetwork::FlannelVxlan),
            _ => None,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            GenNetwork::Kubenet => "kubenet",
            GenNetwork::FlannelVxlan => "flannel-vxlan",
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenSpec {
    pub nodes: usize,
    /// Pods in all, the client included.
    pub pods: usize,
    pub services: usize,
    pub network: GenNetwork,
}

/// Pod addresses per node: a /24 less its network, bridge gateway and broadcast addresses.
pub const PODS_PER_NODE: usize = 253;
/// Nodes the pod CIDR 10.0.0.0/10 holds, one /24 each.
pub const MAX_GEN_NODES: usize = 1 << 14;
/// Services the service CIDR 10.96.0.0/12 holds from 10.96.0.10 on.
pub const MAX_GEN_SERVICES: usize = (1 << 20) - 11;

impl GenSpec {
    /// Why these numbers make no such cluster, if they do not.
    pub fn check(&self) -> Result<(), String> {
        if self.nodes < 2 {
            return Err(format!(
                "--nodes {}: the generated lesson needs at least 2 nodes (the endpoint runs on another node than the client)",
                self.nodes
            ));
        }
        if self.nodes > MAX_GEN_NODES {
            return Err(format!(
                "--nodes {}: at most {MAX_GEN_NODES} (one /24 each of the pod CIDR 10.0.0.0/10)",
                self.nodes
            ));
        }
        if self.pods < 2 {
            return Err(format!(
                "--pods {}: at least 2 (the client and one endpoint)",
                self.pods
            ));
        }
        if self.pods.div_ceil(self.nodes) > PODS_PER_NODE {
            return Err(format!(
                "--pods {} on {} nodes: at most {PODS_PER_NODE} pods a node (a /24 each)",
                self.pods, self.nodes
            ));
        }
        if self.services < 1 || self.services > MAX_GEN_SERVICES {
            return Err(format!(
                "--services {}: between 1 and {MAX_GEN_SERVICES} (the service CIDR 10.96.0.0/12)",
                self.services
            ));
        }
        Ok(())
    }
}

fn node_name(n: usize, width: usize) -> String {
    format!("node-{n:0width$}")
}

fn pod_name(k: usize, width: usize) -> String {
    if k == 0 {
        "client".into()
    } else {
        format!("app-{k:0width$}")
    }
}

fn pod_ip(k: usize, nodes: usize) -> String {
    let (n, j) = (k % nodes, k / nodes);
    format!("10.{}.{}.{}", n / 256, n % 256, 2 + j)
}

fn service_ip(s: usize) -> String {
    let a = 10 + s;
    format!("10.{}.{}.{}", 96 + (a >> 16), (a >> 8) & 255, a & 255)
}

fn node_ip(n: usize, network: GenNetwork) -> String {
    let (base, first) = match network {
        GenNetwork::Kubenet => ([10, 240], 4),
        GenNetwork::FlannelVxlan => ([192, 168], 10),
    };
    let a = first + n;
    format!("{}.{}.{}.{}", base[0], base[1], a >> 8, a & 255)
}

/// The endpoints (pod numbers) of Service `s`.
fn endpoints(s: usize, pods: usize) -> impl Iterator<Item = usize> {
    let apps = pods - 1;
    (0..apps.min(3)).map(move |e| 1 + (3 * s + e) % apps)
}

fn digits(n: usize) -> usize {
    n.saturating_sub(1).to_string().len()
}

/// The lesson file's text, or why these numbers make no such cluster.
pub fn generate(g: &GenSpec) -> Result<String, String> {
    g.check()?;
    let (nw, pw, sw) = (digits(g.nodes), digits(g.pods), digits(g.services));
    let target = g.services - 1;
    let pinned = endpoints(target, g.pods)
        .find(|k| k % g.nodes != 0)
        .ok_or("no endpoint of the last Service runs off the client's node")?;
    let mut t = String::with_capacity(200 * g.pods + 150 * g.services + 150 * g.nodes);
    let svc = |s: usize| format!("svc-{s:0sw$}");
    // `write!` to a String cannot fail.
    let _ = write!(
        t,
        "title = \"A generated cluster: {n} nodes, {p} pods, {s} Services\"\n\
         summary = \"Generated by packetwalk gen: the client pod calls the ClusterIP of {last}, whose endpoint runs on another node.\"\n\
         follows = []\n\
         intro = \"\"\"\n\
         Generated with `packetwalk gen --nodes {n} --pods {p} --services {s} --network {net}`. The\n\
         client calls {last}, the last Service in KUBE-SERVICES, so its first packet walks every\n\
         Service's rule before the one that matches, as the kernel does.\n\
         \"\"\"\n\n[cluster]\nnetwork = \"{net}\"\npod_cidr = \"10.0.0.0/10\"\nservice_cidr = \"10.96.0.0/12\"\n",
        n = g.nodes,
        p = g.pods,
        s = g.services,
        net = g.network.name(),
        last = svc(target),
    );
    t.push_str(match g.network {
        GenNetwork::Kubenet => "underlay = { kind = \"azure-vnet\", cidr = \"10.240.0.0/16\", gateway = \"10.240.0.1\", route_table = \"generated-routetable\" }\n",
        GenNetwork::FlannelVxlan => "underlay = { kind = \"ethernet\", cidr = \"192.168.0.0/16\", gateway = \"192.168.0.1\" }\n",
    });
    for n in 0..g.nodes {
        let _ = write!(
            t,
            "\n[[cluster.nodes]]\nname = \"{}\"\nip = \"{}\"\npod_cidr = \"10.{}.{}.0/24\"\n",
            node_name(n, nw),
            node_ip(n, g.network),
            n / 256,
            n % 256
        );
        for k in (n..g.pods).step_by(g.nodes) {
            let container = if k == 0 {
                "{ name = \"curl\", image = \"curlimages/curl\" }"
            } else {
                "{ name = \"app\", image = \"nginx\", listen = [\"tcp/8080\"] }"
            };
            let _ = write!(
                t,
                "\n[[cluster.nodes.pods]]\nname = \"{}\"\nip = \"{}\"\ncontainers = [{container}]\n",
                pod_name(k, pw),
                pod_ip(k, g.nodes)
            );
        }
    }
    for s in 0..g.services {
        let eps: Vec<String> = endpoints(s, g.pods)
            .map(|k| format!("\"{}\"", pod_name(k, pw)))
            .collect();
        let _ = write!(
            t,
            "\n[[cluster.services]]\nname = \"{}\"\ncluster_ip = \"{}\"\nports = [{{ name = \"http\", port = 80, target_port = 8080 }}]\nendpoints = [{}]\n",
            svc(s),
            service_ip(s),
            eps.join(", ")
        );
    }
    let _ = write!(
        t,
        "\n[scenario]\nfrom = \"client\"\nkind = \"tcp\"\nto = \"{}:80\"\nprocess = \"curl\"\npin_endpoint = \"{}:8080\"\n",
        service_ip(target),
        pod_ip(pinned, g.nodes)
    );
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(nodes: usize, pods: usize, services: usize, network: GenNetwork) -> GenSpec {
        GenSpec {
            nodes,
            pods,
            services,
            network,
        }
    }

    #[test]
    fn a_generated_lesson_parses_and_its_packet_reaches_another_node() {
        for network in [GenNetwork::FlannelVxlan, GenNetwork::Kubenet] {
            for (n, p, s) in [(2, 2, 1), (3, 10, 12), (10, 100, 20)] {
                let text = generate(&spec(n, p, s, network)).unwrap();
                let lesson = crate::parse_file("gen.toml", &text).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(lesson.cluster.nodes.len(), n);
                let pods: usize = lesson.cluster.nodes.iter().map(|n| n.pods.len()).sum();
                assert_eq!((pods, lesson.cluster.services.len()), (p, s));
                let run = lesson.run().unwrap();
                assert!(
                    matches!(
                        run.trace.outcome,
                        packetwalk_core::trace::Outcome::Completed { .. }
                    ),
                    "{network:?} {n}/{p}/{s}: {:?}",
                    run.trace.outcome
                );
                let off_node = run.trace.hops.iter().any(|h| {
                    h.at.node
                        .as_ref()
                        .is_some_and(|m| *m != node_name(0, digits(n)))
                });
                assert!(off_node, "the walk never reaches another node");
            }
        }
    }

    #[test]
    fn numbers_that_make_no_cluster_are_refused_with_the_option_named() {
        let net = GenNetwork::FlannelVxlan;
        for (g, opt) in [
            (spec(1, 10, 1, net), "--nodes"),
            (spec(20_000, 30_000, 1, net), "--nodes"),
            (spec(2, 1, 1, net), "--pods"),
            (spec(2, 600, 1, net), "--pods"),
            (spec(2, 2, 0, net), "--services"),
        ] {
            let e = generate(&g).unwrap_err();
            assert!(e.starts_with(opt), "{e}");
        }
    }
}
