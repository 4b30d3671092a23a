//! `packetwalk shell`: packetwalk-shell on a terminal, with rustyline's line editing,
//! history and Tab completion (the prompt `root@<netns>:~# `), or reading one command a
//! line from a pipe and printing only the outputs, for scripts and tests.

use packetwalk_core::engine::Run;
use packetwalk_shell::Shell;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use std::io::{self, BufRead, Write};

/// Tab completion from the shell's own candidates (packetwalk-shell's `complete`).
struct Complete<'r>(Shell<'r>);

impl Completer for Complete<'_> {
    type Candidate = String;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        // As bash does: a word completed to the one candidate gets its space.
        let (at, mut v) = self.0.complete(line.get(..pos).unwrap_or(line));
        if let [one] = v.as_mut_slice() {
            one.push(' ');
        }
        Ok((at, v))
    }
}
impl Hinter for Complete<'_> {
    type Hint = String;
}
impl Highlighter for Complete<'_> {}
impl Validator for Complete<'_> {}
impl Helper for Complete<'_> {}

/// Run each line of `input` in the shell, the outputs to `out`, the errors to `err`,
/// without prompts; stop at `exit` or the end of the input.
pub fn piped(
    shell: &mut Shell,
    input: impl BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    for line in input.lines() {
        let a = shell.exec(&line?);
        out.write_all(a.output.out.as_bytes())?;
        out.flush()?;
        err.write_all(a.output.err.as_bytes())?;
        if a.exit {
            break;
        }
    }
    Ok(())
}

/// The shell on a terminal: read a line with the prompt, keep it in the history, run it;
/// Ctrl-C drops the line, Ctrl-D (or `exit`) leaves.
pub fn interactive(
    run: &Run,
    mut shell: Shell,
    hop: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), String> {
    let completer = Shell::new(run, shell.netns(), hop)?;
    // Tab completes the common part and lists the candidates on a second Tab, as readline
    // does in bash.
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<Complete, _> =
        Editor::with_config(config).map_err(|e| format!("cannot read the terminal: {e}"))?;
    editor.set_helper(Some(Complete(completer)));
    let at = match hop {
        Some(h) => format!("as of hop {h}"),
        None => "as the walk leaves them".into(),
    };
    let write = |out: &mut dyn Write, s: &str| {
        out.write_all(s.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the output: {e}"))
    };
    write(
        out,
        &format!("packetwalk shell: the lesson's namespaces {at}; `help` lists the commands, Ctrl-D leaves\n"),
    )?;
    loop {
        match editor.readline(&shell.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let a = shell.exec(&line);
                write(out, &a.output.text())?;
                if a.exit {
                    return Ok(());
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(()),
            Err(e) => return Err(format!("cannot read the terminal: {e}")),
        }
    }
}
