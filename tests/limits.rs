//! A success body longer than the client's `max_response_size` fails the call after at most that
//! many bytes, with an error that says so, instead of growing memory until the timeout.

mod support;

use std::time::{Duration, Instant};

use clerk_users::{Client, ConfigError, Error};
use httpmock::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server that answers every request with a 200 whose chunked body never ends, until the
/// client hangs up; returns its base URL.
async fn endless_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                            transfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{address}/v1")
}

/// Resident memory of this process, in bytes.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    pages * 4096
}

#[tokio::test]
async fn an_endless_body_fails_at_the_cap_without_growing_memory_past_it() {
    const CAP: usize = 16 * 1024 * 1024;
    let base_url = endless_server().await;
    let client = Client::builder(support::SECRET_KEY)
        .base_url(base_url)
        .max_response_size(CAP)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let before = resident_bytes();
    let started = Instant::now();

    let error = client
        .get_user_list()
        .email_address(vec!["ada@example.com".to_owned()])
        .send()
        .await
        .unwrap_err();

    let grown = resident_bytes().saturating_sub(before);
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users: clerk's response was longer than the client's max_response_size \
             ({CAP} bytes)"
        )
    );
    assert!(!format!("{error:?}").contains("ada"), "{error:?}");
    // Stopped at the cap, long before the timeout, and not retried although a GET may be.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert!(grown < CAP as u64, "resident memory grew by {grown} bytes");
}

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_without_reading() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users");
            then.status(200).body(format!("[{}]", " ".repeat(4096)));
        })
        .await;
    let client = support::builder(&server).max_response_size(1024).build().unwrap();

    let error = client.get_user_list().send().await.unwrap_err();

    list.assert_calls_async(1).await;
    assert_eq!(
        error.to_string(),
        "GET /v1/users: clerk's response was longer than the client's max_response_size (1024 \
         bytes)"
    );
    // A body within the cap is read as usual.
    let roomy = support::builder(&server).max_response_size(8192).build().unwrap();
    assert!(roomy.get_user_list().send().await.unwrap().is_empty());
}

#[test]
fn a_zero_cap_is_a_configuration_error() {
    let error = Client::builder(support::SECRET_KEY).max_response_size(0).build().unwrap_err();
    assert!(matches!(error, ConfigError::ZeroMaxResponseSize), "{error:?}");
    assert_eq!(error.to_string(), "max_response_size must be greater than zero");
}
