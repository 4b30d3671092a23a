//! `iptables [-t nat|filter] -L|-S [CHAIN] [-n] [-v] [-x] [--line-numbers]` (iptables(8),
//! iptables v1.8.9 nf_tables; no `-t` is the filter table): the options read as its getopt
//! reads them (short ones may be grouped, `-nvL`; a chain name only right after `-L` or
//! `-S`), printed by packetwalk-core's `show::iptables_list`, the counters added up from the
//! walk's nat or filter decisions up to the hop.

use crate::ctx::{read_only, unmodelled, Ctx, Output};
use packetwalk_core::show::iptables_list::{self, Counters, ListFormat, Which};
use packetwalk_core::trace::Decision;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmd {
    List,
    Rules,
}

/// iptables' words for an argument it does not take there (iptables/xshared.c).
fn bad_argument(a: &str) -> Output {
    Output::err(format!(
        "Bad argument `{a}'\nTry `iptables -h' or 'iptables --help' for more information."
    ))
}

fn two_commands() -> Output {
    Output::err(
        "iptables v1.8.9 (nf_tables): Cannot use -L with -S\n\
         Try `iptables -h' or 'iptables --help' for more information.",
    )
}

/// `iptables ARGS` in `ctx.ns`.
pub fn iptables(ctx: &Ctx, args: &[String]) -> Output {
    let mut table = "filter".to_string();
    let mut cmd = None;
    let mut chain: Option<String> = None;
    let (mut numeric, mut f) = (false, ListFormat::default());
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let long = match a {
            "--list" => Some('L'),
            "--list-rules" => Some('S'),
            "--numeric" => Some('n'),
            "--verbose" => Some('v'),
            "--exact" => Some('x'),
            "--line-numbers" => {
                f.line_numbers = true;
                continue;
            }
            "--table" => Some('t'),
            _ if a.starts_with("--table=") => {
                table = a["--table=".len()..].to_string();
                continue;
            }
            _ if a.starts_with("--") => return unmodelled(&format!("`iptables {a}`")),
            _ if a.starts_with('-') && a.len() > 1 => None,
            _ => return bad_argument(a),
        };
        let letters: Vec<char> = match long {
            Some(c) => vec![c],
            None => a[1..].chars().collect(),
        };
        for (k, c) in letters.iter().enumerate() {
            let last = k + 1 == letters.len();
            match c {
                'n' => numeric = true,
                'v' => f.verbose = true,
                'x' => f.exact = true,
                't' => {
                    let rest: String = letters[k + 1..].iter().collect();
                    if !rest.is_empty() {
                        table = rest;
                    } else if let Some(t) = args.get(i) {
                        table = t.clone();
                        i += 1;
                    } else {
                        return Output::err(
                            "iptables v1.8.9 (nf_tables): option \"-t\" requires an argument\n\
                             Try `iptables -h' or 'iptables --help' for more information.",
                        );
                    }
                    break;
                }
                'L' | 'S' => {
                    let this = if *c == 'L' { Cmd::List } else { Cmd::Rules };
                    if cmd.is_some_and(|p| p != this) {
                        return two_commands();
                    }
                    cmd = Some(this);
                    // getopt's optional argument: the next word, if it is not an option.
                    if last {
                        if let Some(next) = args.get(i).filter(|n| !n.starts_with('-')) {
                            chain = Some(next.clone());
                            i += 1;
                        }
                    }
                }
                'A' | 'I' | 'D' | 'R' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'E' => {
                    return read_only(&format!("`iptables -{c}`"));
                }
                _ => return unmodelled(&format!("`iptables -{c}`")),
            }
        }
    }
    let Some(cmd) = cmd else {
        return unmodelled(&format!(
            "`iptables {}` (only listing: `iptables [-t nat] -L -n -v`, `iptables [-t nat] -S`)",
            args.join(" ")
        ));
    };
    let which = match table.as_str() {
        "nat" => Which::nat(&ctx.ns.nat),
        "filter" => Which::filter(&ctx.ns.filter, ctx.ns.forward_policy),
        _ => {
            return unmodelled(&format!(
                "the {table} table (only nat and filter: `iptables -t nat -L -n -v`, `iptables -L -n -v`)"
            ))
        }
    };
    let counters = counters(ctx, which.name == "filter");
    let printed = match cmd {
        Cmd::List if !numeric => {
            return unmodelled(
                "`iptables -L` without `-n` (names looked up: add -n, `iptables -L -n`)",
            )
        }
        Cmd::List => iptables_list::iptables_list(which, chain.as_deref(), &counters, f),
        Cmd::Rules => {
            iptables_list::iptables_rules(which, chain.as_deref(), f.verbose.then_some(&counters))
        }
    };
    match printed {
        Ok(text) => Output::out(text),
        Err(e) => Output::err(e),
    }
}

/// The counters of `ctx.ns`'s nat (or filter) table as of the hop: every walk of that
/// table in this namespace, each packet counted with its IP length (the bytes Wireshark
/// shows, less the Ethernet header).
pub fn counters(ctx: &Ctx, filter: bool) -> Counters {
    let mut c = Counters::default();
    for hop in ctx.walked.iter().filter(|h| h.at.netns == ctx.ns.name) {
        if let (Some(Decision::Nat(walk)), Some(p)) = (&hop.decision, &hop.packet) {
            if walk.filter == filter {
                c.add(walk, ip_len(p, ctx));
            }
        }
    }
    c
}

/// A packet's IP total length, from the bytes packetwalk-pcap writes for it.
fn ip_len(p: &packetwalk_core::packet::Frame, ctx: &Ctx) -> u64 {
    let mut f = p.clone();
    if f.eth.is_none() {
        f.eth = Some(packetwalk_core::packet::Ethernet {
            src: packetwalk_core::addr::Mac([0; 6]),
            dst: packetwalk_core::addr::Mac([0; 6]),
        });
    }
    let dns = packetwalk_pcap::dns::Ctx {
        zone: &ctx.cluster.coredns.zone,
        ttl: ctx.cluster.coredns.ttl,
    };
    packetwalk_pcap::frame::bytes(&f, &dns).map_or(0, |b| b.len().saturating_sub(14) as u64)
}
