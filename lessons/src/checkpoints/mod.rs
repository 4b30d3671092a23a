//! Predict, then reveal: the lesson file says where the walk stops to ask (`[[checkpoint]]`:
//! the hop, found as narration finds its hop, and what kind of question); the question's
//! right answer and its wrong choices come from the run itself (the other route rows, the
//! ClusterIP itself, the other endpoints, the other search names), so they stay true when a
//! switch or an edit changes the cluster. A checkpoint whose hop is missing from a run, or
//! whose hop does not hold the decision it asks about, asks nothing in that run.
//!
//! | module | holds |
//! |---|---|
//! | `mod.rs` | the lesson file's `[[checkpoint]]`, [`Question`], [`questions`] for a run |
//! | `question` | one question read from its hop: the prompt, the right answer, the wrong choices |

mod question;

use crate::narration::find_hop;
use crate::Lesson;
use packetwalk_core::engine::Run;
use packetwalk_core::vocab::EventKind;
use question::question;
use serde::{Deserialize, Serialize};

/// Where the walk stops, and what it asks there, as a lesson file writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointSpec {
    /// The event of the hop the question is about (the hop shown after the answer).
    pub event: EventKind,
    #[serde(default)]
    pub netns: Option<String>,
    /// A prefix of the hop's leg, e.g. `SYN-ACK`.
    #[serde(default)]
    pub leg: Option<String>,
    /// Which matching hop, counting from 1.
    #[serde(default = "first")]
    pub nth: usize,
    pub ask: Ask,
}

fn first() -> usize {
    1
}

/// The kinds of question, each read from the hop's own decision and packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// At a route lookup: which row (or the local table) the kernel picks.
    Route,
    /// At an ARP request: whose address the sender asks for.
    Neighbour,
    /// At a DNAT: where the packet is headed after kube-proxy's rules.
    Dnat,
    /// At an SNAT or masquerade: the source the packet leaves with.
    Snat,
    /// At the cloud fabric: which effective route it takes.
    Fabric,
    /// At a VXLAN encapsulation: which node the outer packet goes to.
    Tunnel,
    /// At a DNS query: which name glibc asks for.
    Dns,
    /// At conntrack's reply translation: the source the reply carries.
    Reply,
    /// At a delivery: which container's process receives it.
    Deliver,
    /// At a bridge: out of which port (or up to the node itself) the frame goes.
    Bridge,
}

/// A question, ready to ask before hop `hop` is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub hop: usize,
    pub ask: String,
    /// Two to four choices, in a fixed order that does not give the answer away.
    pub choices: Vec<String>,
    /// Index of the right one in `choices`.
    pub right: usize,
    /// Why, in the engine's words, and the evidence: the decision as the tools show it.
    pub why: String,
    pub evidence: Vec<String>,
}

/// The lesson's questions for this run, in hop order.
pub fn questions(lesson: &Lesson, run: &Run) -> Vec<Question> {
    let hops = &run.trace.hops;
    let mut out: Vec<Question> = lesson
        .checkpoint
        .iter()
        .filter_map(|c| {
            let hop = find_hop(c.event, c.netns.as_deref(), c.leg.as_deref(), c.nth, hops)?;
            question(c.ask, hop, run, lesson)
        })
        .collect();
    out.sort_by_key(|q| q.hop);
    out.dedup_by_key(|q| q.hop);
    out
}

/// Checkpoints that ask nothing in this run (a lesson test fails on these for the lesson as
/// written, so a question never goes missing unnoticed).
pub fn unasked<'a>(lesson: &'a Lesson, run: &Run) -> Vec<&'a CheckpointSpec> {
    let hops = &run.trace.hops;
    lesson
        .checkpoint
        .iter()
        .filter(|c| {
            find_hop(c.event, c.netns.as_deref(), c.leg.as_deref(), c.nth, hops)
                .and_then(|h| question(c.ask, h, run, lesson))
                .is_none()
        })
        .collect()
}

#[cfg(test)]
mod tests;
