//! The placement itself: rows from top to bottom (node header, pods, host-side veths, the
//! bridge, the kernel's IP layer and flannel.1, the node's eth0, the underlay), columns from
//! left to right (nodes, then outside hosts). Every size follows from the text it holds.

use super::geometry::{pt, text_width, Point, Rect};
use super::{Kind, Layout, Shape, Wire};
use crate::model::{Device, HostView, NodeView, PodView, Topology};

pub const MARGIN: f64 = 16.0;
pub const NODE_GAP: f64 = 22.0;
pub const NODE_PAD: f64 = 10.0;
pub const POD_W: f64 = 164.0;
pub const POD_GAP: f64 = 10.0;
const TITLE: f64 = 12.0;
/// Pod names run long (`coredns-5d78c9869d-8xkqz`): a size smaller than nodes'.
pub const POD_TITLE: f64 = 11.0;
const SMALL: f64 = 10.0;
const DEVICE_H: f64 = 20.0;
const CHIP_H: f64 = 18.0;
const CHIP_PITCH: f64 = 22.0;
const STACK_LABEL: &str = "routing · iptables · conntrack";

/// The rows every node shares, so eth0s line up over the underlay.
struct Rows {
    pods_top: f64,
    pod_h: f64,
    veth: f64,
    bridge: f64,
    stack: f64,
    eth0: f64,
}

fn rows(t: &Topology) -> Rows {
    let pods_top = MARGIN + 46.0;
    let most = t
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .map(|p| p.containers.len() + 1)
        .max();
    match most {
        Some(chips) => {
            let chip_rows = chips.div_ceil(2) as f64;
            let pod_h = 38.0 + chip_rows * CHIP_PITCH + 26.0;
            let veth = pods_top + pod_h + 42.0;
            let bridge = veth + 40.0;
            let stack = bridge + 48.0;
            Rows {
                pods_top,
                pod_h,
                veth,
                bridge,
                stack,
                eth0: stack + 46.0,
            }
        }
        None => Rows {
            pods_top,
            pod_h: 0.0,
            veth: pods_top,
            bridge: pods_top,
            stack: pods_top + 24.0,
            eth0: pods_top + 70.0,
        },
    }
}

/// A device box: wide enough for its label.
fn device_rect(c: Point, label: &str) -> Rect {
    Rect::centred(c, text_width(label, SMALL) + 14.0, DEVICE_H)
}

fn device_label(d: &Device) -> String {
    match &d.addr {
        Some(a) => format!("{} {a}", d.name),
        None => d.name.clone(),
    }
}

fn vtep_label(d: &Device) -> String {
    format!("{} (VTEP)", d.name)
}

fn node_width(n: &NodeView) -> f64 {
    let pods = n.pods.len() as f64;
    let pods_w = if n.pods.is_empty() {
        0.0
    } else {
        pods * POD_W + (pods - 1.0) * POD_GAP
    };
    let stack_w = stack_row_width(n);
    let header = text_width(&n.name, TITLE).max(text_width(&node_detail(n), SMALL));
    let eth0 = text_width(&device_label(&n.eth0), SMALL) + 14.0;
    pods_w.max(stack_w).max(header).max(eth0).max(240.0) + 2.0 * NODE_PAD
}

fn stack_w() -> f64 {
    text_width(STACK_LABEL, SMALL) + 16.0
}

fn stack_row_width(n: &NodeView) -> f64 {
    match &n.vxlan {
        Some(v) => stack_w() + 16.0 + text_width(&vtep_label(v), SMALL) + 14.0,
        None => stack_w(),
    }
}

fn node_detail(n: &NodeView) -> String {
    format!("node · pod CIDR {}", n.pod_cidr)
}

pub fn place(t: &Topology) -> Layout {
    let r = rows(t);
    let mut l = Layout::default();
    let mut x = MARGIN;
    let mut eth0s = Vec::new();
    for node in &t.nodes {
        let w = node_width(node);
        eth0s.push(place_node(&mut l, node, x, w, &r));
        x += w + NODE_GAP;
    }
    for host in t.hosts.iter().filter(|h| !h.internet) {
        let w = host_width(host);
        eth0s.push(place_host(
            &mut l,
            host,
            Rect {
                x,
                y: r.stack - 40.0,
                w,
                h: r.eth0 - r.stack + 40.0,
            },
        ));
        x += w + NODE_GAP;
    }
    let right = x - NODE_GAP;
    let bottom = if t.underlay.azure {
        place_vnet(&mut l, t, &eth0s, right, &r)
    } else {
        place_lan(&mut l, t, &eth0s, right, &r)
    };
    l.width = l
        .shapes
        .iter()
        .map(|s| s.rect.right())
        .fold(right, f64::max)
        + MARGIN;
    l.height = bottom + MARGIN;
    l
}

fn shape(
    l: &mut Layout,
    kind: Kind,
    rect: Rect,
    title: &str,
    detail: &str,
    netns: &str,
    parent: Option<usize>,
) -> usize {
    l.shapes.push(Shape {
        kind,
        rect,
        title: title.into(),
        name: title.into(),
        detail: detail.into(),
        lines: Vec::new(),
        netns: netns.into(),
        device: None,
        parent,
    });
    l.shapes.len() - 1
}

fn device(
    l: &mut Layout,
    rect: Rect,
    label: &str,
    dev: &str,
    netns: &str,
    parent: Option<usize>,
    kind: Kind,
) -> usize {
    let i = shape(l, kind, rect, label, "", netns, parent);
    l.shapes[i].device = Some(dev.into());
    i
}

fn anchor(l: &mut Layout, netns: &str, key: &str, p: Point) -> usize {
    let v = l.graph.add(p);
    l.anchors.push((netns.into(), key.into(), v));
    v
}

fn wire(l: &mut Layout, a: usize, b: usize, cable: bool) {
    l.graph.link(a, b);
    let (pa, pb) = (l.graph.points[a], l.graph.points[b]);
    l.wires.push(Wire {
        a: pa,
        b: pb,
        cable,
    });
}

/// A node and everything in it; returns the vertex of its eth0.
fn place_node(l: &mut Layout, n: &NodeView, x: f64, w: f64, r: &Rows) -> usize {
    let node = shape(
        l,
        Kind::Node,
        Rect {
            x,
            y: MARGIN,
            w,
            h: r.eth0 - MARGIN,
        },
        &n.name,
        &node_detail(n),
        &n.name,
        None,
    );
    let cx = x + w / 2.0;
    // The IP layer and flannel.1, side by side, centred.
    let row_w = stack_row_width(n);
    let stack_c = pt(cx - row_w / 2.0 + stack_w() / 2.0, r.stack);
    shape(
        l,
        Kind::Stack,
        Rect::centred(stack_c, stack_w(), 24.0),
        STACK_LABEL,
        "",
        &n.name,
        Some(node),
    );
    let stack = anchor(l, &n.name, "", stack_c);
    let eth0_c = pt(cx, r.eth0);
    device(
        l,
        device_rect(eth0_c, &device_label(&n.eth0)),
        &device_label(&n.eth0),
        &n.eth0.name,
        &n.name,
        Some(node),
        Kind::Device,
    );
    let eth0 = anchor(l, &n.name, &n.eth0.name, eth0_c);
    wire(l, stack, eth0, false);
    if let Some(v) = &n.vxlan {
        let label = vtep_label(v);
        let vw = text_width(&label, SMALL) + 14.0;
        let c = pt(stack_c.x + stack_w() / 2.0 + 16.0 + vw / 2.0, r.stack);
        device(
            l,
            Rect::centred(c, vw, DEVICE_H),
            &label,
            &v.name,
            &n.name,
            Some(node),
            Kind::Vtep,
        );
        let vtep = anchor(l, &n.name, &v.name, c);
        wire(l, stack, vtep, false);
    }
    if n.pods.is_empty() {
        return eth0;
    }
    let pods_w = n.pods.len() as f64 * (POD_W + POD_GAP) - POD_GAP;
    let mut ports = Vec::new();
    let bridge_at = pt(stack_c.x, r.bridge);
    let bridge = n.bridge.as_ref().map(|b| {
        let label = format!(
            "{} · bridge · {}",
            b.name,
            b.addr.clone().unwrap_or_default()
        );
        let rect = Rect {
            x: x + NODE_PAD,
            y: r.bridge - 11.0,
            w: w - 2.0 * NODE_PAD,
            h: 22.0,
        };
        device(l, rect, &label, &b.name, &n.name, Some(node), Kind::Bridge);
        let v = anchor(l, &n.name, &b.name, bridge_at);
        wire(l, v, stack, false);
        v
    });
    if let Some(b) = bridge {
        ports.push(b);
    }
    let mut px = cx - pods_w / 2.0;
    for pod in &n.pods {
        let veth = place_pod(
            l,
            pod,
            &n.name,
            Rect {
                x: px,
                y: r.pods_top,
                w: POD_W,
                h: r.pod_h,
            },
            node,
            r,
        );
        if bridge.is_some() {
            let port = l.graph.add(pt(px + POD_W / 2.0, r.bridge));
            wire(l, veth, port, true);
            ports.push(port);
        }
        px += POD_W + POD_GAP;
    }
    l.graph.chain_by_x(ports);
    eth0
}

/// A pod inside its node; returns the vertex of the node's end of its veth pair.
fn place_pod(
    l: &mut Layout,
    p: &PodView,
    node_name: &str,
    rect: Rect,
    node: usize,
    r: &Rows,
) -> usize {
    let detail = format!("{} · {}", p.namespace, p.ip);
    let pod = shape(
        l,
        Kind::Pod,
        rect,
        &fit(&p.name, rect.w - 16.0, POD_TITLE),
        &detail,
        &p.name,
        Some(node),
    );
    l.shapes[pod].name = p.name.clone();
    let cx = rect.x + rect.w / 2.0;
    let stack = anchor(l, &p.name, "", pt(cx, rect.bottom() - 26.0));
    // Chips two by two: pause first, then the app containers.
    let chip_w = (rect.w - 16.0 - 6.0) / 2.0;
    let names = std::iter::once("pause").chain(p.containers.iter().map(String::as_str));
    for (i, name) in names.enumerate() {
        let c = pt(
            rect.x + 8.0 + chip_w / 2.0 + (i % 2) as f64 * (chip_w + 6.0),
            rect.y + 38.0 + (i / 2) as f64 * CHIP_PITCH + CHIP_H / 2.0,
        );
        let kind = if i == 0 { Kind::Pause } else { Kind::Container };
        let label = fit(name, chip_w - 8.0, SMALL);
        let chip = shape(
            l,
            kind,
            Rect::centred(c, chip_w, CHIP_H),
            &label,
            "",
            &p.name,
            Some(pod),
        );
        l.shapes[chip].name = name.to_string();
        if i > 0 {
            let v = anchor(l, &p.name, &format!("ctr:{name}"), c);
            l.graph.link(v, stack);
        }
    }
    let lo_c = pt(rect.x + 8.0 + 14.0, rect.bottom() - 16.0);
    device(
        l,
        Rect::centred(lo_c, 28.0, 16.0),
        "lo",
        "lo",
        &p.name,
        Some(pod),
        Kind::Device,
    );
    let lo = anchor(l, &p.name, "lo", lo_c);
    l.graph.link(lo, stack);
    let eth0_c = pt(cx, rect.bottom());
    device(
        l,
        device_rect(eth0_c, &p.eth0.name),
        &p.eth0.name,
        &p.eth0.name,
        &p.name,
        Some(pod),
        Kind::Device,
    );
    let eth0 = anchor(l, &p.name, &p.eth0.name, eth0_c);
    l.graph.link(stack, eth0);
    let veth_c = pt(cx, r.veth);
    device(
        l,
        device_rect(veth_c, &p.host_veth.name),
        &p.host_veth.name,
        &p.host_veth.name,
        node_name,
        Some(node),
        Kind::Device,
    );
    let veth = anchor(l, node_name, &p.host_veth.name, veth_c);
    wire(l, eth0, veth, true);
    veth
}

/// `text`, cut with an ellipsis to fit `width`.
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let keep = ((width / (size * 0.62)) as usize).saturating_sub(1);
    format!("{}…", text.chars().take(keep).collect::<String>())
}

fn host_detail(h: &HostView) -> String {
    let place = if h.internet {
        "on the internet"
    } else {
        "on the LAN"
    };
    match &h.process {
        Some(p) => format!("{place} · {p}"),
        None => place.to_string(),
    }
}

fn host_width(h: &HostView) -> f64 {
    text_width(&h.name, TITLE)
        .max(text_width(&host_detail(h), SMALL))
        .max(text_width(&device_label(&h.eth0), SMALL) + 14.0)
        .max(150.0)
        + 24.0
}

/// An outside host; returns the vertex of its eth0. On the LAN its eth0 sits on its bottom
/// edge; on the internet, on its left edge.
fn place_host(l: &mut Layout, h: &HostView, rect: Rect) -> usize {
    let host = shape(l, Kind::Host, rect, &h.name, &host_detail(h), &h.name, None);
    // On the internet the box is entered from the left, level with the VNet's line.
    let (centre_p, c) = if h.internet {
        (
            pt(rect.x + rect.w * 0.75, rect.y + 56.0),
            pt(rect.x, rect.y + 56.0),
        )
    } else {
        (
            pt(rect.x + rect.w / 2.0, rect.y + rect.h / 2.0 + 6.0),
            pt(rect.x + rect.w / 2.0, rect.bottom()),
        )
    };
    let centre = anchor(l, &h.name, "", centre_p);
    let label = device_label(&h.eth0);
    let mut d = device_rect(c, &label);
    if h.internet {
        // Keep the label inside the drawing: the box straddles the edge from the inside.
        d.x = rect.x + 6.0;
    }
    device(
        l,
        d,
        &label,
        &h.eth0.name,
        &h.name,
        Some(host),
        Kind::Device,
    );
    let eth0 = anchor(
        l,
        &h.name,
        &h.eth0.name,
        if h.internet { pt(d.x, c.y) } else { c },
    );
    wire(l, centre, eth0, false);
    eth0
}

/// A plain LAN: a switch drawn as a bus under the nodes. Returns the drawing's bottom.
fn place_lan(l: &mut Layout, t: &Topology, eth0s: &[usize], right: f64, r: &Rows) -> f64 {
    let y = r.eth0 + 40.0;
    let mut bus: Vec<usize> = Vec::new();
    for &e in eth0s {
        let x = l.graph.points[e].x;
        let b = l.graph.add(pt(x, y));
        wire(l, e, b, true);
        bus.push(b);
    }
    let label = format!("LAN {} · a switch", t.underlay.cidr);
    let lan = shape(
        l,
        Kind::Lan,
        Rect {
            x: MARGIN,
            y: y - 4.0,
            w: (right - MARGIN).max(text_width(&label, SMALL) + 16.0),
            h: 30.0,
        },
        &label,
        "",
        "",
        None,
    );
    let mut bottom = l.shapes[lan].rect.bottom();
    for h in t.hosts.iter().filter(|h| h.internet) {
        let rect = Rect {
            x: right + NODE_GAP + 20.0,
            y: y - 56.0,
            w: host_width(h),
            h: 76.0,
        };
        let e = place_host(l, h, rect);
        let b = l.graph.add(pt(right, y));
        wire(l, e, b, true);
        bus.push(b);
        bottom = bottom.max(rect.bottom());
    }
    let sorted = l.graph.chain_by_x(bus);
    for w in sorted.windows(2) {
        wire(l, w[0], w[1], true);
    }
    bottom
}

/// The Azure VNet: an L3 fabric with its route table, under the nodes; internet hosts to
/// its right. Returns the drawing's bottom.
fn place_vnet(l: &mut Layout, t: &Topology, eth0s: &[usize], right: f64, r: &Rows) -> f64 {
    let u = &t.underlay;
    let fabric = u.fabric.clone().unwrap_or_else(|| "azure:vnet".into());
    let mut lines = Vec::new();
    if let Some(rt) = &u.route_table {
        lines.push(format!("route table {rt}:"));
        lines.extend(u.routes.iter().map(|r| format!("  {r}")));
    }
    if let Some(ip) = &u.outbound_ip {
        lines.push(format!("outbound SNAT to {ip}"));
    }
    let title = format!("Azure VNet {} · an L3 fabric", u.cidr);
    let w = lines
        .iter()
        .map(|s| text_width(s, SMALL))
        .fold(text_width(&title, SMALL), f64::max)
        + 24.0;
    let rect = Rect {
        x: MARGIN,
        y: r.eth0 + 36.0,
        w: (right - MARGIN).max(w),
        h: 40.0 + lines.len() as f64 * 14.0,
    };
    let vnet = shape(l, Kind::Vnet, rect, &title, "", &fabric, None);
    l.shapes[vnet].lines = lines;
    let y = rect.y + 12.0;
    let centre = anchor(l, &fabric, "", pt(rect.x + rect.w / 2.0, y));
    let mut bus = vec![centre];
    for &e in eth0s {
        let b = l.graph.add(pt(l.graph.points[e].x, y));
        wire(l, e, b, true);
        bus.push(b);
    }
    let mut bottom = rect.bottom();
    let mut hx = rect.right() + 40.0;
    for h in t.hosts.iter().filter(|h| h.internet) {
        let hw = host_width(h);
        let hr = Rect {
            x: hx,
            y: y - 56.0,
            w: hw,
            h: 76.0,
        };
        let e = place_host(l, h, hr);
        let edge = l.graph.add(pt(rect.right(), y));
        l.graph.link(edge, e);
        l.wires.push(Wire {
            a: l.graph.points[edge],
            b: l.graph.points[e],
            cable: true,
        });
        bus.push(edge);
        bottom = bottom.max(hr.bottom());
        hx += hw + NODE_GAP;
    }
    l.graph.chain_by_x(bus);
    bottom
}
