//! Names Kubernetes itself would accept: RFC 1123 labels and subdomains, RFC 1035 labels
//! (k8s.io/apimachinery/pkg/util/validation/validation.go: `IsDNS1123Label`,
//! `IsDNS1123Subdomain`, `IsDNS1035Label`). Anything else is refused at the check, so no
//! name can carry a shell word, a newline or a path into the lab's scripts or the page.

use super::SpecError;

/// Kubernetes' name rules, as k8s.io/apimachinery/pkg/util/validation/validation.go
/// defines them (`IsDNS1123Label`, `IsDNS1123Subdomain`, `IsDNS1035Label`): lower-case
/// letters, digits and `-`, beginning and ending with a letter or digit (DNS-1035: beginning
/// with a letter), at most 63 characters; a subdomain is such labels joined by `.`, at most
/// 253 characters in all (its regex does not limit each label, so `max` is `None` there). Namespaces and containers are labels, Services DNS-1035 labels, pods and
/// nodes subdomains (pkg/apis/core/validation/validation.go).
/// The longest label: 63 characters (RFC 1123 §2.1, RFC 1035 §2.3.4).
const LABEL_MAX: usize = 63;

fn label_error(s: &str, first_letter: bool, max: Option<usize>) -> Option<String> {
    if s.is_empty() {
        return Some("must not be empty".into());
    }
    if let Some(max) = max.filter(|m| s.len() > *m) {
        return Some(format!(
            "is {} characters, at most {max} are allowed",
            s.len()
        ));
    }
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if let Some(c) = s.chars().find(|c| !ok(*c)) {
        return Some(format!(
            "contains {c:?}: only lower-case letters, digits and '-' are allowed"
        ));
    }
    let first = s.chars().next().unwrap_or('-');
    if first_letter && !first.is_ascii_lowercase() {
        return Some("must begin with a lower-case letter".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("must begin and end with a letter or digit".into());
    }
    None
}

fn name_error(field: &str, name: &str, what: &str, rule: &str, why: String) -> SpecError {
    SpecError::new(
        field,
        name,
        format!("{what} must be {rule}: {:?} {why}", name),
    )
}

pub(super) fn dns1123_label(field: &str, name: &str, what: &str) -> Result<(), SpecError> {
    match label_error(name, false, Some(LABEL_MAX)) {
        Some(why) => Err(name_error(field, name, what, "a DNS-1123 label", why)),
        None => Ok(()),
    }
}

pub(super) fn dns1035_label(field: &str, name: &str, what: &str) -> Result<(), SpecError> {
    match label_error(name, true, Some(LABEL_MAX)) {
        Some(why) => Err(name_error(field, name, what, "a DNS-1035 label", why)),
        None => Ok(()),
    }
}

pub(super) fn dns1123_subdomain(field: &str, name: &str, what: &str) -> Result<(), SpecError> {
    const MAX: usize = 253;
    let rule = "a DNS-1123 subdomain";
    if name.is_empty() {
        return Err(name_error(
            field,
            name,
            what,
            rule,
            "must not be empty".into(),
        ));
    }
    if name.len() > MAX {
        let why = format!("is {} characters, at most {MAX} are allowed", name.len());
        return Err(name_error(field, name, what, rule, why));
    }
    for label in name.split('.') {
        if let Some(why) = label_error(label, false, None) {
            let why = if label.is_empty() {
                "has an empty label (leading, trailing or doubled '.')".to_string()
            } else {
                why
            };
            return Err(name_error(field, name, what, rule, why));
        }
    }
    Ok(())
}
