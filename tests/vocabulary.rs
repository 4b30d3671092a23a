//! The vocabulary the engine and the page share (packetwalk-vocab) agrees with the trace
//! the engine writes: every event's kind is its JSON tag, every changed table's name is
//! its JSON value, every table a hop's place has is printable, every process's hop in a
//! pod names a container of that pod.

use packetwalk_core::netns::Role;
use packetwalk_core::show::at::tables;
use packetwalk_core::vocab::{EventKind, PlaceKind, Table};

fn runs() -> Vec<(String, packetwalk_core::engine::Run)> {
    packetwalk_lessons::all()
        .into_iter()
        .map(|l| {
            let l = l.expect("every lesson parses");
            let run = l.run().expect("every lesson runs");
            (l.id, run)
        })
        .collect()
}

#[test]
fn every_event_kind_is_its_json_tag_and_every_change_its_json_table() {
    let mut seen = std::collections::BTreeSet::new();
    for (id, run) in runs() {
        for h in &run.trace.hops {
            let json = serde_json::to_value(h).unwrap();
            assert_eq!(json["event"]["kind"], h.event.kind().name(), "{id}");
            assert_eq!(
                EventKind::from_name(h.event.kind().name()),
                Some(h.event.kind())
            );
            let empty = Vec::new();
            let rows = json["changes"].as_array().unwrap_or(&empty);
            assert_eq!(rows.len(), h.changes.len(), "{id}");
            for (c, j) in h.changes.iter().zip(rows) {
                assert_eq!(j["table"], c.table.name(), "{id}");
            }
            seen.insert(h.event.kind());
        }
    }
    // The lessons between them use nearly every kind; a kind no lesson reaches is fine,
    // but the ones that carry the teaching must be there.
    for k in [
        EventKind::Dnat,
        EventKind::VxlanEncap,
        EventKind::FabricRoute,
        EventKind::DnsQuery,
    ] {
        assert!(seen.contains(&k), "{k:?} appears in no lesson");
    }
}

#[test]
fn every_hop_has_its_places_tables_and_the_fabric_only_its_route_table() {
    for (id, run) in runs() {
        for (i, h) in run.trace.hops.iter().enumerate() {
            let (ns, segs) = run.state_at(Some(i));
            let t = tables(ns, segs, &h.at);
            assert!(!t.is_empty(), "{id} #{i}: no tables at {:?}", h.at);
            match h.at.place {
                PlaceKind::Fabric => assert_eq!(
                    t.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
                    [Table::AzureRoutes],
                    "{id} #{i}"
                ),
                PlaceKind::Netns => {
                    assert!(t.iter().all(|(t, _)| *t != Table::AzureRoutes), "{id} #{i}");
                    assert_eq!(t[0].0, Table::IpAddr, "{id} #{i}");
                }
            }
        }
    }
}

#[test]
fn every_process_hop_in_a_pod_names_one_of_its_containers() {
    for (id, run) in runs() {
        let (namespaces, _) = run.state_at(None);
        for (i, h) in run.trace.hops.iter().enumerate() {
            let pod = namespaces
                .iter()
                .find(|n| n.name == h.at.netns)
                .and_then(|n| match &n.role {
                    Role::Pod { containers, .. } => Some(containers),
                    _ => None,
                });
            let process = matches!(
                h.event.kind(),
                EventKind::Send
                    | EventKind::Deliver
                    | EventKind::Refused
                    | EventKind::DnsQuery
                    | EventKind::DnsAnswer
            );
            match (pod, process) {
                (Some(cs), true) => {
                    let c = h
                        .container
                        .as_deref()
                        .unwrap_or_else(|| panic!("{id} #{i}: no container"));
                    assert!(
                        cs.iter().any(|x| x.name == c),
                        "{id} #{i}: {c} is not in the pod"
                    );
                }
                _ => assert_eq!(h.container, None, "{id} #{i}"),
            }
        }
    }
}
