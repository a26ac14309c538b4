//! `clerk-users import`, end to end: the real binary against fakes started here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use clerk_users_fake::{FakeClerk, Fault};
use serde_json::{Value, json};

mod support;

use support::{creates, emails, users};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-users");

/// The binary with the fake's key and URL in its environment.
fn command(fake: &FakeClerk, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("import")
        .args(args)
        .arg("--quiet")
        .env("CLERK_SECRET_KEY", fake.secret_key())
        .env("CLERK_API_URL", fake.url())
        .stdin(Stdio::null());
    command
}

/// Runs the binary to the end (off the runtime, which serves the fake).
async fn import(fake: &FakeClerk, args: &[&str]) -> Output {
    let mut command = command(fake, args);
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn by_external_id(users: &[Value]) -> HashMap<String, Value> {
    users.iter().filter_map(|u| Some((u["external_id"].as_str()?.to_owned(), u.clone()))).collect()
}

fn log_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_jsonl(path: &Path, users: &[Value]) {
    let text: String = users.iter().map(|u| format!("{u}\n")).collect();
    std::fs::write(path, text).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_imports_into_a_fresh_instance_as_the_same_users_and_never_twice() {
    let source = FakeClerk::start().await;
    source.seed_users(40);
    // An unverified (reserved) address, keys with a `+` or `-` of their own, and a user without
    // an external id (its source id is the key).
    source
        .add_user(json!({
            "external_id": "half-verified",
            "email_address": ["ok@example.com", "maybe@example.com"],
            "email_address_identification_status": ["verified", "reserved"],
            "first_name": "Half",
            "private_metadata": {"tier": 2},
            "unsafe_metadata": {"theme": "dark"},
        }))
        .unwrap();
    source
        .add_user(json!({"external_id": "+plus", "email_address": ["plus@example.com"]}))
        .unwrap();
    source
        .add_user(json!({"external_id": "-minus", "email_address": ["minus@example.com"]}))
        .unwrap();
    let keyless = source
        .add_user(json!({"email_address": ["nokey@example.com"], "last_name": "Key"}))
        .unwrap();
    let exported = users(&source).await;
    assert_eq!(exported.len(), 44);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    write_jsonl(&file, &exported);

    let target = FakeClerk::start().await;
    // A user whose external id is the key without its `-`: a look-up of `-minus` must not take
    // it for `-minus` (nor exclude it).
    target
        .add_user(json!({"external_id": "minus", "email_address": ["other@example.com"]}))
        .unwrap();

    let out = import(&target, &[path(&file)]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(creates(&target), 44);

    let imported = by_external_id(&users(&target).await);
    assert_eq!(imported.len(), 45);
    for user in &exported {
        let key = user["external_id"].as_str().or(user["id"].as_str()).unwrap();
        let copy = &imported[key];
        assert_eq!(emails(copy), emails(user), "{key}");
        for field in [
            "first_name",
            "last_name",
            "username",
            "public_metadata",
            "private_metadata",
            "unsafe_metadata",
            "banned",
            "created_at",
        ] {
            assert_eq!(copy[field], user[field], "{key}: {field}");
        }
    }
    let half = &imported["half-verified"];
    assert_eq!(
        emails(half),
        [("ok@example.com".to_owned(), true), ("maybe@example.com".to_owned(), false)]
    );
    assert!(imported.contains_key(&keyless));

    let log_path = dir.path().join("users.jsonl.import-log.jsonl");
    let log = log_lines(&log_path);
    assert_eq!(log.len(), 44);
    assert!(log.iter().all(|l| l["outcome"] == "created" && l["clerk_id"].is_string()));
    assert_eq!(std::fs::read_to_string(dir.path().join("users.jsonl.failures.jsonl")).unwrap(), "");

    // Again: the log says everything is done; no request creates anything.
    let out = import(&target, &[path(&file)]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(creates(&target), 44);

    // Without the log: every key is found in the instance (the `+`/`-` ones literally).
    std::fs::remove_file(&log_path).unwrap();
    let lists_before =
        target.requests().iter().filter(|r| r.path == "/v1/users" && r.method == "GET").count();
    let out = import(&target, &[path(&file)]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(creates(&target), 44);
    assert_eq!(target.user_count(), 45);
    let log = log_lines(&log_path);
    assert!(log.iter().all(|l| l["outcome"] == "exists"), "{log:?}");
    let clerk_ids: HashMap<&str, &str> =
        log.iter().map(|l| (l["key"].as_str().unwrap(), l["clerk_id"].as_str().unwrap())).collect();
    assert_eq!(clerk_ids["-minus"], imported["-minus"]["id"].as_str().unwrap());
    assert_eq!(clerk_ids["+plus"], imported["+plus"]["id"].as_str().unwrap());
    // One batch of plain keys, and the two prefixed keys asked as `+key` on their own.
    let queries: Vec<String> = target
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/users" && r.method == "GET")
        .skip(lists_before)
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(queries.len(), 2, "{queries:?}");
    let prefixed = queries.iter().find(|q| q.contains("external_id=%2B%2Bplus")).unwrap();
    assert!(prefixed.contains("external_id=%2B-minus"), "{prefixed}");
    assert!(!prefixed.contains("ext_"), "{prefixed}");
}

const DASHBOARD_HEADER: &str = "id,first_name,last_name,username,primary_email_address,\
primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,\
unverified_phone_numbers,totp_secret,password_digest,password_hasher";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_csv_imports_without_its_guards_after_a_dry_run_that_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboard.csv");
    let rows = [
        DASHBOARD_HEADER.to_owned(),
        // A formula in the first name and a phone number, guarded as the Dashboard writes them.
        "user_a,\"\t=HYPERLINK(1)\",Lovelace,ada,ada@example.com,\"\t+15555550100\",\
         \"ada@example.com,ada2@example.com\",old@example.com,\"\t+15555550100\",,,\
         $2a$10$abcdefghijklmnopqrstuu5Mx7mXQ8nXfC0rWv5vYhYxkyPqhVx.u,bcrypt"
            .to_owned(),
        "user_b,Grace,Hopper,,grace@example.com,,,grace@example.com,,,,,".to_owned(),
        "user_c,,,,,,,,,,,,".to_owned(),
    ];
    std::fs::write(&file, rows.join("\n") + "\n").unwrap();
    let fake = FakeClerk::start().await;

    // Dry run: checks every record and looks the keys up, creates nothing, writes no log.
    let out = import(&fake, &[path(&file), "--dry-run"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((creates(&fake), fake.user_count()), (0, 0));
    assert!(!dir.path().join("dashboard.csv.import-log.jsonl").exists());

    let out = import(&fake, &[path(&file)]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let imported = by_external_id(&users(&fake).await);
    let ada = &imported["user_a"];
    assert_eq!(ada["first_name"], "=HYPERLINK(1)");
    assert_eq!(ada["phone_numbers"][0]["phone_number"], "+15555550100");
    assert_eq!(ada["password_enabled"], true);
    assert_eq!(
        emails(ada),
        [
            ("ada@example.com".to_owned(), true),
            ("ada2@example.com".to_owned(), true),
            ("old@example.com".to_owned(), false)
        ]
    );
    // Listed only as unverified: stays unverified, even as the primary.
    assert_eq!(emails(&imported["user_b"]), [("grace@example.com".to_owned(), false)]);
    assert!(imported.contains_key("user_c"));
}

/// Waits until the fake holds a create (a stalled or hung `POST /v1/users`).
async fn held_create(fake: &FakeClerk) {
    for _ in 0..1000 {
        if fake.requests().iter().any(|r| r.method == "POST" && r.status.is_none()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no create was held");
}

fn plain_json(dir: &Path) -> PathBuf {
    let file = dir.join("people.json");
    let people = json!([
        {"id": 1, "emails": [{"address": "one@example.com", "verified": true}]},
        {"id": 2, "emails": [{"address": "two@example.com", "verified": true}], "first_name": "Two"},
        {"id": 3, "emails": ["three@example.com"]},
    ]);
    std::fs::write(&file, people.to_string()).unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_response_was_lost_is_adopted_not_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = plain_json(dir.path());
    let fake = FakeClerk::start().await;
    // The second create is held, the user gets created meanwhile (as if Clerk had done it), and
    // then the client is told 503: it cannot know the user is there.
    let post = || "POST".parse().unwrap();
    fake.on_route(post(), "/v1/users", 2, Fault::Stall(Duration::from_millis(800)));
    fake.on_route(post(), "/v1/users", 2, Fault::status(503));
    let mut command = command(&fake, &[path(&file), "--concurrency", "1"]);
    let child = tokio::task::spawn_blocking(move || command.output().unwrap());
    held_create(&fake).await;
    fake.add_user(json!({"external_id": "2", "email_address": ["two@example.com"]})).unwrap();
    let out = child.await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    assert_eq!(fake.user_count(), 3);
    let log = log_lines(&dir.path().join("people.json.import-log.jsonl"));
    let outcomes: Vec<(&str, &str)> =
        log.iter().map(|l| (l["key"].as_str().unwrap(), l["outcome"].as_str().unwrap())).collect();
    assert_eq!(outcomes, [("1", "created"), ("2", "adopted"), ("3", "created")]);
    assert_eq!(creates(&fake), 3);
    let imported = by_external_id(&users(&fake).await);
    assert_eq!(emails(&imported["3"]), [("three@example.com".to_owned(), false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_after_a_create_whose_response_was_lost_creates_nobody_twice() {
    let dir = tempfile::tempdir().unwrap();
    let file = plain_json(dir.path());
    let fake = FakeClerk::start().await;
    // The second create never answers; the user is made meanwhile; the import is killed.
    fake.on_route("POST".parse().unwrap(), "/v1/users", 2, Fault::Hang);
    let mut child = command(&fake, &[path(&file), "--concurrency", "1"]).spawn().unwrap();
    held_create(&fake).await;
    fake.add_user(json!({"external_id": "2", "email_address": ["two@example.com"]})).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(fake.user_count(), 2);

    // The same command again: 1 from the log, 2 found in the instance, 3 created.
    let out = import(&fake, &[path(&file), "--concurrency", "1"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fake.user_count(), 3);
    let ids: Vec<String> = by_external_id(&users(&fake).await).into_keys().collect();
    assert_eq!(ids.len(), 3);
    let log = log_lines(&dir.path().join("people.json.import-log.jsonl"));
    let outcomes: Vec<(&str, &str)> =
        log.iter().map(|l| (l["key"].as_str().unwrap(), l["outcome"].as_str().unwrap())).collect();
    assert_eq!(outcomes, [("1", "created"), ("2", "exists"), ("3", "created")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_times_out_after_it_was_done_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let file = plain_json(dir.path());
    let fake = FakeClerk::start().await;
    fake.on_route("POST".parse().unwrap(), "/v1/users", 1, Fault::Hang);
    let mut command = command(&fake, &[path(&file), "--concurrency", "1", "--timeout", "1"]);
    let child = tokio::task::spawn_blocking(move || command.output().unwrap());
    held_create(&fake).await;
    fake.add_user(json!({"external_id": "1", "email_address": ["one@example.com"]})).unwrap();
    let out = child.await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fake.user_count(), 3);
    let log = log_lines(&dir.path().join("people.json.import-log.jsonl"));
    assert_eq!(log[0]["outcome"], "adopted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_and_refused_records_fail_the_run_and_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.csv");
    std::fs::write(
        &file,
        "id,primary_email_address,verified_email_addresses,password_digest\n\
         a,a@example.com,a@example.com,\n\
         b,taken@example.com,,\n\
         ,nokey@example.com,,\n\
         d,d@example.com,,$2a$10$x\n",
    )
    .unwrap();
    let fake = FakeClerk::start().await;
    fake.add_user(json!({"email_address": ["taken@example.com"]})).unwrap();
    let out = import(&fake, &[path(&file)]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("@example.com"), "personal data in {stderr}");
    let failures = log_lines(&dir.path().join("plain.csv.failures.jsonl"));
    let got: Vec<(usize, &str)> = failures
        .iter()
        .map(|l| (l["record"].as_u64().unwrap() as usize, l["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(got.len(), 3);
    assert!(
        got.contains(&(2, "failed"))
            && got.contains(&(3, "invalid"))
            && got.contains(&(4, "invalid"))
    );
    let refused = failures.iter().find(|l| l["record"] == 2).unwrap();
    assert_eq!(refused["codes"], json!(["form_identifier_exists"]));
    assert_eq!(refused["status"], 422);
    assert_eq!(fake.user_count(), 2);
}

#[test]
fn without_a_key_or_demo_it_refuses_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = plain_json(dir.path());
    let out = Command::new(BIN)
        .args(["import", path(&file)])
        .env_remove("CLERK_SECRET_KEY")
        .env_remove("CLERK_API_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CLERK_SECRET_KEY"));
    assert!(!dir.path().join("people.json.import-log.jsonl").exists());
}

#[test]
fn the_example_files_read_and_check() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    for name in ["users.jsonl", "dashboard.csv", "plain.json", "plain.csv"] {
        let out = Command::new(BIN)
            .args(["import", "--demo", "--demo-users", "0", "--dry-run", "--quiet"])
            .arg(data.join(name))
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
