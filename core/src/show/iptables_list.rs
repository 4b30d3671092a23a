//! `iptables -t nat|filter -L -n [-v [-x]] [--line-numbers] [CHAIN]` and `iptables -t
//! nat|filter -S [-v] [CHAIN]` as iptables v1.8.9 (nf_tables) prints them (iptables(8); the columns of
//! iptables/xshared.c `print_header` and `print_rule_details`, the counters of
//! libxtables/xtables.c `xtables_print_num`, each match's and target's words from its
//! extensions/libxt_*.c `print`), copied from the model's rules restored into a namespace.
//! The counters are the walk's: [`Counters`] adds up what each nat walk matched.

use crate::netfilter::{
    rule_text, saved_probability, Hook, Match, NatTable, NatWalk, Policy, Rule, Target,
};
use std::collections::BTreeMap;

/// Packets and bytes per rule (chain, 1-based number) and per built-in chain's policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    rules: BTreeMap<(String, usize), (u64, u64)>,
    policy: BTreeMap<String, (u64, u64)>,
}

impl Counters {
    /// Count one packet of `bytes` (its IP length) through `walk`: every rule that matched
    /// it (a jump counts at the jump, the rules of the chain it jumped to count their own),
    /// and the policy when it fell off the built-in chain.
    pub fn add(&mut self, walk: &NatWalk, bytes: u64) {
        for s in walk.steps.iter().filter(|s| s.matched) {
            let c = self.rules.entry((s.chain.clone(), s.rule_no)).or_default();
            c.0 += 1;
            c.1 += bytes;
        }
        if walk.policy.is_some() {
            let c = self
                .policy
                .entry(walk.hook.chain_name().to_string())
                .or_default();
            c.0 += 1;
            c.1 += bytes;
        }
    }
    fn rule(&self, chain: &str, no: usize) -> (u64, u64) {
        self.rules
            .get(&(chain.to_string(), no))
            .copied()
            .unwrap_or_default()
    }
    fn policy(&self, chain: &str) -> (u64, u64) {
        self.policy.get(chain).copied().unwrap_or_default()
    }
}

/// What `-L` was asked: `-v`, `-x`, `--line-numbers` (`-n` is the only form there is).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListFormat {
    pub verbose: bool,
    pub exact: bool,
    pub line_numbers: bool,
}

/// Which table is listed: the nat table, or the filter table with its FORWARD policy.
#[derive(Clone, Copy, Debug)]
pub struct Which<'a> {
    pub table: &'a NatTable,
    /// `nat` or `filter`.
    pub name: &'static str,
    /// The filter table's FORWARD policy (every other built-in chain's is ACCEPT).
    pub forward: Policy,
}

impl<'a> Which<'a> {
    pub fn nat(table: &'a NatTable) -> Which<'a> {
        Which {
            table,
            name: "nat",
            forward: Policy::Accept,
        }
    }
    pub fn filter(table: &'a NatTable, forward: Policy) -> Which<'a> {
        Which {
            table,
            name: "filter",
            forward,
        }
    }
    fn hooks(&self) -> &'static [Hook] {
        if self.name == "filter" {
            &Hook::FILTER
        } else {
            &Hook::NAT
        }
    }
    fn is_builtin(&self, chain: &str) -> bool {
        self.hooks().iter().any(|h| h.chain_name() == chain)
    }
    fn policy(&self, chain: &str) -> &'static str {
        if self.name == "filter" && chain == "FORWARD" {
            self.forward.name()
        } else {
            "ACCEPT"
        }
    }
}

/// The error iptables 1.8.9 (nf_tables) prints for a chain the table does not have.
pub fn no_chain(table: &str, chain: &str) -> String {
    format!("iptables v1.8.9 (nf_tables): chain `{chain}' in table `{table}' is incompatible, use 'nft' tool.")
}

/// The chains in the order iptables lists them: the built-ins in hook order, then the
/// user chains alphabetically (as `iptables-save`).
fn chain_order(w: Which) -> Vec<String> {
    let builtins: Vec<&str> = w.hooks().iter().map(Hook::chain_name).collect();
    let user = w
        .table
        .chains()
        .map(|(c, _)| c)
        .filter(|c| !builtins.contains(c));
    builtins
        .iter()
        .copied()
        .chain(user)
        .map(str::to_string)
        .collect()
}

/// The chains asked for: one (if the table has it), or all.
fn chosen(w: Which, chain: Option<&str>) -> Result<Vec<String>, String> {
    let all = chain_order(w);
    match chain {
        None => Ok(all),
        Some(c) if all.iter().any(|a| a == c) => Ok(vec![c.to_string()]),
        Some(c) => Err(no_chain(w.name, c)),
    }
}

/// `xtables_print_num`: `%5llu ` up to 99999, then thousands with K, M, G, T (`%4lluK `);
/// with `-x`, `%8llu `; in a chain's header (`FMT_NOTABLE`) without padding.
fn num(n: u64, f: ListFormat, table: bool) -> String {
    if f.exact {
        return if table {
            format!("{n:8} ")
        } else {
            format!("{n} ")
        };
    }
    let mut n = n;
    if n <= 99999 {
        return if table {
            format!("{n:5} ")
        } else {
            format!("{n} ")
        };
    }
    for unit in ["K", "M", "G"] {
        n = (n + 500) / 1000;
        if n <= 9999 {
            return if table {
                format!("{n:4}{unit} ")
            } else {
                format!("{n}{unit} ")
            };
        }
    }
    n = (n + 500) / 1000;
    if table {
        format!("{n:4}T ")
    } else {
        format!("{n}T ")
    }
}

/// `iptables -t nat -L -n …`: each chain's header, the column line, a row per rule; a blank
/// line between chains.
pub fn iptables_list(
    w: Which,
    chain: Option<&str>,
    counters: &Counters,
    f: ListFormat,
) -> Result<String, String> {
    let (table, chains) = (w.table, chosen(w, chain)?);
    let mut blocks = Vec::new();
    for c in &chains {
        let mut out = format!("Chain {c} ");
        if w.is_builtin(c) && f.verbose {
            let (p, b) = counters.policy(c);
            out += &format!(
                "(policy {} {}packets, {}bytes)\n",
                w.policy(c),
                num(p, f, false),
                num(b, f, false)
            );
        } else if w.is_builtin(c) {
            out += &format!("(policy {})\n", w.policy(c));
        } else {
            out += &format!("({} references)\n", references(table, c));
        }
        out += &column_line(f);
        for (i, rule) in table.rules(c).iter().enumerate() {
            out += &row(rule, i + 1, counters.rule(c, i + 1), f);
        }
        blocks.push(out);
    }
    Ok(blocks.join("\n"))
}

/// How many rules jump to `chain`.
fn references(table: &NatTable, chain: &str) -> usize {
    table
        .chains()
        .flat_map(|(_, rules)| rules.iter())
        .filter(|r| matches!(&r.target, Target::Jump(j) if j == chain))
        .count()
}

/// `print_header`'s column line.
fn column_line(f: ListFormat) -> String {
    let mut out = String::new();
    if f.line_numbers {
        out += "num  ";
    }
    if f.verbose && f.exact {
        out += "    pkts      bytes ";
    } else if f.verbose {
        out += " pkts bytes ";
    }
    out += "target     prot opt";
    if f.verbose {
        out += " in     out    ";
    }
    out + &format!(" {:<19}  {:<19} \n", "source", "destination")
}

/// One rule's row (`print_rule_details`, then each match's and the target's words).
fn row(rule: &Rule, no: usize, (pkts, bytes): (u64, u64), f: ListFormat) -> String {
    let mut out = String::new();
    if f.line_numbers {
        out += &format!("{no:<4} ");
    }
    if f.verbose {
        out += &num(pkts, f, true);
        out += &num(bytes, f, true);
    }
    let target = match &rule.target {
        Target::Jump(c) => c.as_str(),
        Target::Return => "RETURN",
        Target::Accept => "ACCEPT",
        Target::Drop => "DROP",
        Target::Reject => "REJECT",
        Target::Dnat(_) => "DNAT",
        Target::Masquerade { .. } => "MASQUERADE",
        Target::MarkOr(_) | Target::MarkXor(_) => "MARK",
        Target::None => "",
    };
    // `-n` prints the protocol's number (0: any).
    let proto = rule.proto.map_or(0, |p| p.number());
    out += &format!("{target:<9}  {proto:<5}-- ");
    if f.verbose {
        let iface = |i: &Option<crate::netfilter::Neg<String>>| match i {
            None => "*".to_string(),
            Some(n) => format!("{}{}", if n.not { "!" } else { "" }, n.value),
        };
        out += &format!(
            " {:<6} {:<6} ",
            iface(&rule.in_iface),
            iface(&rule.out_iface)
        );
    }
    for a in [&rule.src, &rule.dst] {
        let (bang, text) = match a {
            None => (' ', "0.0.0.0/0".to_string()),
            Some(n) => {
                let t = if n.value.prefix_len() == 32 {
                    n.value.addr().to_string()
                } else {
                    format!("{}/{}", n.value.network(), n.value.prefix_len())
                };
                (if n.not { '!' } else { ' ' }, t)
            }
        };
        out += &format!("{bang}{text:<19} ");
    }
    for m in &rule.matches {
        out += &match m {
            Match::Comment(c) => format!(" /* {c} */"),
            Match::Port { proto, dport } => {
                let port = dport.map(|p| format!(" dpt:{p}")).unwrap_or_default();
                format!(" {}{port}", proto.name())
            }
            Match::Statistic { p } => format!(
                " statistic mode random probability {}",
                saved_probability(*p)
            ),
            Match::Mark { not, value, mask } => {
                format!(
                    " mark match{} {value:#x}/{mask:#x}",
                    if *not { " !" } else { "" }
                )
            }
            Match::AddrTypeLocal { not, dst } => format!(
                " ADDRTYPE match {}-type {}LOCAL",
                if *dst { "dst" } else { "src" },
                if *not { "!" } else { "" }
            ),
            // xt_conntrack's print (libxt_conntrack.c): `ctstate S1,S2`, `! ctstate …`.
            Match::Conntrack { not, states } => {
                let names: Vec<&str> = states.iter().map(|s| s.name()).collect();
                format!(
                    " {}ctstate {}",
                    if *not { "! " } else { "" },
                    names.join(",")
                )
            }
        };
    }
    out += &match &rule.target {
        Target::Dnat(to) => format!(" to:{to}"),
        Target::Masquerade { random_fully: true } => " random-fully".to_string(),
        Target::MarkOr(v) => format!(" MARK or {v:#x}"),
        Target::MarkXor(v) => format!(" MARK xor {v:#x}"),
        Target::Reject => " reject-with icmp-port-unreachable".to_string(),
        _ => String::new(),
    };
    out.push('\n');
    out
}

/// `iptables -t nat -S [CHAIN]`: `-P` for the built-ins, `-N` for the user chains, then the
/// rules as `iptables-save` prints them; with `-v`, each with `-c PACKETS BYTES` before its
/// target (iptables/nft-shared.c `save_rule`: the matches, the counters, then `-j`).
pub fn iptables_rules(
    w: Which,
    chain: Option<&str>,
    counters: Option<&Counters>,
) -> Result<String, String> {
    let (table, chains) = (w.table, chosen(w, chain)?);
    let mut out = String::new();
    for c in &chains {
        if w.is_builtin(c) {
            out += &format!("-P {c} {}", w.policy(c));
            if let Some(k) = counters {
                let (p, b) = k.policy(c);
                out += &format!(" -c {p} {b}");
            }
            out.push('\n');
        } else {
            out += &format!("-N {c}\n");
        }
    }
    for c in &chains {
        for (i, rule) in table.rules(c).iter().enumerate() {
            let text = rule_text(c, rule);
            match counters {
                Some(k) => {
                    let (p, b) = k.rule(c, i + 1);
                    let bare = Rule {
                        target: Target::None,
                        ..(**rule).clone()
                    };
                    let head = rule_text(c, &bare);
                    let rest = text.get(head.len()..).unwrap_or_default();
                    out += &format!("{head} -c {p} {b}{rest}\n");
                }
                None => out += &format!("{text}\n"),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "iptables_list_tests.rs"]
mod tests;
