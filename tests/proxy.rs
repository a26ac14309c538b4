//! A proxy set in the environment never sees requests to a loopback base URL: over plain http it
//! would read the secret key. This file is its own test binary (its own process), since it sets
//! process-wide environment variables.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use support::WhenExt;

#[tokio::test]
async fn requests_to_a_loopback_base_url_bypass_every_proxy() {
    // A listener posing as the proxy: it records what reaches it, and answers nothing.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    {
        let (connections, seen) = (Arc::clone(&connections), Arc::clone(&seen));
        std::thread::spawn(move || {
            for stream in proxy.incoming().flatten() {
                connections.fetch_add(1, Ordering::SeqCst);
                let mut stream = stream;
                let mut buffer = [0u8; 4096];
                if let Ok(n) = stream.read(&mut buffer) {
                    seen.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            }
        });
    }
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY"] {
        // SAFETY: this test binary runs this one test; nothing else reads the environment
        // while it is set.
        unsafe { std::env::set_var(name, &proxy_url) };
    }
    for name in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(name) };
    }
    let server = MockServer::start_async().await;
    let count = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count").clerk_headers();
            then.status(200)
                .json_body(serde_json::json!({"object": "total_count", "total_count": 1}));
        })
        .await;

    // `127.0.0.1` and `localhost` alike; clients are built after the proxy is set. A proxied
    // request would hang on the silent proxy until the timeout.
    let builder = || support::builder(&server).timeout(Duration::from_secs(5)).no_retries();
    let by_name = builder().base_url(server.url("/v1").replace("127.0.0.1", "localhost"));
    let total = builder().build().unwrap().get_users_count().send().await.unwrap();
    by_name.build().unwrap().get_users_count().send().await.unwrap();

    assert_eq!(total.total_count, 1);
    count.assert_calls_async(2).await;
    assert_eq!(connections.load(Ordering::SeqCst), 0, "the proxy saw a connection");
    assert!(seen.lock().unwrap().is_empty());
}
