//! The command line, parsed with `lexopt`: what was asked for, or why it cannot be done.
//! Every argument is checked: a value that is not UTF-8, an option a command does not take,
//! an option given twice, an argument too many are all usage errors, never ignored.

use lexopt::prelude::*;
use packetwalk_lessons::switches::Setting;
use std::ffi::OsString;

pub const HELP: &str = "\
packetwalk: Kubernetes pod networking, one packet at a time

usage:
  packetwalk list                                  the lessons, one line each
  packetwalk trace <lesson> [-f|--format text|json] [--set NAME=VALUE[@WHERE]]...
                                                   the lesson's packet, hop by hop
  packetwalk show <lesson> <namespace> <table> [--hop N] [--set ...]...
                                                   one table of one namespace, as the tool prints it
  packetwalk lab <lesson> [--teardown] [--set ...]...
                                                   a bash script rebuilding the lesson in
                                                   network namespaces (run it as root)
  packetwalk pcap <lesson> [-o|--output FILE] [--set ...]...
                                                   the walk as a pcapng file for Wireshark:
                                                   every frame at every interface, each
                                                   commented with its hop
  packetwalk switches <lesson>                     the settings --set can break, with their values
  packetwalk predict <lesson> [--set ...]...       the questions the page's Predict mode asks,
                                                   with their answers
  packetwalk help [<command>]                      this, or one command's help
  packetwalk <command> --help                      the same

<lesson> is a lesson id from `packetwalk list`, or the path of a lesson file: an argument
that contains `/` or ends in `.toml` is read as a file (its mistakes are reported as
FILE:LINE: field.path: what is wrong).

tables: addr link route route-n neigh fdb brctl nat conntrack resolv.conf

--set NAME=VALUE[@WHERE] (repeatable, applied in order) flips one of the lesson's switches
before it runs, e.g. --set net.ipv4.ip_forward=0@NODE; without @WHERE it applies everywhere
the switch is offered. `packetwalk switches <lesson>` lists them.

exit status: 0 done; 1 could not be done (a lesson file unreadable or wrong, the output not
written); 2 usage error (an unknown lesson, namespace, table or option; a table that does
not apply to the namespace). Output cut short by a closed pipe (`| head`) is not an error.
";

pub const LIST_HELP: &str = "\
usage: packetwalk list

Prints every lesson, in teaching order: its id and title, then its summary.
";

pub const TRACE_HELP: &str = "\
usage: packetwalk trace <lesson> [-f|--format text|json] [--set NAME=VALUE[@WHERE]]...

Runs the lesson's scenario and prints the packet's walk, hop by hop: where it is, what
happened there and why (the route row, the iptables rule, the conntrack entry, ...).

  <lesson>              a lesson id (packetwalk list) or a lesson file's path
  -f, --format FORMAT   text (the default) or json (described in docs/trace-json.md)
  --set NAME=VALUE[@WHERE]
                        break the lesson first: flip one of its switches (repeatable,
                        applied in order; `packetwalk switches <lesson>` lists them), e.g.
                        --set net.ipv4.ip_forward=0@NODE, --set kube-proxy.endpoint=IP:PORT
";

pub const SHOW_HELP: &str = "\
usage: packetwalk show <lesson> <namespace> <table> [--hop N] [--set NAME=VALUE[@WHERE]]...

Prints one table of one network namespace exactly as the real tool prints it, as the
lesson leaves it, or as of hop N of the trace.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  <namespace>   a node, a pod or an outside host of the lesson (a wrong one lists them)
  <table>       addr (ip addr)   link (ip link)   route (ip route)   route-n (route -n)
                neigh (ip neigh)   fdb (bridge fdb show)   brctl (brctl show)
                nat (iptables-save -t nat)   conntrack (conntrack -L)
                resolv.conf (cat /etc/resolv.conf)
  --hop N       the tables as of hop N (0 is the first hop of `packetwalk trace`)
  --set NAME=VALUE[@WHERE]
                the lesson with a switch flipped (repeatable; packetwalk switches <lesson>)

A table that does not apply to the namespace (brctl in a pod, resolv.conf on a node) is
an error that says so and names the tables that do.
";

pub const LAB_HELP: &str = "\
usage: packetwalk lab <lesson> [--teardown] [--set NAME=VALUE[@WHERE]]...

Prints a bash script that builds the lesson's cluster in real Linux network namespaces
named pw-<tag>-<namespace> (run it as root; see docs/lab.md), or with --teardown the
script that removes everything it made.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  --teardown    the teardown script instead (safe to run twice)
  --set NAME=VALUE[@WHERE]
                the lesson with a switch flipped (repeatable; packetwalk switches <lesson>)
";

pub const PCAP_HELP: &str = "\
usage: packetwalk pcap <lesson> [-o|--output FILE] [--set NAME=VALUE[@WHERE]]...

Writes the lesson's walk as a pcapng file: the bytes of every frame at every interface it
crossed (one interface per namespace and device: worker-node-1/cni0, frontend/eth0, and
azure:vnet for the cloud's fabric), in the trace's order, each frame commented with its
hop, the decisions that led to it (route row, iptables rule, conntrack entry) and a drop
after it. Open it with `wireshark FILE`; VXLAN is on UDP 8472, flannel's port, so
`tshark -r FILE -d udp.port==8472,vxlan` (or Decode As... in Wireshark) shows the inner frame.

  <lesson>             a lesson id (packetwalk list) or a lesson file's path
  -o, --output FILE    write the file there (and say how many frames it holds); without it
                       the file goes to standard output, which must then not be a terminal
  --set NAME=VALUE[@WHERE]
                       the lesson with a switch flipped (repeatable; packetwalk switches <lesson>)
";

pub const SWITCHES_HELP: &str = "\
usage: packetwalk switches <lesson>

Lists the switches of the lesson that --set can flip (on trace, show, lab and pcap): each
as NAME@WHERE (a node, a Service, a pod) or NAME, its values with the lesson's own marked
with *, and what it changes and what a real cluster would show. The names are the real
settings' (sysctl, the Service's spec, the pod's dnsConfig); kube-proxy.endpoint is where
kube-proxy's random pick lands.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
";

pub const PREDICT_HELP: &str = "\
usage: packetwalk predict <lesson> [--set NAME=VALUE[@WHERE]]...

Prints the questions the site's Predict mode asks before the lesson's decisive hops (the
route picked, whose MAC is asked for, the destination after DNAT, the node the tunnel or
the cloud route picks, the next DNS name, the reply's source after conntrack): each with
the hop it reveals, its choices (the right one marked with *), and the engine's reason.
The choices come from the run, so with --set they follow the broken cluster.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  --set NAME=VALUE[@WHERE]
                the lesson with a switch flipped (repeatable; packetwalk switches <lesson>)
";

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
    let mut set: Vec<Setting> = Vec::new();
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
            Long("hop") if command == "show" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                let n = v
                    .parse::<usize>()
                    .map_err(|_| usage(format!("--hop wants a hop number, not `{v}`"), help))?;
                once(&mut hop, "--hop", n, help)?;
            }
            Long("teardown") if command == "lab" => once(&mut teardown, "--teardown", true, help)?,
            Long("output") | Short('o') if command == "pcap" => {
                let v = p.value().map_err(lex(help))?.string().map_err(lex(help))?;
                once(&mut output, "--output", v, help)?;
            }
            Long("set")
                if matches!(
                    command.as_str(),
                    "trace" | "show" | "lab" | "pcap" | "predict"
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
        "list" => &[],
        "trace" | "lab" | "pcap" | "switches" | "predict" => &["lesson"],
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
