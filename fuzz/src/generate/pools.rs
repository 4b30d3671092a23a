//! The pools the generator picks from: small, and overlapping on purpose (node IPs inside
//! pod CIDRs, ports that collide with the VXLAN port, names Kubernetes refuses).


pub(super) const POD_CIDRS: &[&str] = &[
    "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16", "10.244.0.0/16",
    "10.240.0.0/12", "192.168.0.0/16", "10.0.0.0/8",
];
// The overlapping ones are refused by the check since it learned to; kept rare so most
// generated lessons get past it and into the engine.
pub(super) const SERVICE_CIDRS: &[&str] = &[
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12", "10.96.0.0/12",
    "10.0.0.0/16", "10.244.0.0/16", "192.168.1.0/24",
];
pub(super) const UNDERLAY_CIDRS: &[&str] = &[
    "192.168.1.0/24",
    "10.240.0.0/16",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "192.168.1.0/24",
    "10.244.0.0/16", // = the usual pod CIDR: node IPs land in pod slices
    "10.0.0.0/8",    // contains pod and Service CIDRs
    "10.96.0.0/12",  // = the usual Service CIDR
    "192.168.1.0/30",
];
/// Extra node pod CIDRs besides "the n-th /24 of the cluster's pod CIDR".
pub(super) const NODE_POD_CIDRS: &[&str] = &[
    "10.244.0.0/24",
    "10.244.1.0/24",
    "10.244.0.0/16",
    "10.244.0.0/25",
    "10.244.0.128/25",
    "192.168.1.0/24",
    "10.240.0.0/24",
    "10.96.0.0/24",
    "10.244.5.0/30",
    "10.244.7.7/32",
];
/// Addresses that are interesting in most of the CIDRs above.
pub(super) const IPS: &[&str] = &[
    "192.168.1.10",
    "192.168.1.11",
    "192.168.1.1",
    "192.168.1.255",
    "10.240.0.4",
    "10.240.0.5",
    "10.240.0.1",
    "10.244.0.5",
    "10.244.0.10",
    "10.244.0.1",
    "10.244.0.0",
    "10.244.1.10",
    "10.244.1.1",
    "10.244.0.255",
    "10.96.0.10",
    "10.96.0.20",
    "10.96.0.1",
    "10.0.0.10",
    "93.184.215.14",
    "8.8.8.8",
    "20.62.133.10",
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "169.254.169.254",
    "224.0.0.1",
];
pub(super) const INTERNET_IPS: &[&str] = &["93.184.215.14", "8.8.8.8", "1.1.1.1", "20.62.133.10"];
pub(super) const POD_NAMES: &[&str] = &["frontend", "backend", "web", "api", "coredns", "client", "nginx", "db"];
pub(super) const NAMESPACES: &[&str] = &["default", "kube-system", "backend", "frontend"];
pub(super) const SVC_NAMES: &[&str] = &["backend-svc", "kube-dns", "api-svc", "web", "frontend"];
pub(super) const PORTS: &[u16] = &[80, 8080, 53, 443, 9153, 30080, 0, 65535, 8472, 22];
pub(super) const NODE_PORTS: &[u16] = &[30080, 30000, 32767, 80, 0, 8472];
pub(super) const LISTEN: &[&str] = &["tcp/80", "tcp/8080", "udp/53", "tcp/53", "tcp/443", "tcp/9153", "udp/8472", "tcp/22"];
pub(super) const BAD_LISTEN: &[&str] = &["sctp/80", "tcp/99999", "tcp", "", "udp/-1", "tcp/0"];
pub(super) const IMAGES: &[&str] = &["nginx", "curlimages/curl", "registry.k8s.io/coredns/coredns"];
pub(super) const PROCESSES: &[&str] = &["curl", "wget", "https-server", "nc", ""];
pub(super) const DOMAINS: &[&str] = &["cluster.local", "corp.internal", "local", ""];
pub(super) const UPSTREAM_NAMES: &[&str] = &["example.com", "api.example.com", "example.com.", "x"];
pub(super) const ROUTE_DSTS: &[&str] = &[
    "0.0.0.0/0",
    "10.244.1.0/24",
    "10.244.0.0/16",
    "10.96.0.0/12",
    "192.168.1.0/24",
    "93.184.215.0/24",
    "10.244.0.5/32",
];
pub(super) const EVENTS: &[&str] = &[
    "send",
    "route_lookup",
    "dnat",
    "snat",
    "vxlan_encap",
    "vxlan_decap",
    "deliver",
    "conntrack_reply",
    "dns_query",
    "dns_answer",
    "netfilter",
    "drop",
];
