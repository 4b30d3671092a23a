//! A switch's chosen value as the command line and the URL write it: `NAME=VALUE` or
//! `NAME=VALUE@WHERE`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A chosen value: `NAME=VALUE` or `NAME=VALUE@WHERE`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
    /// Where; `None` is everywhere the switch is offered.
    pub at: Option<String>,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        match &self.at {
            Some(at) => write!(f, "@{at}"),
            None => Ok(()),
        }
    }
}

impl FromStr for Setting {
    type Err = String;
    fn from_str(s: &str) -> Result<Setting, String> {
        let form = || format!("`{s}` is not a setting: write NAME=VALUE or NAME=VALUE@WHERE");
        let (name, rest) = s.split_once('=').ok_or_else(form)?;
        let (value, at) = match rest.split_once('@') {
            Some((v, w)) => (v, Some(w)),
            None => (rest, None),
        };
        let bad =
            |x: &str| x.is_empty() || x.chars().any(|c| c.is_whitespace() || "=@".contains(c));
        if bad(name) || bad(value) || at.is_some_and(bad) {
            return Err(form());
        }
        Ok(Setting {
            name: name.into(),
            value: value.into(),
            at: at.map(String::from),
        })
    }
}
