use super::*;
use crate::switches::{apply, Setting};

#[test]
fn every_lesson_asks_at_least_four_questions_and_every_checkpoint_asks() {
    for l in crate::all() {
        let l = l.expect("parses");
        let run = l.run().expect("runs");
        let missing: Vec<_> = unasked(&l, &run);
        assert!(
            missing.is_empty(),
            "{}: checkpoints that ask nothing: {missing:?}",
            l.id
        );
        let qs = questions(&l, &run);
        assert!(qs.len() >= 4, "{}: {} questions", l.id, qs.len());
        for q in &qs {
            assert!(
                (2..=4).contains(&q.choices.len()),
                "{}: #{} {:?}",
                l.id,
                q.hop,
                q.choices
            );
            assert!(q.right < q.choices.len());
            let mut distinct = q.choices.clone();
            distinct.dedup();
            assert_eq!(
                distinct.len(),
                q.choices.len(),
                "{}: #{} repeats a choice",
                l.id,
                q.hop
            );
            assert!(
                !q.why.is_empty() && !q.evidence.is_empty()
                    || run.trace.hops[q.hop].decision.is_none()
            );
        }
    }
}

#[test]
fn the_right_answer_is_what_the_hop_shows() {
    let l = crate::load("clusterip").unwrap().unwrap();
    let run = l.run().unwrap();
    let qs = questions(&l, &run);
    let dnat = qs
        .iter()
        .find(|q| q.ask.contains("after the nat table"))
        .expect("a DNAT question");
    let to = &dnat.choices[dnat.right];
    let shown = run.trace.hops[dnat.hop]
        .packet
        .as_ref()
        .unwrap()
        .to_string();
    assert!(shown.contains(&to.replace(':', ".")), "{to} in {shown}");
    assert!(
        dnat.choices.iter().any(|c| c.starts_with("10.96.0.20:80")),
        "the ClusterIP is a wrong choice"
    );
    let route = &qs[0];
    assert_eq!(
        route.choices[route.right],
        "default via 10.244.0.1 dev eth0"
    );
}

#[test]
fn questions_follow_a_switch() {
    let l = crate::load("clusterip").unwrap().unwrap();
    let pick = |l: &Lesson| {
        let run = l.run().unwrap();
        let q = questions(l, &run)
            .into_iter()
            .find(|q| q.ask.contains("nat table"))
            .unwrap();
        q.choices[q.right].clone()
    };
    let eps = l.endpoints(&l.cluster().unwrap());
    let other = eps
        .iter()
        .map(|e| e.to_string())
        .find(|e| *e != pick(&l))
        .unwrap();
    let s: Setting = format!("kube-proxy.endpoint={other}").parse().unwrap();
    assert_eq!(pick(&apply(&l, &[s]).unwrap()), other);
}
