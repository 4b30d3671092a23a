//! How the engine's cost grows with the cluster (issue 13): `packetwalk gen`'s clusters at
//! 10/100/20, 100/3,000/300, 1,000/30,000/2,000 and 5,000/150,000/10,000 nodes/pods/Services
//! (the last is Kubernetes' documented limit, https://kubernetes.io/docs/setup/best-practices/cluster-large/),
//! built, and one ClusterIP connection traced. `cargo bench -p packetwalk-tests --bench scale`
//! (a filter picks sizes: `-- 'build 100/'`); scripts/scale.sh measures time and peak memory
//! of the CLI on the same files and writes reports/scale.txt.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use packetwalk_core::cluster::{Cluster, MAX_NODES, MAX_PODS, MAX_SERVICES};
use packetwalk_core::engine;
use packetwalk_lessons::gen::{generate, GenNetwork, GenSpec};
use std::time::Duration;

const SIZES: [(usize, usize, usize); 4] = [
    (10, 100, 20),
    (100, 3_000, 300),
    (1_000, 30_000, 2_000),
    (5_000, 150_000, 10_000),
];

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2));
    for (nodes, pods, services) in SIZES {
        if nodes > MAX_NODES || pods > MAX_PODS || services > MAX_SERVICES {
            // The check refuses it (core/src/cluster/limits.rs); scripts/scale.sh reports it.
            eprintln!("skipped {nodes}/{pods}/{services}: over this version's limits");
            continue;
        }
        let size = format!("{nodes}/{pods}/{services}");
        // Generating and parsing only when a benchmark of this size is selected: the big
        // files take seconds to parse.
        let lesson = std::cell::OnceCell::new();
        let lesson = || {
            lesson.get_or_init(|| {
                let spec = GenSpec {
                    nodes,
                    pods,
                    services,
                    network: GenNetwork::FlannelVxlan,
                };
                let text = generate(&spec).expect("generates");
                packetwalk_lessons::parse_file("gen.toml", &text).expect("parses")
            })
        };
        g.bench_function(format!("build {size}"), |b| {
            let spec = lesson().cluster.clone();
            b.iter(|| Cluster::build(&spec).expect("builds"))
        });
        g.bench_function(format!("trace {size}"), |b| {
            let l = lesson();
            let (cluster, scenario) = (l.cluster().expect("builds"), l.scenario().expect("ok"));
            b.iter_batched(
                || (),
                |()| engine::run(&cluster, &scenario).trace.hops.len(),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
