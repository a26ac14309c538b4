//! Benchmark: how long the client's build script spends generating the client, step by step.
//!
//! ```text
//! cargo run --release -p clerk-users-codegen --example bench_codegen
//! ```
//!
//! Runs the pipeline on `openapi/clerk-users.yaml` several times and prints the median of each
//! step. The rest of a clean build of the client is compiling: see the README for that measurement.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clerk_users_codegen::{Error, finish, generate, load_spec, normalize};

const FILE: &str = "openapi/clerk-users.yaml";
const RUNS: usize = 9;
const STEPS: [&str; 5] = ["load", "normalize", "generate", "finish", "all"];

fn main() {
    if let Err(error) = run() {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|source| Error::Read { path: path.clone(), source })?;
    let mut times: [Vec<Duration>; 5] = Default::default();
    for _ in 0..RUNS {
        for (step, took) in once(&text)?.into_iter().enumerate() {
            times[step].push(took);
        }
    }
    println!("clerk-users-codegen on {FILE}, median of {RUNS} runs:");
    for (step, mut times) in STEPS.into_iter().zip(times) {
        times.sort();
        println!("  {step:<10} {:>8.1} ms", times[RUNS / 2].as_secs_f64() * 1e3);
    }
    Ok(())
}

/// One run of the pipeline: the time of each step, then of all.
fn once(text: &str) -> Result<[Duration; 5], Error> {
    let all = Instant::now();
    let started = Instant::now();
    let mut spec = load_spec(FILE, text)?;
    let load = started.elapsed();
    let started = Instant::now();
    let normalized = normalize(&mut spec)?;
    let normalize = started.elapsed();
    let started = Instant::now();
    let tokens = generate(FILE, &spec, &normalized.native)?;
    let generate = started.elapsed();
    let started = Instant::now();
    std::hint::black_box(finish(tokens, &normalized)?);
    let finish = started.elapsed();
    Ok([load, normalize, generate, finish, all.elapsed()])
}
