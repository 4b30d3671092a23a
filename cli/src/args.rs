//! The command line, parsed with `lexopt`: what was asked for, or why it cannot be done.
//! Every argument is checked: a value that is not UTF-8, an option a command does not take,
//! an option given twice, an argument too many are all usage errors, never ignored.

use lexopt::prelude::*;
use std::ffi::OsString;

pub const HELP: &str = "\
packetwalk: Kubernetes pod networking, one packet at a time

usage:
  packetwalk list                                  the lessons, one line each
  packetwalk trace <lesson> [-f|--format text|json]
                                                   the lesson's packet, hop by hop
  packetwalk show <lesson> <namespace> <table> [--hop N]
                                                   one table of one namespace, as the tool prints it
  packetwalk lab <lesson> [--teardown]             a bash script rebuilding the lesson in
                                                   network namespaces (run it as root)
  packetwalk pcap <lesson> [-o|--output FILE]      the walk as a pcapng file for Wireshark:
                                                   every frame at every interface, each
                                                   commented with its hop
  packetwalk help [<command>]                      this, or one command's help
  packetwalk <command> --help                      the same

<lesson> is a lesson id from `packetwalk list`, or the path of a lesson file: an argument
that contains `/` or ends in `.toml` is read as a file (its mistakes are reported as
FILE:LINE: field.path: what is wrong).

tables: addr link route route-n neigh fdb brctl nat conntrack resolv.conf

exit status: 0 done; 1 could not be done (a lesson file unreadable or wrong, the output not
written); 2 usage error (an unknown lesson, namespace, table or option; a table that does
not apply to the namespace). Output cut short by a closed pipe (`| head`) is not an error.
";

pub const LIST_HELP: &str = "\
usage: packetwalk list

Prints every lesson, in teaching order: its id and title, then its summary.
";

pub const TRACE_HELP: &str = "\
usage: packetwalk trace <lesson> [-f|--format text|json]

Runs the lesson's scenario and prints the packet's walk, hop by hop: where it is, what
happened there and why (the route row, the iptables rule, the conntrack entry, ...).

  <lesson>              a lesson id (packetwalk list) or a lesson file's path
  -f, --format FORMAT   text (the default) or json (described in docs/trace-json.md)
";

pub const SHOW_HELP: &str = "\
usage: packetwalk show <lesson> <namespace> <table> [--hop N]

Prints one table of one network namespace exactly as the real tool prints it, as the
lesson leaves it, or as of hop N of the trace.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  <namespace>   a node, a pod or an outside host of the lesson (a wrong one lists them)
  <table>       addr (ip addr)   link (ip link)   route (ip route)   route-n (route -n)
                neigh (ip neigh)   fdb (bridge fdb show)   brctl (brctl show)
                nat (iptables-save -t nat)   conntrack (conntrack -L)
                resolv.conf (cat /etc/resolv.conf)
  --hop N       the tables as of hop N (0 is the first hop of `packetwalk trace`)

A table that does not apply to the namespace (brctl in a pod, resolv.conf on a node) is
an error that says so and names the tables that do.
";

pub const LAB_HELP: &str = "\
usage: packetwalk lab <lesson> [--teardown]

Prints a bash script that builds the lesson's cluster in real Linux network namespaces
named pw-<tag>-<namespace> (run it as root; see docs/lab.md), or with --teardown the
script that removes everything it made.

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  --teardown    the teardown script instead (safe to run twice)
";

pub const PCAP_HELP: &str = "\
usage: packetwalk pcap <lesson> [-o|--output FILE]

Writes the lesson's walk as a pcapng file: the bytes of every frame at every interface it
crossed (one interface per namespace and device: worker-node-1/cni0, frontend/eth0, and
azure:vnet for the cloud's fabric), in the trace's order, each frame commented with its
hop, the decisions that led to it (route row, iptables rule, conntrack entry) and a drop
after it. Open it with `wireshark FILE`; VXLAN is on UDP 8472, flannel's port, so
`tshark -r FILE -d udp.port==8472,vxlan` (or Decode As... in Wireshark) shows the inner frame.

  <lesson>             a lesson id (packetwalk list) or a lesson file's path
  -o, --output FILE    write the file there (and say how many frames it holds); without it
                       the file goes to standard output, which must then not be a terminal
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
    },
    Show {
        lesson: String,
        netns: String,
        table: String,
        hop: Option<usize>,
    },
    Lab {
        lesson: String,
        teardown: bool,
    },
    Pcap {
        lesson: String,
        output: Option<String>,
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
            Value(v) => positional.push(v.string().map_err(lex(help))?),
            other => return Err(usage(other.unexpected().to_string(), help)),
        }
    }
    let wants: &[&str] = match command.as_str() {
        "list" => &[],
        "trace" | "lab" | "pcap" => &["lesson"],
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
        },
        "show" => Cmd::Show {
            lesson: next(),
            netns: next(),
            table: next(),
            hop,
        },
        "pcap" => Cmd::Pcap {
            lesson: next(),
            output,
        },
        _ => Cmd::Lab {
            lesson: next(),
            teardown: teardown.unwrap_or(false),
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
mod tests {
    use super::*;

    fn ok(args: &[&str]) -> Cmd {
        parse(args.iter().copied()).unwrap_or_else(|e| panic!("{args:?}: {e:?}"))
    }
    fn err(args: &[&str]) -> String {
        parse(args.iter().copied()).unwrap_err().message
    }

    #[test]
    fn every_command_parses_in_its_forms() {
        assert_eq!(ok(&[]), Cmd::Help(HELP));
        assert_eq!(ok(&["list"]), Cmd::List);
        let json = Cmd::Trace {
            lesson: "dns".into(),
            format: Format::Json,
        };
        assert_eq!(ok(&["trace", "dns", "--format", "json"]), json);
        assert_eq!(ok(&["trace", "--format=json", "dns"]), json);
        assert_eq!(ok(&["trace", "dns", "-f", "json"]), json);
        assert_eq!(ok(&["trace", "dns", "-fjson"]), json);
        assert_eq!(
            ok(&["show", "dns", "web", "route", "--hop", "3"]),
            Cmd::Show {
                lesson: "dns".into(),
                netns: "web".into(),
                table: "route".into(),
                hop: Some(3)
            }
        );
        assert_eq!(
            ok(&["lab", "dns", "--teardown"]),
            Cmd::Lab {
                lesson: "dns".into(),
                teardown: true
            }
        );
        let pcap = Cmd::Pcap {
            lesson: "dns".into(),
            output: Some("walk.pcapng".into()),
        };
        assert_eq!(ok(&["pcap", "dns", "-o", "walk.pcapng"]), pcap);
        assert_eq!(ok(&["pcap", "--output=walk.pcapng", "dns"]), pcap);
        assert_eq!(
            ok(&["pcap", "dns"]),
            Cmd::Pcap {
                lesson: "dns".into(),
                output: None
            }
        );
        assert_eq!(ok(&["help", "pcap"]), Cmd::Help(PCAP_HELP));
        assert_eq!(ok(&["help", "show"]), Cmd::Help(SHOW_HELP));
        assert_eq!(ok(&["list", "--help"]), Cmd::Help(LIST_HELP));
    }

    #[test]
    fn what_a_command_does_not_take_is_refused() {
        assert!(err(&["list", "extra"]).contains("unexpected argument `extra`"));
        assert!(err(&["trace", "dns", "--format", "json", "-f", "text"]).contains("twice"));
        assert!(
            err(&["show", "dns", "web", "route", "--hop", "1", "--hop", "2"]).contains("twice")
        );
        assert!(err(&["lab", "dns", "--teardown", "--teardown"]).contains("twice"));
        assert!(err(&["pcap", "dns", "-o", "a", "-o", "b"]).contains("twice"));
        assert!(err(&["pcap", "dns", "-o"]).contains("missing argument"));
        assert!(err(&["trace", "dns", "-o", "x"]).contains("invalid option '-o'"));
        assert!(err(&["lab", "dns", "--teardown=yes"])
            .contains("unexpected argument for option '--teardown'"));
        assert!(err(&["trace", "dns", "--hop", "1"]).contains("invalid option '--hop'"));
        assert!(err(&["show", "dns", "web"]).contains("needs a table"));
        assert!(err(&["trace"]).contains("needs a lesson; the lessons: inside-a-pod"));
        assert!(err(&["trace", "dns", "--format"]).contains("missing argument"));
        assert!(err(&["frob"]).contains("unknown command `frob`"));
        assert!(err(&["help", "frob"]).contains("unknown command `frob`"));
    }
}
