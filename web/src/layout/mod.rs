//! Where everything sits on the drawing, computed from the lesson's cluster (nothing is
//! placed by hand): nodes side by side, each with its pods (containers and pause), the pod's
//! `eth0@ifN` joined to the node's `vethXXXX@ifM`, the bridge, the kernel's routing and
//! netfilter, `flannel.1`, the node's `eth0`; below them the LAN or the Azure VNet with its
//! route table; outside hosts beside. Plain functions, tested natively; the components only
//! draw what [`Layout`] says.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | [`layout`]: a [`Topology`] → a [`Layout`]; anchors of trace locations |
//! | [`geometry`] | points, rectangles, text width, walking along a polyline |
//! | [`graph`] | the wires as a graph and the shortest path between two points |
//! | `place/` | the placement: rows and columns, nodes, pods, the underlay, hosts |

pub mod geometry;
pub mod graph;
mod place;
#[cfg(test)]
mod tests;

use crate::model::{At, Topology};
use geometry::{Point, Rect};
use graph::Graph;

/// What a shape on the drawing stands for; the CSS styles each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Node,
    Pod,
    Container,
    /// The pause container, which holds the pod's network namespace.
    Pause,
    /// An interface: a veth end, a NIC, `lo`.
    Device,
    Bridge,
    /// flannel's VXLAN device.
    Vtep,
    /// The node's IP layer: routing, iptables, conntrack.
    Stack,
    Host,
    Vnet,
    Lan,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub kind: Kind,
    pub rect: Rect,
    /// The label, cut with an ellipsis when it would not fit.
    pub title: String,
    /// The full name (a tooltip when the title is cut).
    pub name: String,
    /// A second line (an address, a role); may be empty.
    pub detail: String,
    /// More lines (the VNet's route table).
    pub lines: Vec<String>,
    pub netns: String,
    /// The interface's `ip link` name, for devices and the bridge.
    pub device: Option<String>,
    /// The shape this one sits inside.
    pub parent: Option<usize>,
}

/// A line on the drawing: a cable (veth pair, NIC to the LAN) or a path inside a kernel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wire {
    pub a: Point,
    pub b: Point,
    pub cable: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
    pub wires: Vec<Wire>,
    pub graph: Graph,
    /// (namespace, device or `""` for the namespace itself or `ctr:<name>`, vertex).
    anchors: Vec<(String, String, usize)>,
}

/// Lay out a lesson's cluster.
pub fn layout(topology: &Topology) -> Layout {
    place::place(topology)
}

impl Layout {
    /// The vertex where the packet is at a hop: its device; the container for a process's
    /// send or delivery; else the namespace's IP layer.
    pub fn anchor(&self, at: &At, container: Option<&str>) -> Option<usize> {
        let find = |key: &str| {
            self.anchors
                .iter()
                .find(|(n, d, _)| *n == at.netns && d == key)
                .map(|a| a.2)
        };
        match (&at.device, container) {
            (Some(d), _) => find(d).or_else(|| find("")),
            (None, Some(c)) => find(&format!("ctr:{c}")).or_else(|| find("")),
            (None, None) => find(""),
        }
    }

    /// Does `at` have an anchor of its own (not a fallback)?
    pub fn has_exact_anchor(&self, at: &At) -> bool {
        let key = at.device.as_deref().unwrap_or("");
        self.anchors
            .iter()
            .any(|(n, d, _)| *n == at.netns && d == key)
    }

    pub fn point(&self, vertex: usize) -> Point {
        self.graph.points.get(vertex).copied().unwrap_or_default()
    }

    /// The way along the wires from one vertex to another.
    pub fn path(&self, from: usize, to: usize) -> Vec<Point> {
        self.graph.path(from, to)
    }

    /// The shape of the device at `at` (the highlighted one), if it is drawn.
    pub fn device_shape(&self, at: &At) -> Option<usize> {
        let d = at.device.as_deref()?;
        self.shapes
            .iter()
            .position(|s| s.netns == at.netns && s.device.as_deref() == Some(d))
    }

    /// The box of a namespace: its pod, node, host, or the VNet.
    pub fn scope_shape(&self, netns: &str) -> Option<usize> {
        self.shapes.iter().position(|s| {
            s.netns == netns && matches!(s.kind, Kind::Pod | Kind::Node | Kind::Host | Kind::Vnet)
        })
    }
}

/// A coordinate as the SVG gets it: whole units keep the numbers short.
pub fn unit(v: f64) -> i32 {
    v.round() as i32
}

impl Layout {
    /// The path so far: every wire the packet travelled from hop 0 to hop `upto`, as SVG
    /// path data, one string for the legs going out and one for the legs coming back.
    /// `stops` holds each hop's vertex and whether its leg is a way back.
    pub fn trail(&self, stops: &[(usize, bool)], upto: usize) -> [String; 2] {
        type Segment = (usize, (i32, i32), (i32, i32));
        let mut seen: Vec<Segment> = Vec::new();
        let mut out = [String::new(), String::new()];
        for w in stops.iter().take(upto + 1).collect::<Vec<_>>().windows(2) {
            let back = usize::from(w[1].1);
            for seg in self.path(w[0].0, w[1].0).windows(2) {
                let (a, b) = (
                    (unit(seg[0].x), unit(seg[0].y)),
                    (unit(seg[1].x), unit(seg[1].y)),
                );
                let key = (back, a.min(b), a.max(b));
                if a == b || seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                out[back] += &format!("M{} {}L{} {}", a.0, a.1, b.0, b.1);
            }
        }
        out
    }
}
