//! The command line's own export, imported by the command line into another instance: the same
//! users, found by `external_id`, in every export format; and a run log that speaks for one
//! instance only.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use clerk_users_fake::FakeClerk;
use serde_json::{Value, json};

mod support;

use support::{creates, emails, phones, users};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-users");

/// Runs `clerk-users args…` in `dir` against `fake`, to the end, off the runtime serving it.
async fn cli(fake: &FakeClerk, dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env("CLERK_SECRET_KEY", fake.secret_key())
        .env("CLERK_API_URL", fake.url())
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A source with users of every kind an export carries: seeded ones, one with an unverified
/// (reserved) email and phone and all three metadata maps, one whose names are formulas (which
/// the CSV exports guard), one whose external id starts with `-`, one without an external id.
async fn source() -> (FakeClerk, Vec<Value>) {
    let source = FakeClerk::start().await;
    source.seed_users(30);
    let bodies = [
        json!({
            "external_id": "half-verified",
            "email_address": ["ok@example.com", "maybe@example.com"],
            "email_address_identification_status": ["verified", "reserved"],
            "phone_number": ["+15555550100", "+15555550101"],
            "phone_number_identification_status": ["verified", "reserved"],
            "first_name": "Half", "last_name": "Verified", "username": "half_v",
            "public_metadata": {"plan": "pro"},
            "private_metadata": {"tier": 2, "tags": ["a", "b"]},
            "unsafe_metadata": {"theme": "dark"},
        }),
        json!({
            "external_id": "formula",
            "email_address": ["sheet@example.com"],
            "first_name": "=HYPERLINK(\"http://evil.example\",\"x\")", "last_name": "-Eve, Jr.",
        }),
        json!({"external_id": "-minus", "email_address": ["minus@example.com"]}),
        json!({"email_address": ["nokey@example.com"], "first_name": "No", "last_name": "Key"}),
    ];
    for body in bodies {
        source.add_user(body).unwrap();
    }
    let exported = users(&source).await;
    assert_eq!(exported.len(), 34);
    (source, exported)
}

/// Exports `source` with `format` into `file`, imports `file` into a fresh fake, and checks that
/// every source user is there once, under its key, with the fields that format carries.
async fn export_then_import(format: &str, file: &str, carries_external_id: bool) {
    let (source, exported) = source().await;
    let dir = tempfile::tempdir().unwrap();
    cli(&source, dir.path(), &["export", "--out", file, "--format", format, "--quiet"]).await;

    let target = FakeClerk::start().await;
    cli(&target, dir.path(), &["import", file, "--quiet"]).await;

    assert_eq!(creates(&target), exported.len(), "one create per user, none twice");
    let imported: HashMap<String, Value> = users(&target)
        .await
        .into_iter()
        .map(|user| (user["external_id"].as_str().unwrap().to_owned(), user))
        .collect();
    assert_eq!(imported.len(), exported.len());
    let mut fields = vec!["first_name", "last_name", "username"];
    if carries_external_id {
        // Our formats carry everything the import reads; the Dashboard's has no metadata.
        fields.extend(["public_metadata", "private_metadata", "unsafe_metadata", "created_at"]);
    }
    for user in &exported {
        // The key: the user's own external id (kept), else its id in the source. The Dashboard's
        // export has no external id column, so there the source id is every user's key.
        let own = user["external_id"].as_str().filter(|_| carries_external_id);
        let key = own.or(user["id"].as_str()).unwrap();
        let copy = &imported[key];
        assert_eq!(emails(copy), emails(user), "{format} {key}: emails and their state");
        assert_eq!(phones(copy), phones(user), "{format} {key}: phones and their state");
        for field in &fields {
            assert_eq!(copy[field], user[field], "{format} {key}: {field}");
        }
    }
    let half = exported.iter().find(|u| u["external_id"] == "half-verified").unwrap();
    let half_key = if carries_external_id { "half-verified" } else { half["id"].as_str().unwrap() };
    assert_eq!(
        emails(&imported[half_key]),
        [("ok@example.com".to_owned(), true), ("maybe@example.com".to_owned(), false)],
        "{format}: an unverified address stays unverified"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_json_lines_export_imports_as_the_same_users() {
    export_then_import("jsonl", "users.jsonl", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_csv_export_imports_as_the_same_users() {
    export_then_import("csv", "users.csv", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_csv_export_of_ours_imports_as_the_same_users() {
    export_then_import("clerk-csv", "users.clerk.csv", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_log_from_another_instance_skips_nothing_there() {
    let (source, exported) = source().await;
    let dir = tempfile::tempdir().unwrap();
    cli(&source, dir.path(), &["export", "--out", "users.jsonl", "--quiet"]).await;
    let development = FakeClerk::builder().secret_key("sk_test_development").start().await;
    cli(&development, dir.path(), &["import", "users.jsonl", "--quiet"]).await;
    assert_eq!(development.user_count(), exported.len());

    // The same command on production, with the development run's log beside the file: every
    // user is still created there, once.
    let production = FakeClerk::builder().secret_key("sk_live_production").start().await;
    let output = cli(&production, dir.path(), &["import", "users.jsonl"]).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!(
            "the log has {} users imported with another key or instance (or in a demo); they are \
             looked up here again",
            exported.len()
        )),
        "{said}"
    );
    assert_eq!(creates(&production), exported.len());
    assert_eq!(production.user_count(), exported.len());

    // Each instance's lines stay its own: a third run on production creates nothing more.
    let output = cli(&production, dir.path(), &["import", "users.jsonl"]).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!("{} already imported by an earlier run", exported.len())),
        "{said}"
    );
    assert!(!said.contains("another key"), "done here as well: not said to be elsewhere: {said}");
    assert_eq!(creates(&production), exported.len());
    let log = std::fs::read_to_string(dir.path().join("users.jsonl.import-log.jsonl")).unwrap();
    for key in [development.secret_key(), production.secret_key()] {
        assert!(!log.contains(key), "the log has fingerprints, never a key");
    }
    let fingerprints: std::collections::HashSet<String> = log
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["key_fingerprint"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(fingerprints.len(), 2, "one per instance: {fingerprints:?}");
}
