//! What lies below and beside the nodes: outside hosts, and the LAN or the Azure VNet
//! with its route table.

use super::*;

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

pub(super) fn host_width(h: &HostView) -> f64 {
    text_width(&h.name, TITLE)
        .max(text_width(&host_detail(h), SMALL))
        .max(text_width(&device_label(&h.eth0), SMALL) + 14.0)
        .max(150.0)
        + 24.0
}

/// An outside host; returns the vertex of its eth0. On the LAN its eth0 sits on its bottom
/// edge; on the internet, on its left edge.
pub(super) fn place_host(l: &mut Layout, h: &HostView, rect: Rect) -> usize {
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
pub(super) fn place_lan(
    l: &mut Layout,
    t: &Topology,
    eth0s: &[usize],
    right: f64,
    r: &Rows,
) -> f64 {
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
pub(super) fn place_vnet(
    l: &mut Layout,
    t: &Topology,
    eth0s: &[usize],
    right: f64,
    r: &Rows,
) -> f64 {
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
