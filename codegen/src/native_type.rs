//! The types the crate defines with its own macros in place of progenitor's, as the decoding
//! rules find them, and the macro invocation that defines each inside the generated `types`
//! module.

use quote::{format_ident, quote};

use crate::names::{sanitize, variant_idents};

/// A type the crate defines with one of its macros instead of letting progenitor generate it.
#[derive(Debug, Clone, PartialEq)]
pub enum NativeType {
    /// `open_enum!`: a string enum with an `Unknown(String)` catch-all.
    OpenEnum {
        /// The type's name.
        name: String,
        /// Its doc comment (the schema's description).
        doc: String,
        /// The known wire values.
        values: Vec<String>,
    },
    /// `discriminated_union!`: variants chosen by `object`/`strategy`, with `Unknown(Value)`.
    Union {
        /// The type's name.
        name: String,
        /// Its doc comment (the schema's description).
        doc: String,
        /// The discriminator's property (`object`).
        discriminator: String,
        /// The variants, in the spec's order.
        variants: Vec<UnionVariant>,
        /// String fields every variant has, each given an accessor (`status`, `strategy`).
        accessors: Vec<String>,
    },
    /// `list_or_page!`: a list read from an array or a `{data, total_count}` page.
    ListOrPage {
        /// The type's name.
        name: String,
        /// Its doc comment (the schema's description).
        doc: String,
        /// The generated type of its items.
        item: String,
    },
}

/// One variant of a [`NativeType::Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The variant's name in the enum.
    pub ident: String,
    /// The generated type it holds.
    pub ty: String,
    /// The `object` value that names it.
    pub object: String,
    /// `strategy` values that identify it.
    pub strategies: Vec<String>,
    /// `strategy` prefixes (from a `^prefix…` pattern) that identify it.
    pub prefixes: Vec<String>,
}

impl NativeType {
    /// The type's name in the generated `types` module.
    pub fn name(&self) -> &str {
        match self {
            NativeType::OpenEnum { name, .. }
            | NativeType::Union { name, .. }
            | NativeType::ListOrPage { name, .. } => name,
        }
    }

    /// What typify may assume the type implements.
    pub(crate) fn impls(&self) -> std::vec::IntoIter<progenitor::TypeImpl> {
        use progenitor::TypeImpl;
        match self {
            NativeType::OpenEnum { .. } => {
                vec![TypeImpl::FromStr, TypeImpl::FromStringIrrefutable, TypeImpl::Display]
            }
            NativeType::Union { .. } => vec![],
            NativeType::ListOrPage { .. } => vec![TypeImpl::Default],
        }
        .into_iter()
    }

    /// The macro invocation that defines the type inside the generated `types` module.
    pub fn to_item(&self) -> syn::Item {
        match self {
            NativeType::OpenEnum { name, doc, values } => {
                let name = format_ident!("{name}");
                let variants = variant_idents(values);
                syn::parse_quote! {
                    crate::open_enum::open_enum! {
                        #[doc = #doc]
                        #name { #(#[doc = concat!("`", #values, "`")] #variants = #values),* }
                    }
                }
            }
            NativeType::Union { name, doc, discriminator, variants, accessors } => {
                let name = format_ident!("{name}");
                let method =
                    format_ident!("{}", sanitize(discriminator, heck::ToSnakeCase::to_snake_case));
                let variants = variants.iter().map(|v| {
                    let ident = format_ident!("{}", v.ident);
                    let ty = format_ident!("{}", v.ty);
                    let (object, strategies, prefixes) = (&v.object, &v.strategies, &v.prefixes);
                    quote! {
                        #[doc = concat!("`", #object, "`")]
                        #ident(crate::types::#ty) {
                            value: #object, strategies: [#(#strategies),*], prefixes: [#(#prefixes),*]
                        }
                    }
                });
                let accessors = accessors.iter().map(|a| format_ident!("{a}"));
                syn::parse_quote! {
                    crate::discriminated_union::discriminated_union! {
                        #[doc = #doc]
                        #name by #method = #discriminator { #(#variants),* }
                        accessors: [#(#accessors),*]
                    }
                }
            }
            NativeType::ListOrPage { name, doc, item } => {
                let (name, item) = (format_ident!("{name}"), format_ident!("{item}"));
                syn::parse_quote! {
                    crate::list_or_page::list_or_page! {
                        #[doc = #doc]
                        #name(crate::types::#item)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(native: &NativeType) -> String {
        let file = syn::File { shebang: None, attrs: vec![], items: vec![native.to_item()] };
        prettyplease::unparse(&file)
    }

    #[test]
    fn open_enums_list_their_values_with_docs() {
        let code = render(&NativeType::OpenEnum {
            name: "Status".into(),
            doc: "Where it stands.".into(),
            values: vec!["active".into(), "unknown".into()],
        });
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.starts_with("crate::open_enum::open_enum!{#[doc=\"Whereitstands.\"]Status{")
        );
        assert!(compact.contains("Active=\"active\""), "{code}");
        assert!(compact.contains("UnknownValue=\"unknown\""), "{code}");
    }

    #[test]
    fn unions_name_variants_types_and_accessors() {
        let code = render(&NativeType::Union {
            name: "Verification".into(),
            doc: "`Verification`".into(),
            discriminator: "object".into(),
            variants: vec![UnionVariant {
                ident: "Otp".into(),
                ty: "VerificationOtp".into(),
                object: "verification_otp".into(),
                strategies: vec!["email_code".into()],
                prefixes: vec![],
            }],
            accessors: vec!["status".into()],
        });
        let compact: String = code.split_whitespace().collect();
        assert!(compact.contains("Verificationbyobject=\"object\""), "{code}");
        assert!(compact.contains("Otp(crate::types::VerificationOtp){value:\"verification_otp\",strategies:[\"email_code\"],prefixes:[]}"), "{code}");
        assert!(compact.contains("accessors:[status]"), "{code}");
    }

    #[test]
    fn list_or_page_wraps_the_item_type() {
        let code = render(&NativeType::ListOrPage {
            name: "Tokens".into(),
            doc: "`Tokens`".into(),
            item: "TokensItem".into(),
        });
        let compact: String = code.split_whitespace().collect();
        assert!(compact.contains("Tokens(crate::types::TokensItem)"), "{code}");
    }
}
