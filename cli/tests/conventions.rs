//! What every command does the same way: exit codes (0 done, 1 failed, 2 usage, 130
//! interrupted, the last tested in `bulk.rs`), errors on one line with Clerk's code and trace id,
//! `--quiet`, `NO_COLOR`, data on stdout and the rest on stderr, no key without `--demo`, and
//! the secret key never shown.

use std::process::{Command, Output, Stdio};

use clerk_users_fake::{FakeClerk, Fault, Reply};

const BINARY: &str = env!("CARGO_BIN_EXE_clerk-users");

/// A key distinctive enough to be searched for in every output.
const KEY: &str = "sk_live_conventions_SECRET_9f8e7d";

/// The message of a run with neither a key nor `--demo` (`connect::NO_KEY`).
const NO_KEY: &str = "CLERK_SECRET_KEY is not set: set it to work on your Clerk instance, or \
                      pass --demo to work on a local fake Clerk seeded with demo users";

async fn fake(n: usize) -> FakeClerk {
    let fake = FakeClerk::builder().sequential_ids().secret_key(KEY).start().await;
    fake.seed_users(n);
    fake
}

/// Runs the binary with `args` and the environment `env` (nothing else of Clerk's).
async fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> =
        env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .args(&args)
            .env_remove("CLERK_SECRET_KEY")
            .env_remove("CLERK_API_URL")
            .env_remove("NO_COLOR")
            .envs(env)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Runs the binary with `args` against `fake`.
async fn run(fake: &FakeClerk, args: &[&str]) -> Output {
    run_env(args, &[("CLERK_API_URL", fake.url()), ("CLERK_SECRET_KEY", fake.secret_key())]).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_or_demo_every_command_fails_with_exit_2() {
    let commands: [&[&str]; 7] = [
        &["count"],
        &["get", "user_a"],
        &["list"],
        &["ban", "user_a"],
        &["lock", "--all"],
        &["delete", "--yes", "user_a"],
        &["unban", "--dry-run", "user_a"],
    ];
    for args in commands {
        for env in [&[][..], &[("CLERK_SECRET_KEY", "  ")]] {
            let output = run_env(args, env).await;
            assert_eq!(text(&output.stderr), format!("error: {NO_KEY}\n"), "{args:?}");
            assert_eq!(text(&output.stdout), "", "{args:?}");
            assert_eq!(output.status.code(), Some(2), "{args:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_send_nothing() {
    let fake = fake(1).await;
    let cases: [&[&str]; 5] = [
        &["frobnicate"],
        &["get"],
        &["ban", "--concurrency", "0", "user_000001"],
        &["count", "--banned", "maybe"],
        &["list", "--max", "-1"],
    ];
    for args in cases {
        let output = run(&fake, args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&output.stdout), "", "{args:?}");
        assert!(text(&output.stderr).starts_with("error: "), "{args:?}");
    }
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_documents_the_exit_codes() {
    for command in ["ban", "unban", "lock", "unlock", "delete", "count", "get", "list"] {
        let output = run_env(&[command, "--help"], &[]).await;
        let help = text(&output.stdout);
        assert!(help.contains("Exit codes: 0 "), "{command}: {help}");
        for code in ["; 1 ", "; 2 usage", "; 130 interrupted"] {
            assert!(help.contains(code), "{command}: {help}");
        }
        assert_eq!(output.status.code(), Some(0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clerk_errors_are_one_line_with_code_and_trace_id_and_exit_1() {
    let fake = fake(3).await;
    fake.on_request(1, Fault::Respond(Reply::status(403).error("authorization_invalid", "no")));

    for args in [&["count"][..], &["list"], &["get", "user_000001"], &["ban", "--all"]] {
        let output = run(&fake, args).await;
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains("clerk returned 403 Forbidden: authorization_invalid: no (trace id "),
            "{args:?}: {stderr}"
        );
        assert_eq!(text(&output.stdout), "");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        // The next command's first request fails the same way.
        fake.on_request(1, Fault::Respond(Reply::status(403).error("authorization_invalid", "no")));
    }
    assert!(fake.requests().iter().all(|r| r.status == Some(403)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_prints_only_data_and_errors() {
    let fake = fake(5).await;

    let output = run(&fake, &["--quiet", "lock", "--all"]).await;
    assert_eq!((text(&output.stdout), text(&output.stderr)), (String::new(), String::new()));
    assert_eq!(output.status.code(), Some(0));

    let output = run(&fake, &["list", "--json", "-q"]).await;
    assert_eq!(text(&output.stdout).lines().count(), 5);
    assert_eq!(text(&output.stderr), "");

    // Errors still show.
    let output = run(&fake, &["-q", "unlock", "user_000001", "user_nope"]).await;
    assert_eq!(
        text(&output.stderr),
        "user_nope: not found\nerror: unlock: 1 of 2 users not done (0 failed, 1 not found)\n"
    );
    assert_eq!(output.status.code(), Some(1));

    // --demo says nothing about itself either.
    let output = run_env(&["--demo", "--demo-users", "3", "-q", "count"], &[]).await;
    assert_eq!((text(&output.stdout), text(&output.stderr)), ("3\n".to_owned(), String::new()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_color_means_no_escape_sequences_anywhere() {
    let fake = fake(3).await;
    let env =
        [("CLERK_API_URL", fake.url()), ("CLERK_SECRET_KEY", fake.secret_key()), ("NO_COLOR", "1")];
    for args in
        [&["ban", "user_000001", "user_nope"][..], &["get", "user_nope"], &["list"], &["bogus"]]
    {
        let output = run_env(args, &env).await;
        let all = [output.stdout, output.stderr].concat();
        assert!(!all.contains(&0x1b), "{args:?}: {}", text(&all));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_key_never_appears_in_any_output() {
    let fake = fake(3).await;
    let commands: [&[&str]; 7] = [
        &["count"],
        &["get", "user_000001", "--pretty"],
        &["get", "user_nope"],
        &["list", "--json"],
        &["ban", "--dry-run", "--all"],
        &["lock", "user_000001", "user_nope"],
        &["delete", "user_000002"],
    ];
    for args in commands {
        let output = run(&fake, args).await;
        let all = text(&[output.stdout, output.stderr].concat());
        assert!(!all.contains(KEY) && !all.contains("SECRET_9f8e7d"), "{args:?}: {all}");
    }
    // A key the instance refuses: the error says 401, not the key.
    let wrong = "sk_live_wrong_SECRET_0a1b2c";
    let output =
        run_env(&["count"], &[("CLERK_API_URL", fake.url()), ("CLERK_SECRET_KEY", wrong)]).await;
    let all = text(&[output.stdout, output.stderr].concat());
    assert!(all.contains("401") && !all.contains("SECRET_0a1b2c"), "{all}");
    assert_eq!(output.status.code(), Some(1));
}
