//! What a successful `send()` returns: the decoded body, with the response's status and headers.

use std::fmt;
use std::ops::{Deref, DerefMut};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful response: the decoded body (`types::User`, `Vec<types::User>`, …) with the
/// status and headers it came with.
///
/// It dereferences to the body, so fields and methods read straight through
/// (`user.first_name`, `users.len()`), and a list iterates like the `Vec` it holds:
///
/// ```no_run
/// # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
/// let users = client.get_user_list().limit(10).send().await?;
/// println!("{} users, status {}", users.len(), users.status());
/// for user in &users {
///     println!("{}", user.id);
/// }
/// for user in users {
///     // owned `types::User`s
///     println!("{:?}", user.first_name);
/// }
/// # Ok(()) }
/// ```
///
/// [`into_inner`](Response::into_inner) takes the body out.
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response with this body, status and headers: what a test double of your own returns.
    pub fn new(body: T, status: StatusCode, headers: HeaderMap) -> Response<T> {
        Response { body, status, headers }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The response status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { body: f(self.body), status: self.status, headers: self.headers }
    }

    /// The response of a generated `send()` (progenitor's type stays out of the public API).
    pub(crate) fn from_generated(value: progenitor_client::ResponseValue<T>) -> Self {
        let (status, headers) = (value.status(), value.headers().clone());
        Response { body: value.into_inner(), status, headers }
    }
}

impl<T> AsRef<T> for Response<T> {
    fn as_ref(&self) -> &T {
        &self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

/// `for user in users`: a list response iterates over its items, by value.
impl<T: IntoIterator> IntoIterator for Response<T> {
    type Item = T::Item;
    type IntoIter = T::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.body.into_iter()
    }
}

/// `for user in &users`: a list response iterates over its items, by reference.
impl<'a, T> IntoIterator for &'a Response<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&self.body).into_iter()
    }
}

/// The status and the body; never the headers (they are the server's, but a proxy's could carry
/// anything).
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response<T>(body: T) -> Response<T> {
        Response { body, status: StatusCode::OK, headers: HeaderMap::new() }
    }

    #[test]
    fn lists_iterate_by_value_and_by_reference() {
        let users = response(vec!["a".to_owned(), "b".to_owned()]);
        let borrowed: Vec<&String> = (&users).into_iter().collect();
        assert_eq!(borrowed, ["a", "b"]);
        assert_eq!(users.iter().count(), 2);
        let owned: Vec<String> = users.into_iter().collect();
        assert_eq!(owned, ["a", "b"]);
    }

    #[test]
    fn map_keeps_status_and_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-test", "1".parse().unwrap());
        let original = Response::new(2, StatusCode::CREATED, headers);
        let mapped = original.map(|n| n * 10);
        assert_eq!((*mapped, mapped.status()), (20, StatusCode::CREATED));
        assert_eq!(mapped.headers()["x-test"], "1");
    }
}
