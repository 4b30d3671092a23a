//! `bridge fdb show` (iproute2 6.1, bridge/fdb.c; bridge(8)) and `brctl show` (bridge-utils
//! 1.7, brctl(8)); byte for byte as the conformance run (tests/conformance) sees them.

use super::ip::{by_index, link_local_mac};
use crate::link::{Iface, IfaceKind};
use crate::netns::Netns;

/// `bridge fdb show`. The kernel dumps device by device in ifindex order (rtnl_fdb_dump,
/// net/core/rtnetlink.c): for a bridge port, first its rows of the bridge's FDB newest first
/// (the kernel adds each entry at the head of the bridge's list, so a learned MAC comes before
/// the port's own permanent MAC, as in the lab); then every Ethernet device's own multicast
/// addresses as `self permanent` rows (ndo_dflt_fdb_dump); a VXLAN device dumps its `dst`
/// rows instead (vxlan_fdb_dump), and `lo` nothing.
pub fn bridge_fdb_show(ns: &Netns) -> String {
    let mut out = String::new();
    for iface in by_index(ns) {
        if let Some(br) = iface.master.as_deref() {
            if let Some(bridge) = ns.iface(br).and_then(Iface::bridge) {
                for e in bridge.fdb.iter().rev().filter(|e| e.port == iface.name) {
                    out += &e.line(br);
                    out.push('\n');
                }
            }
        }
        if let IfaceKind::Vxlan(vx) = &iface.kind {
            for f in &vx.fdb {
                out += &f.line(&iface.name);
                out.push('\n');
            }
            continue;
        }
        for m in multicast_macs(iface) {
            out += &format!("{m} dev {} self permanent\n", iface.name);
        }
    }
    // Rows naming a device that is not one of the bridge's ports cannot exist in a kernel;
    // show them last rather than hide them.
    for iface in by_index(ns) {
        if let Some(bridge) = iface.bridge() {
            let is_port = |p: &str| {
                ns.iface(p).and_then(|i| i.master.as_deref()) == Some(iface.name.as_str())
            };
            for e in bridge.fdb.iter().rev().filter(|e| !is_port(&e.port)) {
                out += &e.line(&iface.name);
                out.push('\n');
            }
        }
    }
    out
}

/// The multicast MACs a device has joined, in the order it joined them (the list is kept in
/// order, net/core/dev_addr_lists.c), as `bridge fdb show` printed them on Linux 6.18: IPv6
/// all-nodes ff02::1 at register (33:33:00:00:00:01); a bridge's multicast snooping joins the
/// all-snoopers groups 224.0.0.106 and ff02::6a when it opens (br_multicast_open); IPv4
/// all-hosts 224.0.0.1 at NETDEV_UP (ip_mc_up); the solicited-node group of the link-local
/// (33:33:ff + its last three bytes) when addrconf adds it.
fn multicast_macs(iface: &Iface) -> Vec<String> {
    let Some(ll) = link_local_mac(iface) else {
        return vec![];
    };
    let mut v = vec!["33:33:00:00:00:01".to_string()];
    if iface.bridge().is_some() {
        v.push("01:00:5e:00:00:6a".into());
        v.push("33:33:00:00:00:6a".into());
    }
    v.push("01:00:5e:00:00:01".into());
    v.push(format!(
        "33:33:ff:{:02x}:{:02x}:{:02x}",
        ll.0[3], ll.0[4], ll.0[5]
    ));
    v
}

/// `brctl show`: TAB-separated, bridges and their ports in name order (bridge-utils lists
/// `/sys/class/net` and `brif/` with `scandir(…, alphasort)`), further ports on continuation
/// lines of seven TABs, and an empty interfaces column for a bridge without ports.
/// The bridge id is the priority 8000 and the bridge's MAC.
pub fn brctl_show(ns: &Netns) -> String {
    let mut out = String::from("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    let mut bridges: Vec<&Iface> = ns.ifaces.iter().filter(|i| i.bridge().is_some()).collect();
    bridges.sort_by(|a, b| a.name.cmp(&b.name));
    for br in bridges {
        let id: String = br.mac.0.iter().map(|b| format!("{b:02x}")).collect();
        out += &format!("{}\t\t8000.{id}\tno\t\t", br.name);
        let mut ports: Vec<&str> = ns
            .ifaces
            .iter()
            .filter(|i| i.master.as_deref() == Some(br.name.as_str()))
            .map(|i| i.name.as_str())
            .collect();
        ports.sort_unstable();
        out += &ports.join("\n\t\t\t\t\t\t\t");
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{Bridge, FdbEntry};
    use crate::show::fixtures as lab;

    #[test]
    fn bridge_fdb_show_on_node1_matches_the_lab_without_the_multicast_rows() {
        let want = lab::lines(&[
            "b2:26:04:c6:c6:4b dev veth3f9a1c2e master cni0 ",
            "32:21:e7:f2:4b:87 dev veth3f9a1c2e master cni0 permanent",
            "aa:25:82:e0:c8:10 dev veth7b2d4e6f master cni0 ",
            "46:75:49:37:e6:ed dev veth7b2d4e6f master cni0 permanent",
            "3a:55:50:ec:6b:24 dev flannel.1 dst 192.168.1.11 self permanent",
        ]);
        let out = bridge_fdb_show(&lab::node1());
        let unicast: String = out
            .lines()
            .filter(|l| !l.starts_with("33:33:") && !l.starts_with("01:00:5e:"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(unicast, want);
    }

    #[test]
    fn every_ethernet_device_lists_its_multicast_groups_as_self_permanent_rows() {
        // As `bridge fdb show` printed them on a bridge and a veth port (iproute2 6.1,
        // Linux 6.18): the port's master rows first, then its own groups.
        let out = bridge_fdb_show(&lab::node1());
        let rows: Vec<&str> = out.lines().collect();
        let at = rows
            .iter()
            .position(|l| *l == "32:21:e7:f2:4b:87 dev veth3f9a1c2e master cni0 permanent")
            .expect("the port's own row");
        assert_eq!(
            &rows[at + 1..at + 4],
            [
                "33:33:00:00:00:01 dev veth3f9a1c2e self permanent",
                "01:00:5e:00:00:01 dev veth3f9a1c2e self permanent",
                "33:33:ff:f2:4b:87 dev veth3f9a1c2e self permanent",
            ]
        );
        let cni0: Vec<&str> = rows
            .iter()
            .copied()
            .filter(|l| l.contains(" dev cni0 self"))
            .collect();
        assert_eq!(cni0.len(), 5, "{out}");
        assert!(
            cni0[1].starts_with("01:00:5e:00:00:6a") && cni0[2].starts_with("33:33:00:00:00:6a")
        );
        assert!(!out.contains("dev flannel.1 self permanent\n33:33") && !out.contains(" dev lo "));
    }

    #[test]
    fn brctl_show_on_node1_matches_the_lab_with_tabs() {
        let want = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                    cni0\t\t8000.3221e7f24b87\tno\t\tveth3f9a1c2e\n\
                    \t\t\t\t\t\t\tveth7b2d4e6f\n";
        assert_eq!(brctl_show(&lab::node1()), want);
    }

    #[test]
    fn brctl_show_sorts_bridges_and_ports_by_name_and_leaves_a_portless_bridge_empty() {
        let mut ns = lab::node1();
        let mut extra = ns.iface("cni0").cloned().expect("cni0");
        extra.name = "br-a".into();
        extra.ifindex = 9;
        extra.mac = "02:00:00:00:00:01".parse().expect("mac");
        extra.kind = IfaceKind::Bridge(Bridge::default());
        ns.ifaces.push(extra);
        ns.ifaces.swap(3, 4); // veth7b2d4e6f before veth3f9a1c2e in the list
        let want = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n\
                    br-a\t\t8000.020000000001\tno\t\t\n\
                    cni0\t\t8000.3221e7f24b87\tno\t\tveth3f9a1c2e\n\
                    \t\t\t\t\t\t\tveth7b2d4e6f\n";
        assert_eq!(brctl_show(&ns), want);
    }

    #[test]
    fn a_namespace_without_bridges_prints_only_what_exists() {
        let pod = lab::pod_a();
        assert_eq!(
            brctl_show(&pod),
            "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
        );
        assert!(bridge_fdb_show(&pod)
            .lines()
            .all(|l| l.ends_with(" dev eth0 self permanent")));
    }

    #[test]
    fn fdb_rows_for_a_missing_port_are_shown_last_and_nothing_panics() {
        let mut ns = lab::node1();
        if let Some(b) = ns.iface_mut("cni0").and_then(Iface::bridge_mut) {
            b.fdb.push(FdbEntry {
                mac: "02:00:00:00:00:09".parse().expect("mac"),
                port: "gone0".into(),
                local: false,
            });
        }
        let out = bridge_fdb_show(&ns);
        assert!(
            out.ends_with("02:00:00:00:00:09 dev gone0 master cni0 \n"),
            "{out}"
        );
    }
}
