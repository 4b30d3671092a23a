//! `ss -l` (iproute2 6.1's ss(8)): the namespace's listening sockets, from the model's
//! listeners (a pod's apps on their container ports, CoreDNS on 53 over UDP and TCP, an
//! outside host's server) and a VXLAN device's UDP socket, which the kernel opens on its
//! dstport (drivers/net/vxlan/vxlan_core.c `vxlan_sock_add`; no process owns it). Laid out as misc/ss.c lays out its columns when stdout is not a
//! terminal (`render_calc_width` with no screen width: each column as wide as its widest
//! field, the last line's last field left out of the measure, as ss's buffer never
//! flushes it), checked against ss in namespaces with Python listeners.
//!
//! What the model does not hold is left out, not invented: a node lists nothing (kubelet,
//! kube-proxy, containerd, flanneld and sshd are not modelled; flannel's VXLAN socket is
//! the kernel's); every listener is bound to
//! 0.0.0.0 (the model has no IPv6); connections are not sockets in the model (conntrack's
//! flows are: `conntrack -L`), so only `-l` is answered; and with `-p` the process has a
//! name but no pid and no fd, so `users:(("nginx"))` leaves those two out.

use crate::ctx::{unmodelled, Ctx, Output};
use packetwalk_core::link::IfaceKind;
use packetwalk_core::netfilter::Proto;
use packetwalk_core::netns::{Listener, Netns};

/// What was asked: `-t`, `-u`, `-l`, `-n`, `-p`.
#[derive(Default)]
struct Opts {
    tcp: bool,
    udp: bool,
    listening: bool,
    numeric: bool,
    processes: bool,
}

/// `ss ARGS` in `ctx.ns`.
pub fn ss(ctx: &Ctx, args: &[String]) -> Output {
    let mut o = Opts::default();
    for a in args {
        let letters: Vec<char> = match a.as_str() {
            "--tcp" => vec!['t'],
            "--udp" => vec!['u'],
            "--listening" => vec!['l'],
            "--numeric" => vec!['n'],
            "--processes" => vec!['p'],
            _ if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 => {
                a[1..].chars().collect()
            }
            _ => return unmodelled(&format!("`ss {a}` (only `ss -tulnp`)")),
        };
        for c in letters {
            match c {
                't' => o.tcp = true,
                'u' => o.udp = true,
                'l' => o.listening = true,
                'n' => o.numeric = true,
                'p' => o.processes = true,
                'a' => return established(),
                _ => return unmodelled(&format!("`ss -{c}` (only `ss -tulnp`)")),
            }
        }
    }
    if !o.tcp && !o.udp {
        return unmodelled("`ss` without -t or -u (unix, raw and packet sockets: add -t or -u)");
    }
    if !o.listening {
        return established();
    }
    if !o.numeric {
        return unmodelled("`ss -l` without `-n` (ports by /etc/services names: add -n)");
    }
    Output::out(render(&rows(&sockets(ctx.ns), &o), o.tcp && o.udp))
}

/// The namespace's sockets: the VXLAN devices' (the kernel's, no process), then the
/// listeners.
fn sockets(ns: &Netns) -> Vec<Listener> {
    let vxlan = ns.ifaces.iter().filter_map(|i| match &i.kind {
        IfaceKind::Vxlan(v) => Some(Listener {
            proto: Proto::Udp,
            port: v.dstport,
            process: String::new(),
            container: None,
        }),
        _ => None,
    });
    vxlan.chain(ns.listeners.iter().cloned()).collect()
}

fn established() -> Output {
    unmodelled(
        "connections in `ss` (the model keeps conntrack's flows, not sockets: `conntrack -L`; \
         the listening sockets: `ss -tlnp`)",
    )
}

/// The rows, UDP first as ss dumps them (`udp_show` before `tcp_show`), each protocol's
/// in the model's order (the kernel's is its socket hash's).
fn rows(listeners: &[Listener], o: &Opts) -> Vec<[String; 9]> {
    let mut v = Vec::new();
    for (want, on) in [(Proto::Udp, o.udp), (Proto::Tcp, o.tcp)] {
        for l in listeners.iter().filter(|l| on && l.proto == want) {
            let udp = want == Proto::Udp;
            let (state, netid) = if udp {
                ("UNCONN", "udp")
            } else {
                ("LISTEN", "tcp")
            };
            let process = if o.processes && !l.process.is_empty() {
                // ss reads the name from /proc/PID/stat: the kernel's comm, 15 bytes.
                let name: String = l.process.chars().take(15).collect();
                format!(" users:((\"{name}\"))")
            } else {
                String::new()
            };
            v.push([
                netid.to_string(),
                state.to_string(),
                // `%-6d`: nothing queued.
                format!("{:<6}", 0),
                format!("{:<6}", if udp { 0 } else { backlog(&l.process) }),
                "0.0.0.0:".to_string(),
                l.port.to_string(),
                "0.0.0.0:".to_string(),
                "*".to_string(),
                process,
            ]);
        }
    }
    v
}

/// A listening socket's Send-Q is its backlog. nginx asks for 511 (NGX_LISTEN_BACKLOG,
/// nginx's `listen` docs); Go servers (CoreDNS, most images) ask for net.core.somaxconn,
/// whose default is 4096 since Linux 5.4, the cap of any other as well.
fn backlog(process: &str) -> u32 {
    if process == "nginx" {
        511
    } else {
        4096
    }
}

const HEADERS: [&str; 9] = [
    "Netid",
    "State",
    "Recv-Q",
    "Send-Q",
    "Local Address:",
    "Port",
    "Peer Address:",
    "Port",
    "Process",
];
/// misc/ss.c `columns[]`: each one's left delimiter, and whether it is aligned right.
const DELIM: [&str; 9] = ["", " ", " ", " ", " ", "", " ", "", ""];
const RIGHT: [bool; 9] = [false, false, false, false, true, false, true, false, false];

/// The header and the rows laid out as ss's `render` does; Netid only when both protocols
/// are asked for (ss disables it for one).
fn render(rows: &[[String; 9]], netid: bool) -> String {
    let first = usize::from(!netid);
    let header: [String; 9] = HEADERS.map(String::from);
    let lines: Vec<&[String; 9]> = std::iter::once(&header).chain(rows).collect();
    let mut width = [0usize; 9];
    for (i, w) in width.iter_mut().enumerate().skip(first) {
        let measured = lines.iter().enumerate().map(|(k, l)| {
            // The last field ss writes is never flushed, so never measured.
            if k + 1 == lines.len() && i == 8 && k > 0 {
                0
            } else {
                l[i].len()
            }
        });
        let max = measured.max().unwrap_or(0);
        *w = if i > first && max > 0 {
            max + DELIM[i].len()
        } else {
            max
        };
    }
    let mut out = String::new();
    for l in &lines {
        for i in first..9 {
            let mut printed = 0;
            if i > first {
                out += DELIM[i];
                printed = DELIM[i].len();
            }
            let field = &l[i];
            if RIGHT[i] && width[i] > 0 {
                let s = width[i].saturating_sub(field.len() + printed);
                out += &" ".repeat(s);
                printed += s;
            }
            out += field;
            printed += field.len();
            if !RIGHT[i] && width[i] > 0 {
                out += &" ".repeat(width[i].saturating_sub(printed));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(proto: Proto, port: u16, process: &str) -> Listener {
        Listener {
            proto,
            port,
            process: process.into(),
            container: None,
        }
    }
    fn opts(tcp: bool, udp: bool, processes: bool) -> Opts {
        Opts {
            tcp,
            udp,
            listening: true,
            numeric: true,
            processes,
        }
    }

    #[test]
    fn the_columns_are_as_wide_as_ss_makes_them() {
        // The shapes of ss -tlnp, -uln, -tunlp and an empty -tln in namespaces with
        // `python3` listening (pid and fd left out here, as the model has none).
        let tcp = [l(Proto::Tcp, 53, "python3")];
        assert_eq!(
            render(&rows(&tcp, &opts(true, false, true)), false),
            "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
             LISTEN 0      4096         0.0.0.0:53        0.0.0.0:*    users:((\"python3\"))\n"
        );
        let two = [l(Proto::Udp, 53, "python3"), l(Proto::Udp, 5353, "python3")];
        assert_eq!(
            render(&rows(&two, &opts(false, true, false)), false),
            "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
             UNCONN 0      0            0.0.0.0:53        0.0.0.0:*          \n\
             UNCONN 0      0            0.0.0.0:5353      0.0.0.0:*          \n"
        );
        let both = [two[0].clone(), tcp[0].clone()];
        assert_eq!(
            render(&rows(&both, &opts(true, true, true)), true),
            "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess             \n\
             udp   UNCONN 0      0            0.0.0.0:53        0.0.0.0:*    users:((\"python3\"))\n\
             tcp   LISTEN 0      4096         0.0.0.0:53        0.0.0.0:*    users:((\"python3\"))\n"
        );
        assert_eq!(
            render(&[], false),
            "State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
        );
    }
}
