//! Benchmark of the `clerk-users` command line against a fake Clerk with production-like latency
//! and rate limit.
//!
//! ```text
//! cargo build --release -p clerk-users-cli          # the binary the benchmark runs
//! cargo run --release -p clerk-users-cli --example bench_cli            # every part
//! cargo run --release -p clerk-users-cli --example bench_cli -- export  # the export part
//! ```
//!
//! Every run gets a fresh fake (its rate-limit windows start with the run) with 100 ms of
//! latency per request and Clerk's production limit enforced (1000 requests per 10 s, 429 with
//! `Retry-After` beyond), and a production key, so the binary paces itself at the production
//! limit. The bound of a read is 1000 requests / 10 s × 500 users a page = 50,000 users a second.
//!
//! Export part, at 10,000 and 100,000 users, side by side from one run:
//!
//! - `clerk-users export` with its defaults (the concurrency it chooses from the rate limit and
//!   the latency it measures), to a JSON lines file, in a child process whose peak resident
//!   memory (`VmHWM`, polled from `/proc/<pid>/status`) is the export's alone: the fake runs in
//!   this process;
//! - the same to stdout (`--out -`, to a pipe): no file, so no sync of hundreds of MB at the
//!   end, which on a slow disk is a good part of the time;
//! - `clerk-users export --concurrency 1`: the sequential cursor walk;
//! - one page at a time by `offset`, Clerk's own CLI's strategy, written here with the library's
//!   plain `get_user_list` (each page parsed, as a JavaScript client would).
//!
//! `BENCH_VERBOSE=1` shows what the default runs say on stderr (the concurrency chosen and why).
//!
//! The times are wall times of the whole export: process start, the count, the latency probe,
//! the walk, and the file's sync and rename.
//!
//! Parts are functions of their own ([`export_part`]); another part (the import) adds its own
//! function and a name in [`main`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clerk_users::{Client, RateLimit};
use clerk_users_fake::FakeClerk;

/// The fake's latency per request.
const LATENCY: Duration = Duration::from_millis(100);
/// A production key: the binary paces at the production limit.
const KEY: &str = "sk_live_bench";
/// Users a page, and the bound of a read at the production limit (users a second).
const PAGE: u64 = 500;
const BOUND: f64 = 1000.0 / 10.0 * PAGE as f64;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parts: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match parts.as_slice() {
        [] | ["export"] => export_part().await,
        _ => Err("usage: bench_cli [export]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The `clerk-users` binary built beside this example (`target/release/clerk-users`).
fn binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().and_then(Path::parent).ok_or("no directory for the binary")?;
    let binary = dir.join(format!("clerk-users{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        return Err(format!(
            "{} not found: build it first with `cargo build --release -p clerk-users-cli`",
            binary.display()
        ));
    }
    Ok(binary)
}

/// A fresh fake with the latency and the limit, seeded with `users` users.
async fn start_fake(users: usize) -> FakeClerk {
    let fake = FakeClerk::builder()
        .secret_key(KEY)
        .latency(LATENCY)
        .rate_limit(1000, Duration::from_secs(10))
        .request_log(10_000)
        .start()
        .await;
    fake.seed_users(users);
    fake
}

/// One row of the table.
struct Row {
    users: usize,
    walk: String,
    seconds: f64,
    peak_kib: Option<u64>,
}

async fn export_part() -> Result<(), String> {
    let binary = binary()?;
    println!(
        "export: fake with {} ms latency per request and 1000 requests / 10 s enforced; bound {} \
         users/s\n",
        LATENCY.as_millis(),
        BOUND
    );
    let mut rows = Vec::new();
    for users in [10_000, 100_000] {
        let fake = start_fake(users).await;
        let (seconds, peak_kib, said) = run_export(&binary, &fake, users, &[]).await?;
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprint!("{said}");
        }
        let chosen = said
            .lines()
            .find_map(|line| line.strip_prefix("concurrency: "))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_owned();
        rows.push(Row {
            users,
            walk: format!("clerk-users export (default: {chosen} in flight)"),
            seconds,
            peak_kib: Some(peak_kib),
        });
        drop(fake);

        let fake = start_fake(users).await;
        let (seconds, peak_kib, _) = run_export(&binary, &fake, users, &["--out", "-"]).await?;
        rows.push(Row {
            users,
            walk: "clerk-users export --out - (no file, no sync)".into(),
            seconds,
            peak_kib: Some(peak_kib),
        });
        drop(fake);

        let fake = start_fake(users).await;
        let (seconds, peak_kib, _) =
            run_export(&binary, &fake, users, &["--concurrency", "1"]).await?;
        rows.push(Row {
            users,
            walk: "clerk-users export --concurrency 1".into(),
            seconds,
            peak_kib: Some(peak_kib),
        });
        drop(fake);

        let fake = start_fake(users).await;
        let seconds = one_page_at_a_time(&fake, users).await?;
        rows.push(Row { users, walk: "one offset page at a time".into(), seconds, peak_kib: None });
        drop(fake);
        rows.push(Row {
            users,
            walk: "rate-limit bound".into(),
            seconds: users as f64 / BOUND,
            peak_kib: None,
        });
    }
    println!(
        "{:>8}  {:<44} {:>8} {:>9} {:>9} {:>10}",
        "users", "walk", "seconds", "users/s", "of bound", "peak RSS"
    );
    for row in &rows {
        let rate = row.users as f64 / row.seconds;
        let peak =
            row.peak_kib.map_or(String::new(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
        println!(
            "{:>8}  {:<44} {:>8.2} {:>9.0} {:>8.0}% {:>10}",
            row.users,
            row.walk,
            row.seconds,
            rate,
            rate / BOUND * 100.0,
            peak
        );
    }
    Ok(())
}

/// Runs `clerk-users export` with `extra` arguments against `fake` into a temporary file;
/// checks the file holds `users` lines. Returns the wall time, the child's peak resident memory
/// (KiB) and what it said on stderr.
async fn run_export(
    binary: &Path,
    fake: &FakeClerk,
    users: usize,
    extra: &[&str],
) -> Result<(f64, u64, String), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = dir.path().join("users.jsonl");
    let to_stdout = extra.contains(&"--out");
    let mut command = Command::new(binary);
    command.arg("export");
    if !to_stdout {
        command.arg("--out").arg(&out);
    }
    command
        .args(extra)
        .env("CLERK_SECRET_KEY", fake.secret_key())
        .env("CLERK_API_URL", fake.url())
        .stdout(if to_stdout { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::piped());
    let started = Instant::now();
    let child = command.spawn().map_err(|e| e.to_string())?;
    // The peak, polled while the child runs (VmHWM only grows; the last reading is the peak up
    // to a few milliseconds before the end).
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let poller = {
        let (peak, done, pid) = (Arc::clone(&peak), Arc::clone(&done), child.id());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(kib) = vm_hwm_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = poller.join();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("clerk-users export {extra:?} failed: {said}"));
    }
    let lines = if to_stdout {
        output.stdout.iter().filter(|b| **b == b'\n').count()
    } else {
        let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
        text.lines().count()
    };
    if lines != users {
        return Err(format!("exported {lines} users, expected {users}"));
    }
    Ok((seconds, peak.load(Ordering::Relaxed), said))
}

/// `VmHWM` of a process, in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// Clerk's own CLI's strategy: one `offset` page of 500 after the other, each parsed and
/// written (to a sink), with the client paced at the production limit. Returns the seconds.
async fn one_page_at_a_time(fake: &FakeClerk, users: usize) -> Result<f64, String> {
    let client = Client::builder(fake.secret_key())
        .base_url(fake.url())
        .rate_limit(RateLimit::production_instance())
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut sink = std::io::sink();
    let mut offset = 0u64;
    loop {
        let page = client
            .get_user_list()
            .limit(PAGE)
            .offset(offset)
            .send_as::<Vec<serde_json::Value>>()
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        for user in &page {
            serde_json::to_writer(&mut sink, user).map_err(|e| e.to_string())?;
            sink.write_all(b"\n").map_err(|e| e.to_string())?;
        }
        offset += page.len() as u64;
        if (page.len() as u64) < PAGE {
            break;
        }
    }
    if offset != users as u64 {
        return Err(format!("one page at a time: {offset} users, expected {users}"));
    }
    Ok(started.elapsed().as_secs_f64())
}
