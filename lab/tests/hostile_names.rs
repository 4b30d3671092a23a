//! The lab's scripts are run as root, so nothing a lesson names may run as a command: every
//! value is quoted. Each real lesson is rebuilt with hostile names (namespaces, interfaces,
//! the lesson's id and title, the scenario's target), bypassing any name check by renaming
//! inside the built cluster, and its set-up and teardown scripts are run by bash with the
//! root tools (`ip`, `bridge`, `iptables-restore`, `sysctl`, `python3`, …) replaced by stubs
//! that log their arguments, and the machine's paths moved into a directory of the test's
//! own. Nothing may be created by the payloads, and every hostile name must reach the tools
//! as one argument, exactly itself.

use packetwalk_core::cluster::Cluster;
use packetwalk_lab::names::Names;
use packetwalk_lab::shell::{comment, in_dq, sh_quote};
use packetwalk_lab::Lab;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every way to break out of a word: `;`, `$( )`, backticks, `${IFS}` for a space, both
/// quotes, a backslash, a glob, a newline (where the name check of the lab allows it).
fn hostile(name: &str, k: usize) -> String {
    format!(
        "{name};touch${{IFS}}PWNED{k}a;$(touch${{IFS}}PWNED{k}b)`touch${{IFS}}PWNED{k}c`'\"\\*&"
    )
}

const STRINGS: &[&str] = &[
    "",
    "plain",
    "a b",
    "it's",
    "'",
    "''",
    "\"",
    "\\",
    "\\'",
    "$HOME",
    "${IFS}",
    "$(touch PWNED)",
    "`touch PWNED`",
    "a;touch PWNED",
    "a|touch PWNED",
    "a&&touch PWNED",
    "*",
    "?",
    "[a]",
    "~",
    "~root",
    "{a,b}",
    "!x",
    "#x",
    "-n",
    "a\nb",
    "line\ntouch PWNED\n",
    "\t",
    "é ü 世界",
    "a=b",
    "%1",
    "x>y<z",
];

fn bash(script: &str, cwd: &Path) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(cwd)
        .output()
        .expect("bash runs")
}

fn scratch(what: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pw-lab-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn pwned(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("PWNED"))
            {
                found.push(p.clone());
            }
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            }
        }
    }
    found
}

#[test]
fn quoting_keeps_every_hostile_string_exactly_itself() {
    let dir = scratch("quote");
    for s in STRINGS {
        let out = bash(&format!("printf %s {}", sh_quote(s)), &dir);
        assert_eq!(String::from_utf8_lossy(&out.stdout), *s, "sh_quote({s:?})");
        let out = bash(&format!("printf %s \"<{}>\"", in_dq(s)), &dir);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("<{s}>"),
            "in_dq({s:?})"
        );
        let out = bash(&format!("eval \"printf %s {}\"", in_dq(&sh_quote(s))), &dir);
        assert_eq!(String::from_utf8_lossy(&out.stdout), *s, "eval of {s:?}");
        let c = comment(&format!("# {s}"));
        let out = bash(&format!("{c}\nprintf ok"), &dir);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "ok", "comment {s:?}");
        assert!(!c.contains('\n'));
    }
    assert_eq!(pwned(&dir), Vec::<PathBuf>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Rename, everywhere in the built cluster, every string equal to an old name.
fn rename(v: &mut Value, names: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(n) = names.get(s.as_str()) {
                *s = n.clone();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename(x, names)),
        Value::Object(o) => {
            let old = std::mem::take(o);
            for (k, mut x) in old {
                rename(&mut x, names);
                o.insert(names.get(&k).cloned().unwrap_or(k), x);
            }
        }
        _ => {}
    }
}

fn hostile_lab(id: &str) -> (Lab, Vec<String>, Vec<String>) {
    let mut lesson = packetwalk_lessons::load(id).unwrap().unwrap();
    let cluster = lesson.cluster().unwrap();
    let mut names = BTreeMap::new();
    for ns in &cluster.netns {
        let k = names.len();
        names.insert(ns.name.clone(), hostile(&ns.name, k));
        for i in &ns.ifaces {
            if i.name != "lo" && !names.contains_key(&i.name) {
                let k = names.len();
                names.insert(i.name.clone(), hostile(&i.name, k));
            }
        }
    }
    let mut v = serde_json::to_value(&cluster).unwrap();
    rename(&mut v, &names);
    let cluster: Cluster = serde_json::from_value(v).unwrap();
    lesson.id = format!("{id};touch${{IFS}}PWNEDid;'\"$(touch${{IFS}}PWNEDid2)");
    lesson.title = format!(
        "{}\ntouch PWNEDtitle\n$(touch PWNEDtitle2)'\"",
        lesson.title
    );
    lesson.scenario.from = names[&lesson.scenario.from].clone();
    lesson.scenario.to = lesson
        .scenario
        .to
        .map(|t| format!("{t};touch${{IFS}}PWNEDto'\"$(touch PWNEDto2)"));
    lesson.scenario.name = lesson
        .scenario
        .name
        .map(|n| format!("{n};touch${{IFS}}PWNEDq'\"`touch PWNEDq2`"));
    let n = Names::new(&lesson.id, &cluster).expect("the lab's own name check");
    let model: Vec<String> = cluster.netns.iter().map(|n| n.name.clone()).collect();
    let ifaces: Vec<String> = cluster
        .netns
        .iter()
        .flat_map(|n| n.ifaces.iter().map(|i| i.name.clone()))
        .filter(|i| i != "lo")
        .collect();
    let lab = Lab {
        lesson,
        cluster: std::sync::Arc::new(cluster),
        names: n,
        source: "./my lesson;$(touch PWNEDsrc).toml".into(),
    };
    (lab, model, ifaces)
}

const STUB: &str = r#"#!/bin/bash
{ printf '%s' "${0##*/}"; for a in "$@"; do printf '\037%s' "$a"; done; printf '\036'; } >>"$PW_LOG"
case "${0##*/}" in
  ip) [ "$1" = netns ] && [ "$2" = exec ] && { shift 3; exec "$@"; } ;;
  id) echo 0 ;;
  python3) while [ $# -gt 0 ]; do [ "$1" = --pidfile ] && echo 999999999 >"$2"; shift; done ;;
esac
exit 0
"#;

/// Run a script with stubbed root tools and the machine's paths moved under `root`; the
/// tools' calls, each as its arguments.
fn run_stubbed(script: &str, root: &Path) -> (std::process::Output, Vec<Vec<String>>) {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in [
        "ip",
        "bridge",
        "iptables",
        "iptables-restore",
        "iptables-save",
        "sysctl",
        "modprobe",
        "python3",
        "id",
        "conntrack",
        "tcpdump",
        "timeout",
        "getent",
        "ping",
    ] {
        let p = bin.join(tool);
        std::fs::write(&p, STUB).unwrap();
        Command::new("chmod").arg("+x").arg(&p).status().unwrap();
    }
    let r = root.to_str().expect("a UTF-8 temp dir");
    assert!(!r.contains(char::is_whitespace), "{r}");
    let sys = root.join("proc/sys/net/bridge");
    std::fs::create_dir_all(&sys).unwrap();
    std::fs::write(sys.join("bridge-nf-call-iptables"), "1\n").unwrap();
    std::fs::create_dir_all(root.join("run/netns")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    let moved = script
        .replace("/etc/netns", &format!("{r}/etc/netns"))
        .replace("/tmp/packetwalk-lab", &format!("{r}/tmp/packetwalk-lab"))
        .replace("/run/netns", &format!("{r}/run/netns"))
        .replace("/proc/sys/net/bridge", &format!("{r}/proc/sys/net/bridge"));
    for path in ["/etc/", "/tmp/", "/run/", "/proc/sys"] {
        for line in moved
            .lines()
            .filter(|l| l.contains(path) && !l.starts_with('#'))
        {
            assert!(
                line.contains(r) || line.contains("/proc/$pid/cmdline"),
                "a path left on the machine: {line}"
            );
        }
    }
    let cwd = root.join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let file = root.join("script.sh");
    std::fs::write(&file, &moved).unwrap();
    let log = root.join("calls.log");
    let out = Command::new("bash")
        .arg(&file)
        .current_dir(&cwd)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("PW_LOG", &log)
        .output()
        .expect("bash runs");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let calls = text
        .split('\u{1e}')
        .filter(|c| !c.is_empty())
        .map(|c| c.split('\u{1f}').map(String::from).collect())
        .collect();
    (out, calls)
}

/// No `ip netns del`: the teardown skips namespaces that do not exist, and none does here.
fn deletes_no_namespace(calls: &[Vec<String>]) -> bool {
    !calls
        .iter()
        .any(|c| c.len() > 2 && c[1] == "netns" && c[2] == "del")
}

#[test]
fn hostile_names_reach_the_tools_as_themselves_and_run_nothing() {
    for id in packetwalk_lessons::ids() {
        let (lab, model, ifaces) = hostile_lab(id);
        let setup = lab.setup_script();
        let teardown = lab.teardown_script();
        let root = scratch(&format!("hostile-{id}"));
        for (what, s) in [("setup", &setup), ("teardown", &teardown)] {
            let f = root.join(format!("{what}.check.sh"));
            std::fs::write(&f, s).unwrap();
            let ok = Command::new("bash").arg("-n").arg(&f).status().unwrap();
            assert!(ok.success(), "{id}: bash -n {what}");
            for line in s.lines() {
                assert!(
                    !line.trim_start().starts_with("touch") && !line.starts_with("$("),
                    "{id} {what}: a payload became a line: {line}"
                );
            }
        }
        let (out, calls) = run_stubbed(&setup, &root);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{id}: set-up failed: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let traffic = packetwalk_lab::plan::traffic(&lab);
        assert!(
            stdout.contains(&format!("The lesson's traffic: {traffic}\n")),
            "{id}: {stdout}"
        );
        assert!(
            stdout.contains(&format!("lab {} is up", lab.lesson.id)),
            "{id}: {stdout}"
        );
        let has = |want: &[&str]| {
            calls
                .iter()
                .any(|c| c.iter().map(String::as_str).eq(want.iter().copied()))
        };
        for m in &model {
            let real = lab.names.ns(m);
            assert!(
                has(&["ip", "netns", "add", &real]),
                "{id}: ip netns add {real:?}"
            );
        }
        for i in &ifaces {
            assert!(
                calls
                    .iter()
                    .any(|c| c.first().is_some_and(|t| t == "ip") && c.contains(i)),
                "{id}: interface {i:?} never reached ip as itself"
            );
        }
        let (out, calls) = run_stubbed(&teardown, &root);
        assert!(
            out.status.success(),
            "{id}: teardown failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            deletes_no_namespace(&calls),
            "{id}: the teardown deleted a namespace that does not exist"
        );
        let (out, _) = run_stubbed(&teardown, &root);
        assert!(out.status.success(), "{id}: teardown twice");
        assert_eq!(pwned(&root), Vec::<PathBuf>::new(), "{id}: a payload ran");
        // The plan run.sh evaluates gives back the very names.
        let plan = packetwalk_lab::plan::plan(&lab);
        let f = root.join("plan.sh");
        std::fs::write(&f, &plan).unwrap();
        let out = bash(
            &format!(
                "eval \"$(cat {})\"; printf '%s\\037' \"${{MODEL_NS[@]}}\"; printf '\\036%s' \"$TRAFFIC\" \"$LESSON\"",
                sh_quote(f.to_str().unwrap())
            ),
            &root,
        );
        let got = String::from_utf8_lossy(&out.stdout);
        let want: String = model
            .iter()
            .map(|m| format!("{}\u{1f}", lab.names.ns(m)))
            .collect();
        assert_eq!(
            got,
            format!("{want}\u{1e}{traffic}\u{1e}{}", lab.lesson.id),
            "{id}"
        );
        assert_eq!(pwned(&root), Vec::<PathBuf>::new(), "{id}: a payload ran");
        let _ = std::fs::remove_dir_all(&root);
    }
}
