//! packetwalk-shell: a shell in a lesson's network namespaces, as of any hop. A command line
//! in, the text the real tool prints out, from the model's state (`Run::state_at`) through
//! the very renderers `packetwalk show` uses (packetwalk-core's `show`). Pure and no-IO:
//! the CLI's `packetwalk shell` and the page's engine worker both run it.
//!
//! | module | holds |
//! |---|---|
//! | `lib.rs` | [`Shell`]: the namespace, the hop, one line run (switching namespaces, `help`, `exit`) |
//! | `ctx` | what a command runs against, its [`Output`], the one line for what is not modelled |
//! | `words` | a line split into words (quotes, backslashes) |
//! | `ip` | `ip`: options, objects abbreviated as iproute2 accepts them, `ip route get` |
//! | `iptables` | `iptables -t nat -L -n [-v] [--line-numbers]`, `-S`: the rules with the walk's counters |
//! | `tools` | `route -n`, `bridge fdb`, `brctl`, `iptables-save`, `conntrack`, `sysctl`, `cat`, `hostname` |
//! | `own` | `curl URL`, `ping -c N ADDR`: a new walk of the learner's own packet, the tool's words for how it ended |
//! | `ss` | `ss -tulnp`: the listening sockets, laid out as iproute2's ss lays them out |
//! | `resolve` | `getent hosts|ahosts`, `nslookup`: the pod's resolver asking CoreDNS |
//! | `hosts` | a pod's `/etc/hosts`, as kubelet writes it |
//! | `complete` | Tab completion |

mod complete;
mod ctx;
mod hosts;
mod ip;
mod iptables;
mod own;
mod resolve;
mod ss;
mod tools;
mod words;

pub use complete::COMMANDS;
pub use ctx::{Output, MODELLED};
pub use own::Walker;

use ctx::{unmodelled, Ctx};
use packetwalk_core::engine::Run;
use packetwalk_core::netns::Netns;

/// The longest line the shell reads; a longer one is refused (the page sends what is typed).
pub const MAX_LINE: usize = 4096;

/// A shell in one namespace of a run, as of one hop (or as the walk leaves it).
pub struct Shell<'r> {
    run: &'r Run,
    /// The hop whose state the commands see; `None`: after the last.
    hop: Option<usize>,
    netns: String,
    /// What `curl` and `ping` walk with (none: they say they cannot).
    own: Option<own::Own<'r>>,
}

/// What one line did: its output, and whether it asked to leave (`exit`, `logout`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub output: Output,
    pub exit: bool,
}

impl<'r> Shell<'r> {
    /// A shell in `netns` as of `hop` (`None`: the end of the walk). A namespace the run
    /// does not have, or a hop past its last, is refused with the names or the range.
    pub fn new(run: &'r Run, netns: &str, hop: Option<usize>) -> Result<Shell<'r>, String> {
        let hops = run.trace.hops.len();
        if let Some(h) = hop.filter(|h| *h >= hops) {
            return Err(format!(
                "hop {h} is out of range: this lesson has hops 0 to {}",
                hops.saturating_sub(1)
            ));
        }
        let shell = Shell {
            run,
            hop,
            netns: netns.to_string(),
            own: None,
        };
        if shell.find(netns).is_none() {
            return Err(format!(
                "no namespace `{netns}`; namespaces: {}",
                shell.names().join(", ")
            ));
        }
        Ok(shell)
    }

    /// `curl` and `ping` run `walker` (from the lesson: the switches `packet.from` and
    /// `packet.to`) for a new walk; `lesson` is the lesson as `packetwalk trace` takes it,
    /// its id and the `--set NAME=VALUE` switches already flipped (`clusterip --set …`).
    pub fn with_walker(mut self, walker: &'r Walker<'r>, lesson: &'r str) -> Shell<'r> {
        self.own = Some(own::Own { walker, lesson });
        self
    }

    /// The namespace the next command runs in.
    pub fn netns(&self) -> &str {
        &self.netns
    }

    /// `root@<netns>:~# `, as bash's default prompt for root reads (`\u@\h:\w\$ `).
    pub fn prompt(&self) -> String {
        format!("root@{}:~# ", self.netns)
    }

    /// Every namespace as of the shell's hop.
    fn namespaces(&self) -> &'r [Netns] {
        let hop = self.hop.or(self.run.trace.hops.len().checked_sub(1));
        self.run.state_at(hop).0
    }

    /// The hops the state has seen: up to the shell's hop, or all of them.
    fn walked(&self) -> &'r [packetwalk_core::trace::Hop] {
        let hops = &self.run.trace.hops;
        &hops[..self.hop.map_or(hops.len(), |h| (h + 1).min(hops.len()))]
    }

    fn find(&self, name: &str) -> Option<&'r Netns> {
        self.namespaces().iter().find(|n| n.name == name)
    }

    /// The lesson's namespaces, in the cluster's order (nodes, pods, outside hosts).
    pub fn names(&self) -> Vec<String> {
        self.namespaces().iter().map(|n| n.name.clone()).collect()
    }

    /// Tab completion of `line` (the text up to the cursor): where the completed word
    /// starts, and its candidates.
    pub fn complete(&self, line: &str) -> (usize, Vec<String>) {
        complete::complete(line, self.namespaces(), self.run.cluster())
    }

    /// Run one command line. Never panics: a line the shell cannot read, a command it does
    /// not model, are answers too.
    pub fn exec(&mut self, line: &str) -> Answer {
        if line.len() > MAX_LINE {
            return answer(Output::err(format!(
                "packetwalk shell: the line is {} bytes; the shell reads lines of at most {MAX_LINE}",
                line.len()
            )));
        }
        let words = match words::split(line) {
            Ok(w) => w,
            Err(words::Unread::Unclosed(q)) => {
                let e = format!("packetwalk shell: unexpected end of line: a {q} is not closed");
                return answer(Output::err(e));
            }
            Err(words::Unread::Operator(c)) => {
                return answer(unmodelled(&format!(
                    "`{c}` (a pipe, a list or a redirection: one command a line)"
                )))
            }
        };
        let netns = self.netns.clone();
        self.command(&netns, &words)
    }

    fn command(&mut self, at: &str, words: &[String]) -> Answer {
        let Some((cmd, args)) = words.split_first() else {
            return Answer::default();
        };
        let Some(ns) = self.find(at) else {
            return answer(Output::err(format!("packetwalk shell: no namespace {at}")));
        };
        let ctx = Ctx {
            ns,
            cluster: self.run.cluster(),
            walked: self.walked(),
        };
        let out = match cmd.as_str() {
            "exit" | "logout" => {
                return Answer {
                    output: Output::default(),
                    exit: true,
                }
            }
            "enter" if args.len() == 1 => return self.enter(&args[0]),
            "enter" => Output::err("usage: enter NAME (the namespaces: ip netns list)"),
            "help" => Output::out(help()),
            "ip" => return self.ip(&ctx, args),
            "route" => tools::route(&ctx, args),
            "bridge" => tools::bridge(&ctx, args),
            "brctl" => tools::brctl(&ctx, args),
            "iptables-save" => tools::iptables_save(&ctx, args),
            "iptables" => iptables::iptables(&ctx, args),
            "conntrack" => tools::conntrack(&ctx, args),
            "sysctl" => tools::sysctl(&ctx, args),
            "cat" => tools::cat(&ctx, args),
            "hostname" => tools::hostname(&ctx, args),
            "getent" => resolve::getent(&ctx, args),
            "nslookup" => resolve::nslookup(&ctx, args),
            "ss" => ss::ss(&ctx, args),
            "curl" => own::curl(&ctx, self.own, args),
            "ping" => own::ping(&ctx, self.own, args),
            other => unmodelled(&format!("`{}`", other.escape_debug())),
        };
        answer(out)
    }

    /// `enter NAME`: the next commands run in NAME (like `nsenter --net`, for good).
    fn enter(&mut self, name: &str) -> Answer {
        if self.find(name).is_none() {
            return answer(Output::err(format!(
                "packetwalk shell: no namespace `{name}`; namespaces: {}",
                self.names().join(", ")
            )));
        }
        self.netns = name.to_string();
        Answer::default()
    }

    /// `ip …`: `-n NAME` and `ip netns` move to another namespace, the rest is `ip::run`.
    fn ip(&mut self, ctx: &Ctx, args: &[String]) -> Answer {
        let cmd = match ip::parse(args) {
            Ok(c) => c,
            Err(o) => return answer(o),
        };
        if let Some(name) = &cmd.netns {
            if self.find(name).is_none() {
                return answer(no_netns(name));
            }
            let again = [&["ip".to_string()][..], &cmd_words(&cmd)].concat();
            return self.command(&name.clone(), &again);
        }
        if cmd.object != "netns" {
            return answer(ip::run(ctx, &cmd));
        }
        let sub = cmd.args.first().map(String::as_str).unwrap_or("list");
        let out = if ip::matches(sub, "list") || ip::matches(sub, "show") {
            Output::out(
                self.names()
                    .iter()
                    .map(|n| format!("{n}\n"))
                    .collect::<String>(),
            )
        } else if ip::matches(sub, "exec") {
            match &cmd.args[1..] {
                [] => Output::err("No netns name specified"),
                [name] if self.find(name).is_some() => Output::err("No command specified"),
                [name, ..] if self.find(name).is_none() => no_netns(name),
                [name, rest @ ..] => return self.command(&name.clone(), rest),
            }
        } else if ["add", "delete", "set", "attach"]
            .iter()
            .any(|v| ip::matches(sub, v))
        {
            ctx::read_only(&format!("`ip netns {sub}`"))
        } else {
            unmodelled(&format!("`ip netns {sub}`"))
        };
        answer(out)
    }
}

/// iproute2's words when `ip netns exec` or `ip -n` names no namespace (ip/ipnetns.c).
fn no_netns(name: &str) -> Output {
    Output::err(format!(
        "Cannot open network namespace \"{name}\": No such file or directory"
    ))
}

/// The `ip` words again, without `-n NAME`.
fn cmd_words(cmd: &ip::IpCmd) -> Vec<String> {
    let mut v = Vec::new();
    if cmd.details {
        v.push("-d".to_string());
    }
    v.push(cmd.object.to_string());
    v.extend(cmd.args.iter().cloned());
    v
}

fn answer(output: Output) -> Answer {
    Answer {
        output,
        exit: false,
    }
}

/// `help`: what the shell answers.
fn help() -> String {
    format!(
        "packetwalk shell: the lesson's namespaces as of the hop, printed as the real tools print them.\n\
         commands: {MODELLED}\n\
         `enter NAME` moves to another namespace (`ip netns list` names them); \
         `ip netns exec NAME CMD` runs one command there.\n\
         `curl` and `ping` walk a new packet from here (the switches packet.from and packet.to); \
         the model has no clock, so a reply takes 0.100 ms, an unanswered ARP 3000 ms and an \
         unanswered SYN 127000 ms, and it stops at the TCP handshake (no HTTP response). \
         `ss -p` names the process but not its pid or fd, which the model does not have.\n"
    )
}

#[cfg(test)]
mod tests;
