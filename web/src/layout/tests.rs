use super::geometry::{along, pt, text_width, Rect};
use super::*;
use crate::model::{Device, HostView, NodeView, PodView, Underlay};

fn dev(name: &str, addr: Option<&str>) -> Device {
    Device {
        name: name.into(),
        addr: addr.map(Into::into),
    }
}

/// `nodes` nodes with `pods[i]` pods each, on a LAN or the Azure VNet, with outside hosts.
fn cluster(pods: &[usize], azure: bool, vxlan: bool, hosts: usize) -> Topology {
    let nodes = pods
        .iter()
        .enumerate()
        .map(|(i, &count)| NodeView {
            name: format!("aks-nodepool1-27511634-vmss00000{i}"),
            pod_cidr: format!("10.244.{i}.0/24"),
            eth0: dev("eth0", Some(&format!("10.240.0.{}/16", i + 4))),
            bridge: (count > 0).then(|| dev("cni0", Some(&format!("10.244.{i}.1/24")))),
            vxlan: vxlan.then(|| dev("flannel.1", Some(&format!("10.244.{i}.0/32")))),
            pods: (0..count)
                .map(|j| PodView {
                    name: format!("coredns-5d78c9869d-{i}x{j}kqz"),
                    namespace: "kube-system".into(),
                    ip: format!("10.244.{i}.{}", j + 10),
                    containers: vec!["coredns".into(), "sidecar-proxy".into()],
                    eth0: dev(&format!("eth0@if{}", j + 5), Some("10.244.0.10/24")),
                    host_veth: dev(&format!("veth{j}2900dfab@if2"), None),
                })
                .collect(),
        })
        .collect();
    Topology {
        network: if vxlan { "flannel-vxlan" } else { "kubenet" }.into(),
        pod_cidr: "10.244.0.0/16".into(),
        service_cidr: "10.96.0.0/12".into(),
        nodes,
        underlay: Underlay {
            azure,
            fabric: azure.then(|| "azure:vnet".into()),
            cidr: "10.240.0.0/16".into(),
            gateway: Some("10.240.0.1".into()),
            route_table: azure.then(|| "aks-agentpool-27511634-routetable".into()),
            routes: pods
                .iter()
                .enumerate()
                .map(|(i, _)| format!("10.244.{i}.0/24 → 10.240.0.{}", i + 4))
                .collect(),
            outbound_ip: azure.then(|| "20.62.133.10".into()),
        },
        hosts: (0..hosts)
            .map(|h| HostView {
                name: format!("host-{h}"),
                ip: format!("192.168.1.{}", 100 + h),
                internet: h % 2 == 1,
                process: Some("curl".into()),
                eth0: dev("eth0", Some("192.168.1.100/24")),
            })
            .collect(),
        services: vec![],
    }
}

fn all_shapes_sit_well(l: &Layout, what: &str) {
    let view = Rect {
        x: 0.0,
        y: 0.0,
        w: l.width,
        h: l.height,
    };
    for s in &l.shapes {
        assert!(
            view.contains(&s.rect),
            "{what}: {:?} `{}` leaves the {}×{} drawing",
            s.kind,
            s.title,
            l.width,
            l.height
        );
        if let Some(p) = s.parent {
            let parent = &l.shapes[p].rect;
            match s.kind {
                // Devices straddle their box's edge: their centre is on or inside it.
                Kind::Device => {
                    let c = s.rect.centre();
                    assert!(
                        c.x >= parent.x
                            && c.x <= parent.right()
                            && c.y >= parent.y
                            && c.y <= parent.bottom(),
                        "{what}: {} outside its box",
                        s.title
                    );
                }
                _ => assert!(
                    parent.contains(&s.rect),
                    "{what}: {:?} `{}` spills out of `{}`",
                    s.kind,
                    s.title,
                    l.shapes[p].title
                ),
            }
        }
        let room = match s.kind {
            Kind::Node | Kind::Pod | Kind::Host | Kind::Vnet | Kind::Lan | Kind::Bridge => {
                s.rect.w - 8.0
            }
            _ => s.rect.w - 4.0,
        };
        let size = match s.kind {
            Kind::Node | Kind::Host => 12.0,
            Kind::Pod => place::POD_TITLE,
            _ => 10.0,
        };
        assert!(
            text_width(&s.title, size) <= room + 0.5,
            "{what}: label `{}` is wider than its {:?}",
            s.title,
            s.kind
        );
    }
    for (i, a) in l.shapes.iter().enumerate() {
        for b in &l.shapes[i + 1..] {
            let siblings = a.parent == b.parent;
            let devices = a.kind == Kind::Device && b.kind == Kind::Device;
            if (siblings || devices) && a.rect.overlaps(&b.rect) {
                panic!(
                    "{what}: {:?} `{}` overlaps {:?} `{}`",
                    a.kind, a.title, b.kind, b.title
                );
            }
        }
    }
}

#[test]
fn one_to_three_nodes_with_up_to_four_pods_fit_without_overlap() {
    for nodes in 1..=3 {
        for pods in 0..=4 {
            for azure in [false, true] {
                for hosts in [0, 1, 2] {
                    let counts: Vec<usize> = (0..nodes)
                        .map(|i| if i == 0 { pods } else { (pods + i) % 5 })
                        .collect();
                    let l = layout(&cluster(&counts, azure, !azure, hosts));
                    all_shapes_sit_well(&l, &format!("{counts:?} azure={azure} hosts={hosts}"));
                }
            }
        }
    }
}

#[test]
fn every_lesson_lays_out_cleanly_and_every_hop_has_an_anchor() {
    for lesson in crate::digest::site().lessons {
        let body = lesson.body.unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        let l = layout(&body.topology);
        all_shapes_sit_well(&l, &lesson.id);
        for (w, _) in body.walks.iter().enumerate() {
            for hop in body.walk_hops(w) {
                assert!(
                    l.has_exact_anchor(&hop.at),
                    "{}: no anchor for {:?}",
                    lesson.id,
                    hop.at
                );
                if let Some(c) = &hop.container {
                    let at = At {
                        device: Some(format!("ctr:{c}")),
                        ..hop.at.clone()
                    };
                    assert!(
                        l.has_exact_anchor(&at),
                        "{}: no anchor for container {c}",
                        lesson.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_anchor_is_reachable_along_the_wires() {
    for lesson in crate::digest::site().lessons {
        let body = lesson.body.unwrap();
        let l = layout(&body.topology);
        let hops = body.walk_hops(0);
        for pair in hops.windows(2) {
            let a = l.anchor(&pair[0].at, pair[0].container.as_deref()).unwrap();
            let b = l.anchor(&pair[1].at, pair[1].container.as_deref()).unwrap();
            let path = l.path(a, b);
            assert_eq!(path.first(), Some(&l.point(a)));
            assert_eq!(path.last(), Some(&l.point(b)));
            for seg in path.windows(2) {
                let linked = l.graph.edges.iter().any(|&(x, y)| {
                    let (px, py) = (l.point(x), l.point(y));
                    (px == seg[0] && py == seg[1]) || (px == seg[1] && py == seg[0])
                });
                assert!(
                    linked || seg[0] == seg[1],
                    "{}: the packet jumps from {:?} to {:?}",
                    lesson.id,
                    seg[0],
                    seg[1]
                );
            }
        }
    }
}

#[test]
fn the_packet_goes_down_the_veth_pair_from_a_pod_to_its_node() {
    let t = cluster(&[1], false, true, 0);
    let l = layout(&t);
    let pod = At {
        node: Some(t.nodes[0].name.clone()),
        netns: t.nodes[0].pods[0].name.clone(),
        device: Some("eth0@if5".into()),
        direction: "out".into(),
        place: crate::model::PlaceKind::Netns,
    };
    let node = At {
        node: pod.node.clone(),
        netns: t.nodes[0].name.clone(),
        device: Some("veth02900dfab@if2".into()),
        direction: "in".into(),
        place: crate::model::PlaceKind::Netns,
    };
    let (a, b) = (
        l.anchor(&pod, None).unwrap(),
        l.anchor(&node, None).unwrap(),
    );
    let path = l.path(a, b);
    assert_eq!(path.len(), 2, "one straight cable");
    assert_eq!(path[0].x, path[1].x);
    assert!(path[1].y > path[0].y, "the node's end is below the pod");
    assert_eq!(
        along(&path, 0.5),
        pt(path[0].x, (path[0].y + path[1].y) / 2.0)
    );
}

#[test]
fn a_namespace_wide_step_sits_on_the_namespace_and_a_process_on_its_container() {
    let t = cluster(&[1], true, false, 0);
    let l = layout(&t);
    let pod = &t.nodes[0].pods[0];
    let at = At {
        node: None,
        netns: pod.name.clone(),
        device: None,
        direction: String::new(),
        place: crate::model::PlaceKind::Netns,
    };
    let stack = l.anchor(&at, None).unwrap();
    let ctr = l.anchor(&at, Some("coredns")).unwrap();
    assert_ne!(stack, ctr);
    let pod_box = l.shapes[l.scope_shape(&pod.name).unwrap()].rect;
    for v in [stack, ctr] {
        let p = l.point(v);
        assert!(
            p.x > pod_box.x && p.x < pod_box.right() && p.y > pod_box.y && p.y < pod_box.bottom()
        );
    }
    let unknown = At {
        device: Some("nope0".into()),
        ..at
    };
    assert_eq!(
        l.anchor(&unknown, None),
        Some(stack),
        "an unknown device falls back to its namespace"
    );
    assert!(!l.has_exact_anchor(&unknown));
}

#[test]
fn long_names_are_cut_to_fit_a_chip() {
    assert_eq!(place::fit("nginx", 80.0, 10.0), "nginx");
    let cut = place::fit("a-very-long-container-name", 80.0, 10.0);
    assert!(
        cut.ends_with('…') && text_width(&cut, 10.0) <= 80.0,
        "{cut}"
    );
}

#[test]
fn the_trail_covers_each_wire_once_per_direction() {
    let site = crate::digest::site();
    let body = site
        .lesson("cross-node-vxlan")
        .unwrap()
        .body
        .as_ref()
        .unwrap();
    let l = layout(&body.topology);
    let hops = body.walk_hops(0);
    let first = hops[0].leg.clone();
    let stops: Vec<(usize, bool)> = hops
        .iter()
        .map(|h| {
            (
                l.anchor(&h.at, h.container.as_deref()).unwrap(),
                h.leg != first,
            )
        })
        .collect();
    assert_eq!(
        l.trail(&stops, 0),
        [String::new(), String::new()],
        "nothing travelled yet"
    );
    let [out, back] = l.trail(&stops, stops.len() - 1);
    assert!(!out.is_empty() && !back.is_empty());
    let segments: Vec<&str> = out.split('M').filter(|s| !s.is_empty()).collect();
    let unique: std::collections::BTreeSet<&&str> = segments.iter().collect();
    assert_eq!(segments.len(), unique.len(), "no wire is drawn twice");
}
