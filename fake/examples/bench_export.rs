//! Benchmark: exporting every user from a fake Clerk with production-like latency and rate limit.
//!
//! ```text
//! cargo run -p clerk-users-fake --release --example bench_export            # throughput, then memory
//! cargo run -p clerk-users-fake --release --example bench_export -- memory  # memory only
//! ```
//!
//! Throughput: 100,000 users behind 100 ms of latency per request and Clerk's production limit
//! (1000 requests per 10 s, enforced by the fake with 429s; the client paces itself under it),
//! exported as raw JSON lines (every field) to a sink. A sequential cursor walk, then concurrent
//! walks, side by side with the rate-limit bound: 1000 requests / 10 s × 500 users per page.
//!
//! Memory: the same export without latency or limit, at 10,000 and 100,000 users. The fake runs
//! in a process of its own (it holds every user), and each export in another, so each export's
//! peak resident memory (`VmHWM`) is the client's alone.

use std::io::Write;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clerk_users::prelude::*;
use clerk_users::{Client, RateLimit};
use clerk_users_fake::FakeClerk;
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
        ["--serve", users] => match users.parse() {
            Ok(users) => serve(users).await,
            Err(e) => Err(format!("{users}: {e}")),
        },
        ["--export", url, users] => match users.parse() {
            Ok(users) => export_once(url, users).await,
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
        sink.write_all(user.json().as_bytes()).map_err(|e| e.to_string())?;
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
    for concurrency in [1, 8, 12, 16] {
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

/// For each size: a fake in one child process, an export in another; prints their memory.
fn memory() -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    println!("\nexport memory (the export in its own process, the fake in another):");
    println!("{:>9} {:>14}", "users", "export's peak");
    let mut results = Vec::new();
    for users in [10_000, 100_000] {
        let mut server = Command::new(&exe)
            .args(["--serve", &users.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut url = String::new();
        let stdout = server.stdout.take().ok_or("no stdout from the fake")?;
        BufReader::new(stdout).read_line(&mut url).map_err(|e| e.to_string())?;
        let output = Command::new(&exe).args(["--export", url.trim(), &users.to_string()]).output();
        // Closing its stdin stops the fake.
        drop(server.stdin.take());
        let _ = server.wait();
        let output = output.map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        let line = String::from_utf8_lossy(&output.stdout).into_owned();
        let peak_kib: f64 =
            line.trim().parse().map_err(|_| format!("unexpected output: {line}"))?;
        println!("{users:>9} {:>10.1} MiB", peak_kib / 1024.0);
        results.push(peak_kib);
    }
    if let [small, large] = results[..] {
        println!(
            "the export's peak at 100,000 users is {:.2}x that at 10,000 (10x the users)",
            large / small
        );
    }
    Ok(())
}

/// Runs a fake with `users` users, prints its URL, and serves until stdin closes.
async fn serve(users: usize) -> Result<(), String> {
    let fake = FakeClerk::start().await;
    fake.seed_users(users);
    println!("{}", fake.url());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    // Blocks this task's thread, which is fine: the server runs on the runtime's other threads.
    tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// One export of the `users` users of the fake at `url`; prints this process's peak memory (KiB).
async fn export_once(url: &str, users: usize) -> Result<(), String> {
    let client = Client::builder(clerk_users_fake::DEFAULT_SECRET_KEY)
        .base_url(url)
        .build()
        .map_err(|e| e.to_string())?;
    let (count, _) = export(&client, 8).await?;
    if count != users as u64 {
        return Err(format!("exported {count} users, expected {users}"));
    }
    println!("{}", memory_kib("VmHWM:"));
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
