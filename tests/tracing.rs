//! What the client traces: operation, method, path, status, attempts, waits and Clerk's trace id;
//! never the secret key or a body.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_users::RetryPolicy;
use httpmock::prelude::*;
use serde_json::json;
use support::{SECRET_KEY, builder};

/// A writer into a shared buffer, for the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was written so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Captures `clerk_users=debug` output of this thread's code until the guard is dropped.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("clerk_users=debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn requests_and_retries_are_traced_without_secrets_or_bodies() {
    let (captured, _guard) = capture();

    let server = MockServer::start_async().await;
    let answers = Arc::new(Mutex::new(0));
    let count = Arc::clone(&answers);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users/user_7/ban");
            then.respond_with(move |_| {
                let mut n = count.lock().unwrap();
                *n += 1;
                let (status, body) = match *n {
                    1 => (503, json!({"errors": [], "clerk_trace_id": "trace_first_try"})),
                    _ => (200, support::fixture("user_full.json")),
                };
                httpmock::HttpMockResponse::builder().status(status).body(body.to_string()).build()
            });
        })
        .await;
    let fast = RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(20));
    let client = builder(&server).retry_policy(fast).build().unwrap();

    client.ban_user().user_id("user_7").send().await.unwrap();

    let output = captured.text();
    for expected in [
        "clerk.request",
        "operation=\"ban_user\"",
        "method=POST",
        "path=\"/v1/users/user_7/ban\"",
        "clerk.attempt",
        "attempt=1",
        "attempt=2",
        "status=503",
        "trace_id=\"trace_first_try\"",
        "retrying",
        "wait_ms=",
        "duration_ms=",
        "status=200",
    ] {
        assert!(output.contains(expected), "{expected} missing from:\n{output}");
    }
    let secret = &SECRET_KEY["sk_test_".len()..];
    assert!(!output.contains(secret), "the key leaked:\n{output}");
    assert!(!output.contains("Ada"), "a body leaked:\n{output}");
}

#[tokio::test]
async fn a_failed_connection_is_traced_without_the_query_string() {
    let (captured, _guard) = capture();
    let client = support::unreachable_client();

    let error = client
        .get_user_list()
        .email_address(vec!["ada@example.com".to_owned()])
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.to_string(), "GET /v1/users: error sending request to clerk");
    let output = captured.text();
    assert!(output.contains("no response"), "the failure is traced:\n{output}");
    assert!(output.contains("/v1/users"), "with its path:\n{output}");
    assert!(
        !output.contains("ada") && !output.contains("email_address"),
        "a query leaked:\n{output}"
    );
}

#[tokio::test]
async fn timeouts_and_bodies_that_do_not_decode_show_no_personal_data() {
    let (captured, _guard) = capture();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users");
            then.status(200).delay(Duration::from_secs(2)).json_body(json!([]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/user_7");
            // A user whose `created_at` is not a number: the body does not decode.
            then.status(200)
                .json_body(json!({"id": "user_7", "email": "ada@example.com", "created_at": "x"}));
        })
        .await;
    let client = builder(&server).timeout(Duration::from_millis(200)).no_retries().build().unwrap();

    let timed_out = client
        .get_user_list()
        .email_address(vec!["ada@example.com".to_owned()])
        .send()
        .await
        .unwrap_err();
    let undecoded = client.get_user().user_id("user_7").send().await.unwrap_err();

    assert!(timed_out.is_timeout(), "{timed_out:?}");
    assert!(matches!(undecoded, clerk_users::Error::Decode(_)), "{undecoded:?}");
    let output = captured.text();
    let shown = format!("{timed_out} {timed_out:?} {undecoded} {undecoded:?} {output}");
    assert!(!shown.contains("ada") && !shown.contains("email_address"), "{shown}");
}
