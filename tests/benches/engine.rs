//! How long the engine takes to build each lesson's cluster and run its scenario, natively.
//! `cargo bench -p packetwalk-tests` (the browser timings are in reports/timing.txt).

use criterion::{criterion_group, criterion_main, Criterion};

fn lessons(c: &mut Criterion) {
    for l in packetwalk_lessons::all() {
        let Ok(l) = l else { continue };
        c.bench_function(&format!("parse+build+run {}", l.id), |b| {
            b.iter(|| {
                let (_, text) = packetwalk_lessons::FILES
                    .iter()
                    .find(|(i, _)| *i == l.id)
                    .expect("embedded");
                let lesson = packetwalk_lessons::parse("bench", &l.id, text).expect("parses");
                lesson.run().expect("runs").trace.hops.len()
            })
        });
    }
}

criterion_group!(benches, lessons);
criterion_main!(benches);
