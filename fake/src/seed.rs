//! `seed_users`: many realistic, varied users, fast (no JSON, preallocated, one sort at most).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::store::Store;
use super::time::now_ms;
use super::user::{Ident, Secret, User, Verified};

const FIRST_NAMES: &[(&str, &str)] = &[
    ("Ada", "ada"),
    ("Alan", "alan"),
    ("Grace", "grace"),
    ("Linus", "linus"),
    ("Margaret", "margaret"),
    ("Dennis", "dennis"),
    ("Barbara", "barbara"),
    ("Ken", "ken"),
    ("Frances", "frances"),
    ("Donald", "donald"),
    ("Radia", "radia"),
    ("Edsger", "edsger"),
    ("Hedy", "hedy"),
    ("Tim", "tim"),
    ("Katherine", "katherine"),
    ("John", "john"),
    ("Sophie", "sophie"),
    ("Guido", "guido"),
    ("Anita", "anita"),
    ("Bjarne", "bjarne"),
    ("Joan", "joan"),
    ("Niklaus", "niklaus"),
    ("Shafi", "shafi"),
    ("Yukihiro", "yukihiro"),
    ("Lynn", "lynn"),
    ("Leslie", "leslie"),
    ("Mary", "mary"),
    ("Tony", "tony"),
    ("Adele", "adele"),
    ("Brian", "brian"),
    ("Evelyn", "evelyn"),
    ("Rob", "rob"),
];

const LAST_NAMES: &[(&str, &str)] = &[
    ("Lovelace", "lovelace"),
    ("Turing", "turing"),
    ("Hopper", "hopper"),
    ("Torvalds", "torvalds"),
    ("Hamilton", "hamilton"),
    ("Ritchie", "ritchie"),
    ("Liskov", "liskov"),
    ("Thompson", "thompson"),
    ("Allen", "allen"),
    ("Knuth", "knuth"),
    ("Perlman", "perlman"),
    ("Dijkstra", "dijkstra"),
    ("Lamarr", "lamarr"),
    ("Berners-Lee", "berners-lee"),
    ("Johnson", "johnson"),
    ("McCarthy", "mccarthy"),
    ("Wilson", "wilson"),
    ("van Rossum", "vanrossum"),
    ("Borg", "borg"),
    ("Stroustrup", "stroustrup"),
    ("Clarke", "clarke"),
    ("Wirth", "wirth"),
    ("Goldwasser", "goldwasser"),
    ("Matsumoto", "matsumoto"),
    ("Conway", "conway"),
    ("Lamport", "lamport"),
    ("Kenneth", "kenneth"),
    ("Hoare", "hoare"),
    ("Goldberg", "goldberg"),
    ("Kernighan", "kernighan"),
    ("Boyd", "boyd"),
    ("Pike", "pike"),
];

/// The domains of seeded emails, by the user's seed number `i` modulo 8 (so example.com is 3 in
/// 8). All are reserved for documentation (RFC 2606): no mail can reach anyone.
const EMAIL_DOMAINS: [&str; 8] = [
    "example.com",
    "example.org",
    "mail.example.com",
    "example.net",
    "example.com",
    "corp.example.org",
    "example.com",
    "eu.example.net",
];

const LOCALES: &[&str] = &["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR"];
const PLANS: &[&str] = &["free", "pro", "team", "enterprise"];

const DAY_MS: i64 = 86_400_000;
/// Two years (730 days), in milliseconds: seeded users were made in the two years before the
/// seeding.
const SPAN_MS: i64 = 2 * 365 * DAY_MS;
/// An hour: the oldest seeded user was made this long after the start of those two years (so it
/// stays younger than two years for an hour), the newest between 1 ms and this long before the
/// seeding.
const HOUR_MS: i64 = 3_600_000;

/// The `created_at` of `n` seeded users, oldest first, `now` being when they are seeded: evenly
/// spread from exactly `now - SPAN_MS + HOUR_MS` (the first) to 1 ms to an hour before `now`
/// (the last; a single user is that one), each of the others up to half a gap earlier than its
/// even place, and about 3% of them (never the first or last) in the same millisecond as the
/// previous user. Never decreasing, always before `now`, and drawn from the store's generator,
/// so the same seed makes the same offsets from `now`.
fn creation_times(rng: &mut fastrand::Rng, n: usize, now: i64) -> Vec<i64> {
    let start = now - SPAN_MS + HOUR_MS;
    let end = now - rng.i64(1..=HOUR_MS);
    let last = n.saturating_sub(1);
    // Positions as i128, so `span * k` cannot overflow however many users there are.
    let (span, gaps) = (i128::from(end - start), i128::try_from(last.max(1)).unwrap_or(i128::MAX));
    let gap = i64::try_from(span / gaps).unwrap_or(0);
    let mut times: Vec<i64> = Vec::with_capacity(n);
    for k in 0..n {
        let at = if k == last {
            end
        } else if k == 0 {
            start
        } else if rng.u8(..100) < 3 {
            times[k - 1]
        } else {
            let even = span * i128::try_from(k).unwrap_or(0) / gaps;
            start + i64::try_from(even).unwrap_or(0) - rng.i64(0..=gap / 2)
        };
        times.push(at);
    }
    times
}

/// Adds `n` users created over the last two years, oldest first; returns their ids.
pub(crate) fn seed(store: &mut Store, n: usize) -> Vec<String> {
    let now = now_ms();
    let times = creation_times(&mut store.rng, n, now);
    store.reserve(n);
    let mut ids = Vec::with_capacity(n);
    for created_at in times {
        let user = seed_user(store, created_at, now);
        ids.push(user.id.to_string());
        store.insert(user, true);
    }
    // Users in the same millisecond sort by id, and earlier seeds may overlap these two years.
    store.sort_order();
    ids
}

/// Adds `n` users created now (each in a later millisecond than anything before), newest last;
/// returns their ids.
pub(crate) fn insert_now(store: &mut Store, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let now = store.tick();
            // Created `now`, so it has not signed in and was last updated now.
            let user = seed_user(store, now, now);
            let id = user.id.to_string();
            store.insert(user, false);
            id
        })
        .collect()
}

fn seed_user(store: &mut Store, created_at: i64, now: i64) -> User {
    let (first, first_lower) = FIRST_NAMES[store.rng.usize(..FIRST_NAMES.len())];
    let (last, last_lower) = LAST_NAMES[store.rng.usize(..LAST_NAMES.len())];
    // Emails unique across calls, and with users added otherwise.
    let (i, email) = loop {
        let i = store.seeded;
        store.seeded += 1;
        let domain = EMAIL_DOMAINS[usize::try_from(i % 8).unwrap_or(0)];
        let email = format!("{first_lower}.{last_lower}.{i}@{domain}");
        if !store.email_taken(&email) {
            break (i, email);
        }
    };
    let id = store.new_user_id();
    let mut user = User::blank(id, created_at);
    user.first_name = Some(Cow::Borrowed(first));
    user.last_name = Some(Cow::Borrowed(last));
    let verified = if store.rng.u8(..4) == 0 { Verified::Admin } else { Verified::Code };
    user.emails = vec![Ident {
        id: store.random_id("idn_"),
        value: email.into_boxed_str(),
        reserved: false,
        verified,
        created_at,
    }];
    user.primary_email = Some(0);
    let roll = store.rng.u8(..100);
    if roll < 35 {
        let phone = format!("+1555{:07}", i % 10_000_000);
        if !store.phone_taken(&phone) {
            user.phones = vec![Ident {
                id: store.random_id("idn_"),
                value: phone.into_boxed_str(),
                reserved: false,
                verified: Verified::Code,
                created_at,
            }];
            user.primary_phone = Some(0);
        }
    }
    if store.rng.u8(..100) < 40 {
        let username = format!("{first_lower}{i}");
        if !store.username_taken(&username) {
            user.username = Some(username.into_boxed_str());
        }
    }
    if store.rng.u8(..100) < 20 {
        user.external_id = Some(format!("ext_{i}").into_boxed_str());
    }
    if store.rng.u8(..100) < 30 {
        user.locale = Some(LOCALES[store.rng.usize(..LOCALES.len())].into());
    }
    if store.rng.u8(..100) < 25 {
        let mut metadata = Map::with_capacity(2);
        metadata.insert("plan".to_owned(), Value::from(PLANS[store.rng.usize(..PLANS.len())]));
        metadata.insert("seats".to_owned(), Value::from(store.rng.u32(1..=50)));
        user.public_metadata = metadata;
    }
    if store.rng.u8(..100) < 60 {
        // A password the fake cannot check, like an imported one.
        user.password = Some(Secret::Opaque);
        user.password_updated_at = Some(created_at);
    }
    if store.rng.u8(..100) < 3 {
        user.banned = true;
    }
    if store.rng.u8(..100) < 70 && created_at < now {
        let signed_in = store.rng.i64(created_at..now);
        user.last_sign_in_at = Some(signed_in);
        // Last activity is precise to the day, yet never before the user existed.
        user.last_active_at = Some((signed_in - signed_in.rem_euclid(DAY_MS)).max(created_at));
    }
    user.updated_at = user.last_sign_in_at.unwrap_or(created_at).max(created_at);
    user
}
