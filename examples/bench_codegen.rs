//! Benchmark: how long build.rs spends generating the client, step by step.
//!
//! ```text
//! cargo run --release --example bench_codegen
//! ```
//!
//! Runs build.rs's pipeline (it is compiled into this example, as into the tests) on
//! `openapi/clerk-users.yaml` several times and prints the median of each step. The rest of a
//! clean build of the crate is compiling: see the README for that measurement.

#[allow(dead_code, unreachable_pub)]
#[path = "../build.rs"]
mod build_script;

use std::time::{Duration, Instant};

const SPEC: &str = include_str!("../openapi/clerk-users.yaml");
const RUNS: usize = 9;

fn main() {
    let mut steps: [(&str, Vec<Duration>); 5] = [
        ("load", vec![]),
        ("normalize", vec![]),
        ("generate", vec![]),
        ("finish", vec![]),
        ("all", vec![]),
    ];
    for _ in 0..RUNS {
        let all = Instant::now();
        let started = Instant::now();
        let Ok(mut spec) = build_script::load_spec("openapi/clerk-users.yaml", SPEC) else {
            return fail("load");
        };
        steps[0].1.push(started.elapsed());
        let started = Instant::now();
        let Ok(normalized) = build_script::normalize(&mut spec) else { return fail("normalize") };
        steps[1].1.push(started.elapsed());
        let started = Instant::now();
        let Ok(tokens) = build_script::generate(&spec, &normalized.native) else {
            return fail("generate");
        };
        steps[2].1.push(started.elapsed());
        let started = Instant::now();
        let Ok(code) = build_script::finish(tokens, &normalized) else { return fail("finish") };
        steps[3].1.push(started.elapsed());
        steps[4].1.push(all.elapsed());
        std::hint::black_box(code);
    }
    println!("build.rs on openapi/clerk-users.yaml, median of {RUNS} runs:");
    for (step, mut times) in steps {
        times.sort();
        println!("  {step:<10} {:>8.1} ms", times[RUNS / 2].as_secs_f64() * 1e3);
    }
}

fn fail(step: &str) {
    eprintln!("build.rs's {step} step failed");
    std::process::exit(1);
}
