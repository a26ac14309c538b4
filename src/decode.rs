//! Decoding JSON bodies: how the client reads every success response, and the same for bytes
//! you hold.
//!
//! The body's UTF-8 is checked once, as a whole, and then parsed. `serde_json::from_slice`
//! checks the UTF-8 of each string as it decodes it, one call per string: on a page of users,
//! about a tenth of the decoding time. One check of the whole body is a fast scan, after which
//! `serde_json::from_str` trusts the text. A body that is not UTF-8 is handed to `from_slice`,
//! so its error still says where.

use progenitor_client::{Error, ResponseValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Decodes a JSON body into `T` as the client decodes responses: the same result and errors as
/// [`serde_json::from_slice`], faster on bodies with many strings.
///
/// For JSON you hold as bytes (a saved page, an export line, a webhook payload):
///
/// ```
/// let users: Vec<clerk_users::types::User> =
///     clerk_users::decode::from_slice(br#"[{"id": "user_1", "created_at": 1}]"#)?;
/// assert_eq!(users[0].id, "user_1");
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
///
/// When the bytes are not JSON, or not JSON that fits `T`.
pub fn from_slice<'a, T: Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// A success response's body decoded into `T`, with its status and headers: what every
/// generated `send()` calls in place of progenitor's `ResponseValue::from_response`, with the
/// same errors.
pub(crate) async fn response<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(error) => Err(Error::InvalidResponsePayload(body, error)),
    }
}

#[cfg(test)]
mod tests {
    use super::from_slice as from_body;

    #[test]
    fn decodes_text_as_from_slice_does() {
        let body = r#"{"name":"Zoë \u00e9\"","n":[1,2]}"#.as_bytes();
        let ours: serde_json::Value = from_body(body).unwrap();
        let theirs: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours["name"], "Zoë é\"");
    }

    #[test]
    fn a_body_that_is_not_utf8_fails_where_from_slice_says() {
        let body = b"{\"name\":\"\xff\"}";
        let ours = from_body::<serde_json::Value>(body).unwrap_err();
        let theirs = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!((ours.line(), ours.column()), (1, 10));
    }

    #[test]
    fn errors_in_valid_text_are_the_same_as_from_slice() {
        for body in [&b"{\"a\":}"[..], b"[1,2", b"{\"a\":1} x", b"\"\\ud800\""] {
            let ours = from_body::<serde_json::Value>(body).unwrap_err();
            let theirs = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string());
        }
    }
}
