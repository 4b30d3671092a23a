//! The cluster as drawn: what the layout places (nodes, pods, devices, the underlay,
//! outside hosts), digested from the built cluster.

use crate::codec::embedded;

embedded! {
    /// The cluster as drawn: what the layout places.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Topology {
        /// `kubenet` or `flannel-vxlan`.
        pub network: String,
        pub pod_cidr: String,
        pub service_cidr: String,
        pub nodes: Vec<NodeView>,
        pub underlay: Underlay,
        pub hosts: Vec<HostView>,
        /// Services: `backend-svc 10.96.0.20:80`.
        pub services: Vec<String>,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct NodeView {
        pub name: String,
        pub pod_cidr: String,
        pub eth0: Device,
        pub bridge: Option<Device>,
        /// flannel's VTEP.
        pub vxlan: Option<Device>,
        pub pods: Vec<PodView>,
    }
}

embedded! {
    /// An interface: its `ip link` name and its first address.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Device {
        pub name: String,
        pub addr: Option<String>,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct PodView {
        pub name: String,
        pub namespace: String,
        pub ip: String,
        /// The app containers; the pause container is always there besides them.
        pub containers: Vec<String>,
        /// The pod's end of the veth pair (`eth0@if5`).
        pub eth0: Device,
        /// The node's end (`veth2900dfab@if2`).
        pub host_veth: Device,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Underlay {
        pub azure: bool,
        /// The fabric's namespace in the trace (`azure:vnet`), for Azure.
        pub fabric: Option<String>,
        pub cidr: String,
        pub gateway: Option<String>,
        pub route_table: Option<String>,
        /// UDR rows: `10.244.1.0/24 → 10.240.0.5`.
        pub routes: Vec<String>,
        pub outbound_ip: Option<String>,
    }
}

embedded! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct HostView {
        pub name: String,
        pub ip: String,
        pub internet: bool,
        pub process: Option<String>,
        pub eth0: Device,
    }
}
