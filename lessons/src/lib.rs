//! The lessons: one TOML file each in `lessons/`, embedded here so the CLI and the web app
//! carry them, and parsed into a [`Lesson`]. A mistake in a file gives a [`LessonError`]
//! naming the file, the line and the field.
//!
//! | module | holds |
//! |---|---|
//! | `lib.rs` | the embedded files, [`Lesson`], loading, running |
//! | [`narration`] | the narration attached to hops, and how a note finds its hop |

pub mod narration;

use narration::Narration;
use packetwalk_core::cluster::{Cluster, ClusterSpec};
use packetwalk_core::engine::{self, Action, Run, Scenario};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddrV4};
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
    FILES
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(i, text)| parse(&format!("lessons/{i}.toml"), i, text))
}

/// All embedded lessons.
pub fn all() -> Vec<Result<Lesson, LessonError>> {
    FILES
        .iter()
        .map(|(i, text)| parse(&format!("lessons/{i}.toml"), i, text))
        .collect()
}

/// Parse and check a lesson file: TOML syntax, fields, the cluster and the scenario.
pub fn parse(file: &str, id: &str, text: &str) -> Result<Lesson, LessonError> {
    let err = |line: usize, field: &str, message: String| LessonError {
        file: file.into(),
        line,
        field: field.into(),
        message,
    };
    let mut lesson: Lesson = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        let field = e.span().map(|s| key_at(text, s.start)).unwrap_or_default();
        err(line, &field, e.message().to_string())
    })?;
    lesson.id = id.to_string();
    let cluster = Cluster::build(&lesson.cluster).map_err(|e| {
        err(
            find_line(text, &e.field, &e.value),
            &e.field,
            e.message.clone(),
        )
    })?;
    lesson
        .scenario_checked(&cluster)
        .map_err(|(field, value, message)| err(find_line(text, &field, &value), &field, message))?;
    Ok(lesson)
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
        if let Err(m) = self.scenario() {
            let value = s.to.clone().or_else(|| s.name.clone()).unwrap_or_default();
            return Err(("scenario.to".into(), value, m));
        }
        Ok(())
    }

    pub fn cluster(&self) -> Result<Cluster, String> {
        Cluster::build(&self.cluster).map_err(|e| e.to_string())
    }

    /// Build the cluster and run the scenario; narration is attached to its hops.
    pub fn run(&self) -> Result<Run, String> {
        let cluster = self.cluster()?;
        let scenario = self.scenario()?;
        Ok(engine::run(&cluster, &scenario))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key written at or before `offset` on its line (`ip = …` → `ip`).
fn key_at(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let line = text[start..].lines().next().unwrap_or("");
    line.split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(['[', ']'])
        .to_string()
}

/// The line where `field`'s last key is set to `value` (e.g. `ip = "10.244.0.5"`), or
/// where the value appears, or 1.
fn find_line(text: &str, field: &str, value: &str) -> usize {
    let key = field.rsplit('.').next().unwrap_or(field);
    let key = key.split('[').next().unwrap_or(key);
    let hit = |l: &str| l.trim_start().starts_with(key) && l.contains(value);
    text.lines()
        .position(hit)
        .or_else(|| {
            text.lines()
                .position(|l| !value.is_empty() && l.contains(value))
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
