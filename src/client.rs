//! Building a [`Client`]: the secret key, the base URL, timeouts, and the headers every request
//! carries.

use std::any::Any;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use governor::DefaultDirectRateLimiter;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::{Client, ClientInfo, ConfigError, RateLimit, RetryPolicy};

/// Clerk's production Backend API.
pub const DEFAULT_BASE_URL: &str = "https://api.clerk.com/v1";

/// The header through which Clerk picks the API version of a request.
const CLERK_API_VERSION: HeaderName = HeaderName::from_static("clerk-api-version");

/// The default `User-Agent`: `clerk-users/<crate version>`.
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Default time allowed to open a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time allowed for a whole request, from sending to the end of the response body.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a [`Client`] carries besides its HTTP client and base URL: the state its request hooks
/// read. It is built by [`ClientBuilder::build`] and has no public constructor.
#[derive(Clone)]
pub struct ClientState {
    /// Path of the base URL without a trailing slash (`/v1`), to check request paths against
    /// operation templates.
    pub(crate) base_path: String,
    /// When to send a failed request again.
    pub(crate) retry: RetryPolicy,
    /// Paces requests; shared by every clone of the client.
    pub(crate) limiter: Option<Arc<DefaultDirectRateLimiter>>,
    /// The most bytes a success body may hold.
    pub(crate) max_response_size: usize,
    /// Whatever [`ClientBuilder::keep_alive`] was given, held (never read) as long as this state
    /// or a clone of it exists.
    keep_alive: Option<Arc<dyn Any + Send + Sync>>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("base_path", &self.base_path)
            .field("retry", &self.retry)
            .field("rate_limited", &self.limiter.is_some())
            .field("max_response_size", &self.max_response_size)
            .field("keeps_alive", &self.keep_alive.is_some())
            .finish()
    }
}

impl Client {
    /// Starts configuring a client that authenticates with `secret_key` (`sk_live_…` or
    /// `sk_test_…`, from the API keys page of the Clerk dashboard).
    ///
    /// Nothing is checked until [`ClientBuilder::build`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = clerk_users::Client::builder("sk_test_123")
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), clerk_users::ConfigError>(())
    /// ```
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(secret_key.into())
    }

    /// Builds a client from the environment: `CLERK_SECRET_KEY` (required) and `CLERK_API_URL`
    /// (optional base URL, default [`DEFAULT_BASE_URL`]).
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingSecretKey`] when `CLERK_SECRET_KEY` is unset, and every error of
    /// [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    /// The Clerk API version this client was generated for and sends as `Clerk-API-Version`
    /// (the spec's `info.version`, `2026-05-12`).
    pub fn clerk_api_version() -> &'static str {
        <Client as ClientInfo<ClientState>>::api_version()
    }
}

/// Configures and builds a [`Client`]; see [`Client::builder`].
///
/// Setters never fail; [`build`](ClientBuilder::build) checks everything and reports the first
/// problem as a [`ConfigError`]. `Debug` output never shows the secret key.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    max_response_size: usize,
    keep_alive: Option<Arc<dyn Any + Send + Sync>>,
}

/// The most bytes one success response may hold unless set otherwise: 64 MiB, forty times a full
/// page of 500 users.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 * 1024 * 1024;

impl ClientBuilder {
    fn new(secret_key: String) -> ClientBuilder {
        ClientBuilder {
            secret_key,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            keep_alive: None,
        }
    }

    /// Starts from the environment, like [`Client::from_env`], so more settings can follow.
    ///
    /// An empty `CLERK_API_URL` counts as unset.
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingSecretKey`] when `CLERK_SECRET_KEY` is unset, and
    /// [`ConfigError::NotUnicode`] when either variable is not valid Unicode.
    pub fn from_env() -> Result<ClientBuilder, ConfigError> {
        let secret_key = env_var("CLERK_SECRET_KEY")?.ok_or(ConfigError::MissingSecretKey)?;
        let builder = ClientBuilder::new(secret_key);
        Ok(match env_var("CLERK_API_URL")? {
            Some(url) if !url.is_empty() => builder.base_url(url),
            _ => builder,
        })
    }

    /// Sets the base URL, such as a local test server's `http://127.0.0.1:8080/v1`. A trailing
    /// slash is fine. Plain `http` is accepted only for loopback hosts, since the secret key would
    /// otherwise travel in clear.
    ///
    /// Proxies: requests to a loopback base URL never go through a proxy. Requests to any other
    /// host follow the system's proxy settings (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`); for
    /// `https://api.clerk.com` a proxy only tunnels the TLS connection (`CONNECT`), so it never
    /// sees the key.
    ///
    /// Default is [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> ClientBuilder {
        self.base_url = base_url.into();
        self
    }

    /// Sets the time allowed for a whole request, from sending it to the end of the response.
    ///
    /// Default is 30 seconds.
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Sets the time allowed to open a connection.
    ///
    /// Default is 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the `User-Agent` header.
    ///
    /// Default is `clerk-users/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> ClientBuilder {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets when failed requests are sent again; see [`RetryPolicy`] for what is retried.
    ///
    /// Default is [`RetryPolicy::default`]: up to 5 attempts and 60 s of waiting.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// Caps the body of one success response: a longer one (a misconfigured proxy, a hostile
    /// server) fails the call with a transport error that says so, after reading at most this
    /// many bytes, instead of growing memory until the timeout. Not retried.
    ///
    /// Default is [`DEFAULT_MAX_RESPONSE_SIZE`] (64 MiB).
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_response_size = bytes;
        self
    }

    /// Sends every request once, never retrying; the same as
    /// `retry_policy(RetryPolicy::none())`.
    pub fn no_retries(self) -> ClientBuilder {
        self.retry_policy(RetryPolicy::none())
    }

    /// Paces requests under a rate limit, such as [`RateLimit::production_instance`]; every
    /// clone of the client shares it.
    ///
    /// Default is no limit (429s from Clerk are still retried).
    pub fn rate_limit(mut self, limit: RateLimit) -> ClientBuilder {
        self.rate_limit = Some(limit);
        self
    }

    /// Keeps `guard` alive as long as the client built, or any clone of it, exists: it is held,
    /// never used, and dropped with the last clone. Meant for a test server's handle, so the
    /// server runs as long as any client of it (the fake Clerk of `clerk-users-fake` hands out
    /// its clients this way). A second call replaces the first guard.
    ///
    /// Default is no guard.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// struct Server; // stops its server when dropped
    /// let server = Arc::new(Server);
    /// let client = clerk_users::Client::builder("sk_test_123")
    ///     .keep_alive(server.clone())
    ///     .build()?;
    /// drop(server); // still running: `client` holds it
    /// # Ok::<(), clerk_users::ConfigError>(())
    /// ```
    pub fn keep_alive(mut self, guard: Arc<dyn Any + Send + Sync>) -> ClientBuilder {
        self.keep_alive = Some(guard);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] for a missing, malformed or non-secret key, an unusable base URL, plain
    /// `http` to a host that is not loopback, a zero timeout, an invalid user agent, or an empty
    /// rate limit.
    pub fn build(self) -> Result<Client, ConfigError> {
        let authorization = bearer(&self.secret_key)?;
        let base_url = parse_base_url(&self.base_url)?;
        for (setting, value) in
            [("timeout", self.timeout), ("connect_timeout", self.connect_timeout)]
        {
            if value.is_zero() {
                return Err(ConfigError::ZeroTimeout(setting));
            }
        }
        if self.max_response_size == 0 {
            return Err(ConfigError::ZeroMaxResponseSize);
        }
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| ConfigError::InvalidUserAgent)?;

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(CLERK_API_VERSION, HeaderValue::from_static(Client::clerk_api_version()));
        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // An API client should not wander: a redirect is reported, not followed.
            .redirect(reqwest::redirect::Policy::none());
        if base_url.host_str().is_some_and(is_loopback) {
            // A loopback server is on this machine: no proxy has business in between, and over
            // plain http a proxy (HTTP_PROXY, ALL_PROXY) would read the key in clear.
            http = http.no_proxy();
        }
        let http = crate::tls::configure(http)?.build().map_err(ConfigError::HttpClient)?;

        let limiter = self.rate_limit.map(|limit| limit.limiter()).transpose()?;
        let base = base_url.as_str().trim_end_matches('/');
        let state = ClientState {
            base_path: base_url.path().trim_end_matches('/').to_owned(),
            retry: self.retry,
            limiter,
            max_response_size: self.max_response_size,
            keep_alive: self.keep_alive,
        };
        Ok(Client::new_with_client(base, http, state))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &"<redacted>")
            .field(
                "base_url",
                &Url::parse(&self.base_url).map_or("<unparsed>".to_owned(), |u| shown(&u)),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_size", &self.max_response_size)
            .field("keeps_alive", &self.keep_alive.is_some())
            .finish()
    }
}

/// Reads an environment variable; `None` when unset.
fn env_var(name: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
    }
}

/// Checks the secret key and turns it into a sensitive `Authorization` header value.
fn bearer(secret_key: &str) -> Result<HeaderValue, ConfigError> {
    if secret_key.is_empty() {
        return Err(ConfigError::EmptySecretKey);
    }
    if let Some(at) = secret_key.find(|c: char| !c.is_ascii_graphic()) {
        return Err(ConfigError::SecretKeyHasInvalidCharacter { at });
    }
    if !secret_key.starts_with("sk_") || secret_key.len() == "sk_".len() {
        let publishable = secret_key.starts_with("pk_");
        return Err(ConfigError::NotASecretKey { publishable });
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {secret_key}"))
        .map_err(|_| ConfigError::SecretKeyHasInvalidCharacter { at: 0 })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Parses and checks the base URL. Errors quote it only when it parsed, and then without user
/// info, query or fragment: a string that is not a URL may be a secret pasted in the wrong place.
fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|e| ConfigError::InvalidBaseUrl {
        url: None,
        reason: format!("{e} (expected something like {DEFAULT_BASE_URL})"),
    })?;
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: Some(shown(&url)),
        reason: reason.to_owned(),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    let Some(host) = url.host_str() else {
        return Err(invalid("it has no host"));
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(host) => Ok(url),
        "http" => Err(ConfigError::InsecureBaseUrl { host: host.to_owned() }),
        _ => Err(invalid("the scheme must be https (or http for a loopback host)")),
    }
}

/// A URL as it may appear in messages: scheme, host, port and path only.
fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    // Both calls fail only for URLs that cannot have credentials, which is fine.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// `localhost` and loopback IP addresses (`127.0.0.0/8`, `::1`). Other names, even
/// `*.localhost`, go through DNS, which may send them anywhere.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["example.com", "10.0.0.1", "localhost.example.com", "evil.localhost", "[::2]"]
        {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
