//! The help texts: the whole command line's, and each command's (`packetwalk help CMD`).

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
  packetwalk gen --nodes N --pods P --services S [--network kubenet|flannel-vxlan] [-o FILE]
                                                   a lesson file for a generated cluster
                                                   of that size (try a big cluster)
  packetwalk shell <lesson> [--netns NAME] [--hop N] [--set ...]...
                                                   a shell in the lesson's namespaces: ip,
                                                   bridge, iptables-save, conntrack, getent, ...
                                                   answered from the model, as the tools print
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

pub const GEN_HELP: &str = "\
usage: packetwalk gen --nodes N --pods P --services S [--network kubenet|flannel-vxlan] [-o|--output FILE]

Writes a lesson file for a generated cluster: N nodes, P pods spread over them round robin
(the client pod on the first node), S Services of up to three endpoints each, and a
scenario in which the client calls the last Service's ClusterIP and the packet goes to an
endpoint on another node. Run it with `packetwalk trace FILE` or open it in the page's
editor.

  --nodes N            at least 2
  --pods P             at least 2, at most 253 a node
  --services S         at least 1
  --network NETWORK    flannel-vxlan (the default: a LAN and flannel's VXLAN overlay) or
                       kubenet (AKS: the Azure VNet and its route table)
  -o, --output FILE    write the file there; without it, to standard output
";

pub const SHELL_HELP: &str = "\
usage: packetwalk shell <lesson> [--netns NAME] [--hop N] [--set NAME=VALUE[@WHERE]]...

A shell in one of the lesson's network namespaces, as of hop N of the trace (or as the walk
leaves it): `ip addr|link|route|neigh`, `ip -d link` (the veth, bridge, bridge port and
vxlan details), `ip route get ADDR` (the engine's own route lookup), `bridge fdb show`,
`brctl show`, `iptables-save [-t nat|filter]`, `iptables [-t nat|filter] -L [CHAIN] -n [-v]
[--line-numbers]` and `iptables [-t nat|filter] -S [CHAIN]` (the packet and byte counters of
the walk up to the hop), `ss -tulnp` (the listening sockets), `conntrack -L`, `route -n`,
`sysctl NAME`, `cat /etc/resolv.conf`, `hostname`, `ip netns list`, and in a pod
`cat /etc/hosts`, `getent hosts NAME` and `nslookup NAME` (the pod's resolver asking
CoreDNS), each printed exactly as the real tool prints it (the renderers of `packetwalk
show`). `curl URL` and `ping -c N ADDR` walk a new packet from the namespace (the switches
packet.from and packet.to) and print what curl and ping print for how it ended, then a
`# packetwalk:` line with the walk's hops and the `packetwalk trace` that shows it. `enter NAME` moves to another namespace, `ip netns exec NAME CMD` and
`ip -n NAME ...` run one command there; `help` lists the commands; `exit` or Ctrl-D
leaves. On a terminal the prompt is root@<netns>:~# with line editing, history (up and
down) and Tab completion of commands, namespaces and addresses; from a pipe it reads one
command a line and prints only the outputs
(printf 'ip route\\n' | packetwalk shell clusterip --netns frontend).

  <lesson>      a lesson id (packetwalk list) or a lesson file's path
  --netns NAME  the namespace to start in (a node, a pod or an outside host of the lesson);
                without it, the namespace the lesson's packet leaves from
  --hop N       the state as of hop N (0 is the first hop of `packetwalk trace`)
  --set NAME=VALUE[@WHERE]
                the lesson with a switch flipped (repeatable; packetwalk switches <lesson>)
";
