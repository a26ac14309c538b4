//! Benchmark: the cost of decoding a page of 500 users into this crate's types.
//!
//! ```text
//! cargo run --release --example bench_decode
//! ```
//!
//! Decodes the same 500-user page (realistic users: emails with verifications, a phone number,
//! an OAuth account, metadata) three ways, interleaved over several rounds so the machine's state
//! affects each equally, and prints the median time of each:
//!
//! - `Vec<types::User>`: the real thing, open enums, discriminated unions and all;
//! - `Vec<RawUser>`: what the raw export reads: each user's JSON text, its `id` and `created_at`;
//! - `Vec<IdOnly>`: a struct with only `id`, which still has to scan every byte (the floor);
//! - `serde_json::Value`: a generic tree, for scale.

// The json! literal of a user is deep.
#![recursion_limit = "256"]

use std::hint::black_box;
use std::time::{Duration, Instant};

use clerk_users::pagination::RawUser;
use clerk_users::types;
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
    json!({
        "id": format!("user_2lmzq{i:022}"), "object": "user", "external_id": format!("crm-{i}"),
        "primary_email_address_id": format!("idn_e{i:021}"), "primary_phone_number_id": format!("idn_p{i:021}"),
        "primary_web3_wallet_id": null, "username": format!("user{i}"), "first_name": "Ada", "last_name": "Lovelace",
        "locale": "en-GB", "profile_image_url": "https://images.clerk.dev/default.png",
        "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9", "has_image": false,
        "public_metadata": {"plan": "pro", "seats": {"max": 25, "used": 3}}, "private_metadata": {"crm": {"id": i}},
        "unsafe_metadata": {},
        "email_addresses": [{"id": format!("idn_e{i:021}"), "object": "email_address", "email_address": format!("ada{i}@example.com"),
            "reserved": false, "verification": {"object": "verification_otp", "status": "verified", "strategy": "email_code",
            "attempts": 1, "expire_at": at + 600_000, "verified_at_client": null},
            "linked_to": [{"type": "oauth_google", "id": format!("idn_g{i:021}")}], "matches_sso_connection": false,
            "created_at": at, "updated_at": at}],
        "phone_numbers": [{"id": format!("idn_p{i:021}"), "object": "phone_number", "phone_number": "+15555550123",
            "reserved_for_second_factor": false, "default_second_factor": false, "reserved": false,
            "verification": {"object": "verification_otp", "status": "verified", "strategy": "phone_code",
            "attempts": 1, "expire_at": at + 600_000, "channel": "sms", "verified_at_client": null},
            "linked_to": [], "backup_codes": null, "created_at": at, "updated_at": at}],
        "web3_wallets": [], "passkeys": [], "password_enabled": true, "two_factor_enabled": false,
        "totp_enabled": false, "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
        "password_last_updated_at": at,
        "external_accounts": [{"object": "google_account", "id": format!("eac_{i:024}"), "provider": "oauth_google",
            "identification_id": format!("idn_g{i:021}"), "provider_user_id": format!("1089{i:017}"),
            "approved_scopes": "email profile openid", "email_address": format!("ada{i}@example.com"),
            "email_address_verified": true, "first_name": "Ada", "last_name": "Lovelace",
            "avatar_url": "https://lh3.googleusercontent.com/a/ada", "image_url": "https://img.clerk.com/google",
            "username": null, "phone_number": null, "public_metadata": {}, "label": null,
            "created_at": at, "updated_at": at,
            "verification": {"object": "verification_oauth", "status": "verified", "strategy": "oauth_google",
                "expire_at": at + 600_000, "attempts": null, "error": null, "verified_at_client": null}}],
        "saml_accounts": [], "enterprise_accounts": [], "organization_memberships": [],
        "last_sign_in_at": at, "banned": false, "locked": false, "deprovisioned": false,
        "lockout_expires_in_seconds": null, "verification_attempts_remaining": 100,
        "updated_at": at, "created_at": at, "delete_self_enabled": true, "create_organization_enabled": true,
        "create_organizations_limit": null, "last_active_at": at, "legal_accepted_at": null,
        "bypass_client_trust": false, "scim": null
    })
}
