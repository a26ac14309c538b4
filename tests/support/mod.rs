//! Helpers shared by the integration tests: a client pointed at a mock server, fixtures, and the
//! request expectations every call must meet.
#![allow(dead_code)] // Each test binary uses a different subset.

use clerk_users::Client;
use httpmock::{HttpMockRequest, MockServer, When};

/// A syntactically valid test key; tests check it never leaks into output.
pub const SECRET_KEY: &str = "sk_test_Zm9yIHRlc3RzIG9ubHkgMTIzNDU2Nzg5MA";

/// The base path under which the mock servers serve the API, like Clerk's `/v1`.
pub const BASE_PATH: &str = "/v1";

/// The headers a request may carry; anything else is a header the client should not send.
const ALLOWED_HEADERS: &[&str] = &[
    "host",
    "accept",
    "authorization",
    "clerk-api-version",
    "user-agent",
    "content-type",
    "content-length",
];

/// A client for `server`, with the test key and the `/v1` base path. It does not retry, so each
/// call is exactly one request (tests/retry.rs covers retries).
pub fn client(server: &MockServer) -> Client {
    builder(server).no_retries().build().expect("test client configuration is valid")
}

/// A client for a local port nothing listens on (a listener bound and dropped), sending each
/// request once: every call fails to connect.
pub fn unreachable_client() -> Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    Client::builder(SECRET_KEY)
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .no_retries()
        .build()
        .expect("test client configuration is valid")
}

/// A builder for `server`, with the test key and the `/v1` base path, and default settings.
pub fn builder(server: &MockServer) -> clerk_users::ClientBuilder {
    Client::builder(SECRET_KEY).base_url(server.url(BASE_PATH))
}

/// A fixture from `tests/fixtures/`, parsed.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A Clerk error document with one fully populated error.
pub fn clerk_error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "errors": [{
            "code": code,
            "message": message,
            "long_message": format!("{message} (long form)"),
            "meta": {"param_name": "user_id"}
        }],
        "clerk_trace_id": "trace_7b0a1c"
    })
}

/// Expectations every request to Clerk must meet.
pub trait WhenExt {
    /// The auth, version and user-agent headers, and no other custom header (in particular not
    /// progenitor's `api-version`).
    fn clerk_headers(self) -> Self;
    /// The raw query string is exactly `query` (`""` for none), so encoding and order are checked,
    /// not just the presence of parameters.
    fn exact_query(self, query: &str) -> Self;
}

impl WhenExt for When {
    fn clerk_headers(self) -> Self {
        self.header("authorization", format!("Bearer {SECRET_KEY}"))
            .header("clerk-api-version", "2026-05-12")
            .header("user-agent", concat!("clerk-users/", env!("CARGO_PKG_VERSION")))
            .header_missing("api-version")
            .is_true(|req: &HttpMockRequest| {
                req.headers().keys().all(|name| ALLOWED_HEADERS.contains(&name.as_str()))
            })
    }

    fn exact_query(self, query: &str) -> Self {
        let query = query.to_owned();
        self.is_true(move |req: &HttpMockRequest| req.uri().query().unwrap_or("") == query)
    }
}
