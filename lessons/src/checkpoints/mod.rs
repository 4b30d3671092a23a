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
pub use question::{Ask, Question};
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

/// What one checkpoint asks in this run, if anything.
fn ask(c: &CheckpointSpec, lesson: &Lesson, run: &Run) -> Option<Question> {
    let hops = &run.trace.hops;
    let hop = find_hop(c.event, c.netns.as_deref(), c.leg.as_deref(), c.nth, hops)?;
    // The walk opens on hop 0: there is no moment before it to ask in.
    (hop > 0).then(|| question(c.ask, hop, run, lesson))?
}

/// The lesson's questions for this run, in hop order.
pub fn questions(lesson: &Lesson, run: &Run) -> Vec<Question> {
    let mut out: Vec<Question> = lesson
        .checkpoint
        .iter()
        .filter_map(|c| ask(c, lesson, run))
        .collect();
    out.sort_by_key(|q| q.hop);
    out.dedup_by_key(|q| q.hop);
    out
}

/// Checkpoints that ask nothing in this run (a lesson test fails on these for the lesson as
/// written, so a question never goes missing unnoticed).
pub fn unasked<'a>(lesson: &'a Lesson, run: &Run) -> Vec<&'a CheckpointSpec> {
    let none = |c: &&CheckpointSpec| ask(c, lesson, run).is_none();
    lesson.checkpoint.iter().filter(none).collect()
}

#[cfg(test)]
mod tests;
