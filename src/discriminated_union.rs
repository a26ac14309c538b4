//! Unions told apart by their `object` (or `strategy`) value, such as an email address's
//! verification, which may be an OTP, an OAuth, a SAML or an admin verification, and more.
//!
//! The spec describes them as `oneOf` + `discriminator`, which progenitor turns into an untagged
//! enum: the first variant whose shape fits wins (an `admin` verification decoded as `Otp` in
//! Clerk's own Python SDK), and one unexpected payload fails the whole user. The code generator
//! (clerk-users-codegen) turns each such union into a [`discriminated_union!`] invocation instead,
//! which picks the variant by `object`, or by `strategy` when `object` is absent (older
//! payloads), and keeps anything it cannot place, or that does not decode as the variant it
//! names, as `Unknown(serde_json::Value)`. A payload that repeats a key is read as its tree keeps
//! it, the last value of each key winning, so that writing it back and reading it again gives
//! the same value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One variant of a union: the discriminator value that names it (Clerk's `object`), and the
/// `strategy` values (exact, or by prefix such as `oauth_`) that identify it when that is absent.
#[derive(Debug)]
pub(crate) struct Kind {
    pub(crate) value: &'static str,
    pub(crate) strategies: &'static [&'static str],
    pub(crate) prefixes: &'static [&'static str],
}

/// Picks the variant a payload belongs to, by its discriminator (`named`, the string value of
/// the union's field) or else its `strategy`; returns that variant's discriminator value, or
/// `None` when the payload names no known variant.
pub(crate) fn pick(
    named: Option<&str>,
    strategy: Option<&str>,
    kinds: &[Kind],
) -> Option<&'static str> {
    if let Some(named) = named {
        return kinds.iter().find(|kind| kind.value == named).map(|kind| kind.value);
    }
    let strategy = strategy?;
    let exact = kinds.iter().find(|kind| kind.strategies.contains(&strategy));
    // NB: prefixes can nest (`oauth_` and `from_oauth_` do not, but a future `oauth_token_`
    // might), so the longest matching prefix wins.
    let by_prefix = || {
        kinds
            .iter()
            .flat_map(|kind| kind.prefixes.iter().map(move |prefix| (prefix, kind)))
            .filter(|(prefix, _)| strategy.starts_with(**prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, kind)| kind)
    };
    exact.or_else(by_prefix).map(|kind| kind.value)
}

/// The strings a union is told apart by: its discriminator field's and `strategy`'s values,
/// when they are strings (a field holding anything else counts as absent).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tags<'a> {
    pub(crate) named: Option<Cow<'a, str>>,
    pub(crate) strategy: Option<Cow<'a, str>>,
}

/// The discriminator's value when it is the object's first key and a plain string, as Clerk
/// writes its payloads (`{"object":"verification_otp",...}`); `None` sends the caller to [`tags`].
///
/// This saves a second parse of every such payload. It reads only what it can be sure of: the
/// first key and its value, neither with an escape (whitespace aside); anything else is left to
/// [`tags`]. A payload that repeats its discriminator key is decided by the first one here, and
/// then fails to decode as that variant (derived structs refuse a duplicate field), so it is
/// decided again from its tree, where the last one wins, as [`tags`] would decide it.
pub(crate) fn leading_tag<'a>(text: &'a str, field: &str) -> Option<&'a str> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start().strip_prefix('"')?;
    let (key, rest) = rest.split_once('"')?;
    if key != field {
        return None;
    }
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let (value, _) = rest.split_once('"')?;
    // A backslash is an escape: the raw text is not the value.
    (!value.contains('\\')).then_some(value)
}

/// Reads the [`Tags`] of a payload's JSON text, the discriminator being `field`, without
/// building a tree: every other value is skipped, and the two strings are borrowed from `text`
/// unless they hold escapes. The last of repeated keys wins, as in a `serde_json::Map`. Fails
/// when the text is not an object.
///
/// Unions decode this way rather than through a `serde_json::Value`: building that tree (maps,
/// hashed keys, an owned string per value) for every verification of every user was a quarter
/// of the time of decoding a user.
pub(crate) fn tags<'a>(text: &'a str, field: &str) -> serde_json::Result<Tags<'a>> {
    TagsSeed { field }.deserialize(&mut serde_json::Deserializer::from_str(text))
}

struct TagsSeed<'f> {
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = Tags<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Tags<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = Tags<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags<'de>, A::Error> {
        let mut tags = Tags::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match key {
                Some(key) if key == self.field => tags.named = map.next_value::<Text<'de>>()?.0,
                Some(key) if key == "strategy" => tags.strategy = map.next_value::<Text<'de>>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(tags)
    }
}

/// A JSON string, borrowed when it can be; any other JSON value is read and dropped as `None`.
struct Text<'a>(Option<Cow<'a, str>>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'de>, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Borrowed(text))))
    }

    fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(text.to_owned()))))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_none<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}

/// Defines a union enum: one variant per kind, plus `Unknown(serde_json::Value)`, with serde
/// impls that choose the variant with [`tags`] and [`pick`] and never fail on a JSON value.
///
/// `accessors` lists string fields every variant has (`status`, `strategy`); each becomes a
/// method returning the value as `&str`, read from the raw JSON for `Unknown`.
macro_rules! discriminated_union {
    // One method per accessor; the variant list travels as a single token tree, since it repeats
    // at a different depth than the accessors.
    (@accessors $name:ident $variants:tt [$($accessor:ident)*]) => {
        $($crate::discriminated_union::discriminated_union!(@accessor $name $accessor $variants);)*
    };
    (@accessor $name:ident $accessor:ident [$($variant:ident)*]) => {
        impl $name {
            #[doc = concat!("The `", stringify!($accessor), "` of whichever kind this is.")]
            pub fn $accessor(&self) -> ::std::option::Option<&str> {
                match self {
                    $(Self::$variant(inner) => Some(inner.$accessor.as_str()),)*
                    Self::Unknown(value) => {
                        value.get(stringify!($accessor)).and_then(::serde_json::Value::as_str)
                    }
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident by $discriminator:ident = $field:literal {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident($ty:ty) {
                    value: $value:literal,
                    strategies: [$($strategy:literal),* $(,)?],
                    prefixes: [$($prefix:literal),* $(,)?] $(,)?
                }
            ),* $(,)?
        }
        accessors: [$($accessor:ident),* $(,)?]
    ) => {
        $(#[$meta])*
        ///
        #[doc = concat!("Decoded by its `", $field, "` value, or by `strategy` when that is absent. A payload that names no known variant, or does not decode as the one it names, is kept whole in `Unknown` and serializes back unchanged.")]
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant($ty),)*
            /// A kind this version of the client does not know, or one that did not decode as the
            /// kind it names, exactly as Clerk sent it.
            Unknown(::serde_json::Value),
        }

        impl $name {
            #[doc = concat!("The `", $field, "` value naming this kind (for a known kind, even when the payload left it out).")]
            pub fn $discriminator(&self) -> ::std::option::Option<&str> {
                match self {
                    $(Self::$variant(_) => Some($value),)*
                    Self::Unknown(value) => value.get($field).and_then(::serde_json::Value::as_str),
                }
            }
        }

        $crate::discriminated_union::discriminated_union!(@accessors $name [$($variant)*] [$($accessor)*]);

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(inner) => inner.serialize(serializer),)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use $crate::discriminated_union::{Kind, pick};
                const KINDS: &[Kind] = &[
                    $(Kind { value: $value, strategies: &[$($strategy),*], prefixes: &[$($prefix),*] },)*
                ];
                // The payload's text, then its tags (from its first key when that is the
                // discriminator, else from a scan), then the variant from the text: no tree
                // unless the payload ends up `Unknown` (see `tags`).
                let raw = <$crate::raw_text::RawText<'de> as ::serde::Deserialize>::deserialize(deserializer)?;
                let text = raw.get();
                let kind = match $crate::discriminated_union::leading_tag(text, $field) {
                    Some(named) => pick(Some(named), None, KINDS),
                    None => match $crate::discriminated_union::tags(text, $field) {
                        Ok(tags) => pick(tags.named.as_deref(), tags.strategy.as_deref(), KINDS),
                        // Not an object: kept whole below.
                        Err(_) => None,
                    },
                };
                $(
                    if kind == Some($value)
                        && let Ok(inner) = ::serde_json::from_str::<$ty>(text)
                    {
                        return Ok(Self::$variant(inner));
                    }
                )*
                let value: ::serde_json::Value =
                    ::serde_json::from_str(text).map_err(::serde::de::Error::custom)?;
                // The text did not decode as a variant. If it repeats a key (derived structs
                // refuse repeats), the tree has kept the last of each, which is what writing the
                // value back and reading it again would see: picked and decoded from the tree,
                // a round trip gives the same value. Anything else is kept whole.
                let tag = |name: &str| value.get(name).and_then(::serde_json::Value::as_str);
                let kind = pick(tag($field), tag("strategy"), KINDS);
                $(
                    if kind == Some($value)
                        && let Ok(inner) = <$ty as ::serde::Deserialize>::deserialize(&value)
                    {
                        return Ok(Self::$variant(inner));
                    }
                )*
                Ok(Self::Unknown(value))
            }
        }
    };
}

pub(crate) use discriminated_union;

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::Tags;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub(super) struct Otp {
        pub(super) status: String,
        pub(super) strategy: String,
        pub(super) attempts: Option<i64>,
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub(super) struct Oauth {
        pub(super) status: String,
        pub(super) strategy: String,
        pub(super) expire_at: i64,
    }

    discriminated_union! {
        /// A verification.
        Verification by object = "object" {
            /// By code.
            Otp(Otp) { value: "verification_otp", strategies: ["email_code", "phone_code"], prefixes: [] },
            /// By provider.
            Oauth(Oauth) { value: "verification_oauth", strategies: [], prefixes: ["oauth_"] },
            /// Imported.
            FromOauth(Oauth) { value: "verification_from_oauth", strategies: [], prefixes: ["from_oauth_"] },
        }
        accessors: [status, strategy]
    }

    fn decode(value: serde_json::Value) -> Verification {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn object_names_the_variant_even_when_another_shape_fits() {
        // Otp's fields fit this payload too; `object` says it is an OAuth verification.
        let value = json!({"object": "verification_oauth", "status": "verified", "strategy": "oauth_google", "expire_at": 5, "attempts": null});
        let verification = decode(value.clone());
        assert!(matches!(&verification, Verification::Oauth(v) if v.expire_at == 5));
        assert_eq!(
            serde_json::to_value(&verification).unwrap(),
            json!({"status": "verified", "strategy": "oauth_google", "expire_at": 5})
        );
    }

    #[test]
    fn strategy_names_the_variant_without_object() {
        let otp = decode(json!({"status": "verified", "strategy": "email_code", "attempts": 1}));
        assert!(matches!(otp, Verification::Otp(_)));
        let oauth = decode(
            json!({"status": "verified", "strategy": "oauth_linkedin_oidc", "expire_at": 1}),
        );
        assert!(matches!(oauth, Verification::Oauth(_)));
        let from_oauth =
            decode(json!({"status": "verified", "strategy": "from_oauth_google", "expire_at": 1}));
        assert!(matches!(from_oauth, Verification::FromOauth(_)));
    }

    #[test]
    fn unplaceable_or_undecodable_values_are_kept_whole() {
        for value in [
            json!({"object": "verification_magic", "status": "verified", "strategy": "magic"}),
            json!({"status": "verified", "strategy": "ticket"}),
            json!({"object": "verification_oauth", "status": "verified", "strategy": "oauth_x", "expire_at": null}),
            json!("not even an object"),
        ] {
            let verification = decode(value.clone());
            assert_eq!(verification, Verification::Unknown(value.clone()));
            assert_eq!(serde_json::to_value(&verification).unwrap(), value);
        }
    }

    #[test]
    fn tags_are_read_without_a_tree_borrowed_unless_escaped_and_the_last_key_wins() {
        let text = r#"{"status":"verified","object":"verification_otp","nested":{"object":"x"},
            "strategy":"email\u005fcode","list":[1,{"a":null}],"n":1e400}"#;
        let tags = super::tags(text, "object").unwrap();
        assert!(matches!(tags.named, Some(Cow::Borrowed("verification_otp"))));
        assert!(matches!(&tags.strategy, Some(Cow::Owned(s)) if s == "email_code"));
        let repeated = super::tags(r#"{"object":"a","object":"b","strategy":7}"#, "object");
        assert_eq!(repeated.unwrap(), Tags { named: Some("b".into()), strategy: None });
        assert!(super::tags(r#""text""#, "object").is_err());
        assert!(super::tags("[1]", "object").is_err());
    }

    #[test]
    fn a_leading_discriminator_is_read_from_the_text_and_anything_else_is_left_to_the_scan() {
        let leading = |text| super::leading_tag(text, "object");
        assert_eq!(
            leading(r#"{"object":"verification_otp","status":"x"}"#),
            Some("verification_otp")
        );
        assert_eq!(leading(" {\n  \"object\" : \"a\" }"), Some("a"));
        // Not first, not a string, escaped key or value, not an object: the scan decides.
        assert_eq!(leading(r#"{"status":"x","object":"verification_otp"}"#), None);
        assert_eq!(leading(r#"{"object":7}"#), None);
        assert_eq!(leading(r#"{"object":null}"#), None);
        assert_eq!(leading(r#"{"obj\u0065ct":"a"}"#), None);
        assert_eq!(leading(r#"{"obj\"ect":"a"}"#), None);
        assert_eq!(leading(r#"{"object":"verification\u005fotp"}"#), None);
        assert_eq!(leading(r#"{"object":"a\"b"}"#), None);
        assert_eq!(leading(r#"{"objects":"a"}"#), None);
        assert_eq!(leading(r#"["object","a"]"#), None);
        assert_eq!(leading(r#""object""#), None);
        assert_eq!(leading("{}"), None);
    }

    #[test]
    fn an_escaped_or_late_discriminator_still_picks_its_variant() {
        for text in [
            r#"{"status":"verified","strategy":"oauth_google","expire_at":1,"object":"verification_from_oauth"}"#,
            r#"{"object":"verification_from\u005foauth","status":"verified","strategy":"oauth_google","expire_at":1}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(matches!(decode(value), Verification::FromOauth(_)), "{text}");
        }
    }

    #[test]
    fn a_repeated_leading_discriminator_is_decided_by_the_first() {
        // These test variants have no `object` field, so nothing refuses the repeat; a generated
        // variant has one and refuses it (tests/corpus.rs).
        let text = r#"{"object":"verification_otp","object":"verification_oauth","status":"verified","strategy":"email_code"}"#;
        let decoded: Verification = serde_json::from_str(text).unwrap();
        assert!(matches!(decoded, Verification::Otp(_)), "{decoded:?}");
    }

    #[test]
    fn a_field_that_is_not_a_string_counts_as_absent() {
        let otp = decode(
            json!({"object": 5, "status": "verified", "strategy": "email_code", "attempts": 1}),
        );
        assert!(matches!(otp, Verification::Otp(_)), "{otp:?}");
        let otp = decode(
            json!({"object": null, "status": "verified", "strategy": "email_code", "attempts": 1}),
        );
        assert!(matches!(otp, Verification::Otp(_)), "{otp:?}");
    }

    #[test]
    fn accessors_read_every_variant() {
        let known =
            decode(json!({"status": "verified", "strategy": "phone_code", "attempts": null}));
        assert_eq!(
            (known.status(), known.strategy(), known.object()),
            (Some("verified"), Some("phone_code"), Some("verification_otp"))
        );
        let unknown = decode(
            json!({"object": "verification_magic", "status": "failed", "strategy": "magic"}),
        );
        assert_eq!(
            (unknown.status(), unknown.strategy(), unknown.object()),
            (Some("failed"), Some("magic"), Some("verification_magic"))
        );
    }
}
