//! The placement itself: rows from top to bottom (node header, pods, host-side veths, the
//! bridge, the kernel's IP layer and flannel.1, the node's eth0, the underlay), columns from
//! left to right (nodes, then outside hosts). Every size follows from the text it holds.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | sizes, rows, [`place`]: the whole drawing; the shapes, anchors and wires every part uses |
//! | `node.rs` | a node and its pods, host veths, bridge, IP layer, flannel.1 and eth0 |
//! | `underlay.rs` | outside hosts, and the LAN or the Azure VNet under the nodes |

mod node;
mod underlay;

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
        eth0s.push(node::place_node(&mut l, node, x, w, &r));
        x += w + NODE_GAP;
    }
    for host in t.hosts.iter().filter(|h| !h.internet) {
        let w = underlay::host_width(host);
        eth0s.push(underlay::place_host(
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
        underlay::place_vnet(&mut l, t, &eth0s, right, &r)
    } else {
        underlay::place_lan(&mut l, t, &eth0s, right, &r)
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

/// `text`, cut with an ellipsis to fit `width`.
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let keep = ((width / (size * 0.62)) as usize).saturating_sub(1);
    format!("{}…", text.chars().take(keep).collect::<String>())
}
