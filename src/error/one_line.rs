//! The one line an API error prints: status, Clerk's first code and explanation, trace id; and
//! what the alternate form adds.

use std::fmt;

use reqwest::header::CONTENT_TYPE;

use super::{ApiError, ErrorBody};
use crate::types;

/// The status, then Clerk's first error (its code and `long_message`, or `message` when that is
/// empty) or what the body was, then the trace id. The request line is written by [`Error`](super::Error)'s
/// `Display`.
///
/// The alternate form (`{:#}`) goes on after that line with every error of the body, one a line
/// with its `meta`, then the body's own `meta`.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clerk returned {}", self.status)?;
        match &self.body {
            ErrorBody::Clerk(body) => {
                if let Some(first) = body.errors.first() {
                    write!(f, ": {}: {}", OneLine(&first.code), OneLine(explanation(first)))?;
                }
                if body.errors.len() > 1 && !f.alternate() {
                    write!(f, " (and {} more)", body.errors.len() - 1)?;
                }
            }
            // Never the text itself: it may be anything, personal data included.
            ErrorBody::Text { text, .. } if text.is_empty() => {
                f.write_str(" with an empty body")?
            }
            ErrorBody::Text { truncated, .. } => {
                let kind = self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
                let kind = kind.and_then(|v| v.split(';').next()).unwrap_or("unknown type");
                let (len, more) = (self.body_len, if *truncated { " or more" } else { "" });
                write!(f, " with a body that is not clerk's JSON ({kind}, {len} bytes{more})")?;
            }
        }
        if let Some(trace_id) = self.trace_id() {
            write!(f, " (trace id {})", OneLine(trace_id))?;
        }
        match (f.alternate(), &self.body) {
            (true, ErrorBody::Clerk(body)) => every_error(f, body),
            _ => Ok(()),
        }
    }
}

/// What one of Clerk's errors says happened: `long_message` ("No user was found with id
/// user_x"), or the short `message` ("not found") when Clerk sent no long one.
fn explanation(error: &types::ClerkError) -> &str {
    match error.long_message.trim() {
        "" => &error.message,
        _ => &error.long_message,
    }
}

/// The lines `{:#}` adds: each error with its short message and `meta`, then the body's `meta`.
fn every_error(f: &mut fmt::Formatter<'_>, body: &types::ClerkErrors) -> fmt::Result {
    for (n, error) in body.errors.iter().enumerate() {
        write!(f, "\n  {}. {}: {}", n + 1, OneLine(&error.code), OneLine(explanation(error)))?;
        if error.message.trim() != explanation(error).trim() && !error.message.is_empty() {
            write!(f, " ({})", OneLine(&error.message))?;
        }
        if !error.meta.is_empty() {
            let meta = serde_json::to_string(&error.meta).unwrap_or_default();
            write!(f, " meta {}", OneLine(&meta))?;
        }
    }
    if !body.meta.is_empty() {
        let meta = serde_json::to_string(&body.meta).unwrap_or_default();
        write!(f, "\n  meta {}", OneLine(&meta))?;
    }
    Ok(())
}

/// Text from a response, written on one line: control characters (a newline, an escape) and
/// Unicode's line and paragraph separators are written escaped (`\n`, `\u{1b}`), so that a
/// message cannot break an error's one line in two or forge a log line.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for c in self.0.chars() {
            match c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                true => write!(f, "{}", c.escape_default())?,
                false => f.write_char(c)?,
            }
        }
        Ok(())
    }
}
