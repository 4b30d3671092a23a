//! `packetwalk predict`: the Predict mode's questions and answers on the command line.

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
fn predict_prints_each_question_with_its_answer_marked() {
    let (code, out, err) = packetwalk(&["predict", "clusterip"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "#26 The packet was sent to 10.96.0.20:80. Where is it headed after the nat table?"
        ),
        "{out}"
    );
    assert!(out.contains("  * 10.244.0.16:8080\n"), "{out}");
    assert!(out.contains("  - 10.96.0.20:80 (unchanged)\n"), "{out}");
    assert!(out.matches("\n  why: ").count() >= 4, "{out}");
}

#[test]
fn predict_follows_a_switch() {
    let (code, out, err) = packetwalk(&[
        "predict",
        "clusterip",
        "--set",
        "kube-proxy.endpoint=10.244.0.15:8080",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  * 10.244.0.15:8080\n"), "{out}");
    let (code, _, err) = packetwalk(&["predict"]);
    assert_eq!(code, 2);
    assert!(err.contains("predict needs a lesson"), "{err}");
}
