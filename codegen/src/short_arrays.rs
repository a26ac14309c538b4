//! The finish edit that decodes every `Vec` field of the generated types with the client's
//! `crate::short_arrays::vec`: the same values and errors as serde's `Vec` impl, but a
//! one-element array read from JSON text gets one element of room instead of four.
//!
//! Why: most arrays in a user hold one large element (an email address with its verification
//! inline is over 400 bytes), so serde's growth left three quarters of each such allocation
//! unused, and a decoded page of users held about half as much memory again as it needed.

use quote::ToTokens;

/// Adds `#[serde(deserialize_with = "crate::short_arrays::vec")]` to every struct field whose type
/// is a `Vec` and whose decoding is serde's own (no `deserialize_with` or `with` already).
pub fn decode_arrays_without_spare_room(types: &mut [syn::Item]) {
    for item in types {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        for field in item.fields.iter_mut().filter(|field| decoded_as_plain_vec(field)) {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(deserialize_with = "crate::short_arrays::vec")]));
        }
    }
}

/// Whether `field` is a `Vec` that serde decodes with its own impl.
fn decoded_as_plain_vec(field: &syn::Field) -> bool {
    let syn::Type::Path(path) = &field.ty else {
        return false;
    };
    let is_vec =
        path.qself.is_none() && path.path.segments.last().is_some_and(|s| s.ident == "Vec");
    let custom = field.attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| {
        let text = a.meta.to_token_stream().to_string();
        text.split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|word| matches!(word, "with" | "deserialize_with"))
    });
    is_vec && !custom
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(item: syn::ItemStruct) -> String {
        let mut types = [syn::Item::Struct(item)];
        decode_arrays_without_spare_room(&mut types);
        types[0].to_token_stream().to_string().split_whitespace().collect()
    }

    #[test]
    fn vec_fields_are_decoded_by_the_crate_and_nothing_else_is() {
        let code = edited(syn::parse_quote! {
            pub struct User {
                pub id: ::std::string::String,
                #[serde(default)]
                pub email_addresses: ::std::vec::Vec<EmailAddress>,
                pub tags: Vec<String>,
                pub backup_codes: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
                #[serde(default, deserialize_with = "crate::absent_means_none::present")]
                pub listed: ::std::vec::Vec<u8>,
                #[serde(with = "elsewhere")]
                pub kept: ::std::vec::Vec<u8>,
            }
        });
        let attribute = r#"#[serde(deserialize_with="crate::short_arrays::vec")]"#;
        assert_eq!(code.matches(attribute).count(), 2, "{code}");
        assert!(code.contains(&format!("{attribute}pubemail_addresses:")), "{code}");
        assert!(code.contains(&format!("{attribute}pubtags:")), "{code}");
    }

    #[test]
    fn the_generated_client_decodes_its_arrays_through_the_crate() {
        let text = crate::test_support::get_thing(
            "{type: object, properties: {tags: {type: array, items: {type: string}}}}",
        );
        let code = crate::test_support::compact_code(&text);
        let start = code.find("pubstructGetThingResponse{").unwrap_or_else(|| panic!("{code}"));
        assert!(
            code[start..].contains(
                r#"#[serde(deserialize_with="crate::short_arrays::vec")]pubtags:::std::vec::Vec"#
            ),
            "{}",
            &code[start..]
        );
    }
}
