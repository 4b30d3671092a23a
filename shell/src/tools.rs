//! The other tools: net-tools' `route -n`, iproute2's `bridge fdb show`, bridge-utils'
//! `brctl show`, `iptables-save` (iptables 1.8.9 nf_tables: nat and filter), conntrack-tools' `conntrack -L`,
//! procps' `sysctl`, `cat /etc/resolv.conf` and `hostname`: each printed by
//! packetwalk-core's renderer (`packetwalk show`'s), its errors as the tool words them.

use crate::ctx::{read_only, unmodelled, Ctx, Output};
use packetwalk_core::show::{self, conntrack, Table};

/// `route`: only `route -n` (route(8): `-n` shows numerical addresses).
pub fn route(ctx: &Ctx, args: &[String]) -> Output {
    match args {
        [n] if n == "-n" => Output::out(show::render(ctx.ns, Table::RouteN)),
        _ => unmodelled(&format!("`route {}` (only `route -n`)", args.join(" "))),
    }
}

/// `bridge fdb [show]` (bridge(8); objects abbreviated as bridge/bridge.c's `cmds[]`).
pub fn bridge(ctx: &Ctx, args: &[String]) -> Output {
    use crate::ip::matches;
    let whole = || unmodelled(&format!("`bridge {}`", args.join(" ")));
    let [object, rest @ ..] = args else {
        return whole();
    };
    if !matches(object, "fdb") {
        return whole();
    }
    let show = |s: &str| matches(s, "show") || matches(s, "list");
    match rest {
        [] => Output::out(show::render(ctx.ns, Table::BridgeFdb)),
        [s] if show(s) => Output::out(show::render(ctx.ns, Table::BridgeFdb)),
        [s, ..] if show(s) => whole(),
        [s, ..]
            if ["add", "append", "del", "replace", "flush"]
                .iter()
                .any(|v| matches(s, v)) =>
        {
            read_only(&format!("`bridge fdb {s}`"))
        }
        [s, ..] => Output::err(format!(
            "Command \"{s}\" is unknown, try \"bridge fdb help\"."
        )),
    }
}

/// `brctl show` (brctl(8)).
pub fn brctl(ctx: &Ctx, args: &[String]) -> Output {
    match args {
        [s] if s == "show" => Output::out(show::render(ctx.ns, Table::BrctlShow)),
        _ => unmodelled(&format!("`brctl {}` (only `brctl show`)", args.join(" "))),
    }
}

/// `iptables-save [-t nat|filter]` (iptables-save(8)). Without `-t` the tool prints every
/// table the namespace has, in the order iptables-nft keeps its tables (iptables/nft.c
/// `xtables_ipv4`: raw, mangle, filter, security, nat; checked in a namespace with both
/// loaded: filter first). A table with no rules in the model is one nothing created, so a
/// pod prints nothing, as a fresh namespace does with nf_tables; raw, mangle and security
/// are not modelled (kube-proxy and flannel write none).
pub fn iptables_save(ctx: &Ctx, args: &[String]) -> Output {
    let table = match args {
        [] => None,
        [t, name] if t == "-t" || t == "--table" => Some(name.as_str()),
        [t] if t.starts_with("--table=") => Some(&t["--table=".len()..]),
        [t] if t.starts_with("-t") && t.len() > 2 => Some(&t[2..]),
        _ => return unmodelled(&format!("`iptables-save {}`", args.join(" "))),
    };
    let (nat, filter) = (Table::IptablesSaveNat, Table::IptablesSaveFilter);
    match table {
        Some("nat") => Output::out(show::render(ctx.ns, nat)),
        Some("filter") => Output::out(show::render(ctx.ns, filter)),
        Some(t) => unmodelled(&format!(
            "the {t} table (only nat and filter: `iptables-save -t filter`)"
        )),
        None => Output::out(
            [filter, nat]
                .into_iter()
                .filter(|t| show::applies_to(*t, ctx.ns))
                .map(|t| show::render(ctx.ns, t))
                .collect::<String>(),
        ),
    }
}

/// `conntrack -L`: the entries on stdout, the summary on stderr, as conntrack(8) does.
pub fn conntrack(ctx: &Ctx, args: &[String]) -> Output {
    match args {
        [l] if l == "-L" || l == "--dump" => Output {
            out: show::render(ctx.ns, Table::ConntrackL),
            err: conntrack::conntrack_summary(ctx.ns),
        },
        _ => unmodelled(&format!(
            "`conntrack {}` (only `conntrack -L`)",
            args.join(" ")
        )),
    }
}

/// The sysctls the model holds.
pub const SYSCTLS: [&str; 2] = ["net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables"];

/// `sysctl [-n] NAME...` (sysctl(8), procps-ng): `NAME = VALUE` per name, `/` accepted for `.`.
pub fn sysctl(ctx: &Ctx, args: &[String]) -> Output {
    let mut names_only = false;
    let mut out = Output::default();
    if args.is_empty() {
        return unmodelled("`sysctl` without a NAME");
    }
    for a in args {
        match a.as_str() {
            "-n" | "--values" => names_only = true,
            "-w" | "--write" => return read_only("`sysctl -w`"),
            _ if a.contains('=') => return read_only(&format!("`sysctl {a}`")),
            _ if a.starts_with('-') => return unmodelled(&format!("`sysctl {a}`")),
            _ => {
                let key = a.replace('/', ".");
                let s = &ctx.ns.sysctls;
                let value = match key.as_str() {
                    "net.ipv4.ip_forward" => s.ip_forward,
                    "net.bridge.bridge-nf-call-iptables" => s.bridge_nf_call_iptables,
                    _ => {
                        out.err += &unmodelled(&format!(
                            "sysctl {key} (the model holds {})",
                            SYSCTLS.join(" and ")
                        ))
                        .err;
                        continue;
                    }
                };
                let v = u8::from(value);
                if names_only {
                    out.out += &format!("{v}\n");
                } else {
                    out.out += &format!("{key} = {v}\n");
                }
            }
        }
    }
    out
}

/// `cat FILE`: a pod's `/etc/resolv.conf` and `/etc/hosts` are modelled.
pub fn cat(ctx: &Ctx, args: &[String]) -> Output {
    let mut out = Output::default();
    for f in args {
        if f == "/etc/resolv.conf" && ctx.ns.resolv_conf.is_some() {
            out.out += &show::render(ctx.ns, Table::ResolvConf);
        } else if let Some(text) = (f == "/etc/hosts")
            .then(|| crate::hosts::text(ctx.ns))
            .flatten()
        {
            out.out += &text;
        } else if f == "/etc/resolv.conf" {
            out.err += &unmodelled(&format!(
                "{f} of {} (the lesson gives pods one)",
                ctx.ns.name
            ))
            .err;
        } else {
            out.err += &unmodelled(&format!(
                "the file {f} of {} (only a pod's /etc/resolv.conf and /etc/hosts)",
                ctx.ns.name
            ))
            .err;
        }
    }
    if args.is_empty() {
        return unmodelled("`cat` without a file");
    }
    out
}

/// `hostname`: a pod's is its name (kubelet sets the UTS namespace's), a node's and a
/// host's their own.
pub fn hostname(ctx: &Ctx, args: &[String]) -> Output {
    match args {
        [] => Output::out(format!("{}\n", ctx.ns.name)),
        _ => unmodelled(&format!("`hostname {}`", args.join(" "))),
    }
}
