//! `ban`, `unban`, `lock`, `unlock`, `delete`: the real binary against a fake Clerk started in
//! the test, checking stdout, stderr, the exit code and what the fake holds afterwards.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clerk_users_fake::{FakeClerk, Fault, Reply};

const BINARY: &str = env!("CARGO_BIN_EXE_clerk-users");

/// A production-looking key, so the binary paces at the production limit (tests stay fast).
const KEY: &str = "sk_live_cli_bulk_test_secret";

/// A fake with ids `user_000001`, `user_000002`, ... and `n` seeded users.
async fn fake(n: usize) -> FakeClerk {
    let fake = FakeClerk::builder().sequential_ids().secret_key(KEY).start().await;
    fake.seed_users(n);
    fake
}

/// Runs the binary with `args` against `fake`, `stdin` piped in (so never a terminal).
async fn run(fake: &FakeClerk, args: &[&str], stdin: &str) -> Output {
    let (url, key) = (fake.url().to_owned(), fake.secret_key().to_owned());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = spawn(BINARY, &args, &url, &key, Stdio::piped());
        let mut input = child.stdin.take().unwrap();
        // The binary may exit before reading (a refusal): a closed pipe is fine.
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// Starts `program args…` pointed at the fake at `url` with `key`, its stdout and stderr piped.
fn spawn(program: &str, args: &[&str], url: &str, key: &str, stdin: Stdio) -> std::process::Child {
    Command::new(program)
        .args(args)
        .env("CLERK_API_URL", url)
        .env("CLERK_SECRET_KEY", key)
        .env_remove("NO_COLOR")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `user_000001`...
fn id(n: usize) -> String {
    format!("user_{n:06}")
}

fn field(fake: &FakeClerk, id: &str, key: &str) -> serde_json::Value {
    fake.user_json(id).unwrap_or_else(|| panic!("{id} is gone"))[key].clone()
}

/// The requests the fake received, as `METHOD /path`.
fn requests(fake: &FakeClerk) -> Vec<String> {
    fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ban_120_ids_from_a_file_in_3_bulk_requests() {
    let fake = fake(130).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spammers.txt");
    let mut list = String::from("# reported on 2026-05-12\n\n");
    for n in 1..=120 {
        list.push_str(&format!("  {}  # report {n}\n", id(n)));
    }
    list.push_str(&format!("{}\n", id(7))); // a repeat
    std::fs::write(&file, list).unwrap();

    let output = run(&fake, &["ban", "--ids", file.to_str().unwrap()], "").await;

    assert_eq!(text(&output.stderr), "ban: 120 done, 0 not found, 0 failed\n");
    assert_eq!(text(&output.stdout), "");
    assert_eq!(output.status.code(), Some(0));
    for n in 1..=120 {
        assert_eq!(field(&fake, &id(n), "banned"), true, "{}", id(n));
    }
    assert_eq!(requests(&fake), ["POST /v1/users/ban"; 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unban_takes_ids_as_arguments_and_from_stdin() {
    let fake = fake(4).await;
    let client = fake.client();
    for n in 1..=4 {
        client.ban_user().user_id(id(n)).send().await.unwrap();
    }
    fake.clear_requests();

    let stdin = format!("{}\n{}\n", id(2), id(3));
    let output = run(&fake, &["unban", &id(1), "-", &id(2)], &stdin).await;

    assert_eq!(text(&output.stderr), "unban: 3 done, 0 not found, 0 failed\n");
    assert_eq!(output.status.code(), Some(0));
    let banned: Vec<_> = (1..=4).map(|n| field(&fake, &id(n), "banned")).collect();
    assert_eq!(banned, [false, false, false, true]);
    assert_eq!(requests(&fake), ["POST /v1/users/unban"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_are_reported_and_fail_the_run_unless_ignored() {
    let fake = fake(2).await;

    let output = run(&fake, &["ban", "user_nope", &id(1), "user_gone"], "").await;
    assert_eq!(
        text(&output.stderr),
        "user_nope: not found\n\
         user_gone: not found\n\
         ban: 1 done, 2 not found, 0 failed\n\
         error: ban: 2 of 3 users not done (0 failed, 2 not found)\n"
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(field(&fake, &id(1), "banned"), true);

    let output = run(&fake, &["lock", &id(2), "user_nope"], "").await;
    assert_eq!(
        text(&output.stderr),
        "user_nope: not found\n\
         lock: 1 done, 1 not found, 0 failed\n\
         error: lock: 1 of 2 users not done (0 failed, 1 not found)\n"
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(field(&fake, &id(2), "locked").as_bool().unwrap());

    let output =
        run(&fake, &["delete", "--yes", "--ignore-not-found", &id(2), "user_nope"], "").await;
    assert_eq!(
        text(&output.stderr),
        "user_nope: not found\ndelete: 1 done, 1 not found, 0 failed\n"
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(fake.user_ids(), [id(1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_request_is_one_line_with_the_id_clerks_code_and_trace_id() {
    let fake = fake(3).await;
    // One request at a time: the second request is the second user's.
    fake.on_request(2, Fault::Respond(Reply::status(422).error("user_locked_forever", "no")));

    let args = ["lock", "--concurrency", "1", &id(1), &id(2), &id(3)];
    let output = run(&fake, &args, "").await;

    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    let prefix = "user_000002: POST /v1/users/user_000002/lock: clerk returned 422 Unprocessable \
                  Entity: user_locked_forever: no (trace id ";
    assert!(lines[0].starts_with(prefix) && lines[0].ends_with(')'), "{stderr}");
    assert_eq!(lines[1], "lock: 2 done, 0 not found, 1 failed");
    assert_eq!(lines[2], "error: lock: 1 of 3 users not done (1 failed, 0 not found)");
    assert_eq!(output.status.code(), Some(1));
    let locked: Vec<_> = (1..=3).map(|n| field(&fake, &id(n), "locked")).collect();
    assert_eq!(locked, [true, false, true]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_bulk_request_names_each_of_its_ids() {
    let fake = fake(60).await;
    fake.on_request(2, Fault::Respond(Reply::status(400).error("form_param_invalid", "bad")));
    let ids: Vec<String> = (1..=53).map(id).collect();
    let mut args = vec!["ban", "--concurrency", "1"];
    args.extend(ids.iter().map(String::as_str));

    let output = run(&fake, &args, "").await;

    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    for (line, n) in lines.iter().zip(51..=53) {
        let start = format!(
            "{}: POST /v1/users/ban: clerk returned 400 Bad Request: form_param_invalid: bad (trace id ",
            id(n)
        );
        assert!(line.starts_with(&start), "{stderr}");
    }
    assert_eq!(lines[3], "ban: 50 done, 0 not found, 3 failed");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(field(&fake, &id(50), "banned"), true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_without_yes_and_without_a_terminal_deletes_nothing() {
    let fake = fake(3).await;

    for args in [&["delete", "user_000001"][..], &["delete", "--all"], &["delete", "-"]] {
        let output = run(&fake, args, "user_000002\n").await;
        assert_eq!(
            text(&output.stderr),
            "error: refusing to delete without --yes: there is no terminal to ask on (stdin is \
             not one, or holds the ids); nothing was deleted\n",
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(fake.user_count(), 3);
    assert_eq!(requests(&fake), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_with_yes_deletes() {
    let fake = fake(5).await;

    let output = run(&fake, &["delete", "--yes", "-"], "user_000001\nuser_000004\n").await;

    assert_eq!(text(&output.stderr), "delete: 2 done, 0 not found, 0 failed\n");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(fake.user_ids(), [id(5), id(3), id(2)]);
    let mut sent = requests(&fake);
    sent.sort();
    assert_eq!(sent, ["DELETE /v1/users/user_000001", "DELETE /v1/users/user_000004"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_ids_and_changes_nothing() {
    let fake = fake(3).await;

    let output = run(&fake, &["ban", "--dry-run", &id(2), &id(1)], "").await;
    assert_eq!(
        text(&output.stdout),
        "# would ban 2 users (dry run: nothing was sent)\nuser_000002\nuser_000001\n"
    );
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));

    // Every user, without --yes: a dry run asks nothing. Its output reads back as ids.
    let output = run(&fake, &["delete", "--dry-run", "--all"], "").await;
    assert_eq!(
        text(&output.stdout),
        "# would delete 3 users (dry run: nothing was sent)\nuser_000003\nuser_000002\nuser_000001\n"
    );
    assert_eq!(text(&output.stderr), "3 users match\n");
    assert_eq!(output.status.code(), Some(0));

    assert_eq!(fake.user_count(), 3);
    assert!(fake.requests().iter().all(|r| r.method == "GET"), "{:?}", requests(&fake));
    for n in 1..=3 {
        assert_eq!(field(&fake, &id(n), "banned"), false);
    }

    let ids = text(&output.stdout);
    let output = run(&fake, &["lock", "--ids", "-"], &ids).await;
    assert_eq!(text(&output.stderr), "lock: 3 done, 0 not found, 0 failed\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_and_unlock_the_users_a_filter_matches() {
    let fake = FakeClerk::builder().sequential_ids().secret_key(KEY).start().await;
    for name in ["ada", "grace", "alan", "edsger", "barbara"] {
        fake.add_user(serde_json::json!({"email_address": [format!("{name}@example.com")]}))
            .unwrap();
    }
    let client = fake.client();
    for n in [2, 4] {
        client.ban_user().user_id(id(n)).send().await.unwrap();
    }

    let output = run(&fake, &["lock", "--banned", "true"], "").await;
    assert_eq!(text(&output.stderr), "2 users match\nlock: 2 done, 0 not found, 0 failed\n");
    assert_eq!(output.status.code(), Some(0));
    let locked: Vec<_> = (1..=5).map(|n| field(&fake, &id(n), "locked")).collect();
    assert_eq!(locked, [false, true, false, true, false]);

    let output = run(&fake, &["unlock", "--email", "edsger@example.com", "-q"], "").await;
    assert_eq!(text(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(field(&fake, &id(4), "locked"), false);
    assert_eq!(field(&fake, &id(2), "locked"), true);

    // A filter that matches nobody does nothing, and says so.
    let output = run(&fake, &["lock", "--email", "nobody@example.com"], "").await;
    assert_eq!(text(&output.stderr), "0 users match\nlock: no users, nothing to do\n");
    assert_eq!(output.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn which_users_must_be_said_once() {
    let fake = fake(2).await;
    let cases: [(&[&str], &str); 3] = [
        (
            &["ban"],
            "error: which users? give ids (arguments, --ids FILE, or - for stdin), filters \
             (--query, --email, --banned, ...), or --all for every user\n",
        ),
        (
            &["lock", "user_000001", "--banned", "true"],
            "error: give ids (arguments, --ids FILE or -) or filters (or --all), not both; \
             --user-id is the filter for given ids\n",
        ),
        (
            &["ban", "--ids", "/nonexistent/ids.txt"],
            "error: /nonexistent/ids.txt: No such file or directory (os error 2)\n",
        ),
    ];
    for (args, stderr) in cases {
        let output = run(&fake, args, "").await;
        assert_eq!(text(&output.stderr), stderr, "{args:?}");
        let code = if args.get(1) == Some(&"--ids") { 1 } else { 2 };
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("users.csv");
    std::fs::write(&csv, "id,email\nuser_000001, ada@example.com\n").unwrap();
    let output = run(&fake, &["ban", "--ids", csv.to_str().unwrap()], "").await;
    assert!(text(&output.stderr).ends_with(
        "users.csv: line 2 holds more than one word; give one user id per line (`#` starts a comment)\n"
    ));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(requests(&fake), Vec::<String>::new());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_with_130_and_says_what_was_done() {
    let fake = FakeClerk::builder()
        .sequential_ids()
        .secret_key(KEY)
        .latency(std::time::Duration::from_millis(100))
        .start()
        .await;
    fake.seed_users(200);
    let ids: Vec<String> = (1..=200).map(id).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.txt");
    std::fs::write(&file, ids.join("\n")).unwrap();
    let (url, key) = (fake.url().to_owned(), fake.secret_key().to_owned());
    let file = file.to_str().unwrap().to_owned();

    let output = tokio::task::spawn_blocking(move || {
        let args = ["lock", "--concurrency", "1", "--ids", &file];
        let child = spawn(BINARY, &args, &url, &key, Stdio::null());
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        assert!(killed.unwrap().success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();

    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    let done: usize = lines[0]
        .strip_prefix("lock: ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!((1..200).contains(&done), "{stderr}");
    assert_eq!(
        lines[0],
        format!("lock: {done} done, 0 not found, 0 failed, {} not reached", 200 - done)
    );
    assert_eq!(lines[1], "error: interrupted; run the same command again to finish");
    assert_eq!(output.status.code(), Some(130));
    let locked = (1..=200).filter(|&n| field(&fake, &id(n), "locked") != false).count();
    // The request in flight when Ctrl-C came may have reached the fake.
    assert!(locked == done || locked == done + 1, "{locked} locked, {done} reported");
}

/// Waits up to `seconds` for `child` to exit; kills it and fails the test if it does not.
#[cfg(unix)]
fn exits_within(mut child: std::process::Child, seconds: u64) -> Output {
    for _ in 0..seconds * 100 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    panic!("still running after {seconds} s: {}", text(&output.stderr));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_ids_are_still_coming_on_stdin_stops_at_once_and_bans_nobody() {
    let fake = fake(3).await;
    let (url, key) = (fake.url().to_owned(), fake.secret_key().to_owned());

    let output = tokio::task::spawn_blocking(move || {
        let mut child = spawn(BINARY, &["ban", "-"], &url, &key, Stdio::piped());
        // One id, and the pipe left open: the ids are still coming when Ctrl-C does.
        let mut input = child.stdin.take().unwrap();
        input.write_all(format!("{}\n", id(1)).as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        assert!(killed.unwrap().success());
        let output = exits_within(child, 5);
        drop(input);
        output
    })
    .await
    .unwrap();

    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "error: interrupted\n");
    assert_eq!(field(&fake, &id(1), "banned"), false);
    assert_eq!(requests(&fake), Vec::<String>::new());
}

// `script` with these flags is util-linux's.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_delete_prompt_stops_at_once_and_deletes_nothing() {
    let fake = fake(1).await;
    let (url, key) = (fake.url().to_owned(), fake.secret_key().to_owned());

    // `script` runs the binary on a pseudo-terminal, so it asks; the ETX byte typed into the
    // terminal is Ctrl-C, which the terminal turns into SIGINT, as for a person at a keyboard.
    let output = tokio::task::spawn_blocking(move || {
        let line = format!("{BINARY} delete {}", id(1));
        let args = ["--quiet", "--return", "--command", &line, "/dev/null"];
        let mut child = spawn("script", &args, &url, &key, Stdio::piped());
        let mut input = child.stdin.take().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        input.write_all(b"\x03").unwrap();
        input.flush().unwrap();
        let output = exits_within(child, 5);
        drop(input);
        output
    })
    .await
    .unwrap();

    let said = text(&output.stdout);
    assert!(said.contains("delete 1 users? type yes to confirm: "), "{said}");
    assert!(said.contains("error: interrupted"), "{said}");
    assert_eq!(output.status.code(), Some(130), "{said}");
    assert!(fake.user_json(&id(1)).is_some(), "not deleted");
    assert_eq!(requests(&fake), Vec::<String>::new());
}
