//! Find the break: the lesson's cluster broken by one of its own switches, without saying
//! which; the learner steps, inspects, and names it. A challenge is a switch value that
//! changes the walk (a setting that breaks nothing would be a riddle without a clue); the
//! choices are every switch of the lesson that could break something, so a guess has to
//! come from evidence.
//! Pure: the same list in the CLI, the build and the page's engine.

use crate::own_packet;
use crate::switches::{self, Setting};
use crate::Lesson;

/// One way to break the lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub setting: Setting,
    /// As an admin would say it: `net.ipv4.ip_forward = 0 on worker-node-2`.
    pub label: String,
    /// What the setting does (the switch's own explanation).
    pub explain: String,
}

/// The switches that are breaks: kernel and Service settings. kube-proxy's pick of an
/// endpoint, a pod's ndots and the learner's own packet change the walk without breaking
/// anything.
fn is_break(name: &str) -> bool {
    ![
        switches::ENDPOINT,
        switches::NDOTS,
        own_packet::FROM,
        own_packet::TO,
    ]
    .contains(&name)
}

/// Every setting a challenge could have broken: each breaking switch of the lesson at its
/// first value other than the lesson's own. These are the choices a learner picks from.
pub fn suspects(lesson: &Lesson) -> Vec<Break> {
    switches::available(lesson)
        .into_iter()
        .filter(|s| is_break(&s.name))
        .filter_map(|sw| {
            let v = sw.values.get(1)?.clone();
            let label = match &sw.at {
                Some(at) => format!("{} = {v} on {at}", sw.name),
                None => format!("{} = {v}", sw.name),
            };
            Some(Break {
                setting: Setting {
                    name: sw.name.clone(),
                    value: v,
                    at: sw.at.clone(),
                },
                label,
                explain: sw.explain.clone(),
            })
        })
        .collect()
}

/// The lesson's challenges: the suspects that really change its walk, in their order.
pub fn breaks(lesson: &Lesson) -> Vec<Break> {
    let Ok(written) = lesson.run() else {
        return Vec::new();
    };
    suspects(lesson)
        .into_iter()
        .filter(|b| {
            switches::apply(lesson, std::slice::from_ref(&b.setting))
                .and_then(|l| l.run())
                .is_ok_and(|run| run.trace != written.trace)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_whose_switches_change_its_walk_has_a_challenge() {
        for l in crate::all() {
            let l = l.expect("parses");
            let b = breaks(&l);
            let needs = !matches!(l.id.as_str(), "inside-a-pod");
            assert_eq!(!b.is_empty(), needs, "{}: {b:?}", l.id);
            for x in &b {
                let broken = switches::apply(&l, std::slice::from_ref(&x.setting)).unwrap();
                assert_ne!(
                    broken.run().unwrap().trace,
                    l.run().unwrap().trace,
                    "{}",
                    x.label
                );
            }
        }
    }

    #[test]
    fn a_setting_that_breaks_nothing_is_no_challenge() {
        // Loopback inside a pod never leaves it: no node setting changes that walk.
        let l = crate::load("inside-a-pod").unwrap().unwrap();
        assert!(breaks(&l).is_empty());
        let c = crate::load("clusterip").unwrap().unwrap();
        assert!(breaks(&c)
            .iter()
            .all(|b| b.setting.name != switches::ENDPOINT));
    }
}
