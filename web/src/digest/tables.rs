//! The tables of a hop's namespace as they stand after the hop, in the tools' own words,
//! each distinct output kept once per lesson.

use crate::model::{TableRef, COMMANDS, RESOURCE_GROUP};
use packetwalk_core::engine::Run;
use packetwalk_core::fabric::SegmentKind;
use packetwalk_core::show::{render, Table};
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

/// The tables of `netns` after hop `hop` of `run`.
pub fn tables_at(run: &Run, hop: usize, netns: &str, texts: &mut Texts) -> Vec<TableRef> {
    let (namespaces, segments) = run.state_at(Some(hop));
    if let Some(ns) = namespaces.iter().find(|n| n.name == netns) {
        return Table::ALL
            .iter()
            .filter(|t| t.applies_to(ns))
            .filter_map(|t| {
                let command = COMMANDS.iter().position(|c| *c == t.command())? as u8;
                Some(TableRef {
                    command,
                    text: texts.intern(render(ns, *t)),
                })
            })
            .collect();
    }
    // The cloud fabric: the route table AKS keeps for kubenet.
    let fabric = netns.strip_prefix("azure:");
    segments
        .iter()
        .filter(|s| Some(s.name.as_str()) == fabric)
        .filter_map(|s| match &s.kind {
            SegmentKind::AzureVnet(v) => Some(TableRef {
                command: (COMMANDS.len() - 1) as u8,
                text: texts.intern(v.route_table_text(RESOURCE_GROUP)),
            }),
            SegmentKind::Ethernet => None,
        })
        .collect()
}

/// The table a hop is about: the one it changed, else the one its event reads.
pub fn tab_for(event: &packetwalk_core::trace::Event, changed: &[&str]) -> &'static str {
    use packetwalk_core::trace::Event as E;
    for t in changed {
        match *t {
            "neigh" => return "ip neigh",
            "fdb" => return "bridge fdb show",
            "conntrack" => return "conntrack -L",
            _ => {}
        }
    }
    match event {
        E::RouteLookup | E::Drop { .. } => "ip route",
        E::ArpRequest | E::ArpReply => "ip neigh",
        E::BridgeForward | E::VxlanEncap | E::VxlanDecap => "bridge fdb show",
        E::Netfilter { .. } | E::Dnat | E::Snat => "iptables-save -t nat",
        E::ConntrackReply => "conntrack -L",
        E::DnsQuery | E::DnsAnswer => "cat /etc/resolv.conf",
        E::FabricRoute => "az network route-table route list -o table",
        _ => "ip addr",
    }
}
