//! What a command runs against (one namespace as of the hop, and the lesson's cluster), and
//! what it answers (its standard output and standard error, as the tool writes them).

use packetwalk_core::cluster::Cluster;
use packetwalk_core::netns::Netns;
use packetwalk_core::trace::Hop;

/// The namespace a command runs in, as of the shell's hop, and the cluster around it.
pub struct Ctx<'a> {
    pub ns: &'a Netns,
    /// The cluster as built (CoreDNS's records, the spec).
    pub cluster: &'a Cluster,
    /// The walk's hops up to the shell's hop (the iptables counters count them).
    pub walked: &'a [Hop],
}

/// What a command printed: on standard output, and on standard error (the tool's errors,
/// `conntrack`'s summary, and the shell's own one-line notes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub out: String,
    pub err: String,
}

impl Output {
    pub fn out(text: impl Into<String>) -> Output {
        Output {
            out: text.into(),
            err: String::new(),
        }
    }
    pub fn err(text: impl Into<String>) -> Output {
        let mut err: String = text.into();
        if !err.ends_with('\n') {
            err.push('\n');
        }
        Output {
            out: String::new(),
            err,
        }
    }
    /// Both streams as a terminal shows them: the output, then the errors.
    pub fn text(&self) -> String {
        format!("{}{}", self.out, self.err)
    }
}

/// What the shell answers, named in the one line an unmodelled command gets.
pub const MODELLED: &str = "ip addr|link|route|neigh [show [dev] NAME], ip -d link, \
ip route get ADDR, ip netns list|exec NAME CMD, ip -n NAME ..., route -n, bridge fdb show, \
brctl show, iptables-save [-t nat|filter], \
iptables [-t nat|filter] -L [CHAIN] -n [-v] [-x] [--line-numbers], iptables [-t nat|filter] -S [CHAIN], \
conntrack -L, sysctl NAME, cat /etc/resolv.conf|/etc/hosts, hostname, \
getent hosts|ahosts NAME, nslookup NAME, ss -tulnp, curl [-sSfL] URL, ping -c N ADDR, enter NAME, help, exit";

/// The one line for a command, option or file the model does not have.
pub fn unmodelled(what: &str) -> Output {
    Output::err(format!(
        "packetwalk shell: {what} is not modelled; modelled: {MODELLED}"
    ))
}

/// The one line for a command that would change the state: the shell only reads it.
pub fn read_only(what: &str) -> Output {
    Output::err(format!(
        "packetwalk shell: {what} would change the namespace; this shell only reads the model \
         (the lesson's switches change it: packetwalk switches LESSON, --set NAME=VALUE)"
    ))
}
