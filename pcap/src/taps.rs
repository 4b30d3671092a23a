//! Which hops put a frame on a wire, and at which interface: what `tcpdump -i <dev>` in that
//! namespace would show. The same rules as the kernel comparison's (`lab/src/observe.rs`):
//!
//! * a transmit (out) or a receive (in) on a device, with an Ethernet header: veths (each end
//!   of a pair is an interface of its own, so a crossing shows on both), NICs, VXLAN devices
//!   (the inner frame; the NIC shows the outer one);
//! * `lo` once, as incoming (libpcap drops loopback's outgoing copy);
//! * a bridge device's own tap, from the bridge's hops: the host's ARP requests and replies
//!   go out of it; a frame the bridge hands up to the host (for its MAC, or a broadcast's
//!   copy) comes in;
//! * the cloud fabric (`azure:vnet`): its ARP answers and every frame it routes.
//!
//! A packet still being routed (no link header) and a drop are on no wire.

use packetwalk_core::addr::Mac;
use packetwalk_core::engine::Run;
use packetwalk_core::netns::Netns;
use packetwalk_core::packet::Frame;
use packetwalk_core::trace::{Direction, Event, Hop};
use packetwalk_core::vocab::PlaceKind;

/// A capture point: one interface of one namespace, or the fabric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tap {
    /// `worker-node-1/cni0`, `frontend/eth0`, `azure:vnet`.
    pub name: String,
    /// What it is: kind, MTU, the peer of a veth, the namespace's node.
    pub description: String,
    pub mac: Option<Mac>,
    pub mtu: Option<u32>,
}

/// One frame seen at one tap.
#[derive(Clone, Debug)]
pub struct Seen<'a> {
    pub hop: usize,
    pub tap: Tap,
    /// `None` where the direction is not told (the fabric).
    pub inbound: Option<bool>,
    pub frame: &'a Frame,
}

/// The interface name in a hop's location (`eth0@if5` → `eth0`).
pub fn raw_dev(d: &str) -> &str {
    d.split('@').next().unwrap_or(d)
}

/// Every frame on a wire, in hop order.
pub fn seen(run: &Run) -> Vec<Seen<'_>> {
    run.trace
        .hops
        .iter()
        .enumerate()
        .filter_map(|(i, h)| seen_at(run, i, h))
        .collect()
}

fn seen_at<'a>(run: &Run, i: usize, h: &'a Hop) -> Option<Seen<'a>> {
    let frame = h.packet.as_ref()?;
    let eth = frame.eth?;
    if h.at.place == PlaceKind::Fabric {
        let on_wire = matches!(h.event, Event::FabricRoute | Event::ArpReply);
        return on_wire.then(|| Seen {
            hop: i,
            tap: Tap {
                name: h.at.netns.clone(),
                description: format!("{}: the cloud's virtual network", h.at.netns),
                mac: None,
                mtu: None,
            },
            inbound: None,
            frame,
        });
    }
    let dev = raw_dev(h.at.device.as_deref()?);
    let (netns, _) = run.state_at(Some(i));
    let ns = netns.iter().find(|n| n.name == h.at.netns)?;
    let iface = ns.iface(dev)?;
    let inbound = match (&h.event, h.at.direction) {
        (Event::Transmit, Some(Direction::Out)) if iface.is_loopback() => None,
        (Event::Transmit, Some(Direction::Out)) => Some(false),
        (Event::Receive, Some(Direction::In)) => Some(true),
        (Event::ArpRequest, _) if iface.bridge().is_some() => Some(false),
        (Event::ArpReply, _) if iface.bridge().is_some() && eth.src == iface.mac => Some(false),
        (Event::BridgeForward, _) if iface.bridge().is_some() => frame
            .eth
            .is_some_and(|e| {
                h.decision.as_ref().is_some_and(|d| {
                    d.hands_up_to_bridge(
                        e.src,
                        e.dst,
                        iface.mac,
                        iface.bridge().is_some_and(|b| b.promisc),
                    )
                })
            })
            .then_some(true),
        _ => None,
    }?;
    Some(Seen {
        hop: i,
        tap: tap(ns, dev),
        inbound: Some(inbound),
        frame,
    })
}

fn tap(ns: &Netns, dev: &str) -> Tap {
    use packetwalk_core::link::IfaceKind;
    let iface = ns.iface(dev);
    let what = match iface.map(|i| &i.kind) {
        Some(IfaceKind::Loopback) => "loopback".to_string(),
        Some(IfaceKind::Veth {
            peer_netns,
            peer_name,
            ..
        }) => format!("veth, peer {peer_netns}/{peer_name}"),
        Some(IfaceKind::Bridge(_)) => "bridge".to_string(),
        Some(IfaceKind::Vxlan(v)) => {
            format!("vxlan id {} dstport {} dev {}", v.vni, v.dstport, v.dev)
        }
        Some(IfaceKind::Nic { segment }) => format!("NIC on {segment}"),
        None => "interface".to_string(),
    };
    let place = match &ns.node {
        Some(node) if *node != ns.name => format!("pod {} on {node}", ns.name),
        _ => ns.name.clone(),
    };
    let mtu = iface.map(|i| i.mtu);
    let mtu_text = mtu.map(|m| format!(", mtu {m}")).unwrap_or_default();
    Tap {
        name: format!("{}/{dev}", ns.name),
        description: format!("{dev} in {place}: {what}{mtu_text}"),
        mac: iface.map(|i| i.mac),
        mtu,
    }
}
