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

const LOCALES: &[&str] = &["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR"];
const PLANS: &[&str] = &["free", "pro", "team", "enterprise"];

/// Two years, in milliseconds.
const SPAN_MS: i64 = 2 * 365 * 86_400_000;
const DAY_MS: i64 = 86_400_000;

/// Adds `n` users created over the last two years, oldest first; returns their ids.
pub(crate) fn seed(store: &mut Store, n: usize) -> Vec<String> {
    let now = now_ms();
    let start = now - SPAN_MS;
    let step = SPAN_MS / i64::try_from(n).unwrap_or(i64::MAX).max(1);
    store.reserve(n);
    let mut ids = Vec::with_capacity(n);
    let mut created_at = start;
    for _ in 0..n {
        // Mostly spread evenly, sometimes in the same millisecond as the previous user.
        if store.rng.u8(..100) >= 3 {
            created_at = (created_at + store.rng.i64(0..=2 * step)).min(now - 1);
        }
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
        let email = format!("{first_lower}.{last_lower}.{i}@example.com");
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
        // Last activity is precise to the day.
        user.last_active_at = Some(signed_in - signed_in.rem_euclid(DAY_MS));
    }
    user.updated_at = user.last_sign_in_at.unwrap_or(created_at).max(created_at);
    user
}
