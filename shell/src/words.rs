//! A command line split into words as a POSIX shell would for these commands: blanks
//! separate words, `'…'` keeps everything, `"…"` keeps all but `\` before `"` and `\`, a
//! `\` outside quotes escapes the next character (POSIX.1-2017, Shell Command Language,
//! 2.2 Quoting). No expansions, no pipes, no redirections (an unquoted operator is an
//! error that says so): the tools are the model's.

/// Why a line was not split into words.
#[derive(Debug, PartialEq, Eq)]
pub enum Unread {
    /// A quote opened and not closed.
    Unclosed(char),
    /// An unquoted `|`, `;`, `&`, `>` or `<`.
    Operator(char),
}

/// The words of `line`, or why it cannot be read.
pub fn split(line: &str) -> Result<Vec<String>, Unread> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\'' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(Unread::Unclosed('\'')),
                    }
                }
            }
            '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => break,
                        },
                        Some(c) => word.push(c),
                        None => return Err(Unread::Unclosed('"')),
                    }
                }
            }
            '\\' => {
                started = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            // sh's operators: a pipeline, a list, a redirection (2.9 Shell Commands).
            '|' | ';' | '&' | '>' | '<' => return Err(Unread::Operator(c)),
            c => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

/// Where the last word of `line` starts (the word Tab completes), and the words before it.
pub fn last_word(line: &str) -> (usize, Vec<String>) {
    let start = line.rfind([' ', '\t']).map(|i| i + 1).unwrap_or(0);
    let before = split(&line[..start]).unwrap_or_default();
    (start, before)
}
