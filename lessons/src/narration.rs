//! Narration: short text a lesson attaches to hops. A note names the event it follows
//! (`dnat`, `vxlan_encap`, …) and, when needed, the namespace, the leg and which occurrence.

use packetwalk_core::trace::Hop;
use packetwalk_core::vocab::EventKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    /// The event kind, as in the JSON trace: `send`, `route_lookup`, `dnat`, `vxlan_encap`, …
    pub event: EventKind,
    #[serde(default)]
    pub netns: Option<String>,
    /// A prefix of the hop's leg, e.g. `SYN-ACK` or `A?`.
    #[serde(default)]
    pub leg: Option<String>,
    /// Which matching hop, counting from 1.
    #[serde(default = "first")]
    pub nth: usize,
    pub text: String,
}

fn first() -> usize {
    1
}

impl Narration {
    fn matches(&self, h: &Hop) -> bool {
        hop_matches(self.event, self.netns.as_deref(), self.leg.as_deref(), h)
    }
}

/// A hop named as a lesson file names it: its event, maybe its namespace and a prefix of
/// its leg (narration and checkpoints both find their hop this way).
pub(crate) fn hop_matches(
    event: EventKind,
    netns: Option<&str>,
    leg: Option<&str>,
    h: &Hop,
) -> bool {
    h.event.kind() == event
        && netns.is_none_or(|n| n == h.at.netns)
        && leg.is_none_or(|l| h.leg.starts_with(l))
}

/// The `nth` (from 1) hop that matches.
pub(crate) fn find_hop(
    event: EventKind,
    netns: Option<&str>,
    leg: Option<&str>,
    nth: usize,
    hops: &[Hop],
) -> Option<usize> {
    hops.iter()
        .enumerate()
        .filter(|(_, h)| hop_matches(event, netns, leg, h))
        .nth(nth.saturating_sub(1))
        .map(|(i, _)| i)
}

/// For every hop, the lesson's narration attached to it (if any).
pub fn attach(notes: &[Narration], hops: &[Hop]) -> Vec<Option<String>> {
    let mut out = vec![None; hops.len()];
    for n in notes {
        let hit = hops
            .iter()
            .enumerate()
            .filter(|(_, h)| n.matches(h))
            .nth(n.nth.saturating_sub(1));
        if let Some((i, _)) = hit {
            out[i] = Some(match out[i].take() {
                Some(prev) => format!("{prev}\n\n{}", n.text),
                None => n.text.clone(),
            });
        }
    }
    out
}

/// Notes that attach to no hop: a lesson test fails on these so text never goes missing.
pub fn unattached<'a>(notes: &'a [Narration], hops: &[Hop]) -> Vec<&'a Narration> {
    notes
        .iter()
        .filter(|n| {
            hops.iter()
                .filter(|h| n.matches(h))
                .nth(n.nth.saturating_sub(1))
                .is_none()
        })
        .collect()
}
