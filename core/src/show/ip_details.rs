//! `ip -d link` (`ip -details link show`) as iproute2 6.1 prints it on Linux 6.18: each
//! device's `ip link` block, its link line extended with `promiscuity`, `allmulti` and the MTU
//! bounds, then the kind's own line (`veth`, `bridge …`, `vxlan …`; ip/iplink_bridge.c,
//! ip/iplink_vxlan.c), a bridge port's `bridge_slave …` line (ip/iplink_bridge_slave.c), and
//! the generic tail (`addrgenmode … gro_max_size`, ip/ipaddress.c `print_linkinfo`). Copied
//! from devices built in a namespace with `ip link add … type bridge|veth|vxlan`.
//!
//! Timers do not run in the model: every `*_timer` prints as a bridge at rest, `0.00`.

use super::ip::{by_index, has_ports, header, link_line};
use crate::addr::Mac;
use crate::link::{Iface, IfaceKind};
use crate::netns::Netns;

/// `ip -d link`: every device in ifindex order.
pub fn ip_link_details(ns: &Netns) -> String {
    by_index(ns).into_iter().map(|i| block(ns, i)).collect()
}

/// One device's lines: the header, the link line with its details, the kind's lines.
pub fn block(ns: &Netns, iface: &Iface) -> String {
    let port = iface.master.is_some();
    let (min, max) = match iface.kind {
        IfaceKind::Loopback => (0, 0),
        _ => (68, 65535),
    };
    // A bridge port is put in promiscuous and all-multicast mode (net/bridge/br_if.c,
    // `br_add_if` calls `dev_set_promiscuity`, `dev_set_allmulti`).
    let promisc = match &iface.kind {
        IfaceKind::Bridge(b) => u8::from(b.promisc),
        _ => u8::from(port),
    };
    let mut line = link_line(ns, iface);
    line.pop();
    // Two spaces after promiscuity: print_linkinfo prints `promiscuity %u ` then ` allmulti %u `.
    line += &format!(
        " promiscuity {promisc}  allmulti {} minmtu {min} maxmtu {max} ",
        u8::from(port)
    );
    let mut lines = vec![line];
    match &iface.kind {
        IfaceKind::Veth { .. } => lines.push("    veth ".to_string()),
        IfaceKind::Bridge(_) => lines.push(format!("    {}", bridge_line(ns, iface))),
        IfaceKind::Vxlan(v) => lines.push(format!(
            "    vxlan id {} local {} dev {} srcport 0 0 dstport {} nolearning ttl auto ageing 300 \
             udpcsum noudp6zerocsumtx noudp6zerocsumrx ",
            v.vni, v.local, v.dev, v.dstport
        )),
        IfaceKind::Loopback | IfaceKind::Nic { .. } => {}
    }
    if let Some(br) = &iface.master {
        lines.push(format!("    {}", slave_line(ns, iface, br)));
    }
    // veth makes one queue per possible CPU (drivers/net/veth.c, `veth_get_num_queues`):
    // two, as on the two-CPU machine the format was copied from.
    let queues = if matches!(iface.kind, IfaceKind::Veth { .. }) {
        2
    } else {
        1
    };
    // A bridge's TSO limit is its ports' smallest (net/bridge/br_if.c `br_set_gso_limits`):
    // the 64 KiB default without ports.
    let tso = match iface.kind {
        IfaceKind::Bridge(_) if !has_ports(ns, &iface.name) => 65536,
        _ => 524280,
    };
    let last = lines.len() - 1;
    lines[last] += &format!(
        "addrgenmode eui64 numtxqueues {queues} numrxqueues {queues} gso_max_size 65536 \
         gso_max_segs 65535 tso_max_size {tso} tso_max_segs 65535 gro_max_size 65536 "
    );
    header(ns, iface, true) + &lines.join("\n") + "\n"
}

/// A bridge id as ip/iplink_bridge.c `br_dump_bridge_id` prints it: the priority as four hex
/// digits, then the MAC's bytes with `%x`, unpadded (`8000.a:58:a:f4:0:1`).
fn bridge_id(mac: Option<Mac>) -> String {
    let m = mac.map(|m| m.0).unwrap_or_default();
    let bytes: Vec<String> = m.iter().map(|b| format!("{b:x}")).collect();
    format!("8000.{}", bytes.join(":"))
}

/// The bridge's id: from its MAC once it has a port; zero while it has none.
fn bridge_mac(ns: &Netns, br: &Iface) -> Option<Mac> {
    has_ports(ns, &br.name).then_some(br.mac)
}

/// `bridge forward_delay …`: a bridge as `ip link add type bridge` makes it (STP off, no
/// VLAN filtering), as the CNI bridge plugin and kubenet leave it.
fn bridge_line(ns: &Netns, br: &Iface) -> String {
    let id = bridge_id(bridge_mac(ns, br));
    format!(
        "bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 \
         priority 32768 vlan_filtering 0 bridge_id {id} designated_root {id} root_port 0 \
         root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 \
         tcn_timer    0.00 topology_change_timer    0.00 gc_timer    0.00 group_fwd_mask 0 \
         group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 \
         mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 \
         mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 \
         mcast_startup_query_count 2 mcast_last_member_interval 100 \
         mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 \
         mcast_query_response_interval 1000 mcast_startup_query_interval 3124 \
         mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 \
         nf_call_ip6tables 0 nf_call_arptables 0 "
    )
}

/// `bridge_slave state forwarding …`: with STP off a port forwards at once; ports are
/// numbered in the order they joined (here: ifindex), `port_id` 0x8000 + the number; a
/// veth's cost is 2 (its 10 Gb/s, net/bridge/br_if.c `port_cost`).
fn slave_line(ns: &Netns, port: &Iface, br: &str) -> String {
    let no = by_index(ns)
        .iter()
        .filter(|i| i.master.as_deref() == Some(br))
        .position(|i| i.ifindex == port.ifindex)
        .map_or(1, |k| k + 1);
    let id = bridge_id(ns.iface(br).and_then(|b| bridge_mac(ns, b)));
    let hairpin = if port.hairpin() { "on" } else { "off" };
    format!(
        "bridge_slave state forwarding priority 32 cost 2 hairpin {hairpin} guard off \
         root_block off fastleave off learning on flood on port_id {:#x} port_no {no:#x} \
         designated_port {} designated_cost 0 designated_bridge {id} designated_root {id} \
         hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 \
         topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1 \
         mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off \
         neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off \
         isolated off locked off ",
        0x8000 + no,
        0x8000 + no
    )
}
