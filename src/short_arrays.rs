//! Arrays inside a response, decoded into vectors that hold no spare room when they are short.
//!
//! serde decodes a JSON array into a `Vec` by pushing each element, and a `Vec`'s first push
//! makes room for four. Most arrays inside a user hold one element (its email address, its phone
//! number, its OAuth account) and those elements are large (an email address carries its
//! verification inline, over 400 bytes), so three quarters of each such allocation was never
//! used: a decoded page of users held half as much memory again as it needed, and faulting in
//! and zeroing that memory was a large share of the decoding time. The generated types decode
//! every array field with [`vec`], which gives a one-element array exactly one element of room
//! and lets longer arrays grow as `Vec` does.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// Decodes a JSON array field as serde's `Vec` impl does (the same values and errors), without
/// spare room when the array holds one element.
pub(crate) fn vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_seq(ShortArray(PhantomData))
}

struct ShortArray<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ShortArray<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The words of serde's own `Vec` impl, so errors read as they did.
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let Some(first) = seq.next_element()? else {
            return Ok(Vec::new());
        };
        let Some(second) = seq.next_element()? else {
            return Ok(vec![first]);
        };
        // Longer arrays: room for four at once, as a `Vec`'s first push makes.
        let mut items = Vec::with_capacity(4);
        items.extend([first, second]);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    /// A type as the generator writes an array field.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        #[serde(default, deserialize_with = "super::vec")]
        items: Vec<String>,
    }

    fn decode(json: serde_json::Value) -> Result<Thing, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn arrays_of_every_length_decode_in_order_and_one_element_holds_no_spare_room() {
        for n in 0..=9 {
            let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            let thing = decode(json!({ "items": items })).unwrap();
            assert_eq!(thing.items, items);
            if n <= 1 {
                assert_eq!(thing.items.capacity(), n, "{n} elements");
            }
        }
    }

    #[test]
    fn the_same_text_as_before_is_written_back() {
        let text = r#"{"items":["a","b","c"]}"#;
        let thing: Thing = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&thing).unwrap(), text);
        assert_eq!(decode(json!({})).unwrap().items, Vec::<String>::new());
    }

    #[test]
    fn errors_read_as_serdes_own_vec_errors() {
        /// The same field decoded by serde's `Vec` impl.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)] // Decoded only for its errors.
        struct Plain {
            items: Vec<String>,
        }
        for json in [json!({"items": null}), json!({"items": "a"}), json!({"items": ["a", 1]})] {
            let ours = decode(json.clone()).unwrap_err();
            let serdes = serde_json::from_value::<Plain>(json).unwrap_err().to_string();
            assert_eq!(ours, serdes);
        }
        let text = r#"{"items": ["a", 1]}"#;
        let ours = serde_json::from_str::<Thing>(text).unwrap_err();
        let serdes = serde_json::from_str::<Plain>(text).unwrap_err();
        assert_eq!(ours.to_string(), serdes.to_string());
        assert_eq!(
            ours.to_string(),
            "invalid type: integer `1`, expected a string at line 1 column 17"
        );
    }
}
