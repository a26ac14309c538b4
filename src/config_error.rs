//! Why a [`Client`](crate::Client) could not be built.

/// A configuration problem found by [`ClientBuilder::build`](crate::ClientBuilder::build) or
/// [`Client::from_env`](crate::Client::from_env).
///
/// Messages say what to fix. None of them, nor `Debug`, ever contains the secret key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `CLERK_SECRET_KEY` is not set.
    #[error(
        "CLERK_SECRET_KEY is not set: set it to your instance's secret key (sk_live_… or sk_test_…, \
         from the API keys page of the Clerk dashboard)"
    )]
    MissingSecretKey,

    /// The secret key is an empty string.
    #[error("the secret key is empty")]
    EmptySecretKey,

    /// The secret key contains whitespace, a control character or non-ASCII text, usually a
    /// newline or space pasted with it.
    #[error(
        "the secret key contains whitespace, a control character or non-ASCII text at byte {at}; \
         check for a stray space or newline"
    )]
    SecretKeyHasInvalidCharacter {
        /// Byte offset of the first offending character.
        at: usize,
    },

    /// The key does not start with `sk_`, so it is not a Backend API secret key.
    #[error(
        "the secret key must start with `sk_`{}",
        if *publishable { " (this is a publishable key, which cannot call the Backend API)" } else { "" }
    )]
    NotASecretKey {
        /// Whether the key looks like a publishable key (`pk_…`).
        publishable: bool,
    },

    /// The base URL cannot be used.
    #[error("invalid base URL{}: {reason}", url.as_ref().map(|u| format!(" {u:?}")).unwrap_or_default())]
    InvalidBaseUrl {
        /// The URL, if it parsed, without user info, query or fragment. A string that does not
        /// parse is not repeated: it may be a secret pasted in the wrong place.
        url: Option<String>,
        /// What is wrong with it.
        reason: String,
    },

    /// The base URL uses plain `http` for a host that is not loopback.
    #[error(
        "refusing to send the secret key over plain http to {host}: use https (plain http is \
         allowed only for loopback hosts such as localhost or 127.0.0.1)"
    )]
    InsecureBaseUrl {
        /// The host of the base URL.
        host: String,
    },

    /// A timeout was set to zero, which would fail every request.
    #[error("{0} must be greater than zero")]
    ZeroTimeout(&'static str),

    /// A maximum response size of zero, which would fail every request.
    #[error("max_response_size must be greater than zero")]
    ZeroMaxResponseSize,

    /// A rate limit of zero requests, or over a zero, too short or longer than a year window.
    #[error("invalid rate limit: {requests} requests per {window:?} cannot be paced")]
    InvalidRateLimit {
        /// The requests allowed per window.
        requests: u32,
        /// The window.
        window: std::time::Duration,
    },

    /// The user agent cannot be sent as an HTTP header value.
    #[error("the user agent is not a valid HTTP header value")]
    InvalidUserAgent,

    /// An environment variable is set but is not valid Unicode.
    #[error("{0} is not valid Unicode")]
    NotUnicode(&'static str),

    /// The HTTP client could not be created (for example, the TLS backend failed to start).
    #[error("cannot create the HTTP client")]
    HttpClient(#[source] reqwest::Error),

    /// TLS could not be set up: the cryptography provider lacks what TLS 1.2 and 1.3 need, or
    /// the platform's certificate verifier could not start. The source is rustls's error.
    #[error("cannot set up TLS")]
    Tls(#[source] Box<dyn std::error::Error + Send + Sync>),
}
