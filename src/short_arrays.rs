//! Arrays inside a response, decoded into vectors that hold no spare room when they are short.
//!
//! serde decodes a JSON array into a `Vec` by pushing each element, and a `Vec`'s first push
//! makes room for four. Most arrays inside a user hold one element (its email address, its phone
//! number, its OAuth account) and those elements are large (an email address carries its
//! verification inline, over 400 bytes), so three quarters of each such allocation was never
//! used: a decoded page of users held half as much memory again as it needed, and faulting in
//! and zeroing that memory was a large share of the decoding time. The generated types decode
//! every `Vec` field with [`vec`], which gives a one-element array exactly one element of room;
//! anything else gets the room serde's `Vec` impl gives it.

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
        // A decoder that knows the length (a `serde_json::Value`) gets serde's own behaviour:
        // room for that length, up to a bound. JSON text never tells the length.
        let mut items = match seq.size_hint() {
            Some(len) => Vec::with_capacity(cautious::<T>(len)),
            None => {
                let Some(first) = seq.next_element()? else {
                    return Ok(Vec::new());
                };
                let Some(second) = seq.next_element()? else {
                    return Ok(vec![first]);
                };
                // Two or more: pushed into an empty `Vec`, so it grows as serde's would.
                let mut items = Vec::new();
                items.extend([first, second]);
                items
            }
        };
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// The room serde gives a sequence whose length the decoder reports: that length, but never over
/// a mebibyte, so a length nobody checked cannot make it allocate without bound (serde's own
/// `size_hint::cautious`, which is private to serde).
fn cautious<T>(len: usize) -> usize {
    const MAX_PREALLOC_BYTES: usize = 1024 * 1024;
    match size_of::<T>() {
        0 => 0,
        size => len.min(MAX_PREALLOC_BYTES / size),
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

    /// The same field decoded by serde's `Vec` impl.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Plain {
        #[serde(default)]
        items: Vec<String>,
    }

    fn decode(json: serde_json::Value) -> Result<Thing, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    fn items(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item {i}")).collect()
    }

    #[test]
    fn from_text_one_element_gets_one_slot_and_longer_arrays_the_room_serde_gives() {
        for n in 0..=9 {
            let text = serde_json::to_string(&json!({ "items": items(n) })).unwrap();
            let ours: Thing = serde_json::from_str(&text).unwrap();
            let serdes: Plain = serde_json::from_str(&text).unwrap();
            assert_eq!(ours.items, serdes.items);
            let expected = if n == 1 { 1 } else { serdes.items.capacity() };
            assert_eq!(ours.items.capacity(), expected, "{n} elements");
        }
        // Where this matters: serde gives four slots to one element read from text.
        let serdes: Plain = serde_json::from_str(r#"{"items": ["a"]}"#).unwrap();
        assert_eq!(serdes.items.capacity(), 4);
    }

    #[test]
    fn from_a_value_the_length_it_reports_is_the_room_as_with_serde() {
        for n in [0, 1, 2, 3, 5, 9] {
            let ours = decode(json!({ "items": items(n) })).unwrap();
            let serdes: Plain = serde_json::from_value(json!({ "items": items(n) })).unwrap();
            assert_eq!((ours.items.len(), ours.items.capacity()), (n, serdes.items.capacity()));
            assert_eq!(ours.items.capacity(), n);
        }
        assert_eq!(super::cautious::<u64>(usize::MAX), 1024 * 1024 / 8);
        assert_eq!(super::cautious::<()>(7), 0);
    }

    #[test]
    fn the_same_text_as_before_is_written_back() {
        let text = r#"{"items":["a","b","c"]}"#;
        let thing: Thing = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&thing).unwrap(), text);
    }

    #[test]
    fn errors_read_as_serdes_own_vec_errors() {
        for json in [json!({"items": null}), json!({"items": "a"}), json!({"items": ["a", 1]})] {
            let ours = decode(json.clone()).unwrap_err();
            let serdes = serde_json::from_value::<Plain>(json).unwrap_err().to_string();
            assert_eq!(ours, serdes);
        }
        for text in [r#"{"items": ["a", 1]}"#, r#"{"items": [1]}"#, "{\"items\":\n [\"a\",\n {}]}"]
        {
            let ours = serde_json::from_str::<Thing>(text).unwrap_err();
            let serdes = serde_json::from_str::<Plain>(text).unwrap_err();
            assert_eq!(ours.to_string(), serdes.to_string(), "{text}");
        }
        let ours = serde_json::from_str::<Thing>(r#"{"items": ["a", 1]}"#).unwrap_err();
        assert_eq!(
            ours.to_string(),
            "invalid type: integer `1`, expected a string at line 1 column 17"
        );
    }
}
