//! The import half of the benchmark: `clerk-users import` of 10,000 users into a fake Clerk with
//! 100 ms latency and Clerk's production limit enforced (1,000 requests per 10 s, 429 beyond),
//! with the default concurrency; prints the throughput as a fraction of the create bound.
//!
//! ```text
//! cargo build --release -p clerk-users-cli
//! cargo run --release -p clerk-users-cli --example bench_import -- 10000
//! ```
//!
//! The bound: every request counts against the limit, creates and the look-ups before them
//! (one per 100 users), so 10,000 users take at least 10,100 requests / 100 per second =
//! 101 s; the create bound alone (100 creates/s) is 100 s.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clerk_users_fake::FakeClerk;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users: usize = std::env::args().nth(1).map(|n| n.parse()).transpose()?.unwrap_or(10_000);
    // `target/<profile>/examples/bench_import` -> `target/<profile>/clerk-users`.
    let exe = std::env::current_exe()?;
    let binary: PathBuf = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|profile| profile.join("clerk-users"))
        .ok_or("no target directory")?;
    if !binary.exists() {
        return Err(format!(
            "{} is missing: cargo build -p clerk-users-cli first",
            binary.display()
        )
        .into());
    }

    // A production key, so the binary paces at the production limit; the fake enforces it.
    let fake = FakeClerk::builder()
        .secret_key("sk_live_bench")
        .latency(Duration::from_millis(100))
        .rate_limit(1000, Duration::from_secs(10))
        .request_log(200_000)
        .start()
        .await;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("users.jsonl");
    let lines: String = (0..users)
        .map(|i| {
            let user = serde_json::json!({
                "object": "user",
                "id": format!("user_bench{i:06}"),
                "first_name": "Bench",
                "last_name": format!("User {i}"),
                "primary_email_address_id": "idn_1",
                "email_addresses": [{"id": "idn_1", "email_address": format!("bench{i}@example.com"),
                    "verification": {"status": "verified"}}],
                "public_metadata": {"i": i},
                "created_at": 1_600_000_000_000_i64 + i as i64,
            });
            format!("{user}\n")
        })
        .collect();
    std::fs::write(&file, lines)?;

    let started = Instant::now();
    let mut command = Command::new(&binary);
    command
        .args(["import", "--quiet"])
        .arg(&file)
        .env("CLERK_SECRET_KEY", fake.secret_key())
        .env("CLERK_API_URL", fake.url());
    let status = tokio::task::spawn_blocking(move || command.status()).await??;
    let elapsed = started.elapsed().as_secs_f64();

    let requests = fake.requests();
    let rejected = requests.iter().filter(|r| r.status == Some(429)).count();
    let creates = requests.iter().filter(|r| r.method == "POST" && r.status == Some(200)).count();
    let all_bound = requests.len() as f64 / 100.0;
    let create_bound = users as f64 / 100.0;
    println!("import of {users} users, 100 ms latency, 1000 requests / 10 s enforced: {status}");
    println!(
        "  {elapsed:.1} s, {:.1} creates/s; {creates} created, {} users in the fake; {} requests, {rejected} answered 429",
        creates as f64 / elapsed,
        fake.user_count(),
        requests.len()
    );
    println!(
        "  {:.1}% of the create bound ({create_bound:.0} s at 100 creates/s), {:.1}% of the request bound ({all_bound:.0} s for every request sent)",
        100.0 * create_bound / elapsed,
        100.0 * all_bound / elapsed
    );
    Ok(())
}
