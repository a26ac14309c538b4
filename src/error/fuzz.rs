//! Fuzzing the error decoder and `Retry-After` parsing: whatever a response carries, they answer,
//! never panic. `tests/fuzz.rs` sends mutated fixtures through a client too; see its docs for
//! longer runs (`PROPTEST_CASES=100000 cargo test -p clerk-users --lib --release fuzz`).

use proptest::prelude::*;
use proptest::sample::Index;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde_json::{Map, Value};

use super::*;

/// Personal data that must never show in an error's `Display` or `Debug` when it is part of
/// a body that is not Clerk's JSON.
const CANARY: &str = "ada.lovelace@example.com";

/// Text for codes, messages and trace ids: plain, anything (controls, newlines and astral
/// characters included), or the canary.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_]{0,12}",
        2 => "(?s).{0,12}",
        1 => Just(CANARY.to_owned()),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ]
}

fn meta() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec(("[a-z_]{1,8}", leaf()), 0..3).prop_map(|m| m.into_iter().collect())
}

/// One member no version of the types knows.
fn unknown_member() -> impl Strategy<Value = (String, Value)> {
    ("zz_[a-z]{0,6}", leaf())
}

/// One error of a Clerk error document, each field possibly missing.
#[derive(Clone, Debug)]
struct Item {
    code: Option<String>,
    message: Option<String>,
    long_message: Option<String>,
    meta: Option<Map<String, Value>>,
    unknown: Option<(String, Value)>,
}

fn item() -> impl Strategy<Value = Item> {
    let fields = (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(meta()),
        prop::option::of(unknown_member()),
    );
    fields.prop_map(|(code, message, long_message, meta, unknown)| Item {
        code,
        message,
        long_message,
        meta,
        unknown,
    })
}

/// A Clerk error document in which any error may lack its `code`, `message` or
/// `long_message`, with unknown members here and there; and what the decoder must make of
/// it.
fn document() -> impl Strategy<Value = (Value, types::ClerkErrors)> {
    let parts = (
        prop::collection::vec(item(), 0..4),
        prop::option::of(prop::option::of(text())),
        prop::option::of(meta()),
        prop::option::of(unknown_member()),
    );
    parts.prop_map(|(items, trace_id, meta, unknown)| {
        let mut document = Map::new();
        let mut errors = Vec::new();
        let mut expected = Vec::new();
        for item in items {
            let mut error = Map::new();
            for (key, value) in [
                ("code", &item.code),
                ("message", &item.message),
                ("long_message", &item.long_message),
            ] {
                if let Some(value) = value {
                    error.insert(key.to_owned(), Value::from(value.clone()));
                }
            }
            if let Some(meta) = &item.meta {
                error.insert("meta".to_owned(), Value::Object(meta.clone()));
            }
            if let Some((key, value)) = &item.unknown {
                error.insert(key.clone(), value.clone());
            }
            errors.push(Value::Object(error));
            expected.push(types::ClerkError {
                code: item.code.unwrap_or_default(),
                message: item.message.unwrap_or_default(),
                long_message: item.long_message.unwrap_or_default(),
                meta: item.meta.unwrap_or_default(),
            });
        }
        document.insert("errors".to_owned(), Value::Array(errors));
        if let Some(trace_id) = &trace_id {
            document.insert("clerk_trace_id".to_owned(), Value::from(trace_id.clone()));
        }
        if let Some(meta) = &meta {
            document.insert("meta".to_owned(), Value::Object(meta.clone()));
        }
        if let Some((key, value)) = unknown {
            document.insert(key, value);
        }
        let expected = types::ClerkErrors {
            clerk_trace_id: trace_id.flatten(),
            errors: expected,
            meta: meta.unwrap_or_default(),
        };
        (Value::Object(document), expected)
    })
}

/// Bodies an error response may carry: Clerk documents, whole, cut short or with a byte
/// changed; anything at all; a proxy's text around personal data.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let written = || document().prop_map(|(document, _)| document.to_string().into_bytes());
    prop_oneof![
        written(),
        (written(), any::<Index>()).prop_map(|(mut bytes, cut)| {
            bytes.truncate(cut.index(bytes.len() + 1));
            bytes
        }),
        (written(), any::<Index>(), 1..=u8::MAX).prop_map(|(mut bytes, at, mask)| {
            let at = at.index(bytes.len());
            bytes[at] ^= mask;
            bytes
        }),
        prop::collection::vec(any::<u8>(), 0..128),
        ("(?s).{0,40}", "(?s).{0,40}")
            .prop_map(|(before, after)| format!("{before}{CANARY}{after}").into_bytes()),
    ]
}

fn error_for(body: &[u8], truncated: bool, status: u16, retry_after: &str) -> ApiError {
    let captured = CapturedBody { bytes: Bytes::copy_from_slice(body), truncated };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(retry_after) {
        headers.insert(RETRY_AFTER, value);
    }
    let status = StatusCode::from_u16(status).expect("the strategy makes valid statuses");
    ApiError::new(
        RequestLine::new(Method::GET, "/v1/users/user_x"),
        status,
        headers,
        Some(&captured),
    )
}

proptest! {
    /// Whatever the body, the error decoder answers: Clerk's document when the body is one
    /// (with an `errors` list), else the text (UTF-8 repaired), and a body cut off is never taken for a document.
    /// `Display` stays one line and shows nothing of a body that is not Clerk's JSON.
    #[test]
    fn any_error_body_decodes_without_panicking(
        body in body(),
        truncated in any::<bool>(),
        status in 400u16..600,
        retry_after in "(?s).{0,20}",
    ) {
        let error = error_for(&body, truncated, status, &retry_after);
        let as_text = ErrorBody::Text {
            text: String::from_utf8_lossy(&body).into_owned(),
            truncated,
        };
        if truncated {
            prop_assert_eq!(error.body(), &as_text);
        } else if let Ok(document) = serde_json::from_slice::<types::ClerkErrors>(&body) {
            // Only a document with an `errors` list is Clerk's; other JSON stays text.
            #[derive(serde::Deserialize)]
            struct Document {
                #[serde(rename = "errors")]
                _errors: Vec<serde::de::IgnoredAny>,
            }
            let listed = serde_json::from_slice::<Document>(&body).is_ok();
            let expected = if listed { ErrorBody::Clerk(document) } else { as_text.clone() };
            prop_assert_eq!(error.body(), &expected);
        } else if serde_json::from_slice::<Value>(&body).is_err() {
            prop_assert_eq!(error.body(), &as_text);
        }

        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        let breaks = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
        prop_assert!(!shown.contains(breaks), "not one line: {shown:?}");
        prop_assert!(shown.starts_with(&format!("clerk returned {status}")), "{shown}");
        if matches!(error.body(), ErrorBody::Text { .. }) {
            prop_assert!(!shown.contains(CANARY) && !debug.contains(CANARY), "{shown} {debug}");
        }
        let _ = (error.codes(), error.trace_id(), error.retry_after());
    }

    /// An error that lacks `code`, `message` or `long_message` still decodes, with an empty
    /// string in its place, and keeps the others, the trace id and `meta`; unknown members
    /// are ignored.
    #[test]
    fn clerk_documents_missing_required_fields_still_decode(
        (document, expected) in document(),
    ) {
        let body = serde_json::to_vec(&document).expect("a JSON value serializes");
        let error = error_for(&body, false, 422, "");
        prop_assert_eq!(error.body(), &ErrorBody::Clerk(expected));
    }

    /// Any header value, down to arbitrary bytes: read or ignored, never a panic.
    #[test]
    fn any_retry_after_header_parses_without_panicking(
        bytes in prop::collection::vec(any::<u8>(), 0..40),
        text in "(?s).{0,40}",
        now in 0u64..=MAX_HTTP_DATE,
    ) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
        if let Some(value) = HeaderValue::from_bytes(&bytes).ok().and_then(|v| v.to_str().ok().map(str::to_owned)) {
            let _ = parse_retry_after(&value, now);
        }
        let _ = parse_retry_after(&text, now);
    }

    /// delay-seconds (`1*DIGIT`, with optional whitespace around) are read exactly; a delay
    /// longer than a `u64` of seconds saturates, meaning "not any time soon", rather than
    /// being ignored (which would let the client retry after its short backoff).
    #[test]
    fn delay_seconds_are_read_exactly(
        digits in "[0-9]{1,40}",
        before in "[ \t]{0,2}",
        after in "[ \t]{0,2}",
    ) {
        let expected = digits.parse::<u128>().map_or(u64::MAX, |n| n.min(u64::MAX.into()) as u64);
        let now = SystemTime::UNIX_EPOCH;
        prop_assert_eq!(
            parse_retry_after(&format!("{before}{digits}{after}"), now),
            Some(Duration::from_secs(expected))
        );
    }

    /// A number that is not delay-seconds (signed, fractional, with a unit or non-ASCII
    /// digits) is not a delay.
    #[test]
    fn other_numbers_are_not_delays(
        value in "[+-][0-9]{1,5}|[0-9]{0,5}\\.[0-9]{1,3}|[0-9]{1,5} ?[a-z]{1,3}|[0-9]{0,2}[٠-٩０-９]{1,3}",
    ) {
        prop_assert_eq!(parse_retry_after(&value, SystemTime::UNIX_EPOCH), None);
    }

    /// An HTTP date is a wait until then, or none if it has passed.
    #[test]
    fn http_dates_are_waits_until_then(at in 0u64..=MAX_HTTP_DATE, now in 0u64..=MAX_HTTP_DATE) {
        let (at, now) = (Duration::from_secs(at), Duration::from_secs(now));
        let value = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + at);
        prop_assert_eq!(
            parse_retry_after(&value, SystemTime::UNIX_EPOCH + now),
            Some(at.saturating_sub(now))
        );
    }
}

/// The last second HTTP dates can name: 9999-12-31 23:59:59 UTC.
const MAX_HTTP_DATE: u64 = 253_402_300_799;
