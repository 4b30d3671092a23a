//! `curl URL` and `ping -c N ADDR`: the learner's own packet, from this namespace. Each runs
//! a new walk (the [`Walker`] the CLI and the page's worker give, from the lesson: the
//! switches `packet.from` and `packet.to`) and prints what the real tool prints for how it
//! ended (curl 7.88.1, ping from iputils 20221126, checked in namespaces), then one line of
//! packetwalk's own, on standard error, starting `# packetwalk:`.
//!
//! The model has no clock: a reply takes 0.100 ms, `ping -c N` N−1 seconds in all (its
//! one-second interval), and a SYN nobody answers times out after 127000 ms (Linux's
//! tcp_syn_retries 6: retransmits after 1, 2, 4, 8, 16, 32 s, gives up 64 s after the
//! last), an ARP nobody answers after 3000 ms (three probes a second apart, then the
//! ICMP host unreachable). The model stops at the TCP handshake: a connection curl makes
//! prints no HTTP response, the packetwalk line says so. The kernel's ICMP errors are the
//! model's drops read as Linux answers them (`End`); a drop Linux answers with nothing
//! (a filter DROP, ip_forward off) is silence, a timeout for curl and loss for ping.

use crate::ctx::{unmodelled, Ctx, Output};
use packetwalk_core::engine::Run;
use packetwalk_core::netfilter::NatVerdict;
use packetwalk_core::packet::{Body, IcmpKind, L4};
use packetwalk_core::trace::{Decision, DropReason, Event, Outcome};
use std::net::Ipv4Addr;

/// Runs the walk of the learner's own packet: from a namespace to a destination written as
/// the switch `packet.to` takes it (`tcp:IP:PORT`, `ping:IP`); with the run, whether the
/// switches offer both values (then `packetwalk trace --set` replays the walk).
pub type Walker<'w> = dyn Fn(&str, &str) -> Result<(Run, bool), String> + 'w;

/// What a walk needs: the walker, and the lesson as `packetwalk trace` takes it (its id and
/// the `--set` switches the shell's run has), for the line that shows the walk.
#[derive(Clone, Copy)]
pub struct Own<'w> {
    pub walker: &'w Walker<'w>,
    pub lesson: &'w str,
}

/// How the walk ended, for the tool's words.
enum End {
    Done,
    /// The connection was refused: a RST (nothing listens) or an ICMP port unreachable (a
    /// REJECT rule).
    Refused,
    /// connect(2) failed at once: no route in the sender's own namespace.
    Unreachable,
    /// An ICMP error came back from `from` (the sender itself when its own ARP failed): a
    /// router with no route answers net unreachable at once (`ip_route_input_slow`), a
    /// neighbour nobody answers host unreachable after ARP's three probes a second apart
    /// (`ipv4_link_failure`, net/ipv4/route.c).
    Icmp {
        from: Ipv4Addr,
        host: bool,
    },
    /// The packet was dropped on the way: the sender hears nothing.
    Silence,
}

fn end(run: &Run, from: &str) -> End {
    let Outcome::Failed { hop, .. } = &run.trace.outcome else {
        return End::Done;
    };
    let hops = &run.trace.hops;
    let rejected = hop.checked_sub(1).and_then(|h| hops.get(h)).is_some_and(
        |h| matches!(&h.decision, Some(Decision::Nat(w)) if w.verdict == NatVerdict::Reject),
    );
    let Some(h) = hops.get(*hop) else {
        return End::Silence;
    };
    let Event::Drop { reason } = &h.event else {
        return End::Silence;
    };
    let at = h.at.netns.as_str();
    match reason {
        DropReason::NoListener { .. } => End::Refused,
        _ if rejected => End::Refused,
        DropReason::NoRoute { .. } if at == from => End::Unreachable,
        DropReason::NoRoute { .. } | DropReason::NoArpAnswer { .. } => {
            match icmp_source(run, at, from) {
                Some(src) => End::Icmp {
                    from: src,
                    host: matches!(reason, DropReason::NoArpAnswer { .. }),
                },
                None => End::Silence,
            }
        }
        _ => End::Silence,
    }
}

/// The source of the ICMP error `at` sends back to the sender: the sender's own address
/// when `at` is the sender, else the address `at`'s route back to it prefers (icmp_send
/// leaves the source to the route lookup unless icmp_errors_use_inbound_ifaddr is set).
fn icmp_source(run: &Run, at: &str, from: &str) -> Option<Ipv4Addr> {
    let sender = run
        .trace
        .hops
        .iter()
        .find_map(|h| match &h.packet.as_ref()?.body {
            Body::Ipv4(ip) if h.at.netns == from => Some(ip.src),
            _ => None,
        })?;
    if at == from {
        return Some(sender);
    }
    let ns = run.state_at(None).0.iter().find(|n| n.name == at)?;
    let m = ns.routes.lookup(sender).ok()?;
    m.route
        .src
        .or_else(|| ns.iface(&m.route.dev).and_then(|i| i.primary_addr()))
}

/// packetwalk's line after the tool's output: the walk's length, where it ended, and the
/// command that shows it.
fn note(own: Own, (run, replays): (&Run, bool), from: &str, to: &str) -> String {
    let hops = &run.trace.hops;
    let last = hops.last().map_or("nowhere", |h| h.at.netns.as_str());
    let how = match &run.trace.outcome {
        Outcome::Completed { summary } => format!("ended in {last}: {summary}"),
        Outcome::Failed { hop, reason } => format!("was dropped at hop {hop} in {last}: {reason}"),
    };
    let trace = format!(
        "packetwalk trace {} --set packet.from={from} --set packet.to={to}",
        own.lesson
    );
    let shows = if replays {
        format!("`{trace}` shows it")
    } else {
        format!("`{trace}` would show it, but the switches offer only the lesson's own senders and destinations (`packetwalk switches {}`)", own.lesson)
    };
    format!(
        "# packetwalk: the walk took {} hops and {how}; {shows}\n",
        hops.len()
    )
}

fn walk<'w>(
    ctx: &Ctx,
    own: Option<Own<'w>>,
    to: &str,
    tool: &str,
) -> Result<((Run, bool), Own<'w>), Output> {
    let Some(own) = own else {
        return Err(unmodelled(&format!(
            "`{tool}` here (no walker was given to the shell)"
        )));
    };
    match (own.walker)(&ctx.ns.name, to) {
        Ok(run) => Ok((run, own)),
        Err(e) => Err(Output::err(format!(
            "# packetwalk: {tool} from {} cannot be walked: {e}",
            ctx.ns.name
        ))),
    }
}

/// `curl [-sSfL] URL`: a TCP connection to the URL's host and port (80, 443 for https).
pub fn curl(ctx: &Ctx, own: Option<Own>, args: &[String]) -> Output {
    let (mut silent, mut show, mut url) = (false, false, None);
    for a in args {
        // -f (fail on an HTTP error) and -L (follow redirects) change nothing before a
        // response, and the model has none.
        let letters = a
            .strip_prefix('-')
            .filter(|l| !l.starts_with('-') && !l.is_empty());
        match a.as_str() {
            "--silent" => silent = true,
            "--show-error" => show = true,
            "--fail" | "--location" => {}
            _ if letters.is_some_and(|l| l.chars().all(|c| "sSfL".contains(c))) => {
                let l = letters.unwrap_or_default();
                silent |= l.contains('s');
                show |= l.contains('S');
            }
            _ if a.starts_with('-') => {
                return unmodelled(&format!("`curl {a}` (only curl [-sSfL] URL)"))
            }
            _ if url.is_none() => url = Some(a.as_str()),
            _ => return unmodelled("`curl` with more than one URL"),
        }
    }
    let Some(url) = url else {
        return Output::err("curl: try 'curl --help' or 'curl --manual' for more information");
    };
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => {
            return Output::err(format!(
                "curl: (1) Protocol \"{scheme}\" not supported or disabled in libcurl"
            ))
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h, p),
            Err(_) => return Output::err("curl: (3) URL using bad/illegal format or missing URL"),
        },
        None => (authority, default),
    };
    let quiet = silent && !show;
    let Some(ip) = crate::resolve::address(ctx, host) else {
        return if quiet {
            Output::default()
        } else {
            Output::err(format!("curl: (6) Could not resolve host: {host}"))
        };
    };
    let to = format!("tcp:{ip}:{port}");
    let ((run, replays), own) = match walk(ctx, own, &to, "curl") {
        Ok(r) => r,
        Err(o) => return o,
    };
    let failed = |code: u8, ms: u32| {
        format!("curl: ({code}) Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server\n")
    };
    let err = match end(&run, &ctx.ns.name) {
        End::Done => String::new(),
        End::Refused | End::Unreachable | End::Icmp { host: false, .. } => failed(7, 0),
        End::Icmp { host: true, .. } => failed(7, 3000),
        End::Silence => failed(28, 127_000),
    };
    let mut out = Output::default();
    if !quiet {
        out.err = err;
    }
    out.err += &note(own, (&run, replays), &ctx.ns.name, &to);
    if matches!(run.trace.outcome, Outcome::Completed { .. }) {
        out.err += "# packetwalk: the connection is made; the model stops at the handshake, so no HTTP response is shown\n";
    }
    out
}

/// `ping -c N ADDR` (N from 1 to 100): N echo requests, all walked alike.
pub fn ping(ctx: &Ctx, own: Option<Own>, args: &[String]) -> Output {
    let (mut count, mut dst) = (None, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "-c" {
            count = args.get(i).and_then(|n| n.parse::<u32>().ok());
            i += 1;
        } else if let Some(n) = a.strip_prefix("-c") {
            count = n.parse::<u32>().ok();
        } else if a.starts_with('-') {
            return unmodelled(&format!("`ping {a}` (only ping -c N ADDR)"));
        } else {
            dst = Some(a);
        }
    }
    let Some(dst) = dst else {
        return Output::err("ping: usage error: Destination address required");
    };
    let Some(n) = count.filter(|n| (1..=100).contains(n)) else {
        return unmodelled(
            "`ping` without `-c N` (N from 1 to 100: the shell does not ping forever)",
        );
    };
    // A name: ping prints its canonical name and looks each reply's source up (PTR),
    // which the model's CoreDNS does not answer; an address is what is modelled.
    let Ok(ip) = dst.parse::<std::net::Ipv4Addr>() else {
        return unmodelled(&format!(
            "`ping {dst}`, a name (ping looks each reply's source up, a PTR query the model does not answer; give an address: ping -c N ADDR)"));
    };
    let to = format!("ping:{ip}");
    let ((run, replays), own) = match walk(ctx, own, &to, "ping") {
        Ok(r) => r,
        Err(o) => return o,
    };
    let note = note(own, (&run, replays), &ctx.ns.name, &to);
    let head = format!("PING {ip} ({ip}) 56(84) bytes of data.\n");
    let time = (n - 1) * 1000;
    let mut out = Output::default();
    match (end(&run, &ctx.ns.name), reply_ttl(&run, &ctx.ns.name)) {
        (End::Unreachable, _) => out.err = "ping: connect: Network is unreachable\n".into(),
        (End::Done, Some(ttl)) => {
            out.out = head;
            for seq in 1..=n {
                out.out += &format!("64 bytes from {ip}: icmp_seq={seq} ttl={ttl} time=0.100 ms\n");
            }
            out.out += &format!(
                "\n--- {dst} ping statistics ---\n{n} packets transmitted, {n} received, 0% packet loss, time {time}ms\nrtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 ms\n"
            );
        }
        (End::Icmp { from, host }, _) => {
            out.out = head;
            let what = if host { "Host" } else { "Net" };
            for seq in 1..=n {
                out.out += &format!("From {from} icmp_seq={seq} Destination {what} Unreachable\n");
            }
            out.out += &format!(
                "\n--- {dst} ping statistics ---\n{n} packets transmitted, 0 received, +{n} errors, 100% packet loss, time {time}ms\n"
            );
            // ping's `pipe N`: the most echoes out at once; ARP holds them three seconds
            // (observed: pipe 2, 3, 4 for -c 2, 3, 5); else the blank line of no rtt.
            match n.min(4) {
                p if host && p > 1 => out.out += &format!("pipe {p}\n"),
                _ => out.out.push('\n'),
            }
        }
        _ => {
            out.out = head;
            out.out += &format!(
                "\n--- {dst} ping statistics ---\n{n} packets transmitted, 0 received, 100% packet loss, time {time}ms\n\n"
            );
        }
    }
    out.err += &note;
    out
}

/// The TTL of the echo reply as it reached the sender: the last reply packet the walk
/// recorded in the sender's namespace.
fn reply_ttl(run: &Run, from: &str) -> Option<u8> {
    run.trace
        .hops
        .iter()
        .rev()
        .filter(|h| h.at.netns == from)
        .find_map(|h| match &h.packet.as_ref()?.body {
            Body::Ipv4(ip) => match &ip.l4 {
                L4::Icmp(i) if i.kind == IcmpKind::EchoReply => Some(ip.ttl),
                _ => None,
            },
            Body::Arp(_) => None,
        })
}
