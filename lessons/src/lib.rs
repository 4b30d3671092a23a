//! The lessons: one TOML file each in `lessons/`, embedded here so the CLI and the web app
//! carry them, and parsed into a [`Lesson`]. A mistake in a file gives a [`LessonError`]
//! naming the file, the line and the field.
//!
//! | module | holds |
//! |---|---|
//! | `lib.rs` | the embedded files, [`Lesson`], loading, running |
//! | [`narration`] | the narration attached to hops, and how a note finds its hop |
//! | [`challenges`] | find the break: the switch values that break a lesson's walk |
//! | [`checkpoints`] | predict, then reveal: where a lesson asks, and the questions its run gives |
//! | [`gen`] | a lesson file for a generated cluster of any size (`packetwalk gen`)  |
//! | [`grow`] | the editor's "Add a node", "Add a pod", "Add a Service": the file with one more written in |
//! | `built` | the cluster a lesson built, kept so that checking and running build it once |
//! | `own_packet` | "your own packet": the scenario's sender and destination as two switches |
//! | `setting` | a chosen switch value, `NAME=VALUE@WHERE`, parsed and printed |
//! | `spans` | where each field of a file is (line, path), from toml's own spans |
//! | [`switches`] | the "break it" switches: real settings a learner flips, applied to a lesson |

mod built;
pub mod challenges;
pub mod checkpoints;
pub mod gen;
pub mod grow;
pub mod narration;
mod own_packet;
pub use own_packet::walk as own_packet_walk;
mod setting;
mod spans;
pub mod switches;

use narration::Narration;
use packetwalk_core::cluster::{Cluster, ClusterSpec};
use packetwalk_core::engine::{self, Action, Run, Scenario};
use serde::{Deserialize, Serialize};
use spans::Spans;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;
use thiserror::Error;

/// Every lesson file, in teaching order: (id, TOML text).
pub const FILES: &[(&str, &str)] = &[
    ("inside-a-pod", include_str!("../inside-a-pod.toml")),
    ("same-node", include_str!("../same-node.toml")),
    (
        "cross-node-kubenet",
        include_str!("../cross-node-kubenet.toml"),
    ),
    ("cross-node-vxlan", include_str!("../cross-node-vxlan.toml")),
    ("clusterip", include_str!("../clusterip.toml")),
    ("nodeport", include_str!("../nodeport.toml")),
    ("no-endpoints", include_str!("../no-endpoints.toml")),
    ("dns", include_str!("../dns.toml")),
    ("egress", include_str!("../egress.toml")),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    #[serde(skip_deserializing)]
    pub id: String,
    pub title: String,
    /// One line for the lesson list.
    pub summary: String,
    /// The articles (by title) this lesson follows.
    pub follows: Vec<String>,
    /// What the learner should know before starting.
    pub intro: String,
    pub cluster: ClusterSpec,
    pub scenario: ScenarioSpec,
    #[serde(default)]
    pub narration: Vec<Narration>,
    /// Where the walk stops to ask the learner first (predict, then reveal).
    #[serde(default)]
    pub checkpoint: Vec<checkpoints::CheckpointSpec>,
    /// The cluster as last built from `cluster`.
    #[serde(skip)]
    built: built::Built,
}

/// The scenario as a lesson writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Pod or host the first packet leaves from.
    pub from: String,
    pub kind: ScenarioKind,
    /// `tcp`: `IP:port`; `ping`: `IP`.
    #[serde(default)]
    pub to: Option<String>,
    /// `resolve`: the name to look up.
    #[serde(default)]
    pub name: Option<String>,
    /// The client process (`curl`, `wget`, …).
    #[serde(default)]
    pub process: Option<String>,
    #[serde(default = "one")]
    pub seed: u64,
    /// Make kube-proxy's random choice land on this endpoint (`IP:port`).
    #[serde(default)]
    pub pin_endpoint: Option<SocketAddrV4>,
}

/// The endpoints (pod IP:target port) kube-proxy may pick for a packet to `to:port`: a
/// Service's cluster IP and port, or a node's address and a node port.
fn service_endpoints(cluster: &Cluster, to: Ipv4Addr, port: u16) -> Vec<SocketAddrV4> {
    let spec = &cluster.spec;
    let node_ip = spec.nodes.iter().any(|n| n.ip == to);
    let mut out = Vec::new();
    for svc in &spec.services {
        for p in &svc.ports {
            let reached =
                (svc.cluster_ip == to && p.port == port) || (node_ip && p.node_port == Some(port));
            if !reached {
                continue;
            }
            for ep in &svc.endpoints {
                if let Some((_, pod)) = packetwalk_core::cluster::find_pod(spec, ep) {
                    out.push(SocketAddrV4::new(pod.ip, p.target_port));
                }
            }
        }
    }
    out
}

fn one() -> u64 {
    1
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioKind {
    Tcp,
    Ping,
    Resolve,
}

/// A mistake in a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// Every lesson's id, title and summary, without building anything.
pub fn ids() -> Vec<&'static str> {
    FILES.iter().map(|(id, _)| *id).collect()
}

/// Load an embedded lesson by id.
pub fn load(id: &str) -> Option<Result<Lesson, LessonError>> {
    text(id).map(|text| parse(&format!("lessons/{id}.toml"), id, text))
}

/// The embedded file of lesson `id`, as written.
pub fn text(id: &str) -> Option<&'static str> {
    FILES.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

/// All embedded lessons.
pub fn all() -> Vec<Result<Lesson, LessonError>> {
    FILES
        .iter()
        .map(|(i, text)| parse(&format!("lessons/{i}.toml"), i, text))
        .collect()
}

/// Parse and check a lesson file given by path (the CLI's `trace path/to/x.toml`): the
/// id is the file name without `.toml`, and errors name `file` as given.
pub fn parse_file(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let id = name.strip_suffix(".toml").unwrap_or(name);
    parse(file, id, text)
}

/// Parse and check a lesson file: TOML syntax, fields, the cluster and the scenario. An
/// error names `file`, the line and the field's path as the TOML parser saw them.
pub fn parse(file: &str, id: &str, text: &str) -> Result<Lesson, LessonError> {
    let err = |line: usize, field: &str, message: &str| LessonError {
        file: file.into(),
        line,
        field: field.into(),
        message: one_line(message),
    };
    let spans = Spans::parse(text).map_err(|e| {
        let line = e.span().map(|s| spans::line_in(text, s.start)).unwrap_or(1);
        err(line, "toml syntax", e.message())
    })?;
    let mut lesson: Lesson = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let mut field = spans.path_at(offset).to_string();
        let line = spans.line(offset);
        // serde names a missing or unknown field only in its message; the span is its
        // table's (missing) or its key's, which lies in its table's span (unknown).
        let named = ["missing field `", "unknown field `"].iter().find_map(|p| {
            e.message()
                .strip_prefix(p)
                .and_then(|m| m.split('`').next())
        });
        if let Some(key) = named {
            field = if field.is_empty() {
                key.to_string()
            } else {
                format!("{field}.{key}")
            };
        }
        err(line, &field, e.message())
    })?;
    lesson.id = id.to_string();
    let cluster = lesson
        .built
        .cluster(&lesson.cluster)
        .map_err(|e| err(spans.line_of_path(&e.field), &e.field, &e.message))?;
    lesson
        .scenario_checked(&cluster)
        .map_err(|(field, _, message)| err(spans.line_of_path(&field), &field, &message))?;
    Ok(lesson)
}

/// toml's messages may run over several lines (`invalid table header\nexpected ...`).
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(": ")
}

impl Lesson {
    /// The engine's scenario.
    pub fn scenario(&self) -> Result<Scenario, String> {
        let s = &self.scenario;
        let action = match s.kind {
            ScenarioKind::Tcp => {
                let to: SocketAddrV4 =
                    s.to.as_deref()
                        .ok_or("`to` is required for tcp")?
                        .parse()
                        .map_err(|_| "`to` must be IP:port for tcp".to_string())?;
                Action::Tcp {
                    to: *to.ip(),
                    port: to.port(),
                    process: s.process.clone().unwrap_or_else(|| "curl".into()),
                }
            }
            ScenarioKind::Ping => {
                let to: Ipv4Addr =
                    s.to.as_deref()
                        .ok_or("`to` is required for ping")?
                        .parse()
                        .map_err(|_| "`to` must be an IPv4 address for ping".to_string())?;
                Action::Ping { to }
            }
            ScenarioKind::Resolve => Action::Resolve {
                name: s.name.clone().ok_or("`name` is required for resolve")?,
            },
        };
        Ok(Scenario {
            from: s.from.clone(),
            action,
            seed: s.seed,
            pin_endpoint: s.pin_endpoint,
        })
    }

    fn scenario_checked(&self, cluster: &Cluster) -> Result<(), (String, String, String)> {
        let s = &self.scenario;
        if cluster.ns(&s.from).is_none() {
            return Err((
                "scenario.from".into(),
                s.from.clone(),
                format!("no pod or host named `{}`", s.from),
            ));
        }
        let scenario = match self.scenario() {
            Ok(sc) => sc,
            Err(m) => {
                let value = s.to.clone().or_else(|| s.name.clone()).unwrap_or_default();
                return Err(("scenario.to".into(), value, m));
            }
        };
        let spec = &cluster.spec;
        let from_host = spec.hosts.iter().any(|h| h.name == s.from);
        let (to, port) = match scenario.action {
            Action::Tcp { to, port, .. } => (Some(to), Some(port)),
            Action::Ping { to } => (Some(to), None),
            Action::Resolve { .. } if from_host => {
                return Err((
                    "scenario.from".into(),
                    s.from.clone(),
                    format!(
                        "`{}` is an outside host: it has no resolv.conf pointing at the cluster's DNS; resolve from a pod",
                        s.from
                    ),
                ))
            }
            Action::Resolve { .. } => match spec.dns_ip {
                Some(ip) => (Some(ip), Some(53)),
                None => {
                    return Err((
                        "cluster.dns_ip".into(),
                        String::new(),
                        "a resolve scenario needs `dns_ip`, the kube-dns Service IP kubelet writes into resolv.conf".into(),
                    ))
                }
            },
        };
        if let Some(pin) = s.pin_endpoint {
            let endpoints = to
                .zip(port)
                .map(|(to, port)| service_endpoints(cluster, to, port))
                .unwrap_or_default();
            if !endpoints.contains(&pin) {
                let why = if endpoints.is_empty() {
                    "the scenario reaches no Service, so kube-proxy picks no endpoint".to_string()
                } else {
                    let list: Vec<String> = endpoints.iter().map(|e| e.to_string()).collect();
                    format!(
                        "{pin} is not an endpoint of the Service the scenario reaches (its endpoints: {})",
                        list.join(", ")
                    )
                };
                return Err(("scenario.pin_endpoint".into(), pin.to_string(), why));
            }
        }
        Ok(())
    }

    /// The check a lesson file goes through, for a lesson changed in memory (a switch
    /// flipped): the cluster builds and the scenario fits it. The error is `field: message`.
    pub fn check(&self) -> Result<(), String> {
        let cluster = self.cluster()?;
        self.scenario_checked(&cluster)
            .map_err(|(field, _, message)| format!("{field}: {message}"))
    }

    /// The endpoints (pod IP:target port) kube-proxy may pick for the scenario's first
    /// packet: those of the Service it reaches (for `resolve`, the DNS Service's).
    pub fn endpoints(&self, cluster: &Cluster) -> Vec<SocketAddrV4> {
        let target = match self.scenario().map(|s| s.action) {
            Ok(Action::Tcp { to, port, .. }) => Some((to, port)),
            Ok(Action::Resolve { .. }) => cluster.spec.dns_ip.map(|ip| (ip, 53)),
            _ => None,
        };
        target
            .map(|(to, port)| service_endpoints(cluster, to, port))
            .unwrap_or_default()
    }

    /// The cluster this lesson describes, built when its spec changed since the last build.
    pub fn cluster(&self) -> Result<Arc<Cluster>, String> {
        self.built.cluster(&self.cluster).map_err(|e| e.to_string())
    }

    /// Build the cluster and run the scenario; narration is attached to its hops.
    pub fn run(&self) -> Result<Run, String> {
        let cluster = self.cluster()?;
        let scenario = self.scenario()?;
        Ok(engine::run(&cluster, &scenario))
    }
}

#[cfg(test)]
mod tests;
