//! Benchmark: walk every user of a large list served from a local server.
//!
//! ```text
//! cargo run --release --example bench_pagination              # 10,000 and 100,000 users
//! cargo run --release --example bench_pagination -- 250000    # other sizes
//! ```
//!
//! Each size runs in its own process, so each peak-memory figure (the process's high-water mark,
//! `VmHWM`) is that walk's alone. The server makes users on the fly from their position, so its
//! memory does not grow with the list: growth between sizes would be the client's.

use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clerk_users::Client;
use clerk_users::prelude::*;
use futures::TryStreamExt;
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{Value, json};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, users] = args.as_slice()
        && flag == "--walk"
    {
        return match users.parse() {
            Ok(users) => walk(users),
            Err(_) => usage(),
        };
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

/// Runs one child process per size and prints the results side by side.
fn compare(sizes: &[u64]) -> ExitCode {
    let Ok(exe) = std::env::current_exe() else {
        return ExitCode::FAILURE;
    };
    println!("{:>9} {:>9} {:>12} {:>14}", "users", "requests", "users/s", "peak memory");
    let mut peaks = Vec::new();
    for size in sizes {
        let output = match Command::new(&exe).args(["--walk", &size.to_string()]).output() {
            Ok(output) if output.status.success() => output,
            Ok(output) => {
                eprintln!("walk of {size} failed: {}", String::from_utf8_lossy(&output.stderr));
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("cannot run {}: {e}", exe.display());
                return ExitCode::FAILURE;
            }
        };
        let line = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<f64> = line.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [users, requests, per_second, peak_kib] = fields[..] else {
            eprintln!("unexpected output: {line}");
            return ExitCode::FAILURE;
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

/// Walks `users` users and prints: users, requests, users per second, peak memory in KiB.
fn walk(users: u64) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let requests = Arc::new(AtomicU64::new(0));
        let server = serve(users, Arc::clone(&requests)).await;
        let client = match Client::builder("sk_test_bench").base_url(server.url("/v1")).build() {
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
        let requests = requests.load(Ordering::Relaxed);
        println!("{walked} {requests} {:.0} {}", walked as f64 / seconds, peak_memory_kib());
        ExitCode::SUCCESS
    })
}

/// A server with `count` users, newest first, made on the fly from their position.
async fn serve(count: u64, requests: Arc<AtomicU64>) -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET).path("/v1/users");
            then.respond_with(move |request| {
                requests.fetch_add(1, Ordering::Relaxed);
                page(request, count)
            });
        })
        .await;
    server
}

/// The page a request asks for; user `i` (1 = oldest) has id `user_{i:09}`.
fn page(request: &HttpMockRequest, count: u64) -> HttpMockResponse {
    let query = request.uri().query().unwrap_or("").to_owned();
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
    };
    let limit: u64 = param("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    let first = match param("starting_after")
        .and_then(|id| id.strip_prefix("user_")?.parse::<u64>().ok())
    {
        Some(after) => after.saturating_sub(1),
        None => count,
    };
    let users: Vec<Value> = (1..=first).rev().take(limit as usize).map(user).collect();
    HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Value::Array(users).to_string())
        .build()
}

/// A realistic user: one verified email, metadata, and every required field.
fn user(i: u64) -> Value {
    let created_at = 1_600_000_000_000 + i as i64 * 1000;
    json!({
        "id": format!("user_{i:09}"), "object": "user", "external_id": format!("crm-{i}"),
        "primary_email_address_id": format!("idn_{i:09}"), "primary_phone_number_id": null,
        "primary_web3_wallet_id": null, "username": null, "first_name": "Bench", "last_name": format!("User {i}"),
        "image_url": "https://img.clerk.com/default", "has_image": false,
        "public_metadata": {"plan": "pro", "seats": 3}, "private_metadata": {}, "unsafe_metadata": {},
        "email_addresses": [{"id": format!("idn_{i:09}"), "object": "email_address",
            "email_address": format!("user{i}@example.com"), "reserved": false,
            "verification": {"object": "verification_otp", "status": "verified", "strategy": "email_code",
                "attempts": 1, "expire_at": created_at + 600_000},
            "linked_to": [], "created_at": created_at, "updated_at": created_at}],
        "phone_numbers": [], "web3_wallets": [], "passkeys": [], "password_enabled": true,
        "two_factor_enabled": false, "totp_enabled": false, "backup_code_enabled": false,
        "mfa_enabled_at": null, "mfa_disabled_at": null, "external_accounts": [], "saml_accounts": [],
        "enterprise_accounts": [], "last_sign_in_at": created_at, "banned": false, "locked": false,
        "lockout_expires_in_seconds": null, "verification_attempts_remaining": 100,
        "updated_at": created_at, "created_at": created_at, "delete_self_enabled": true,
        "create_organization_enabled": true, "last_active_at": created_at, "legal_accepted_at": null
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
