//! An in-memory Clerk for tests: [`FakeClerk`] serves the 18 Users operations on a real HTTP
//! server on `127.0.0.1`, so code that uses this crate can be tested without a Clerk account or a
//! network. (Feature `fake`.)
//!
//! ```
//! use clerk_users::fake::FakeClerk;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> clerk_users::Result<()> {
//! let fake = FakeClerk::start().await; // stopped when dropped
//! let ids = fake.seed_users(100); // realistic users, newest last
//! let client = fake.client(); // a `clerk_users::Client` pointed at the fake
//!
//! let user = client.get_user().user_id(&ids[0]).send().await?;
//! assert_eq!(user.id, ids[0]);
//! let count = client.get_users_count().send().await?;
//! assert_eq!(count.total_count, 100);
//! # Ok(()) }
//! ```
//!
//! # What it does
//!
//! It keeps users in memory and answers like Clerk does for what a client relies on:
//!
//! - The key: `Authorization: Bearer <key>` must be [`FakeClerk::secret_key`], else 401
//!   `authentication_invalid`. Other headers are ignored.
//! - Users: create (with Clerk's checks: 422 `form_identifier_exists` for a taken email address,
//!   phone number, username or external id, `form_password_length_too_short` under 8 characters,
//!   `form_param_unknown` for an unknown field), get, update (`username: ""` removes it), delete,
//!   ban/unban, lock/unlock (an hour), profile image (multipart part `file`), metadata deep merge
//!   (`null` deletes a key at any depth), disable MFA, password and TOTP checks (the TOTP code is
//!   the one [`FakeClerk::set_totp_code`] set; a backup code works once), organization
//!   memberships and OAuth access tokens (a bare array, or a `{data, total_count}` page with
//!   `paginated=true`). An unknown user id is 404 `resource_not_found` with a `clerk_trace_id`.
//! - The user list and count, with the filters (`user_id`, `external_id` and `organization_id`
//!   with `+`/`-`, `email_address`, `phone_number`, `username`, `web3_wallet`, `query` and the
//!   other `…_query` searches, `banned`, strict `created_at_before`/`_after`, the
//!   `last_active_at` and `last_sign_in_at` bounds, `provider` with `provider_user_id`), the
//!   orderings (`-created_at` by default; ties by id), `limit` (1 to 500, default 10), `offset`,
//!   and the `starting_after` cursor (created_at orderings only, not with a non-zero offset).
//! - Every error is a `ClerkErrors` body; any other path or method is a 404.
//!
//! Ids look like Clerk's (`user_2…`, `idn_2…`) and come from a seeded random generator, so a run
//! with the same [`seed`](FakeClerkBuilder::seed) and the same calls makes the same ids. Timestamps
//! are Unix milliseconds from the server clock, strictly increasing.
//!
//! # Knobs
//!
//! [`FakeClerk::builder`] adds latency, a rate limit (429 with `Retry-After`), and injected 503s,
//! to test waiting, pacing and retries:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::time::Duration;
//! use clerk_users::fake::FakeClerk;
//!
//! let fake = FakeClerk::builder()
//!     .latency(Duration::from_millis(20))
//!     .rate_limit(100, Duration::from_secs(10))
//!     .failure_rate(0.05)
//!     .seed(42)
//!     .start()
//!     .await;
//! # drop(fake);
//! # }
//! ```
//!
//! # What it does not do
//!
//! No real TOTP, password hashing or image storage: a password imported as a digest (and a seeded
//! user's password) never verifies, and an uploaded image only changes `has_image` and
//! `image_url`. Instance settings (required identifiers, allowed sign-in methods, plan features)
//! are not modelled: every create that passes the checks above succeeds.

mod error;
mod list;
mod render;
mod seed;
mod server;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http::Method;
use serde::Serialize;
use tokio::sync::oneshot;

pub use error::FakeError;
use server::Shared;
use store::{Body, now_ms};

use crate::Client;

/// The key a [`FakeClerk`] accepts unless [`FakeClerkBuilder::secret_key`] says otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_fake";

/// The seed of a [`FakeClerk`]'s random generator unless [`FakeClerkBuilder::seed`] says
/// otherwise.
pub const DEFAULT_SEED: u64 = 0;

/// A request the fake received, as [`FakeClerk::requests`] lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path as sent, still percent-encoded, such as `/v1/users/user_2abc`.
    pub path: String,
    /// The query string as sent (percent-encoded, without `?`); `""` when there was none.
    pub query: String,
    /// The status the fake answered, such as `200` or `429`.
    pub status: u16,
}

/// Settings for a [`FakeClerk`], from [`FakeClerk::builder`]. The defaults: no latency, no rate
/// limit, no failures, seed [`DEFAULT_SEED`], key [`DEFAULT_SECRET_KEY`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FakeClerkBuilder {
    secret_key: String,
    latency: Duration,
    rate_limit: Option<(u64, Duration)>,
    failure_rate: f64,
    seed: u64,
}

impl Default for FakeClerkBuilder {
    fn default() -> Self {
        FakeClerkBuilder {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            latency: Duration::ZERO,
            rate_limit: None,
            failure_rate: 0.0,
            seed: DEFAULT_SEED,
        }
    }
}

impl FakeClerkBuilder {
    /// Waits this long before answering each request (every answer, errors included).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Admits `requests` requests per fixed `window` (windows follow each other from the first
    /// request); the others get 429 `too_many_requests` with `Retry-After` set to the whole
    /// seconds until the window ends (at least 1). Every request counts, whatever its answer. A
    /// zero `window` turns the limit off.
    pub fn rate_limit(mut self, requests: u64, window: Duration) -> Self {
        self.rate_limit = (!window.is_zero()).then_some((requests, window));
        self
    }

    /// Answers this fraction of requests (0.0 to 1.0, drawn from the seeded generator) with 503
    /// `service_unavailable`, before doing anything else. Values outside the range are clamped.
    pub fn failure_rate(mut self, probability: f64) -> Self {
        self.failure_rate = if probability.is_nan() { 0.0 } else { probability.clamp(0.0, 1.0) };
        self
    }

    /// Seeds the random generator behind ids, seeded users and injected failures.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The secret key the fake accepts (default [`DEFAULT_SECRET_KEY`]).
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = secret_key.into();
        self
    }

    /// Starts the server on `127.0.0.1` at a free port, on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or if no local port can be bound.
    pub async fn start(self) -> FakeClerk {
        let shared = Arc::new(Shared::new(
            self.secret_key,
            self.latency,
            self.rate_limit,
            self.failure_rate,
            self.seed,
        ));
        let listener =
            tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap_or_else(|error| {
                panic!("FakeClerk could not bind a port on 127.0.0.1: {error}")
            });
        let addr = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("FakeClerk could not read its address: {error}"));
        let router = axum::Router::new()
            .fallback(server::handle)
            .layer(axum::extract::DefaultBodyLimit::max(server::BODY_LIMIT))
            .with_state(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                // A dropped sender also stops the server.
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "FakeClerk server stopped with an error");
            }
        });
        FakeClerk { shared, addr, url: format!("http://{addr}/v1"), shutdown: Some(shutdown) }
    }
}

/// An in-memory Clerk Users API on a local HTTP server; see the [module docs](self).
///
/// Dropping it stops the server (gracefully: requests in flight are answered).
pub struct FakeClerk {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for FakeClerk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeClerk")
            .field("url", &self.url)
            .field("users", &self.user_count())
            .field("latency", &self.shared.latency)
            .field("rate_limit", &self.shared.rate_limit)
            .field("failure_rate", &self.shared.failure_rate)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeClerk {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The server may already be gone with its runtime; nothing to do then.
            let _ = shutdown.send(());
        }
    }
}

impl FakeClerk {
    /// Starts a fake with the defaults (no latency, no limits, no failures); see
    /// [`FakeClerkBuilder::start`].
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or if no local port can be bound.
    pub async fn start() -> FakeClerk {
        FakeClerk::builder().start().await
    }

    /// Settings for a fake with latency, a rate limit, injected failures or a seed.
    pub fn builder() -> FakeClerkBuilder {
        FakeClerkBuilder::default()
    }

    /// The base URL to give a client: `http://127.0.0.1:<port>/v1`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secret key the fake accepts.
    pub fn secret_key(&self) -> &str {
        &self.shared.secret_key
    }

    /// A client pointed at the fake, with its key and the crate's default retries and timeouts.
    /// For other settings use `Client::builder(fake.secret_key()).base_url(fake.url())`.
    ///
    /// # Panics
    ///
    /// If the key set with [`FakeClerkBuilder::secret_key`] is not one a client accepts (it must
    /// start with `sk_`).
    pub fn client(&self) -> Client {
        Client::builder(self.secret_key())
            .base_url(self.url())
            .build()
            .unwrap_or_else(|error| panic!("a client for the FakeClerk at {}: {error}", self.url))
    }

    /// Adds `n` realistic users and returns their ids, oldest first: names from small lists,
    /// unique emails `first.last.<i>@example.com`, some phone numbers (`+1555…`), usernames,
    /// external ids (`ext_<i>`), locales, public metadata (`plan`, `seats`), passwords (that never
    /// verify), sign-in times, and about 3% banned. They were created over the last two years,
    /// in increasing order, now and then in the same millisecond. 100,000 take about half a
    /// second in a release build on a small machine, and about 120 MB.
    pub fn seed_users(&self, n: usize) -> Vec<String> {
        seed::seed(&mut self.shared.lock().store, n)
    }

    /// Adds a user as `POST /v1/users` would, with the same checks: `body` is a `CreateUser`
    /// body, such as `serde_json::json!({"email_address": ["ada@example.com"]})` or a
    /// [`types::CreateUserBody`](crate::types::CreateUserBody). Returns the new id.
    ///
    /// # Errors
    ///
    /// What the API would answer: 422 `form_identifier_exists` for a taken email address, and so
    /// on; 400 `request_body_invalid` if `body` is not a JSON object.
    pub fn add_user(&self, body: impl Serialize) -> Result<String, FakeError> {
        let mut state = self.shared.lock();
        let outcome = serde_json::to_value(body)
            .map_err(error::Failure::body_invalid)
            .and_then(Body::from_value)
            .and_then(|body| state.store.create(&body));
        match outcome {
            Ok(slot) => {
                Ok(state.store.get(slot).map(|user| user.id.to_string()).unwrap_or_default())
            }
            Err(failure) => Err(FakeError::from_failure(failure, state.trace_id())),
        }
    }

    /// How many users the fake holds.
    pub fn user_count(&self) -> usize {
        self.shared.lock().store.len()
    }

    /// The ids of every user, in the list's default order (newest first).
    pub fn user_ids(&self) -> Vec<String> {
        let state = self.shared.lock();
        let store = &state.store;
        store
            .order()
            .iter()
            .rev()
            .filter_map(|&slot| store.get(slot))
            .map(|u| u.id.to_string())
            .collect()
    }

    /// The user as `GET /v1/users/{id}` would answer it, or `None` if there is no such user.
    pub fn user_json(&self, id: &str) -> Option<serde_json::Value> {
        let state = self.shared.lock();
        let user = state.store.get(state.store.slot(id)?)?;
        serde_json::to_value(render::user(user, now_ms())).ok()
    }

    /// Makes the user a member of the organization named `org_name` (created on first use) with
    /// `role` (such as `org:admin` or `org:member`). Returns the membership id.
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user; 422 `already_a_member_in_organization`.
    pub fn add_membership(
        &self,
        user_id: &str,
        org_name: &str,
        role: &str,
    ) -> Result<String, FakeError> {
        self.with_store(|store| store.add_membership(user_id, org_name, role).map(String::from))
    }

    /// Connects an OAuth account of `provider` (such as `oauth_google`) to the user, holding the
    /// access `token`; it shows in the user's `external_accounts` and in
    /// `get_o_auth_access_token`. Returns the external account id.
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user.
    pub fn add_oauth_token(
        &self,
        user_id: &str,
        provider: &str,
        token: &str,
    ) -> Result<String, FakeError> {
        self.with_store(|store| store.add_oauth_token(user_id, provider, token).map(String::from))
    }

    /// Turns TOTP on for the user and sets the code `verify_totp` accepts as a TOTP code (no TOTP
    /// math: this code, always).
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user.
    pub fn set_totp_code(&self, user_id: &str, code: &str) -> Result<(), FakeError> {
        self.with_store(|store| store.set_totp_code(user_id, code))
    }

    /// The requests received so far, oldest first (also those answered 401, 429 or 503).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut store::Store) -> Result<T, error::Failure>,
    ) -> Result<T, FakeError> {
        let mut state = self.shared.lock();
        f(&mut state.store).map_err(|failure| FakeError::from_failure(failure, state.trace_id()))
    }
}
