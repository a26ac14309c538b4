//! A typed async client for the Users operations of [Clerk]'s Backend API.
//!
//! The client is generated at compile time from `openapi/clerk-users.yaml` by progenitor; this
//! crate adds configuration and authentication ([`Client::builder`], [`Client::from_env`]), one
//! [`Error`] type that decodes Clerk's error body for every status, safe path parameters, and the
//! multipart [`set_user_profile_image`](Client::set_user_profile_image) upload.
//!
//! # Quick start
//!
//! Every operation is a method on [`Client`] that returns a request builder: set parameters by
//! name, then `send()`. Setters take what a program holds: text as `&str` or `String`, lists as
//! arrays, slices or iterators, any integer, a `SystemTime` for time filters, and any
//! serializable object for metadata (see [`params`]).
//!
//! ```no_run
//! use std::time::{Duration, SystemTime};
//!
//! # async fn run() -> anyhow::Result<()> {
//! let client = clerk_users::Client::from_env()?; // CLERK_SECRET_KEY, optional CLERK_API_URL
//!
//! let user = client.get_user().user_id("user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8").send().await?;
//! println!("{:?} <{:?}>", user.full_name(), user.primary_email_address());
//!
//! let month_ago = SystemTime::now() - Duration::from_secs(30 * 86_400);
//! let recent = client
//!     .get_user_list()
//!     .organization_id(["org_2abc"])
//!     .created_at_after(month_ago)
//!     .order_by("-created_at")
//!     .limit(20)
//!     .send()
//!     .await?;
//! for user in &recent {
//!     println!("{} joined {:?}", user.id, user.created());
//! }
//! # Ok(()) }
//! ```
//!
//! Responses are [`Response`]s: they dereference to the decoded [`types`] value, also carry the
//! status and headers, and a list iterates (`for user in users`). Request bodies are built in
//! place with `body_map`, on a body builder (`types::builder::CreateUserBodyBuilder`):
//!
//! ```no_run
//! # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
//! let created = client
//!     .create_user()
//!     .body_map(|body| {
//!         body.email_address(["ada@example.com"])
//!             .first_name("Ada")
//!             .public_metadata(serde_json::json!({"plan": "free"}))
//!             .skip_password_requirement(true)
//!     })
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every `send()` returns [`Error`], so `?` works in any function returning
//! [`clerk_users::Result`](Result), `anyhow::Result` or `Box<dyn std::error::Error>`. It knows
//! Clerk's `ClerkErrors` body for every 4xx/5xx, declared in the spec or not, and its one-line
//! `Display` names the request, the status, Clerk's first code and long message, and the trace
//! id: `GET /v1/users/user_x: clerk returned 404 Not Found: resource_not_found: No user was found
//! with id user_x (trace id …)`; `{:#}` adds every error of the body with its `meta`. [`Client::check_password`] and [`Client::check_totp`] answer `Ok(false)` for a wrong
//! password or code instead of an error.
//!
//! ```no_run
//! # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
//! match client.get_user().user_id("user_missing").send().await {
//!     Ok(user) => println!("found {}", user.id),
//!     Err(e) if e.is_not_found() => println!("no such user (trace id {:?})", e.trace_id()),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! # Listing users
//!
//! `paginate()` (from the [`prelude`]) walks a whole list, keeping every filter set on the
//! builder; see [`pagination`] for how the walk moves, ends, and resumes after an error (a
//! [`WalkError`] carries the [`Error`] and where to continue).
//!
//! ```no_run
//! use clerk_users::prelude::*;
//! use futures::TryStreamExt;
//!
//! # async fn run(client: clerk_users::Client) -> Result<(), clerk_users::WalkError> {
//! let mut users = client.get_user_list().banned(false).paginate().items();
//! while let Some(user) = users.try_next().await? {
//!     println!("{}", user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! # Every Users operation, and bulk bans
//!
//! All 35 operations Clerk tags `Users` in API version 2026-05-12 are methods of [`Client`],
//! named after their `operationId` (`users_ban`, `replace_user_metadata`,
//! `list_user_trusted_devices`, …; the README has the table). On top of the bulk ones,
//! [`Client::ban_users`] and [`Client::unban_users`] take any number of ids and send them 50 at a
//! time, reporting which users changed and which batches failed:
//!
//! ```no_run
//! # async fn run(client: clerk_users::Client, spammers: Vec<String>) {
//! let outcome = client.ban_users(spammers).await;
//! println!("banned {}, not banned {}", outcome.succeeded.len(), outcome.failed_ids().count());
//! # }
//! ```
//!
//! # Decoding what Clerk really sends
//!
//! Responses never fail on a field, enum value or verification kind Clerk adds later: enums are
//! open (`Unknown(String)` keeps the value), verification unions are chosen by `object` or
//! `strategy` and keep what they cannot place as `Unknown(serde_json::Value)`, missing arrays and
//! nullable fields default, and a decoded value serializes back to what Clerk sent. The rules are
//! listed in `openapi/README.md`.
//!
//! ```
//! use clerk_users::types::{EmailAddressVerification, VerificationOtpStatus};
//!
//! let json = r#"{"object": "verification_otp", "status": "pending_review",
//!                "strategy": "email_code", "attempts": 1, "expire_at": null}"#;
//! let verification: EmailAddressVerification = serde_json::from_str(json).unwrap();
//! let EmailAddressVerification::Otp(otp) = &verification else { unreachable!() };
//! assert_eq!(otp.status, VerificationOtpStatus::Unknown("pending_review".into()));
//! assert_eq!(verification.status(), Some("pending_review"));
//! ```
//!
//! # Retries, rate limits and tracing
//!
//! 429s are retried after `Retry-After` for every operation; gateway errors, timeouts and lost
//! connections only for operations safe to repeat ([`retry`] says which). A [`RateLimit`] paces a
//! bulk job under Clerk's limit. Each call is a `tracing` span; `RUST_LOG=clerk_users=debug` with
//! a subscriber shows them. All of it is set on the [`ClientBuilder`].
//!
//! # Testing code that uses this crate
//!
//! The `clerk-users-fake` crate (in this repository's `fake/`) is an in-memory Clerk on a local
//! server, with fault injection (fail, stall or repeat the n-th request, insert users mid-walk).
//! Add it as a dev-dependency and point the client at it:
//!
//! ```toml
//! [dev-dependencies]
//! clerk-users-fake = { version = "0.1", default-features = false }
//! ```
//!
//! Then `FakeClerk::start().await` starts one, `fake.seed_users(100)` fills it, and
//! `fake.client()` is a [`Client`] for it; the fake's crate docs show a whole test.
//!
//! # Authentication
//!
//! Every request carries `Authorization: Bearer <secret key>` (a sensitive header, never shown in
//! `Debug` output), `Clerk-API-Version: 2026-05-12` and `User-Agent: clerk-users/<version>`. See
//! [`ClientBuilder`] for the base URL, timeouts and user agent, and [`ConfigError`] for what
//! `build()` refuses.
//!
//! # TLS and features
//!
//! HTTPS is rustls with the operating system's certificate verifier; no OpenSSL. One feature picks
//! rustls's cryptography: `rustls-aws-lc` (the default, as in reqwest and rustls: post-quantum key
//! exchange, a FIPS option) or `rustls-ring` (a much faster clean build; read the caveat in the
//! README's "TLS" section before choosing it). A provider the application installs as rustls's
//! process default is used by either. For ring:
//!
//! ```toml
//! [dependencies]
//! clerk-users = { version = "0.1", default-features = false, features = ["rustls-ring"] }
//! ```
//!
//! # Path parameters
//!
//! Ids are percent-encoded as one path segment. `""`, `"."` and `".."` would address another
//! endpoint (`get_user("")` would list users), and so would an id equal to another route's
//! segment (`get_user("count")` is the user count, `get_user("ban")` the bulk ban), so they fail with [`Error::InvalidRequest`]
//! before anything is sent.
//!
//! [Clerk]: https://clerk.com

// Document ALL THE THINGS (the generated module opts out; its items carry the spec's text).
#![deny(missing_docs)]
// Every public type should be printable, and none may print the secret key.
#![warn(missing_debug_implementations)]
#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod absent_means_none;
pub mod bulk;
mod client;
mod config_error;
pub mod decode;
mod discriminated_union;
mod error;
mod hooks;
mod list_or_page;
mod model_helpers;
mod open_enum;
pub mod pagination;
pub mod params;
mod path;
mod profile_image;
mod rate_limit;
mod raw_text;
mod response;
pub mod retry;
mod short_arrays;
mod tls;
mod verify;

/// The code clerk-users-codegen generates from `openapi/clerk-users.yaml` (build.rs calls it).
mod generated {
    // Lints are relaxed here only: this is progenitor's output, documented from the spec.
    #![allow(missing_docs, missing_debug_implementations, unreachable_pub, unused_imports)]
    #![allow(clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

pub use bulk::{BulkBan, BulkOutcome};
pub use client::{ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_SIZE};
pub use config_error::ConfigError;
pub use error::{ApiError, DecodeError, Error, ErrorBody, RequestLine, Result};
pub use generated::{Client, ClientInfo, types};
pub use pagination::{Paginator, ResumeToken, WalkError};
pub use rate_limit::RateLimit;
pub use response::Response;
pub use retry::RetryPolicy;

/// Request builders, one per operation: `client.get_user()` returns a [`builder::GetUser`].
pub mod builder {
    pub use crate::generated::builder::*;
    pub use crate::profile_image::SetUserProfileImage;
}

/// The client and the traits its methods need, for a single `use clerk_users::prelude::*;`.
pub mod prelude {
    pub use crate::generated::prelude::*;
    pub use crate::pagination::Paginate;
    pub use crate::{ClientInfo, Error, Result};
}
