//! [`UndecodableItem`]: one item of a page that did not decode, set apart so the rest of the page,
//! and the walk, go on.

use std::fmt;
use std::sync::Arc;

use serde_json::value::RawValue;

use super::Item;

/// An item of a page that did not decode into the walk's item type (a field of an unexpected
/// type, a shape this crate does not know), kept as the JSON Clerk sent.
///
/// A walk reports it as [`WalkError::Undecodable`](super::WalkError::Undecodable) and goes on
/// with the next item: one bad user never sinks a page or a walk. `Display` and `Debug` say which
/// item and where its JSON went wrong, never the values in it (they can be personal data);
/// [`json`](UndecodableItem::json) gives the text on request.
#[derive(Clone)]
pub struct UndecodableItem {
    json: Box<RawValue>,
    id: Option<String>,
    created_at: Option<i64>,
    /// Where in the item decoding failed, such as `email_addresses[0].created_at`.
    path: String,
    /// What went wrong there, in words that quote no value.
    problem: Problem,
    /// Shared, so the item clones (serde's error does not).
    source: Arc<serde_json::Error>,
}

/// What went wrong, sorted from serde's message without keeping it (it can quote values).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    /// A field the type requires was absent (the name is the type's, not the data's).
    MissingField(String),
    /// A value of another JSON type than expected.
    InvalidType,
    /// A value of the right JSON type out of range or otherwise refused.
    InvalidValue,
    /// Anything else serde reported.
    Other,
}

impl UndecodableItem {
    /// Decodes one item of a page, or sets it apart with what went wrong.
    pub(super) fn decode<T: Item>(json: Box<RawValue>) -> Result<T, Box<UndecodableItem>> {
        let mut deserializer = serde_json::Deserializer::from_str(json.get());
        let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(item) => return Ok(item),
            Err(error) => error,
        };
        let mut path = error.path().to_string();
        let source = Arc::new(error.into_inner());
        let problem = Problem::of(&source);
        // What identifies the item, read leniently: the item as a whole did not decode.
        let head: Option<serde_json::Value> = serde_json::from_str(json.get()).ok();
        let field = |name: &str| head.as_ref().and_then(|value| value.get(name));
        let id = field(T::ID_FIELD).and_then(serde_json::Value::as_str).map(str::to_owned);
        let created_at = field("created_at").and_then(serde_json::Value::as_i64);
        // A type that reads the item whole (`RawUser`) fails at the root: name the field the
        // walk needs that is at fault.
        if path == "." && problem == Problem::InvalidType {
            let wrong_id = field(T::ID_FIELD).is_some_and(|id| !id.is_string());
            let wrong_time = field("created_at").is_some_and(|at| !at.is_i64());
            match (wrong_id, wrong_time) {
                (true, _) => path = T::ID_FIELD.to_owned(),
                (false, true) => path = "created_at".to_owned(),
                (false, false) => {}
            }
        }
        Err(Box::new(UndecodableItem { json, id, created_at, path, problem, source }))
    }

    /// The item's id (for users and memberships `id`, for OAuth tokens `external_account_id`),
    /// if it has a string one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The item's `created_at`, if it has an integer one.
    pub fn created_at(&self) -> Option<i64> {
        self.created_at
    }

    /// The item's JSON text, exactly as Clerk sent it.
    pub fn json(&self) -> &str {
        self.json.get()
    }

    /// Where in the item decoding failed, as a path of fields and indexes
    /// (`email_addresses[0].verification`; `.` for the item itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's error. Its message can quote a value of the item: do not log it where personal
    /// data must not go.
    pub fn serde_error(&self) -> &serde_json::Error {
        &self.source
    }
}

impl Problem {
    fn of(error: &serde_json::Error) -> Problem {
        let message = error.to_string();
        if let Some(rest) = message.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            return Problem::MissingField(field.to_owned());
        }
        match message.split(':').next() {
            Some("invalid type") => Problem::InvalidType,
            Some("invalid value" | "invalid length") => Problem::InvalidValue,
            _ => Problem::Other,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MissingField(field) => write!(f, "missing field `{field}`"),
            Problem::InvalidType => f.write_str("a value of an unexpected type"),
            Problem::InvalidValue => f.write_str("a value out of range"),
            Problem::Other => f.write_str("a value that does not decode"),
        }
    }
}

impl fmt::Display for UndecodableItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "item {id}")?,
            None => f.write_str("an item without an id")?,
        }
        write!(
            f,
            " did not decode: {} at `{}` ({} bytes of JSON)",
            self.problem,
            self.path,
            self.json.get().len()
        )
    }
}

impl fmt::Debug for UndecodableItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UndecodableItem")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .field("path", &self.path)
            .field("problem", &self.problem)
            .field("json_len", &self.json.get().len())
            .finish()
    }
}
