//! Setters that take what users hold: a finish edit, and what it reads from the spec.
//!
//! progenitor's setters take `V: TryInto<T>` of the exact stored type, so `.first_name("Ada")`
//! (an `Option<String>` field), `.email_address(vec!["a@b"])`, `.limit(n)` with an `i64` and
//! `.public_metadata(json!({..}))` do not compile, with errors that point into the generated file.
//! [`take_what_users_hold`] rewrites the setters of request builders and body builders by the
//! type they store:
//!
//! | stored | the setter takes | conversion |
//! | --- | --- | --- |
//! | `String` | `impl Into<String>` | infallible |
//! | `Vec<String>` | `impl crate::params::IntoStrings` (any iterator of text) | infallible |
//! | an integer | `impl crate::params::IntoInteger` | checked against the type and the spec's `minimum`/`maximum` |
//! | an integer query parameter named `*_after`, `*_before` or `*_since` | `impl crate::params::IntoUnixMillis` (`SystemTime` or milliseconds) | checked |
//! | `serde_json::Map` | `impl serde::Serialize` | must serialize to an object |
//!
//! An `Option` of those (optional fields of body builders) takes the same and stores `Some`. A
//! failed check is kept on the builder, as progenitor keeps its conversion errors, so `send()`
//! reports it before sending. Every other setter (booleans, enums, nested types) is left as
//! progenitor wrote it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, Type};
use quote::{ToTokens, quote};
use syn::visit::Visit;

use crate::Error;
use crate::names::{hook_name, sanitize};
use crate::operations::operations;

/// What the spec says of an integer query or path parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntegerParameter {
    /// The spec's `minimum`, if any.
    pub minimum: Option<i64>,
    /// The spec's `maximum`, if any.
    pub maximum: Option<i64>,
    /// Whether it is a time filter in Unix milliseconds (named `*_after`, `*_before` or
    /// `*_since`, as Clerk names them).
    pub unix_millis: bool,
}

/// The integer parameters of every operation, by (operation name as in
/// `OperationInfo::operation_id`, parameter name).
pub fn integer_parameters(spec: &OpenAPI) -> BTreeMap<(String, String), IntegerParameter> {
    let mut found = BTreeMap::new();
    for (_, _, op) in operations(spec) {
        let Some(id) = op.operation_id.as_deref() else { continue };
        for parameter in op.parameters.iter().filter_map(|p| resolve(spec, p)) {
            let data = parameter.parameter_data_ref();
            let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format else {
                continue;
            };
            let SchemaKind::Type(Type::Integer(integer)) = &schema.schema_kind else { continue };
            // The setter's name, as progenitor derives it from the parameter's.
            let name = sanitize(&data.name, heck::ToSnakeCase::to_snake_case);
            let unix_millis = ["_after", "_before", "_since"].iter().any(|s| name.ends_with(s));
            // An exclusive bound is one step inside.
            let minimum =
                integer.minimum.map(|m| m.saturating_add(i64::from(integer.exclusive_minimum)));
            let maximum =
                integer.maximum.map(|m| m.saturating_sub(i64::from(integer.exclusive_maximum)));
            let value = IntegerParameter { minimum, maximum, unix_millis };
            found.insert((hook_name(id), name), value);
        }
    }
    found
}

/// A parameter, following one `#/components/parameters/…` reference.
fn resolve<'a>(spec: &'a OpenAPI, parameter: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

/// The finish edit: rewrites the setters of every request builder (`builder`, whose operation is
/// found by the `OperationInfo` in its `send()`) and every body builder (`types::builder`).
/// Setters of another shape (booleans, enums, nested types) are left alone; the golden snapshot
/// shows the result.
///
/// # Errors
///
/// [`Error::Finish`] when a request builder with setters names no operation, or when an integer
/// parameter of the spec found no setter: either would silently drop a range check.
pub fn take_what_users_hold(
    builder: &mut [syn::Item],
    body_builders: &mut [syn::Item],
    integers: &BTreeMap<(String, String), IntegerParameter>,
) -> Result<(), Error> {
    let mut checked = BTreeSet::new();
    for block in impls(builder) {
        let operation = operation_of(block);
        let shaped = rewrite_setters(block, |setter| {
            let key = (operation.clone()?, setter.to_owned());
            let found = integers.get(&key).copied();
            found.inspect(|_| _ = checked.insert(key))
        });
        if shaped > 0 && operation.is_none() {
            return Err(Error::Finish("a request builder's setters name no operation".into()));
        }
    }
    for block in impls(body_builders) {
        rewrite_setters(block, |_| None);
    }
    match integers.keys().find(|key| !checked.contains(*key)) {
        Some((operation, parameter)) => Err(Error::Finish(format!(
            "integer parameter {parameter} of {operation} has no setter to check its range"
        ))),
        None => Ok(()),
    }
}

/// The inherent impl blocks among `items`.
fn impls(items: &mut [syn::Item]) -> impl Iterator<Item = &mut syn::ItemImpl> {
    items.iter_mut().filter_map(|item| match item {
        syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
        _ => None,
    })
}

/// The operation a request builder's impl block sends, from the `OperationInfo` in its body.
fn operation_of(block: &syn::ItemImpl) -> Option<String> {
    #[derive(Default)]
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
            if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&field.member, &field.expr)
                && name == "operation_id"
                && let syn::Lit::Str(id) = &lit.lit
            {
                self.0 = Some(id.value());
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    let mut find = Find::default();
    find.visit_item_impl(block);
    find.0
}

/// Rewrites the setters of one impl block; `integer` says what the spec says of a parameter.
/// Returns how many setters had progenitor's shape.
fn rewrite_setters(
    block: &mut syn::ItemImpl,
    mut integer: impl FnMut(&str) -> Option<IntegerParameter>,
) -> usize {
    let mut shaped = 0;
    for member in &mut block.items {
        let syn::ImplItem::Fn(setter) = member else { continue };
        let Some(shape) = SetterShape::of(setter) else { continue };
        shaped += 1;
        let name = setter.sig.ident.to_string();
        let json_name = name.trim_start_matches("r#");
        if let Some(rewritten) = shape.rewrite(json_name, integer(json_name)) {
            let attrs = std::mem::take(&mut setter.attrs);
            *setter = rewritten;
            setter.attrs.splice(0..0, attrs);
        }
    }
    shaped
}

/// What a progenitor setter stores: `self.<field> = value.try_into()…` with `V: TryInto<T>`.
struct SetterShape {
    field: syn::Ident,
    /// The value type, inside the `Option` the setter wraps it in.
    stored: syn::Type,
    /// Whether the field holds `Option<stored>` and the setter sets `Some`.
    wraps_in_some: bool,
}

impl SetterShape {
    fn of(setter: &syn::ImplItemFn) -> Option<SetterShape> {
        let target = try_into_target(setter)?;
        let field = assigned_field(setter)?;
        // Request builders convert to the value type and `.map(Some)`; body builders convert to
        // the field's own type, an `Option` for optional fields.
        let body: String = setter.block.to_token_stream().to_string().replace(' ', "");
        let (stored, wraps_in_some) = match option_inner(&target) {
            Some(inner) => (inner.clone(), true),
            None => (target, body.contains(".map(Some)")),
        };
        Some(SetterShape { field, stored, wraps_in_some })
    }

    /// The setter for this shape, or `None` to keep progenitor's.
    fn rewrite(&self, name: &str, integer: Option<IntegerParameter>) -> Option<syn::ImplItemFn> {
        // The type's path without spaces, to match by.
        let stored = crate::finish::compact(&self.stored).replace(' ', "");
        // (argument type, conversion, whether it can fail, what the doc says it takes)
        let (argument, conversion, fallible, takes) = match stored.as_str() {
            "::std::string::String" => (
                quote!(impl ::std::convert::Into<::std::string::String>),
                quote!(value.into()),
                false,
                "any text: `&str`, `String`, `&String`, …".to_owned(),
            ),
            "::std::vec::Vec<::std::string::String>" => (
                quote!(impl crate::params::IntoStrings),
                quote!(crate::params::IntoStrings::into_strings(value)),
                false,
                "any list of text: `[\"a\"]`, `&names`, `ids.iter()`, `Some(one)`, …".to_owned(),
            ),
            "::serde_json::Map<::std::string::String,::serde_json::Value>" => (
                quote!(impl ::serde::Serialize),
                quote!(crate::params::json_object(&value, #name)),
                true,
                "any value that serializes to a JSON object: `json!({…})`, a `Map`, a struct \
                 of yours; anything else fails `send()` before sending"
                    .to_owned(),
            ),
            integer_type if is_integer(integer_type) => {
                let spec = integer.unwrap_or_default();
                if spec.unix_millis {
                    (
                        quote!(impl crate::params::IntoUnixMillis),
                        quote!(crate::params::unix_millis(value, #name)),
                        true,
                        "a `SystemTime`, or Unix milliseconds as any integer".to_owned(),
                    )
                } else {
                    let bound = |b: Option<i64>| match b.map(i128::from) {
                        Some(b) => quote!(Some(#b)),
                        None => quote!(None),
                    };
                    let (minimum, maximum) = (bound(spec.minimum), bound(spec.maximum));
                    (
                        quote!(impl crate::params::IntoInteger),
                        quote!(crate::params::integer(value, #name, #minimum, #maximum)),
                        true,
                        integer_doc(spec),
                    )
                }
            }
            _ => return None,
        };
        let field = &self.field;
        let store = match (fallible, self.wraps_in_some) {
            (false, false) => quote!(Ok(#conversion)),
            (false, true) => quote!(Ok(Some(#conversion))),
            (true, false) => conversion,
            (true, true) => quote!(#conversion.map(Some)),
        };
        let doc = format!(" Sets `{name}` from {takes} (see [`params`](crate::params)).");
        Some(syn::parse_quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: #argument) -> Self {
                self.#field = #store;
                self
            }
        })
    }
}

/// The doc of an integer setter: its range, and that a value outside it fails `send()`.
fn integer_doc(spec: IntegerParameter) -> String {
    let range = match (spec.minimum, spec.maximum) {
        (Some(low), Some(high)) => format!(" from {low} to {high}"),
        (Some(low), None) => format!(", {low} or more"),
        (None, Some(high)) => format!(", at most {high}"),
        (None, None) => String::new(),
    };
    format!("any integer{range}; a value out of range fails `send()` before sending")
}

/// `T` in the setter's `where V: TryInto<T>`.
fn try_into_target(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let [syn::GenericParam::Type(value)] =
        setter.sig.generics.params.iter().collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let clause = setter.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else { return None };
        let syn::Type::Path(bounded) = &predicate.bounded_ty else { return None };
        if !bounded.path.is_ident(&value.ident) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else { return None };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
                return None;
            };
            match arguments.args.first()? {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            }
        })
    })
}

/// `field` in a setter body that starts with `self.field = …`.
fn assigned_field(setter: &syn::ImplItemFn) -> Option<syn::Ident> {
    let syn::Stmt::Expr(syn::Expr::Assign(assign), _) = setter.block.stmts.first()? else {
        return None;
    };
    let syn::Expr::Field(field) = assign.left.as_ref() else { return None };
    match &field.member {
        syn::Member::Named(name) => Some(name.clone()),
        syn::Member::Unnamed(_) => None,
    }
}

/// `T` of `Option<T>` (`::std::option::Option<T>` as typify writes it).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// Whether a type (as written without spaces) is one of the integer types fields are stored as.
fn is_integer(ty: &str) -> bool {
    matches!(
        ty,
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "::std::num::NonZeroU64"
    )
}

#[cfg(test)]
mod tests {
    use crate::test_support::{compact_code, tiny_spec};

    /// A spec with `PUT /things/{id}` taking query `parameters` and a JSON body of `body`'s
    /// properties.
    fn spec(parameters: &str, body: &str) -> String {
        tiny_spec(&format!(
            "  /things/{{id}}:
    put:
      operationId: PutThing
      parameters:
      - {{name: id, in: path, required: true, schema: {{type: string}}}}
{parameters}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
{body}
      responses:
        '200': {{description: ok}}"
        ))
    }

    #[test]
    fn query_setters_take_text_lists_checked_integers_and_times() {
        let code = compact_code(&spec(
            "      - {name: tag, in: query, schema: {type: array, items: {type: string}}}
      - {name: page, in: query, schema: {type: integer, minimum: 1, maximum: 9}}
      - {name: skip, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}
      - {name: seen_after, in: query, schema: {type: integer}}
      - {name: loud, in: query, schema: {type: boolean}}",
            "                name: {type: string}",
        ));
        assert!(
            code.contains(
                "pubfnid(mutself,value:impl::std::convert::Into<::std::string::String>)->Self{self.id=Ok(value.into());self}"
            ),
            "{code}"
        );
        assert!(
            code.contains("pubfntag(mutself,value:implcrate::params::IntoStrings)->Self{self.tag=Ok(Some(crate::params::IntoStrings::into_strings(value)));self}"),
            "{code}"
        );
        assert!(
            code.contains("self.page=crate::params::integer(value,\"page\",Some(1i128),Some(9i128)).map(Some);"),
            "{code}"
        );
        assert!(code.contains("Sets`page`fromanyintegerfrom1to9;"), "{code}");
        // An exclusive minimum is one above.
        assert!(code.contains("crate::params::integer(value,\"skip\",Some(1i128),None)"), "{code}");
        assert!(
            code.contains("pubfnseen_after(mutself,value:implcrate::params::IntoUnixMillis)->Self{self.seen_after=crate::params::unix_millis(value,\"seen_after\").map(Some);self}"),
            "{code}"
        );
        // Booleans keep progenitor's setter.
        assert!(
            code.contains("pubfnloud<V>(mutself,value:V)->SelfwhereV:std::convert::TryInto<bool>"),
            "{code}"
        );
    }

    #[test]
    fn body_setters_wrap_optional_fields_and_take_any_serializable_object() {
        let code = compact_code(&spec(
            "",
            "                name: {type: string}
                nickname: {type: string}
                meta: {type: object, additionalProperties: true}
                count: {type: integer}",
        ));
        assert!(code.contains("self.name=Ok(value.into());"), "{code}");
        assert!(code.contains("self.nickname=Ok(Some(value.into()));"), "{code}");
        assert!(
            code.contains("pubfnmeta(mutself,value:impl::serde::Serialize)->Self{self.meta=crate::params::json_object(&value,\"meta\").map(Some);self}"),
            "{code}"
        );
        assert!(
            code.contains(
                "self.count=crate::params::integer(value,\"count\",None,None).map(Some);"
            ),
            "{code}"
        );
        assert!(!code.contains("TryInto<::std::string::String>"), "{code}");
    }

    #[test]
    fn an_integer_parameter_without_a_setter_stops_the_build() {
        let text = spec("", "                name: {type: string}");
        let mut spec = crate::load_spec("tiny", &text).unwrap();
        let mut normalized = crate::normalize(&mut spec).unwrap();
        let tokens = crate::generate("tiny", &spec, &normalized.native).unwrap();
        let missing = super::IntegerParameter { minimum: Some(1), ..Default::default() };
        normalized.integer_parameters.insert(("put_thing".into(), "page".into()), missing);
        let error = crate::finish(tokens, &normalized).unwrap_err().to_string();
        assert!(
            error.contains("integer parameter page of put_thing has no setter to check its range"),
            "{error}"
        );
    }

    #[test]
    fn integer_parameters_are_read_through_references() {
        let text = spec(
            "      - $ref: '#/components/parameters/Limit'",
            "                name: {type: string}",
        )
        .replace(
            "components:\n",
            "components:\n  parameters:\n    Limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500}}\n",
        );
        let spec = crate::load_spec("tiny", &text).unwrap();
        let found = super::integer_parameters(&spec);
        let expected =
            super::IntegerParameter { minimum: Some(1), maximum: Some(500), unix_millis: false };
        assert_eq!(found.get(&("put_thing".to_owned(), "limit".to_owned())), Some(&expected));
        assert_eq!(found.len(), 1);
    }
}
