//! The request hooks every call goes through, generated or hand-written.
//!
//! progenitor calls `pre` with the built request, then `exec` to send it, then `post`. Here `pre`
//! settles the headers and refuses requests whose path a parameter bent to another endpoint, and
//! `exec` paces, sends, reads the whole response, retries what [`RetryPolicy`] allows, and traces
//! it all. A response that is not a success carries its request's method and path, and an error
//! response its body, so [`Error`](crate::Error) can name the request and decode the body; a
//! transport error keeps the URL without its query.
//!
//! # Tracing
//!
//! Each call is a `clerk.request` span (operation, method, path with ids, final status, attempts),
//! and each attempt a `clerk.attempt` span inside it (attempt number, status, duration in ms,
//! Clerk trace id); a retry logs its wait at `warn`. Headers (the secret key) and bodies are never
//! recorded. Without a subscriber this costs next to nothing; with `tracing-subscriber`,
//! `RUST_LOG=clerk_users=debug` shows it (the quickstart example sets this up).

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::RETRY_AFTER;
use tracing::{Instrument, field};

use crate::error::{CapturedBody, RequestLine, parse_retry_after};
use crate::retry::{Outcome, is_idempotent};
use crate::{Client, ClientState, RetryPolicy, path};

/// The most of an error body kept for the error; Clerk's are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor adds `api-version: <spec version>` to every request. Clerk reads its version
        // from `Clerk-API-Version` (a default header of the client), so the duplicate goes.
        request.headers_mut().remove("api-version");
        path::check(&self.inner().base_path, request.url().path(), info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "clerk.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = field::Empty,
            attempts = field::Empty,
        );
        self.send_with_retries(request, info).instrument(span).await
    }
}

impl Client {
    /// Sends `request`, again as long as the retry policy allows, and returns the last outcome.
    async fn send_with_retries(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        let policy: &RetryPolicy = &state.retry;
        let idempotent = is_idempotent(info.operation_id, request.method());
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            // A streaming body (the multipart upload) cannot be sent twice: no copy, no retry.
            let copy = request.try_clone();
            if let Some(limiter) = &state.limiter {
                limiter.until_ready().await;
            }
            let span = tracing::debug_span!(
                "clerk.attempt",
                attempt,
                status = field::Empty,
                duration_ms = field::Empty,
                trace_id = field::Empty,
            );
            let result = self.send_once(request).instrument(span).await;
            let (outcome, retry_after) = match &result {
                Ok(response) => (
                    Outcome::Status(response.status()),
                    response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
                ),
                // A body over the cap would be as long again: not worth another attempt.
                Err(error) if ResponseTooLarge::in_chain(error).is_some() => {
                    let span = tracing::Span::current();
                    span.record("attempts", attempt);
                    return result;
                }
                Err(_) => (Outcome::NoResponse, None),
            };
            let delay = policy.next_delay(
                attempt,
                outcome,
                retry_after,
                idempotent,
                waited,
                fastrand::f64(),
            );
            match (delay, copy) {
                (Some(delay), Some(copy)) => {
                    tracing::warn!(
                        attempt,
                        ?outcome,
                        wait_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    attempt += 1;
                    request = copy;
                }
                _ => {
                    let span = tracing::Span::current();
                    span.record("attempts", attempt);
                    if let Ok(response) = &result {
                        span.record("status", response.status().as_u16());
                    }
                    return result;
                }
            }
        }
    }

    /// One attempt: sends the request and reads the whole response, so that a connection lost
    /// in the middle of a body is a failed attempt (which may be retried) rather than a decoding
    /// error later. The body travels on in the returned response.
    async fn send_once(&self, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let line = RequestLine::of(&request);
        let max = self.inner().max_response_size;
        let result = match self.client().execute(request).await {
            Ok(response) => read_whole(response, line, max).await,
            Err(error) => Err(without_query(error)),
        };
        let span = tracing::Span::current();
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if !span.is_disabled()
                    && let Some(trace_id) = trace_id(response)
                {
                    span.record("trace_id", trace_id.as_str());
                }
                tracing::debug!(status = response.status().as_u16(), "response");
            }
            Err(error) => tracing::debug!(%error, "no response"),
        }
        result
    }
}

/// Reads a response's body and returns the response rebuilt around it. A response that is not a
/// success carries its request's [`RequestLine`] for [`Error`](crate::Error) (the rebuilt
/// response has no URL); an error response also keeps at most [`MAX_ERROR_BODY`] bytes, and what
/// arrived of a body cut off, as a [`CapturedBody`]. A success body must arrive whole.
async fn read_whole(
    mut response: reqwest::Response,
    line: RequestLine,
    max: usize,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let (body, captured) = if status.is_client_error() || status.is_server_error() {
        let (body, truncated) = read_capped(&mut response).await;
        let captured = CapturedBody { bytes: body.clone(), truncated };
        (body, Some(captured))
    } else {
        (read_limited(&mut response, max).await?, None)
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    if !status.is_success() {
        rebuilt.extensions_mut().insert(line);
    }
    if let Some(captured) = captured {
        rebuilt.extensions_mut().insert(captured);
    }
    Ok(reqwest::Response::from(rebuilt))
}

/// Reads a success body of at most `max` bytes. A longer one is a failed read (the connection is
/// dropped), an error whose cause is a [`ResponseTooLarge`]: a misconfigured proxy or a hostile
/// server streaming without end must not grow memory until the timeout.
async fn read_limited(response: &mut reqwest::Response, max: usize) -> reqwest::Result<Bytes> {
    let mut body = BytesMut::new();
    // A declared length over the cap fails at once, without reading.
    let declared_too_long = response.content_length().is_some_and(|n| n > max as u64);
    while let Some(chunk) = response.chunk().await? {
        if declared_too_long || chunk.len() > max - body.len() {
            if let Some(error) = too_large(response.url(), max).await {
                return Err(error);
            }
            // reqwest always fails a body whose stream fails; should that change, what was read
            // fails to decode instead.
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The reqwest error for a body over `max` bytes, with the request's URL less its query. reqwest
/// has no public constructor: the error comes from reading a body whose stream fails with
/// [`ResponseTooLarge`].
async fn too_large(url: &reqwest::Url, max: usize) -> Option<reqwest::Error> {
    let failing = futures::stream::once(async move { Err::<Bytes, _>(ResponseTooLarge { max }) });
    let response =
        reqwest::Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    let mut url = url.clone();
    url.set_query(None);
    Some(response.bytes().await.err()?.with_url(url))
}

/// Why a response was not read to its end: it was longer than the client's
/// `max_response_size`.
#[derive(Debug)]
pub(crate) struct ResponseTooLarge {
    pub(crate) max: usize,
}

impl std::fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the response was longer than the client's max_response_size ({} bytes)",
            self.max
        )
    }
}

impl std::error::Error for ResponseTooLarge {}

impl ResponseTooLarge {
    /// The cap an error's cause chain says was exceeded, if it says so.
    pub(crate) fn in_chain(error: &(dyn std::error::Error + 'static)) -> Option<usize> {
        let mut cause = Some(error);
        while let Some(error) = cause {
            if let Some(too_large) = error.downcast_ref::<ResponseTooLarge>() {
                return Some(too_large.max);
            }
            cause = error.source();
        }
        None
    }
}

/// Reads up to [`MAX_ERROR_BODY`] bytes; `true` when the body was longer or cut off.
async fn read_capped(response: &mut reqwest::Response) -> (Bytes, bool) {
    let mut body = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_ERROR_BODY => {
                body.extend_from_slice(&chunk)
            }
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..MAX_ERROR_BODY - body.len()]);
                return (body.freeze(), true);
            }
            Ok(None) => return (body.freeze(), false),
            Err(_) => return (body.freeze(), true),
        }
    }
}

/// The error with its URL cut to the path: reqwest's message repeats the URL, and the query
/// carries emails and names. The path stays, to name the request in [`Error`](crate::Error).
fn without_query(error: reqwest::Error) -> reqwest::Error {
    match error.url() {
        Some(url) if url.query().is_some() => {
            let mut url = url.clone();
            url.set_query(None);
            error.with_url(url)
        }
        _ => error,
    }
}

/// Clerk's trace id for a response: the error body's `clerk_trace_id`, else `cf-ray`.
fn trace_id(response: &reqwest::Response) -> Option<String> {
    let from_body = response.extensions().get::<CapturedBody>().and_then(|captured| {
        let body: serde_json::Value = serde_json::from_slice(&captured.bytes).ok()?;
        Some(body.get("clerk_trace_id")?.as_str()?.to_owned())
    });
    from_body.or_else(|| Some(response.headers().get("cf-ray")?.to_str().ok()?.to_owned()))
}
