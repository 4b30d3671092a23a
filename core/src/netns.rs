//! One network namespace: its interfaces and addresses, routes, neighbours, nat and filter
//! tables, sysctls, and the processes listening in it.

use crate::conntrack::Conntrack;
use crate::dns::ResolvConf;
use crate::link::Iface;
use crate::neigh::NeighTable;
use crate::netfilter::{NatTable, Policy, Proto};
use crate::route::RouteTable;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// What a namespace stands for in the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Role {
    /// A node's root namespace.
    Node,
    /// A pod: the namespace the pause container holds, shared by all its containers.
    Pod {
        namespace: String,
        containers: Vec<Container>,
    },
    /// A machine outside the cluster: a client, or a server on the internet.
    Host,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    pub name: String,
    pub image: String,
}

/// A process listening on a port in this namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub proto: Proto,
    pub port: u16,
    /// The process, e.g. `nginx` or `coredns`.
    pub process: String,
    /// The pod's container that runs it (none on a node or an outside host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sysctls {
    /// `net.ipv4.ip_forward`.
    pub ip_forward: bool,
    /// `net.bridge.bridge-nf-call-iptables`: bridged IPv4 frames go through iptables.
    pub bridge_nf_call_iptables: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Netns {
    pub name: String,
    /// The node this namespace lives on (none for hosts outside the cluster).
    pub node: Option<String>,
    pub role: Role,
    pub ifaces: Vec<Iface>,
    pub routes: RouteTable,
    pub neigh: NeighTable,
    pub nat: NatTable,
    /// The filter table (empty outside a node), in the same chain type as `nat`.
    #[serde(default)]
    pub filter: NatTable,
    /// The filter table's FORWARD policy (`iptables -P FORWARD DROP` on many real nodes).
    #[serde(default)]
    pub forward_policy: Policy,
    pub conntrack: Conntrack,
    pub sysctls: Sysctls,
    pub resolv_conf: Option<ResolvConf>,
    pub listeners: Vec<Listener>,
}

impl Netns {
    pub fn new(name: &str, node: Option<&str>, role: Role) -> Netns {
        Netns {
            name: name.into(),
            node: node.map(Into::into),
            role,
            ifaces: Vec::new(),
            routes: RouteTable::default(),
            neigh: NeighTable::default(),
            nat: NatTable::default(),
            filter: NatTable::default(),
            forward_policy: Policy::Accept,
            conntrack: Conntrack::default(),
            sysctls: Sysctls {
                ip_forward: false,
                bridge_nf_call_iptables: false,
            },
            resolv_conf: None,
            listeners: Vec::new(),
        }
    }

    pub fn iface(&self, name: &str) -> Option<&Iface> {
        self.ifaces.iter().find(|i| i.name == name)
    }
    pub fn iface_mut(&mut self, name: &str) -> Option<&mut Iface> {
        self.ifaces.iter_mut().find(|i| i.name == name)
    }
    pub fn iface_by_index(&self, ifindex: u32) -> Option<&Iface> {
        self.ifaces.iter().find(|i| i.ifindex == ifindex)
    }
    pub fn next_ifindex(&self) -> u32 {
        self.ifaces.iter().map(|i| i.ifindex).max().unwrap_or(0) + 1
    }

    /// Is this one of our addresses (the local table: every interface address and 127/8)?
    pub fn is_local(&self, ip: Ipv4Addr) -> bool {
        ip.is_loopback()
            || self
                .ifaces
                .iter()
                .any(|i| i.addrs.iter().any(|a| a.addr() == ip))
    }
    /// The interface holding a local address.
    pub fn iface_with_addr(&self, ip: Ipv4Addr) -> Option<&Iface> {
        if ip.is_loopback() {
            return self.ifaces.iter().find(|i| i.is_loopback());
        }
        self.ifaces
            .iter()
            .find(|i| i.addrs.iter().any(|a| a.addr() == ip))
    }
    /// Conntrack runs in a namespace once something there needs it: here, a nat rule.
    pub fn tracks_connections(&self) -> bool {
        !self.nat.is_empty()
    }
    pub fn listener(&self, proto: Proto, port: u16) -> Option<&Listener> {
        self.listeners
            .iter()
            .find(|l| l.proto == proto && l.port == port)
    }
    /// The pod's container that runs `process`: the one listening as it, else the one
    /// named after it, or running an image of that name, else (a client such as `curl`,
    /// which a lesson does not tie to a container) the first that listens on nothing,
    /// else the first. None outside a pod.
    pub fn container_of(&self, process: &str) -> Option<String> {
        let Role::Pod { containers, .. } = &self.role else {
            return None;
        };
        let listens = |c: &Container| {
            self.listeners
                .iter()
                .any(|l| l.container.as_deref() == Some(c.name.as_str()))
        };
        let by = |f: &dyn Fn(&Container) -> bool| {
            containers.iter().find(|c| f(c)).map(|c| c.name.clone())
        };
        by(&|c| c.name == process)
            .or_else(|| {
                self.listeners
                    .iter()
                    .find(|l| l.process == process)
                    .and_then(|l| l.container.clone())
            })
            .or_else(|| by(&|c| c.image.contains(process)))
            .or_else(|| by(&|c| !listens(c)))
            .or_else(|| containers.first().map(|c| c.name.clone()))
    }

    pub fn is_pod(&self) -> bool {
        matches!(self.role, Role::Pod { .. })
    }
}
