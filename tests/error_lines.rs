//! One error type from every kind of call: a generated JSON operation, the hand-written
//! multipart upload and a paginated walk fail the same way, and what they print (`Display`,
//! `Debug`, through `anyhow`) names the request, the status, Clerk's code and message, and the
//! trace id, never the query string.

mod support;

use clerk_users::prelude::*;
use clerk_users::{Client, RetryPolicy};
use httpmock::prelude::*;
use support::clerk_error;

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

/// The three kinds of call.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `get_user`, generated from the spec.
    Generated,
    /// `set_user_profile_image`, written by hand.
    Multipart,
    /// `get_user_list().paginate()`, whose stream ends with a `WalkError`.
    Walk,
}

const KINDS: [Kind; 3] = [Kind::Generated, Kind::Multipart, Kind::Walk];

impl Kind {
    fn method(self) -> httpmock::Method {
        match self {
            Kind::Generated | Kind::Walk => GET,
            Kind::Multipart => POST,
        }
    }

    /// The path the call requests.
    fn path(self) -> String {
        match self {
            Kind::Generated => format!("/v1/users/{USER_ID}"),
            Kind::Multipart => format!("/v1/users/{USER_ID}/profile_image"),
            Kind::Walk => "/v1/users".to_owned(),
        }
    }

    /// What the line starts with: the request (and, for a walk, how far it got).
    fn prefix(self) -> String {
        let line = format!("{} {}", self.method(), self.path());
        match self {
            Kind::Walk => format!("listing stopped after 0 items: {line}"),
            Kind::Generated | Kind::Multipart => line,
        }
    }

    /// Makes the call and returns its error: as `.unwrap()` prints it (`Debug`), and as a
    /// program using `anyhow` gets it from `?`.
    async fn fail(self, client: &Client) -> (String, anyhow::Error) {
        fn seen<E: std::error::Error + Send + Sync + 'static>(error: E) -> (String, anyhow::Error) {
            (format!("{error:?}"), anyhow::Error::from(error))
        }
        match self {
            Kind::Generated => seen(client.get_user().user_id(USER_ID).send().await.unwrap_err()),
            Kind::Multipart => {
                let upload = client.set_user_profile_image().user_id(USER_ID);
                seen(
                    upload.file(b"GIF89a".to_vec(), "a.gif", "image/gif").send().await.unwrap_err(),
                )
            }
            Kind::Walk => {
                // The filter's value must never show up in the error.
                let walk = client.get_user_list().email_address(["ada@example.com"]);
                seen(walk.paginate().collect_all().await.unwrap_err())
            }
        }
    }
}

/// Asserts the error's `Display` line, that `Debug` (what `.unwrap()` prints) and `anyhow` carry
/// the same facts, and that no query value leaks.
fn assert_line(
    kind: Kind,
    (debug, through_anyhow): (String, anyhow::Error),
    line: &str,
    facts: &[&str],
) {
    for fact in facts {
        assert!(debug.contains(fact), "{kind:?}: {fact:?} missing from {debug}");
    }
    assert_eq!(through_anyhow.to_string(), line, "{kind:?}");
    let everything = format!("{through_anyhow:?} {through_anyhow:#}");
    assert!(!everything.contains("ada") && !everything.contains("no.url"), "{everything}");
}

#[tokio::test]
async fn a_4xx_with_a_clerk_body_names_the_request_code_message_and_trace_id() {
    for kind in KINDS {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(kind.method()).path(kind.path());
                then.status(404).json_body(clerk_error("resource_not_found", "not found"));
            })
            .await;

        let error = kind.fail(&support::client(&server)).await;

        mock.assert_calls_async(1).await;
        let line = format!(
            "{}: clerk returned 404 Not Found: resource_not_found: not found (long form) (trace id \
             trace_7b0a1c)",
            kind.prefix()
        );
        assert_line(
            kind,
            error,
            &line,
            &["404", "resource_not_found", "not found (long form)", "trace_7b0a1c"],
        );
    }
}

#[tokio::test]
async fn a_429_after_retries_is_the_last_answer() {
    for kind in KINDS {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(kind.method()).path(kind.path());
                then.status(429)
                    .header("retry-after", "0")
                    .json_body(clerk_error("too_many_requests", "too many requests"));
            })
            .await;
        let policy = RetryPolicy::default().max_attempts(3);
        let client = support::builder(&server).retry_policy(policy).build().unwrap();

        let error = kind.fail(&client).await;

        // A multipart body is a stream that cannot be sent twice: one attempt only.
        let attempts = if matches!(kind, Kind::Multipart) { 1 } else { 3 };
        mock.assert_calls_async(attempts).await;
        let line = format!(
            "{}: clerk returned 429 Too Many Requests: too_many_requests: too many requests (long \
             form) (trace id trace_7b0a1c)",
            kind.prefix()
        );
        assert_line(kind, error, &line, &["429", "too_many_requests", "trace_7b0a1c"]);
    }
}

#[tokio::test]
async fn a_5xx_with_an_html_body_describes_the_body_without_showing_it() {
    let page = "<html><body><h1>502 Bad Gateway</h1><p>ada@example.com</p></body></html>";
    for kind in KINDS {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(kind.method()).path(kind.path());
                then.status(502)
                    .header("content-type", "text/html")
                    .header("cf-ray", "8f1e2d3c4b5a6978-FRA")
                    .body(page);
            })
            .await;

        let error = kind.fail(&support::client(&server)).await;

        let line = format!(
            "{}: clerk returned 502 Bad Gateway with a body that is not clerk's JSON (text/html, \
             {} bytes) (trace id 8f1e2d3c4b5a6978-FRA)",
            kind.prefix(),
            page.len()
        );
        assert_line(kind, error, &line, &["502", "8f1e2d3c4b5a6978-FRA"]);
    }
}

#[tokio::test]
async fn a_transport_failure_names_the_request_and_keeps_the_cause() {
    let client = support::unreachable_client();
    for kind in KINDS {
        let error = kind.fail(&client).await;

        let line = format!("{}: error sending request to clerk", kind.prefix());
        let source = error.1.source().expect("the transport error underneath");
        assert!(source.to_string().contains("error sending request"), "{source}");
        assert_line(kind, error, &line, &["Transport", "ConnectionRefused"]);
    }
}
