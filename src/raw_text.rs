//! A JSON value's text, captured while decoding: borrowed from the input when the decoder reads
//! from a string or bytes, as the client always does, and copied only when it cannot lend it.
//!
//! The unions ([`discriminated_union!`](crate::discriminated_union::discriminated_union)) capture
//! each payload's text before they pick its variant. `Box<serde_json::value::RawValue>` would
//! copy every payload (three allocations and copies a typed user; `benches/` measured the gain at
//! about 5% of a typed decode), and `&RawValue` fails outright under decoders that cannot lend
//! text, such as `serde_json::from_value`. [`RawText`] asks serde_json for its raw value the way `RawValue`
//! itself does, and takes the text borrowed or owned, whichever it is given.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use serde_json::value::RawValue;

/// The name under which serde_json's decoders hand over a value's text instead of decoding it
/// (`serde_json::raw::TOKEN`, which is private).
///
/// Should a later serde_json rename it, nothing breaks: its decoders then treat the request as a
/// plain newtype, and [`RawTextVisitor::visit_newtype_struct`] captures a `Box<RawValue>`
/// instead, at the cost of a copy (which `from_text_the_payload_is_borrowed` would show).
const SERDE_JSON_RAW_VALUE: &str = "$serde_json::private::RawValue";

/// A JSON value's text, exactly as it came.
#[derive(Debug)]
pub(crate) struct RawText<'de>(Cow<'de, str>);

impl RawText<'_> {
    /// The text.
    pub(crate) fn get(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(SERDE_JSON_RAW_VALUE, RawTextVisitor)
    }
}

struct RawTextVisitor;

impl<'de> Visitor<'de> for RawTextVisitor {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    /// serde_json's answer: a map of one entry, its token and the text. (A decoder that answers
    /// with a map of its own, such as a `serde_json::Map`, fails on the key, as with `RawValue`.)
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText<'de>, A::Error> {
        if map.next_key::<RawKey>()?.is_none() {
            return Err(de::Error::invalid_type(Unexpected::Map, &self));
        }
        map.next_value::<Text<'de>>().map(|text| RawText(text.0))
    }

    /// A decoder that did not take the name as serde_json's: its own raw value, copied.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<RawText<'de>, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(RawText(Cow::Owned(raw.get().to_owned())))
    }
}

/// The key of serde_json's answer, which must be its name for raw values.
struct RawKey;

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(RawKeyVisitor).map(|()| RawKey)
    }
}

struct RawKeyVisitor;

impl Visitor<'_> for RawKeyVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw value")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        // serde_json's own words for the same refusal.
        match key {
            SERDE_JSON_RAW_VALUE => Ok(()),
            _ => Err(E::custom("unexpected raw value")),
        }
    }
}

/// The text serde_json hands over, borrowed or owned.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text)))
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde::de::Visitor;
    use serde::{Deserialize, Deserializer};
    use serde_json::json;

    use super::{RawText, RawTextVisitor};

    const TEXT: &str = r#"{"object": "verification_otp", "n": [1, 2.5e3, "\u00e9"]}"#;

    /// What a type built on `RawText` sees, as the unions use it: the text, and whether it was
    /// borrowed.
    #[derive(Debug, PartialEq)]
    struct Captured(String, bool);

    impl<'de> Deserialize<'de> for Captured {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let raw = RawText::deserialize(deserializer)?;
            Ok(Captured(raw.get().to_owned(), matches!(raw.0, Cow::Borrowed(_))))
        }
    }

    fn captured(text: &str, borrowed: bool) -> Captured {
        Captured(text.to_owned(), borrowed)
    }

    #[test]
    fn from_text_the_payload_is_borrowed() {
        assert_eq!(serde_json::from_str::<Captured>(TEXT).unwrap(), captured(TEXT, true));
        let from_bytes = serde_json::from_slice::<Captured>(TEXT.as_bytes()).unwrap();
        assert_eq!(from_bytes, captured(TEXT, true));
        // Inside an array, only the value's own text.
        let list: Vec<Captured> = serde_json::from_str(" [ 7 ,\"a\" ] ").unwrap();
        assert_eq!(list, [captured("7", true), captured("\"a\"", true)]);
    }

    #[test]
    fn decoders_that_cannot_lend_text_give_it_owned() {
        let from_reader = serde_json::from_reader::<_, Captured>(TEXT.as_bytes()).unwrap();
        assert_eq!(from_reader, captured(TEXT, false));
        let value: serde_json::Value = serde_json::from_str(TEXT).unwrap();
        let Captured(text, borrowed) = serde_json::from_value(value.clone()).unwrap();
        assert!(!borrowed);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
        let value = json!([1, null]);
        assert_eq!(Captured::deserialize(&value).unwrap(), captured("[1,null]", false));
    }

    #[test]
    fn a_decoder_that_does_not_know_serde_jsons_name_is_read_as_a_raw_value() {
        let mut decoder = serde_json::Deserializer::from_str(TEXT);
        let raw = RawTextVisitor.visit_newtype_struct(&mut decoder).unwrap();
        assert!(matches!(&raw.0, Cow::Owned(text) if text == TEXT), "{raw:?}");
    }

    #[test]
    fn where_raw_value_fails_this_fails_the_same_way() {
        type Boxed = Box<serde_json::value::RawValue>;
        // Not JSON.
        for text in ["{\"a\": }", "[1,", "nul"] {
            let ours = serde_json::from_str::<Captured>(text).unwrap_err();
            let theirs = serde_json::from_str::<Boxed>(text).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
        // A decoder that answers with a map of its own: the key is refused.
        let map = json!({"k": "{}"});
        let map = map.as_object().unwrap();
        let ours = Captured::deserialize(map).unwrap_err().to_string();
        assert_eq!(ours, Boxed::deserialize(map).unwrap_err().to_string());
        assert_eq!(ours, "unexpected raw value");
        // serde's buffered content (untagged enums) does not know the name: the fallback asks
        // for a `RawValue`, which refuses it as before.
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)] // Decoded only for its error.
        enum Either<T> {
            One(T),
        }
        let ours = serde_json::from_str::<Either<Captured>>(TEXT).unwrap_err().to_string();
        let theirs = serde_json::from_str::<Either<Boxed>>(TEXT).unwrap_err().to_string();
        assert_eq!(ours, theirs);
    }
}
