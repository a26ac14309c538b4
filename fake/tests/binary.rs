//! The `clerk-users-fake` binary: one line of environment on stdout, then a fake that the client
//! can use, until the process is stopped.

use std::process::Stdio;

use clerk_users::Client;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_clerk-users-fake");

/// `CLERK_API_URL=<url> CLERK_SECRET_KEY=<key>` -> `(url, key)`.
fn parse_env_line(line: &str) -> (String, String) {
    let pairs: Vec<(&str, &str)> =
        line.split_whitespace().map(|pair| pair.split_once('=').unwrap()).collect();
    match pairs[..] {
        [("CLERK_API_URL", url), ("CLERK_SECRET_KEY", key)] => (url.to_owned(), key.to_owned()),
        _ => panic!("unexpected line: {line:?}"),
    }
}

/// Starts the binary with `args`: the process, the rest of its stdout, and its first line.
async fn serve(args: &[&str]) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    let mut fake = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(fake.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    (fake, lines, line)
}

#[tokio::test]
async fn the_binary_prints_its_environment_and_serves_the_seeded_users() {
    let (mut fake, mut lines, line) = serve(&["--port", "0", "--seed-users", "25"]).await;

    let (url, key) = parse_env_line(&line);
    let client = Client::builder(&key).base_url(&url).build().unwrap();
    let count = client.get_users_count().send().await.unwrap();
    let users = client.get_user_list().limit(5u64).send().await.unwrap();
    fake.kill().await.unwrap();

    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"), "{url}");
    assert!(!url.ends_with(":0/v1"), "a real port: {url}");
    assert_eq!(key, "sk_test_fake");
    assert_eq!(count.total_count, 25);
    assert_eq!(users.len(), 5);
    assert_eq!(lines.next_line().await.unwrap(), None, "nothing else on stdout");
}

#[tokio::test]
async fn a_port_in_use_is_a_clear_error_and_a_failure_exit() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();

    let output = Command::new(BINARY).args(["--port", &port]).output().await.unwrap();

    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")), "{stderr}");
}

#[tokio::test]
async fn a_key_the_client_would_refuse_is_refused() {
    let output = Command::new(BINARY).args(["--secret-key", "hunter2"]).output().await.unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr, "error: --secret-key must start with sk_ (clients refuse other keys)\n");
}

#[tokio::test]
async fn the_binary_answers_open_questions_as_told() {
    let args = ["--vanished-cursor", "empty-page", "--time-bounds", "inclusive"];
    let (mut fake, _, line) = serve(&[&args[..], &["--tie-order", "insertion"]].concat()).await;
    let (url, key) = parse_env_line(&line);
    let client = Client::builder(&key).base_url(&url).build().unwrap();

    let page = client.get_user_list().starting_after("user_gone").send().await;
    fake.kill().await.unwrap();

    assert!(page.unwrap().is_empty(), "an empty page, not a 422");
}

#[tokio::test]
async fn an_unknown_answer_is_refused_with_the_choices() {
    let output = Command::new(BINARY).args(["--vanished-cursor", "maybe"]).output().await.unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("[possible values: error, empty-page]"), "{stderr}");
}
