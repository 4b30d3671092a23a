//! packetwalk-lab: a lesson rebuilt in real Linux network namespaces, and the check that the
//! kernel does what the model says.
//!
//! `packetwalk lab <lesson>` prints a bash script that builds the lesson's topology from the
//! built [`Cluster`] (namespaces, veth pairs with the model's names and MACs, bridges,
//! addresses, routes, flannel's VXLAN device with its neighbour and FDB entries, sysctls,
//! kube-proxy's nat and filter tables restored from the model's own `iptables-save` text, the underlay,
//! and the servers the lesson needs); `--teardown` prints the script that removes it all.
//! The conformance run (`tests/conformance/run.sh`) builds each lesson that way, captures on
//! every interface, sends the lesson's traffic and hands the captures and tables to the
//! `packetwalk-conform` binary, which compares them with the trace.
//!
//! The modules, each using only those listed above it (no two import each other, directly
//! or around a loop):
//!
//! | module | holds |
//! |---|---|
//! | `lib.rs` | [`Lab`]: a lesson, its built cluster and its namespaces' real names |
//! | [`names`] | `pw-<tag>-<namespace>`: the real names of the model's namespaces |
//! | [`shell`] | writing bash: [`shell::Script`], quoting ([`shell::sh_quote`]), the `ip -n` / `ip netns exec` prefixes |
//! | [`plan`] | what the conformance run captures, the traffic it sends, the tables it dumps |
//! | [`underlay`] | the underlay as namespaces: an Ethernet switch, or the Azure fabric as a router |
//! | [`servers`] | the TCP listeners and the DNS server that answers like the model's CoreDNS |
//! | [`script`] | the set-up and teardown scripts ([`Lab::setup_script`], [`Lab::teardown_script`]) |
//! | [`pcap`] | a small pcap reader and frame parser (Ethernet, ARP, IPv4, TCP/UDP/ICMP, VXLAN, DNS) |
//! | [`observe`] | the frames the model says each interface sees, and those the kernel's captures hold |
//! | [`mapping`] | values that are legitimately random, mapped consistently between model and kernel |
//! | [`findings`] | what a comparison finds: a difference, a table's tally |
//! | [`fields`] | one captured frame against the model's, field by field |
//! | [`compare`] | captures against the trace: the frames at each interface, the interfaces each crossed |
//! | [`headers`] | one frame of the model's pcapng against the kernel's, from the bytes: the header fields the parsed frame leaves out |
//! | [`wire`] | the model's pcapng (`packetwalk pcap`) against the kernel's captures, frame by frame |
//! | [`conntrack`] | conntrack entries and their states (`conntrack -L`, `conntrack -E`) against the trace |
//! | [`tables`] | `ip route`, `ip link`, `ip addr`, `ip neigh`, `iptables-save -t nat` against the renderers, then [`conntrack`] |
//! | [`known_differences`] | the differences that are understood: emulation, timers, simplifications, model bugs |
//! | [`report`] | the per-lesson Markdown report |

pub mod compare;
pub mod conntrack;
pub mod fields;
pub mod findings;
pub mod headers;
pub mod known_differences;
pub mod mapping;
pub mod names;
pub mod observe;
pub mod pcap;
pub mod plan;
pub mod report;
pub mod script;
pub mod servers;
pub mod shell;
pub mod tables;
pub mod underlay;
pub mod wire;

use names::Names;
use packetwalk_core::cluster::Cluster;
use packetwalk_lessons::Lesson;
use std::sync::Arc;

/// A lesson, its built cluster, and the real names its namespaces get.
#[derive(Clone, Debug)]
pub struct Lab {
    pub lesson: Lesson,
    pub cluster: Arc<Cluster>,
    pub names: Names,
    /// What `packetwalk lab` is given for this lesson: its id, or its file's path.
    pub source: String,
}

impl Lab {
    pub fn new(lesson: Lesson) -> Result<Lab, String> {
        let cluster = lesson.cluster()?;
        let names = Names::new(&lesson.id, &cluster)?;
        Ok(Lab {
            source: lesson.id.clone(),
            lesson,
            cluster,
            names,
        })
    }

    /// The lesson came from this file (`packetwalk lab <path>`): the scripts' hints say so.
    pub fn from_file(self, path: &str) -> Lab {
        Lab {
            source: path.to_string(),
            ..self
        }
    }

    /// Load an embedded lesson by id.
    pub fn load(id: &str) -> Result<Lab, String> {
        match packetwalk_lessons::load(id) {
            Some(Ok(l)) => Lab::new(l),
            Some(Err(e)) => Err(e.to_string()),
            None => Err(format!(
                "no lesson `{id}`; the lessons are: {}",
                packetwalk_lessons::ids().join(", ")
            )),
        }
    }
}
