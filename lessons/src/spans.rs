//! Where a field is written: the lesson file parsed a second time into a tree that keeps
//! every key's and value's byte span (toml's [`Spanned`]), so an error names the line and
//! the path (`cluster.nodes[1].ip`) the parser itself saw, not a guess from searching text.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// A TOML value with its children's spans; leaves keep nothing but their span.
enum Node {
    Table(Vec<(String, Spanned<Node>)>),
    Array(Vec<Spanned<Node>>),
    Leaf,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any TOML value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Node::Array(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<String>()? {
                    // toml hands a date as a one-key map whose value cannot be spanned.
                    if k == DATETIME {
                        a.next_value::<String>()?;
                        return Ok(Node::Leaf);
                    }
                    v.push((k, a.next_value()?));
                }
                Ok(Node::Table(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The key toml's deserializer gives a date (toml_datetime's `FIELD`).
const DATETIME: &str = "$__toml_private_datetime";

/// One written value (of a key or an array element): its path and its span. A table's
/// span runs from its header (or `{`) to its last key.
struct Entry {
    path: String,
    depth: usize,
    value: Range<usize>,
}

/// Every key and element of a file, with spans.
pub(crate) struct Spans {
    entries: Vec<Entry>,
    /// Offsets where lines start.
    lines: Vec<usize>,
}

impl Spans {
    /// The file's spans, or toml's syntax error.
    pub(crate) fn parse(text: &str) -> Result<Spans, toml::de::Error> {
        let root: Spanned<Node> = toml::from_str(text)?;
        let mut entries = Vec::new();
        walk(&root, String::new(), 0, &mut entries);
        Ok(Spans {
            entries,
            lines: line_starts(text),
        })
    }

    /// Line (1-based) of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        line_at(&self.lines, offset)
    }

    /// The line where `path` (`cluster.nodes[1].pods[0].ip`) is written, or where its
    /// nearest written ancestor is (a field left out, or an empty file: line 1).
    pub(crate) fn line_of_path(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(e) = self.entries.iter().find(|e| e.path == p) {
                return self.line(e.value.start);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 1,
            }
        }
    }

    /// Where `path` and everything written under it ends (a table's span stops at its own
    /// last key; its sub-tables, written after it, end later).
    pub(crate) fn end_of(&self, path: &str) -> Option<usize> {
        let under = |p: &str| {
            p.strip_prefix(path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        };
        self.entries
            .iter()
            .filter(|e| under(&e.path))
            .map(|e| e.value.end)
            .max()
    }

    /// The path of the innermost value written at `offset` ("" for the root table; a key
    /// is inside its table's span).
    pub(crate) fn path_at(&self, offset: usize) -> &str {
        let within = |r: &Range<usize>| r.start <= offset && (offset < r.end || r.start == r.end);
        self.entries
            .iter()
            .filter(|e| within(&e.value))
            .min_by_key(|e| (e.value.len(), std::cmp::Reverse(e.depth)))
            .map(|e| e.path.as_str())
            .unwrap_or("")
    }
}

fn walk(node: &Spanned<Node>, path: String, depth: usize, out: &mut Vec<Entry>) {
    match node.get_ref() {
        Node::Table(entries) => {
            for (k, v) in entries {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                out.push(Entry {
                    path: p.clone(),
                    depth: depth + 1,
                    value: v.span(),
                });
                walk(v, p, depth + 1, out);
            }
        }
        Node::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                out.push(Entry {
                    path: p.clone(),
                    depth: depth + 1,
                    value: v.span(),
                });
                walk(v, p, depth + 1, out);
            }
        }
        Node::Leaf => {}
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_at(lines: &[usize], offset: usize) -> usize {
    lines.partition_point(|s| *s <= offset).max(1)
}

/// Line (1-based) of a byte offset in `text`, for errors raised before the spans exist.
pub(crate) fn line_in(text: &str, offset: usize) -> usize {
    line_at(&line_starts(text), offset)
}
