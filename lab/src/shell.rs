//! Writing bash: the script being written, quoting, and the `ip -n` / `ip netns exec`
//! prefixes that put a command in one of the lab's namespaces.

use crate::Lab;
use std::fmt::Write as _;

/// Can this word go into bash as it is, unquoted, and mean itself (also inside double
/// quotes)? Letters, digits and `-_./:=@%+,` only; never empty.
fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
}

/// Quote a value for bash so that it is one word meaning exactly itself: as it is when it is
/// plain (`frontend`, `10.96.0.20/32`), else in single quotes, where nothing is special but
/// the quote itself, written `'\''` (close, an escaped quote, reopen). Every value from a
/// lesson that reaches a script goes through this (or [`in_dq`], or [`comment`]).
pub fn sh_quote(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A value to put inside a double-quoted string (`echo "lab {} is up"`): as it is when it
/// is plain, else the double quotes are closed around its single-quoted form
/// (`"lab "'x$y'" is up"`), so `$`, `` ` `` and `\` in it stay literal.
pub fn in_dq(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    format!("\"{}\"", sh_quote(s))
}

/// Comment text: a newline (or any other control character) would end the comment and
/// start a command, so each becomes a space.
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A script being written: commands, and comments for the learner reading it.
#[derive(Default)]
pub struct Script(pub String);

impl Script {
    /// A command line, its values already quoted.
    pub fn line(&mut self, l: impl AsRef<str>) {
        self.0.push_str(l.as_ref());
        self.0.push('\n');
    }
    pub fn section(&mut self, title: &str) {
        let title = comment(title);
        let _ = write!(self.0, "\n# ---- {title} ");
        let pad = 88usize.saturating_sub(title.len() + 8);
        self.0.push_str(&"-".repeat(pad));
        self.0.push('\n');
    }
    /// A file written with a quoted heredoc (no expansion inside); `path` is already quoted.
    pub fn file(&mut self, path: &str, text: &str) {
        let mut tag = String::from("PACKETWALK_EOF");
        while text.contains(&tag) {
            tag.push('_');
        }
        self.line(format!("cat > {path} <<'{tag}'"));
        self.0.push_str(text);
        if !text.ends_with('\n') {
            self.0.push('\n');
        }
        self.line(tag);
    }
}

/// The real namespace of a model namespace, quoted.
pub fn ns(lab: &Lab, model_ns: &str) -> String {
    sh_quote(&lab.names.ns(model_ns))
}

/// `ip -n <real ns> …` (`args` already quoted)
pub fn ip(lab: &Lab, model_ns: &str, args: &str) -> String {
    format!("ip -n {} {args}", ns(lab, model_ns))
}

/// `ip netns exec <real ns> …` (`args` already quoted)
pub fn exec(lab: &Lab, model_ns: &str, args: &str) -> String {
    format!("ip netns exec {} {args}", ns(lab, model_ns))
}
