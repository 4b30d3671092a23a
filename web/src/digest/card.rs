//! The Decision card as HTML: the route table with the matched row and each row's subnet
//! test in binary; the neighbour and FDB entries; the iptables rules walked, chain by chain;
//! the conntrack entry; the VXLAN FDB; the fabric's routes; the DNS candidate. Rendered with
//! the engine (at build time and in the worker), so the first load carries none of it.

use super::decision::Decision;
use crate::markup::{el, esc};
use std::fmt::Write as _;

/// The card of one decision.
pub fn card_html(d: &Decision) -> String {
    let mut out = String::new();
    decision(&mut out, d);
    out
}

fn kv(out: &mut String, k: &str, v: &str) {
    let _ = write!(
        out,
        "<p class=\"kv\">{}<code>{}</code></p>",
        el("span", "k", k),
        esc(v)
    );
}

fn card(out: &mut String, title: &str) {
    let _ = write!(out, "<div class=\"card-d\">{}", el("h3", "", title));
}

fn decision(out: &mut String, d: &Decision) {
    match d {
        Decision::Local { addr, dev } => {
            card(out, "Local table");
            out.push_str(&el(
                "p",
                "",
                &format!(
                    "{addr} is an address of {dev}: the local table wins, no route is needed."
                ),
            ));
        }
        Decision::Route {
            rows,
            matched,
            next_hop,
            dev,
        } => {
            card(out, "Route lookup: ip route");
            let summary = match matched {
                Some(_) => {
                    format!("The longest matching prefix wins: out of {dev}, next hop {next_hop}.")
                }
                None => "No row matches: the kernel has no route (ENETUNREACH).".to_string(),
            };
            out.push_str(&el("p", "", &summary));
            out.push_str("<ol class=\"routes\">");
            for (i, r) in rows.iter().enumerate() {
                let hit = *matched == Some(i as u32);
                let verdict = if r.matches {
                    format!("/{} matches", r.prefix_len)
                } else {
                    "no match".into()
                };
                let _ = write!(
                    out,
                    "<li class=\"route-row{}{}\"><details{}><summary><span class=\"mark\">{}</span>{}{}</summary><pre class=\"binary\">{}</pre></details></li>",
                    if hit { " matched" } else { "" },
                    if r.matches { " matches" } else { "" },
                    if hit { " open" } else { "" },
                    if hit { "→" } else { "" },
                    el("code", "row-text", &r.text),
                    el("span", "verdict", &verdict),
                    esc(&r.binary.join("\n"))
                );
            }
            out.push_str("</ol>");
        }
        Decision::Neighbour { ip, dev, entry } => {
            card(out, "Neighbour table: ip neigh");
            match entry {
                Some(e) => {
                    out.push_str(&el("p", "", &format!("The MAC of {ip} is known:")));
                    out.push_str(&el("pre", "row", e));
                }
                None => out.push_str(&el(
                    "p",
                    "",
                    &format!("No entry for {ip} on {dev}: ask with an ARP request."),
                )),
            }
        }
        Decision::Fdb { dst, entry, flood } => {
            card(out, "Bridge forwarding database: bridge fdb");
            match entry {
                Some(e) => {
                    out.push_str(&el("p", "", &format!("Where {dst} was last seen:")));
                    out.push_str(&el("pre", "row", e));
                }
                None => {
                    out.push_str(&el(
                        "p",
                        "",
                        &format!(
                            "{dst} is unknown or broadcast: the bridge floods a copy out of these ports (the sender's own among them only when it is in hairpin mode):"
                        ),
                    ));
                    out.push_str(&el("p", "ports", &flood.join(", ")));
                }
            }
        }
        Decision::Nat {
            table,
            hook,
            rules,
            verdict,
            policy,
        } => {
            card(out, &format!("iptables: the {table} table"));
            out.push_str(&el(
                "p",
                "",
                &format!("Hook {hook}: the rules walked, in order, as iptables TRACE names them."),
            ));
            out.push_str("<ol class=\"rules\">");
            for r in rules {
                let _ =
                    write!(
                    out,
                    "<li class=\"rule{}\"><span class=\"mark\" title=\"{}\">{}</span>{}{}{}</li>",
                    if r.matched { " matched" } else { "" },
                    if r.matched { "matched" } else { "did not match" },
                    if r.matched { "✓" } else { "·" },
                    el("span", "rule-id", &format!("{table}:{}:rule:{}", r.chain, r.rule_no)),
                    el("code", "rule-text", &r.text),
                    r.note.as_deref().map(|n| el("span", "note", n)).unwrap_or_default()
                );
            }
            out.push_str("</ol>");
            if let Some(p) = policy {
                out.push_str(&el(
                    "p",
                    "policy",
                    &format!(
                        "Fell off the end of the chain: {p} ({})",
                        if verdict == "DROP" { "DROP" } else { "ACCEPT" }
                    ),
                ));
            }
            kv(out, "Verdict", verdict);
        }
        Decision::Conntrack { entry, direction } => {
            card(out, "Connection tracking: conntrack -L");
            out.push_str(&el("p", "", &format!("Direction: {direction}")));
            out.push_str(&el("pre", "row", entry));
        }
        Decision::Vxlan {
            vni,
            fdb,
            remote,
            sport,
        } => {
            card(out, "VXLAN: flannel.1");
            kv(out, "VNI", &vni.to_string());
            kv(out, "FDB entry", fdb);
            kv(
                out,
                "Outer destination",
                &format!("{remote}:{}", packetwalk_vocab::consts::FLANNEL_VXLAN_PORT),
            );
            kv(
                out,
                "Outer source port",
                &format!("{sport} (a hash of the inner flow)"),
            );
        }
        Decision::Fabric {
            rows,
            matched,
            next_hop,
        } => {
            card(out, "Azure: the effective routes");
            out.push_str("<ol class=\"routes\">");
            for (i, r) in rows.iter().enumerate() {
                let hit = *matched == i as u32;
                let _ = write!(
                    out,
                    "<li class=\"route-row{}\"><span class=\"mark\">{}</span>{}</li>",
                    if hit { " matched" } else { "" },
                    if hit { "→" } else { "" },
                    el("code", "row-text", r)
                );
            }
            out.push_str("</ol>");
            kv(out, "Next hop", next_hop);
        }
        Decision::Dns {
            candidate,
            reason,
            answer,
        } => {
            card(out, "The resolver (glibc)");
            kv(out, "Candidate", candidate);
            kv(out, "Because", reason);
            kv(out, "Answer", answer);
        }
    }
    out.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use crate::model::EventKind;

    fn page_html(h: &crate::model::Hop) -> String {
        h.decision.clone()
    }

    fn first(lesson: &str, kind: EventKind) -> String {
        let site = crate::digest::site();
        let body = site.lesson(lesson).unwrap().body.as_ref().unwrap();
        page_html(
            body.walk_hops(0)
                .into_iter()
                .find(|h| h.event == kind)
                .expect("a hop"),
        )
    }

    #[test]
    fn a_route_lookup_shows_the_matched_row_and_its_subnet_test_in_binary() {
        let html = first("same-node", EventKind::RouteLookup);
        assert!(
            html.contains("route-row matched matches\"><details open>"),
            "{html}"
        );
        assert!(html.contains("00001010.11110100."), "the AND in binary");
    }

    #[test]
    fn the_iptables_walk_lists_chain_rule_and_text() {
        let html = first("clusterip", EventKind::Netfilter);
        assert!(html.contains("nat:KUBE-SERVICES:rule:1"));
        assert!(html.contains("rule matched"));
        assert!(
            html.contains("DNAT --to-destination 10.244.0.16:8080"),
            "{html}"
        );
    }
}
