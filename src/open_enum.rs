//! Open enums: the string enums of the spec, with a catch-all that keeps values Clerk adds later.
//!
//! Clerk adds verification strategies, statuses and account kinds over time; a closed enum fails
//! the whole response on the first new value (`clerk-rs` failed entire user lists on
//! `unknown variant email_code`). The code generator turns every `enum` of strings in the spec into
//! an [`open_enum!`] invocation, so each one decodes any string: known values into their variant,
//! others into `Unknown(String)`, which serializes back to the same string.

/// Defines an open string enum: one variant per known value, plus `Unknown(String)`.
///
/// The enum gets `as_str`, `Display`, `FromStr` (infallible), `From<&str>`, `From<String>`, and
/// serde impls that read and write the plain string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $wire:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        ///
        /// An open enum: a value this version of the client does not know decodes into
        /// `Unknown` and serializes back unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
            /// A value this version of the client does not know, exactly as Clerk sent it.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::open_enum::OpenEnumVisitor::<Self>::new(stringify!($name)))
            }
        }
    };
}

pub(crate) use open_enum;

/// Reads an open enum from a string without allocating for the values it knows: serde's own
/// `String` and `Cow<str>` impls always copy, and a page of users holds dozens of these.
pub(crate) struct OpenEnumVisitor<T> {
    name: &'static str,
    decoded: std::marker::PhantomData<fn() -> T>,
}

impl<T> OpenEnumVisitor<T> {
    pub(crate) fn new(name: &'static str) -> Self {
        Self { name, decoded: std::marker::PhantomData }
    }
}

impl<T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'_> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a string ({})", self.name)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }

    // Formats that hand strings over as bytes, as serde's own `String` accepts them.
    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(value) {
            Ok(value) => Ok(T::from(value)),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    open_enum! {
        /// A status.
        Status { Verified = "verified", Expired = "expired" }
    }

    #[test]
    fn known_values_decode_into_their_variant() {
        let status: Status = serde_json::from_str(r#""verified""#).unwrap();
        assert_eq!(status, Status::Verified);
        assert!(!status.is_unknown());
        assert_eq!(serde_json::to_string(&Status::Expired).unwrap(), r#""expired""#);
    }

    #[test]
    fn unknown_values_are_kept_and_written_back_unchanged() {
        let status: Status = serde_json::from_str(r#""pending_review""#).unwrap();
        assert_eq!(status, Status::Unknown("pending_review".to_owned()));
        assert!(status.is_unknown());
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""pending_review""#);
        assert_eq!(status.to_string(), "pending_review");
    }

    #[test]
    fn escaped_strings_decode_too() {
        // An escape forces an owned string on the way in.
        let status: Status = serde_json::from_str(r#""verif\u0069ed""#).unwrap();
        assert_eq!(status, Status::Verified);
    }

    #[test]
    fn non_strings_are_still_errors() {
        let error = serde_json::from_str::<Status>("42").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: integer `42`, expected a string (Status) at line 1 column 2"
        );
    }

    #[test]
    fn strings_given_as_bytes_decode_unless_they_are_not_utf8() {
        use serde::Deserialize;
        use serde::de::value::{BytesDeserializer, Error};
        let status = Status::deserialize(BytesDeserializer::<Error>::new(b"expired")).unwrap();
        assert_eq!(status, Status::Expired);
        let error = Status::deserialize(BytesDeserializer::<Error>::new(b"\xff")).unwrap_err();
        assert_eq!(error.to_string(), "invalid value: byte array, expected a string (Status)");
    }

    #[test]
    fn owned_strings_decode_too() {
        // A `Value` hands the visitor an owned string; an unknown one is moved, not copied.
        let status: Status = serde_json::from_value(serde_json::json!("archived")).unwrap();
        assert_eq!(status, Status::Unknown("archived".to_owned()));
        let status: Status = serde_json::from_value(serde_json::json!("expired")).unwrap();
        assert_eq!(status, Status::Expired);
    }

    #[test]
    fn conversions_agree() {
        assert_eq!("expired".parse::<Status>(), Ok(Status::Expired));
        assert_eq!(Status::from("x".to_owned()), Status::Unknown("x".to_owned()));
        assert_eq!(Status::Unknown("verified".to_owned()).as_str(), "verified");
    }
}
