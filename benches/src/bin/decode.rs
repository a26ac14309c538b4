//! Benchmark: decoding a page of users, organization memberships and OAuth access tokens into
//! this crate's types, side by side with `clerk-rs` 0.5.0's models and a floor, in one process.
//!
//! ```text
//! cargo run --release -p clerk-users-benches --bin decode
//! ```
//!
//! (`benches/` is a workspace member but not a default one: a plain `cargo build` or `cargo test`
//! never compiles it, so never compiles clerk-rs.)
//!
//! Three pages, each built once and decoded many times:
//!
//! - 500 realistic users (the fake's `UserJson`: an email with its verification, a phone number,
//!   an OAuth account, metadata; about 3 KB a user), decoded into `Vec<clerk_rs::models::User>`,
//!   `Vec<clerk_users::types::User>`, `Vec<RawUser>` (what the raw export reads) and the floor, a
//!   struct with only `{id, email_addresses: [{email_address}]}`;
//! - a `/users/{id}/organization_memberships` page of 500 memberships (as the fake renders them),
//!   into clerk-rs's `OrganizationMemberships`, ours, and the floor `{data: [{id, organization:
//!   {id}}]}`;
//! - a `/users/{id}/oauth_access_tokens/{provider}` answer of 500 tokens, into clerk-rs's
//!   `Vec<OAuthAccessTokenInner>`, our `Vec<OAuthAccessTokenItem>`, and the floor
//!   `[{external_account_id, token}]`.
//!
//! Each page is decoded two ways. Without a `*` after its name, every type is decoded by
//! `serde_json::from_slice`: the types compared alone. With a `*`, each client's decoding of a
//! response: clerk-rs's `reqwest` `text()` then `serde_json::from_str` (what its generated
//! functions do), and this crate's [`clerk_users::decode::from_slice`] (the UTF-8 checked once,
//! then `from_str`; what every `send()` and walk does); the floor is decoded the fast way.
//!
//! Each target is first checked to decode its whole page. Then every target is timed once per
//! round (a batch of decodes, averaged), the targets interleaved and their order rotated each
//! round so the machine's state affects each alike; the median round of each is reported, per
//! item, with the ratios to clerk-rs and to the floor, the allocations one decode of the page
//! makes per item, and the most heap it held at once, per item (the decoded page, spare room in
//! its vectors included), both counted by the global allocator in one untimed decode.
//!
//! `decode profile [typed|raw] [SECONDS]` only decodes the users page as the client does, into
//! `Vec<types::User>` (or `Vec<RawUser>`), in a loop, for a profiler (typed, 10 s unless told):
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release -p clerk-users-benches --bin decode
//! perf record target/release/decode profile raw
//! perf report --no-children --stdio
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clerk_users::pagination::RawUser;
use clerk_users::types;
use clerk_users_fake::UserJson;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Rounds of the interleaved targets; the median round is reported.
const ROUNDS: usize = 21;
/// Decodes of one page in one timed batch.
const DECODES_PER_BATCH: u32 = 10;
/// Items on each page: Clerk's largest page.
const PAGE_ITEMS: usize = 500;

/// The users floor: every byte is parsed, only what identifies a user and reaches them is kept.
#[derive(Deserialize)]
struct UserFloor {
    #[allow(dead_code)] // Read only to be decoded.
    id: String,
    #[allow(dead_code)]
    email_addresses: Vec<EmailFloor>,
}

#[derive(Deserialize)]
struct EmailFloor {
    #[allow(dead_code)]
    email_address: String,
}

/// The memberships floor: the page, each membership's id and its organization's id.
#[derive(Deserialize)]
struct MembershipsFloor {
    data: Vec<MembershipFloor>,
}

#[derive(Deserialize)]
struct MembershipFloor {
    #[allow(dead_code)]
    id: String,
    #[allow(dead_code)]
    organization: IdFloor,
}

#[derive(Deserialize)]
struct IdFloor {
    #[allow(dead_code)]
    id: String,
}

/// The OAuth tokens floor: which account, and the token.
#[derive(Deserialize)]
struct TokenFloor {
    #[allow(dead_code)]
    external_account_id: String,
    #[allow(dead_code)]
    token: String,
}

/// The system allocator, counting allocations and the bytes they hold while [`COUNTING`] is on
/// (off while timing, so the timed decodes pay one relaxed load per allocation and nothing else).
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated minus bytes freed while counting, and the most it reached: the heap a decode
/// needs, about what the decoded page holds (its vectors' spare capacity included).
static HELD: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// Adds `bytes` (negative when freed) to [`HELD`] while counting, and raises [`PEAK`].
fn hold(bytes: isize) {
    let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(held, Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` unchanged; counting touches only an atomic.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            hold(size(layout.size()));
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            hold(-size(layout.size()));
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            hold(size(new_size) - size(layout.size()));
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// An allocation's size as a signed count (no allocation exceeds `isize::MAX` bytes).
fn size(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What one decode of a target costs the heap: the allocations (and reallocations) it makes, and
/// the most bytes it held at once.
fn allocations(target: &Target) -> (usize, isize) {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    HELD.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let decoded = (target.decode)(target.bytes);
    COUNTING.store(false, Ordering::Relaxed);
    drop(decoded);
    (ALLOCATIONS.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
}

/// What a target decodes into, by its role in the ratios.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    ClerkRs,
    Ours,
    Floor,
}

/// One thing to time: a page decoded into one type.
struct Target {
    group: &'static str,
    name: &'static str,
    role: Role,
    bytes: &'static [u8],
    /// Decodes the page and says how many items it holds.
    decode: fn(&[u8]) -> Result<usize, serde_json::Error>,
}

fn items<T: DeserializeOwned>(bytes: &[u8]) -> Result<usize, serde_json::Error> {
    serde_json::from_slice::<Vec<T>>(bytes).map(|items| items.len())
}

/// A page decoded about the way clerk-rs 0.5.0 decodes a response: `reqwest::Response::text()`
/// (the body checked as UTF-8 and copied into a `String`), then `serde_json::from_str`. This
/// approximates `text()`, which decodes through `encoding_rs` (for UTF-8, the same check and copy).
fn clerk_rs_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    serde_json::from_str(&text)
}

/// A page decoded the way this client decodes a response ([`clerk_users::decode::from_slice`]).
fn our_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    clerk_users::decode::from_slice(bytes)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let users = leak(users_page());
    match args.next().as_deref() {
        None => {}
        Some("profile") => {
            let rest: Vec<String> = args.collect();
            return match profile_arguments(&rest) {
                Some((raw, duration)) => profile(users, raw, duration),
                None => usage(&rest.join(" ")),
            };
        }
        Some(other) => return usage(other),
    }
    let memberships = leak(memberships_page());
    let tokens = leak(tokens_page());
    let targets = [
        Target {
            group: "users",
            name: "Vec<clerk_rs::models::User>",
            role: Role::ClerkRs,
            bytes: users,
            decode: items::<clerk_rs::models::User>,
        },
        Target {
            group: "users",
            name: "Vec<types::User>",
            role: Role::Ours,
            bytes: users,
            decode: items::<types::User>,
        },
        Target {
            group: "users",
            name: "Vec<RawUser>",
            role: Role::Ours,
            bytes: users,
            decode: items::<RawUser>,
        },
        Target {
            group: "users",
            name: "floor {id, email_addresses}",
            role: Role::Floor,
            bytes: users,
            decode: items::<UserFloor>,
        },
        Target {
            group: "users*",
            name: "Vec<clerk_rs::models::User>",
            role: Role::ClerkRs,
            bytes: users,
            decode: |b| clerk_rs_path::<Vec<clerk_rs::models::User>>(b).map(|v| v.len()),
        },
        Target {
            group: "users*",
            name: "Vec<types::User>",
            role: Role::Ours,
            bytes: users,
            decode: |b| our_path::<Vec<types::User>>(b).map(|v| v.len()),
        },
        Target {
            group: "users*",
            name: "Vec<RawUser>",
            role: Role::Ours,
            bytes: users,
            decode: |b| our_path::<Vec<RawUser>>(b).map(|v| v.len()),
        },
        Target {
            group: "users*",
            name: "floor {id, email_addresses}",
            role: Role::Floor,
            bytes: users,
            decode: |b| our_path::<Vec<UserFloor>>(b).map(|v| v.len()),
        },
        Target {
            group: "memberships",
            name: "clerk_rs OrganizationMemberships",
            role: Role::ClerkRs,
            bytes: memberships,
            decode: |b| {
                serde_json::from_slice::<clerk_rs::models::OrganizationMemberships>(b)
                    .map(|p| p.data.len())
            },
        },
        Target {
            group: "memberships",
            name: "types::OrganizationMemberships",
            role: Role::Ours,
            bytes: memberships,
            decode: |b| {
                serde_json::from_slice::<types::OrganizationMemberships>(b).map(|p| p.data.len())
            },
        },
        Target {
            group: "memberships",
            name: "floor {data: [{id, organization.id}]}",
            role: Role::Floor,
            bytes: memberships,
            decode: |b| serde_json::from_slice::<MembershipsFloor>(b).map(|p| p.data.len()),
        },
        Target {
            group: "memberships*",
            name: "clerk_rs OrganizationMemberships",
            role: Role::ClerkRs,
            bytes: memberships,
            decode: |b| {
                clerk_rs_path::<clerk_rs::models::OrganizationMemberships>(b).map(|p| p.data.len())
            },
        },
        Target {
            group: "memberships*",
            name: "types::OrganizationMemberships",
            role: Role::Ours,
            bytes: memberships,
            decode: |b| our_path::<types::OrganizationMemberships>(b).map(|p| p.data.len()),
        },
        Target {
            group: "memberships*",
            name: "floor {data: [{id, organization.id}]}",
            role: Role::Floor,
            bytes: memberships,
            decode: |b| our_path::<MembershipsFloor>(b).map(|p| p.data.len()),
        },
        Target {
            group: "oauth tokens",
            name: "Vec<clerk_rs OAuthAccessTokenInner>",
            role: Role::ClerkRs,
            bytes: tokens,
            decode: items::<clerk_rs::models::OAuthAccessTokenInner>,
        },
        Target {
            group: "oauth tokens",
            name: "Vec<types::OAuthAccessTokenItem>",
            role: Role::Ours,
            bytes: tokens,
            decode: items::<types::OAuthAccessTokenItem>,
        },
        Target {
            group: "oauth tokens",
            name: "floor {external_account_id, token}",
            role: Role::Floor,
            bytes: tokens,
            decode: items::<TokenFloor>,
        },
        Target {
            group: "oauth tokens*",
            name: "Vec<clerk_rs OAuthAccessTokenInner>",
            role: Role::ClerkRs,
            bytes: tokens,
            decode: |b| {
                clerk_rs_path::<Vec<clerk_rs::models::OAuthAccessTokenInner>>(b).map(|v| v.len())
            },
        },
        Target {
            group: "oauth tokens*",
            name: "Vec<types::OAuthAccessTokenItem>",
            role: Role::Ours,
            bytes: tokens,
            decode: |b| our_path::<Vec<types::OAuthAccessTokenItem>>(b).map(|v| v.len()),
        },
        Target {
            group: "oauth tokens*",
            name: "floor {external_account_id, token}",
            role: Role::Floor,
            bytes: tokens,
            decode: |b| our_path::<Vec<TokenFloor>>(b).map(|v| v.len()),
        },
    ];

    // Check once that every target decodes its whole page.
    for target in &targets {
        match (target.decode)(target.bytes) {
            Ok(PAGE_ITEMS) => {}
            Ok(n) => {
                eprintln!("{} decoded {n} items, not {PAGE_ITEMS}", target.name);
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("the {} page does not decode into {}: {e}", target.group, target.name);
                return ExitCode::FAILURE;
            }
        }
    }

    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(ROUNDS); targets.len()];
    for round in 0..ROUNDS {
        for k in 0..targets.len() {
            let i = (k + round) % targets.len();
            let target = &targets[i];
            samples[i].push(time(|| (target.decode)(target.bytes)));
        }
    }
    let medians: Vec<Duration> = samples.into_iter().map(median).collect();
    let allocations: Vec<(usize, isize)> = targets.iter().map(allocations).collect();

    println!(
        "pages of {PAGE_ITEMS} items: users {} KiB, memberships {} KiB, oauth tokens {} KiB; \
         median of {ROUNDS} interleaved rounds of {DECODES_PER_BATCH} decodes",
        users.len() / 1024,
        memberships.len() / 1024,
        tokens.len() / 1024,
    );
    println!(
        "{:<13} {:<38} {:>10} {:>10} {:>9} {:>12} {:>11}",
        "page", "decoded into", "per item", "/clerk-rs", "/floor", "allocs/item", "peak B/item"
    );
    println!(
        "(a page without * is decoded by serde_json::from_slice for every type; with *, as each \
         client decodes a response)"
    );
    for ((target, took), (allocations, held)) in targets.iter().zip(&medians).zip(&allocations) {
        let of = |role: Role| {
            targets
                .iter()
                .zip(&medians)
                .find(|(t, _)| t.group == target.group && t.role == role)
                .map(|(_, d)| took.as_secs_f64() / d.as_secs_f64())
        };
        let ratio = |r: Option<f64>| r.map(|r| format!("{r:.2}x")).unwrap_or_default();
        println!(
            "{:<13} {:<38} {:>7.2} us {:>10} {:>9} {:>12.1} {:>11.0}",
            target.group,
            target.name,
            took.as_secs_f64() * 1e6 / PAGE_ITEMS as f64,
            ratio(of(Role::ClerkRs)),
            ratio(of(Role::Floor)),
            *allocations as f64 / PAGE_ITEMS as f64,
            *held as f64 / PAGE_ITEMS as f64,
        );
    }
    ExitCode::SUCCESS
}

/// A profiling run's length: the argument's seconds, or 10.
/// `[typed|raw] [SECONDS]` after `profile`: whether to profile raw users, and for how long
/// (10 s unless told); `None` for anything else.
fn profile_arguments(arguments: &[String]) -> Option<(bool, Duration)> {
    let (raw, rest) = match arguments.split_first() {
        Some((kind, rest)) if kind == "raw" => (true, rest),
        Some((kind, rest)) if kind == "typed" => (false, rest),
        _ => (false, arguments),
    };
    let seconds = match rest {
        [] => 10,
        [seconds] => seconds.parse().ok()?,
        _ => return None,
    };
    Some((raw, Duration::from_secs(seconds)))
}

fn usage(argument: &str) -> ExitCode {
    eprintln!("unexpected argument {argument:?}; usage: decode [profile [typed|raw] [SECONDS]]");
    ExitCode::FAILURE
}

/// Decodes the users page as the client does, into `Vec<types::User>` (or `Vec<RawUser>` when
/// `raw`), for `duration`, for a profiler.
fn profile(users: &[u8], raw: bool, duration: Duration) -> ExitCode {
    let started = Instant::now();
    let mut decodes = 0u64;
    while started.elapsed() < duration {
        let decoded = if raw {
            our_path::<Vec<RawUser>>(black_box(users)).map(|users| black_box(users).len())
        } else {
            our_path::<Vec<types::User>>(black_box(users)).map(|users| black_box(users).len())
        };
        if let Err(e) = decoded {
            eprintln!("the users page does not decode: {e}");
            return ExitCode::FAILURE;
        }
        decodes += 1;
    }
    println!("{decodes} decodes of {PAGE_ITEMS} users in {:.1} s", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// The time of one decode, averaged over a batch.
fn time<T>(mut decode: impl FnMut() -> T) -> Duration {
    let started = Instant::now();
    for _ in 0..DECODES_PER_BATCH {
        black_box(decode());
    }
    started.elapsed() / DECODES_PER_BATCH
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// A page's bytes, for the whole run (the targets are plain `fn`s over `'static` pages).
fn leak(page: Value) -> &'static [u8] {
    match serde_json::to_vec(&page) {
        Ok(bytes) => bytes.leak(),
        Err(e) => {
            eprintln!("cannot serialize a benchmark page: {e}");
            std::process::exit(1);
        }
    }
}

/// A page of realistic users, as `GET /users` answers it (a bare array).
fn users_page() -> Value {
    Value::Array((1..=PAGE_ITEMS as u64).map(user).collect())
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

/// A page of one user's organization memberships, shaped as the fake renders them.
fn memberships_page() -> Value {
    let data: Vec<Value> = (1..=PAGE_ITEMS as u64).map(membership).collect();
    json!({ "data": data, "total_count": PAGE_ITEMS })
}

fn membership(i: u64) -> Value {
    let at = 1_700_000_000_000 + i as i64 * 1000;
    let image = "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9";
    let admin = i.is_multiple_of(5);
    let permissions: &[&str] = if admin {
        &[
            "org:sys_domains:manage",
            "org:sys_domains:read",
            "org:sys_memberships:manage",
            "org:sys_memberships:read",
            "org:sys_profile:delete",
            "org:sys_profile:manage",
        ]
    } else {
        &["org:sys_memberships:read"]
    };
    json!({
        "id": format!("orgmem_2lmzq{i:022}"),
        "object": "organization_membership",
        "role": if admin { "org:admin" } else { "org:member" },
        "role_name": if admin { "Admin" } else { "Member" },
        "permissions": permissions,
        "public_metadata": {"team": "platform"},
        "private_metadata": {},
        "organization": {
            "object": "organization",
            "id": format!("org_2lmzq{i:022}"),
            "name": format!("Acme {i}"),
            "slug": format!("acme-{i}"),
            "image_url": image,
            "has_image": false,
            "max_allowed_memberships": 5,
            "admin_delete_enabled": true,
            "public_metadata": {},
            "private_metadata": {},
            "created_at": at,
            "updated_at": at,
            "role_set_key": null
        },
        "public_user_data": {
            "user_id": "user_2lmzq0000000000000000000001",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "profile_image_url": image,
            "image_url": image,
            "has_image": false,
            "identifier": "ada1@example.com",
            "username": "user1",
            "banned": false,
            "deprovisioned": false
        },
        "created_at": at,
        "updated_at": at
    })
}

/// One user's OAuth access tokens for a provider, shaped as the fake renders them, with a
/// Google-length token and an expiry.
fn tokens_page() -> Value {
    Value::Array((1..=PAGE_ITEMS as u64).map(token).collect())
}

fn token(i: u64) -> Value {
    json!({
        "object": "oauth_access_token",
        "external_account_id": format!("eac_2lmzq{i:022}"),
        "provider_user_id": format!("1089{i:017}"),
        "token": format!("ya29.a0AfB_{i:0>16}{}", "x".repeat(200)),
        "expires_at": 1_700_003_600_000_i64 + i as i64,
        "provider": "oauth_google",
        "public_metadata": {},
        "label": null,
        "scopes": ["email", "profile", "openid"]
    })
}
