//! Benchmark: walk every user of a large list served by a fake Clerk.
//!
//! ```text
//! cargo run -p clerk-users-fake --release --example bench_pagination              # 10,000 and 100,000 users
//! cargo run -p clerk-users-fake --release --example bench_pagination -- 250000    # other sizes
//! ```
//!
//! For each size the fake (`clerk_users_fake::FakeClerk`, seeded with that many users) runs in a
//! process of its own and the walk in another, so each peak-memory figure (the walk process's
//! high-water mark, `VmHWM`) is the client's alone: growth between sizes would be the client's.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use clerk_users::Client;
use clerk_users::prelude::*;
use clerk_users_fake::FakeClerk;
use futures::TryStreamExt;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--serve", users] => return users.parse().map_or_else(|_| usage(), serve),
        ["--walk", url, users] => return users.parse().map_or_else(|_| usage(), |n| walk(url, n)),
        _ => {}
    }
    let sizes: Vec<u64> = match args.iter().map(|a| a.parse()).collect::<Result<_, _>>() {
        Ok(sizes) if !args.is_empty() => sizes,
        Ok(_) => vec![10_000, 100_000],
        Err(_) => return usage(),
    };
    compare(&sizes)
}

fn usage() -> ExitCode {
    eprintln!("usage: bench_pagination [USERS...]");
    ExitCode::FAILURE
}

/// Runs a fake and a walk per size, each in a child process, and prints the results side by
/// side.
fn compare(sizes: &[u64]) -> ExitCode {
    println!("{:>9} {:>9} {:>12} {:>14}", "users", "requests", "users/s", "peak memory");
    let mut peaks = Vec::new();
    for &size in sizes {
        let (users, requests, per_second, peak_kib) = match measure(size) {
            Ok(fields) => fields,
            Err(error) => {
                eprintln!("walk of {size}: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!("{users:>9} {requests:>9} {per_second:>12.0} {:>11.1} MiB", peak_kib / 1024.0);
        peaks.push((users, peak_kib));
    }
    if let (Some((small_users, small)), Some((large_users, large))) = (peaks.first(), peaks.last())
    {
        println!(
            "\npeak memory at {large_users} users is {:.2}x that at {small_users} users ({:.0}x the users)",
            large / small,
            large_users / small_users
        );
    }
    ExitCode::SUCCESS
}

/// One size: users walked, requests the fake received, users per second, the walk's peak KiB.
fn measure(size: u64) -> Result<(f64, f64, f64, f64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut server = Command::new(&exe)
        .args(["--serve", &size.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let mut lines = BufReader::new(server.stdout.take().ok_or("no stdout from the fake")?).lines();
    let url = lines.next().ok_or("the fake printed nothing")?.map_err(|e| e.to_string())?;
    let output = Command::new(&exe).args(["--walk", &url, &size.to_string()]).output();
    // Closing its stdin stops the fake, which then prints how many requests it received.
    drop(server.stdin.take());
    let requests = lines.next().ok_or("the fake printed no count")?.map_err(|e| e.to_string())?;
    let _ = server.wait();
    let output = output.map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<f64> = line.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let [users, per_second, peak_kib] = fields[..] else {
        return Err(format!("unexpected output: {line}"));
    };
    let requests: f64 = requests.trim().parse().map_err(|_| format!("bad count: {requests}"))?;
    Ok((users, requests, per_second, peak_kib))
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("cannot start tokio: {e}");
        ExitCode::FAILURE
    })
}

/// Runs a fake with `users` users, prints its URL, serves until stdin closes, then prints how
/// many requests it received.
fn serve(users: usize) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let fake = FakeClerk::start().await;
        fake.seed_users(users);
        println!("{}", fake.url());
        let _ = std::io::stdout().flush();
        // Blocks this task's thread, which is fine: the server runs on the runtime's others.
        let _ =
            tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
        println!("{}", fake.requests().len());
        ExitCode::SUCCESS
    })
}

/// Walks the `users` users of the fake at `url` and prints: users, users per second, peak
/// memory in KiB.
fn walk(url: &str, users: u64) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let client =
            match Client::builder(clerk_users_fake::DEFAULT_SECRET_KEY).base_url(url).build() {
                Ok(client) => client,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            };
        let started = Instant::now();
        let mut stream = client.get_user_list().paginate().items();
        let mut walked = 0u64;
        loop {
            match stream.try_next().await {
                Ok(Some(_user)) => walked += 1,
                Ok(None) => break,
                Err(e) => {
                    eprintln!("walk failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        if walked != users {
            eprintln!("walked {walked} users, expected {users}");
            return ExitCode::FAILURE;
        }
        println!("{walked} {:.0} {}", walked as f64 / seconds, peak_memory_kib());
        ExitCode::SUCCESS
    })
}

/// The process's peak resident memory in KiB (`VmHWM`), or 0 where /proc is not available.
fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
