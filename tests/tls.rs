//! HTTPS: the client speaks TLS with the provider its features chose (`src/tls.rs`). A local
//! listener reads the first bytes the client sends to an `https` base URL and closes.

use clerk_users::Client;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// What the client sends first to `https://localhost:PORT`, and the call's result.
async fn first_bytes_to_https() -> (Vec<u8>, clerk_users::Error) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = Client::builder("sk_test_tls")
        .base_url(format!("https://localhost:{port}/v1"))
        .no_retries()
        .build()
        .unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        // The record header says how long the ClientHello is; read all of it, then close.
        let mut header = [0u8; 5];
        socket.read_exact(&mut header).await.unwrap();
        let mut body = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
        socket.read_exact(&mut body).await.unwrap();
        [header.as_slice(), &body].concat()
    });
    let error = client.get_user().user_id("user_1").send().await.unwrap_err();
    (server.await.unwrap(), error)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[tokio::test]
async fn an_https_base_url_opens_with_a_client_hello_naming_the_host_and_offering_h2_first() {
    let (hello, error) = first_bytes_to_https().await;
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    assert_eq!(hello[5], 0x01, "a ClientHello");
    // Server name indication, then ALPN's protocol list: "h2", then "http/1.1".
    assert!(contains(&hello, b"\x00\x09localhost"), "no SNI for localhost");
    assert!(contains(&hello, b"\x00\x0c\x02h2\x08http/1.1"), "ALPN is not h2, http/1.1");
    // The handshake never finished: a transport error, which names no key.
    assert!(matches!(error, clerk_users::Error::Transport { .. }), "{error:?}");
    assert!(!format!("{error:?} {error}").contains("sk_test_tls"));
}
