//! Names, in a pod: `getent hosts|ahosts NAME` (glibc nss/getent.c) and `nslookup NAME`
//! (BIND 9's bin/dig/nslookup.c), answered by the pod's /etc/hosts first (getent only,
//! `hosts::matching`), then by the model's DNS: glibc's search list (`GlibcSearch`, the
//! pod's resolv.conf) asked of CoreDNS (`CoreDns::answer`), as the engine's own lookups are.

use crate::ctx::{unmodelled, Ctx, Output};
use crate::hosts;
use packetwalk_core::dns::{GlibcSearch, LookupOutcome, Rcode, ResolvConf};
use std::net::Ipv4Addr;

/// The resolver's outcome for `name` from this namespace: every query of the search list,
/// each answered by CoreDNS, until one gives addresses.
fn lookup(ctx: &Ctx, conf: &ResolvConf, name: &str) -> Option<LookupOutcome> {
    let mut search = GlibcSearch::new(conf, name);
    while let Some((qname, qtype)) = search.next_query() {
        let ans = ctx.cluster.coredns.answer(&qname, qtype);
        search.on_response(ans.rcode, &ans.answers);
    }
    search.outcome()
}

/// The address a program gets for `host`: an IPv4 address as typed, else the first of
/// /etc/hosts, else the first the DNS answers (getaddrinfo's order, as `getent ahosts`).
pub fn address(ctx: &Ctx, host: &str) -> Option<Ipv4Addr> {
    if let Ok(ip) = host.parse() {
        return Some(ip);
    }
    if let Some((a, _)) = hosts::matching(ctx.ns, host).first() {
        return a.to_string().parse().ok();
    }
    match lookup(ctx, ctx.ns.resolv_conf.as_ref()?, host)? {
        LookupOutcome::Resolved { addrs, .. } => addrs.first().copied(),
        LookupOutcome::Failed { .. } => None,
    }
}

fn conf<'a>(ctx: &'a Ctx, tool: &str) -> Result<&'a ResolvConf, Output> {
    ctx.ns.resolv_conf.as_ref().ok_or_else(|| {
        unmodelled(&format!(
            "DNS for `{tool}` in {} (the lesson gives it no resolv.conf)",
            ctx.ns.name
        ))
    })
}

/// `getent hosts NAME...` (print_hosts: `%-15s %s` per address) or `getent ahosts NAME...`
/// (print_addrinfo: `%-15s %-6s %s`, one line per socket type, the canonical name on the
/// first). A name not found prints nothing; getent exits 2.
pub fn getent(ctx: &Ctx, args: &[String]) -> Output {
    let (db, keys) = match args {
        [db, keys @ ..] if (db == "hosts" || db == "ahosts") && !keys.is_empty() => (db, keys),
        _ => {
            return unmodelled(&format!(
                "`getent {}` (getent hosts|ahosts NAME)",
                args.join(" ")
            ))
        }
    };
    let mut out = Output::default();
    for key in keys {
        if key.parse::<Ipv4Addr>().is_ok() {
            out.err += &unmodelled("a reverse lookup (PTR)").err;
            continue;
        }
        let files = hosts::matching(ctx.ns, key);
        if let Some((_, names)) = files.first() {
            // gethostbyname2 takes the first line that names it (getent hosts); getaddrinfo
            // every address, the canonical name on the first (getent ahosts).
            let canon = names.join(" ");
            for (i, (a, _)) in files.iter().enumerate() {
                if db == "hosts" {
                    out.out += &format!("{a:<15} {canon}\n");
                    break;
                }
                for (j, sock) in ["STREAM", "DGRAM", "RAW"].iter().enumerate() {
                    let c = if i == 0 && j == 0 {
                        names[0].as_str()
                    } else {
                        ""
                    };
                    out.out += &format!("{a:<15} {sock:<6} {c}\n");
                }
            }
            continue;
        }
        let conf = match conf(ctx, "getent") {
            Ok(c) => c,
            Err(o) => {
                out.err += &o.err;
                continue;
            }
        };
        let Some(LookupOutcome::Resolved { name, addrs }) = lookup(ctx, conf, key) else {
            continue;
        };
        for (i, a) in addrs.iter().enumerate() {
            let a = a.to_string();
            if db == "hosts" {
                out.out += &format!("{a:<15} {name}\n");
                continue;
            }
            for (j, sock) in ["STREAM", "DGRAM", "RAW"].iter().enumerate() {
                let canon = if i == 0 && j == 0 { name.as_str() } else { "" };
                out.out += &format!("{a:<15} {sock:<6} {canon}\n");
            }
        }
    }
    out
}

/// `nslookup NAME` as BIND 9.18 prints it: the server, then the answer (or `** server can't
/// find NAME: NXDOMAIN`); "Non-authoritative answer:" for a name CoreDNS forwarded.
pub fn nslookup(ctx: &Ctx, args: &[String]) -> Output {
    let [name] = args else {
        return unmodelled(&format!("`nslookup {}` (nslookup NAME)", args.join(" ")));
    };
    let conf = match conf(ctx, "nslookup") {
        Ok(c) => c,
        Err(o) => return o,
    };
    let Some(server) = conf.nameservers.first() else {
        return Output::err(";; no servers could be reached");
    };
    let mut out = Output::out(format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n"));
    match lookup(ctx, conf, name) {
        Some(LookupOutcome::Resolved { name, addrs }) => {
            let zone = ctx.cluster.coredns.zone.trim_end_matches('.');
            if !(name == zone || name.ends_with(&format!(".{zone}"))) {
                out.out += "Non-authoritative answer:\n";
            }
            for a in addrs {
                out.out += &format!("Name:\t{name}\nAddress: {a}\n");
            }
            out.out += "\n";
        }
        Some(LookupOutcome::Failed { rcode }) => {
            let why = match rcode {
                Rcode::NxDomain => "NXDOMAIN",
                Rcode::ServFail => "SERVFAIL",
                Rcode::NoError => {
                    out.out += &format!("*** Can't find {name}: No answer\n\n");
                    return out;
                }
            };
            out.out += &format!("** server can't find {name}: {why}\n\n");
        }
        None => out.out += &format!("** server can't find {name}: NXDOMAIN\n\n"),
    }
    out
}
