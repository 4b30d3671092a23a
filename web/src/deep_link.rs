//! The URL fragment holds the lesson, the hop and the what-if: `#/clusterip/12`,
//! `#/clusterip/12?what-if=ip-forward-off`. Parsing, formatting, and checking a link
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
        what_if: Option<String>,
    },
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
    let what_if = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("what-if="))
        .filter(|s| !s.is_empty())
        .map(String::from);
    Route::Lesson {
        id: id.to_string(),
        step,
        what_if,
    }
}

/// The fragment for a lesson at a hop.
pub fn format(id: &str, step: usize, what_if: Option<&str>) -> String {
    match what_if {
        Some(w) => format!("#/{id}/{step}?what-if={w}"),
        None => format!("#/{id}/{step}"),
    }
}

/// Check a route against the lessons.
pub fn resolve(route: &Route, site: &Site) -> View {
    let Route::Lesson { id, step, what_if } = route else {
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
    let Ok(body) = &lesson.body else {
        return View::Broken { index };
    };
    let Some(walk) = body.walk_index(what_if.as_deref()) else {
        return home(format!(
            "“{}” has no what-if called “{}”. Pick a lesson to start again.",
            lesson.title,
            what_if.as_deref().unwrap_or("")
        ));
    };
    let len = body.walks[walk].hops.len();
    match step {
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

    fn lesson(id: &str, step: Result<usize, String>, what_if: Option<&str>) -> Route {
        Route::Lesson {
            id: id.into(),
            step,
            what_if: what_if.map(Into::into),
        }
    }

    #[test]
    fn fragments_parse_into_lesson_hop_and_what_if() {
        assert_eq!(parse(""), Route::Home);
        assert_eq!(parse("#/"), Route::Home);
        assert_eq!(parse("#/clusterip"), lesson("clusterip", Ok(0), None));
        assert_eq!(parse("#/clusterip/12"), lesson("clusterip", Ok(12), None));
        assert_eq!(parse("#/clusterip/12/"), lesson("clusterip", Ok(12), None));
        assert_eq!(
            parse("#clusterip/3?what-if=ip-forward-off"),
            lesson("clusterip", Ok(3), Some("ip-forward-off"))
        );
        assert_eq!(
            parse("#/clusterip/abc"),
            lesson("clusterip", Err("abc".into()), None)
        );
        assert_eq!(
            parse("#/clusterip/-1"),
            lesson("clusterip", Err("-1".into()), None)
        );
    }

    #[test]
    fn a_formatted_fragment_parses_back_to_itself() {
        for (id, step, w) in [
            ("dns", 0, None),
            ("clusterip", 79, Some("endpoint-10.244.0.15")),
            ("same-node", 7, None),
        ] {
            assert_eq!(parse(&format(id, step, w)), lesson(id, Ok(step), w));
        }
        assert_eq!(format("clusterip", 12, None), "#/clusterip/12");
    }

    #[test]
    fn links_are_checked_against_the_lessons() {
        let site = crate::digest::site();
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
            resolve(&lesson("clusterip", Ok(12), None), &site),
            View::Lesson {
                walk: 0,
                step: 12,
                ..
            }
        ));
        assert!(matches!(
            resolve(&lesson("clusterip", Ok(len - 1), None), &site),
            View::Lesson { .. }
        ));
        let notice = |v: View| match v {
            View::Home { notice: Some(n) } => n,
            other => panic!("expected a notice, got {other:?}"),
        };
        assert!(notice(resolve(&lesson("nope", Ok(0), None), &site))
            .contains("no lesson called “nope”"));
        assert!(notice(resolve(&lesson("clusterip", Ok(len), None), &site))
            .contains(&format!("there is no hop {len}")));
        assert!(
            notice(resolve(&lesson("clusterip", Err("x".into()), None), &site))
                .contains("not a hop number")
        );
        assert!(
            notice(resolve(&lesson("clusterip", Ok(0), Some("nope")), &site))
                .contains("no what-if")
        );
    }
}
