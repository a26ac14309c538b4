//! Request builders with a client-free twin: a finish edit.

use quote::format_ident;

/// Gives every request builder a client-free twin, `<Builder>Parameters`, so a value can own the
/// parameters set on a builder and send them again later with a client it owns: the pagination
/// streams are `'static` and send one request per page with the filters the user set.
pub(crate) fn detachable_builders(builder: &mut Vec<syn::Item>) {
    let builders: Vec<syn::ItemStruct> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if s.generics.lifetimes().count() == 1 => Some(s.clone()),
            _ => None,
        })
        .filter(|s| s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "client")))
        .collect();
    for original in builders {
        builder.extend(parameters_twin(&original));
    }
}

/// The `<Builder>Parameters` struct and the two conversions for one builder.
fn parameters_twin(builder: &syn::ItemStruct) -> [syn::Item; 3] {
    let name = &builder.ident;
    let parameters = format_ident!("{name}Parameters");
    let fields: Vec<&syn::Field> =
        builder.fields.iter().filter(|f| f.ident.as_ref().is_some_and(|i| i != "client")).collect();
    let names: Vec<&syn::Ident> = fields.iter().filter_map(|f| f.ident.as_ref()).collect();
    let types = fields.iter().map(|f| &f.ty);
    let doc =
        format!("The parameters of [`{name}`] without its client. Not part of the public API.");
    [
        syn::parse_quote! {
            #[doc = #doc]
            #[doc(hidden)]
            #[derive(Debug, Clone)]
            pub struct #parameters { #(pub #names: #types),* }
        },
        syn::parse_quote! {
            impl<'a> #name<'a> {
                /// Splits the builder into its client and its parameters.
                #[doc(hidden)]
                pub fn into_parameters(self) -> (&'a super::Client, #parameters) {
                    let Self { client, #(#names),* } = self;
                    (client, #parameters { #(#names),* })
                }
            }
        },
        syn::parse_quote! {
            impl #parameters {
                /// A builder with these parameters, sending through `client`.
                #[doc(hidden)]
                pub fn with_client(self, client: &super::Client) -> #name<'_> {
                    let Self { #(#names),* } = self;
                    #name { client, #(#names),* }
                }
            }
        },
    ]
}
