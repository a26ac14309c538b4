//! The crate's error type, and the decoding of Clerk's error responses.
//!
//! Generated calls return progenitor's `Error<()>`; `?` (or [`Error::from`]) turns it into this
//! [`Error`], which knows Clerk's error body ([`types::ClerkErrors`]) for every status, declared in
//! the spec or not. The request hook keeps the body of every 4xx/5xx response for this purpose
//! (see `src/hooks.rs`), so the conversion itself never waits on the network.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::{ConfigError, ResumeToken, types};

/// A `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling Clerk.
///
/// Match on the variants, or ask questions without matching: [`status`](Error::status),
/// [`clerk_errors`](Error::clerk_errors), [`codes`](Error::codes), [`trace_id`](Error::trace_id),
/// [`retry_after`](Error::retry_after), [`is_not_found`](Error::is_not_found) and friends.
///
/// `Display` is one short line (for 4xx/5xx: the status, then Clerk's first error code and
/// message); the underlying transport or decoding error is reached through
/// [`source`](std::error::Error::source).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Clerk answered with a 4xx or 5xx status.
    Api(Box<ApiError>),
    /// The request was not sent because an argument is missing or invalid, such as a path
    /// parameter of `""`, `"."` or `".."`, or an unset required parameter.
    InvalidRequest(String),
    /// Sending the request or reading the response failed: connection, TLS or timeout.
    Transport(reqwest::Error),
    /// A success response whose body is not the JSON the operation returns.
    Decode {
        /// The body as received.
        body: Bytes,
        /// Why it did not decode.
        source: serde_json::Error,
    },
    /// A response whose status the operation does not expect and that is not an error, such as a
    /// redirect (the client does not follow redirects).
    UnexpectedStatus(StatusCode),
    /// A request hook refused the request.
    Hook(String),
    /// The client could not be built; see [`ConfigError`]. Lets `Client::from_env()?` share a
    /// `Result` with the calls that follow.
    Config(ConfigError),
    /// A pagination stream stopped because the server answered the same page again (the cursor
    /// or offset did not advance), instead of looping forever.
    PageRepeated,
    /// A pagination stream stopped here; everything before was yielded. Its questions
    /// ([`status`](Error::status), [`codes`](Error::codes), …) answer for the error inside.
    Interrupted {
        /// What stopped the walk.
        error: Box<Error>,
        /// Where to continue: pass it to [`Paginator::resume`](crate::Paginator::resume).
        resume: Box<ResumeToken>,
    },
}

/// A 4xx or 5xx response from Clerk: its status, headers and decoded body.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: ErrorBody,
}

/// The body of an error response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// Clerk's error document, as every Clerk error should carry.
    Clerk(types::ClerkErrors),
    /// Anything else, such as a proxy's HTML page or a body cut off mid-way.
    Text {
        /// The body, decoded as UTF-8 (invalid sequences replaced).
        text: String,
        /// Whether the connection failed before the whole body arrived, or the body was longer
        /// than the client keeps (64 KiB).
        truncated: bool,
    },
}

/// The body of a 4xx/5xx response as the request hook read it, carried to [`Error::from`] in the
/// response's extensions.
#[derive(Debug, Clone)]
pub(crate) struct CapturedBody {
    pub(crate) bytes: Bytes,
    pub(crate) truncated: bool,
}

// ===== impl Error =====

impl Error {
    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedStatus(status) => Some(*status),
            Error::Transport(e) => e.status(),
            Error::Interrupted { error, .. } => error.status(),
            Error::InvalidRequest(_)
            | Error::Decode { .. }
            | Error::Hook(_)
            | Error::Config(_)
            | Error::PageRepeated => None,
        }
    }

    /// The 4xx/5xx response, if the error is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::Interrupted { error, .. } => error.api_error(),
            _ => None,
        }
    }

    /// Clerk's error document, if the response carried one.
    pub fn clerk_errors(&self) -> Option<&types::ClerkErrors> {
        self.api_error()?.clerk_errors()
    }

    /// The `code` of each of Clerk's errors, such as `resource_not_found` or
    /// `form_identifier_exists`; empty when there are none.
    pub fn codes(&self) -> Vec<&str> {
        self.api_error().map(ApiError::codes).unwrap_or_default()
    }

    /// Clerk's trace id for the failed request (quote it to Clerk support): the body's
    /// `clerk_trace_id`, else the response's `cf-ray` header.
    pub fn trace_id(&self) -> Option<&str> {
        self.api_error()?.trace_id()
    }

    /// How long Clerk asked to wait before retrying (`Retry-After`, in seconds or as an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error()?.retry_after()
    }

    /// Whether Clerk answered 404 Not Found (for example, no user has the given id).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether Clerk answered 401 Unauthorized (the secret key is wrong or revoked).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether Clerk answered 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_timeout(),
            Error::Interrupted { error, .. } => error.is_timeout(),
            _ => false,
        }
    }

    /// Where an interrupted pagination stream can continue; see
    /// [`Paginator::resume`](crate::Paginator::resume).
    pub fn resume_token(&self) -> Option<&ResumeToken> {
        match self {
            Error::Interrupted { resume, .. } => Some(resume),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            // Name the timeout that fired, so it can be found and raised.
            Error::Transport(e) if e.is_timeout() && e.is_connect() => f.write_str(
                "timed out connecting to clerk (the client's connect_timeout, 10 s unless set)",
            ),
            Error::Transport(e) if e.is_timeout() => {
                f.write_str("clerk did not answer in time (the client's timeout, 30 s unless set)")
            }
            Error::Transport(_) => f.write_str("error sending request to clerk"),
            Error::Decode { .. } => f.write_str("error decoding clerk's response body"),
            Error::UnexpectedStatus(status) => write!(f, "unexpected response status {status}"),
            Error::Hook(message) => write!(f, "request refused: {message}"),
            // Transparent: the configuration error already says what to fix.
            Error::Config(error) => error.fmt(f),
            Error::PageRepeated => f.write_str("the server answered the same page again"),
            Error::Interrupted { error, resume } => {
                write!(f, "listing interrupted after {} items: {error}", resume.items_yielded())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode { source, .. } => Some(source),
            Error::Config(error) => std::error::Error::source(error),
            // Display already includes the inner error's message; continue below it.
            Error::Interrupted { error, .. } => error.source(),
            Error::Api(_)
            | Error::InvalidRequest(_)
            | Error::UnexpectedStatus(_)
            | Error::Hook(_)
            | Error::PageRepeated => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

impl From<progenitor_client::Error<()>> for Error {
    fn from(error: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            Generated::InvalidRequest(message) => Error::InvalidRequest(message),
            Generated::CommunicationError(e)
            | Generated::InvalidUpgrade(e)
            | Generated::ResponseBodyError(e) => Error::Transport(e),
            Generated::InvalidResponsePayload(body, source) => Error::Decode { body, source },
            Generated::UnexpectedResponse(response) => Error::from_response(&response),
            // Not produced: build.rs removes declared error responses, so errors arrive as
            // `UnexpectedResponse`. Kept for completeness, without a body.
            Generated::ErrorResponse(value) => {
                Error::Api(Box::new(ApiError::new(value.status(), value.headers().clone(), None)))
            }
            Generated::Custom(message) => Error::Hook(message),
        }
    }
}

impl Error {
    /// Turns the generated code's error for one call into the crate's, naming the call by its
    /// HTTP method and the spec's path template (`/users/{user_id}`). Every generated `send()`
    /// ends here.
    pub(crate) fn from_generated(
        error: progenitor_client::Error<()>,
        method: &'static str,
        path: &'static str,
    ) -> Error {
        let _ = (method, path);
        Error::from(error)
    }
}

impl Error {
    /// Turns a response the generated code did not expect into an error, using the body the
    /// request hook captured.
    fn from_response(response: &reqwest::Response) -> Error {
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return Error::UnexpectedStatus(status);
        }
        let captured = response.extensions().get::<CapturedBody>();
        Error::Api(Box::new(ApiError::new(status, response.headers().clone(), captured)))
    }
}

// ===== impl ApiError =====

impl ApiError {
    fn new(status: StatusCode, headers: HeaderMap, captured: Option<&CapturedBody>) -> ApiError {
        let body = match captured {
            Some(captured) => ErrorBody::decode(captured),
            None => ErrorBody::Text { text: String::new(), truncated: false },
        };
        ApiError { status, headers, body }
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// Clerk's error document, if the body was one.
    pub fn clerk_errors(&self) -> Option<&types::ClerkErrors> {
        match &self.body {
            ErrorBody::Clerk(errors) => Some(errors),
            ErrorBody::Text { .. } => None,
        }
    }

    /// The `code` of each of Clerk's errors.
    pub fn codes(&self) -> Vec<&str> {
        self.clerk_errors()
            .map(|body| body.errors.iter().map(|e| e.code.as_str()).collect())
            .unwrap_or_default()
    }

    /// The body's `clerk_trace_id`, else the `cf-ray` response header.
    pub fn trace_id(&self) -> Option<&str> {
        self.clerk_errors()
            .and_then(|body| body.clerk_trace_id.as_deref())
            .or_else(|| self.headers.get("cf-ray")?.to_str().ok())
    }

    /// `Retry-After` as a duration: integer seconds, or an HTTP date (zero if it has passed).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers.get(RETRY_AFTER)?.to_str().ok()?, SystemTime::now())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clerk returned {}", self.status)?;
        match &self.body {
            ErrorBody::Clerk(body) => {
                if let Some(first) = body.errors.first() {
                    write!(f, ": {}: {}", first.code, first.message)?;
                }
                if body.errors.len() > 1 {
                    write!(f, " (and {} more)", body.errors.len() - 1)?;
                }
            }
            ErrorBody::Text { text, truncated } => {
                let text = text.trim();
                if !text.is_empty() {
                    // A proxy's HTML page can be long; the start says what it is.
                    let shown: String = text.chars().take(200).collect();
                    let cut = *truncated || shown.len() < text.len();
                    write!(f, ": {shown}{}", if cut { "…" } else { "" })?;
                }
            }
        }
        Ok(())
    }
}

impl ErrorBody {
    fn decode(captured: &CapturedBody) -> ErrorBody {
        let decoded = match captured.truncated {
            false => decode_clerk_errors(&captured.bytes),
            true => None,
        };
        decoded.map(ErrorBody::Clerk).unwrap_or_else(|| ErrorBody::Text {
            text: String::from_utf8_lossy(&captured.bytes).into_owned(),
            truncated: captured.truncated,
        })
    }
}

/// Decodes a `ClerkErrors` document. An error that lacks `code`, `message` or `long_message`
/// (all required by the spec) still decodes, with an empty string in its place: losing Clerk's
/// other errors, trace id and status details over one missing message would help no one.
fn decode_clerk_errors(bytes: &[u8]) -> Option<types::ClerkErrors> {
    if let Ok(errors) = serde_json::from_slice(bytes) {
        return Some(errors);
    }
    let mut document: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    for error in document.get_mut("errors")?.as_array_mut()? {
        let error = error.as_object_mut()?;
        for field in ["code", "message", "long_message"] {
            error.entry(field).or_insert_with(|| serde_json::Value::from(""));
        }
    }
    serde_json::from_value(document).ok()
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date, relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        // The common `Ok` path should not pay for a large error.
        assert!(std::mem::size_of::<Error>() <= 48, "{}", std::mem::size_of::<Error>());
    }
}
