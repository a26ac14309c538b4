//! `count`, `get`, `list`: the real binary against a fake Clerk started in the test.

use std::process::{Command, Output, Stdio};

use clerk_users_fake::FakeClerk;
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_clerk-users");

/// A production-looking key, so the binary paces at the production limit.
const KEY: &str = "sk_live_cli_lookup_test_secret";

/// A fake with ids `user_000001`, ... and `n` seeded users.
async fn fake(n: usize) -> FakeClerk {
    let fake = FakeClerk::builder().sequential_ids().secret_key(KEY).start().await;
    fake.seed_users(n);
    fake
}

/// Runs the binary with `args` against `fake`.
async fn run(fake: &FakeClerk, args: &[&str]) -> Output {
    let (url, key) = (fake.url().to_owned(), fake.secret_key().to_owned());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .args(&args)
            .env("CLERK_API_URL", url)
            .env("CLERK_SECRET_KEY", key)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_the_user_as_clerk_sent_it_on_one_line() {
    let fake = fake(3).await;

    let output = run(&fake, &["get", "user_000002"]).await;

    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(printed, fake.user_json("user_000002").unwrap());
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));

    let output = run(&fake, &["get", "user_000002", "--pretty"]).await;
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("{\n  \"id\": \"user_000002\",\n"), "{stdout}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        fake.user_json("user_000002").unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_of_a_missing_user_fails_on_one_line_with_clerks_code_and_trace_id() {
    let fake = fake(1).await;

    let output = run(&fake, &["get", "user_missing"]).await;

    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: GET /v1/users/user_missing: clerk returned 404 Not Found: resource_not_found: "
        ) && stderr.contains("(trace id "),
        "{stderr}"
    );
    assert_eq!(text(&output.stdout), "");
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_json_prints_each_user_as_sent_one_a_line_newest_first() {
    let fake = fake(7).await;

    let output = run(&fake, &["list", "--json"]).await;

    let stdout = text(&output.stdout);
    let printed: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let stored: Vec<Value> = fake.user_ids().iter().map(|id| fake.user_json(id).unwrap()).collect();
    assert_eq!(printed, stored);
    assert_eq!(printed.len(), 7);
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));

    let output = run(&fake, &["list", "--json", "--max", "3"]).await;
    let ids: Vec<String> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["user_000007", "user_000006", "user_000005"]);
    assert_eq!(fake.list_queries(), ["limit=500", "limit=3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_a_table_with_names_escaped() {
    let fake = FakeClerk::builder().sequential_ids().secret_key(KEY).start().await;
    let users = [
        json!({"email_address": ["ada@example.com"], "first_name": "Ada", "last_name": "Lovelace",
               "created_at": "2024-05-12T09:30:00Z"}),
        json!({"email_address": ["eve@example.com"], "first_name": "Eve\u{1b}[31m",
               "created_at": "2025-01-02T03:04:05.678Z", "banned": true, "locked": true}),
        json!({"external_id": "no-email", "created_at": "2025-06-01T00:00:00Z", "banned": true,
               "skip_password_requirement": true}),
    ];
    for user in users {
        fake.add_user(user).unwrap();
    }
    fake.clear_requests();

    let output = run(&fake, &["list"]).await;

    assert_eq!(
        text(&output.stdout),
        "ID           EMAIL            NAME           CREATED               STATUS\n\
         user_000003  -                -              2025-06-01T00:00:00Z  banned\n\
         user_000002  eve@example.com  Eve\\u{1b}[31m  2025-01-02T03:04:05Z  banned,locked\n\
         user_000001  ada@example.com  Ada Lovelace   2024-05-12T09:30:00Z  -\n"
    );
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));

    // Filters reach the list request.
    let output = run(&fake, &["list", "--banned", "true", "--max", "1"]).await;
    assert_eq!(
        text(&output.stdout).lines().nth(1).unwrap().split_whitespace().next(),
        Some("user_000003")
    );
    assert_eq!(fake.list_queries().last().unwrap(), "banned=true&limit=1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_prints_the_number_of_matching_users() {
    let fake = fake(40).await;
    let client = fake.client();
    let banned = client.get_users_count().banned(true).send().await.unwrap().total_count;

    let output = run(&fake, &["count"]).await;
    assert_eq!(text(&output.stdout), "40\n");
    assert_eq!(output.status.code(), Some(0));

    let output = run(&fake, &["count", "--banned", "true"]).await;
    assert_eq!(text(&output.stdout), format!("{banned}\n"));

    let output =
        run(&fake, &["count", "--email", "nobody@example.com", "--user-id", "user_000001"]).await;
    assert_eq!(text(&output.stdout), "0\n");
    assert_eq!(text(&output.stderr), "");
}
