//! Fault injection: what the fake does instead of (or before) answering one chosen request, and
//! the schedule that picks that request.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use serde_json::{Map, Value};

use crate::error::clerk_errors;

/// What a [`FakeClerk`](crate::FakeClerk) does to one request chosen with
/// [`on_request`](crate::FakeClerk::on_request),
/// [`on_list_request`](crate::FakeClerk::on_list_request) or
/// [`on_route`](crate::FakeClerk::on_route).
///
/// Faults act before everything else the fake does (latency, rate limit, key check), so an
/// injected answer comes back even without a valid key. Several faults on the same request act in
/// the order they were scheduled: [`Stall`](Fault::Stall) and
/// [`InsertUsers`](Fault::InsertUsers) then let the request go on, and the first
/// [`Respond`](Fault::Respond), [`RepeatLastPage`](Fault::RepeatLastPage) or
/// [`Hang`](Fault::Hang) decides the answer.
///
/// ```
/// use std::time::Duration;
/// use clerk_users_fake::{Fault, Reply};
///
/// // 503 with a Clerk error body (`service_unavailable`).
/// let unavailable = Fault::status(503);
/// // 429 that asks the client to wait two seconds.
/// let limited = Fault::Respond(Reply::status(429).retry_after(2));
/// // A gateway's HTML page, as a load balancer would send it.
/// let gateway = Fault::Respond(Reply::status(502).body("text/html", "<h1>Bad gateway</h1>"));
/// // Five new users arrive just before the request is answered.
/// let insert = Fault::InsertUsers(5);
/// // Answered normally, but only after a second.
/// let slow = Fault::Stall(Duration::from_secs(1));
/// # let _ = (unavailable, limited, gateway, insert, slow);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// Answers with this [`Reply`] instead of the operation (nothing changes in the store).
    Respond(Reply),
    /// Holds the request this long, then goes on as usual: for testing a client's timeouts and
    /// what it does while it waits. Stalls add up with the fake's latency.
    Stall(Duration),
    /// Never answers: holds the request until the client gives up (its timeout) or the server
    /// stops (then 503), when the fake and every client it handed out are dropped. For testing
    /// transport timeouts.
    Hang,
    /// Before answering, adds this many new users, made like
    /// [`seed_users`](crate::FakeClerk::seed_users) ones but created now: the newest by
    /// `created_at` and by `updated_at`, so they come first in `-created_at` (a cursor walk that
    /// started before them does not see them) and in `-updated_at` (an offset walk, whose rows
    /// they push down).
    InsertUsers(usize),
    /// Answers a list request (`GET` of the user list, a user's organization memberships or OAuth
    /// tokens) with exactly the body this path last answered with 200, whatever the query asks:
    /// a server that repeats itself. Answered as usual if that path has not answered yet, or if
    /// the request is not a list request.
    RepeatLastPage,
}

impl Fault {
    /// Shorthand for [`Fault::Respond`] with [`Reply::status`]: the status and a Clerk error
    /// body.
    pub fn status(status: u16) -> Fault {
        Fault::Respond(Reply::status(status))
    }
}

/// An answer injected with [`Fault::Respond`]: a status, a body and headers.
///
/// Without [`body`](Reply::body), [`json`](Reply::json) or [`error`](Reply::error), a status of
/// 400 or more comes with a `ClerkErrors` body whose code matches the status (such as
/// `service_unavailable` for 503) and a `clerk_trace_id`; other statuses with an empty body.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a reply does nothing until given to Fault::Respond"]
pub struct Reply {
    status: StatusCode,
    body: Option<(HeaderValue, Vec<u8>)>,
    error: Option<(String, String)>,
    headers: HeaderMap,
}

impl Reply {
    /// A reply with `status`; a number that is not an HTTP status (under 100 or over 999) is
    /// answered as 500.
    pub fn status(status: u16) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: None,
            error: None,
            headers: HeaderMap::new(),
        }
    }

    /// A `ClerkErrors` body with one error of this `code` and `message` (also its
    /// `long_message`), and a `clerk_trace_id`.
    pub fn error(mut self, code: impl Into<String>, message: impl Into<String>) -> Reply {
        self.error = Some((code.into(), message.into()));
        self.body = None;
        self
    }

    /// This JSON value as the body (`content-type: application/json`).
    pub fn json(self, body: &Value) -> Reply {
        self.body("application/json", body.to_string())
    }

    /// These bytes as the body, with this `content-type` (an invalid content type is sent as
    /// `application/octet-stream`).
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        let content_type = HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        self.body = Some((content_type, body.into()));
        self.error = None;
        self
    }

    /// Adds a header (after the content type, so it can replace it).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Reply {
        self.headers.append(name, value);
        self
    }

    /// Adds `Retry-After: <seconds>`.
    pub fn retry_after(self, seconds: u64) -> Reply {
        self.header(header::RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// The status, the body with its content type, and the headers, with `trace_id` in a
    /// generated `ClerkErrors` body.
    pub(crate) fn parts(
        &self,
        trace_id: &str,
    ) -> (StatusCode, Option<(HeaderValue, Vec<u8>)>, &HeaderMap) {
        let generated = |code: &str, message: &str| {
            let body = clerk_errors(code, message, message, &Map::new(), trace_id);
            let bytes = serde_json::to_vec(&body).unwrap_or_default();
            Some((HeaderValue::from_static("application/json"), bytes))
        };
        let body = match (&self.body, &self.error) {
            (Some(body), _) => Some(body.clone()),
            (None, Some((code, message))) => generated(code, message),
            (None, None) if self.status.as_u16() >= 400 => {
                let message = self.status.canonical_reason().unwrap_or("Injected failure");
                generated(&default_code(self.status), message)
            }
            (None, None) => None,
        };
        (self.status, body, &self.headers)
    }
}

/// Clerk's code for an error status, or the reason phrase in snake case.
fn default_code(status: StatusCode) -> String {
    match status.as_u16() {
        401 => "authentication_invalid".to_owned(),
        403 => "authorization_invalid".to_owned(),
        404 => "resource_not_found".to_owned(),
        422 => "form_param_value_invalid".to_owned(),
        429 => "too_many_requests".to_owned(),
        500 => "internal_clerk_error".to_owned(),
        other => status
            .canonical_reason()
            .map(|reason| reason.to_lowercase().replace([' ', '-'], "_"))
            .unwrap_or_else(|| format!("status_{other}")),
    }
}

/// Which requests a scheduled fault counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Matcher {
    /// Every request.
    Any,
    /// `GET /v1/users`.
    UserList,
    /// This method and exact path (as sent, still percent-encoded).
    Route(Method, String),
}

impl Matcher {
    fn matches(&self, method: &Method, path: &str) -> bool {
        match self {
            Matcher::Any => true,
            Matcher::UserList => method == Method::GET && path == "/v1/users",
            Matcher::Route(m, p) => m == method && p == path,
        }
    }
}

/// A fault waiting for its request.
#[derive(Debug)]
struct Scheduled {
    matcher: Matcher,
    /// Matching requests still to come before this one's; 1 means the next.
    countdown: usize,
    fault: Fault,
}

/// The faults scheduled and not yet used.
#[derive(Debug, Default)]
pub(crate) struct Schedule(Vec<Scheduled>);

impl Schedule {
    /// Schedules `fault` for the `nth` request from now that `matcher` matches (from 1; 0 is
    /// taken as 1).
    pub(crate) fn add(&mut self, matcher: Matcher, nth: usize, fault: Fault) {
        self.0.push(Scheduled { matcher, countdown: nth.max(1), fault });
    }

    /// Counts an arriving request and takes the faults that fall on it, in scheduling order.
    pub(crate) fn take(&mut self, method: &Method, path: &str) -> Vec<Fault> {
        let mut due = Vec::new();
        self.0.retain_mut(|scheduled| {
            if !scheduled.matcher.matches(method, path) {
                return true;
            }
            scheduled.countdown -= 1;
            if scheduled.countdown == 0 {
                due.push(scheduled.fault.clone());
                return false;
            }
            true
        });
        due
    }

    /// Forgets every scheduled fault.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fall_on_the_nth_matching_request_in_scheduling_order() {
        let mut schedule = Schedule::default();
        schedule.add(Matcher::UserList, 2, Fault::InsertUsers(1));
        schedule.add(Matcher::Any, 2, Fault::status(503));
        schedule.add(Matcher::UserList, 2, Fault::RepeatLastPage);

        assert!(schedule.take(&Method::GET, "/v1/users").is_empty());
        assert_eq!(schedule.take(&Method::GET, "/v1/users/count"), [Fault::status(503)]);
        assert_eq!(
            schedule.take(&Method::GET, "/v1/users"),
            [Fault::InsertUsers(1), Fault::RepeatLastPage]
        );
        assert!(schedule.take(&Method::GET, "/v1/users").is_empty());
    }

    #[test]
    fn default_bodies_carry_the_status_code_and_the_trace_id() {
        let (status, body, _) = Reply::status(503).parts("trace_1");
        let (content_type, bytes) = body.unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(content_type, "application/json");
        assert_eq!(body["errors"][0]["code"], "service_unavailable");
        assert_eq!(body["errors"][0]["message"], "Service Unavailable");
        assert_eq!(body["clerk_trace_id"], "trace_1");
        assert_eq!(Reply::status(204).parts("t").1, None);
        assert_eq!(Reply::status(42).parts("t").0, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
