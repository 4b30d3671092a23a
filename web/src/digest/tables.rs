//! The tables of a hop's namespace as they stand after the hop, in the tools' own words,
//! each distinct output kept once per lesson.

use crate::model::TableRef;
use packetwalk_core::engine::Run;
use packetwalk_core::show::at::tables;
use packetwalk_core::trace::{Hop, Location};
use packetwalk_core::vocab::{EventKind, Table};
use std::collections::HashMap;

/// Each distinct value once, by index: table texts, packets, hops.
pub struct Pool<T> {
    pub list: Vec<T>,
    index: HashMap<Vec<u8>, u32>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            list: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: crate::codec::Codec> Pool<T> {
    /// The index of `value`, added if it is new. Values are told apart by their bytes.
    pub fn intern(&mut self, value: T) -> u32 {
        let key = crate::codec::bytes_of(&value);
        if let Some(i) = self.index.get(&key) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.index.insert(key, i);
        self.list.push(value);
        i
    }
}

pub type Texts = Pool<String>;

/// The tables of the place `at` after hop `hop` of `run`, but the filter table: its
/// reference on every node's hop would grow the embedded digest, and the first load has no
/// room for it (168.6 of 170 KB gzip); `packetwalk show … filter` and the lab print it, and
/// a filter walk's decision card (rendered by the engine worker) shows the rules walked.
pub fn tables_at(run: &Run, hop: usize, at: &Location, texts: &mut Texts) -> Vec<TableRef> {
    let (namespaces, segments) = run.state_at(Some(hop));
    tables(namespaces, segments, at)
        .into_iter()
        .filter(|(table, _)| *table != Table::IptablesSaveFilter)
        .map(|(table, text)| TableRef {
            table,
            text: texts.intern(text),
        })
        .collect()
}

/// The table a hop is about: the one its change wrote into (in its own namespace), else
/// the one its event reads.
pub fn tab_for(hop: &Hop) -> Table {
    let changed = hop
        .changes
        .iter()
        .filter(|c| c.netns == hop.at.netns)
        .find_map(|c| c.table.table());
    if let Some(t) = changed {
        return t;
    }
    match hop.event.kind() {
        EventKind::RouteLookup | EventKind::Drop => Table::IpRoute,
        EventKind::ArpRequest | EventKind::ArpReply => Table::IpNeigh,
        EventKind::BridgeForward | EventKind::VxlanEncap | EventKind::VxlanDecap => {
            Table::BridgeFdb
        }
        EventKind::Netfilter | EventKind::Dnat | EventKind::Snat => Table::IptablesSaveNat,
        // The filter table is not among the page's tabs (see `tables_at`); its rules test
        // the conntrack state, so the hop opens conntrack's table.
        EventKind::ConntrackReply | EventKind::Filter => Table::ConntrackL,
        EventKind::DnsQuery | EventKind::DnsAnswer => Table::ResolvConf,
        EventKind::FabricRoute => Table::AzureRoutes,
        EventKind::Send
        | EventKind::Transmit
        | EventKind::Receive
        | EventKind::Deliver
        | EventKind::Refused => Table::IpAddr,
    }
}
