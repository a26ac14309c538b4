//! Lists that Clerk sends in two shapes: a bare JSON array, or, when the request asked for
//! `paginated=true`, a page `{"data": [...], "total_count": N}`.
//!
//! The spec declares only the array (the OAuth access token list), so the generated type failed
//! on the page shape that Clerk's own SDKs request ("invalid type: map, expected a sequence").
//! The code generator (clerk-users-codegen) turns such a response into a [`list_or_page!`] type
//! that reads both.

/// Defines a list type that decodes from an array or from a `{data, total_count}` page, and
/// serializes as a page when `total_count` is set and as an array otherwise (so a page that came
/// without `total_count` goes back as an array).
macro_rules! list_or_page {
    ($(#[$meta:meta])* $name:ident($item:ty)) => {
        $(#[$meta])*
        ///
        /// Decodes from a JSON array or from a `{"data": [...], "total_count": N}` page (what
        /// Clerk answers to `paginated=true`). It dereferences to the items.
        #[derive(Clone, Debug, PartialEq, Default)]
        pub struct $name {
            /// The items.
            pub data: ::std::vec::Vec<$item>,
            /// The number of items across all pages, when Clerk sent a page; `None` for an array.
            pub total_count: ::std::option::Option<i64>,
        }

        impl ::std::ops::Deref for $name {
            type Target = ::std::vec::Vec<$item>;

            fn deref(&self) -> &Self::Target {
                &self.data
            }
        }

        impl ::std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.data
            }
        }

        impl ::std::iter::IntoIterator for $name {
            type Item = $item;
            type IntoIter = ::std::vec::IntoIter<$item>;

            fn into_iter(self) -> Self::IntoIter {
                self.data.into_iter()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct;
                match self.total_count {
                    None => self.data.serialize(serializer),
                    Some(total_count) => {
                        let mut page = serializer.serialize_struct(stringify!($name), 2)?;
                        page.serialize_field("data", &self.data)?;
                        page.serialize_field("total_count", &total_count)?;
                        page.end()
                    }
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Shapes;

                #[derive(::serde::Deserialize)]
                struct Page {
                    data: ::std::vec::Vec<$item>,
                    #[serde(default)]
                    total_count: ::std::option::Option<i64>,
                }

                impl<'de> ::serde::de::Visitor<'de> for Shapes {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an array, or an object with `data` and `total_count`")
                    }

                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> ::std::result::Result<$name, A::Error> {
                        let data = ::serde::Deserialize::deserialize(::serde::de::value::SeqAccessDeserializer::new(seq))?;
                        Ok($name { data, total_count: None })
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<$name, A::Error> {
                        let page: Page = ::serde::Deserialize::deserialize(::serde::de::value::MapAccessDeserializer::new(map))?;
                        Ok($name { data: page.data, total_count: page.total_count })
                    }
                }

                deserializer.deserialize_any(Shapes)
            }
        }
    };
}

pub(crate) use list_or_page;

#[cfg(test)]
mod tests {
    use serde_json::json;

    list_or_page! {
        /// Numbers.
        Numbers(u32)
    }

    #[test]
    fn reads_arrays_and_pages_and_writes_them_back() {
        for (value, total_count) in
            [(json!([1, 2]), None), (json!({"data": [1, 2], "total_count": 7}), Some(7))]
        {
            let numbers: Numbers = serde_json::from_value(value.clone()).unwrap();
            assert_eq!((numbers.data.as_slice(), numbers.total_count), (&[1, 2][..], total_count));
            assert_eq!(numbers.len(), 2);
            assert_eq!(serde_json::to_value(&numbers).unwrap(), value);
        }
    }

    #[test]
    fn a_page_may_carry_more_fields() {
        let numbers: Numbers =
            serde_json::from_value(json!({"data": [], "total_count": 0, "next": null})).unwrap();
        assert_eq!(numbers.total_count, Some(0));
    }

    #[test]
    fn other_shapes_are_errors() {
        assert!(serde_json::from_value::<Numbers>(json!("x")).is_err());
        assert!(serde_json::from_value::<Numbers>(json!({"total_count": 1})).is_err());
    }
}
