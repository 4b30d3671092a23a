//! The page's shell, in the engine worker: a command line run in a namespace of the
//! lesson the page shows (its switches and edit applied), as of the hop on screen, by
//! packetwalk-shell, the interpreter `packetwalk shell` runs. Stateless: the page keeps the
//! namespace the learner is in and sends it with every line; the answer says where `enter`
//! left it. The run behind the last request is kept ([`Runs`]), so typing one command after
//! another does not run the lesson again.

use super::{load, Request};
use crate::markup::esc;
use crate::model::LiveHead;
use packetwalk_core::engine::Run;
use packetwalk_lessons::Lesson;
use packetwalk_shell::Shell;

/// A line for the shell: which walk (as [`Request`] names it), where, when, and what.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShellRequest {
    pub lesson: Request,
    /// The namespace the line runs in; empty: the one the lesson's packet leaves from.
    pub netns: String,
    /// The state as of this hop; `None`: as the walk leaves it.
    pub hop: Option<usize>,
    /// The command line (for completion: the text up to the cursor).
    pub line: String,
    /// Complete the line's last word instead of running it (the Tab key).
    pub complete: bool,
}

/// What the shell answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellAnswer {
    /// The command's standard output, as the tool prints it.
    pub out: String,
    /// Its standard error (the tool's errors, the shell's one-line notes), or why the lesson
    /// could not run.
    pub err: String,
    /// The namespace the next line runs in (`enter NAME` moves it).
    pub netns: String,
    /// The line was `exit`.
    pub exit: bool,
    /// For completion: where the completed word starts in the line (a byte offset).
    pub start: usize,
    /// For completion: the candidates, sorted.
    pub completions: Vec<String>,
    /// What the page's terminal adds, as HTML (escaped here, so the page's first load
    /// carries no formatting): the prompt and line echoed, the output, the errors apart;
    /// for a completion with several candidates, the line and the candidates (as bash).
    pub html: String,
    /// For completion: the line as Tab leaves it (the one candidate and a space, or the
    /// candidates' common part); `None`: unchanged.
    pub completed: Option<String>,
}

/// The echoed prompt and line, then `out`, then `err` apart.
fn screen(prompt: &str, line: &str, out: &str, err: &str) -> String {
    let mut html = format!(
        "<span class=\"prompt\">{}</span><span class=\"cmd\">{}</span>\n{}",
        esc(prompt),
        esc(line),
        esc(out)
    );
    if !err.is_empty() {
        html += &format!("<span class=\"err\">{}</span>", esc(err));
    }
    html
}

/// What Tab leaves of `line` with these candidates for the word at `start`, as bash:
/// the one candidate and a space, or the part all candidates share.
fn completed(line: &str, start: usize, candidates: &[String]) -> Option<String> {
    let head = line.get(..start)?;
    match candidates {
        [] => None,
        [one] => Some(format!("{head}{one} ")),
        [first, rest @ ..] => {
            let common = rest.iter().fold(first.as_str(), |c, w| {
                let n = c.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
                c.get(..n).unwrap_or("")
            });
            Some(format!("{head}{common}")).filter(|l| l.len() > line.len())
        }
    }
}

/// A walk ready for the shell: the run, the namespace its packet leaves from, and the
/// lesson (switched and edited: `curl` and `ping` walk from it); or why it could not run.
type Walk = Result<(Run, String, Lesson), String>;

/// The run of the last request, kept while the page asks about the same walk.
#[derive(Default)]
pub struct Runs {
    last: Option<(Request, Walk)>,
}

impl Runs {
    /// The run `req` names, and the namespace its packet leaves from.
    fn get(&mut self, req: &Request) -> &Walk {
        if self.last.as_ref().is_some_and(|(r, _)| r != req) {
            self.last = None;
        }
        let (_, run) = self.last.get_or_insert_with(|| {
            let run = load(req, &mut LiveHead::default())
                .map_err(|(e, _)| e)
                .and_then(|l| {
                    let from = l.switched.scenario()?.from;
                    Ok((l.switched.run()?, from, l.switched))
                });
            (req.clone(), run)
        });
        run
    }
}

/// Run (or complete) one line. Never panics: a lesson that does not load, a namespace or a
/// hop it does not have, are answers with `err` set.
pub fn shell(runs: &mut Runs, req: &ShellRequest) -> ShellAnswer {
    let mut answer = ShellAnswer {
        netns: req.netns.clone(),
        ..ShellAnswer::default()
    };
    let (run, from, lesson) = match runs.get(&req.lesson) {
        Ok(r) => r,
        Err(e) => {
            answer.err = format!("{e}\n");
            answer.html = screen("", &req.line, "", &answer.err);
            return answer;
        }
    };
    let netns = if req.netns.is_empty() {
        from
    } else {
        &req.netns
    };
    // `curl` and `ping` walk the learner's own packet from the same lesson (the text only:
    // the page stays on its walk; `packetwalk trace … --set` shows the new one).
    let walker = |from: &str, to: &str| packetwalk_lessons::own_packet_walk(lesson, from, to);
    let sets = req.lesson.settings.iter().filter(|s| !s.is_empty());
    let trace: String = std::iter::once(lesson.id.clone())
        .chain(sets.map(|s| format!("--set {s}")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut sh = match Shell::new(run, netns, req.hop) {
        Ok(s) => s.with_walker(&walker, &trace),
        Err(e) => {
            answer.err = format!("packetwalk shell: {e}\n");
            answer.html = screen("", &req.line, "", &answer.err);
            return answer;
        }
    };
    let prompt = sh.prompt();
    if req.complete {
        (answer.start, answer.completions) = sh.complete(&req.line);
        answer.netns = netns.to_string();
        answer.completed = completed(&req.line, answer.start, &answer.completions);
        if answer.completions.len() > 1 {
            let list = answer.completions.join("  ") + "\n";
            answer.html = screen(&prompt, &req.line, &list, "");
        }
        return answer;
    }
    let a = sh.exec(&req.line);
    answer.html = screen(&prompt, &req.line, &a.output.out, &a.output.err);
    answer.out = a.output.out;
    answer.err = a.output.err;
    answer.exit = a.exit;
    answer.netns = sh.netns().to_string();
    answer
}
