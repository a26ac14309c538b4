//! Clerk's error answers: the internal [`Failure`] every handler returns, and the public
//! [`FakeError`] the seeding helpers return.

use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value};

use clerk_users::types;

impl std::ops::Deref for Failure {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Failure {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

/// One Clerk error, with the status it is answered with. Turned into a `ClerkErrors` body by
/// [`Failure::into_response`] (with a trace id) or into a [`FakeError`]. Boxed, so results stay
/// small.
#[derive(Debug, Clone)]
pub(crate) struct Failure(Box<Details>);

/// What a [`Failure`] says.
#[derive(Debug, Clone)]
pub(crate) struct Details {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) long_message: String,
    pub(crate) meta: Map<String, Value>,
    /// Seconds for a `Retry-After` header (429 only).
    pub(crate) retry_after: Option<u64>,
}

impl Failure {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        long_message: impl Into<String>,
    ) -> Failure {
        Failure(Box::new(Details {
            status,
            code,
            message: message.into(),
            long_message: long_message.into(),
            meta: Map::new(),
            retry_after: None,
        }))
    }

    /// Adds `meta.param_name`.
    pub(crate) fn param(mut self, name: &str) -> Failure {
        self.meta.insert("param_name".to_owned(), Value::String(name.to_owned()));
        self
    }

    pub(crate) fn user_not_found(id: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No user was found with id {id}"),
        )
        .param("user_id")
    }

    pub(crate) fn route_not_found() -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "The requested resource was not found.",
        )
    }

    pub(crate) fn unauthenticated() -> Failure {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "authentication_invalid",
            "Unauthorized request",
            "You are not authorized to perform this request",
        )
    }

    pub(crate) fn too_many_requests(retry_after: u64) -> Failure {
        let mut failure = Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests, retry later",
            format!("Too many requests; the limit resets in {retry_after} seconds."),
        );
        failure.retry_after = Some(retry_after);
        failure
    }

    pub(crate) fn service_unavailable() -> Failure {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Service unavailable",
            "The service is temporarily unavailable (an injected failure of the fake). Please retry.",
        )
    }

    pub(crate) fn body_invalid(detail: impl fmt::Display) -> Failure {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Request body invalid",
            format!("The request body is invalid: {detail}."),
        )
    }

    pub(crate) fn body_too_large() -> Failure {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "Request body too large",
            "The request body is larger than the server accepts.",
        )
    }

    pub(crate) fn unknown_param(name: &str) -> Failure {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_unknown",
            "Unknown parameter",
            format!("{name} is not a valid parameter for this request."),
        )
        .param(name)
    }

    pub(crate) fn missing_param(name: &str) -> Failure {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "missing required parameter",
            format!("{name} must be included."),
        )
        .param(name)
    }

    pub(crate) fn format_invalid(name: &str, expected: &str) -> Failure {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "is invalid",
            format!("{name} must be {expected}."),
        )
        .param(name)
    }

    pub(crate) fn value_invalid(name: &str, long_message: impl Into<String>) -> Failure {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            long_message,
        )
        .param(name)
    }

    pub(crate) fn identifier_exists(name: &str) -> Failure {
        let what = name.replace('_', " ");
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_exists",
            format!("That {what} is taken."),
            format!("That {what} is taken. Please try another."),
        )
        .param(name)
    }

    pub(crate) fn password_too_short() -> Failure {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_short",
            "Passwords must be 8 characters or more.",
            "Passwords must be 8 characters or more.",
        )
        .param("password")
    }

    /// The `ClerkErrors` body, with `trace_id`.
    pub(crate) fn body(&self, trace_id: &str) -> String {
        let body = clerk_errors(self.code, &self.message, &self.long_message, &self.meta, trace_id);
        // The generated type serializes plain strings and maps, which cannot fail.
        serde_json::to_string(&body).unwrap_or_default()
    }

    /// The HTTP answer: status, `ClerkErrors` body with `trace_id`, and `Retry-After` on a 429.
    pub(crate) fn into_response(self, trace_id: &str) -> Response {
        let body = self.body(trace_id);
        let mut response =
            (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A `ClerkErrors` body with one error, built as the client's generated type so that it has the
/// spec's shape.
pub(crate) fn clerk_errors(
    code: &str,
    message: &str,
    long_message: &str,
    meta: &Map<String, Value>,
    trace_id: &str,
) -> types::ClerkErrors {
    types::ClerkErrors {
        clerk_trace_id: Some(trace_id.to_owned()),
        errors: vec![types::ClerkError {
            code: code.to_owned(),
            long_message: long_message.to_owned(),
            message: message.to_owned(),
            meta: meta.clone(),
        }],
        meta: Map::new(),
    }
}

/// What a seeding helper of [`FakeClerk`](super::FakeClerk) (such as
/// [`add_user`](super::FakeClerk::add_user)) refused, with the status and `ClerkErrors` body the
/// HTTP API would have answered.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = clerk_users_fake::FakeClerk::start().await;
/// fake.add_user(serde_json::json!({"email_address": ["ada@example.com"]})).unwrap();
/// let error = fake.add_user(serde_json::json!({"email_address": ["ADA@example.com"]})).unwrap_err();
/// assert_eq!(error.status(), 422);
/// assert_eq!(error.code(), "form_identifier_exists");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FakeError {
    status: StatusCode,
    // Boxed, so results stay small.
    errors: Box<types::ClerkErrors>,
}

impl FakeError {
    pub(crate) fn from_failure(failure: Failure, trace_id: String) -> FakeError {
        let errors = clerk_errors(
            failure.code,
            &failure.message,
            &failure.long_message,
            &failure.meta,
            &trace_id,
        );
        FakeError { status: failure.status, errors: Box::new(errors) }
    }

    /// The HTTP status the API would have answered (such as 404 or 422).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The code of the (single) error, such as `form_identifier_exists`.
    pub fn code(&self) -> &str {
        self.errors.errors.first().map_or("", |error| error.code.as_str())
    }

    /// The whole `ClerkErrors` body the API would have answered.
    pub fn clerk_errors(&self) -> &types::ClerkErrors {
        &self.errors
    }
}

impl fmt::Display for FakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.errors.first() {
            Some(error) => write!(f, "{}: {}: {}", self.status, error.code, error.long_message),
            None => write!(f, "{}", self.status),
        }
    }
}

impl std::error::Error for FakeError {}
