//! The command line, parsed with `lexopt`: what was asked for, or why it cannot be done.
//! Every argument is checked: a value that is not UTF-8, an option a command does not take,
//! an option given twice, an argument too many are all usage errors, never ignored.

use lexopt::prelude::*;
use packetwalk_lessons::gen::{GenNetwork, GenSpec};
use packetwalk_lessons::switches::Setting;
use std::ffi::OsString;

pub use crate::help::*;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Cmd {
    Help(&'static str),
    Version,
    List,
    Trace {
        lesson: String,
        format: Format,
        set: Vec<Setting>,
    },
    Show {
        lesson: String,
        netns: String,
        table: String,
        hop: Option<usize>,
        set: Vec<Setting>,
    },
    Lab {
        lesson: String,
        teardown: bool,
        set: Vec<Setting>,
    },
    Pcap {
        lesson: String,
        output: Option<String>,
        set: Vec<Setting>,
    },
    Switches {
        lesson: String,
    },
    Predict {
        lesson: String,
        set: Vec<Setting>,
    },
    Gen {
        spec: GenSpec,
        output: Option<String>,
    },
    Shell {
        lesson: String,
        netns: Option<String>,
        hop: Option<usize>,
        set: Vec<Setting>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// A usage error: the message, and the usage of the command it is about.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage {
    pub message: String,
    pub usage: &'static str,
}

fn usage(message: impl Into<String>, help: &'static str) -> Usage {
    let usage = help.lines().next().unwrap_or("");
    Usage {
        message: message.into(),
        usage: if help == HELP { "" } else { usage },
    }
}

fn help_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "list" => LIST_HELP,
        "trace" => TRACE_HELP,
        "show" => SHOW_HELP,
        "lab" => LAB_HELP,
        "pcap" => PCAP_HELP,
        "switches" => SWITCHES_HELP,
        "predict" => PREDICT_HELP,
        "gen" => GEN_HELP,
        "shell" => SHELL_HELP,
        "help" => HELP,
        _ => return None,
    })
}

/// Set an option's value, refusing it the second time.
fn once<T>(slot: &mut Option<T>, name: &str, value: T, help: &'static str) -> Result<(), Usage> {
    if slot.is_some() {
        return Err(usage(format!("{name} is given twice"), help));
    }
    *slot = Some(value);
    Ok(())
}

/// Parse the arguments (without the program name).
pub fn parse<I>(args: I) -> Result<Cmd, Usage>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut p = lexopt::Parser::from_args(args);
    let lex = |help: &'static str| move |e: lexopt::Error| usage(e.to_string(), help);
    let command = match p.next().map_err(lex(HELP))? {
        None | Some(Long("help") | Short('h')) => return Ok(Cmd::Help(HELP)),
        Some(Long("version") | Short('V')) => return Ok(Cmd::Version),
        Some(Value(v)) => v.string().map_err(lex(HELP))?,
        Some(other) => return Err(usage(other.unexpected().to_string(), HELP)),
    };
    let help =
        help_of(&command).ok_or_else(|| usage(format!("unknown command `{command}`"), HELP))?;
    let mut positional: Vec<String> = Vec::new();
    let mut format: Option<Format> = None;
    let mut hop: Option<usize> = None;
    let mut teardown: Option<bool> = None;
    let mut output: Option<String> = None;
    let mut netns: Option<String> = None;
    let mut set: Vec<Setting> = Vec::new();
    let mut sizes: [Option<usize>; 3] = [None; 3];
    let mut network: Option<GenNetwork> = None;
    while let Some(arg) = p.next().map_err(lex(help))? {
        match arg {
            Long("help") | Short('h') => return Ok(Cmd::Help(help)),
            Long("format") | Short('f') if command == "trace" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                let f = match v.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    _ => return Err(usage(format!("unknown format `{v}` (text or json)"), help)),
                };
                once(&mut format, "--format", f, help)?;
            }
            Long("hop") if command == "show" || command == "shell" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                let n = v
                    .parse::<usize>()
                    .map_err(|_| usage(format!("--hop wants a hop number, not `{v}`"), help))?;
                once(&mut hop, "--hop", n, help)?;
            }
            Long("netns") if command == "shell" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                once(&mut netns, "--netns", v, help)?;
            }
            Long("teardown") if command == "lab" => once(&mut teardown, "--teardown", true, help)?,
            Long(opt @ ("nodes" | "pods" | "services")) if command == "gen" => {
                let opt = format!("--{opt}");
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                let n = v
                    .parse::<usize>()
                    .map_err(|_| usage(format!("{opt} wants a number, not `{v}`"), help))?;
                let i = ["--nodes", "--pods", "--services"]
                    .iter()
                    .position(|o| *o == opt)
                    .unwrap_or(0);
                once(&mut sizes[i], &opt, n, help)?;
            }
            Long("network") if command == "gen" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                let n = GenNetwork::parse(&v).ok_or_else(|| {
                    usage(
                        format!("unknown network `{v}` (kubenet or flannel-vxlan)"),
                        help,
                    )
                })?;
                once(&mut network, "--network", n, help)?;
            }
            Long("output") | Short('o') if matches!(command.as_str(), "pcap" | "gen") => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                once(&mut output, "--output", v, help)?;
            }
            Long("set")
                if matches!(
                    command.as_str(),
                    "trace" | "show" | "lab" | "pcap" | "predict" | "shell"
                ) =>
            {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                set.push(
                    v.parse()
                        .map_err(|m: String| usage(format!("--set: {m}"), help))?,
                );
            }
            Value(v) => positional.push(v.string().map_err(lex(help))?),
            other => return Err(usage(other.unexpected().to_string(), help)),
        }
    }
    let wants: &[&str] = match command.as_str() {
        "list" | "gen" => &[],
        "trace" | "lab" | "pcap" | "switches" | "predict" | "shell" => &["lesson"],
        "show" => &["lesson", "namespace", "table"],
        _ => &["command"],
    };
    if command == "help" {
        return match positional.as_slice() {
            [] => Ok(Cmd::Help(HELP)),
            [c] => help_of(c)
                .map(Cmd::Help)
                .ok_or_else(|| usage(format!("unknown command `{c}`"), HELP)),
            [_, extra, ..] => Err(usage(format!("unexpected argument `{extra}`"), HELP)),
        };
    }
    if positional.len() < wants.len() {
        let missing = wants[positional.len()];
        let lessons = if missing == "lesson" {
            format!("; the lessons: {}", packetwalk_lessons::ids().join(", "))
        } else {
            String::new()
        };
        return Err(usage(format!("{command} needs a {missing}{lessons}"), help));
    }
    if let Some(extra) = positional.get(wants.len()) {
        return Err(usage(
            format!(
                "unexpected argument `{extra}`: {command} takes {}",
                takes(wants)
            ),
            help,
        ));
    }
    if command == "gen" {
        let [nodes, pods, services] = sizes;
        let missing = |o: &str| usage(format!("gen needs {o} N"), help);
        let spec = GenSpec {
            nodes: nodes.ok_or_else(|| missing("--nodes"))?,
            pods: pods.ok_or_else(|| missing("--pods"))?,
            services: services.ok_or_else(|| missing("--services"))?,
            network: network.unwrap_or(GenNetwork::FlannelVxlan),
        };
        spec.check().map_err(|m| usage(m, help))?;
        return Ok(Cmd::Gen { spec, output });
    }
    let mut positional = positional.into_iter();
    let mut next = || positional.next().unwrap_or_default();
    Ok(match command.as_str() {
        "list" => Cmd::List,
        "trace" => Cmd::Trace {
            lesson: next(),
            format: format.unwrap_or(Format::Text),
            set,
        },
        "show" => Cmd::Show {
            lesson: next(),
            netns: next(),
            table: next(),
            hop,
            set,
        },
        "pcap" => Cmd::Pcap {
            lesson: next(),
            output,
            set,
        },
        "switches" => Cmd::Switches { lesson: next() },
        "predict" => Cmd::Predict {
            lesson: next(),
            set,
        },
        "shell" => Cmd::Shell {
            lesson: next(),
            netns,
            hop,
            set,
        },
        _ => Cmd::Lab {
            lesson: next(),
            teardown: teardown.unwrap_or(false),
            set,
        },
    })
}

fn takes(wants: &[&str]) -> String {
    match wants {
        [] => "no arguments".into(),
        _ => wants
            .iter()
            .map(|w| format!("<{w}>"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
