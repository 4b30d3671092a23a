//! `ip addr`, `ip link`, `ip route`, `ip neigh` as iproute2 6.1 prints them, and net-tools'
//! `route -n` (ip-address(8), ip-link(8), ip-route(8), ip-neighbour(8), route(8); the
//! trailing spaces iproute2 6.1 prints were checked by the conformance run).
//!
//! Addresses print without `brd`, as in the lab, where every address was added with
//! `ip addr add A/P dev X` and no broadcast.

use crate::link::{Iface, IfaceKind};
use crate::netns::Netns;
use std::net::Ipv4Addr;

const UP: &str = "<BROADCAST,MULTICAST,UP,LOWER_UP>";
const VALID: &str = "       valid_lft forever preferred_lft forever\n";

/// The interfaces in ifindex order, the order the kernel dumps them.
pub(crate) fn by_index(ns: &Netns) -> Vec<&Iface> {
    let mut v: Vec<&Iface> = ns.ifaces.iter().collect();
    v.sort_by_key(|i| i.ifindex);
    v
}

/// Is any interface of this namespace a port of bridge `br`?
pub(crate) fn has_ports(ns: &Netns, br: &str) -> bool {
    ns.ifaces.iter().any(|i| i.master.as_deref() == Some(br))
}

/// Flags and operstate. A bridge without ports has no carrier (`NO-CARRIER`, `state DOWN`),
/// like a fresh `docker0`; a VXLAN device reports no operstate (`UNKNOWN`, §5.1).
fn flags_state(ns: &Netns, iface: &Iface) -> (&'static str, &'static str) {
    match &iface.kind {
        IfaceKind::Loopback => ("<LOOPBACK,UP,LOWER_UP>", "UNKNOWN"),
        IfaceKind::Vxlan(_) => (UP, "UNKNOWN"),
        IfaceKind::Bridge(b) if !has_ports(ns, &iface.name) && b.promisc => {
            ("<NO-CARRIER,BROADCAST,MULTICAST,PROMISC,UP>", "DOWN")
        }
        IfaceKind::Bridge(_) if !has_ports(ns, &iface.name) => {
            ("<NO-CARRIER,BROADCAST,MULTICAST,UP>", "DOWN")
        }
        // iproute2 prints PROMISC between MULTICAST and UP (print_link_flags, ip/ipaddress.c).
        IfaceKind::Bridge(b) if b.promisc => ("<BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP>", "UP"),
        _ => (UP, "UP"),
    }
}

/// `eth0@if4`; a veth whose peer sits in the same namespace shows the peer's name
/// (`veth0@veth1`), and one without a peer index shows `@NONE`.
fn shown_name(ns: &Netns, iface: &Iface) -> String {
    match &iface.kind {
        IfaceKind::Veth {
            peer_ifindex: 0, ..
        } => format!("{}@NONE", iface.name),
        IfaceKind::Veth {
            peer_netns,
            peer_name,
            ..
        } if *peer_netns == ns.name => {
            format!("{}@{peer_name}", iface.name)
        }
        _ => iface.display_name(),
    }
}

/// `4: veth3f9a1c2e@if2: <…> mtu 1500 qdisc noqueue master cni0 state UP [mode DEFAULT ]group default qlen 1000`.
pub(crate) fn header(ns: &Netns, iface: &Iface, mode: bool) -> String {
    let (flags, state) = flags_state(ns, iface);
    let master = iface
        .master
        .as_ref()
        .map(|m| format!("master {m} "))
        .unwrap_or_default();
    let mode = if mode { "mode DEFAULT " } else { "" };
    format!(
        "{}: {}: {flags} mtu {} qdisc noqueue {master}state {state} {mode}group default qlen 1000\n",
        iface.ifindex,
        shown_name(ns, iface),
        iface.mtu
    )
}

/// `    link/ether <mac> brd ff:ff:ff:ff:ff:ff[ link-netns <peer>]`.
pub(crate) fn link_line(ns: &Netns, iface: &Iface) -> String {
    match &iface.kind {
        IfaceKind::Loopback => format!("    link/loopback {} brd 00:00:00:00:00:00\n", iface.mac),
        IfaceKind::Veth { peer_netns, .. } if *peer_netns != ns.name => {
            format!(
                "    link/ether {} brd ff:ff:ff:ff:ff:ff link-netns {peer_netns}\n",
                iface.mac
            )
        }
        _ => format!("    link/ether {} brd ff:ff:ff:ff:ff:ff\n", iface.mac),
    }
}

/// The `inet` lines (scope host for 127/8, as `ip addr add` picks it; a second address in an
/// already-covered subnet is `secondary`), then the one `inet6` line with its trailing space.
fn addr_lines(iface: &Iface) -> String {
    let mut out = String::new();
    for (k, a) in iface.addrs.iter().enumerate() {
        let scope = if a.addr().is_loopback() {
            "host"
        } else {
            "global"
        };
        let secondary = iface.addrs[..k]
            .iter()
            .any(|p| p.prefix_len() == a.prefix_len() && p.network() == a.network());
        let sec = if secondary { "secondary " } else { "" };
        out += &format!("    inet {a} scope {scope} {sec}{}\n{VALID}", iface.name);
    }
    let v6 = match link_local_mac(iface) {
        None => "::1/128 scope host".to_string(),
        Some(m) => format!("{} scope link", m.link_local_v6()),
    };
    out += &format!("    inet6 {v6} \n{VALID}");
    out
}

/// The MAC the interface's IPv6 link-local is formed from (EUI-64), none for `lo`. A bridge's
/// comes from the random MAC it had when it came up, before its first port gave it the
/// lowest port MAC (net/bridge/br_stp_if.c, `br_stp_recalculate_bridge_id`;
/// net/ipv6/addrconf.c forms the link-local at NETDEV_UP): a stand-in derived from its name.
pub(crate) fn link_local_mac(iface: &Iface) -> Option<crate::addr::Mac> {
    match iface.kind {
        IfaceKind::Loopback => None,
        IfaceKind::Bridge(_) => Some(crate::addr::Mac::derived(&format!(
            "bridge-up/{}/{}",
            iface.name, iface.mac
        ))),
        _ => Some(iface.mac),
    }
}

/// `ip addr`: every interface in ifindex order with its addresses.
pub fn ip_addr(ns: &Netns) -> String {
    by_index(ns)
        .into_iter()
        .map(|i| header(ns, i, false) + &link_line(ns, i) + &addr_lines(i))
        .collect()
}

/// `ip link`: the same headers with `mode DEFAULT`, and the `link/…` line.
pub fn ip_link(ns: &Netns) -> String {
    by_index(ns)
        .into_iter()
        .map(|i| header(ns, i, true) + &link_line(ns, i))
        .collect()
}

/// `ip route`: the main table, each line with iproute2's trailing space.
pub fn ip_route(ns: &Netns) -> String {
    ns.routes.lines().into_iter().map(|l| l + "\n").collect()
}

/// `ip neigh`: nothing at all for an empty cache.
pub fn ip_neigh(ns: &Netns) -> String {
    ns.neigh.lines().into_iter().map(|l| l + "\n").collect()
}

/// `route -n` (net-tools): fixed-width columns, flags U (up), G (gateway), H (host route);
/// Metric, Ref and Use are 0. Rows in the kernel's order, the same as `ip route`.
pub fn route_n(ns: &Netns) -> String {
    let mut out = String::from("Kernel IP routing table\n");
    out += "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n";
    for r in &ns.routes.routes {
        let gw = r.via.unwrap_or(Ipv4Addr::UNSPECIFIED).to_string();
        let mut flags = String::from("U");
        if r.via.is_some() {
            flags.push('G');
        }
        if r.dst.prefix_len() == 32 {
            flags.push('H');
        }
        let (dst, mask) = (r.dst.network().to_string(), r.dst.netmask().to_string());
        out += &format!(
            "{dst:<15} {gw:<15} {mask:<15} {flags:<5} {:<6} {:<3} {:>6} {}\n",
            0, 0, 0, r.dev
        );
    }
    out
}

#[cfg(test)]
#[path = "ip_tests.rs"]
mod tests;
