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
        /// Every switch that applies to this lesson, with its value in this run.
        pub switches: Vec<SwitchRow>,
        /// The settings that were applied, canonical (`NAME=VALUE@WHERE`).
        pub applied: Vec<String>,
        /// When the file or a setting is wrong: the message, and the line (0: no line).
        pub error: String,
        pub error_line: u32,
    }
}

embedded! {
    /// One Break-it switch: the setting's real name, where it applies, its values.
    #[derive(Clone, Debug, PartialEq)]
    pub struct SwitchRow {
        /// `NAME@WHERE` or `NAME`: what a setting names.
        pub key: String,
        /// The real setting's name: `net.ipv4.ip_forward`.
        pub name: String,
        /// The node, Service or pod it is set on.
        pub at: Option<String>,
        /// The values it takes; the lesson's own first.
        pub values: Vec<String>,
        /// Its value in this run.
        pub current: String,
        /// What it changes, and what a learner would see on a real cluster.
        pub explain: String,
    }
}
