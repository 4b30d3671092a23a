//! `packetwalk`: the lessons on the command line (`packetwalk --help` says what it does).
//!
//! | module | holds |
//! |---|---|
//! | `main.rs` | the commands, the lesson argument (an id or a file) and its `--set` switches, writing the output (the pcapng file through `packetwalk-pcap`) |
//! | `args.rs` | the arguments, parsed with `lexopt` |
//! | `help.rs` | the help texts |
//! | `shell.rs` | `packetwalk shell`: packetwalk-shell on a terminal (rustyline) or a pipe |

mod args;
mod help;
mod shell;

use args::{Cmd, Format, Usage};
use packetwalk_core::show::{self, Table};
use packetwalk_core::trace::{fabric_name, Location};
use packetwalk_lessons::switches::{self, Setting};
use packetwalk_lessons::{self as lessons, Lesson};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Why a command did not finish.
enum Failure {
    /// The command line asks for something that does not exist or does not apply (exit 2).
    Usage(Usage),
    /// What was asked cannot be done: a lesson file unreadable or wrong (exit 1).
    Failed(String),
    /// The output could not be written (a closed pipe ends quietly, anything else exit 1).
    Write(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Write(e)
    }
}

/// A usage error about the values given (not their form): no usage line after it.
fn wrong(message: impl Into<String>) -> Failure {
    Failure::Usage(Usage {
        message: message.into(),
        usage: "",
    })
}

fn main() -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = run(std::env::args_os().skip(1), &mut out).and_then(|()| Ok(out.flush()?));
    let mut err = io::stderr().lock();
    // A failed write to stderr has nowhere left to be reported: it is ignored.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): like cat, stop quietly.
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Write(e)) => {
            let _ = writeln!(err, "packetwalk: cannot write the output: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Failed(m)) => {
            let _ = writeln!(err, "packetwalk: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(u)) => {
            let _ = writeln!(err, "packetwalk: {}", u.message);
            if !u.usage.is_empty() {
                let _ = writeln!(err, "{}\n(packetwalk --help says more)", u.usage);
            }
            ExitCode::from(2)
        }
    }
}

fn run(args: impl Iterator<Item = std::ffi::OsString>, out: &mut dyn Write) -> Result<(), Failure> {
    match args::parse(args).map_err(Failure::Usage)? {
        Cmd::Help(text) => out.write_all(text.as_bytes())?,
        Cmd::Version => writeln!(out, "packetwalk {}", env!("CARGO_PKG_VERSION"))?,
        Cmd::List => list(out)?,
        Cmd::Trace {
            lesson: l,
            format,
            set,
        } => trace(&broken(&l, &set)?, format, out)?,
        Cmd::Show {
            lesson: l,
            netns,
            table,
            hop,
            set,
        } => show_table(&broken(&l, &set)?, &netns, &table, hop, out)?,
        Cmd::Lab {
            lesson: l,
            teardown,
            set,
        } => {
            let mut lab = packetwalk_lab::Lab::new(broken(&l, &set)?).map_err(Failure::Failed)?;
            if is_path(&l) {
                lab = lab.from_file(&l);
            }
            let script = if teardown {
                lab.teardown_script()
            } else {
                lab.setup_script()
            };
            out.write_all(script.as_bytes())?;
        }
        Cmd::Pcap {
            lesson: l,
            output,
            set,
        } => pcap(&broken(&l, &set)?, output.as_deref(), out)?,
        Cmd::Switches { lesson: l } => switches(&lesson(&l)?, out)?,
        Cmd::Predict { lesson: l, set } => predict(&broken(&l, &set)?, out)?,
        Cmd::Gen { spec, output } => {
            let text = lessons::gen::generate(&spec).map_err(Failure::Failed)?;
            match output {
                None => out.write_all(text.as_bytes())?,
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::Failed(format!("cannot write {path}: {e}")))?,
            }
        }
        Cmd::Shell {
            lesson: l,
            netns,
            hop,
            set,
        } => shell_in(&broken(&l, &set)?, (&l, &set), netns.as_deref(), hop, out)?,
    }
    Ok(())
}

/// The lesson with the `--set` switches flipped; one that does not exist or apply, or a
/// value it does not take, is a usage error.
fn broken(arg: &str, set: &[Setting]) -> Result<Lesson, Failure> {
    let l = lesson(arg)?;
    if set.is_empty() {
        return Ok(l);
    }
    switches::apply(&l, set).map_err(wrong)
}

/// `packetwalk switches`: each switch's key, its values (the lesson's own marked `*`) and
/// what it does.
fn switches(lesson: &Lesson, out: &mut dyn Write) -> Result<(), Failure> {
    for sw in switches::available(lesson) {
        let values: Vec<String> = sw
            .values
            .iter()
            .map(|v| {
                if *v == sw.current {
                    format!("*{v}")
                } else {
                    v.clone()
                }
            })
            .collect();
        writeln!(out, "{}  {}", sw.key, values.join(" "))?;
        writeln!(out, "    {}", sw.explain)?;
    }
    Ok(())
}

/// `packetwalk shell`: in `netns` (else where the lesson's packet leaves from), as of `hop`;
/// on a terminal with line editing, from a pipe without prompts.
fn shell_in(
    lesson: &Lesson,
    (lesson_arg, set): (&str, &[Setting]),
    netns: Option<&str>,
    hop: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let run = lesson.run().map_err(Failure::Failed)?;
    let from = match netns {
        Some(n) => n.to_string(),
        None => lesson.scenario().map_err(Failure::Failed)?.from,
    };
    // `curl` and `ping` walk the learner's own packet from the same lesson.
    let walker = |from: &str, to: &str| lessons::own_packet_walk(lesson, from, to);
    let trace: String = std::iter::once(lesson_arg.to_string())
        .chain(set.iter().map(|s| format!("--set {s}")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut sh = packetwalk_shell::Shell::new(&run, &from, hop)
        .map_err(|e| wrong(format!("{e} (lesson {})", lesson.id)))?
        .with_walker(&walker, &trace);
    if io::stdin().is_terminal() {
        return shell::interactive(&run, sh, hop, out).map_err(Failure::Failed);
    }
    shell::piped(&mut sh, io::stdin().lock(), out, &mut io::stderr().lock())?;
    Ok(())
}

/// `packetwalk predict`: the Predict mode's questions, the right choice marked `*`.
fn predict(lesson: &Lesson, out: &mut dyn Write) -> Result<(), Failure> {
    let run = lesson.run().map_err(Failure::Failed)?;
    for q in lessons::checkpoints::questions(lesson, &run) {
        writeln!(out, "#{} {}", q.hop, q.ask)?;
        for (i, c) in q.choices.iter().enumerate() {
            writeln!(out, "  {} {c}", if i == q.right { '*' } else { '-' })?;
        }
        writeln!(out, "  why: {}", q.why)?;
    }
    Ok(())
}

/// The walk as a pcapng file: into `output`, or to standard output when that is not a
/// terminal (binary on a terminal helps no one).
fn pcap(lesson: &Lesson, output: Option<&str>, out: &mut dyn Write) -> Result<(), Failure> {
    if output.is_none() && io::stdout().is_terminal() {
        return Err(Failure::Usage(Usage {
            message: "pcap writes a binary file: give -o FILE, or redirect standard output \
                      (packetwalk pcap LESSON > walk.pcapng)"
                .into(),
            usage: args::PCAP_HELP.lines().next().unwrap_or(""),
        }));
    }
    let run = lesson.run().map_err(Failure::Failed)?;
    let title = packetwalk_pcap::title(&lesson.id, &lesson.title);
    let bytes = packetwalk_pcap::pcapng(&run, &title);
    let Some(path) = output else {
        out.write_all(&bytes)?;
        return Ok(());
    };
    std::fs::write(path, &bytes)
        .map_err(|e| Failure::Failed(format!("cannot write {path}: {e}")))?;
    let seen = packetwalk_pcap::taps::seen(&run);
    let mut taps: Vec<&str> = seen.iter().map(|s| s.tap.name.as_str()).collect();
    taps.sort_unstable();
    taps.dedup();
    writeln!(
        out,
        "wrote {path}: {} frames at {} interfaces ({} bytes); open it with: wireshark {path}",
        seen.len(),
        taps.len(),
        bytes.len()
    )?;
    Ok(())
}

/// Is this lesson argument a file's path rather than an id?
fn is_path(arg: &str) -> bool {
    arg.contains('/') || arg.ends_with(".toml")
}

/// A lesson by id, or read and parsed from a file (its mistakes name the path given).
fn lesson(arg: &str) -> Result<Lesson, Failure> {
    if is_path(arg) {
        let text = std::fs::read_to_string(arg)
            .map_err(|e| Failure::Failed(format!("cannot read the lesson file {arg}: {e}")))?;
        return lessons::parse_file(arg, &text).map_err(|e| Failure::Failed(e.to_string()));
    }
    match lessons::load(arg) {
        Some(Ok(l)) => Ok(l),
        Some(Err(e)) => Err(Failure::Failed(e.to_string())),
        None => Err(wrong(format!(
            "no lesson `{arg}`; the lessons are: {} (or give a lesson file's path)",
            lessons::ids().join(", ")
        ))),
    }
}

fn list(out: &mut dyn Write) -> Result<(), Failure> {
    for l in lessons::all() {
        let l = l.map_err(|e| Failure::Failed(e.to_string()))?;
        writeln!(out, "{:<20} {}\n{:<20} {}", l.id, l.title, "", l.summary)?;
    }
    Ok(())
}

fn trace(lesson: &Lesson, format: Format, out: &mut dyn Write) -> Result<(), Failure> {
    let run = lesson.run().map_err(Failure::Failed)?;
    match format {
        Format::Text => out.write_all(run.trace.to_text().as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &run.trace).map_err(|e| {
                if e.is_io() {
                    Failure::Write(e.into())
                } else {
                    Failure::Failed(e.to_string())
                }
            })?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Why a table means nothing in a namespace.
fn why_not(table: Table) -> &'static str {
    match table {
        Table::BridgeFdb | Table::BrctlShow => "it has no bridge and no VXLAN device",
        Table::IptablesSaveNat | Table::ConntrackL => {
            "it has no nat rules (kube-proxy's are on the nodes)"
        }
        Table::IptablesSaveFilter => "it has no filter rules (kube-proxy's are on the nodes)",
        Table::ResolvConf => "the lesson gives it no resolv.conf",
        Table::AzureRoutes => "it is the Azure VNet's table (show LESSON azure:vnet azure-routes)",
        _ => "it does not apply there",
    }
}

fn show_table(
    lesson: &Lesson,
    ns: &str,
    table: &str,
    hop: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let names = |tables: &mut dyn Iterator<Item = Table>| -> String {
        tables.map(|t| t.name()).collect::<Vec<_>>().join(" ")
    };
    let table = Table::from_name(table).ok_or_else(|| {
        wrong(format!(
            "unknown table `{table}`; tables: {}",
            names(&mut Table::ALL.into_iter())
        ))
    })?;
    let run = lesson.run().map_err(Failure::Failed)?;
    if let Some(h) = hop {
        if h >= run.trace.hops.len() {
            return Err(wrong(format!(
                "hop {h} is out of range: this lesson has hops 0 to {}",
                run.trace.hops.len().saturating_sub(1)
            )));
        }
    }
    // Without --hop: the tables as the lesson leaves them.
    let hop = hop.or(run.trace.hops.len().checked_sub(1));
    let (netns, segments) = run.state_at(hop);
    // The cloud fabric's one table: the Azure route table.
    if let Some(seg) = segments.iter().find(|s| fabric_name(&s.name) == ns) {
        let at = Location::fabric(&seg.name);
        let tables = show::at::tables(netns, segments, &at);
        let Some((_, text)) = tables.iter().find(|(t, _)| *t == table) else {
            return Err(wrong(format!(
                "table `{}` does not apply to {ns}, the cloud's fabric; tables there: {}",
                table.name(),
                names(&mut tables.iter().map(|(t, _)| *t))
            )));
        };
        out.write_all(text.as_bytes())?;
        return Ok(());
    }
    let n = netns.iter().find(|n| n.name == ns).ok_or_else(|| {
        let names: Vec<&str> = netns.iter().map(|n| n.name.as_str()).collect();
        wrong(format!(
            "no namespace `{ns}` in lesson {}; namespaces: {}",
            lesson.id,
            names.join(", ")
        ))
    })?;
    if !show::applies_to(table, n) {
        return Err(wrong(format!(
            "table `{}` ({}) does not apply to {ns}: {}; tables there: {}",
            table.name(),
            table.command(),
            why_not(table),
            names(&mut Table::ALL.into_iter().filter(|t| show::applies_to(*t, n)))
        )));
    }
    out.write_all(show::render(n, table).as_bytes())?;
    Ok(())
}
