//! [`UserJson`]: a user's JSON as the fake serves it, built without a server, for tests and
//! benchmarks that need Clerk-shaped users (one place that builds them).

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::render;
use super::user::{Ident, OAuthAccount, Secret, User, Verified};

/// Builds the JSON of one Clerk `User`, exactly as [`FakeClerk`](crate::FakeClerk) answers it:
/// every field the spec requires (nullable ones as `null`, collections as `[]`), in Clerk's field
/// order. Start with [`UserJson::new`], add what the test needs, then
/// [`to_value`](UserJson::to_value), [`to_string`](ToString::to_string), or serialize it as part
/// of a page.
///
/// Identification ids are made from the user id (`idn_<id>_e0` for the first email address,
/// `_p0` for the first phone number, `_o0` for the first OAuth account), so equal builders make
/// equal JSON.
///
/// ```
/// use clerk_users_fake::UserJson;
///
/// let json = UserJson::new("user_1", 1_700_000_000_000)
///     .email("ada@example.com")
///     .name("Ada", "Lovelace")
///     .to_value();
/// assert_eq!(json["email_addresses"][0]["email_address"], "ada@example.com");
/// assert_eq!(json["primary_email_address_id"], "idn_user_1_e0");
///
/// let user: clerk_users::types::User = serde_json::from_value(json).unwrap();
/// assert_eq!(user.first_name.as_deref(), Some("Ada"));
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is serialized"]
pub struct UserJson {
    user: User,
}

impl UserJson {
    /// A user with this id, created (and last updated) at `created_at` (Unix milliseconds), with
    /// nothing else: no email address, names, password or metadata.
    pub fn new(id: impl Into<String>, created_at: i64) -> UserJson {
        UserJson { user: User::blank(id.into().into_boxed_str(), created_at) }
    }

    /// Adds an email address, verified with a code; the first one is the primary.
    pub fn email(mut self, address: impl Into<String>) -> UserJson {
        let ident = self.ident('e', self.user.emails.len(), address.into());
        self.user.emails.push(ident);
        self.user.primary_email.get_or_insert(0);
        self
    }

    /// Adds a phone number, verified with a code; the first one is the primary.
    pub fn phone(mut self, number: impl Into<String>) -> UserJson {
        let ident = self.ident('p', self.user.phones.len(), number.into());
        self.user.phones.push(ident);
        self.user.primary_phone.get_or_insert(0);
        self
    }

    /// Sets the first and last name.
    pub fn name(mut self, first: impl Into<String>, last: impl Into<String>) -> UserJson {
        self.user.first_name = Some(Cow::Owned(first.into()));
        self.user.last_name = Some(Cow::Owned(last.into()));
        self
    }

    /// Sets the username.
    pub fn username(mut self, username: impl Into<String>) -> UserJson {
        self.user.username = Some(username.into().into_boxed_str());
        self
    }

    /// Sets the external id.
    pub fn external_id(mut self, external_id: impl Into<String>) -> UserJson {
        self.user.external_id = Some(external_id.into().into_boxed_str());
        self
    }

    /// Sets the locale, such as `en-GB`.
    pub fn locale(mut self, locale: impl Into<String>) -> UserJson {
        self.user.locale = Some(locale.into().into_boxed_str());
        self
    }

    /// Sets the public metadata; anything but a JSON object is taken as `{}`.
    pub fn public_metadata(mut self, metadata: Value) -> UserJson {
        self.user.public_metadata = object(metadata);
        self
    }

    /// Sets the private metadata; anything but a JSON object is taken as `{}`.
    pub fn private_metadata(mut self, metadata: Value) -> UserJson {
        self.user.private_metadata = object(metadata);
        self
    }

    /// Gives the user a password (`password_enabled`, `password_last_updated_at` at creation).
    pub fn password(mut self) -> UserJson {
        self.user.password = Some(Secret::Opaque);
        self.user.password_updated_at = Some(self.user.created_at);
        self
    }

    /// Sets `banned`.
    pub fn banned(mut self, banned: bool) -> UserJson {
        self.user.banned = banned;
        self
    }

    /// Sets when the user last signed in and was last active (Unix milliseconds).
    pub fn signed_in_at(mut self, at: i64) -> UserJson {
        self.user.last_sign_in_at = Some(at);
        self.user.last_active_at = Some(at);
        self
    }

    /// Connects an OAuth account of `provider` (such as `oauth_google`), linked to the primary
    /// email address.
    pub fn oauth_account(
        mut self,
        provider: impl Into<String>,
        provider_user_id: impl Into<String>,
    ) -> UserJson {
        let i = self.user.oauth.len();
        let id = &self.user.id;
        self.user.oauth.push(OAuthAccount {
            id: format!("eac_{id}_o{i}").into_boxed_str(),
            identification_id: format!("idn_{id}_o{i}").into_boxed_str(),
            provider: provider.into().into_boxed_str(),
            provider_user_id: provider_user_id.into().into_boxed_str(),
            token: format!("oauth_token_{id}_{i}").into_boxed_str(),
            created_at: self.user.created_at,
        });
        self
    }

    /// The user as a JSON value.
    pub fn to_value(&self) -> Value {
        // Serializing plain structs of strings, numbers and maps to a Value cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn ident(&self, kind: char, i: usize, value: String) -> Ident {
        Ident {
            id: format!("idn_{}_{kind}{i}", self.user.id).into_boxed_str(),
            value: value.into_boxed_str(),
            reserved: false,
            verified: Verified::Code,
            created_at: self.user.created_at,
        }
    }
}

impl Serialize for UserJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // "Now" only decides whether a lock is still on, and these users are never locked.
        render::user(&self.user, self.user.created_at).serialize(serializer)
    }
}

impl std::fmt::Display for UserJson {
    /// The user as compact JSON.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&json)
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
