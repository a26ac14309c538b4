//! Decoding rule `absent_means_none` (`openapi/README.md`, "Decoding rules"): a field the spec
//! requires in a response, and that is neither nullable, an array nor a map, is an `Option` that
//! is `None` when Clerk leaves the field out, and is left out again when serialized.
//!
//! The generated types decode such a field with [`present`]: a missing key is `None` (serde's
//! `default`), a present value is read as the field's own type, so a `null` where the spec
//! allows none is still the decoding error it was before the rule (inside a verification, the
//! verification is then kept whole as its union's `Unknown`). Read as `None`, that `null` would
//! be written back absent: the round trip of a field that was sent would not be exact.

use serde::{Deserialize, Deserializer};

/// Decodes a present value of a field rule `absent_means_none` made optional.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    /// A type as the generator writes one such field.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[serde(default, deserialize_with = "super::present")]
        created_at: Option<i64>,
    }

    #[test]
    fn absent_is_none_and_stays_absent() {
        let thing: Thing = serde_json::from_value(json!({"id": "t_1"})).unwrap();
        assert_eq!(thing, Thing { id: "t_1".to_owned(), created_at: None });
        assert_eq!(serde_json::to_value(&thing).unwrap(), json!({"id": "t_1"}));
    }

    #[test]
    fn present_values_are_kept_and_written_back() {
        let thing: Thing =
            serde_json::from_value(json!({"id": "t_1", "created_at": 1_620_000_000})).unwrap();
        assert_eq!(thing.created_at, Some(1_620_000_000));
        assert_eq!(
            serde_json::to_value(&thing).unwrap(),
            json!({"id": "t_1", "created_at": 1_620_000_000})
        );
    }

    #[test]
    fn null_is_not_absent() {
        let error =
            serde_json::from_value::<Thing>(json!({"id": "t_1", "created_at": null})).unwrap_err();
        assert_eq!(error.to_string(), "invalid type: null, expected i64");
    }
}
