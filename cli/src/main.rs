//! `packetwalk`: the lessons on the command line.
//!
//! ```text
//! packetwalk list
//! packetwalk trace <lesson> [--format text|json]
//! packetwalk show <lesson> <namespace> <table> [--hop N]
//! packetwalk lab <lesson> [--teardown]
//! ```

use packetwalk_core::show::{self, Table};
use packetwalk_lessons::{self as lessons, Lesson};
use std::process::ExitCode;

const USAGE: &str = "usage:
  packetwalk list
  packetwalk trace <lesson> [--format text|json]
  packetwalk show <lesson> <namespace> <table> [--hop N]
  packetwalk lab <lesson> [--teardown]    (a bash script: the lesson in network namespaces)

tables: addr link route route-n neigh fdb brctl nat conntrack resolv.conf";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("packetwalk: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let (positional, flags) = split_flags(args)?;
    match positional.first().map(String::as_str) {
        Some("list") => list(),
        Some("trace") => {
            let lesson = lesson(positional.get(1))?;
            let format = flags
                .iter()
                .find(|(k, _)| k == "format")
                .map(|(_, v)| v.as_str())
                .unwrap_or("text");
            trace(&lesson, format)
        }
        Some("show") => {
            let lesson = lesson(positional.get(1))?;
            let ns = positional
                .get(2)
                .ok_or_else(|| format!("show needs a namespace\n{USAGE}"))?;
            let table = positional
                .get(3)
                .ok_or_else(|| format!("show needs a table\n{USAGE}"))?;
            let hop = match flags.iter().find(|(k, _)| k == "hop") {
                Some((_, v)) => Some(
                    v.parse::<usize>()
                        .map_err(|_| format!("--hop wants a hop number, not `{v}`"))?,
                ),
                None => None,
            };
            show_table(&lesson, ns, table, hop)
        }
        Some("lab") => {
            let id = positional
                .get(1)
                .ok_or_else(|| format!("which lesson? one of: {}", lessons::ids().join(", ")))?;
            let lab = packetwalk_lab::Lab::load(id)?;
            Ok(if flags.iter().any(|(k, _)| k == "teardown") {
                lab.teardown_script()
            } else {
                lab.setup_script()
            })
        }
        Some("help") | Some("--help") | Some("-h") | None => Ok(format!("{USAGE}\n")),
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

/// Split `--key value` / `--key=value` flags from positional arguments.
/// Positional arguments, and `(flag, value)` pairs.
type Parsed = (Vec<String>, Vec<(String, String)>);

fn split_flags(args: &[String]) -> Result<Parsed, String> {
    let mut pos = Vec::new();
    let mut flags = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(k) = a.strip_prefix("--") {
            if k == "help" {
                pos.push(a.clone());
                continue;
            }
            if k == "teardown" {
                flags.push((k.to_string(), String::new()));
                continue;
            }
            let (k, v) = match k.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (
                    k.to_string(),
                    it.next()
                        .ok_or_else(|| format!("--{k} needs a value"))?
                        .clone(),
                ),
            };
            if !["format", "hop"].contains(&k.as_str()) {
                return Err(format!("unknown option --{k}\n{USAGE}"));
            }
            flags.push((k, v));
        } else {
            pos.push(a.clone());
        }
    }
    Ok((pos, flags))
}

fn lesson(id: Option<&String>) -> Result<Lesson, String> {
    let id = id.ok_or_else(|| format!("which lesson? one of: {}", lessons::ids().join(", ")))?;
    match lessons::load(id) {
        Some(Ok(l)) => Ok(l),
        Some(Err(e)) => Err(e.to_string()),
        None => Err(format!(
            "no lesson `{id}`; the lessons are: {}",
            lessons::ids().join(", ")
        )),
    }
}

fn list() -> Result<String, String> {
    let mut out = String::new();
    for l in lessons::all() {
        let l = l.map_err(|e| e.to_string())?;
        out += &format!("{:<20} {}\n{:<20} {}\n", l.id, l.title, "", l.summary);
    }
    Ok(out)
}

fn trace(lesson: &Lesson, format: &str) -> Result<String, String> {
    let run = lesson.run()?;
    match format {
        "text" => Ok(run.trace.to_text()),
        "json" => serde_json::to_string_pretty(&run.trace)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        other => Err(format!("unknown format `{other}` (text or json)")),
    }
}

fn show_table(
    lesson: &Lesson,
    ns: &str,
    table: &str,
    hop: Option<usize>,
) -> Result<String, String> {
    let table = Table::from_name(table).ok_or_else(|| {
        let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        format!("unknown table `{table}`; tables: {}", names.join(" "))
    })?;
    let run = lesson.run()?;
    if let Some(h) = hop {
        if h >= run.trace.hops.len() {
            return Err(format!(
                "hop {h} is out of range: this lesson has hops 0 to {}",
                run.trace.hops.len().saturating_sub(1)
            ));
        }
    }
    // Without --hop: the tables as the lesson leaves them.
    let hop = hop.or(run.trace.hops.len().checked_sub(1));
    let (netns, _) = run.state_at(hop);
    let n = netns.iter().find(|n| n.name == ns).ok_or_else(|| {
        let names: Vec<&str> = netns.iter().map(|n| n.name.as_str()).collect();
        format!(
            "no namespace `{ns}` in lesson {}; namespaces: {}",
            lesson.id,
            names.join(", ")
        )
    })?;
    Ok(show::render(n, table))
}
