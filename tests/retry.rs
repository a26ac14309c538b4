//! Retries, rate limiting and timeouts, against local servers. Waits are short (a second at most)
//! and timing checks loose: these tests check behaviour, the benchmarks measure speed.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use clerk_users::{Client, Error, RateLimit, RetryPolicy};
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::json;
use support::{SECRET_KEY, builder};

/// Retries quickly, so tests do not wait on backoff.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(40))
}

/// One scripted answer: status, `Retry-After` (if any), body.
type Answer = (u16, Option<String>, serde_json::Value);

/// A server answering `method path` with `answers` in turn (the last one repeats), and a counter
/// of the requests it got.
async fn scripted(
    method: httpmock::Method,
    path: &str,
    answers: Vec<Answer>,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start_async().await;
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.respond_with(move |_: &HttpMockRequest| {
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let (status, retry_after, body) = answers[n.min(answers.len() - 1)].clone();
                let mut response = HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json");
                if let Some(retry_after) = retry_after {
                    response = response.header("retry-after", retry_after);
                }
                response.body(body.to_string()).build()
            });
        })
        .await;
    (server, count)
}

fn count_body(n: i64) -> serde_json::Value {
    json!({"object": "total_count", "total_count": n})
}

fn rate_limited() -> serde_json::Value {
    json!({"errors": [{"code": "too_many_requests", "message": "Too many requests", "long_message": "Too many requests, retry later"}]})
}

fn unavailable() -> serde_json::Value {
    json!({"errors": [{"code": "service_unavailable", "message": "down", "long_message": "down for a moment"}]})
}

#[tokio::test]
async fn a_429_waits_what_retry_after_says_then_succeeds() {
    let (server, count) = scripted(
        GET,
        "/v1/users/count",
        vec![(429, Some("1".into()), rate_limited()), (200, None, count_body(3))],
    )
    .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let started = Instant::now();
    let total = client.get_users_count().send().await.unwrap();
    let waited = started.elapsed();

    assert_eq!((total.total_count, count.load(Ordering::SeqCst)), (3, 2));
    // One second, not the 10 ms backoff; generous upper bound for a busy machine.
    assert!(waited >= Duration::from_millis(950) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn a_429_with_an_http_date_waits_until_then() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let (server, count) = scripted(
        GET,
        "/v1/users/count",
        vec![(429, Some(at), rate_limited()), (200, None, count_body(1))],
    )
    .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let started = Instant::now();
    client.get_users_count().send().await.unwrap();
    let waited = started.elapsed();

    assert_eq!(count.load(Ordering::SeqCst), 2);
    // The date has one-second precision: the wait is between one and two seconds.
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn a_429_storm_beyond_the_attempt_limit_returns_the_typed_error() {
    let (server, count) =
        scripted(POST, "/v1/users", vec![(429, Some("0".into()), rate_limited())]).await;
    let client = builder(&server).retry_policy(fast().max_attempts(3)).build().unwrap();

    // create_user is not idempotent, but a 429 was not processed: it is retried too.
    let error = client.create_user().send().await.unwrap_err();

    assert_eq!(count.load(Ordering::SeqCst), 3);
    assert!(error.is_rate_limited());
    assert_eq!(error.codes(), ["too_many_requests"]);
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
}

#[tokio::test]
async fn a_429_whose_wait_exceeds_the_budget_is_returned_at_once() {
    let (server, count) =
        scripted(GET, "/v1/users/count", vec![(429, Some("3600".into()), rate_limited())]).await;
    let client = builder(&server).build().unwrap();

    let started = Instant::now();
    let error = client.get_users_count().send().await.unwrap_err();

    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn create_user_on_503_is_sent_exactly_once() {
    let (server, count) = scripted(
        POST,
        "/v1/users",
        vec![(503, None, unavailable()), (200, None, support::fixture("user_full.json"))],
    )
    .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let error = client.create_user().send().await.unwrap_err();

    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn non_idempotent_operations_are_never_retried_on_gateway_errors() {
    for status in [502, 503, 504] {
        let user = support::fixture("user_full.json");
        let path = "/v1/users/user_1";
        let (server, count) =
            scripted(PATCH, path, vec![(status, None, unavailable()), (200, None, user.clone())])
                .await;
        let client = builder(&server).retry_policy(fast()).build().unwrap();
        assert!(client.update_user().user_id("user_1").send().await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 1, "update_user on {status}");

        let (server, count) =
            scripted(POST, "/v1/users/user_1/verify_password", vec![(status, None, unavailable())])
                .await;
        let client = builder(&server).retry_policy(fast()).build().unwrap();
        assert!(client.check_password("user_1", "pw").await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 1, "verify_password on {status}");
    }
}

#[tokio::test]
async fn a_get_on_503_is_retried_and_succeeds() {
    let (server, count) = scripted(
        GET,
        "/v1/users/count",
        vec![(503, None, unavailable()), (502, None, unavailable()), (200, None, count_body(9))],
    )
    .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let total = client.get_users_count().send().await.unwrap();

    assert_eq!((total.total_count, count.load(Ordering::SeqCst)), (9, 3));
}

#[tokio::test]
async fn ban_is_idempotent_so_it_is_retried_on_503() {
    let user = support::fixture("user_full.json");
    let (server, count) =
        scripted(POST, "/v1/users/user_1/ban", vec![(503, None, unavailable()), (200, None, user)])
            .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    client.ban_user().user_id("user_1").send().await.unwrap();

    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_new_state_setting_operations_are_retried_on_503() {
    let user = support::fixture("user_full.json");
    let users = json!([user.clone()]);
    let deleted = json!({"object": "passkey", "id": "idn_1", "deleted": true});
    let cases: Vec<(httpmock::Method, &str, serde_json::Value)> = vec![
        (POST, "/v1/users/ban", users.clone()),
        (POST, "/v1/users/unban", users),
        (PUT, "/v1/users/user_1/metadata", user.clone()),
        (POST, "/v1/users/user_1/remove_password", user.clone()),
        (POST, "/v1/users/user_1/password/set_compromised", user.clone()),
        (POST, "/v1/users/user_1/password/unset_compromised", user),
        (DELETE, "/v1/users/user_1/passkeys/idn_1", deleted),
    ];
    for (method, path, answer) in cases {
        let (server, count) =
            scripted(method, path, vec![(503, None, unavailable()), (200, None, answer)]).await;
        let c = builder(&server).retry_policy(fast()).build().unwrap();
        let ids = vec!["user_1".to_owned()];
        let sent = match path {
            "/v1/users/ban" => c.users_ban().body_map(|b| b.user_ids(ids)).send().await.map(drop),
            "/v1/users/unban" => {
                c.users_unban().body_map(|b| b.user_ids(ids)).send().await.map(drop)
            }
            "/v1/users/user_1/metadata" => {
                c.replace_user_metadata().user_id("user_1").send().await.map(drop)
            }
            "/v1/users/user_1/remove_password" => {
                c.remove_user_password().user_id("user_1").send().await.map(drop)
            }
            "/v1/users/user_1/password/set_compromised" => {
                c.set_user_password_compromised().user_id("user_1").send().await.map(drop)
            }
            "/v1/users/user_1/password/unset_compromised" => {
                c.unset_user_password_compromised().user_id("user_1").send().await.map(drop)
            }
            _ => c
                .user_passkey_delete()
                .user_id("user_1")
                .passkey_identification_id("idn_1")
                .send()
                .await
                .map(drop),
        };
        sent.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(count.load(Ordering::SeqCst), 2, "{path}");
    }
}

#[tokio::test]
async fn a_credit_adjustment_is_never_retried_on_a_gateway_error() {
    let ledger = json!({"object": "commerce_credit_ledger", "id": "ccl_1"});
    let (server, count) = scripted(
        POST,
        "/v1/users/user_1/billing/credits",
        vec![(503, None, unavailable()), (200, None, ledger)],
    )
    .await;
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let error = client
        .adjust_user_billing_credit_balance()
        .user_id("user_1")
        .body_map(|b| {
            b.amount(500_i64)
                .action(clerk_users::types::AdjustCreditBalanceRequestAction::Increase)
                .idempotency_key("grant-2026-11")
        })
        .send()
        .await
        .unwrap_err();

    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

/// A server whose first `drops` connections get half a response and are closed; later ones get
/// a whole 200 response with `body`. Returns its base URL and a connection counter.
async fn dropping_server(drops: usize, body: &'static str) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut request = vec![0u8; 8192];
            let _ = socket.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let sent = if n < drops { &body[..body.len() / 2] } else { body };
            let _ = socket.write_all(sent.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{address}/v1"), connections)
}

#[tokio::test]
async fn a_connection_dropped_mid_response_on_get_is_retried() {
    let (base_url, connections) =
        dropping_server(1, r#"{"object":"total_count","total_count":42}"#).await;
    let client =
        Client::builder(SECRET_KEY).base_url(base_url).retry_policy(fast()).build().unwrap();

    let total = client.get_users_count().send().await.unwrap();

    assert_eq!((total.total_count, connections.load(Ordering::SeqCst)), (42, 2));
}

#[tokio::test]
async fn a_connection_dropped_mid_response_on_create_is_not_retried() {
    let (base_url, connections) = dropping_server(1, r#"{"id":"user_1"}"#).await;
    let client =
        Client::builder(SECRET_KEY).base_url(base_url).retry_policy(fast()).build().unwrap();

    let error = client.create_user().send().await.unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_slow_server_hits_the_timeout_with_a_clear_error() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(3)).json_body(count_body(1));
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast().max_attempts(2))
        .build()
        .unwrap();

    // Safe to repeat: tried twice, then the timeout error.
    let error = client.get_users_count().send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        error.to_string(),
        "GET /v1/users/count: clerk did not answer in time (the client's timeout, 30 s unless set)"
    );
    slow.assert_calls_async(2).await;

    // Not safe to repeat: once.
    let error = client.create_user().send().await.unwrap_err();
    assert!(error.is_timeout());
    slow.assert_calls_async(3).await;
}

#[tokio::test]
async fn the_rate_limiter_spaces_requests_and_is_shared_by_clones() {
    let server = MockServer::start_async().await;
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&order);
    server
        .mock_async(|when, then| {
            when.method(GET).path_prefix("/v1/users/");
            then.respond_with(move |request: &HttpMockRequest| {
                log.lock().unwrap().push((request.uri().path().to_owned(), Instant::now()));
                HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(support::fixture("user_full.json").to_string())
                    .build()
            });
        })
        .await;
    // 20 per second: a burst of one, then about one every 53 ms.
    let client = builder(&server).rate_limit(RateLimit::per_second(20)).build().unwrap();

    let started = Instant::now();
    for n in 0..20 {
        let clone = client.clone();
        clone.get_user().user_id(format!("user_{n}")).send().await.unwrap();
    }
    let elapsed = started.elapsed();

    let order = order.lock().unwrap();
    let paths: Vec<&str> = order.iter().map(|(path, _)| path.as_str()).collect();
    let expected: Vec<String> = (0..20).map(|n| format!("/v1/users/user_{n}")).collect();
    assert_eq!(paths, expected);
    // 19 intervals of ~53 ms; loose bounds.
    assert!(
        elapsed >= Duration::from_millis(800) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    let gaps: Vec<Duration> = order.windows(2).map(|w| w[1].1 - w[0].1).collect();
    assert!(gaps.iter().all(|gap| *gap >= Duration::from_millis(25)), "{gaps:?}");
}

#[tokio::test]
async fn with_retries_off_one_request_is_sent() {
    let (server, count) = scripted(
        GET,
        "/v1/users/count",
        vec![(503, None, unavailable()), (200, None, count_body(1))],
    )
    .await;
    let client = builder(&server).no_retries().build().unwrap();

    let error = client.get_users_count().send().await.unwrap_err();

    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn retry_after_zero_forever_is_no_storm() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count");
            then.status(429).header("retry-after", "0").json_body(clerk_error_429());
        })
        .await;
    // 10 ms base delay: each `Retry-After: 0` still waits at least 5 ms.
    let client = builder(&server).retry_policy(fast()).build().unwrap();

    let started = std::time::Instant::now();
    let error = client.get_users_count().send().await.unwrap_err();

    // Bounded by count (5 attempts by default), and never back to back.
    mock.assert_calls_async(5).await;
    assert!(started.elapsed() >= Duration::from_millis(4 * 5), "{:?}", started.elapsed());
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
}

fn clerk_error_429() -> serde_json::Value {
    json!({"errors": [{"code": "too_many_requests", "message": "slow down", "long_message": "slow down"}]})
}
