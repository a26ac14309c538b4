//! `clerk-users export`, end to end: the real binary against a fake Clerk started by the test.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use clerk_users_fake::{FakeClerk, Fault, Reply};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_clerk-users");

/// What the binary says without a key and without --demo (`connect::NO_KEY`).
const NO_KEY: &str = "CLERK_SECRET_KEY is not set: set it to work on your Clerk instance, or pass \
                      --demo to work on a local fake Clerk seeded with demo users";

/// A fake whose key is a production one, so the binary paces at the production limit (tests run
/// faster than at the development one).
async fn fake() -> FakeClerk {
    FakeClerk::builder().secret_key("sk_live_fake").start().await
}

/// The command, in `dir`, pointed at `fake` (or at nothing).
fn command(fake: Option<&FakeClerk>, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command.args(args).current_dir(dir).env_remove("CLERK_SECRET_KEY").env_remove("CLERK_API_URL");
    if let Some(fake) = fake {
        command.env("CLERK_SECRET_KEY", fake.secret_key()).env("CLERK_API_URL", fake.url());
    }
    command
}

/// Runs the binary to its end, off the runtime that serves the fake.
async fn run(fake: Option<&FakeClerk>, dir: &Path, args: &[&str]) -> Output {
    let mut command = command(fake, dir, args);
    tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The lines of a JSON lines file, parsed; each must be one whole record.
fn jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'), "ends with a newline");
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// The ids of a JSON lines export; asserts none is there twice.
fn ids_once(records: &[Value]) -> HashSet<String> {
    let ids: Vec<String> = records.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    let set: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "no user twice");
    set
}

/// A fake answering in 150 ms, with 5,000 users: a walk of ten pages of 500 takes long enough to
/// be stopped in its middle. Returns the fake and the users' ids.
async fn slow_fake_with_5000_users() -> (FakeClerk, HashSet<String>) {
    let fake = FakeClerk::builder()
        .secret_key("sk_live_fake")
        .latency(Duration::from_millis(150))
        .start()
        .await;
    let all = fake.seed_users(5000).into_iter().collect();
    (fake, all)
}

/// Three users made through the API's create, with a formula as a first name.
fn add_users(fake: &FakeClerk) -> Vec<String> {
    let bodies = [
        json!({"email_address": ["ada@example.com"], "first_name": "Ada", "last_name": "Lovelace",
               "username": "ada", "external_id": "ext-1"}),
        json!({"email_address": ["eve@example.com", "eve2@example.com"],
               "phone_number": ["+15550100"],
               "first_name": "=HYPERLINK(\"http://evil.example\",\"x\")", "last_name": "-Eve"}),
        json!({"email_address": ["bob@example.com"], "first_name": "Bob, Jr.",
               "last_name": "O\"Neil", "public_metadata": {"plan": "pro"}}),
    ];
    bodies.iter().map(|body| fake.add_user(body).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsonl_is_one_user_a_line_as_clerk_sent_it() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let dir = tempfile::tempdir().unwrap();

    let output = run(Some(&fake), dir.path(), &["export", "--out", "users.jsonl"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("users.jsonl")).unwrap();
    // Newest first, each exactly the bytes of the user as the fake serves it.
    let expected: String = ids
        .iter()
        .rev()
        .map(|id| format!("{}\n", serde_json::to_string(&fake.user_json(id).unwrap()).unwrap()))
        .collect();
    assert_eq!(text, expected);
    assert!(!dir.path().join("users.jsonl.partial").exists());
    assert!(!dir.path().join("users.jsonl.resume.json").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("users.jsonl")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let err = stderr(&output);
    assert!(err.contains("concurrency: 1 requests in flight ("), "{err}");
    assert!(err.contains("exported 3 users to users.jsonl in "), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_sent_over_several_lines_comes_out_on_one() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let users: Vec<Value> = ids.iter().rev().map(|id| fake.user_json(id).unwrap()).collect();
    let pretty = serde_json::to_string_pretty(&users).unwrap();
    assert!(pretty.lines().count() > 100);
    fake.on_list_request(1, Fault::Respond(Reply::status(200).body("application/json", pretty)));
    let dir = tempfile::tempdir().unwrap();

    let args = ["export", "--out", "users.jsonl", "--concurrency", "1", "--quiet"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "--quiet says nothing");
    let text = std::fs::read_to_string(dir.path().join("users.jsonl")).unwrap();
    let expected: String =
        users.iter().map(|user| format!("{}\n", serde_json::to_string(user).unwrap())).collect();
    assert_eq!(text, expected, "compact, keys in Clerk's order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_row_keeps_a_user_whose_metadata_no_tree_can_hold_and_says_so() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let users: Vec<Value> = ids.iter().rev().map(|id| fake.user_json(id).unwrap()).collect();
    // Ada's metadata as Clerk may send it: a number beyond 64-bit floating point.
    let texts: Vec<String> = users
        .iter()
        .map(|user| {
            let text = serde_json::to_string(user).unwrap();
            match user["external_id"] == "ext-1" {
                true => text.replacen(
                    r#""public_metadata":{}"#,
                    r#""public_metadata":{"big":1e400}"#,
                    1,
                ),
                false => text,
            }
        })
        .collect();
    let body = format!("[{}]", texts.join(","));
    assert_eq!(body.matches("1e400").count(), 1);
    fake.on_list_request(1, Fault::Respond(Reply::status(200).body("application/json", body)));
    let dir = tempfile::tempdir().unwrap();

    let args = ["export", "--out", "u.csv", "--format", "csv", "--concurrency", "1"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "note: 1 users hold values a CSV row cannot read whole (a number beyond 64-bit \
             floating point, or nesting deeper than 128 levels)"
        ),
        "{}",
        stderr(&output)
    );
    let text = std::fs::read_to_string(dir.path().join("u.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let cell = |row: &csv::StringRecord, name: &str| {
        row[header.iter().position(|h| h == name).unwrap()].to_owned()
    };
    let ada = rows.iter().find(|row| cell(row, "external_id") == "ext-1").unwrap();
    assert_eq!(cell(ada, "public_metadata"), r#"{"big":1e400}"#);
    assert_eq!(cell(ada, "first_name"), "Ada");
    assert_eq!(cell(ada, "verified_email_addresses"), "ada@example.com");
}

/// The cells of a user's row, as `csv` quotes them.
fn csv_line(cells: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(cells).unwrap();
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clerk_csv_has_the_dashboard_header_and_guarded_cells() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let dir = tempfile::tempdir().unwrap();

    let args = ["export", "--out", "users.csv", "--format", "clerk-csv", "--concurrency", "1"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("users.csv")).unwrap();
    let mut expected = String::from(
        "id,first_name,last_name,username,primary_email_address,primary_phone_number,\
         verified_email_addresses,unverified_email_addresses,verified_phone_numbers,\
         unverified_phone_numbers,totp_secret,password_digest,password_hasher\n",
    );
    let formula = "\t=HYPERLINK(\"http://evil.example\",\"x\")";
    let rows: [[&str; 13]; 3] = [
        [
            &ids[2],
            "Bob, Jr.",
            "O\"Neil",
            "",
            "bob@example.com",
            "",
            "bob@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            &ids[1],
            formula,
            "\t-Eve",
            "",
            "eve@example.com",
            "\t+15550100",
            "eve@example.com,eve2@example.com",
            "",
            "\t+15550100",
            "",
            "",
            "",
            "",
        ],
        [
            &ids[0],
            "Ada",
            "Lovelace",
            "ada",
            "ada@example.com",
            "",
            "ada@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    for row in &rows {
        expected.push_str(&csv_line(row));
    }
    assert_eq!(text, expected);
    // The formula is in a quoted cell that starts with a tab.
    assert!(text.contains("\"\t=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_csv_has_ids_emails_by_state_timestamps_flags_and_metadata() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let dir = tempfile::tempdir().unwrap();

    let args = ["export", "--out", "users.csv", "--format", "csv", "--concurrency", "1"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("users.csv")).unwrap();
    let header = "id,external_id,first_name,last_name,username,primary_email_address,\
                  verified_email_addresses,unverified_email_addresses,primary_phone_number,\
                  verified_phone_numbers,unverified_phone_numbers,created_at,updated_at,\
                  last_sign_in_at,last_active_at,banned,locked,password_enabled,\
                  two_factor_enabled,public_metadata,private_metadata,unsafe_metadata\n";
    let mut expected = String::from(header);
    let ada = fake.user_json(&ids[0]).unwrap();
    let time = |user: &Value, field: &str| user[field].as_i64().unwrap().to_string();
    for id in ids.iter().rev() {
        let user = fake.user_json(id).unwrap();
        let (created, updated) = (time(&user, "created_at"), time(&user, "updated_at"));
        let row: Vec<String> = match id {
            id if *id == ids[0] => vec![
                id.clone(),
                "ext-1".into(),
                "Ada".into(),
                "Lovelace".into(),
                "ada".into(),
                "ada@example.com".into(),
                "ada@example.com".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                created,
                updated,
                "".into(),
                "".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                "{}".into(),
                "{}".into(),
                "{}".into(),
            ],
            id if *id == ids[1] => vec![
                id.clone(),
                "".into(),
                "\t=HYPERLINK(\"http://evil.example\",\"x\")".into(),
                "\t-Eve".into(),
                "".into(),
                "eve@example.com".into(),
                "eve@example.com,eve2@example.com".into(),
                "".into(),
                "\t+15550100".into(),
                "\t+15550100".into(),
                "".into(),
                created,
                updated,
                "".into(),
                "".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                "{}".into(),
                "{}".into(),
                "{}".into(),
            ],
            id => vec![
                id.clone(),
                "".into(),
                "Bob, Jr.".into(),
                "O\"Neil".into(),
                "".into(),
                "bob@example.com".into(),
                "bob@example.com".into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                created,
                updated,
                "".into(),
                "".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                "false".into(),
                r#"{"plan":"pro"}"#.into(),
                "{}".into(),
                "{}".into(),
            ],
        };
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        expected.push_str(&csv_line(&cells));
    }
    assert_eq!(ada["last_sign_in_at"], Value::Null, "the fixture has no sign-in");
    assert_eq!(text, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_file_is_replaced_only_with_force() {
    let fake = fake().await;
    add_users(&fake);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("users.jsonl");
    std::fs::write(&out, "precious\n").unwrap();

    let output = run(Some(&fake), dir.path(), &["export", "--out", "users.jsonl"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "error: users.jsonl exists; pass --force to replace it\n");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    assert_eq!(fake.requests().len(), 0, "refused before any request");

    let output = run(Some(&fake), dir.path(), &["export", "--out", "users.jsonl", "--force"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(jsonl(&out).len(), 3);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_or_demo_it_fails_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(None, dir.path(), &["export", "--out", "users.jsonl"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), format!("error: {NO_KEY}\n"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_exports_the_demo_users_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--demo", "--demo-users", "1200", "export", "--out", "demo.jsonl"];
    let output = run(None, dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.starts_with("--demo: working on a local fake Clerk at http://127.0.0.1:"), "{err}");
    assert!(err.contains("seeded with 1200 demo users, not on Clerk"), "{err}");
    let records = jsonl(&dir.path().join("demo.jsonl"));
    assert_eq!(ids_once(&records).len(), 1200);
}

/// An export of `users` users cut by a 500 on the `nth` list request, then resumed: complete,
/// each user once.
async fn interrupted_then_resumed(concurrency: &str, nth: usize) {
    let fake = fake().await;
    let all: HashSet<String> = fake.seed_users(1700).into_iter().collect();
    fake.on_list_request(nth, Fault::status(500));
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "users.jsonl", "--concurrency", concurrency];

    let output = run(Some(&fake), dir.path(), &args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    let partial = dir.path().join("users.jsonl.partial");
    let kept = jsonl(&partial).len();
    assert!(kept < all.len(), "{kept}");
    let expected_tail = format!(
        "; kept {kept} users in users.jsonl.partial; continue with: clerk-users export --out \
         users.jsonl --concurrency {concurrency} --resume\n"
    );
    assert!(err.starts_with("error: listing stopped after "), "{err}");
    assert!(err.contains("500"), "{err}");
    assert!(err.ends_with(&expected_tail), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.path().join("users.jsonl").exists(), "no half file under the target name");
    assert!(dir.path().join("users.jsonl.resume.json").exists());

    // A new export over it is refused; the command named continues it.
    let output = run(Some(&fake), dir.path(), &args).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("add --resume to continue it"), "{}", stderr(&output));
    let mut resume = args.to_vec();
    resume.push("--resume");
    let output = run(Some(&fake), dir.path(), &resume).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("exported 1700 users to users.jsonl"), "{err}");
    assert!(!err.contains("note:"), "counts agree: {err}");

    let records = jsonl(&dir.path().join("users.jsonl"));
    assert_eq!(records.len(), 1700, "no line twice, none missing");
    assert_eq!(ids_once(&records), all);
    assert!(!partial.exists());
    assert!(!dir.path().join("users.jsonl.resume.json").exists(), "state removed on success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sequential_export_cut_by_a_failure_resumes_complete_and_repeat_free() {
    // List request 1 is the first page, 2 the second.
    interrupted_then_resumed("1", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_export_cut_by_a_failure_resumes_complete_and_repeat_free() {
    // Requests 1 and 2 find the range; pages follow, four at a time.
    interrupted_then_resumed("4", 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_export_filtered_on_personal_data_does_not_repeat_the_values() {
    let fake = fake().await;
    fake.seed_users(1200);
    fake.on_list_request(2, Fault::status(500));
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "users.jsonl", "--concurrency", "1", "--query=example.com"];

    let output = run(Some(&fake), dir.path(), &args).await;

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.ends_with("continue with: the same command with --resume added\n"), "{err}");
    assert!(!err.contains("example.com"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_export_resumes_without_a_second_header() {
    let fake = fake().await;
    fake.seed_users(1200);
    fake.on_list_request(2, Fault::status(500));
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "u.csv", "--format", "csv", "--concurrency", "1", "--quiet"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert_eq!(output.status.code(), Some(1));
    let mut resume = args.to_vec();
    resume.push("--resume");
    let output = run(Some(&fake), dir.path(), &resume).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("u.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(ids.len(), 1200);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1200);
    assert_eq!(text.matches("id,external_id,").count(), 1, "one header");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_keeps_what_was_written_and_the_export_resumes() {
    let (fake, all) = slow_fake_with_5000_users().await;
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "users.jsonl", "--concurrency", "1"];

    let child = command(Some(&fake), dir.path(), &args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The count and a few of the ten pages (150 ms each), then Ctrl-C in the middle of the walk.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap();
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    let err = stderr(&output);
    let kept = jsonl(&dir.path().join("users.jsonl.partial")).len();
    assert!(kept > 0 && kept < 5000, "{kept}");
    assert!(
        err.ends_with(&format!(
            "error: interrupted; kept {kept} users in users.jsonl.partial; continue with: \
             clerk-users export --out users.jsonl --concurrency 1 --resume\n"
        )),
        "{err}"
    );

    let mut resume = args.to_vec();
    resume.push("--resume");
    let output = run(Some(&fake), dir.path(), &resume).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let records = jsonl(&dir.path().join("users.jsonl"));
    assert_eq!(ids_once(&records), all);
}

/// An export killed outright (SIGKILL: no handler runs) in the middle of its walk, then
/// resumed from its last checkpoint: complete, each user once.
async fn killed_then_resumed(concurrency: &str) {
    let (fake, all) = slow_fake_with_5000_users().await;
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "users.jsonl", "--concurrency", concurrency];
    let state = dir.path().join("users.jsonl.resume.json");

    let mut child = command(Some(&fake), dir.path(), &args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first checkpoint comes with the first page; a page or two more, and then the kill,
    // which leaves bytes past the checkpoint for the resume to cut.
    for _ in 0..1000 {
        if state.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(state.exists(), "a checkpoint within 5 s");
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), None, "killed by the signal, not finished");
    let partial = dir.path().join("users.jsonl.partial");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let checkpointed = saved["written"].as_u64().unwrap();
    assert!(checkpointed > 0 && checkpointed < 5000, "{saved}");
    let bytes = usize::try_from(saved["bytes"].as_u64().unwrap()).unwrap();
    let kept = std::fs::read(&partial).unwrap();
    assert!(kept.len() >= bytes);
    assert!(!dir.path().join("users.jsonl").exists());
    // Bytes past the checkpoint, as a kill in the middle of a page leaves: the resume cuts them.
    let mut torn = kept[..bytes].to_vec();
    torn.extend_from_slice(b"{\"id\":\"user_torn\",\"first_na");
    std::fs::write(&partial, &torn).unwrap();

    let mut resume = args.to_vec();
    resume.push("--resume");
    let output = run(Some(&fake), dir.path(), &resume).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("exported 5000 users to users.jsonl"), "{}", stderr(&output));
    let complete = std::fs::read(dir.path().join("users.jsonl")).unwrap();
    assert_eq!(complete[..bytes], kept[..bytes], "what the checkpoint covered is kept as it was");
    let records = jsonl(&dir.path().join("users.jsonl"));
    assert_eq!(records.len(), 5000, "no line twice, none missing");
    assert_eq!(ids_once(&records), all);
    assert!(!partial.exists() && !state.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_left_without_its_partial_file_is_not_a_resumable_export() {
    let fake = fake().await;
    fake.seed_users(10);
    let dir = tempfile::tempdir().unwrap();
    // As an export killed between putting its file in place and removing its state leaves it.
    std::fs::write(dir.path().join("users.jsonl.resume.json"), "{}").unwrap();

    let resume = ["export", "--out", "users.jsonl", "--resume", "--quiet"];
    let output = run(Some(&fake), dir.path(), &resume).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: nothing to resume: users.jsonl.partial is gone (the export finished, or the file \
         was removed); run the export without --resume\n"
    );
    let output = run(Some(&fake), dir.path(), &["export", "--out", "users.jsonl", "--quiet"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(jsonl(&dir.path().join("users.jsonl")).len(), 10);
    assert!(!dir.path().join("users.jsonl.resume.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_export_learns_the_range_with_the_count_and_walks_windows_only() {
    let fake = fake().await;
    let all: HashSet<String> = fake.seed_users(2500).into_iter().collect();
    let dir = tempfile::tempdir().unwrap();

    let output = run(Some(&fake), dir.path(), &["export", "--out", "users.jsonl"]).await;

    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ids_once(&jsonl(&dir.path().join("users.jsonl"))), all);
    let requests = fake.requests();
    let queries: Vec<&str> = requests.iter().map(|r| r.query.as_str()).collect();
    // The first look: the count, the newest page, the oldest user.
    assert_eq!(requests.iter().filter(|r| r.path == "/v1/users/count").count(), 1);
    let lists: Vec<&str> =
        requests.iter().filter(|r| r.path == "/v1/users").map(|r| r.query.as_str()).collect();
    let first_look: Vec<&&str> = lists.iter().filter(|q| !q.contains("created_at_after")).collect();
    assert_eq!(first_look.len(), 2, "{queries:?}");
    assert!(
        first_look.iter().any(|q| q.contains("limit=500") && q.contains("order_by=-created_at"))
    );
    assert!(
        first_look.iter().any(|q| q.contains("limit=1") && q.contains("order_by=%2Bcreated_at"))
    );
    // Then windows only: the walk did not ask for the range again.
    let windows = lists.len() - 2;
    assert!(windows >= 5, "{queries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sequential_export_killed_outright_resumes_from_its_checkpoint() {
    killed_then_resumed("1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_export_killed_outright_resumes_from_its_checkpoint() {
    killed_then_resumed("3").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_that_changed_during_the_export_is_said() {
    let fake = fake().await;
    add_users(&fake);
    // Two users arrive before the first page is answered: newest first, they are in it.
    fake.on_list_request(1, Fault::InsertUsers(2));
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "users.jsonl", "--concurrency", "1", "--quiet"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "note: wrote 5 users but 3 matched when the export started: users were created or \
         deleted meanwhile\n"
    );
    assert_eq!(jsonl(&dir.path().join("users.jsonl")).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_max_reach_the_walk_and_stdout_takes_the_data() {
    let fake = fake().await;
    let ids = add_users(&fake);
    let dir = tempfile::tempdir().unwrap();
    let args = ["export", "--out", "-", "--email", "eve@example.com", "--quiet"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let line = serde_json::to_string(&fake.user_json(&ids[1]).unwrap()).unwrap();
    assert_eq!(text, format!("{line}\n"));
    assert!(fake.list_queries().iter().all(|q| q.contains("email_address=eve%40example.com")));

    let args = ["export", "--out", "-", "--max", "2", "--quiet", "--concurrency", "1"];
    let output = run(Some(&fake), dir.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    assert_eq!(stderr(&output), "", "--max is no surprise");

    let output = run(Some(&fake), dir.path(), &["export", "--out", "-", "--resume"]).await;
    assert_eq!(output.status.code(), Some(2));
}
