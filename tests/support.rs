//! Helpers shared by the workspace tests: run a lesson, find hops, print every table.

use packetwalk_core::engine::Run;
use packetwalk_core::show::{self, Table};
use packetwalk_core::trace::{Event, Hop};
use packetwalk_lessons::Lesson;

/// Load an embedded lesson, panicking with the lesson error (tests only).
pub fn lesson(id: &str) -> Lesson {
    match packetwalk_lessons::load(id) {
        Some(Ok(l)) => l,
        Some(Err(e)) => panic!("{e}"),
        None => panic!("no lesson {id}"),
    }
}

pub fn run(l: &Lesson) -> Run {
    l.run().unwrap_or_else(|e| panic!("{e}"))
}

/// Every applicable table of every namespace after the last hop, as the tools print them.
pub fn final_tables(run: &Run) -> String {
    let last = run.trace.hops.len().checked_sub(1);
    let (netns, _) = run.state_at(last);
    let mut out = String::new();
    for ns in netns {
        for t in Table::ALL {
            if show::applies_to(t, ns) {
                out += &format!("=== {} $ {}\n{}", ns.name, t.command(), show::render(ns, t));
            }
        }
    }
    out
}

/// The hops whose event matches.
pub fn hops<'a>(
    run: &'a Run,
    pred: impl Fn(&Event) -> bool + 'a,
) -> impl Iterator<Item = &'a Hop> + 'a {
    run.trace.hops.iter().filter(move |h| pred(&h.event))
}
