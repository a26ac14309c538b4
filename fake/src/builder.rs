//! [`FakeClerkBuilder`]: the settings a [`FakeClerk`] starts with, and starting it.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::quirks::{self, TieOrder, TimeBounds, VanishedCursor};
use crate::server::{self, Shared};
use crate::{DEFAULT_SECRET_KEY, DEFAULT_SEED, FakeClerk, Running};

/// Settings for a [`FakeClerk`], from [`FakeClerk::builder`]. The defaults: a free port, no
/// latency, no rate limit, no failures, random-looking ids from seed [`DEFAULT_SEED`], key
/// [`DEFAULT_SECRET_KEY`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FakeClerkBuilder {
    secret_key: String,
    port: u16,
    latency: Duration,
    rate_limit: Option<(u64, Duration)>,
    failure_rate: f64,
    seed: u64,
    sequential_ids: bool,
    request_log: usize,
    quirks: quirks::Quirks,
}

/// How many requests the log keeps by default; see [`FakeClerkBuilder::request_log`].
pub const DEFAULT_REQUEST_LOG: usize = 100_000;

impl Default for FakeClerkBuilder {
    fn default() -> Self {
        FakeClerkBuilder {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            port: 0,
            latency: Duration::ZERO,
            rate_limit: None,
            failure_rate: 0.0,
            seed: DEFAULT_SEED,
            sequential_ids: false,
            request_log: DEFAULT_REQUEST_LOG,
            quirks: quirks::Quirks::default(),
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

    /// Keeps the last `capacity` requests in the [request log](FakeClerk::requests), so a long
    /// test or a fake serving for hours does not grow without bound; older ones are forgotten.
    /// `0` keeps none.
    ///
    /// Default is [`DEFAULT_REQUEST_LOG`] (100,000).
    pub fn request_log(mut self, capacity: usize) -> Self {
        self.request_log = capacity;
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

    /// Makes user ids `user_000001`, `user_000002`, … in creation order (seeded, created, or
    /// inserted by a fault), instead of random ones like Clerk's: tests can then name the cursors
    /// a walk sends. With more than 999,999 users the numbers get longer.
    pub fn sequential_ids(mut self) -> Self {
        self.sequential_ids = true;
        self
    }

    /// Whether the time filters of the user list and count include their boundary millisecond;
    /// see [`TimeBounds`]. Default is [`TimeBounds::Exclusive`].
    pub fn time_bounds(mut self, bounds: TimeBounds) -> Self {
        self.quirks.time_bounds = bounds;
        self
    }

    /// How users created in the same millisecond are ordered in the `created_at` orderings; see
    /// [`TieOrder`]. Default is [`TieOrder::Id`].
    pub fn tie_order(mut self, order: TieOrder) -> Self {
        self.quirks.tie_order = order;
        self
    }

    /// What the user list answers to a `starting_after` cursor whose user does not exist (any
    /// more); see [`VanishedCursor`]. Default is [`VanishedCursor::Error`].
    pub fn vanished_cursor(mut self, answer: VanishedCursor) -> Self {
        self.quirks.vanished_cursor = answer;
        self
    }

    /// Listens on this port of `127.0.0.1` (default 0: a free port the system picks).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts the server on `127.0.0.1`, on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or if the port cannot be bound (see
    /// [`try_start`](Self::try_start)).
    pub async fn start(self) -> FakeClerk {
        self.try_start()
            .await
            .unwrap_or_else(|error| panic!("FakeClerk could not listen on 127.0.0.1: {error}"))
    }

    /// Starts the server on `127.0.0.1`, on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// If the port cannot be bound (such as a port already in use).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub async fn try_start(self) -> std::io::Result<FakeClerk> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let (closing, closed) = watch::channel(());
        let settings = server::Settings {
            secret_key: self.secret_key,
            latency: self.latency,
            rate_limit: self.rate_limit,
            failure_rate: self.failure_rate,
            seed: self.seed,
            sequential_ids: self.sequential_ids,
            log_capacity: self.request_log,
            quirks: self.quirks,
        };
        let shared = Arc::new(Shared::new(settings, closed));
        let router = axum::Router::new()
            .fallback(server::handle)
            .layer(axum::extract::DefaultBodyLimit::max(server::BODY_LIMIT))
            .with_state(Arc::clone(&shared));
        let server = Arc::clone(&shared);
        tokio::spawn(async move {
            // Dropping the FakeClerk and every client it handed out drops `closing`: the server
            // stops, answering requests in flight (held ones with 503).
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                server.closed().await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "FakeClerk server stopped with an error");
            }
        });
        let running = Arc::new(Running::new(closing));
        Ok(FakeClerk { shared, addr, url: format!("http://{addr}/v1"), running })
    }
}
