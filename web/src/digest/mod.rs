//! The build-time digest: each lesson file parsed by the lessons crate, its cluster built,
//! its scenario run by the engine, and everything the page shows at each hop computed
//! here: natively for `web/build.rs`, which embeds the result, and in the engine worker
//! for a lesson the learner changed (`crate::live`).
//!
//! | module | holds |
//! |---|---|
//! | `mod.rs` | [`site`]: every lesson → [`Site`] ([`embedded_site`]: without the table texts; [`index`]: the list the page embeds); hops, their packets compared hop to hop |
//! | [`topology`] | the built cluster → what the drawing lays out |
//! | [`packet`] | a frame → its header tree, with what changed since its previous hop |
//! | [`checkpoints`] | Predict's questions and reveals, as HTML |
//! | [`card`] | the decision card as HTML (the page shows it as it comes) |
//! | [`decision`] | the engine's decision, ready to show |
//! | [`tables`] | a namespace's tables after a hop, in the tools' own words |

pub mod card;
pub mod checkpoints;
pub mod decision;
pub mod packet;
pub mod tables;
pub mod topology;

use crate::model::{At, Change, Hop, LessonBody, LessonEntry, Outcome, Packet, Site, Walk, WhatIf};
use packetwalk_core::engine::Run;
use packetwalk_core::packet::{Body, Frame};
use packetwalk_core::trace::{Direction, Event, Outcome as CoreOutcome};
use packetwalk_lessons::narration::attach;
use packetwalk_lessons::Lesson;
use tables::Pool;

/// What the page embeds: every lesson without its table texts (the hops keep their
/// references). The tables pane is opened by some learners only, and the engine worker,
/// which the page loads after its first frame, answers the lesson with them; the 7.5 KB
/// gzip they take belong to the engine's load, not the first one.
pub fn embedded_site() -> Site {
    let mut site = site();
    for l in &mut site.lessons {
        if let Ok(b) = &mut l.body {
            b.texts.clear();
            for w in &mut b.walks {
                w.checkpoints.clear();
            }
            for h in &mut b.hops {
                h.decision.clear();
            }
        }
    }
    site
}

/// What the page's WASM embeds: every lesson's card, drawing and walks, without the hops,
/// packets and texts, which each lesson's own file brings when it opens
/// ([`LessonEntry::pending`]). The first load then carries one lesson, not all of them.
pub fn index(site: &Site) -> Site {
    let mut site = site.clone();
    for l in &mut site.lessons {
        if let Ok(b) = &mut l.body {
            b.hops.clear();
            b.packets.clear();
            b.texts.clear();
        }
    }
    site
}

/// Every lesson file, in teaching order; one that fails to parse carries its error.
pub fn site() -> Site {
    let lessons = packetwalk_lessons::FILES
        .iter()
        .zip(packetwalk_lessons::all())
        .map(|((id, _), parsed)| match parsed {
            Ok(lesson) => {
                let mut e = entry(&lesson);
                if let Ok(b) = &mut e.body {
                    let n = packetwalk_lessons::challenges::breaks(&lesson).len() as u32;
                    b.walks.iter_mut().for_each(|w| w.challenges = n);
                }
                e
            }
            Err(e) => LessonEntry {
                id: id.to_string(),
                title: id.to_string(),
                summary: "This lesson's file has a mistake; the lesson cannot be shown.".into(),
                follows: Vec::new(),
                intro: String::new(),
                body: Err(e.to_string()),
            },
        })
        .collect();
    Site { lessons }
}

pub fn entry(lesson: &Lesson) -> LessonEntry {
    changed(lesson, lesson, None)
}

/// `lesson` changed from `written` (Break-it switches, an edit) and run: its one walk, with
/// the written lesson's narration up to where the two runs part. The lesson's words were
/// written for the run as written: past the first difference only the engine's own
/// explanation is sure to be true.
pub fn changed(written: &Lesson, lesson: &Lesson, what_if: Option<WhatIf>) -> LessonEntry {
    LessonEntry {
        id: lesson.id.clone(),
        title: lesson.title.clone(),
        summary: lesson.summary.clone(),
        follows: lesson.follows.clone(),
        intro: lesson.intro.trim().to_string(),
        body: body(written, lesson, what_if),
    }
}

fn body(written: &Lesson, lesson: &Lesson, what_if: Option<WhatIf>) -> Result<LessonBody, String> {
    let run = lesson.run()?;
    let narrated_until = if std::ptr::eq(written, lesson) {
        None
    } else {
        let base = written.run().ok();
        let same = base.as_ref().map_or(0, |b| {
            b.trace
                .hops
                .iter()
                .zip(&run.trace.hops)
                .take_while(|(a, b)| a == b)
                .count()
        });
        let whole = base.is_some_and(|b| b.trace == run.trace);
        (!whole).then_some(same)
    };
    let mut pools = Pools::default();
    let hops = hops(lesson, &run, &mut pools, narrated_until);
    Ok(LessonBody {
        topology: topology::topology(run.cluster()),
        walks: vec![Walk {
            what_if,
            hops,
            outcome: outcome(&run.trace.outcome),
            checkpoints: packetwalk_lessons::checkpoints::questions(lesson, &run)
                .iter()
                .map(checkpoints::checkpoint)
                .collect(),
            challenges: 0,
        }],
        hops: pools.hops.list,
        packets: pools.packets.list,
        texts: pools.texts.list,
    })
}

/// Everything a lesson's walks share, each distinct value once.
#[derive(Default)]
pub struct Pools {
    pub hops: Pool<Hop>,
    pub packets: Pool<Packet>,
    pub texts: Pool<String>,
}

fn outcome(o: &CoreOutcome) -> Outcome {
    match o {
        CoreOutcome::Completed { summary } => Outcome {
            completed: true,
            text: summary.clone(),
            hop: None,
        },
        CoreOutcome::Failed { hop, reason } => Outcome {
            completed: false,
            text: reason.clone(),
            hop: Some(*hop as u32),
        },
    }
}

/// Every hop of a run, as the page shows it, interned: the indices of its hops. Narration
/// stops at hop `narrated_until` when given.
pub fn hops(
    lesson: &Lesson,
    run: &Run,
    pools: &mut Pools,
    narrated_until: Option<usize>,
) -> Vec<u32> {
    let trace = &run.trace;
    let notes = attach(&lesson.narration, &trace.hops);
    trace
        .hops
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let nat = matches!(h.event, Event::Dnat | Event::Snat | Event::ConntrackReply);
            let prev = h
                .packet
                .as_ref()
                .and_then(|p| previous(&trace.hops[..i], &h.leg, p));
            let at = At {
                node: h.at.node.clone(),
                netns: h.at.netns.clone(),
                device: h.at.device.clone(),
                direction: match h.at.direction {
                    Some(Direction::In) => "in".into(),
                    Some(Direction::Out) => "out".into(),
                    None => String::new(),
                },
                place: h.at.place,
            };
            let label = h.event.label();
            let narration = notes
                .get(i)
                .cloned()
                .flatten()
                .filter(|_| narrated_until.is_none_or(|n| i < n));
            let packet = h
                .packet
                .as_ref()
                .map(|f| pools.packets.intern(packet::packet(f, prev, nat)));
            let tables = tables::tables_at(run, i, &h.at, &mut pools.texts);
            let tab = tables::tab_for(h);
            let hop = Hop {
                at,
                event: h.event.kind(),
                discard: h.event.is_discard(),
                label,
                leg: h.leg.clone(),
                packet,
                decision: h
                    .decision
                    .as_ref()
                    .map(|d| card::card_html(&decision::decision(d)))
                    .unwrap_or_default(),
                changes: h
                    .changes
                    .iter()
                    .map(|c| Change {
                        netns: c.netns.clone(),
                        table: c.table,
                        line: c.line.trim_end().to_string(),
                    })
                    .collect(),
                explain: h.explain.clone(),
                narration,
                tables,
                tab,
                container: h.container.clone(),
            };
            pools.hops.intern(hop)
        })
        .collect()
}

/// The same packet at an earlier hop: the latest one of the same leg and the same kind
/// (an ARP request is compared with ARP requests, an IP packet with IP packets).
fn previous<'a>(
    earlier: &'a [packetwalk_core::trace::Hop],
    leg: &str,
    cur: &Frame,
) -> Option<&'a Frame> {
    earlier
        .iter()
        .rev()
        .filter(|h| h.leg == leg)
        .filter_map(|h| h.packet.as_ref())
        .find(|p| same_kind(p, cur))
}

fn same_kind(a: &Frame, b: &Frame) -> bool {
    match (&a.body, &b.body) {
        (Body::Arp(x), Body::Arp(y)) => x.op == y.op,
        (Body::Ipv4(_), Body::Ipv4(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_whose_cluster_does_not_build_carries_its_error_instead_of_hops() {
        let mut lesson = packetwalk_lessons::load("same-node").unwrap().unwrap();
        lesson.cluster.nodes[0].pods[0].ip = "10.99.0.5".parse().unwrap();
        let entry = entry(&lesson);
        let err = entry
            .body
            .expect_err("the pod IP is outside its node's pod CIDR");
        assert!(err.contains("10.99.0.5"), "{err}");
        assert_eq!(entry.title, lesson.title);
    }
}
