//! The engine in the page: what the `packetwalk-engine` worker (src/bin/engine.rs) does
//! with a request. A request names a lesson, the Break-it settings to apply, and maybe the
//! learner's own version of its file; the answer is the lesson run by the engine, as the
//! digest the page already reads, with a [`LiveHead`] in front. Pure and no-IO, so the
//! native tests run the very code the worker runs.
//!
//! Nothing a learner types can make this panic: every failure is an answer with
//! [`LiveHead::error`] set (and the line, for a mistake in the file).
//!
//! The same request can ask for the walk as a pcapng file instead ([`pcap`], the page's
//! "Download .pcapng"): the lesson is loaded the same way, and the bytes are what the CLI's
//! `packetwalk pcap` writes.
//!
//! | module | holds |
//! |---|---|
//! | `challenge` | find the break: the `challenge=N` setting, and the card that asks which break it is |
//! | `shell` | the page's shell: a command line run in a namespace of the walk, as of a hop |

use crate::digest;
use crate::markup::esc;
use crate::model::{LiveHead, Site, WhatIf};
use packetwalk_lessons::switches::{self, Setting};
use packetwalk_lessons::Lesson;

pub mod shell;

/// The longest lesson file the page sends (the eight lessons are 3–9 KB); a bigger edit is
/// refused with a message before the parser sees it.
pub const MAX_FILE: usize = 256 * 1024;

/// What the page asks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    /// The lesson's id (`clusterip`): which embedded file, and what an edit started from.
    pub id: String,
    /// Settings as `NAME=VALUE` or `NAME=VALUE@WHERE`.
    pub settings: Vec<String>,
    pub file: File,
}

/// Which file to run.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum File {
    /// The lesson's own file, as embedded.
    #[default]
    Embedded,
    /// The learner's text, from the editor.
    Text(String),
    /// The learner's text as the URL carries it (deflated, base64url).
    Packed(String),
}

/// The name an edited file's errors carry.
pub const EDITED: &str = "edited.toml";

/// A request's lesson, ready to run: the file as written or edited, and with the settings
/// applied.
struct Loaded {
    lesson: Lesson,
    switched: Lesson,
    /// The settings the learner sees (a challenge's own is not among them).
    settings: Vec<Setting>,
    /// Find the break: the challenge asked for, and every break of the lesson.
    challenge: Option<(usize, Vec<packetwalk_lessons::challenges::Break>)>,
}

/// The lesson a request names, its file (embedded, typed or from the URL) parsed and its
/// settings applied; `head` gets the file's text (and its packed form when edited). A
/// failure is the message and the file's line (0: none).
fn load(req: &Request, head: &mut LiveHead) -> Result<Loaded, (String, usize)> {
    let Some(written) = packetwalk_lessons::load(&req.id) else {
        return Err((format!("no lesson `{}`", req.id), 0));
    };
    let written = written.map_err(|e| (e.to_string(), e.line))?;
    let embedded = packetwalk_lessons::text(&req.id).unwrap_or_default();
    let (text, edited) = match &req.file {
        File::Embedded => (embedded.to_string(), false),
        File::Text(t) => (t.clone(), t != embedded),
        File::Packed(p) => {
            let t = unpack(p).map_err(|e| (e, 0))?;
            let edited = t != embedded;
            (t, edited)
        }
    };
    head.toml = text.clone();
    if text.len() > MAX_FILE {
        let msg = format!(
            "{EDITED}: the file is {} KB; the page runs files of at most {} KB",
            text.len() / 1024,
            MAX_FILE / 1024
        );
        return Err((msg, 0));
    }
    let lesson = if edited {
        head.packed = pack(&text);
        packetwalk_lessons::parse(EDITED, &req.id, &text).map_err(|e| (e.to_string(), e.line))?
    } else {
        written
    };
    let settings = req
        .settings
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<Setting>().map_err(|e| (format!("{s}: {e}"), 0)))
        .collect::<Result<Vec<Setting>, _>>()?;
    let (n, settings) = challenge::split(settings).map_err(|e| (e, 0))?;
    let challenge = match n {
        None => None,
        Some(n) => {
            let breaks = packetwalk_lessons::challenges::breaks(&lesson);
            if n >= breaks.len() {
                let msg = format!(
                    "this lesson has {} challenges; there is no challenge {n}",
                    breaks.len()
                );
                return Err((msg, 0));
            }
            Some((n, breaks))
        }
    };
    let secret = challenge.as_ref().map(|(n, b)| b[*n].setting.clone());
    let all: Vec<Setting> = secret.into_iter().chain(settings.iter().cloned()).collect();
    let switched = switches::apply(&lesson, &all).map_err(|e| (e, 0))?;
    Ok(Loaded {
        lesson,
        switched,
        settings,
        challenge,
    })
}

/// The walk a request names as a pcapng file: the very bytes `packetwalk pcap` writes for
/// the same lesson, file and settings (`packetwalk_pcap::pcapng`), or what went wrong.
pub fn pcap(req: &Request) -> Result<Vec<u8>, String> {
    let l = load(req, &mut LiveHead::default()).map_err(|(e, _)| e)?;
    let run = l.switched.run()?;
    let title = packetwalk_pcap::title(&l.switched.id, &l.switched.title);
    Ok(packetwalk_pcap::pcapng(&run, &title))
}

/// The editor's "Add a node|pod|Service" (`what`: `node`, `pod`, `service`): the request's
/// file (as typed, from the URL, or as embedded) with one more written in
/// (`packetwalk_lessons::grow`), or why not.
pub fn grow(req: &Request, what: &str) -> Result<String, String> {
    let what = packetwalk_lessons::grow::Grow::parse(what)
        .ok_or_else(|| format!("cannot add a `{what}`: a node, a pod or a Service"))?;
    let text = match &req.file {
        File::Embedded => packetwalk_lessons::text(&req.id)
            .ok_or_else(|| format!("no lesson `{}`", req.id))?
            .to_string(),
        File::Text(t) => t.clone(),
        File::Packed(p) => unpack(p)?,
    };
    if text.len() > MAX_FILE {
        return Err(format!("{EDITED}: the file is too big to grow"));
    }
    packetwalk_lessons::grow::grow(EDITED, &text, what)
}

/// The answer: its head, and the digest of the lesson run (one lesson, or none when the
/// file or a setting was wrong).
pub fn answer(req: &Request) -> (LiveHead, Site) {
    let mut head = LiveHead::default();
    let Loaded {
        lesson,
        switched,
        settings,
        challenge,
    } = match load(req, &mut head) {
        Ok(l) => l,
        Err((message, line)) => {
            head.error = message;
            head.error_line = line as u32;
            return (
                head,
                Site {
                    lessons: Vec::new(),
                },
            );
        }
    };
    // The values in the file's own order (its own first, marked "as written"), each
    // selected as it is in this run, but for a challenge's secret one.
    let seen = match &challenge {
        Some(_) => switches::apply(&lesson, &settings).unwrap_or_else(|_| lesson.clone()),
        None => switched.clone(),
    };
    let now = switches::available(&seen);
    let mut rows = switches::available(&lesson);
    for r in &mut rows {
        if let Some(n) = now.iter().find(|n| n.key == r.key) {
            r.current = n.current.clone();
        }
    }
    head.switches = switches_html(&rows);
    head.applied = settings.iter().map(|s| s.to_string()).collect();
    let mut said: Vec<String> = settings.iter().map(human).collect();
    if let Some((n, breaks)) = &challenge {
        head.applied.insert(0, format!("{}={n}", challenge::NAME));
        said.insert(0, "something broken (find the break)".into());
        let outcome = match switched.run().map(|r| r.trace.outcome) {
            Ok(packetwalk_core::trace::Outcome::Failed { hop, reason }) => {
                format!("the walk ends at hop #{hop}: {reason}")
            }
            Ok(packetwalk_core::trace::Outcome::Completed { summary }) => {
                format!("the walk completes, but not as the lesson's: {summary}")
            }
            Err(e) => e,
        };
        let suspects = packetwalk_lessons::challenges::suspects(&lesson);
        head.challenge = challenge::card_html(*n, &suspects, &breaks[*n], &outcome);
    }
    let what_if = (!said.is_empty()).then(|| WhatIf {
        slug: head.applied.join(","),
        setting: said.join("; "),
        detail: String::new(),
    });
    // The narration was written for the file's own run: with settings applied it holds
    // only until the two runs part (`digest::changed`).
    let entry = match what_if {
        None => digest::entry(&switched),
        Some(w) => digest::changed(&lesson, &switched, Some(w)),
    };
    (
        head,
        Site {
            lessons: vec![entry],
        },
    )
}

/// The switches as the Break-it panel lists them: the real setting's name, where, a menu of
/// its values (this run's selected, the lesson's own marked) and what it does. The page
/// reads `data-name`, `data-at` and `data-own` back when a menu changes.
pub fn switches_html(all: &[switches::Switch]) -> String {
    all.iter()
        .map(|s| {
            let options: String = s
                .values
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    format!(
                        "<option value=\"{0}\"{1}>{0}{2}</option>",
                        esc(v),
                        if *v == s.current { " selected" } else { "" },
                        if j == 0 { " (as written)" } else { "" }
                    )
                })
                .collect();
            let at = s.at.as_deref().unwrap_or_default();
            let on = if at.is_empty() { String::new() } else { format!(" on {}", esc(at)) };
            format!(
                "<li class=\"switch\"><label><span class=\"name\"><code>{name}</code><span class=\"at\">{on}</span></span><select data-name=\"{name}\" data-at=\"{at}\" data-own=\"{own}\" data-testid=\"switch-{key}\">{options}</select></label><p class=\"explain\">{explain}</p></li>",
                name = esc(&s.name),
                at = esc(at),
                own = esc(s.values.first().map(String::as_str).unwrap_or_default()),
                key = esc(&s.key),
                explain = esc(&s.explain),
            )
        })
        .collect()
}

/// A setting as an admin would say it: `net.ipv4.ip_forward = 0 on worker-node-1`.
fn human(s: &Setting) -> String {
    match &s.at {
        Some(at) => format!("{} = {} on {at}", s.name, s.value),
        None => format!("{} = {}", s.name, s.value),
    }
}

/// An edit as the URL carries it: raw DEFLATE (RFC 1951), then base64url without padding
/// (RFC 4648 §5), so it needs no escaping in a fragment.
pub fn pack(text: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    data_encoding::BASE64URL_NOPAD.encode(&deflated)
}

/// The edit back from the URL; a link cut short or altered says so.
pub fn unpack(packed: &str) -> Result<String, String> {
    let bad = "the edited lesson in this link is damaged (cut short or altered); it cannot be read";
    let deflated = data_encoding::BASE64URL_NOPAD
        .decode(packed.as_bytes())
        .map_err(|_| bad.to_string())?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_FILE)
        .map_err(|_| bad.to_string())?;
    String::from_utf8(bytes).map_err(|_| bad.to_string())
}

mod challenge;

#[cfg(test)]
mod tests;
