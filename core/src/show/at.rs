//! The tables of the place a hop is at, as they stand then: a namespace's (every table
//! that applies to it), or the cloud fabric's route table.

use super::{applies_to, render, Table};
use crate::fabric::{Segment, SegmentKind};
use crate::netns::Netns;
use crate::trace::{fabric_name, Location};
use crate::vocab::consts::AKS_RESOURCE_GROUP;
use crate::vocab::PlaceKind;

/// Every table of the place `at`, in [`Table::ALL`] order, printed from `namespaces` and
/// `segments` (the state as of some hop: `engine::Run::state_at`).
pub fn tables(namespaces: &[Netns], segments: &[Segment], at: &Location) -> Vec<(Table, String)> {
    match at.place {
        PlaceKind::Netns => namespaces
            .iter()
            .find(|n| n.name == at.netns)
            .map(|ns| {
                Table::of_netns()
                    .filter(|t| applies_to(*t, ns))
                    .map(|t| (t, render(ns, t)))
                    .collect()
            })
            .unwrap_or_default(),
        PlaceKind::Fabric => segments
            .iter()
            .filter(|s| fabric_name(&s.name) == at.netns)
            .filter_map(|s| match &s.kind {
                SegmentKind::AzureVnet(v) => {
                    Some((Table::AzureRoutes, v.route_table_text(AKS_RESOURCE_GROUP)))
                }
                SegmentKind::Ethernet => None,
            })
            .collect(),
    }
}
