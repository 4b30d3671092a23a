//! The URL fragment holds the lesson, the hop, and what the learner changed: the Break-it
//! settings and their own edit of the file: `#/clusterip/12`,
//! `#/clusterip/12?set=net.ipv4.ip_forward=0@node-1,ndots=1&edit=PACKED`. A reload or a
//! shared link opens the same changed cluster. Parsing, formatting, and checking a link
//! against the lessons, with a message for the learner when it points nowhere.

use crate::model::Site;

/// What a fragment asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The lesson list.
    Home,
    Lesson {
        id: String,
        /// The hop, or the text that is not a hop number.
        step: Result<usize, String>,
        live: Live,
    },
}

/// What the learner changed, which only the engine (in its worker) can run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Live {
    /// Break-it settings, `NAME=VALUE` or `NAME=VALUE@WHERE`, in the order chosen.
    pub settings: Vec<String>,
    /// The edited lesson file, packed (`live::pack` in the worker: deflate + base64url).
    pub edit: Option<String>,
}

impl Live {
    pub fn is_empty(&self) -> bool {
        self.settings.is_empty() && self.edit.is_none()
    }
}

/// What the page shows for a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// The lesson list, with a message when the link pointed nowhere.
    Home { notice: Option<String> },
    /// A lesson at a hop of one of its walks.
    Lesson {
        index: usize,
        walk: usize,
        step: usize,
    },
    /// A lesson whose file or run failed: its error is shown.
    Broken { index: usize },
    /// A lesson whose hops are still to be fetched (`lesson_files`).
    Loading { index: usize },
}

/// `#/clusterip/12?what-if=x` → the route. Anything unreadable is the lesson list.
pub fn parse(fragment: &str) -> Route {
    let f = fragment.trim_start_matches('#').trim_start_matches('/');
    let (path, query) = f.split_once('?').unwrap_or((f, ""));
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let Some(id) = parts.next() else {
        return Route::Home;
    };
    let step = match parts.next() {
        None => Ok(0),
        Some(s) => s.parse::<usize>().map_err(|_| s.to_string()),
    };
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .filter(|s| !s.is_empty())
    };
    let live = Live {
        settings: param("set")
            .map(|s| {
                s.split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        edit: param("edit").map(String::from),
    };
    Route::Lesson {
        id: id.to_string(),
        step,
        live,
    }
}

/// The fragment for a lesson at a hop.
pub fn format(id: &str, step: usize, live: &Live) -> String {
    let mut query = Vec::new();
    if !live.settings.is_empty() {
        query.push(format!("set={}", live.settings.join(",")));
    }
    if let Some(e) = &live.edit {
        query.push(format!("edit={e}"));
    }
    match query.is_empty() {
        true => format!("#/{id}/{step}"),
        false => format!("#/{id}/{step}?{}", query.join("&")),
    }
}

/// Check a route against the lessons.
pub fn resolve(route: &Route, site: &Site) -> View {
    let Route::Lesson { id, step, live } = route else {
        return View::Home { notice: None };
    };
    let home = |notice: String| View::Home {
        notice: Some(notice),
    };
    let Some(index) = site.lessons.iter().position(|l| l.id == *id) else {
        return home(format!(
            "There is no lesson called “{id}”. Pick one of these."
        ));
    };
    let lesson = &site.lessons[index];
    if lesson.pending() {
        return View::Loading { index };
    }
    let Ok(body) = &lesson.body else {
        return View::Broken { index };
    };
    let walk = 0;
    let len = body.walks[walk].hops.len();
    match step {
        // A changed lesson's walk is the engine's to measure: the page clamps the hop
        // when the answer comes.
        Ok(s) if !live.is_empty() => View::Lesson {
            index,
            walk,
            step: *s,
        },
        Err(text) => home(format!(
            "“{text}” is not a hop number. Hops of “{}” are numbered 0 to {}.",
            lesson.title,
            len.saturating_sub(1)
        )),
        Ok(s) if *s >= len => home(format!(
            "“{}” has hops 0 to {}; there is no hop {s}.",
            lesson.title,
            len.saturating_sub(1)
        )),
        Ok(s) => View::Lesson {
            index,
            walk,
            step: *s,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str, step: Result<usize, String>, live: Live) -> Route {
        Route::Lesson {
            id: id.into(),
            step,
            live,
        }
    }

    fn set(settings: &[&str]) -> Live {
        Live {
            settings: settings.iter().map(|s| s.to_string()).collect(),
            edit: None,
        }
    }

    #[test]
    fn fragments_parse_into_lesson_hop_and_changes() {
        let none = Live::default();
        assert_eq!(parse(""), Route::Home);
        assert_eq!(parse("#/"), Route::Home);
        assert_eq!(
            parse("#/clusterip"),
            lesson("clusterip", Ok(0), none.clone())
        );
        assert_eq!(
            parse("#/clusterip/12"),
            lesson("clusterip", Ok(12), none.clone())
        );
        assert_eq!(
            parse("#/clusterip/12/"),
            lesson("clusterip", Ok(12), none.clone())
        );
        assert_eq!(
            parse("#clusterip/3?set=net.ipv4.ip_forward=0@node-1,ndots=1"),
            lesson(
                "clusterip",
                Ok(3),
                set(&["net.ipv4.ip_forward=0@node-1", "ndots=1"])
            )
        );
        assert_eq!(
            parse("#/dns/0?edit=abc_-&set="),
            lesson(
                "dns",
                Ok(0),
                Live {
                    settings: Vec::new(),
                    edit: Some("abc_-".into())
                }
            )
        );
        assert_eq!(
            parse("#/clusterip/abc"),
            lesson("clusterip", Err("abc".into()), none.clone())
        );
        assert_eq!(
            parse("#/clusterip/-1"),
            lesson("clusterip", Err("-1".into()), none)
        );
    }

    #[test]
    fn a_formatted_fragment_parses_back_to_itself() {
        let edited = Live {
            settings: vec!["kube-proxy.endpoint=10.244.0.15:8080".into()],
            edit: Some("eJzLSM3JyQcABiwCFQ".into()),
        };
        for (id, step, live) in [
            ("dns", 0, Live::default()),
            (
                "clusterip",
                79,
                set(&["kube-proxy.endpoint=10.244.0.15:8080"]),
            ),
            ("same-node", 7, edited),
        ] {
            assert_eq!(parse(&format(id, step, &live)), lesson(id, Ok(step), live));
        }
        assert_eq!(format("clusterip", 12, &Live::default()), "#/clusterip/12");
    }

    #[test]
    fn a_lesson_of_the_embedded_list_waits_for_its_file_and_then_opens() {
        let full = crate::digest::site();
        let mut site = crate::digest::index(&full);
        let route = lesson("dns", Ok(3), Live::default());
        let i = site.lessons.iter().position(|l| l.id == "dns").unwrap();
        assert_eq!(resolve(&route, &site), View::Loading { index: i });
        // The list checks the lesson and the hop without the file: the walks are there.
        assert!(matches!(
            resolve(&lesson("nope", Ok(0), Live::default()), &site),
            View::Home { notice: Some(_) }
        ));
        site.lessons[i] = full.lessons[i].clone();
        assert!(matches!(
            resolve(&route, &site),
            View::Lesson { step: 3, .. }
        ));
    }

    #[test]
    fn links_are_checked_against_the_lessons() {
        let site = crate::digest::site();
        let none = Live::default();
        let len = site
            .lesson("clusterip")
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .walks[0]
            .hops
            .len();
        assert_eq!(resolve(&Route::Home, &site), View::Home { notice: None });
        assert!(matches!(
            resolve(&lesson("clusterip", Ok(12), none.clone()), &site),
            View::Lesson {
                walk: 0,
                step: 12,
                ..
            }
        ));
        assert!(matches!(
            resolve(&lesson("clusterip", Ok(len - 1), none.clone()), &site),
            View::Lesson { .. }
        ));
        let notice = |v: View| match v {
            View::Home { notice: Some(n) } => n,
            other => panic!("expected a notice, got {other:?}"),
        };
        assert!(notice(resolve(&lesson("nope", Ok(0), none.clone()), &site))
            .contains("no lesson called “nope”"));
        assert!(
            notice(resolve(&lesson("clusterip", Ok(len), none.clone()), &site))
                .contains(&format!("there is no hop {len}"))
        );
        assert!(
            notice(resolve(&lesson("clusterip", Err("x".into()), none), &site))
                .contains("not a hop number")
        );
        assert!(
            matches!(
                resolve(&lesson("clusterip", Ok(len + 5), set(&["ndots=1"])), &site),
                View::Lesson { .. }
            ),
            "a changed lesson's length is the engine's to say"
        );
    }
}
