//! `ip` (iproute2 6.1, ip(8)): its options, its objects abbreviated as iproute2 accepts them
//! (`matches()` in lib/utils.c: any prefix, the first of ip/ip.c's `cmds[]` table in order
//! wins, so `ip a` is address, `ip r` route, `ip n` neighbor, `ip l` link), and each object's
//! `show`, printed by packetwalk-core's renderers; `ip route get` from the engine's lookup.

use crate::ctx::{read_only, unmodelled, Ctx, Output};
use packetwalk_core::netns::Netns;
use packetwalk_core::show::Table;
use std::net::Ipv4Addr;

/// The objects of ip/ip.c's `cmds[]`, in its order (the first a prefix matches wins).
const OBJECTS: &[&str] = &[
    "address",
    "addrlabel",
    "maddress",
    "route",
    "rule",
    "neighbor",
    "neighbour",
    "ntable",
    "ntbl",
    "link",
    "l2tp",
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tunl",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "tcp_metrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
    "netns",
    "netconf",
    "vrf",
    "sr",
    "nexthop",
    "mptcp",
    "ioam",
    "help",
    "stats",
];

/// Is `word` an abbreviation of `full` (lib/utils.c `matches`)?
pub fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// An `ip` command line, its options read.
#[derive(Debug, PartialEq, Eq)]
pub struct IpCmd {
    /// `-n NAME` / `-netns NAME`: run in that namespace (ip(8): as `ip netns exec NAME ip`).
    pub netns: Option<String>,
    pub details: bool,
    /// The object, spelled out (`address`, `route`, …).
    pub object: &'static str,
    pub args: Vec<String>,
}

/// Read `ip`'s options and object (`args` without the `ip`).
pub fn parse(args: &[String]) -> Result<IpCmd, Output> {
    let mut netns = None;
    let mut details = false;
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
        let opt = a
            .strip_prefix("--")
            .map(|o| format!("-{o}"))
            .unwrap_or(a.clone());
        if matches(&opt, "-details") && opt.len() >= 2 {
            details = true;
        } else if opt == "-n" || (opt.len() > 3 && matches(&opt, "-netns")) {
            i += 1;
            let Some(name) = args.get(i) else {
                return Err(Output::err(
                    "Command line is not complete. Try option \"help\"",
                ));
            };
            netns = Some(name.clone());
        } else if opt == "-4" {
        } else {
            return Err(Output::err(format!(
                "Option \"{a}\" is unknown, try \"ip -help\"."
            )));
        }
        i += 1;
    }
    let Some(word) = args.get(i) else {
        return Err(Output::err(USAGE));
    };
    let Some(object) = OBJECTS.iter().copied().find(|o| matches(word, o)) else {
        return Err(Output::err(format!(
            "Object \"{word}\" is unknown, try \"ip help\"."
        )));
    };
    Ok(IpCmd {
        netns,
        details,
        object,
        args: args[i + 1..].to_vec(),
    })
}

/// The first line of `ip help` (ip/ip.c `usage`).
const USAGE: &str = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }";

/// Is the first argument a way to say `show` (`list`, `show`, `lst`, or nothing)?
fn is_show(args: &[String]) -> bool {
    match args.first() {
        None => true,
        Some(a) => matches(a, "show") || matches(a, "list") || matches(a, "lst"),
    }
}

/// Run an `ip` command in `ctx.ns` (`netns` is the caller's: it has moved there already).
pub fn run(ctx: &Ctx, cmd: &IpCmd) -> Output {
    let ns = ctx.ns;
    let object = match cmd.object {
        "address" => Table::IpAddr,
        "link" => Table::IpLink,
        "route" => Table::IpRoute,
        "neighbor" | "neighbour" => Table::IpNeigh,
        other => return unmodelled(&format!("`ip {other}`")),
    };
    let sub = cmd.args.first().map(String::as_str).unwrap_or("");
    if object == Table::IpRoute && matches(sub, "get") {
        return route_get(ns, &cmd.args[1..]);
    }
    if !is_show(&cmd.args) {
        let verbs = [
            "add", "delete", "change", "replace", "set", "flush", "append", "prepend",
        ];
        if verbs.iter().any(|v| matches(sub, v)) {
            return read_only(&format!("`ip {} {sub}`", cmd.object));
        }
        let object = if cmd.object.starts_with("neigh") {
            "neigh"
        } else {
            cmd.object
        };
        return Output::err(format!(
            "Command \"{sub}\" is unknown, try \"ip {object} help\"."
        ));
    }
    if cmd.details && object != Table::IpLink {
        return unmodelled(&format!(
            "`ip -d {}` (the details lines: `ip -d link`)",
            cmd.object
        ));
    }
    let mut rest = cmd.args.iter().skip(1).map(String::as_str);
    let dev = match (rest.next(), rest.next()) {
        (None, _) => None,
        (Some("dev"), Some(d)) => Some(d),
        (Some(d), None) if matches!(object, Table::IpAddr | Table::IpLink) && d != "dev" => Some(d),
        (Some(a), _) => return unmodelled(&format!("`ip {} show {a}`", cmd.object)),
    };
    let text = if cmd.details {
        packetwalk_core::show::ip_details::ip_link_details(ns)
    } else {
        packetwalk_core::show::render(ns, object)
    };
    match dev {
        None => Output::out(text),
        // ip/ipaddress.c and ip/iproute.c word it differently.
        Some(d) if ns.iface(d).is_none() && matches!(object, Table::IpAddr | Table::IpLink) => {
            Output::err(format!("Device \"{d}\" does not exist."))
        }
        Some(d) if ns.iface(d).is_none() => Output::err(format!("Cannot find device \"{d}\"")),
        Some(d) => Output::out(only_dev(ns, object, &text, d)),
    }
}

/// The lines of one device: its block of `ip addr` / `ip link` (a block starts at the
/// `N: name` line), or the rows of `ip route` / `ip neigh` that name `dev D`; the filter
/// the kernel's dump applies (ip/ipaddress.c `ipaddr_list_flush_or_save`, `filter.ifindex`).
fn only_dev(ns: &Netns, table: Table, text: &str, dev: &str) -> String {
    match table {
        Table::IpAddr | Table::IpLink => {
            let idx = ns.iface(dev).map(|i| i.ifindex).unwrap_or(0);
            let head = format!("{idx}: ");
            let mut keep = false;
            let mut out = String::new();
            for l in text.split_inclusive('\n') {
                if !l.starts_with(' ') {
                    keep = l.starts_with(&head);
                }
                if keep {
                    out += l;
                }
            }
            out
        }
        // iproute2 leaves `dev D` out of each row once the filter names it (ip/iproute.c
        // `print_route`: `if (!filter.oif)`, ip/ipneigh.c likewise).
        _ => text
            .split_inclusive('\n')
            .filter(|l| l.contains(&format!(" dev {dev} ")))
            .map(|l| l.replacen(&format!(" dev {dev} "), " ", 1))
            .collect(),
    }
}

/// `ip route get ADDR`: the engine's lookup (the local addresses first, as the kernel's
/// local table comes before main; then each subnet's broadcast address, which
/// `fib_add_ifaddr` in net/ipv4/fib_frontend.c puts there; then the longest prefix of
/// main, `RouteTable::lookup`), printed as iproute2 6.1 prints the answer (ip/iproute.c
/// `print_route` with `RTM_F_CLONED`: `uid 0` and the `cache` line, checked against
/// Linux 6.18 in a namespace).
pub fn route_get(ns: &Netns, args: &[String]) -> Output {
    let Some(arg) = args.iter().find(|a| !matches!(a.as_str(), "to")) else {
        return Output::err("need at least a destination address");
    };
    let (addr, plen) = arg.split_once('/').unwrap_or((arg, "32"));
    let Ok(dst) = addr.parse::<Ipv4Addr>() else {
        return Output::err(format!(
            "Error: any valid prefix is expected rather than \"{arg}\"."
        ));
    };
    let mut out = Output::default();
    if plen != "32" {
        out.err =
            format!("Warning: /{plen} as prefix is invalid, only /32 (or none) is supported.\n");
    }
    if ns.is_local(dst) {
        out.out = format!("local {dst} dev lo src {dst} uid 0 \n    cache <local> \n");
        return out;
    }
    for iface in &ns.ifaces {
        for a in iface.addrs.iter().filter(|a| a.prefix_len() < 31) {
            if a.broadcast() == dst {
                out.out = format!(
                    "broadcast {dst} dev {} src {} uid 0 \n    cache <local,brd> \n",
                    iface.name,
                    a.addr()
                );
                return out;
            }
        }
    }
    let Ok(m) = ns.routes.lookup(dst) else {
        return Output::err("RTNETLINK answers: Network is unreachable");
    };
    let r = m.route;
    let via = r.via.map(|g| format!(" via {g}")).unwrap_or_default();
    let src = r.src.or_else(|| source(ns, &r.dev, r.via.unwrap_or(dst)));
    let src = src.map(|s| format!(" src {s}")).unwrap_or_default();
    out.out = format!("{dst}{via} dev {}{src} uid 0 \n    cache \n", r.dev);
    out
}

/// The source address the kernel picks for a route without `src` (`inet_select_addr`,
/// net/ipv4/devinet.c): the device's first address in the same subnet as the next hop,
/// else its first; a device without addresses borrows another device's (not a loopback's).
fn source(ns: &Netns, dev: &str, next_hop: Ipv4Addr) -> Option<Ipv4Addr> {
    let own = ns
        .iface(dev)
        .map(|i| i.addrs.as_slice())
        .unwrap_or_default();
    own.iter()
        .find(|a| a.contains(&next_hop))
        .or(own.first())
        .map(|a| a.addr())
        .or_else(|| {
            ns.ifaces
                .iter()
                .flat_map(|i| i.addrs.iter())
                .find(|a| !a.addr().is_loopback())
                .map(|a| a.addr())
        })
}
