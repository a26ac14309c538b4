//! Benchmark of the `clerk-users` command line against a fake Clerk with production-like latency
//! and rate limit.
//!
//! ```text
//! cargo build --release -p clerk-users-cli          # the binary the benchmark runs
//! cargo run --release -p clerk-users-cli --example bench_cli                  # every part
//! cargo run --release -p clerk-users-cli --example bench_cli -- export        # 10k and 100k
//! cargo run --release -p clerk-users-cli --example bench_cli -- export 1000000
//! cargo run --release -p clerk-users-cli --example bench_cli -- import 1000 10000
//! ```
//!
//! Every run gets a fresh fake (its rate-limit windows start with the run) with 100 ms of
//! latency per request and Clerk's production limit enforced (1000 requests per 10 s, 429 with
//! `Retry-After` beyond), and a production key, so the binary paces itself at the production
//! limit. The binary runs in a child process whose peak resident memory (`VmHWM`, polled from
//! `/proc/<pid>/status`) is its own: the fake runs in this process. Times are wall times of the
//! whole command: process start, the count, the latency probe, the work, the file's sync.
//!
//! Export part (bound: 1000 requests / 10 s × 500 users a page = 50,000 users a second), side by
//! side from one run for each number of users:
//!
//! - `clerk-users export` with its defaults (the concurrency it chooses from the rate limit and
//!   the latency it measures), to a JSON lines file;
//! - the same to stdout (`--out -`, to a pipe): no file, no sync;
//! - `clerk-users export --concurrency 1`: the sequential cursor walk;
//! - one page at a time by `offset`, Clerk's own CLI's strategy, written here with the library's
//!   plain `get_user_list` (each page parsed, as a JavaScript client would).
//!
//! The last two take minutes at a million users and are left out above 100,000.
//!
//! Import part (bound: 100 creates a second, plus one look-up request per 100 users): our export
//! of that many users imported into an empty fake with the defaults, and at the smallest size
//! (up to 1,000 users: it takes 100 s there) with `--concurrency 1` too, one create after the
//! other (a script's way).
//!
//! `BENCH_VERBOSE=1` shows what the default runs say on stderr (the concurrency chosen and why).

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
    let result = match args.split_first() {
        None => match export_part(&[10_000, 100_000]).await {
            Ok(()) => import_part(&[1_000, 10_000]).await,
            Err(error) => Err(error),
        },
        Some((part, sizes)) => match (part.as_str(), sizes_of(sizes)) {
            (_, Err(error)) => Err(error),
            ("export", Ok(sizes)) => {
                export_part(sizes.as_deref().unwrap_or(&[10_000, 100_000])).await
            }
            ("import", Ok(sizes)) => {
                import_part(sizes.as_deref().unwrap_or(&[1_000, 10_000])).await
            }
            _ => Err("usage: bench_cli [export|import [USERS...]]".to_owned()),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The numbers of users given, `None` for none.
fn sizes_of(words: &[String]) -> Result<Option<Vec<usize>>, String> {
    if words.is_empty() {
        return Ok(None);
    }
    let sizes = words.iter().map(|w| w.parse().map_err(|_| format!("not a number of users: {w}")));
    sizes.collect::<Result<Vec<usize>, String>>().map(Some)
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
        .request_log(1_000_000)
        .start()
        .await;
    fake.seed_users(users);
    fake
}

/// One row of a table.
struct Row {
    users: usize,
    job: String,
    seconds: f64,
    /// The seconds the job takes at the bound.
    bound_seconds: f64,
    requests: Option<usize>,
    peak_kib: Option<u64>,
}

impl Row {
    /// The row of a run of the binary against `fake`: its time, memory and the requests the fake
    /// received.
    fn of_run(
        users: usize,
        job: String,
        run: &Measured,
        bound_seconds: f64,
        fake: &FakeClerk,
    ) -> Row {
        let requests = Some(fake.requests().len());
        Row {
            users,
            job,
            seconds: run.seconds,
            bound_seconds,
            requests,
            peak_kib: Some(run.peak_kib),
        }
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "{:>8}  {:<50} {:>8} {:>9} {:>9} {:>9} {:>10}",
        "users", "job", "seconds", "users/s", "of bound", "requests", "peak RSS"
    );
    for row in rows {
        let peak =
            row.peak_kib.map_or(String::new(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
        let requests = row.requests.map_or(String::new(), |n| n.to_string());
        println!(
            "{:>8}  {:<50} {:>8.2} {:>9.0} {:>8.0}% {:>9} {:>10}",
            row.users,
            row.job,
            row.seconds,
            row.users as f64 / row.seconds,
            row.bound_seconds / row.seconds * 100.0,
            requests,
            peak
        );
    }
    println!();
}

/// The concurrency a default run chose, from its `concurrency: N requests in flight …` line.
fn chosen(said: &str) -> String {
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        eprint!("{said}");
    }
    said.lines()
        .find_map(|line| line.strip_prefix("concurrency: "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("?")
        .to_owned()
}

async fn export_part(sizes: &[usize]) -> Result<(), String> {
    let binary = binary()?;
    println!(
        "export: fake with {} ms latency per request and 1000 requests / 10 s enforced; bound {} \
         users/s\n",
        LATENCY.as_millis(),
        BOUND
    );
    let mut rows = Vec::new();
    for &users in sizes {
        let bound_seconds = users as f64 / BOUND;
        let mut runs: Vec<(&[&str], &str)> = vec![
            (&[], "clerk-users export"),
            (&["--out", "-"], "clerk-users export --out - (no file, no sync)"),
        ];
        if users <= 100_000 {
            runs.push((&["--concurrency", "1"], "clerk-users export --concurrency 1"));
        }
        for (extra, job) in runs {
            let fake = start_fake(users).await;
            let run = run_export(&binary, &fake, users, extra).await?;
            let job = match extra.is_empty() {
                true => format!("{job} (defaults: {} in flight)", chosen(&run.stderr)),
                false => job.to_owned(),
            };
            rows.push(Row::of_run(users, job, &run, bound_seconds, &fake));
        }
        if users <= 100_000 {
            let fake = start_fake(users).await;
            let seconds = one_page_at_a_time(&fake, users).await?;
            let (job, requests) =
                ("one offset page at a time".to_owned(), Some(fake.requests().len()));
            rows.push(Row { users, job, seconds, bound_seconds, requests, peak_kib: None });
        }
    }
    print_table(&rows);
    Ok(())
}

/// What a run of the binary took, and said.
struct Measured {
    seconds: f64,
    /// The child's peak resident memory, KiB.
    peak_kib: u64,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs `command` to its end, polling its peak resident memory; fails if it fails.
async fn measure(mut command: Command) -> Result<Measured, String> {
    let started = Instant::now();
    let child =
        command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    // VmHWM only grows; the last reading is the peak up to a few milliseconds before the end.
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
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("{command:?} failed: {stderr}"));
    }
    Ok(Measured { seconds, peak_kib: peak.load(Ordering::Relaxed), stdout: output.stdout, stderr })
}

/// The binary pointed at `fake`.
fn command_for(binary: &Path, fake: &FakeClerk) -> Command {
    let mut command = Command::new(binary);
    command.env("CLERK_SECRET_KEY", fake.secret_key()).env("CLERK_API_URL", fake.url());
    command
}

/// Runs `clerk-users export` with `extra` arguments against `fake` into a temporary file;
/// checks it holds `users` lines.
async fn run_export(
    binary: &Path,
    fake: &FakeClerk,
    users: usize,
    extra: &[&str],
) -> Result<Measured, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = dir.path().join("users.jsonl");
    let to_stdout = extra.contains(&"--out");
    let mut command = command_for(binary, fake);
    command.arg("export");
    if !to_stdout {
        command.arg("--out").arg(&out);
    }
    command.args(extra);
    let run = measure(command).await?;
    let lines = if to_stdout {
        run.stdout.iter().filter(|b| **b == b'\n').count()
    } else {
        let file = std::fs::File::open(&out).map_err(|e| e.to_string())?;
        std::io::BufRead::lines(std::io::BufReader::new(file)).count()
    };
    if lines != users {
        return Err(format!("exported {lines} users, expected {users}"));
    }
    Ok(run)
}

async fn import_part(sizes: &[usize]) -> Result<(), String> {
    let binary = binary()?;
    println!(
        "import: fake with {} ms latency per request and 1000 requests / 10 s enforced; bound 100 \
         creates/s plus a look-up request per 100 users\n",
        LATENCY.as_millis()
    );
    let smallest = sizes.iter().copied().min().unwrap_or_default();
    let mut rows = Vec::new();
    for &users in sizes {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let file = dir.path().join("users.jsonl");
        export_file(&binary, users, &file).await?;
        let bound_seconds = (users + users.div_ceil(100)) as f64 / 100.0;
        let mut runs: Vec<(&[&str], &str)> = vec![(&[], "clerk-users import")];
        if users == smallest && users <= 1_000 {
            runs.push((&["--concurrency", "1"], "clerk-users import --concurrency 1"));
        }
        for (extra, job) in runs {
            // Each run starts afresh: no log of an earlier run.
            for suffix in [".import-log.jsonl", ".failures.jsonl"] {
                let _ = std::fs::remove_file(dir.path().join(format!("users.jsonl{suffix}")));
            }
            let fake = start_fake(0).await;
            let mut command = command_for(&binary, &fake);
            command.arg("import").arg(&file).args(extra);
            let run = measure(command).await?;
            if fake.user_count() != users {
                return Err(format!("imported {} users, expected {users}", fake.user_count()));
            }
            let job = match extra.is_empty() {
                true => format!("{job} (defaults: {})", created_in_flight(&run.stderr)),
                false => job.to_owned(),
            };
            rows.push(Row::of_run(users, job, &run, bound_seconds, &fake));
        }
    }
    print_table(&rows);
    Ok(())
}

/// How many creates a default import kept in flight, from its progress message, else `?`.
fn created_in_flight(said: &str) -> String {
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        eprint!("{said}");
    }
    said.lines()
        .find_map(|line| line.strip_prefix("import: creating "))
        .and_then(|rest| rest.split(", ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .map_or_else(|| "?".to_owned(), |n| format!("{n} in flight"))
}

/// Our export of `users` seeded users, written to `file` by the binary from a fake without
/// latency or limit (the import's input).
async fn export_file(binary: &Path, users: usize, file: &Path) -> Result<(), String> {
    let fake = FakeClerk::builder().secret_key(KEY).start().await;
    fake.seed_users(users);
    let mut command = command_for(binary, &fake);
    command.args(["export", "--quiet", "--out"]).arg(file);
    measure(command).await.map(drop)
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
