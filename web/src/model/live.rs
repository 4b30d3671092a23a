//! What the engine worker answers besides the lesson's digest: the lesson's TOML as run,
//! the Break-it switches that apply to it, and where an error in an edited file is.

use crate::codec::embedded;

embedded! {
    /// The head of an answer; the digest of the one lesson run follows it (`codec::site`).
    #[derive(Clone, Debug, PartialEq, Default)]
    pub struct LiveHead {
        /// The lesson file as run (the embedded one, or the learner's edit).
        pub toml: String,
        /// The edit, deflated and base64url'd for the URL (`edit=`); empty when not edited.
        pub packed: String,
        /// The Break-it panel's list: every switch that applies to this lesson, as HTML
        /// (rendered here, in the worker, so the page's first load does not carry it), each
        /// value in this run selected.
        pub switches: String,
        /// The settings that were applied, canonical (`NAME=VALUE@WHERE`).
        pub applied: Vec<String>,
        /// Find the break: the challenge's card as HTML (empty when none is asked for).
        pub challenge: String,
        /// When the file or a setting is wrong: the message, and the line (0: no line).
        pub error: String,
        pub error_line: u32,
    }
}
