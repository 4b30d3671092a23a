//! The underlay, made of namespaces too, so nothing is attached to the host's interfaces.
//!
//! * An Ethernet segment (`lan`) is a bridge named `lan` in its own namespace; each NIC of
//!   the model (a node's or a LAN host's `eth0`) is a veth whose other end is a port `p<k>`.
//! * The Azure VNet (`vnet`) is a router namespace standing in for Azure's fabric: one port
//!   per VM (`vm<k>`) and per internet host (`inet<k>`), every one with the MAC Azure answers
//!   ARP with, 12:34:56:78:9a:bc, and proxy ARP, so whatever a VM asks for is answered by
//!   the fabric. It routes by the effective routes (the VNet's own prefix as one /32 per VM,
//!   the route table's rows as `via <node>`), knows every VM's MAC (it never ARPs), SNATs
//!   internet-bound traffic to the outbound IP, and adds 1 to the TTL before routing so the
//!   hop stays invisible, as the model says Azure's fabric is. That last part is emulation:
//!   a Linux router decrements TTL; Azure's SDN is not a Linux router.

use crate::shell::{comment, exec, ns, sh_quote, Script};
use crate::Lab;
use packetwalk_core::addr::Mac;
use packetwalk_core::fabric::{AzureVnet, NextHop, Segment, SegmentKind};
use packetwalk_core::link::Iface;
use std::net::Ipv4Addr;

fn segment(lab: &Lab) -> Option<&Segment> {
    lab.cluster.segments.first()
}

fn vnet(lab: &Lab) -> Option<&AzureVnet> {
    match &segment(lab)?.kind {
        SegmentKind::AzureVnet(v) => Some(v),
        SegmentKind::Ethernet => None,
    }
}

/// A port of the underlay: (model namespace, its NIC, the underlay-side port name, its address).
pub struct Port {
    pub ns: String,
    pub nic: String,
    pub name: String,
    pub ip: Option<Ipv4Addr>,
    pub mac: Mac,
    pub internet: bool,
}

/// Every port of the underlay, in the order the NICs were plugged in.
pub fn ports(lab: &Lab) -> Vec<Port> {
    let Some(seg) = segment(lab) else {
        return vec![];
    };
    let azure = vnet(lab).is_some();
    seg.ports
        .iter()
        .enumerate()
        .filter_map(|(k, (ns, nic))| {
            let i = lab.cluster.ns(ns)?.iface(nic)?;
            let ip = i.primary_addr();
            let internet = azure && ip.is_some_and(|a| !seg.cidr.contains(&a));
            let name = match (azure, internet) {
                (false, _) => format!("p{k}"),
                (true, false) => format!("vm{k}"),
                (true, true) => format!("inet{k}"),
            };
            Some(Port {
                ns: ns.clone(),
                nic: nic.clone(),
                name,
                ip,
                mac: i.mac,
                internet,
            })
        })
        .collect()
}

pub fn create(lab: &Lab, s: &mut Script) {
    let Some(seg) = segment(lab) else { return };
    let ul = sh_quote(&lab.names.underlay_ns());
    match &seg.kind {
        SegmentKind::Ethernet => s.section(&format!(
            "underlay: the Ethernet segment {} as a bridge in {ul}",
            seg.cidr
        )),
        SegmentKind::AzureVnet(_) => s.section(&format!(
            "underlay: Azure's VNet fabric emulated by a router namespace, {ul}"
        )),
    }
    s.line(format!("ip netns add {ul}"));
    s.line("# IPv6 off here only: the emulated underlay should not chatter on the captures");
    s.line(format!("ip netns exec {ul} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"));
    s.line(format!("ip -n {ul} link set lo up"));
    match &seg.kind {
        SegmentKind::Ethernet => {
            s.line(format!("ip -n {ul} link add lan type bridge"));
            s.line(format!("ip -n {ul} link set lan up"));
        }
        SegmentKind::AzureVnet(_) => {
            s.line(format!("ip netns exec {ul} sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0"));
        }
    }
}

/// Plug a model NIC into the underlay: the veth is created from the underlay's side, so the
/// NIC appears in its namespace as `eth0` with the next ifindex there.
pub fn attach(lab: &Lab, model_ns: &str, nic: &Iface, s: &mut Script) {
    let ul = sh_quote(&lab.names.underlay_ns());
    let Some(p) = ports(lab)
        .into_iter()
        .find(|p| p.ns == model_ns && p.nic == nic.name)
    else {
        s.line(comment(&format!(
            "# {model_ns} {} is not on the underlay",
            nic.name
        )));
        return;
    };
    s.line(format!(
        "ip -n {ul} link add {} type veth peer name {} netns {}",
        p.name,
        sh_quote(&nic.name),
        ns(lab, model_ns)
    ));
    if vnet(lab).is_none() {
        s.line(format!("ip -n {ul} link set {} master lan up", p.name));
        return;
    }
    s.line(format!(
        "ip -n {ul} link set {} address {} up",
        p.name,
        Mac::AZURE_FABRIC
    ));
    let gw_addr = if p.internet {
        let host = nic.addrs.first().copied().unwrap_or_default();
        format!(
            "{}/{}",
            Ipv4Addr::from(u32::from(host.network()) + 1),
            host.prefix_len()
        )
    } else {
        format!(
            "{}/32",
            lab.cluster
                .spec
                .underlay
                .gateway
                .unwrap_or(Ipv4Addr::UNSPECIFIED)
        )
    };
    s.line(format!("ip -n {ul} addr add {gw_addr} dev {}", p.name));
    s.line(format!("ip netns exec {ul} sysctl -qw net.ipv4.conf.{0}.proxy_arp=1 net.ipv4.neigh.{0}.proxy_delay=0", p.name));
}

/// The fabric's routes: the VNet prefix as a /32 per VM, the route table's rows, and the
/// static neighbour entries (Azure knows every VM's MAC; it never ARPs).
pub fn routes(lab: &Lab, s: &mut Script) {
    let Some(v) = vnet(lab) else { return };
    let ul = sh_quote(&lab.names.underlay_ns());
    s.line(comment(&format!(
        "# {ul}: Azure's effective routes for the subnet, as Linux routes"
    )));
    let ports = ports(lab);
    for p in &ports {
        let Some(addr) = p.ip else { continue };
        if !p.internet {
            s.line(format!("ip -n {ul} route add {addr}/32 dev {}", p.name));
        }
        s.line(format!(
            "ip -n {ul} neigh replace {addr} lladdr {} dev {} nud permanent",
            p.mac, p.name
        ));
    }
    for r in &v.routes {
        match r.next_hop {
            NextHop::VirtualAppliance(n) => {
                let dev = ports
                    .iter()
                    .find(|p| p.ip == Some(n))
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| sh_quote("vm?"));
                s.line(comment(&format!(
                    "# route table {} row `{}`: {} -> VirtualAppliance {n}",
                    v.route_table, r.name, r.prefix
                )));
                s.line(format!(
                    "ip -n {ul} route add {} via {n} dev {dev}",
                    r.prefix
                ));
            }
            NextHop::VnetLocal => s.line(format!("# {} VnetLocal: the /32 routes above", r.prefix)),
            NextHop::Internet => s.line(format!(
                "# {} Internet: the internet hosts' own subnets on the inet ports above",
                r.prefix
            )),
        }
    }
}

/// The fabric's netfilter: the invisible hop (TTL + 1 before routing) and the outbound SNAT.
pub fn netfilter(lab: &Lab, s: &mut Script) {
    let Some(v) = vnet(lab) else { return };
    let fab = lab.names.segment().to_string();
    s.line("# Azure's fabric does not decrement the TTL; a Linux router does, so add 1 first (emulation)");
    s.line(exec(
        lab,
        &fab,
        "iptables -t mangle -A PREROUTING -j TTL --ttl-inc 1",
    ));
    if let Some(out) = v.outbound_ip {
        s.line(format!("# outbound traffic leaves Azure with the public IP {out} (the load balancer's outbound rule)"));
        let cmd = format!(
            "iptables -t nat -A POSTROUTING -o inet+ -j SNAT --to-source {out} --random-fully"
        );
        s.line(exec(lab, &fab, &cmd));
    }
}
