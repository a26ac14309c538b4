//! Client construction: every `ConfigError`, base URL handling, and the secret key never showing
//! up in `Debug` or error output.

mod support;

use std::time::Duration;

use clerk_users::{Client, ConfigError};
use httpmock::prelude::*;
use support::{SECRET_KEY, WhenExt};

fn build_error(key: &str, base_url: &str) -> ConfigError {
    Client::builder(key).base_url(base_url).build().unwrap_err()
}

#[test]
fn empty_key_is_refused() {
    let error = build_error("", "https://api.clerk.com/v1");
    assert!(matches!(error, ConfigError::EmptySecretKey));
    assert_eq!(error.to_string(), "the secret key is empty");
}

#[test]
fn key_with_whitespace_control_or_non_ascii_characters_is_refused() {
    for (key, at) in [
        ("sk_test_abc\n", 11),
        (" sk_test_abc", 0),
        ("sk_test_a bc", 9),
        ("sk_test_\tabc", 8),
        ("sk_test_\u{7f}abc", 8),
        ("sk_test_ábc", 8),
    ] {
        let error = build_error(key, "https://api.clerk.com/v1");
        assert!(
            matches!(error, ConfigError::SecretKeyHasInvalidCharacter { at: found } if found == at),
            "{key:?}: {error:?}"
        );
        assert!(error.to_string().contains(&format!("at byte {at}")), "{error}");
    }
}

#[test]
fn key_that_is_not_a_secret_key_is_refused() {
    let error = build_error("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", "https://api.clerk.com/v1");
    assert!(matches!(error, ConfigError::NotASecretKey { publishable: true }));
    assert_eq!(
        error.to_string(),
        "the secret key must start with `sk_` (this is a publishable key, which cannot call the \
         Backend API)"
    );
    for key in ["rk_test_abc", "sk_", "SK_TEST_ABC"] {
        let error = build_error(key, "https://api.clerk.com/v1");
        assert!(matches!(error, ConfigError::NotASecretKey { publishable: false }), "{key}");
    }
}

#[test]
fn unparsable_base_url_is_refused_without_repeating_it() {
    let error = build_error(SECRET_KEY, "api.clerk.com/v1");
    let ConfigError::InvalidBaseUrl { url, reason } = &error else { panic!("{error:?}") };
    assert_eq!(url, &None);
    assert_eq!(
        reason,
        "relative URL without a base (expected something like https://api.clerk.com/v1)"
    );
    assert_eq!(
        error.to_string(),
        "invalid base URL: relative URL without a base (expected something like https://api.clerk.com/v1)"
    );
    for bad in
        ["ftp://api.clerk.com/v1", "https://api.clerk.com/v1?x=1", "https://api.clerk.com/v1#top"]
    {
        let error = build_error(SECRET_KEY, bad);
        assert!(matches!(&error, ConfigError::InvalidBaseUrl { url: Some(_), .. }), "{bad}");
        assert!(
            !error.to_string().contains("x=1") && !error.to_string().contains("#top"),
            "{error}"
        );
    }
}

#[test]
fn a_key_passed_as_the_base_url_is_not_repeated() {
    // Arguments swapped: the key lands in base_url.
    let error = Client::builder("sk_test_other").base_url(SECRET_KEY).build().unwrap_err();
    let secret = &SECRET_KEY["sk_test_".len()..];
    assert!(!error.to_string().contains(secret), "{error}");
    assert!(!format!("{error:?}").contains(secret), "{error:?}");
}

#[test]
fn base_url_with_credentials_is_refused_without_echoing_them() {
    for url in [
        "https://admin:hunter2@api.clerk.com/v1",
        "https://admin:hunter2@/v1",
        "http://admin:hunter2@example.com",
    ] {
        let error = build_error(SECRET_KEY, url);
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
    }
    let builder = Client::builder(SECRET_KEY).base_url("https://admin:hunter2@api.clerk.com/v1");
    assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
}

#[test]
fn plain_http_is_refused_for_remote_hosts_only() {
    let error = build_error(SECRET_KEY, "http://api.clerk.com/v1");
    assert!(matches!(&error, ConfigError::InsecureBaseUrl { host } if host == "api.clerk.com"));
    assert!(error.to_string().starts_with("refusing to send the secret key over plain http"));
    assert!(matches!(
        build_error(SECRET_KEY, "http://10.0.0.7/v1"),
        ConfigError::InsecureBaseUrl { .. }
    ));

    for loopback in ["http://localhost:8080/v1", "http://127.0.0.1:1/", "http://[::1]:9/v1"] {
        assert!(Client::builder(SECRET_KEY).base_url(loopback).build().is_ok(), "{loopback}");
    }
}

#[test]
fn zero_timeouts_are_refused() {
    let error = Client::builder(SECRET_KEY).timeout(Duration::ZERO).build().unwrap_err();
    assert_eq!(error.to_string(), "timeout must be greater than zero");
    let error = Client::builder(SECRET_KEY).connect_timeout(Duration::ZERO).build().unwrap_err();
    assert!(matches!(error, ConfigError::ZeroTimeout("connect_timeout")));
}

#[test]
fn invalid_user_agent_is_refused() {
    let error = Client::builder(SECRET_KEY).user_agent("line\nbreak").build().unwrap_err();
    assert!(matches!(error, ConfigError::InvalidUserAgent));
}

#[test]
fn debug_output_never_shows_the_key() {
    let builder = Client::builder(SECRET_KEY).base_url("http://127.0.0.1:9/v1");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let secret = &SECRET_KEY["sk_test_".len()..];
    for output in [&builder_debug, &client_debug] {
        assert!(!output.contains(secret), "{output}");
    }
    assert!(builder_debug.contains("<redacted>"), "{builder_debug}");
    // The client's Debug still says useful things.
    assert!(client_debug.contains("http://127.0.0.1:9/v1"), "{client_debug}");

    // Errors built from a bad key never quote it either.
    for key in [format!("{SECRET_KEY}\n"), format!("pk{}", &SECRET_KEY[2..])] {
        let error = Client::builder(&key).build().unwrap_err();
        assert!(!error.to_string().contains(secret) && !format!("{error:?}").contains(secret));
    }
}

#[test]
fn api_version_is_pinned() {
    assert_eq!(Client::clerk_api_version(), "2026-05-12");
}

#[tokio::test]
async fn trailing_slash_and_custom_settings_reach_the_wire() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            // One slash between base path and operation path, not two.
            when.method(GET)
                .path("/v1/users/count")
                .header("user-agent", "sync-job/2.0")
                .header("authorization", format!("Bearer {SECRET_KEY}"))
                .header("clerk-api-version", "2026-05-12");
            then.status(200)
                .json_body(serde_json::json!({"object": "total_count", "total_count": 1}));
        })
        .await;
    let client = Client::builder(SECRET_KEY)
        .base_url(server.url("/v1/"))
        .user_agent("sync-job/2.0")
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap();

    let count = client.get_users_count().send().await;

    mock.assert_async().await;
    assert_eq!(count.unwrap().total_count, 1);
}

#[tokio::test]
async fn default_headers_are_exactly_clerks() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count").clerk_headers();
            then.status(200)
                .json_body(serde_json::json!({"object": "total_count", "total_count": 0}));
        })
        .await;

    let count = support::client(&server).get_users_count().send().await;

    mock.assert_async().await;
    assert_eq!(count.unwrap().total_count, 0);
}

#[tokio::test]
async fn timeout_is_applied() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count");
            then.status(200).delay(Duration::from_secs(5)).json_body(serde_json::json!({}));
        })
        .await;
    let client = Client::builder(SECRET_KEY)
        .base_url(server.url("/v1"))
        .timeout(Duration::from_millis(200))
        .no_retries()
        .build()
        .unwrap();

    let error = client.get_users_count().send().await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
}

#[test]
fn rate_limits_governor_cannot_hold_are_refused_not_panics() {
    for limit in [
        clerk_users::RateLimit::new(1, Duration::MAX),
        clerk_users::RateLimit::new(u32::MAX, Duration::from_secs(u64::MAX / 2)),
    ] {
        let error = Client::builder(SECRET_KEY).rate_limit(limit).build().unwrap_err();
        assert!(matches!(error, ConfigError::InvalidRateLimit { .. }), "{error:?}");
        assert!(error.to_string().starts_with("invalid rate limit: "), "{error}");
    }
    // A year is the longest window, and it works.
    let yearly = clerk_users::RateLimit::new(1, Duration::from_secs(365 * 24 * 60 * 60));
    assert!(Client::builder(SECRET_KEY).rate_limit(yearly).build().is_ok());
}
