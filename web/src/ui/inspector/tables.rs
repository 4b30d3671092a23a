//! The hop's namespace's tables as they stand after the hop, as the tools print them, in a
//! terminal: one tab per command, the one this hop is about picked unless the learner
//! picked another; rows this hop added are highlighted.

use super::super::erase::{flag, on_click, text};
use super::super::state::{Player, Written};
use crate::markup::esc;
use crate::model::{Hop, Listed, PlaceKind, Table};
use leptos::prelude::*;
use packetwalk_vocab::consts::AKS_RESOURCE_GROUP;
use wasm_bindgen::JsCast;

/// The prompt and command line as typed on the node, in the pod, or with the Azure CLI.
pub fn prompt(hop: &Hop, command: &str, route_table: Option<&str>) -> (String, String) {
    let at = &hop.at;
    if at.place == PlaceKind::Fabric {
        let rt = route_table.unwrap_or("<route table>");
        return ("$ ".into(), format!("az network route-table route list -g {AKS_RESOURCE_GROUP} --route-table-name {rt} -o table"));
    }
    let who = match &at.node {
        Some(n) if *n == at.netns => format!("root@{n}:~# "),
        Some(_) => format!("root@{}:/# ", at.netns),
        None => format!("root@{}:~# ", at.netns),
    };
    (who, command.to_string())
}

/// A terminal: the prompt, the command, its output; rows this hop added highlighted.
pub fn terminal(who: &str, command: &str, output: &str, changed: &[String]) -> String {
    let mut out = format!(
        "<span class=\"prompt\">{}</span><span class=\"cmd\">{}</span>\n",
        esc(who),
        esc(command)
    );
    for line in output.lines() {
        if changed.iter().any(|c| c.trim_end() == line.trim_end()) {
            out += &format!("<span class=\"new\">{}</span>\n", esc(line));
        } else {
            out += &esc(line);
            out.push('\n');
        }
    }
    out
}

/// The tab strip for a hop's tables: one button per command, the current one pressed.
pub fn tabs_html(tables: &[crate::model::TableRef], current: usize, dots: &[Table]) -> String {
    let mut out = String::new();
    for (i, r) in tables.iter().enumerate() {
        out += &format!(
            "<button class=\"tab{}\" data-command=\"{}\" aria-pressed=\"{}\">{}</button>",
            if dots.contains(&r.table) { " has" } else { "" },
            r.table.index(),
            i == current,
            esc(r.table.command())
        );
    }
    out
}

/// The Tables pane: the hop's namespace's tables, one tab per command. The tab this hop is
/// about is shown unless the learner picked another (kept while stepping, where it exists).
#[component]
pub fn TablesPane(shown: Signal<bool>) -> impl IntoView {
    let p = expect_context::<Player>();
    let Written(written) = expect_context::<Written>();
    let picked = RwSignal::new(None::<Table>);
    // (tab strip, terminal), computed only while the pane is shown.
    let screen = move |part: usize| {
        if !shown.get() {
            return String::new();
        }
        let choice = picked.get();
        p.with_hop(|l, hop| {
            if hop.tables.is_empty() {
                return if part == 0 {
                    String::new()
                } else {
                    "No tables here.".to_string()
                };
            }
            let current = choice
                .and_then(|c| hop.tables.iter().position(|r| r.table == c))
                .or_else(|| hop.tables.iter().position(|r| r.table == hop.tab))
                .unwrap_or(0);
            let r = hop.tables[current];
            let changed: Vec<String> = hop
                .changes
                .iter()
                .filter(|c| c.netns == hop.at.netns)
                .map(|c| c.line.clone())
                .collect();
            let dots: Vec<Table> = if changed.is_empty() {
                vec![]
            } else {
                vec![hop.tab]
            };
            let (who, line) = prompt(
                hop,
                r.table.command(),
                l.body().topology.underlay.route_table.as_deref(),
            );
            if part == 0 {
                return tabs_html(&hop.tables, current, &dots);
            }
            // The embedded lesson has no table texts: the engine's answer brings them.
            if !l.body().texts.is_empty() {
                return terminal(&who, &line, l.body().text(r.text), &changed);
            }
            written.with(|w| {
                match w
                    .as_ref()
                    .and_then(|w| w.entry.as_ref())
                    .and_then(|e| e.body.as_ref().ok())
                {
                    Some(b) => terminal(&who, &line, b.text(r.text), &changed),
                    None => {
                        "Loading the tables: they come with the engine, a moment after the page."
                            .to_string()
                    }
                }
            })
        })
        .unwrap_or_default()
    };
    let pick = on_click(move |ev| {
        let command = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-command]").ok().flatten())
            .and_then(|e| e.get_attribute("data-command"))
            .and_then(|c| c.parse::<usize>().ok())
            .and_then(Table::from_index);
        if command.is_some() {
            picked.set(command);
        }
    });
    view! {
        <div class="tables-pane" data-testid="tables-pane" hidden=flag(move || !shown.get())>
            <div class="tabs" role="group" aria-label="Table" on:click=pick inner_html=text(move || screen(0))></div>
            <pre class="term" data-testid="terminal" tabindex="0" aria-label="Terminal" inner_html=text(move || screen(1))></pre>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terminal_shows_prompt_command_and_the_new_row_highlighted() {
        let t = terminal(
            "root@worker-node-1:~# ",
            "ip neigh",
            "10.244.0.16 dev cni0 lladdr ca:5e:5d:d3:5c:96 REACHABLE\n10.244.0.10 dev cni0 <x>",
            &["10.244.0.16 dev cni0 lladdr ca:5e:5d:d3:5c:96 REACHABLE".into()],
        );
        assert!(t.starts_with("<span class=\"prompt\">root@worker-node-1:~# </span><span class=\"cmd\">ip neigh</span>\n"));
        assert!(t.contains("<span class=\"new\">10.244.0.16 dev cni0"));
        assert!(t.contains("&lt;x&gt;"));
    }

    #[test]
    fn the_prompt_says_where_the_command_runs() {
        let site = crate::digest::site();
        let body = site.lesson("clusterip").unwrap().body.as_ref().unwrap();
        let hops = body.walk_hops(0);
        let pod = hops.iter().find(|h| h.at.netns == "frontend").unwrap();
        let node = hops.iter().find(|h| h.at.netns == "worker-node-1").unwrap();
        assert_eq!(prompt(pod, "ip route", None).0, "root@frontend:/# ");
        assert_eq!(prompt(node, "ip route", None).0, "root@worker-node-1:~# ");
        let dnat = hops
            .iter()
            .find(|h| h.event == crate::model::EventKind::Dnat)
            .unwrap();
        assert_eq!(dnat.tab, Table::ConntrackL, "DNAT made a conntrack entry");
    }
}
