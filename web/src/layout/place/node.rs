//! A node as drawn: its header, pods (containers and pause), host-side veths, the bridge,
//! the kernel's IP layer, flannel.1 and eth0, wired together.

use super::*;

/// A node and everything in it; returns the vertex of its eth0.
pub(super) fn place_node(l: &mut Layout, n: &NodeView, x: f64, w: f64, r: &Rows) -> usize {
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
