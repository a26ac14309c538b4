//! A user's `id` and `created_at`, read straight from its JSON text.
//!
//! A raw walk needs only these two values of each user, and serde would find them by parsing
//! every value of the user a second time (the first parse captured the text). This reads the
//! top-level keys and jumps over everything else by its brackets and quotes (strings eight bytes
//! at a time), without decoding a key or building anything (`benches/` measures the gain).
//!
//! The text has already been checked to be JSON (serde_json captured it as a `RawValue`), so
//! this needs no validation of its own. Whatever it is not sure of (an escape in a key or in the
//! id, a repeated key, a number that is not a plain integer) makes it answer `None`, and the
//! caller decodes the head with serde instead, errors included.

/// `(id, created_at)` of a user's JSON text, or `None` to leave the case to serde.
pub(super) fn read(text: &str) -> Option<(&str, i64)> {
    let mut scan = Scan { text, at: 0 };
    let (mut id, mut created_at) = (None, None);
    scan.expect(b'{')?;
    if scan.peek()? == b'}' {
        return None;
    }
    loop {
        let key = scan.plain_string()?;
        scan.expect(b':')?;
        match key {
            "id" if id.is_none() => id = Some(scan.plain_string()?),
            "created_at" if created_at.is_none() => created_at = Some(scan.integer()?),
            // A repeated key: serde decides (and refuses it).
            "id" | "created_at" => return None,
            _ => scan.skip_value()?,
        }
        match scan.next_token()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    Some((id?, created_at?))
}

/// A cursor over JSON text known to be valid.
struct Scan<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not whitespace, without taking it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.bytes().get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Takes the next byte that is not whitespace.
    fn next_token(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.next_token()? == wanted).then_some(())
    }

    /// A string without escapes, borrowed from the text; `None` for any other value.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let len = quote_or_backslash(self.bytes().get(start..)?)?;
        if self.bytes().get(start + len) != Some(&b'"') {
            return None;
        }
        self.at = start + len + 1;
        // Quotes are ASCII, so both ends are character boundaries: no UTF-8 check is needed.
        self.text.get(start..start + len)
    }

    /// A plain JSON integer that fits an `i64` (no fraction, no exponent).
    fn integer(&mut self) -> Option<i64> {
        self.peek()?;
        let start = self.at;
        let rest = self.bytes().get(start..)?;
        let len = rest.iter().position(|b| !matches!(b, b'-' | b'0'..=b'9')).unwrap_or(rest.len());
        if matches!(rest.get(len), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at = start + len;
        match self.text.get(start..start + len)? {
            // serde_json reads `-0` as the float -0.0, which an `i64` refuses: serde decides.
            "-0" => None,
            digits => digits.parse().ok(),
        }
    }

    /// Moves past one value of any kind.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.skip_string_rest()
            }
            b'{' | b'[' => self.skip_nested(),
            // A number, `true`, `false` or `null`: up to the next delimiter.
            _ => {
                let rest = self.bytes().get(self.at..)?;
                let len = rest
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(rest.len());
                self.at += len;
                Some(())
            }
        }
    }

    /// Moves past the rest of a string whose opening quote was taken.
    fn skip_string_rest(&mut self) -> Option<()> {
        loop {
            let len = quote_or_backslash(self.bytes().get(self.at..)?)?;
            let found = self.bytes().get(self.at + len).copied();
            self.at += len + 1;
            if found == Some(b'"') {
                return Some(());
            }
            // A backslash: the byte after it is escaped, whatever it is.
            self.at += 1;
        }
    }

    /// Moves past an object or array, counting brackets outside strings.
    fn skip_nested(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            // Straight to the next byte that matters, by table.
            let len =
                self.bytes().get(self.at..)?.iter().position(|&b| STRUCTURAL[usize::from(b)])?;
            let byte = *self.bytes().get(self.at + len)?;
            self.at += len + 1;
            match byte {
                b'"' => self.skip_string_rest()?,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
    }
}

/// Where the first `"` or `\` of `bytes` is, looked for eight bytes at a time: most of a user's
/// text is inside strings, and this is what jumps over them.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of `word` that equals `byte` (and maybe of bytes after the first
    // such one, which the lowest set bit makes irrelevant).
    let equal = |word: u64, byte: u8| {
        let diff = word ^ (ONES * u64::from(byte));
        diff.wrapping_sub(ONES) & !diff & HIGHS
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        // Little-endian: the lowest set bit is the first byte in the text.
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = equal(word, b'"') | equal(word, b'\\');
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = chunks.remainder().iter().position(|&b| b == b'"' || b == b'\\')?;
    Some(at + rest)
}

/// The bytes that open or close a string, an object or an array.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'[' as usize] = true;
    table[b'}' as usize] = true;
    table[b']' as usize] = true;
    table
};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::{Map, Value, json};

    use super::read;

    /// What serde makes of the same text: the answer `read` must agree with.
    fn by_serde(text: &str) -> Option<(String, i64)> {
        #[derive(Deserialize)]
        struct Head {
            id: String,
            created_at: i64,
        }
        let head: Head = serde_json::from_str(text).ok()?;
        Some((head.id, head.created_at))
    }

    fn owned(found: Option<(&str, i64)>) -> Option<(String, i64)> {
        found.map(|(id, at)| (id.to_owned(), at))
    }

    #[test]
    fn reads_the_top_level_values_past_nested_ones_of_the_same_name() {
        let text = r#"{"email_addresses":[{"id":"idn_1","created_at":1,"x":{"id":"no"}}],
            "note":"a \"quoted\" } ] { [ text \\",
            "id" : "user_1", "public_metadata":{"created_at":[1,{"id":2}]},
            "n": -1.5e3, "t": true, "f": false, "z": null, "created_at": 1700000000000 }"#;
        assert_eq!(read(text), Some(("user_1", 1_700_000_000_000)));
        assert_eq!(owned(read(text)), by_serde(text));
    }

    #[test]
    fn a_negative_or_zero_time_is_read() {
        assert_eq!(read(r#"{"created_at":-5,"id":"u"}"#), Some(("u", -5)));
        assert_eq!(read(r#"{"created_at":0,"id":""}"#), Some(("", 0)));
    }

    #[test]
    fn leaves_to_serde_what_it_is_not_sure_of() {
        for text in [
            // An escape in a key, or in the id.
            r#"{"\u0069d":"u","created_at":1}"#,
            r#"{"id":"u\"1","created_at":1}"#,
            // A repeated key.
            r#"{"id":"u","id":"v","created_at":1}"#,
            r#"{"id":"u","created_at":1,"created_at":2}"#,
            // A time that is not a plain integer, or does not fit.
            r#"{"id":"u","created_at":1.5}"#,
            r#"{"id":"u","created_at":1e3}"#,
            r#"{"id":"u","created_at":-0}"#,
            r#"{"id":"u","created_at":9223372036854775808}"#,
            r#"{"id":"u","created_at":null}"#,
            r#"{"id":"u","created_at":"1"}"#,
            // A value missing, or not the kind wanted.
            r#"{"id":"u"}"#,
            r#"{"created_at":1}"#,
            r#"{"id":7,"created_at":1}"#,
            "{}",
            "[]",
            r#""user""#,
            "",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    /// Any JSON value, nested a few levels, with keys that include the two being looked for.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[\"\\\\{}\\[\\] a-z]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("id".to_owned()),
            Just("created_at".to_owned()),
            "[a-z_\"\\\\]{0,10}",
            any::<String>(),
        ]
    }

    proptest! {
        /// The eight-bytes-at-a-time search finds what a byte-by-byte one finds, wherever it is,
        /// among bytes that differ from `"` and `\` by one bit or by a borrow.
        #[test]
        fn finds_the_first_quote_or_backslash(
            bytes in prop::collection::vec(
                prop::sample::select(vec![
                    b'a', b'"', b'\\', 0x21, 0x23, 0x5b, 0x5d, 0xa2, 0xdc, 0x01, 0xff, 0x00,
                ]),
                0..40,
            ),
        ) {
            let expected = bytes.iter().position(|&b| b == b'"' || b == b'\\');
            prop_assert_eq!(super::quote_or_backslash(&bytes), expected);
        }

        /// On any object, `read` either agrees with serde or leaves the case to it; and on a
        /// user whose id and top-level keys need no escape, it always answers.
        #[test]
        fn agrees_with_serde(
            fields in prop::collection::vec((key(), value()), 0..8),
            id in prop_oneof!["[a-zA-Z0-9_]{0,30}", any::<String>()],
            created_at in any::<i64>(),
            at in any::<prop::sample::Index>(),
            pretty in any::<bool>(),
        ) {
            let mut user: Map<String, Value> = fields.into_iter()
                .filter(|(key, _)| key != "id" && key != "created_at")
                .collect();
            let mut entries: Vec<(String, Value)> = std::mem::take(&mut user).into_iter().collect();
            let spot = at.index(entries.len() + 1);
            entries.insert(spot, ("created_at".to_owned(), json!(created_at)));
            entries.insert(at.index(entries.len() + 1), ("id".to_owned(), json!(id)));
            let user = Value::Object(entries.into_iter().collect());
            let text = if pretty {
                serde_json::to_string_pretty(&user).unwrap()
            } else {
                serde_json::to_string(&user).unwrap()
            };
            let found = owned(read(&text));
            prop_assert_eq!(by_serde(&text), Some((id.clone(), created_at)));
            let escaped = |s: &str| serde_json::to_string(s).unwrap().contains('\\');
            let plain = !escaped(&id) && user.as_object().unwrap().keys().all(|k| !escaped(k));
            if found.is_some() || plain {
                prop_assert_eq!(found, Some((id, created_at)));
            }
        }

        /// On any JSON at all, `read` never disagrees with serde (and never panics).
        #[test]
        fn never_disagrees(value in value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            if let Some(found) = owned(read(&text)) {
                prop_assert_eq!(Some(found), by_serde(&text));
            }
        }

        /// On objects written by hand rather than by serde_json (spellings it never produces:
        /// `-0`, `1E3`, `\/`, spaces before a colon, repeated keys), `read` never disagrees
        /// with serde either; most of these objects do have an id and a time to find.
        #[test]
        fn never_disagrees_on_hand_written_spellings(
            members in prop::collection::vec(member(), 0..7),
            gaps in prop::collection::vec(gap(), 16),
        ) {
            let mut text = String::from("{");
            for (n, member) in members.iter().enumerate() {
                if n > 0 {
                    text.push(',');
                }
                text.push_str(&gaps[n % gaps.len()]);
                text.push_str(member);
                text.push_str(&gaps[(n + 7) % gaps.len()]);
            }
            text.push('}');
            prop_assume!(serde_json::from_str::<Value>(&text).is_ok());
            if let Some(found) = owned(read(&text)) {
                prop_assert_eq!(Some(found), by_serde(&text));
            }
        }
    }

    /// One member of an object, `key: value`, spelled in one of the ways JSON allows.
    fn member() -> impl Strategy<Value = String> {
        let id = prop::sample::select(vec![
            r#""id":"user_1""#,
            r#""id" : "user_2""#,
            r#""id":"a\/b""#,
            r#""id":"\u0075""#,
            r#""id":"""#,
            r#""id":7"#,
            r#""\u0069d":"user_3""#,
        ]);
        let created_at = prop::sample::select(vec![
            r#""created_at":12"#,
            r#""created_at" :-3"#,
            r#""created_at":0"#,
            r#""created_at":-0"#,
            r#""created_at":1E3"#,
            r#""created_at":1e-3"#,
            r#""created_at":-0.0"#,
            r#""created_at":9223372036854775807"#,
            r#""created_at":-9223372036854775808"#,
            r#""created_at":-9223372036854775809"#,
            r#""created_at":null"#,
            r#""created_at\u0000":1"#,
        ]);
        let other = prop::sample::select(vec![
            r#""x":{"id":"nested","created_at":5}"#,
            r#""y":["}", "\"", {"id":[]}]"#,
            r#""z":-0"#,
            r#""ids":"id""#,
            r#""":""#,
            r#""w":"\\""#,
        ]);
        prop_oneof![
            3 => id.prop_map(str::to_owned),
            3 => created_at.prop_map(str::to_owned),
            2 => other.prop_map(str::to_owned),
        ]
    }

    /// Whitespace JSON allows between tokens.
    fn gap() -> impl Strategy<Value = String> {
        "[ \t\n\r]{0,2}"
    }
}
