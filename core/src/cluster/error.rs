//! What can be wrong with a cluster spec. Each error names the field (as a path into the
//! lesson file, e.g. `cluster.nodes[1].pods[0].ip`) and the offending value, so the lesson
//! loader can point at the line.

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct SpecError {
    /// Path of the field in the lesson file.
    pub field: String,
    /// The value as written, used to find its line.
    pub value: String,
    /// What rule it breaks, in lower case.
    pub message: String,
}

impl SpecError {
    pub fn new(
        field: impl Into<String>,
        value: impl ToString,
        message: impl Into<String>,
    ) -> SpecError {
        SpecError {
            field: field.into(),
            value: value.to_string(),
            message: message.into(),
        }
    }
}
