//! Body builders named as builders: a finish edit.
//!
//! typify gives each type's builder the type's own name in a `types::builder` module
//! (`types::builder::User` builds `types::User`), so rustdoc shows `impl User { pub fn builder()
//! -> User }` and `impl From<User> for User`, and a closure parameter reads like the data type.
//! [`builders_named_as_builders`] renames each to `<Type>Builder` (`types::builder::UserBuilder`)
//! wherever it is named: in its own module, in the data types' `builder()` and conversions, and
//! in the request builders' `body_map`.

use std::collections::BTreeSet;

use quote::format_ident;
use syn::visit_mut::VisitMut;

/// Renames the structs of `types::builder` (`body_builders`, taken out of the file) and every
/// path to them in the rest of the file.
pub fn builders_named_as_builders(body_builders: &mut [syn::Item], rest_of_file: &mut syn::File) {
    let names: BTreeSet<String> = body_builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    // Inside the module a builder is named by its bare name; data types are `super::Name`.
    let mut inside = Rename { names: &names, prefix: &[] };
    for item in body_builders.iter_mut() {
        inside.visit_item_mut(item);
    }
    // Elsewhere it is `builder::Name` (in `types`) or `types::builder::Name` (request builders).
    let mut outside = Rename { names: &names, prefix: &["builder"] };
    outside.visit_file_mut(rest_of_file);
}

/// Renames paths `<prefix>::Name` (for any path ending so) and struct definitions when the
/// prefix is empty.
struct Rename<'a> {
    names: &'a BTreeSet<String>,
    prefix: &'a [&'a str],
}

impl Rename<'_> {
    fn renamed(&self, ident: &syn::Ident) -> Option<syn::Ident> {
        self.names.contains(&ident.to_string()).then(|| format_ident!("{ident}Builder"))
    }
}

impl VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let idents: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
        let matches = match self.prefix {
            [] => idents.len() == 1,
            prefix => {
                idents.len() > prefix.len()
                    && idents[idents.len() - 1 - prefix.len()..idents.len() - 1]
                        .iter()
                        .zip(prefix)
                        .all(|(ident, expected)| *ident == expected)
            }
        };
        if let Some(last) = path.segments.last_mut().filter(|_| matches)
            && let Some(renamed) = self.renamed(&last.ident)
        {
            last.ident = renamed;
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if self.prefix.is_empty()
            && let Some(renamed) = self.renamed(&item.ident)
        {
            item.ident = renamed;
        }
        syn::visit_mut::visit_item_struct_mut(self, item);
    }
}

#[cfg(test)]
mod tests {
    use crate::codegen;
    use crate::test_support::tiny_spec;

    #[test]
    fn body_builders_are_named_as_builders_wherever_they_are_named() {
        let text = tiny_spec(
            "  /things:
    post:
      operationId: PostThing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}",
        )
        .replace(
            "  schemas:\n",
            "  schemas:\n    Thing: {type: object, properties: {name: {type: string}}}\n",
        );
        let code: String = codegen("tiny", &text).unwrap().code.split_whitespace().collect();
        for expected in [
            "pubfnbuilder()->builder::ThingBuilder",
            "pubstructThingBuilder{",
            "implThingBuilder{",
            "TryFrom<ThingBuilder>forsuper::Thing",
            "From<super::Thing>forThingBuilder",
            "body:Result<types::builder::ThingBuilder,String>",
        ] {
            assert!(code.contains(expected), "{expected} in {code}");
        }
        assert!(!code.contains("structThing{name"), "the data type keeps its name: {code}");
        assert!(code.contains("pubstructThing{"), "{code}");
        assert!(!code.contains("builder::Thing>") && !code.contains("builder::Thing,"), "{code}");
    }
}
