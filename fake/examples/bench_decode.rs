//! Benchmark: the cost of decoding a page of 500 users into this crate's types.
//!
//! ```text
//! cargo run -p clerk-users-fake --release --example bench_decode
//! ```
//!
//! Decodes the same 500-user page (realistic users built with `clerk_users_fake::UserJson`: an
//! email with its verification, a phone number, an OAuth account, metadata) several ways, interleaved over several rounds so the machine's state
//! affects each equally, and prints the median time of each:
//!
//! - `Vec<types::User>`: the real thing, open enums, discriminated unions and all;
//! - `Vec<RawUser>`: what the raw export reads: each user's JSON text, its `id` and `created_at`;
//! - `Vec<IdOnly>`: a struct with only `id`, which still has to scan every byte (the floor);
//! - `serde_json::Value`: a generic tree, for scale.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clerk_users::pagination::RawUser;
use clerk_users::types;
use clerk_users_fake::UserJson;
use serde::Deserialize;
use serde_json::{Value, json};

/// The floor: every byte is parsed, one field kept.
#[derive(Deserialize)]
struct IdOnly {
    #[allow(dead_code)] // Read only to be decoded.
    id: String,
}

const ROUNDS: usize = 15;
const DECODES_PER_ROUND: usize = 20;

fn main() {
    let page = page(500);
    let bytes = serde_json::to_vec(&page).unwrap_or_default();
    // Check once that the page is what it claims to be.
    match serde_json::from_slice::<Vec<types::User>>(&bytes) {
        Ok(users) if users.len() == 500 => {}
        other => {
            eprintln!("the benchmark page does not decode: {:?}", other.map(|u| u.len()));
            std::process::exit(1);
        }
    }

    let (mut typed, mut floor, mut value, mut raw) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        raw.push(time(|| {
            black_box(serde_json::from_slice::<Vec<RawUser>>(&bytes).map(|u| u.len()))
        }));
        typed.push(time(|| {
            black_box(serde_json::from_slice::<Vec<types::User>>(&bytes).map(|u| u.len()))
        }));
        floor.push(time(|| {
            black_box(serde_json::from_slice::<Vec<IdOnly>>(&bytes).map(|u| u.len()))
        }));
        value.push(time(|| {
            black_box(serde_json::from_slice::<Value>(&bytes).map(|v| v.is_array()))
        }));
    }
    let (typed, floor, value, raw) = (median(typed), median(floor), median(value), median(raw));
    println!(
        "page: 500 users, {} KiB of JSON; median of {ROUNDS} rounds of {DECODES_PER_ROUND} decodes",
        bytes.len() / 1024
    );
    println!("{:<22} {:>10} {:>14}", "decoded into", "per page", "vs IdOnly");
    let rows = [
        ("Vec<types::User>", typed),
        ("Vec<RawUser>", raw),
        ("Vec<IdOnly> (floor)", floor),
        ("serde_json::Value", value),
    ];
    for (name, took) in rows {
        println!(
            "{name:<22} {:>8.2} ms {:>13.2}x",
            took.as_secs_f64() * 1e3,
            took.as_secs_f64() / floor.as_secs_f64()
        );
    }
}

/// The time of one decode, averaged over a batch.
fn time<T>(mut decode: impl FnMut() -> T) -> Duration {
    let started = Instant::now();
    for _ in 0..DECODES_PER_ROUND {
        black_box(decode());
    }
    started.elapsed() / DECODES_PER_ROUND as u32
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A page of realistic users.
fn page(count: u64) -> Value {
    Value::Array((1..=count).map(user).collect())
}

fn user(i: u64) -> Value {
    let at = 1_700_000_000_000 + i as i64 * 1000;
    UserJson::new(format!("user_2lmzq{i:022}"), at)
        .email(format!("ada{i}@example.com"))
        .phone("+15555550123")
        .name("Ada", "Lovelace")
        .username(format!("user{i}"))
        .external_id(format!("crm-{i}"))
        .locale("en-GB")
        .public_metadata(json!({"plan": "pro", "seats": {"max": 25, "used": 3}}))
        .private_metadata(json!({"crm": {"id": i}}))
        .password()
        .signed_in_at(at)
        .oauth_account("oauth_google", format!("1089{i:017}"))
        .to_value()
}
