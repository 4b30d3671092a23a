//! `packetwalk gen`: a generated lesson file that parses and runs, and numbers that make no
//! cluster refused as usage errors.

use std::process::Command;

fn packetwalk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_packetwalk"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn a_generated_file_parses_and_its_trace_completes_on_another_node() {
    let dir = std::env::temp_dir().join(format!("packetwalk-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for network in ["flannel-vxlan", "kubenet"] {
        let file = dir.join(format!("{network}.toml"));
        let file = file.to_str().expect("utf-8 path");
        let (code, out, err) = packetwalk(&[
            "gen",
            "--nodes",
            "10",
            "--pods",
            "100",
            "--services",
            "20",
            "--network",
            network,
            "-o",
            file,
        ]);
        assert_eq!((code, out.as_str()), (0, ""), "{err}");
        let (code, trace, err) = packetwalk(&["trace", file]);
        assert_eq!(code, 0, "{err}");
        let off_node = (1..10).any(|n| trace.contains(&format!("node-{n}")));
        assert!(off_node, "the walk never leaves node-0:\n{trace}");
        let (code, json, err) = packetwalk(&["trace", file, "-f", "json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["outcome"]["result"], "completed", "{network}");
    }
    // Without -o the file goes to standard output, the same text.
    let (code, out, _) = packetwalk(&["gen", "--nodes", "10", "--pods", "100", "--services", "20"]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(dir.join("flannel-vxlan.toml")).expect("written");
    assert_eq!(out, written);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_numbers_are_usage_errors_that_name_the_option() {
    for (args, says) in [
        (
            vec!["gen", "--pods", "4", "--services", "1"],
            "gen needs --nodes N",
        ),
        (
            vec!["gen", "--nodes", "x", "--pods", "4", "--services", "1"],
            "--nodes wants a number, not `x`",
        ),
        (
            vec!["gen", "--nodes", "-3", "--pods", "4", "--services", "1"],
            "--nodes wants a number",
        ),
        (
            vec!["gen", "--nodes", "1", "--pods", "4", "--services", "1"],
            "--nodes 1: the generated lesson needs at least 2 nodes",
        ),
        (
            vec!["gen", "--nodes", "2", "--pods", "1000", "--services", "1"],
            "at most 253 pods a node",
        ),
        (
            vec!["gen", "--nodes", "2", "--pods", "4", "--services", "0"],
            "--services 0",
        ),
        (
            vec![
                "gen",
                "--nodes",
                "2",
                "--nodes",
                "3",
                "--pods",
                "4",
                "--services",
                "1",
            ],
            "--nodes is given twice",
        ),
        (
            vec![
                "gen",
                "--nodes",
                "2",
                "--pods",
                "4",
                "--services",
                "1",
                "--network",
                "calico",
            ],
            "unknown network `calico`",
        ),
        (
            vec![
                "gen",
                "--nodes",
                "2",
                "--pods",
                "4",
                "--services",
                "1",
                "extra",
            ],
            "unexpected argument `extra`",
        ),
    ] {
        let (code, out, err) = packetwalk(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("usage: packetwalk gen"), "{args:?}: {err}");
    }
    let (code, out, _) = packetwalk(&["gen", "--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: packetwalk gen"));
}
