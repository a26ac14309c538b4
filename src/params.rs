//! What request setters accept: the values a program already holds.
//!
//! Every setter of a request builder (`client.get_user_list().limit(..)`) and of a body builder
//! (`body.first_name(..)`) takes its value by what it means rather than by one exact type:
//!
//! | parameter | takes | for example |
//! | --- | --- | --- |
//! | text | any `impl Into<String>` | `"Ada"`, `name`, `&user.id` |
//! | list of text | any [`IntoStrings`]: an iterator or collection of text | `["ada@example.com"]`, `&emails`, `ids.iter()`, `Some(email)` |
//! | integer | any [`IntoInteger`]: a primitive or `NonZero` integer | `limit(50)`, `limit(page_size)` with a `usize` |
//! | time filter (`*_after`, `*_before`, `*_since`) | any [`IntoUnixMillis`]: a `SystemTime` or Unix milliseconds | `created_at_after(SystemTime::now() - Duration::from_secs(86_400))` |
//! | metadata and other JSON objects | any `impl Serialize` that is an object | `json!({"plan": "pro"})`, a `serde_json::Map`, a struct of yours |
//!
//! A value out of range (`limit(0)`, `limit(501)`, `offset(-1)`), a time whose milliseconds do not
//! fit an `i64` (about 292 million years from 1970; a time before 1970 is sent as negative
//! milliseconds), or metadata that is not a JSON object is kept as an error on the builder:
//! `send()` then fails with [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the
//! parameter, before anything is sent.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//!
//! # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
//! let email = String::from("ada@example.com");
//! let month_ago = SystemTime::now() - Duration::from_secs(30 * 86_400);
//! let page_size: usize = 100;
//! let users = client
//!     .get_user_list()
//!     .email_address([&email])
//!     .created_at_after(month_ago)
//!     .limit(page_size)
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize, NonZeroU8,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize,
};
use std::time::{SystemTime, UNIX_EPOCH};

/// Text values for a list parameter (`email_address`, `user_id`, …): any iterator or collection
/// whose items are text (`&str`, `String`, `&String`, …).
///
/// One value is a list of one: `[email]`, or `Some(email)`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of strings",
    label = "a list parameter takes several values",
    note = "pass an array, a Vec, a slice or an iterator of strings: `[email]`, `&emails`, `ids.iter()`"
)]
pub trait IntoStrings {
    /// The values, as the owned strings the builder keeps.
    fn into_strings(self) -> Vec<String>;
}

impl<I> IntoStrings for I
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    fn into_strings(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

/// An integer a setter takes: any primitive integer (`u8` to `u128`, `i8` to `i128`, `usize`,
/// `isize`) or `NonZero` integer. The setter checks the range the parameter allows.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an integer",
    label = "this parameter takes an integer",
    note = "any primitive integer type works (`u32`, `i64`, `usize`, …), and so do `NonZero` integers"
)]
pub trait IntoInteger: sealed::Sealed {
    /// The value as an `i128`, or `None` if it is larger than `i128::MAX` (a `u128`).
    fn into_i128(self) -> Option<i128>;
}

/// A point in time a time filter takes: a [`SystemTime`], or Unix milliseconds as any
/// [`IntoInteger`] type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a time",
    label = "this filter takes a time",
    note = "pass a `std::time::SystemTime`, or Unix milliseconds as an integer"
)]
pub trait IntoUnixMillis: sealed::Sealed {
    /// Milliseconds since 1970-01-01 UTC (negative before), or `None` when they do not fit an
    /// `i128` (a `u128` above `i128::MAX`).
    fn into_unix_millis(self) -> Option<i128>;
}

impl IntoUnixMillis for SystemTime {
    fn into_unix_millis(self) -> Option<i128> {
        Some(match self.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as i128,
            // Before 1970: negative milliseconds, rounded towards the epoch.
            Err(before) => -(before.duration().as_millis() as i128),
        })
    }
}

impl sealed::Sealed for SystemTime {}

macro_rules! integers {
    ($($int:ty),*) => {$(
        impl sealed::Sealed for $int {}
        impl IntoInteger for $int {
            fn into_i128(self) -> Option<i128> {
                i128::try_from(self).ok()
            }
        }
        impl IntoUnixMillis for $int {
            fn into_unix_millis(self) -> Option<i128> {
                self.into_i128()
            }
        }
    )*};
}

integers!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

macro_rules! non_zero_integers {
    ($($int:ty),*) => {$(
        impl sealed::Sealed for $int {}
        impl IntoInteger for $int {
            fn into_i128(self) -> Option<i128> {
                self.get().into_i128()
            }
        }
        impl IntoUnixMillis for $int {
            fn into_unix_millis(self) -> Option<i128> {
                self.into_i128()
            }
        }
    )*};
}

non_zero_integers!(
    NonZeroU8,
    NonZeroU16,
    NonZeroU32,
    NonZeroU64,
    NonZeroU128,
    NonZeroUsize,
    NonZeroI8,
    NonZeroI16,
    NonZeroI32,
    NonZeroI64,
    NonZeroI128,
    NonZeroIsize
);

mod sealed {
    /// Only the types listed in this module take part: the setters' range checks rely on them.
    pub trait Sealed {}
}

/// The integer types a generated field stores, with the range each can hold. Used by the
/// generated setters only.
#[doc(hidden)]
pub trait StoredInteger: Sized {
    /// The smallest value the type holds.
    const MIN: i128;
    /// The largest value the type holds.
    const MAX: i128;
    /// The value, if it fits.
    fn from_i128(value: i128) -> Option<Self>;
}

macro_rules! stored {
    ($($int:ty),*) => {$(
        impl StoredInteger for $int {
            const MIN: i128 = <$int>::MIN as i128;
            const MAX: i128 = <$int>::MAX as i128;
            fn from_i128(value: i128) -> Option<Self> {
                <$int>::try_from(value).ok()
            }
        }
    )*};
}

stored!(u8, u16, u32, u64, i8, i16, i32, i64);

impl StoredInteger for NonZeroU64 {
    const MIN: i128 = 1;
    const MAX: i128 = u64::MAX as i128;
    fn from_i128(value: i128) -> Option<Self> {
        NonZeroU64::new(u64::try_from(value).ok()?)
    }
}

/// The checked conversion of an integer setter: `value` within `minimum..=maximum` (the spec's
/// bounds, when it states them) and within what `T` holds, or the message `send()` reports.
#[doc(hidden)]
pub fn integer<T: StoredInteger>(
    value: impl IntoInteger,
    name: &str,
    minimum: Option<i128>,
    maximum: Option<i128>,
) -> Result<T, String> {
    checked(value.into_i128(), name, minimum, maximum)
}

/// The checked conversion of a time filter: Unix milliseconds that fit `T`.
#[doc(hidden)]
pub fn unix_millis<T: StoredInteger>(value: impl IntoUnixMillis, name: &str) -> Result<T, String> {
    checked(value.into_unix_millis(), name, None, None)
}

fn checked<T: StoredInteger>(
    value: Option<i128>,
    name: &str,
    minimum: Option<i128>,
    maximum: Option<i128>,
) -> Result<T, String> {
    let low = minimum.map_or(T::MIN, |m| m.max(T::MIN));
    let high = maximum.map_or(T::MAX, |m| m.min(T::MAX));
    let fits = value.filter(|v| (low..=high).contains(v));
    match fits.and_then(T::from_i128) {
        Some(stored) => Ok(stored),
        None => {
            let got = value.map_or_else(|| "a larger value".to_owned(), |v| v.to_string());
            Err(format!("{name} must be {}, got {got}", range_text::<T>(low, high)))
        }
    }
}

/// `between 1 and 500`, or `0 or more` when only the lower bound is the parameter's own.
fn range_text<T: StoredInteger>(low: i128, high: i128) -> String {
    match high == T::MAX && (low != T::MIN || T::MIN >= 0) {
        true => format!("{low} or more"),
        false => format!("between {low} and {high}"),
    }
}

/// The conversion of a JSON-object setter (metadata): `value` serialized, which must be an
/// object.
#[doc(hidden)]
pub fn json_object(
    value: &impl serde::Serialize,
    name: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("{name} must be a JSON object, got {}", json_kind(&other))),
        // serde's message, which may quote a key of the value, is left out.
        Err(_) => Err(format!("{name} could not be serialized as JSON")),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn strings_come_from_any_collection_of_text() {
        let email = String::from("a@b.c");
        assert_eq!(["x"].into_strings(), ["x"]);
        assert_eq!(vec![&email].into_strings(), ["a@b.c"]);
        assert_eq!(Some(email.clone()).into_strings(), ["a@b.c"]);
        assert_eq!(None::<&str>.into_strings(), Vec::<String>::new());
        assert_eq!(["1", "2"].iter().copied().map(str::to_owned).into_strings(), ["1", "2"]);
    }

    #[test]
    fn integers_are_checked_against_the_spec_and_the_stored_type() {
        let limit = |v: i64| integer::<NonZeroU64>(v, "limit", Some(1), Some(500));
        assert_eq!(limit(1), Ok(NonZeroU64::MIN));
        assert_eq!(limit(500).map(NonZeroU64::get), Ok(500));
        assert_eq!(limit(0), Err("limit must be between 1 and 500, got 0".into()));
        assert_eq!(limit(501), Err("limit must be between 1 and 500, got 501".into()));
        let offset = |v: i128| integer::<u64>(v, "offset", Some(0), None);
        assert_eq!(offset(-1), Err("offset must be 0 or more, got -1".into()));
        assert_eq!(integer::<u64>(7usize, "offset", Some(0), None), Ok(7));
        assert_eq!(integer::<i64>(NonZeroU8::MAX, "n", None, None), Ok(255));
        assert_eq!(
            integer::<NonZeroU64>(0, "n", None, None),
            Err("n must be 1 or more, got 0".into())
        );
        assert_eq!(
            integer::<i64>(u128::MAX, "n", None, None),
            Err(format!("n must be between {} and {}, got a larger value", i64::MIN, i64::MAX))
        );
    }

    #[test]
    fn times_are_unix_milliseconds() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(unix_millis::<i64>(t, "created_at_after"), Ok(1_700_000_000_123));
        assert_eq!(unix_millis::<i64>(UNIX_EPOCH - Duration::from_millis(5), "t"), Ok(-5));
        assert_eq!(unix_millis::<i64>(1_700_000_000_000u64, "t"), Ok(1_700_000_000_000));
        assert!(unix_millis::<i64>(u64::MAX, "t").unwrap_err().starts_with("t must be between"));
    }

    #[test]
    fn json_objects_come_from_anything_serializable_as_one() {
        let map = json_object(&serde_json::json!({"plan": "pro"}), "public_metadata").unwrap();
        assert_eq!(serde_json::Value::Object(map), serde_json::json!({"plan": "pro"}));
        let from_map = json_object(&std::collections::BTreeMap::from([("a", 1)]), "m").unwrap();
        assert_eq!(serde_json::Value::Object(from_map), serde_json::json!({"a": 1}));
        assert_eq!(
            json_object(&[1, 2], "public_metadata"),
            Err("public_metadata must be a JSON object, got an array".into())
        );
        assert_eq!(
            json_object(&serde_json::Value::Null, "m"),
            Err("m must be a JSON object, got null".into())
        );
    }
}
