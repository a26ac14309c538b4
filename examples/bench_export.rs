//! Benchmark: exporting every user from a fake Clerk with production-like latency and rate limit.
//!
//! ```text
//! cargo run --release --example bench_export            # throughput, then memory
//! cargo run --release --example bench_export -- memory  # memory only
//! ```
//!
//! Throughput: 100,000 users behind 100 ms of latency per request and Clerk's production limit
//! (1000 requests per 10 s, enforced by the fake with 429s; the client paces itself under it),
//! exported as raw JSON lines (every field) to a sink. A sequential cursor walk, then concurrent
//! walks, side by side with the rate-limit bound: 1000 requests / 10 s × 500 users per page.
//!
//! Memory: the same export without latency or limit, at 10,000 and 100,000 users, each in its
//! own process. The fake keeps its users in the same process, so the figure that matters is the
//! export's own: peak resident memory minus the resident memory before it started.

use std::io::Write;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clerk_users::fake::FakeClerk;
use clerk_users::prelude::*;
use clerk_users::{Client, RateLimit};
use futures::TryStreamExt;

const USERS: usize = 100_000;
const LATENCY: Duration = Duration::from_millis(100);

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => match throughput().await {
            Ok(()) => memory(),
            Err(e) => Err(e),
        },
        ["memory"] => memory(),
        ["--export", users] => match users.parse() {
            Ok(users) => export_once(users).await,
            Err(e) => Err(format!("{users}: {e}")),
        },
        _ => Err("usage: bench_export [memory]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Exports every user the client sees with `concurrency`, to a sink; returns users and seconds.
async fn export(client: &Client, concurrency: usize) -> Result<(u64, f64), String> {
    let started = Instant::now();
    let mut users = client.get_user_list().paginate().raw().concurrency(concurrency).items();
    let mut sink = std::io::sink();
    let mut count = 0u64;
    while let Some(user) = users.try_next().await.map_err(|e| e.to_string())? {
        serde_json::to_writer(&mut sink, user.as_value()).map_err(|e| e.to_string())?;
        sink.write_all(b"\n").map_err(|e| e.to_string())?;
        count += 1;
    }
    Ok((count, started.elapsed().as_secs_f64()))
}

async fn throughput() -> Result<(), String> {
    println!(
        "{USERS} users, {} ms latency per request, 1000 requests / 10 s\n",
        LATENCY.as_millis()
    );
    let bound = 1000.0 / 10.0 * 500.0;
    println!("{:<22} {:>9} {:>12} {:>10}", "walk", "seconds", "users/s", "of bound");
    for concurrency in [1, 8, 12] {
        // A fresh fake per run: its rate-limit windows start with the run.
        let fake = FakeClerk::builder()
            .latency(LATENCY)
            .rate_limit(1000, Duration::from_secs(10))
            .start()
            .await;
        fake.seed_users(USERS);
        let client = Client::builder(fake.secret_key())
            .base_url(fake.url())
            .rate_limit(RateLimit::production_instance())
            .build()
            .map_err(|e| e.to_string())?;
        let (count, seconds) = export(&client, concurrency).await?;
        if count != USERS as u64 {
            return Err(format!("exported {count} users, expected {USERS}"));
        }
        let rate = count as f64 / seconds;
        let name = if concurrency == 1 {
            "sequential cursor".to_owned()
        } else {
            format!("concurrency({concurrency})")
        };
        println!("{name:<22} {seconds:>9.2} {rate:>12.0} {:>9.0}%", rate / bound * 100.0);
    }
    println!(
        "{:<22} {:>9.2} {bound:>12.0} {:>9.0}%",
        "rate-limit bound",
        USERS as f64 / bound,
        100.0
    );
    Ok(())
}

/// Runs one export per size in a child process and prints their memory side by side.
fn memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    println!("\nexport memory (each size in its own process):");
    println!("{:>9} {:>16} {:>16}", "users", "export's peak", "process peak");
    let mut results = Vec::new();
    for users in [10_000, 100_000] {
        let output = Command::new(&exe)
            .args(["--export", &users.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        let line = String::from_utf8_lossy(&output.stdout).into_owned();
        let numbers: Vec<f64> = line.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        let [export_kib, peak_kib] = numbers[..] else {
            return Err(format!("unexpected output: {line}"));
        };
        println!("{users:>9} {:>12.1} MiB {:>12.1} MiB", export_kib / 1024.0, peak_kib / 1024.0);
        results.push(export_kib);
    }
    if let [small, large] = results[..] {
        println!(
            "the export's peak at 100,000 users is {:.2}x that at 10,000 (10x the users)",
            large / small
        );
    }
    Ok(())
}

/// One export of `users` users, printing the export's own peak memory and the process's, in KiB.
async fn export_once(users: usize) -> Result<(), String> {
    let fake = FakeClerk::start().await;
    fake.seed_users(users);
    let client = fake.client();
    // Reset the high-water mark (Linux), so the peak below is the export's, not the seeding's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = memory_kib("VmRSS:");
    let (count, _) = export(&client, 8).await?;
    if count != users as u64 {
        return Err(format!("exported {count} users, expected {users}"));
    }
    let peak = memory_kib("VmHWM:");
    println!("{} {peak}", peak.saturating_sub(before));
    Ok(())
}

/// A line of /proc/self/status in KiB (0 where /proc is not available).
fn memory_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
