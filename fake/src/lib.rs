//! An in-memory fake of [Clerk]'s Users API for testing code that uses [`clerk_users`]:
//! [`FakeClerk`] serves the 35 Users operations on a real HTTP server on `127.0.0.1`, so tests run
//! without a Clerk account or a network, and it can fail, stall, grow or repeat itself on the
//! request you choose, so you can test what your code does when Clerk misbehaves.
//!
//! # Add it to your tests
//!
//! ```toml
//! [dev-dependencies]
//! clerk-users-fake = { version = "0.1", default-features = false }  # no CLI, no clap
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Start a fake, seed it, and hand its [`client`](FakeClerk::client) (or its
//! [`url`](FakeClerk::url) and [`secret_key`](FakeClerk::secret_key)) to the code under test:
//!
//! ```
//! use clerk_users_fake::FakeClerk;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> clerk_users::Result<()> {
//! let fake = FakeClerk::start().await; // stopped when it and its clients are dropped
//! let ids = fake.seed_users(100); // realistic users over two years, newest last
//! let client = fake.client(); // a `clerk_users::Client` pointed at the fake
//!
//! client.ban_user().user_id(&ids[0]).send().await?;
//! assert_eq!(client.get_user().user_id(&ids[0]).send().await?.banned, Some(true));
//! let count = client.get_users_count().send().await?;
//! assert_eq!(count.total_count, 100);
//! # Ok(()) }
//! ```
//!
//! # Make it misbehave
//!
//! Faults are scheduled at run time, on the n-th request from now (counting from 1) of any kind
//! ([`on_request`](FakeClerk::on_request)), of the user list
//! ([`on_list_request`](FakeClerk::on_list_request)), or of one method and path
//! ([`on_route`](FakeClerk::on_route)); see [`Fault`] for what they do. The
//! [request log](FakeClerk::requests) shows what the client sent, query strings included:
//!
//! ```
//! use clerk_users::prelude::*;
//! use clerk_users_fake::{Fault, FakeClerk, Reply};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let fake = FakeClerk::builder().sequential_ids().start().await;
//! fake.seed_users(5); // user_000001 (oldest) to user_000005
//! fake.on_list_request(2, Fault::Respond(Reply::status(429).retry_after(0)));
//! fake.on_list_request(3, Fault::InsertUsers(2));
//!
//! let client = fake.client(); // retries the 429 at once, as Retry-After says
//! let users = client.get_user_list().paginate().page_size(2).collect_all().await.unwrap();
//!
//! // The cursor walk sees the users that existed when it started, each once.
//! assert_eq!(users.len(), 5);
//! assert_eq!(
//!     fake.list_queries(),
//!     [
//!         "limit=2",
//!         "limit=2&starting_after=user_000004", // 429
//!         "limit=2&starting_after=user_000004", // two users inserted, then answered
//!         "limit=2&starting_after=user_000002",
//!     ]
//! );
//! # }
//! ```
//!
//! The builder sets knobs for the whole run: [`latency`](FakeClerkBuilder::latency), Clerk's
//! [`rate_limit`](FakeClerkBuilder::rate_limit) (429 with `Retry-After`), a
//! [`failure_rate`](FakeClerkBuilder::failure_rate) of random 503s, a
//! [`seed`](FakeClerkBuilder::seed).
//!
//! # What Clerk's docs leave open
//!
//! Three builder knobs choose how the fake answers questions Clerk's docs do not settle, so a
//! test can check that code is right whichever way Clerk really behaves:
//! [`time_bounds`](FakeClerkBuilder::time_bounds) (do `created_at_after`/`_before` and the other
//! time filters include their boundary millisecond?), [`tie_order`](FakeClerkBuilder::tie_order)
//! (how are users created in the same millisecond ordered?) and
//! [`vanished_cursor`](FakeClerkBuilder::vanished_cursor) (what does `starting_after` answer
//! when its user was deleted: 422, or an empty page?). [`FakeClerk::remove_user`] deletes a user
//! under a running walk without a request.
//!
//! ```
//! use clerk_users::prelude::*;
//! use clerk_users_fake::{FakeClerk, TieOrder, TimeBounds, VanishedCursor};
//! use futures::TryStreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let fake = FakeClerk::builder()
//!     .time_bounds(TimeBounds::Inclusive)
//!     .tie_order(TieOrder::Insertion)
//!     .vanished_cursor(VanishedCursor::EmptyPage)
//!     .start()
//!     .await;
//! fake.seed_users(250);
//!
//! // A cleanup job deleting users as it walks them still sees every user once.
//! let mut pages = fake.client().get_user_list().paginate().page_size(100).pages();
//! let mut deleted = 0;
//! while let Some(page) = pages.try_next().await.unwrap() {
//!     for user in page.items {
//!         assert!(fake.remove_user(&user.id));
//!         deleted += 1;
//!     }
//! }
//! assert_eq!((deleted, fake.user_count()), (250, 0));
//! # }
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
//!   other `…_query` searches, `banned`, `created_at_before`/`_after` (strict by default), the
//!   `last_active_at` and `last_sign_in_at` bounds, `provider` with `provider_user_id`), the
//!   orderings (`-created_at` by default; ties by id by default), `limit` (1 to 500, default 10),
//!   `offset`, and the `starting_after` cursor (created_at orderings only, not with a non-zero
//!   offset; 422 for an id no user has, by default).
//! - The 17 operations Clerk added in API version 2026-05-12, with state that later answers show:
//!   bulk ban and unban (`POST /users/ban`, `/users/unban`), metadata replacement (`PUT
//!   /users/{id}/metadata`: each map given replaces the stored one, `{}` clears it, a map left
//!   out or `null` stays), password removal, the compromised-password flag
//!   ([`FakeClerk::password_compromised`]), TOTP and backup-code deletion (`mfa_disabled_at` is
//!   set when no second factor is left, as `DELETE /users/{id}/mfa` does), passkey, web3 wallet
//!   and external account deletion (a `DeletedObject`; the wallet's address is free again and
//!   the primary wallet moves to the first one left; the account's OAuth token goes with it),
//!   trusted devices (the active ones, newest first; a revoke answers the device with
//!   `status: revoked`), organization invitations (newest first, `status` filter, `limit` and
//!   `offset`), and billing (the subscription, the credit balance, and adjustments written to a
//!   ledger). Passkeys, trusted devices and invitations cannot be made through the Users API:
//!   [`add_passkey`](FakeClerk::add_passkey),
//!   [`add_trusted_device`](FakeClerk::add_trusted_device) and
//!   [`add_organization_invitation`](FakeClerk::add_organization_invitation) make them.
//! - Every error is a `ClerkErrors` body; any other path or method is a 404; a malformed request
//!   is a 4xx, never a crash.
//!
//! Ids look like Clerk's (`user_2…`, `idn_2…`) and come from a seeded random generator, so a run
//! with the same [`seed`](FakeClerkBuilder::seed) and the same calls makes the same ids
//! ([`sequential_ids`](FakeClerkBuilder::sequential_ids) makes them `user_000001`, … instead).
//! Timestamps are Unix milliseconds from the server clock, strictly increasing. Every kind of
//! answer is checked against the client's generated types in this crate's tests, so the fake
//! cannot drift from the spec. [`UserJson`] builds a user's JSON the same way, without a server.
//!
//! # From other languages
//!
//! The `clerk-users-fake` binary serves a fake until Ctrl-C and prints the environment a client
//! needs on one line:
//!
//! ```text
//! $ cargo run -p clerk-users-fake -- --port 8080 --seed-users 1000
//! CLERK_API_URL=http://127.0.0.1:8080/v1 CLERK_SECRET_KEY=sk_test_fake
//! ```
//!
//! ## What the fake chose for the newer operations
//!
//! Clerk's docs do not say how these behave; the fake answers this way (a [`Fault`] on
//! [`on_route`](FakeClerk::on_route) gives any other answer, such as a 409 or a 403
//! `billing_not_enabled`):
//!
//! - Bulk ban and unban take 1 to 50 `user_ids`: none is 400 `form_param_missing` ("at least one
//!   item must be provided"), 51 or more 400 `form_param_array_size_exceeded` (the spec declares
//!   400; Clerk's error catalogue lists these codes as 422), no `user_ids` at all 422
//!   `form_param_missing`. Ids no user has are skipped; the answer is the users that exist, in
//!   the order asked, each once (an empty array if none does).
//! - Setting the compromised flag on a user without a password is 400 `no_password_set`;
//!   unsetting it always succeeds. A new password (`PATCH /users/{id}`) or `remove_password`
//!   clears it. It is not in the answers: the spec's `User` has no `requires_password_reset`.
//! - Removing the password of a user without one answers the user unchanged, `updated_at`
//!   included; `password_last_updated_at` stays. `sign_out_of_other_sessions` and
//!   `revoke_all_sessions` are checked and do nothing: the fake has no sessions.
//! - Deleting TOTP or backup codes a user does not have answers `{"user_id": …}` like a deletion.
//! - Deleting a user's last identification (email addresses, phone numbers, web3 wallets, a
//!   username, external accounts and passkeys count) through the wallet or external account
//!   deletion is 400 `identification_deletion_failed`. Unknown ids are 404: `resource_not_found`
//!   for a wallet or trusted device, `external_account_not_found`, `passkey_not_registered`. A
//!   device already revoked is a 404 too.
//! - Billing is on for users: every user has an active subscription to the free plan
//!   (`cplan_free_user`, $0 a month, since the user was created, nothing due), with ids made from
//!   the user's (`csub_2abc`, `csubi_2abc`, payer `cpayer_2abc` for `user_2abc`) and instance
//!   `ins_fake`. Credits are US cents: `balance` is `null` until the first adjustment;
//!   `amount_formatted` is the decimal amount without the symbol (`"10.50"`, `"-3.00"`). An
//!   adjustment of 0 or less is 422 `invalid_credit_amount`, an action other than
//!   `increase`/`decrease` 422 `invalid_credit_action`, a currency other than USD 400
//!   `currency_invalid`, a decrease below zero 422 `insufficient_credit_balance`. An
//!   idempotency key already in the user's ledger answers that entry again and changes nothing,
//!   whatever the rest of the body says; keys are per user and never expire. A ledger entry's
//!   `source_type` is `grant` (an increase) or `debit` (a decrease), its `source_id` the
//!   idempotency key, its amount negative for a decrease, and its `created_at` an RFC 3339
//!   string, as the spec says.
//! - Invitations expire 30 days after they are made (`expires_at`; the status does not change
//!   by itself) and have no `url`. An unknown `status` filter is 422 `form_param_value_invalid`.
//!
//! # What it does not do
//!
//! No real TOTP, password hashing, WebAuthn, sessions, payments or image storage: a password
//! imported as a digest (and a seeded user's password) never verifies, a passkey is a name, and
//! an uploaded image only changes `has_image` and `image_url`. Instance settings (required identifiers, allowed sign-in methods, plan features)
//! are not modelled: every create that passes the checks above succeeds.
//!
//! [Clerk]: https://clerk.com

#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![forbid(unsafe_code)]

mod billing;
mod body;
mod builder;
mod credentials;
mod devices;
mod error;
mod fault;
mod identities;
mod invitations;
mod list;
mod quirks;
mod render;
mod route;
mod seed;
mod server;
mod store;
mod time;
mod user;
mod user_json;

use std::net::SocketAddr;
use std::sync::Arc;

use clerk_users::{Client, ClientBuilder};
use http::Method;
use serde::Serialize;
use tokio::sync::watch;

use body::Body;
pub use builder::{DEFAULT_REQUEST_LOG, FakeClerkBuilder};
pub use devices::DevicePlatform;
pub use error::FakeError;
use fault::Matcher;
pub use fault::{Fault, Reply};
pub use invitations::{InvitationStatus, NewInvitation};
pub use quirks::{TieOrder, TimeBounds, VanishedCursor};
use server::Shared;
use time::now_ms;
pub use user_json::UserJson;

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
    /// The status the fake answered, such as `200` or `429`; `None` while the request is held
    /// (a [`Fault::Stall`] or [`Fault::Hang`]) or being answered.
    pub status: Option<u16>,
}

/// An in-memory Clerk Users API on a local HTTP server; see the [crate docs](crate).
///
/// The server stops (gracefully: requests in flight are answered, held ones with 503) once the
/// `FakeClerk` and every client from its [`client`](FakeClerk::client) and
/// [`client_builder`](FakeClerk::client_builder), clones included, are dropped: such a client
/// keeps the server running, so `FakeClerk::start().await.client()` is a working client. A client
/// built by hand from [`url`](FakeClerk::url) and [`secret_key`](FakeClerk::secret_key) does not
/// keep it running.
pub struct FakeClerk {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    /// Held by the fake and by every client it hands out; the last one dropped stops the server.
    running: Arc<Running>,
}

/// Stops the server when dropped: the [`FakeClerk`] and each client it hands out hold an `Arc`
/// of it, so the server runs as long as any of them exists.
pub(crate) struct Running {
    /// Dropped with the last holder, which stops the server.
    _closing: watch::Sender<()>,
}

impl Running {
    pub(crate) fn new(closing: watch::Sender<()>) -> Running {
        Running { _closing: closing }
    }
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

    /// The environment `clerk_users::Client::from_env` reads, as one shell line:
    /// `CLERK_API_URL=http://127.0.0.1:<port>/v1 CLERK_SECRET_KEY=<key>` (what the
    /// `clerk-users-fake` binary prints).
    pub fn env_line(&self) -> String {
        format!("CLERK_API_URL={} CLERK_SECRET_KEY={}", self.url, self.shared.secret_key)
    }

    /// A client pointed at the fake, with its key and the crate's default retries and timeouts.
    /// It keeps the server running as long as it or a clone exists, even after the `FakeClerk`
    /// is dropped. For other settings use [`client_builder`](FakeClerk::client_builder).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use clerk_users_fake::FakeClerk;
    ///
    /// let client = FakeClerk::start().await.client(); // the fake lives on in the client
    /// assert_eq!(client.get_users_count().send().await.unwrap().total_count, 0);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the key set with [`FakeClerkBuilder::secret_key`] is not one a client accepts (it must
    /// start with `sk_`).
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .unwrap_or_else(|error| panic!("a client for the FakeClerk at {}: {error}", self.url))
    }

    /// A client builder already pointed at the fake, with its key, for other settings
    /// (timeouts, retries, a rate limit). The clients it builds keep the server running like
    /// [`client`](FakeClerk::client)'s do
    /// ([`keep_alive`](clerk_users::ClientBuilder::keep_alive)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use clerk_users_fake::FakeClerk;
    ///
    /// let fake = FakeClerk::start().await;
    /// let client = fake.client_builder().no_retries().build().unwrap();
    /// assert_eq!(client.get_users_count().send().await.unwrap().total_count, 0);
    /// # }
    /// ```
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.secret_key())
            .base_url(self.url())
            .keep_alive(Arc::clone(&self.running) as Arc<dyn std::any::Any + Send + Sync>)
    }

    /// Adds `n` realistic users and returns their ids, oldest first: names from small lists,
    /// unique emails `first.last.<i>@<domain>`, some phone numbers (`+1555…`), usernames,
    /// external ids (`ext_<i>`), locales, public metadata (`plan`, `seats`), passwords (that never
    /// verify), sign-in times, and about 3% banned. 100,000 take about half a second in a release
    /// build on a small machine, and about 120 MB.
    ///
    /// `<i>` counts the users this fake has seeded (0, 1, …, across calls), and the domain goes
    /// by it, in a cycle of eight: `example.com`, `example.org`, `mail.example.com`,
    /// `example.net`, `example.com`, `corp.example.org`, `example.com`, `eu.example.net` (all
    /// reserved for documentation, so no mail reaches anyone).
    ///
    /// They were created over the two years (730 days) up to the call, evenly spread: the first
    /// 730 days less an hour before it, the last between 1 ms and an hour before it, each of the
    /// others up to half the even gap earlier than its even place, and about 3% in the same
    /// millisecond as the one before. So with 100 users about 4 were created in the last 30
    /// days, with 25,000 about 1,000 (a single user is created within the hour). The offsets
    /// from the time of the call come from the [`seed`](FakeClerkBuilder::seed): the same seed
    /// makes the same users at the same ages. Sign-in, last-activity and update times fall
    /// between a user's creation and the call.
    pub fn seed_users(&self, n: usize) -> Vec<String> {
        seed::seed(&mut self.shared.lock().store, n)
    }

    /// Adds a user as `POST /v1/users` would, with the same checks: `body` is a `CreateUser`
    /// body, such as `serde_json::json!({"email_address": ["ada@example.com"]})` or a
    /// [`types::CreateUserBody`](clerk_users::types::CreateUserBody). Returns the new id.
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

    /// Deletes the user with `id` directly, without a request (nothing is logged, no fault
    /// fires): for tests that change the data under a walk. `false` if there was no such user.
    pub fn remove_user(&self, id: &str) -> bool {
        let mut state = self.shared.lock();
        let slot = state.store.slot(id);
        slot.and_then(|slot| state.store.remove(slot)).is_some()
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

    /// Adds a passkey named `name` to the user: it shows in the user's `passkeys` (verified,
    /// `last_used_at` when it was added) and `DELETE /users/{id}/passkeys/{passkey_id}` deletes
    /// it. The Users API cannot add one (passkeys are made in a browser). Returns its id.
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user.
    pub fn add_passkey(&self, user_id: &str, name: &str) -> Result<String, FakeError> {
        self.with_store(|store| identities::add_passkey(store, user_id, name).map(String::from))
    }

    /// Enrolls an active trusted device of `platform`, named `name`, for the user: it shows in
    /// `GET /users/{id}/trusted_devices` until `DELETE /users/{id}/trusted_devices/{device_id}`
    /// revokes it. Devices enroll from Clerk's mobile SDKs, not through the Users API. Returns
    /// its id.
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user.
    pub fn add_trusted_device(
        &self,
        user_id: &str,
        platform: DevicePlatform,
        name: Option<&str>,
    ) -> Result<String, FakeError> {
        self.with_store(|store| devices::add(store, user_id, platform, name).map(String::from))
    }

    /// Adds an organization invitation for the user, as the Organizations API would have sent
    /// it: it shows in `GET /users/{id}/organization_invitations`. Returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use clerk_users_fake::{FakeClerk, InvitationStatus, NewInvitation};
    ///
    /// let fake = FakeClerk::start().await;
    /// let id = fake.add_user(serde_json::json!({"email_address": ["ada@example.com"]})).unwrap();
    /// fake.add_organization_invitation(&id, NewInvitation::new("Acme Corp")).unwrap();
    /// let accepted = NewInvitation::new("Globex").status(InvitationStatus::Accepted);
    /// fake.add_organization_invitation(&id, accepted).unwrap();
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// 404 `resource_not_found` for an unknown user or inviter; 422 `form_param_missing` when no
    /// email address is given and the user has no primary one.
    pub fn add_organization_invitation(
        &self,
        user_id: &str,
        invitation: NewInvitation,
    ) -> Result<String, FakeError> {
        self.with_store(|store| invitations::add(store, user_id, invitation).map(String::from))
    }

    /// Whether the user's password is marked compromised (by
    /// `POST /users/{id}/password/set_compromised`; cleared by `unset_compromised`, a new
    /// password or `remove_password`), or `None` if there is no such user. The answers do not
    /// show it: the spec's `User` has no field for it (Clerk's `requires_password_reset`).
    pub fn password_compromised(&self, user_id: &str) -> Option<bool> {
        let state = self.shared.lock();
        state.store.get(state.store.slot(user_id)?).map(|user| user.password_compromised)
    }

    /// The requests received so far, in the order they arrived (also those answered 401, 429 or
    /// 503, and those still held).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.iter().map(|(_, request)| request.clone()).collect()
    }

    /// The query strings of the user list requests (`GET /v1/users`) received so far, in order,
    /// exactly as sent: what a walk asked for, page by page (`limit`, `offset`,
    /// `starting_after`, filters).
    pub fn list_queries(&self) -> Vec<String> {
        let state = self.shared.lock();
        let lists = state.requests.iter().map(|(_, r)| r).filter(|r| is_user_list(r));
        lists.map(|request| request.query.clone()).collect()
    }

    /// Forgets the requests received so far (faults still count from when they were scheduled).
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Schedules `fault` for the `nth` request the fake receives from now on, whatever it is
    /// (`1` is the next one; `0` is taken as `1`). Faults for the same request act in the order
    /// they were scheduled; see [`Fault`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use clerk_users_fake::{FakeClerk, Fault};
    ///
    /// let fake = FakeClerk::start().await;
    /// fake.on_request(1, Fault::status(503));
    /// let client = fake.client(); // retries the 503 of this read
    /// assert_eq!(client.get_users_count().send().await.unwrap().total_count, 0);
    /// let statuses: Vec<_> = fake.requests().iter().map(|r| r.status).collect();
    /// assert_eq!(statuses, [Some(503), Some(200)]);
    /// # }
    /// ```
    pub fn on_request(&self, nth: usize, fault: Fault) {
        self.shared.lock().faults.add(Matcher::Any, nth, fault);
    }

    /// Schedules `fault` for the `nth` user list request (`GET /v1/users`) from now on (`1` is
    /// the next one); other requests do not count. The walk knobs: [`Fault::InsertUsers`] before
    /// a page, [`Fault::RepeatLastPage`], or a failing page.
    pub fn on_list_request(&self, nth: usize, fault: Fault) {
        self.shared.lock().faults.add(Matcher::UserList, nth, fault);
    }

    /// Schedules `fault` for the `nth` request from now on with this method and exactly this
    /// path, as sent and logged (such as `/v1/users/count` or
    /// `/v1/users/user_2abc/organization_memberships`; the query string does not count).
    pub fn on_route(&self, method: Method, path: &str, nth: usize, fault: Fault) {
        self.shared.lock().faults.add(Matcher::Route(method, path.to_owned()), nth, fault);
    }

    /// Forgets the faults scheduled and not yet used.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut store::Store) -> Result<T, error::Failure>,
    ) -> Result<T, FakeError> {
        let mut state = self.shared.lock();
        f(&mut state.store).map_err(|failure| FakeError::from_failure(failure, state.trace_id()))
    }
}

/// Whether `request` is of the user list.
fn is_user_list(request: &RecordedRequest) -> bool {
    request.method == Method::GET && request.path == "/v1/users"
}

// The README's examples use the client and the fake together, so they are compiled and run as
// doctests here, where both are in reach.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
