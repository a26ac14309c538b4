//! [`RawUser`]: a user as the JSON text Clerk sent.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{Item, sealed};
use crate::types;

mod head;

/// A user exactly as Clerk sent it, as JSON text: what [`Paginator::raw`](super::Paginator::raw)
/// walks yield, for exports and syncs that must not lose a field this crate does not know.
///
/// It serializes back to the same JSON, byte for byte, and converts to the typed
/// [`types::User`] or to a [`serde_json::Value`] when wanted. The one thing it checks is what a
/// walk needs: a string `id` and an integer `created_at`. A user without them does not decode
/// (a walk reports it as [`WalkError::Undecodable`](super::WalkError::Undecodable) and goes on). Keeping the text (serde_json's
/// `RawValue`) instead of a JSON tree makes a page several times cheaper to read.
#[derive(Debug, Clone)]
pub struct RawUser {
    json: Box<RawValue>,
    id: Box<str>,
    created_at: i64,
}

impl RawUser {
    /// The user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When the user was created (Unix ms).
    pub fn created_at(&self) -> i64 {
        self.created_at
    }

    /// The JSON text, exactly as Clerk sent it.
    pub fn json(&self) -> &str {
        self.json.get()
    }

    /// The JSON as a tree.
    ///
    /// # Errors
    ///
    /// Only where serde_json's `Value` is stricter than the text, which was read once already: a
    /// number beyond `f64` (`1e400`), or nesting deeper than serde_json's limit of 128 levels.
    pub fn to_value(&self) -> std::result::Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.json.get())
    }

    /// The typed user (fields the types do not know are left out).
    ///
    /// # Errors
    ///
    /// When the JSON is not a user the types can decode.
    pub fn to_user(&self) -> std::result::Result<types::User, serde_json::Error> {
        serde_json::from_str(self.json.get())
    }
}

impl PartialEq for RawUser {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
    }
}

impl Serialize for RawUser {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawUser {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        /// The two fields a walk needs, read without building anything else.
        #[derive(Deserialize)]
        struct Head<'a> {
            #[serde(borrow)]
            id: std::borrow::Cow<'a, str>,
            created_at: i64,
        }
        let json = Box::<RawValue>::deserialize(deserializer)?;
        // Most users: the two values read straight from the text, with no second parse.
        if let Some((id, created_at)) = head::read(json.get()) {
            return Ok(RawUser { id: id.into(), created_at, json });
        }
        let head: Head<'_> = serde_json::from_str(json.get()).map_err(serde::de::Error::custom)?;
        let id = head.id.into_owned().into_boxed_str();
        Ok(RawUser { id, created_at: head.created_at, json })
    }
}

impl Item for RawUser {}
impl sealed::Item for RawUser {
    fn walk_id(&self) -> Option<&str> {
        Some(self.id())
    }

    fn walk_created_at(&self) -> Option<i64> {
        Some(self.created_at())
    }
}
