//! The engine's decision → the Decision card's data: route rows with their subnet tests
//! in binary, the iptables rules walked, the FDB, ARP, conntrack, VXLAN, fabric and DNS.
//! `card` renders it; the page gets the HTML.

use packetwalk_core::addr::SubnetCheck;
use packetwalk_core::fabric::AzureVnet;
use packetwalk_core::netfilter::NatVerdict;
use packetwalk_core::route::Route;
use packetwalk_core::trace::Decision as Core;

/// Why the packet went where it went.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Local {
        addr: String,
        dev: String,
    },
    /// A route lookup; `matched` is none when no row matched.
    Route {
        rows: Vec<RouteRow>,
        matched: Option<u32>,
        next_hop: String,
        dev: String,
    },
    Neighbour {
        ip: String,
        dev: String,
        entry: Option<String>,
    },
    Fdb {
        dst: String,
        entry: Option<String>,
        flood: Vec<String>,
    },
    Nat {
        /// `nat` or `filter`.
        table: String,
        hook: String,
        rules: Vec<RuleRow>,
        verdict: String,
        policy: Option<String>,
    },
    Conntrack {
        entry: String,
        direction: String,
    },
    Vxlan {
        vni: u32,
        fdb: String,
        remote: String,
        sport: u16,
    },
    Fabric {
        rows: Vec<String>,
        matched: u32,
        next_hop: String,
    },
    Dns {
        candidate: String,
        reason: String,
        answer: String,
    },
}

/// One `ip route` row and its subnet test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteRow {
    pub text: String,
    pub prefix_len: u8,
    pub matches: bool,
    /// `dst`, `& mask`, `= dst & mask`, `==`/`!= prefix`: dotted quad and binary.
    pub binary: Vec<String>,
}

/// One iptables rule a walk looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRow {
    pub chain: String,
    pub rule_no: u32,
    pub text: String,
    pub matched: bool,
    /// A `statistic` draw.
    pub note: Option<String>,
}

pub fn decision(d: &Core) -> Decision {
    match d {
        Core::Local { addr, dev } => Decision::Local {
            addr: addr.to_string(),
            dev: dev.clone(),
        },
        Core::Route {
            table,
            matched,
            checks,
            next_hop,
            dev,
        } => Decision::Route {
            rows: route_rows(table, checks),
            matched: Some(*matched as u32),
            next_hop: next_hop.to_string(),
            dev: dev.clone(),
        },
        Core::NoRoute { table, checks } => Decision::Route {
            rows: route_rows(table, checks),
            matched: None,
            next_hop: String::new(),
            dev: String::new(),
        },
        Core::Neighbour { ip, dev, entry } => Decision::Neighbour {
            ip: ip.to_string(),
            dev: dev.clone(),
            entry: entry.as_ref().map(|e| e.to_string().trim_end().to_string()),
        },
        Core::Fdb {
            bridge,
            dst,
            entry,
            ports,
        } => Decision::Fdb {
            dst: dst.to_string(),
            entry: entry
                .as_ref()
                .map(|e| e.line(bridge).trim_end().to_string()),
            flood: ports.clone(),
        },
        Core::Nat(walk) => Decision::Nat {
            table: walk.table().to_string(),
            hook: walk.hook.chain_name().to_string(),
            rules: walk
                .steps
                .iter()
                .map(|s| RuleRow {
                    chain: s.chain.clone(),
                    rule_no: s.rule_no as u32,
                    text: s.text(),
                    matched: s.matched,
                    note: s.draw.map(|d| d.to_string()),
                })
                .collect(),
            verdict: match &walk.verdict {
                NatVerdict::Accept => "ACCEPT: no translation".to_string(),
                NatVerdict::Dnat(to) => format!("DNAT --to-destination {to}"),
                NatVerdict::Masquerade { random_fully: true } => {
                    "MASQUERADE --random-fully".to_string()
                }
                NatVerdict::Masquerade {
                    random_fully: false,
                } => "MASQUERADE".to_string(),
                NatVerdict::Drop => "DROP".to_string(),
                NatVerdict::Reject => "REJECT: ICMP port unreachable to the sender".to_string(),
            },
            policy: walk.policy_label(),
        },
        Core::Conntrack { entry, direction } => Decision::Conntrack {
            entry: entry.to_string().trim_end().to_string(),
            direction: direction.name().to_string(),
        },
        Core::Vxlan {
            vni,
            dev,
            fdb,
            sport,
        } => Decision::Vxlan {
            vni: *vni,
            fdb: fdb.line(dev),
            remote: fdb.dst.to_string(),
            sport: *sport,
        },
        Core::Fabric { table, matched, .. } => Decision::Fabric {
            rows: table
                .iter()
                .map(|r| AzureVnet::row_text(r).trim_end().to_string())
                .collect(),
            matched: *matched as u32,
            next_hop: d.fabric_next_hop().unwrap_or_default(),
        },
        Core::Dns {
            candidate,
            reason,
            answer,
        } => Decision::Dns {
            candidate: candidate.clone(),
            reason: reason.to_string(),
            answer: answer.as_ref().map(|a| a.to_string()).unwrap_or_default(),
        },
    }
}

fn route_rows(table: &[Route], checks: &[SubnetCheck]) -> Vec<RouteRow> {
    table
        .iter()
        .enumerate()
        .map(|(i, route)| {
            let check = checks.get(i);
            RouteRow {
                text: route.to_string().trim_end().to_string(),
                prefix_len: check.map(|c| c.cidr.prefix_len()).unwrap_or(0),
                matches: check.is_some_and(|c| c.matches),
                binary: check.map(|c| c.binary_lines().to_vec()).unwrap_or_default(),
            }
        })
        .collect()
}
