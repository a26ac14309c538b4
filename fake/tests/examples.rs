//! The example programs in `fake/examples/`: each runs whole (its `main`, on its own fake), and
//! its reusable part does exactly what it says on a fake set up here.

// Each example's `main` only prints what its `demo` returns, so the tests call `demo`.
#[allow(dead_code)]
#[path = "../examples/ban_domain.rs"]
mod ban_domain;
#[allow(dead_code)]
#[path = "../examples/export_csv.rs"]
mod export_csv;
#[allow(dead_code)]
#[path = "../examples/find_by_email.rs"]
mod find_by_email;
#[allow(dead_code)]
#[path = "../examples/merge_recent_metadata.rs"]
mod merge_recent_metadata;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clerk_users_fake::FakeClerk;
use serde_json::json;

#[tokio::test]
async fn every_example_runs_to_the_end() {
    let banned = ban_domain::demo(None).await.unwrap();
    assert!(banned.starts_with("banned 3 users on spam.example.net: user_"), "{banned}");
    let merged = merge_recent_metadata::demo().await.unwrap();
    assert!(merged.starts_with("merged {\"onboarding\""), "{merged}");
    let found = find_by_email::demo(None).await.unwrap();
    assert!(found.contains(": Ada Lovelace, ada@example.com (verified), +15555550100"), "{found}");
    let missing = find_by_email::demo(Some("nobody@example.com".into())).await.unwrap();
    assert_eq!(missing, "no user has the address nobody@example.com");
    let mut csv = Vec::new();
    assert_eq!(export_csv::demo(&mut csv).await.unwrap(), 1_000);
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 1_001);
}

/// A user with `emails`; returns its id.
fn user(fake: &FakeClerk, emails: &[&str]) -> String {
    fake.add_user(json!({"email_address": emails})).unwrap()
}

fn banned(fake: &FakeClerk, id: &str) -> bool {
    fake.user_json(id).unwrap()["banned"] == true
}

#[tokio::test]
async fn ban_domain_bans_exactly_the_users_on_the_domain() {
    let fake = FakeClerk::start().await;
    let seeded = fake.seed_users(30);
    let banned_before: Vec<bool> = seeded.iter().map(|id| banned(&fake, id)).collect();
    let on = user(&fake, &["a@spam.example.net"]);
    let second_address = user(&fake, &["b@example.com", "b@SPAM.example.net"]);
    let subdomain = user(&fake, &["c@x.spam.example.net"]);
    let lookalike = user(&fake, &["d@notspam.example.net"]);

    let mut ids = ban_domain::ban_domain(&fake.client(), "spam.example.net").await.unwrap();
    ids.sort();

    let mut expected = vec![on.clone(), second_address.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(banned(&fake, &on) && banned(&fake, &second_address));
    assert!(!banned(&fake, &subdomain) && !banned(&fake, &lookalike));
    let banned_after: Vec<bool> = seeded.iter().map(|id| banned(&fake, id)).collect();
    assert_eq!(banned_after, banned_before, "no seeded user changed");
}

#[tokio::test]
async fn merge_recent_metadata_merges_into_users_created_after_the_time_only() {
    let fake = FakeClerk::start().await;
    let old = fake
        .add_user(
            json!({"email_address": ["old@example.com"], "created_at": "2020-01-01T00:00:00Z"}),
        )
        .unwrap();
    let recent = fake
        .add_user(json!({"email_address": ["new@example.com"], "public_metadata": {"plan": "pro", "onboarding": {"step": 2}}}))
        .unwrap();
    let since = UNIX_EPOCH + Duration::from_secs(1_700_000_000);

    let patch = json!({"onboarding": {"cohort": "winter"}});
    let updated = merge_recent_metadata::merge_into_recent_users(&fake.client(), since, &patch)
        .await
        .unwrap();

    assert_eq!(updated, 1);
    assert_eq!(
        fake.user_json(&recent).unwrap()["public_metadata"],
        json!({"plan": "pro", "onboarding": {"step": 2, "cohort": "winter"}})
    );
    assert_eq!(fake.user_json(&old).unwrap()["public_metadata"], json!({}));
    let sent = fake.list_queries();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("created_at_after=1700000000000"), "{sent:?}");
}

#[tokio::test]
async fn find_by_email_finds_the_user_and_describes_it() {
    let fake = FakeClerk::start().await;
    fake.seed_users(20);
    let ada = fake
        .add_user(json!({
            "email_address": ["ada@example.com"],
            "phone_number": ["+15555550100"],
            "first_name": "Ada",
            "last_name": "Lovelace",
        }))
        .unwrap();
    let client = fake.client();

    let found = find_by_email::find_by_email(&client, "Ada@Example.com").await.unwrap().unwrap();
    let missing = find_by_email::find_by_email(&client, "nobody@example.com").await.unwrap();

    assert_eq!(found.id, ada);
    assert!(missing.is_none());
    let created = httpdate::fmt_http_date(found.created());
    assert_eq!(
        find_by_email::describe(&found),
        format!(
            "{ada}: Ada Lovelace, ada@example.com (verified), +15555550100, created {created}, \
             never signed in"
        )
    );
    assert!(found.created() <= SystemTime::now());
}

#[tokio::test]
async fn export_csv_writes_one_row_per_user_with_a_header() {
    let fake = FakeClerk::start().await;
    let ids = fake.seed_users(1_203);
    let ada = fake
        .add_user(json!({"email_address": ["ada@example.com"], "first_name": "Ada", "last_name": "Lovelace"}))
        .unwrap();
    let formula = fake
        .add_user(json!({"email_address": ["f@example.com"], "first_name": "=HYPERLINK(1)"}))
        .unwrap();

    let mut out = Vec::new();
    let rows = export_csv::export_csv(&fake.client(), &mut out).await.unwrap();

    assert_eq!(rows, 1_205);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1_206);
    // A name a spreadsheet would run as a formula gets the guard, a leading tab.
    let guarded = format!("{formula},f@example.com,\t=HYPERLINK(1),");
    assert!(lines.iter().any(|line| line.starts_with(&guarded)), "{text}");
    assert_eq!(lines[0], "id,email,name,created_at,last_sign_in_at");
    let created = fake.user_json(&ada).unwrap()["created_at"].clone();
    assert!(lines.contains(&format!("{ada},ada@example.com,Ada Lovelace,{created},").as_str()));
    let mut exported: Vec<&str> = lines[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    exported.sort();
    let mut expected: Vec<&str> =
        ids.iter().map(String::as_str).chain([ada.as_str(), formula.as_str()]).collect();
    expected.sort();
    assert_eq!(exported, expected, "every user once");
}
