//! Writing bash: the script being written, quoting, and the `ip -n` / `ip netns exec`
//! prefixes that put a command in one of the lab's namespaces.

use crate::Lab;
use std::fmt::Write as _;

/// Quote a string for bash (single quotes).
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A script being written: commands, and comments for the learner reading it.
#[derive(Default)]
pub struct Script(pub String);

impl Script {
    pub fn line(&mut self, l: impl AsRef<str>) {
        self.0.push_str(l.as_ref());
        self.0.push('\n');
    }
    pub fn section(&mut self, title: &str) {
        let _ = write!(self.0, "\n# ---- {title} ");
        let pad = 88usize.saturating_sub(title.len() + 8);
        self.0.push_str(&"-".repeat(pad));
        self.0.push('\n');
    }
    /// A file written with a quoted heredoc (no expansion inside).
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

/// `ip -n <real ns> …`
pub fn ip(lab: &Lab, model_ns: &str, args: &str) -> String {
    format!("ip -n {} {args}", lab.names.ns(model_ns))
}

/// `ip netns exec <real ns> …`
pub fn exec(lab: &Lab, model_ns: &str, args: &str) -> String {
    format!("ip netns exec {} {args}", lab.names.ns(model_ns))
}
