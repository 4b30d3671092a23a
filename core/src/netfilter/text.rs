//! Rules in `iptables-save` form, as iptables 1.8.9 (nf_tables) prints them.

use super::*;

/// The probability as `iptables-save` prints it: the kernel keeps it as a fraction of
/// 2^31, so kube-proxy's `0.3333333333` comes back as `0.33333333349` (iptables
/// extensions/libxt_statistic.c: `0x80000000 * p` stored, printed back with `%.11f`).
pub fn saved_probability(p: f64) -> String {
    let scale = 2f64.powi(31);
    format!("{:.11}", (p * scale).round() / scale)
}

fn cidr_text(n: &Ipv4Net) -> String {
    format!("{}/{}", n.addr(), n.prefix_len())
}

/// One rule as `iptables-save` prints it: `[!] -s`, `[!] -d`, `-i`, `-o`, `-p`, then the
/// `-m` matches in the order written, then the target (iptables-save(8), as iptables 1.8.9
/// prints it; checked by the conformance run).
pub fn rule_text(chain: &str, rule: &Rule) -> String {
    let mut out = format!("-A {chain}");
    let neg = |n: bool| if n { " !" } else { "" };
    if let Some(s) = &rule.src {
        out += &format!("{} -s {}", neg(s.not), cidr_text(&s.value));
    }
    if let Some(d) = &rule.dst {
        out += &format!("{} -d {}", neg(d.not), cidr_text(&d.value));
    }
    if let Some(i) = &rule.in_iface {
        out += &format!("{} -i {}", neg(i.not), i.value);
    }
    if let Some(o) = &rule.out_iface {
        out += &format!("{} -o {}", neg(o.not), o.value);
    }
    if let Some(p) = rule.proto {
        out += &format!(" -p {}", p.name());
    }
    for m in &rule.matches {
        match m {
            Match::Comment(c) => out += &format!(" -m comment --comment \"{c}\""),
            Match::Port { proto, dport } => {
                out += &format!(" -m {}", proto.name());
                if let Some(p) = dport {
                    out += &format!(" --dport {p}");
                }
            }
            Match::Statistic { p } => {
                out += &format!(
                    " -m statistic --mode random --probability {}",
                    saved_probability(*p)
                )
            }
            Match::Mark { not, value, mask } => {
                out += &format!(" -m mark{} --mark {value:#x}/{mask:#x}", neg(*not))
            }
            Match::AddrTypeLocal { not, dst } => {
                out += &format!(
                    " -m addrtype{} --{}-type LOCAL",
                    neg(*not),
                    if *dst { "dst" } else { "src" }
                )
            }
            Match::Conntrack { not, states } => {
                let names: Vec<&str> = states.iter().map(|s| s.name()).collect();
                out += &format!(" -m conntrack{} --ctstate {}", neg(*not), names.join(","))
            }
        }
    }
    match &rule.target {
        Target::Jump(c) => out += &format!(" -j {c}"),
        Target::Return => out += " -j RETURN",
        Target::Accept => out += " -j ACCEPT",
        Target::Drop => out += " -j DROP",
        Target::Reject => out += " -j REJECT --reject-with icmp-port-unreachable",
        Target::Dnat(to) => out += &format!(" -j DNAT --to-destination {to}"),
        Target::Masquerade { random_fully } => {
            out += " -j MASQUERADE";
            if *random_fully {
                out += " --random-fully";
            }
        }
        Target::MarkOr(v) => out += &format!(" -j MARK --set-xmark {v:#x}/{v:#x}"),
        Target::MarkXor(v) => out += &format!(" -j MARK --set-xmark {v:#x}/0x0"),
        Target::None => {}
    }
    out
}
