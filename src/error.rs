//! The crate's error type, and the decoding of Clerk's error responses.
//!
//! Every `send()`, generated or hand-written, returns this [`Error`]. It knows Clerk's error body
//! ([`types::ClerkErrors`]) for every status, declared in the spec or not: the request hook keeps
//! the body of every 4xx/5xx response and the request's method and path (see `src/hooks.rs`), so
//! turning a response into an error never waits on the network.
//!
//! What an error shows of the request is its method and path, never the query string (it
//! carries emails and names), the headers (the secret key) or a body (personal data).

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::hooks::ResponseTooLarge;
use crate::{ConfigError, types};

/// A `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling Clerk.
///
/// Match on the variants, or ask questions without matching: [`status`](Error::status),
/// [`clerk_errors`](Error::clerk_errors), [`codes`](Error::codes), [`trace_id`](Error::trace_id),
/// [`retry_after`](Error::retry_after), [`request`](Error::request),
/// [`is_not_found`](Error::is_not_found) and friends.
///
/// `Display` is one line: the request's method and path, then what happened (for 4xx/5xx: the
/// status, Clerk's first error code and its `long_message`, or the short `message` when Clerk
/// sent no long one, and the trace id to quote to Clerk support). The alternate form (`{:#}`)
/// adds every error of the body, one a line, with its `meta`. `Debug` shows the same facts as
/// fields. The transport or decoding error underneath is reached through
/// [`source`](std::error::Error::source).
///
/// ```
/// # fn show(error: clerk_users::Error) {
/// // GET /v1/users/user_x: clerk returned 404 Not Found: resource_not_found: No user was found
/// //   with id user_x (trace id 2b4a…)
/// eprintln!("{error}");
/// // The same line, then `  1. resource_not_found: No user was found with id user_x (not
/// //   found)` and each further error, with its `meta`.
/// eprintln!("{error:#}");
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Clerk answered with a 4xx or 5xx status.
    Api(Box<ApiError>),
    /// The request was not sent because an argument is missing or invalid, such as a path
    /// parameter of `""`, `"."` or `".."`, or an unset required parameter.
    InvalidRequest(String),
    /// Sending the request or reading the response failed: connection, TLS or timeout.
    Transport {
        /// The request that failed.
        request: Box<RequestLine>,
        /// What failed, without the request's URL (it would repeat the query string).
        source: reqwest::Error,
    },
    /// A success response whose body is not the JSON the operation returns.
    Decode(Box<DecodeError>),
    /// A response whose status the operation does not expect and that is not an error, such as a
    /// redirect (the client does not follow redirects).
    UnexpectedStatus {
        /// The request that got the response.
        request: Box<RequestLine>,
        /// The status.
        status: StatusCode,
    },
    /// A request hook refused the request.
    Hook(String),
    /// The client could not be built; see [`ConfigError`]. Lets `Client::from_env()?` share a
    /// `Result` with the calls that follow.
    Config(ConfigError),
}

/// The method and path of the request an [`Error`] is about: `GET /v1/users/user_x`.
///
/// The path is the one sent, without the query string. When the failure does not tell the path
/// sent (a success body that did not decode), it is the operation's path template from the spec
/// under the client's base path, such as `/v1/users/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    method: Method,
    path: String,
}

/// A 4xx or 5xx response from Clerk: the request, the status, the headers and the decoded body.
#[derive(Clone)]
pub struct ApiError {
    request: RequestLine,
    status: StatusCode,
    headers: HeaderMap,
    body: ErrorBody,
    /// The bytes that arrived, before a text body's UTF-8 repairs.
    body_len: usize,
}

/// The body of an error response.
///
/// `Debug` shows Clerk's error document, but only the length of a text body: it may hold
/// anything, personal data included.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// Clerk's error document, as every Clerk error should carry: a JSON object with an `errors`
    /// list (its other members may be missing).
    Clerk(types::ClerkErrors),
    /// Anything else, such as a proxy's HTML page, JSON without an `errors` list, or a body cut
    /// off mid-way.
    Text {
        /// The body, decoded as UTF-8 (invalid sequences replaced).
        text: String,
        /// Whether the connection failed before the whole body arrived, or the body was longer
        /// than the client keeps (64 KiB).
        truncated: bool,
    },
}

/// A success response whose body did not decode into the operation's type.
///
/// `Display` and `Debug` never show the body or serde's message (both can quote user data);
/// [`body`](DecodeError::body) and [`source`](std::error::Error::source) give them on request.
pub struct DecodeError {
    request: RequestLine,
    body: Bytes,
    source: serde_json::Error,
}

/// The body of a 4xx/5xx response as the request hook read it, carried to the error in the
/// response's extensions together with the request line.
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
            Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::InvalidRequest(_) | Error::Decode(_) | Error::Hook(_) | Error::Config(_) => None,
        }
    }

    /// The method and path of the request, when one was made.
    pub fn request(&self) -> Option<&RequestLine> {
        match self {
            Error::Api(api) => Some(&api.request),
            Error::Transport { request, .. } | Error::UnexpectedStatus { request, .. } => {
                Some(request)
            }
            Error::Decode(decode) => Some(&decode.request),
            Error::InvalidRequest(_) | Error::Hook(_) | Error::Config(_) => None,
        }
    }

    /// The 4xx/5xx response, if the error is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
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
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// Turns the generated code's error for one call of `client` into the crate's, naming the
    /// call by its HTTP method and the client's base path joined to the spec's path template
    /// (`/v1/users/{user_id}`), which stands in for the path when the response (or the transport
    /// error) does not tell the path sent. Every `send()` ends here.
    pub(crate) fn from_generated(
        error: progenitor_client::Error<()>,
        client: &crate::Client,
        method: &'static str,
        path: &'static str,
    ) -> Error {
        use crate::ClientInfo as _;
        use progenitor_client::Error as Generated;
        let template = || {
            let method = Method::from_bytes(method.as_bytes()).unwrap_or_default();
            RequestLine::new(method, format!("{}{path}", client.inner().base_path))
        };
        match error {
            Generated::InvalidRequest(message) => Error::InvalidRequest(message),
            Generated::CommunicationError(source)
            | Generated::InvalidUpgrade(source)
            | Generated::ResponseBodyError(source) => {
                let mut request = template();
                if let Some(url) = source.url() {
                    request.path = url.path().to_owned();
                }
                Error::Transport { request: Box::new(request), source: source.without_url() }
            }
            Generated::InvalidResponsePayload(body, source) => {
                Error::Decode(Box::new(DecodeError { request: template(), body, source }))
            }
            Generated::UnexpectedResponse(response) => Error::from_response(&response, template),
            // Not produced: the code generator removes declared error responses, so errors
            // arrive as `UnexpectedResponse`. Kept for completeness, without a body.
            Generated::ErrorResponse(value) => Error::Api(Box::new(ApiError::new(
                template(),
                value.status(),
                value.headers().clone(),
                None,
            ))),
            Generated::Custom(message) => Error::Hook(message),
        }
    }

    /// Turns a response the generated code did not expect into an error, using the request line
    /// and body the request hook attached to it.
    fn from_response(
        response: &reqwest::Response,
        template: impl FnOnce() -> RequestLine,
    ) -> Error {
        let status = response.status();
        let request = response.extensions().get::<RequestLine>().cloned().unwrap_or_else(template);
        if !(status.is_client_error() || status.is_server_error()) {
            return Error::UnexpectedStatus { request: Box::new(request), status };
        }
        let captured = response.extensions().get::<CapturedBody>();
        Error::Api(Box::new(ApiError::new(request, status, response.headers().clone(), captured)))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = self.request() {
            write!(f, "{request}: ")?;
        }
        match self {
            Error::Api(api) => api.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            // Name the timeout that fired, so it can be found and raised.
            Error::Transport { source, .. } if source.is_timeout() && source.is_connect() => f
                .write_str(
                    "timed out connecting to clerk (the client's connect_timeout, 10 s unless set)",
                ),
            Error::Transport { source, .. } if source.is_timeout() => {
                f.write_str("clerk did not answer in time (the client's timeout, 30 s unless set)")
            }
            Error::Transport { source, .. } => match ResponseTooLarge::in_chain(source) {
                Some(max) => write!(
                    f,
                    "clerk's response was longer than the client's max_response_size ({max} bytes)"
                ),
                None => f.write_str("error sending request to clerk"),
            },
            Error::Decode(decode) => decode.fmt(f),
            Error::UnexpectedStatus { status, .. } => {
                write!(f, "unexpected response status {status}")
            }
            Error::Hook(message) => write!(f, "request refused: {message}"),
            // Transparent: the configuration error already says what to fix.
            Error::Config(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode(decode) => Some(&decode.source),
            Error::Config(error) => std::error::Error::source(error),
            Error::Api(_)
            | Error::InvalidRequest(_)
            | Error::UnexpectedStatus { .. }
            | Error::Hook(_) => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

// ===== impl RequestLine =====

impl RequestLine {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> RequestLine {
        RequestLine { method, path: path.into() }
    }

    /// The line of a request about to be sent: its method and path, without the query.
    pub(crate) fn of(request: &reqwest::Request) -> RequestLine {
        RequestLine::new(request.method().clone(), request.url().path())
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

// ===== impl ApiError =====

impl ApiError {
    fn new(
        request: RequestLine,
        status: StatusCode,
        headers: HeaderMap,
        captured: Option<&CapturedBody>,
    ) -> ApiError {
        let body = match captured {
            Some(captured) => ErrorBody::decode(captured),
            None => ErrorBody::Text { text: String::new(), truncated: false },
        };
        let body_len = captured.map_or(0, |captured| captured.bytes.len());
        ApiError { request, status, headers, body, body_len }
    }

    /// The method and path of the request.
    pub fn request(&self) -> &RequestLine {
        &self.request
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
            .filter(|id| !id.is_empty())
            .or_else(|| self.headers.get("cf-ray")?.to_str().ok())
    }

    /// `Retry-After` as a duration: integer seconds, or an HTTP date (zero if it has passed).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers.get(RETRY_AFTER)?.to_str().ok()?, SystemTime::now())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("request", &format_args!("{}", self.request))
            .field("status", &self.status)
            .field("body", &self.body)
            .field("trace_id", &self.trace_id())
            .field("retry_after", &self.retry_after())
            .finish()
    }
}

// ===== impl ErrorBody =====

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

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorBody::Clerk(errors) => f.debug_tuple("Clerk").field(errors).finish(),
            ErrorBody::Text { text, truncated } => f
                .debug_struct("Text")
                .field("len", &text.len())
                .field("truncated", truncated)
                .finish_non_exhaustive(),
        }
    }
}

// ===== impl DecodeError =====

impl DecodeError {
    /// The method and path of the request (see [`RequestLine`] for when the path is a template).
    pub fn request(&self) -> &RequestLine {
        &self.request
    }

    /// The body as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde's message can quote the offending value; its place in the body is enough.
        write!(
            f,
            "error decoding clerk's response body ({} bytes; {:?} error at line {}, column {})",
            self.body.len(),
            self.source.classify(),
            self.source.line(),
            self.source.column()
        )
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("request", &format_args!("{}", self.request))
            .field("body_len", &self.body.len())
            .field("category", &self.source.classify())
            .field("line", &self.source.line())
            .field("column", &self.source.column())
            .finish()
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Decodes a `ClerkErrors` document. An error that lacks `code`, `message` or `long_message`
/// (all required by the spec) still decodes, with an empty string in its place: losing Clerk's
/// other errors, trace id and status details over one missing message would help no one.
fn decode_clerk_errors(bytes: &[u8]) -> Option<types::ClerkErrors> {
    /// What makes a body Clerk's error document at all: an `errors` list. Every other member may
    /// be missing, so without this check any JSON object (a proxy's `{"message": …}`) would pass
    /// for one and show as a Clerk error without a code.
    #[derive(serde::Deserialize)]
    struct Document {
        #[serde(rename = "errors")]
        _errors: Vec<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Document>(bytes).ok()?;
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

/// Parses a `Retry-After` value: delay-seconds (`1*DIGIT`) or an HTTP date, relative to `now`.
/// A delay too long for a `u64` of seconds saturates: it means "not any time soon", and taking it
/// for no `Retry-After` at all would let the client retry after its short backoff.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    // Digits only: `u64::from_str` would also take a sign (`+5`).
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
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

    /// Found by fuzzing (`fuzz::delay_seconds_are_read_exactly`,
    /// `fuzz::other_numbers_are_not_delays`): a delay past `u64::MAX` seconds was ignored, so a
    /// 429 that asked for "never" was retried after the short backoff; and `+0` was a delay.
    #[test]
    fn retry_after_saturates_huge_delays_and_takes_digits_only() {
        let max = Some(Duration::from_secs(u64::MAX));
        assert_eq!(parse_retry_after("18500000000000000000", SystemTime::UNIX_EPOCH), max);
        assert_eq!(parse_retry_after(&"9".repeat(400), SystemTime::UNIX_EPOCH), max);
        for value in ["+0", "+5", "", " ", "1.5", "5s", "0x10", "٣"] {
            assert_eq!(parse_retry_after(value, SystemTime::UNIX_EPOCH), None, "{value:?}");
        }
    }

    /// Found by fuzzing (`fuzz::any_error_body_decodes_without_panicking`): Clerk's message (or
    /// code, or trace id) broke the one-line `Display` with a newline.
    #[test]
    fn display_stays_one_line_whatever_clerk_sends() {
        let body =
            br#"{"errors":[{"code":"x\u001b[31m","message":"a\nb\r\u2028c","long_message":""}],
                        "clerk_trace_id":"t\n1"}"#;
        let captured = CapturedBody { bytes: Bytes::from_static(body), truncated: false };
        let error = ApiError::new(
            RequestLine::new(Method::GET, "/v1/users/u"),
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            Some(&captured),
        );
        assert_eq!(
            error.to_string(),
            r"clerk returned 400 Bad Request: x\u{1b}[31m: a\nb\r\u{2028}c (trace id t\n1)"
        );
        // The document itself keeps what Clerk sent.
        assert_eq!(error.clerk_errors().unwrap().errors[0].message, "a\nb\r\u{2028}c");
    }

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        // The common `Ok` path should not pay for a large error: responses, request lines and
        // bodies live behind boxes (the largest variant is `Config`).
        assert!(std::mem::size_of::<Error>() <= 48, "{}", std::mem::size_of::<Error>());
    }

    #[test]
    fn a_decode_error_never_quotes_the_body() {
        let body = Bytes::from_static(br#"{"id": "ada@example.com"}"#);
        let source = serde_json::from_slice::<Vec<u8>>(&body).unwrap_err();
        let error = Error::Decode(Box::new(DecodeError {
            request: RequestLine::new(Method::GET, "/v1/users"),
            body,
            source,
        }));
        assert_eq!(
            error.to_string(),
            "GET /v1/users: error decoding clerk's response body (25 bytes; Data error at line \
             1, column 0)"
        );
        assert!(!format!("{error:?}").contains("ada@"), "{error:?}");
    }
}

/// Property tests of the error decoder and `Retry-After` parsing (`src/error/fuzz.rs`).
#[cfg(test)]
mod fuzz;
mod one_line;
