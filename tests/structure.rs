//! The code's shape, checked so that it stays true: no two source files import each other
//! (directly or around a loop), no source file outside tests is over 400 lines, and every
//! module map (the `| module | holds |` table at the top of a crate or a module) names
//! exactly the modules declared there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates' source folders, from the workspace root.
const CRATES: &[&str] = &[
    "vocab", "core", "lessons", "cli", "lab", "web", "pcap", "shell", "fuzz", "tests",
];
const MAX_LINES: usize = 400;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A test file: named `tests.rs`, `*_tests.rs`, or under a `tests/` or `benches/` folder.
fn is_test(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || rel.starts_with("tests/")
        || rel.contains("/tests/")
        || rel.contains("/benches/")
        || rel.contains("fixtures")
}

/// The module path of a file of crate `src` (`engine/l2.rs` → `engine::l2`).
fn module_of(src_rel: &str) -> Vec<String> {
    let no_ext = src_rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = no_ext.split('/').map(String::from).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The `use` declarations of a file, each flattened to its paths (`a::{b, c::d}` → `a::b`,
/// `a::c::d`), with whether it is a re-export (`pub use`).
fn use_paths(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("use ") {
        let before = &rest[..i];
        let line_start = before.rfind('\n').map(|j| j + 1).unwrap_or(0);
        let prefix = before[line_start..].trim();
        rest = &rest[i + 4..];
        if !(prefix.is_empty() || prefix.starts_with("pub")) {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let mut paths = Vec::new();
        expand(
            "",
            &rest[..end].replace(char::is_whitespace, ""),
            &mut paths,
        );
        out.extend(paths.into_iter().map(|p| (prefix.starts_with("pub"), p)));
        rest = &rest[end..];
    }
    out
}

fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    if let Some(open) = tree.find('{') {
        let head = format!("{prefix}{}", &tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&head, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&head, &inner[start..], out);
    } else if !tree.is_empty() {
        out.push(format!("{prefix}{tree}"));
    }
}

/// Each file of a crate and the files of the same crate it imports from.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let rel = |p: &Path| {
        p.strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let modules: BTreeMap<Vec<String>, String> =
        files.iter().map(|f| (module_of(&rel(f)), rel(f))).collect();
    let mut graph = BTreeMap::new();
    for f in &files {
        let me = rel(f);
        if is_test(&me) || me.starts_with("bin/") {
            continue;
        }
        let here = module_of(&me);
        let text = std::fs::read_to_string(f).unwrap();
        // Inline tests (`mod tests { use super::*; … }`, at the end by convention) are
        // not the file's own imports.
        let text = match text.find("#[cfg(test)]\nmod tests {") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        let mut deps = BTreeSet::new();
        for (reexport, path) in use_paths(text) {
            let mut parts: Vec<&str> = path.split("::").collect();
            let mut target: Vec<String> = match parts.first().copied() {
                Some("crate") => {
                    parts.remove(0);
                    Vec::new()
                }
                Some("super") => {
                    // `super` is the parent of this file's module, whatever the file's name.
                    parts.remove(0);
                    let mut t = here.clone();
                    t.pop();
                    while parts.first() == Some(&"super") {
                        parts.remove(0);
                        t.pop();
                    }
                    t
                }
                Some("self") => {
                    parts.remove(0);
                    here.clone()
                }
                // A child module declared in this file (`use build::x` in a mod.rs).
                Some(first)
                    if modules.contains_key(&[here.clone(), vec![first.to_string()]].concat()) =>
                {
                    here.clone()
                }
                _ => continue,
            };
            // The longest prefix of the path that is a file of this crate.
            let mut best = modules.get(&target).cloned();
            for p in parts {
                target.push(p.to_string());
                if let Some(file) = modules.get(&target) {
                    best = Some(file.clone());
                }
            }
            // A module re-exporting what its own children define is how a module tree is
            // declared, not a dependency: `pub use check::find_pod` in `cluster/mod.rs`.
            let child = |b: &String| module_of(b).starts_with(&here) && module_of(b) != here;
            if let Some(file) = best.filter(|b| *b != me && !is_test(b) && !(reexport && child(b)))
            {
                deps.insert(file);
            }
        }
        graph.insert(me, deps);
    }
    graph
}

/// A loop of imports, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            match state.get(d.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == d).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(d, g, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n.as_str()) {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn src_dir(krate: &str) -> PathBuf {
    let r = root().join(krate);
    if krate == "tests" {
        r
    } else {
        r.join("src")
    }
}

#[test]
fn no_two_source_files_import_each_other_directly_or_around_a_loop() {
    let mut loops = Vec::new();
    for krate in CRATES.iter().filter(|k| **k != "tests") {
        let mut graph = imports(&src_dir(krate));
        // Every loop: report one, cut its last edge, look again.
        while let Some(c) = find_cycle(&graph) {
            loops.push(format!("{krate}: {}", c.join(" → ")));
            let (from, to) = (&c[c.len() - 2], &c[c.len() - 1]);
            graph.get_mut(from).unwrap().remove(to);
        }
    }
    assert!(loops.is_empty(), "import loops:\n{}", loops.join("\n"));
}

#[test]
fn no_source_file_outside_tests_is_over_400_lines() {
    let mut long = Vec::new();
    for krate in CRATES {
        let src = src_dir(krate);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            if !is_test(&rel) && *krate != "tests" && lines > MAX_LINES {
                long.push(format!("{krate}/src/{rel}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The modules a file declares (`mod x;`, `pub mod x;`), but its tests.
fn declared(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| {
            let l = l
                .strip_prefix("pub ")
                .or_else(|| l.strip_prefix("pub(crate) "))
                .unwrap_or(l);
            // A crate re-exported as a module (`pub use packetwalk_vocab as vocab;`).
            let crate_alias = l.strip_prefix("use ").filter(|u| !u.contains("::"));
            if let Some(alias) = crate_alias.and_then(|u| u.split(" as ").nth(1)) {
                return alias.strip_suffix(';').map(String::from);
            }
            l.strip_prefix("mod ")?.strip_suffix(';').map(String::from)
        })
        .filter(|m| m != "tests")
        .collect()
}

/// The first column of the file's module map: the modules it names (`[`engine`]`,
/// `` `l2.rs` ``, `` `digest` ``), without the file itself (`mod.rs`, `lib.rs`).
fn mapped(text: &str) -> Option<BTreeSet<String>> {
    let mut lines = text
        .lines()
        .skip_while(|l| !(l.starts_with("//! | module |") || l.starts_with("//! | file |")));
    lines.next()?;
    Some(
        lines
            .skip(1)
            .take_while(|l| l.starts_with("//! |"))
            .filter_map(|l| l.trim_start_matches("//! |").split('|').next())
            .map(|c| {
                c.trim()
                    .trim_matches(['[', ']', '`'])
                    .trim_end_matches(".rs")
                    .trim_end_matches('/')
                    .to_string()
            })
            .filter(|m| !matches!(m.as_str(), "mod" | "lib" | "main"))
            .collect(),
    )
}

#[test]
fn every_module_map_names_exactly_the_modules_declared_beside_it() {
    let mut wrong = Vec::new();
    for krate in CRATES.iter().filter(|k| **k != "tests") {
        let src = src_dir(krate);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for f in files {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&f).unwrap();
            let decl = declared(&text);
            let root = rel == "lib.rs";
            let Some(map) = mapped(&text) else {
                if root && !decl.is_empty() {
                    wrong.push(format!("{krate}/src/{rel}: no module map"));
                }
                continue;
            };
            for m in decl.difference(&map) {
                wrong.push(format!("{krate}/src/{rel}: the map leaves out `{m}`"));
            }
            for m in map.difference(&decl) {
                wrong.push(format!(
                    "{krate}/src/{rel}: the map names `{m}`, which is not declared"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
