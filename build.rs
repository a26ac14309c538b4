//! Generates the Clerk Users client from `openapi/clerk-users.yaml` at compile time.
//!
//! The pipeline is four steps, each a function below:
//!
//! 1. [`load_spec`] parses the YAML into an OpenAPI document (errors name the file and line).
//! 2. [`normalize`] applies the rules by which the spec handed to progenitor departs from the
//!    checked-in spec. Every rule is a small function that says which generator limitation it
//!    works around; the checked-in spec keeps Clerk's facts untouched.
//! 3. [`generate`] runs progenitor (errors and generator panics name the operation).
//! 4. [`finish`] adjusts the generated syntax tree and renders it with prettyplease.
//!
//! The output is `$OUT_DIR/codegen.rs`, included by `src/lib.rs` in its `generated` module.
//! Set `CLERK_USERS_SPEC=/path/to/spec.yaml` to generate from another file (the tests use this to
//! prove Clerk's own published spec goes through the same pipeline).
//!
//! This file is also compiled into `tests/build_script.rs`, which tests each step.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use openapiv3::{OpenAPI, Operation, ReferenceOr, StatusCode};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{ToTokens, format_ident, quote};
use serde_json::{Map, Value, json};

/// The spec file, relative to the crate root.
const DEFAULT_SPEC: &str = "openapi/clerk-users.yaml";

/// Environment variable that points the build at another spec file.
const SPEC_ENV: &str = "CLERK_USERS_SPEC";

/// Operations the crate writes by hand because progenitor cannot generate them (see
/// [`leave_out_multipart_operations`]); `src/profile_image.rs` implements this one.
const HAND_WRITTEN: &[&str] = &["SetUserProfileImage"];

/// The error schema the crate decodes every 4xx/5xx body into (see [`decode_errors_in_the_crate`]).
const ERROR_SCHEMA: &str = "ClerkErrors";

/// Request body media types progenitor 0.15 can generate (`BodyContentType::from_str`).
const GENERATED_BODY_TYPES: &[&str] = &[
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

#[allow(dead_code)] // Unused when this file is compiled into the tests.
fn main() {
    if let Err(message) = run() {
        // A plain message and a failed build: a panic would add a backtrace that says nothing
        // about the spec.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

#[allow(dead_code)]
fn run() -> Result<(), String> {
    let manifest_dir = env_var("CARGO_MANIFEST_DIR")?;
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    let spec_path = match std::env::var_os(SPEC_ENV) {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(manifest_dir).join(DEFAULT_SPEC),
    };
    println!("cargo:rerun-if-changed={}", spec_path.display());

    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read the OpenAPI spec {}: {e}", spec_path.display()))?;
    let output = codegen(&spec_path.display().to_string(), &text)?;
    for warning in &output.warnings {
        println!("cargo:warning={warning}");
    }
    let target = out_dir.join("codegen.rs");
    std::fs::write(&target, output.code)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))
}

#[allow(dead_code)]
fn env_var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set; build.rs must be run by cargo"))
}

/// What the pipeline produces: the source of `codegen.rs` and warnings for the build log.
#[derive(Debug)]
pub struct Codegen {
    /// The formatted Rust source.
    pub code: String,
    /// Things the user should know, such as operations left out of the client.
    pub warnings: Vec<String>,
}

/// Runs the whole pipeline on the text of a spec; `file` names it in error messages.
pub fn codegen(file: &str, text: &str) -> Result<Codegen, String> {
    let mut spec = load_spec(file, text)?;
    let normalized = normalize(&mut spec)?;
    let tokens = generate(&spec, &normalized.native)
        .map_err(|e| format!("cannot generate the client from {file}: {e}"))?;
    let code = quietly(|| finish(tokens, &normalized))
        .map_err(|panic| format!("build.rs failed on {file}: {panic}"))??;
    Ok(Codegen { code, warnings: normalized.warnings })
}

// ===== 1. load =====

/// Parses the spec, reporting YAML and OpenAPI shape errors with their line and column.
pub fn load_spec(file: &str, text: &str) -> Result<OpenAPI, String> {
    serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(at) => {
            // serde_yaml ends its message with the location, which now leads instead.
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", at.line(), at.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message);
            format!(
                "{file}:{}:{}: not a valid OpenAPI 3.0 document: {message}",
                at.line(),
                at.column()
            )
        }
        None => format!("{file}: not a valid OpenAPI 3.0 document: {e}"),
    })
}

// ===== 2. normalize =====

/// What [`normalize`] learned about the spec besides changing it.
#[derive(Debug, Default)]
pub struct Normalized {
    /// Path template of every operation of the checked-in spec (generated or hand-written), keyed
    /// by the name the hooks see in `OperationInfo::operation_id`.
    pub paths: BTreeMap<String, String>,
    /// Messages for the build log.
    pub warnings: Vec<String>,
    /// Types the crate defines itself (open enums, unions, lists) in place of progenitor's.
    pub native: Vec<NativeType>,
}

/// Applies, in order, every rule by which the spec handed to progenitor departs from the
/// checked-in spec. This is the one place to read to know what the generator does not see.
pub fn normalize(spec: &mut OpenAPI) -> Result<Normalized, String> {
    let mut normalized = Normalized { paths: operation_paths(spec), ..Normalized::default() };
    normalized.warnings.extend(leave_out_multipart_operations(spec));
    decode_errors_in_the_crate(spec)?;
    // Unused schemas go before the decoding rules too, so they cannot collide with their names.
    prune_unreachable_schemas(spec, &[ERROR_SCHEMA]);
    normalized.native = apply_decoding_rules(spec)?;
    prune_unreachable_schemas(spec, &[ERROR_SCHEMA]);
    Ok(normalized)
}

/// Records each operation's path template, so the request hooks can tell when a path parameter
/// (`""`, `"."`, `".."`) made the URL address another endpoint.
fn operation_paths(spec: &OpenAPI) -> BTreeMap<String, String> {
    operations(spec)
        .filter_map(|(path, _, op)| Some((hook_name(op.operation_id.as_deref()?), path.to_owned())))
        .collect()
}

/// The operation name progenitor puts into `OperationInfo` (its snake-case sanitizer).
fn hook_name(operation_id: &str) -> String {
    sanitize(operation_id, heck::ToSnakeCase::to_snake_case)
}

/// progenitor's and typify's `sanitize`: characters that cannot be in an identifier become word
/// breaks, then the case conversion; a leading non-letter gets `_`, a keyword a trailing `_`.
fn sanitize(input: &str, case: fn(&str) -> String) -> String {
    let cleaned =
        input.replace('\'', "").replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let mut out = case(&cleaned);
    if out.is_empty() {
        out = case("x");
    }
    if !out.starts_with(|c: char| c.is_alphabetic()) {
        out.insert(0, '_');
    }
    match syn::parse_str::<syn::Ident>(&out) {
        Ok(_) => out,
        Err(_) => format!("{out}_"),
    }
}

/// Rule: operations whose request body progenitor cannot encode are left out of the generated
/// client (fact sheet hazard 1: `multipart/form-data` fails the whole generation with
/// "unexpected content type"). The crate writes them by hand ([`HAND_WRITTEN`]); any other such
/// operation is reported as a build warning rather than failing the build.
fn leave_out_multipart_operations(spec: &mut OpenAPI) -> Vec<String> {
    let request_bodies =
        spec.components.as_ref().map(|c| c.request_bodies.clone()).unwrap_or_default();
    let mut warnings = Vec::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in operation_slots(item) {
            let Some(op) = slot else { continue };
            let body = match &op.request_body {
                Some(ReferenceOr::Item(body)) => Some(body.clone()),
                Some(ReferenceOr::Reference { reference }) => reference
                    .rsplit('/')
                    .next()
                    .and_then(|name| request_bodies.get(name))
                    .and_then(|b| b.as_item().cloned()),
                None => None,
            };
            let Some(body) = body else { continue };
            let generated = body.content.keys().any(|media| {
                let essence = media.split(';').next().unwrap_or_default().trim();
                GENERATED_BODY_TYPES.contains(&essence)
            });
            if generated {
                continue;
            }
            let id = op.operation_id.clone().unwrap_or_default();
            if !HAND_WRITTEN.contains(&id.as_str()) {
                let media: Vec<_> = body.content.keys().cloned().collect();
                warnings.push(format!(
                    "operation {id} ({} {path}) is left out of the client: the generator cannot \
                     encode a {} request body",
                    method.to_uppercase(),
                    media.join(" or ")
                ));
            }
            *slot = None;
        }
    }
    warnings
}

/// Rule: error responses are removed from every operation, so every 4xx/5xx reaches the crate's
/// hooks and error type undecoded, and is decoded there as `ClerkErrors` whatever its status.
///
/// Why: progenitor decodes only the statuses an operation declares, and leaves the rest (429 and
/// 5xx on every operation) as raw responses with unread bodies (fact sheet hazard 10). Where an
/// operation declares body-less errors next to `ClerkErrors` ones (verify_password and
/// verify_totp), it even panics (hazard 2). And a non-JSON error body declared as JSON would lose
/// its status. Clerk's error catalogue sends `ClerkErrors` for every error, so one decoder in
/// `src/error.rs` serves all operations.
fn decode_errors_in_the_crate(spec: &mut OpenAPI) -> Result<(), String> {
    let has_error_schema =
        spec.components.as_ref().is_some_and(|c| c.schemas.contains_key(ERROR_SCHEMA));
    if !has_error_schema {
        return Err(format!(
            "the spec has no components.schemas.{ERROR_SCHEMA}; the crate decodes every error \
             response into it"
        ));
    }
    for (_, _, op) in operations_mut(spec) {
        op.responses.default = None;
        op.responses.responses.retain(|status, _| match status {
            StatusCode::Code(code) => *code < 400,
            StatusCode::Range(range) => *range < 4,
        });
    }
    Ok(())
}

/// Rule: component schemas that no kept operation (nor the crate's error decoder) can reach are
/// dropped, since progenitor generates a type for every schema in `components` (a full Clerk spec
/// would add hundreds of unused types to the crate).
fn prune_unreachable_schemas(spec: &mut OpenAPI, roots: &[&str]) {
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let schemas: BTreeMap<String, serde_json::Value> = components
        .schemas
        .iter()
        .filter_map(|(name, s)| Some((name.clone(), serde_json::to_value(s).ok()?)))
        .collect();
    let mut others = serde_json::to_value(&spec.paths).unwrap_or_default();
    // Responses, parameters and bodies are reached through paths; scan them all, they are small.
    for part in [
        serde_json::to_value(&components.responses),
        serde_json::to_value(&components.parameters),
        serde_json::to_value(&components.request_bodies),
    ] {
        if let (Ok(part), serde_json::Value::Object(map)) = (part, &mut others) {
            map.insert(format!("#{}", map.len()), part);
        }
    }
    let mut reachable: BTreeSet<String> = roots.iter().map(|r| r.to_string()).collect();
    let mut pending: Vec<String> =
        schema_refs(&others).into_iter().chain(reachable.clone()).collect();
    while let Some(name) = pending.pop() {
        reachable.insert(name.clone());
        if let Some(schema) = schemas.get(&name) {
            pending.extend(schema_refs(schema).into_iter().filter(|r| !reachable.contains(r)));
        }
    }
    components.schemas.retain(|name, _| reachable.contains(name));
}

/// Names of the component schemas a JSON value refers to with `$ref`.
fn schema_refs(value: &serde_json::Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    found.insert(name.to_owned());
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Every operation with its path and HTTP method.
fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &str, &Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(p, i)| Some((p, i.as_item()?)))
        .flat_map(|(path, item)| item.iter().map(move |(method, op)| (path.as_str(), method, op)))
}

/// Every operation, mutably, with its path and HTTP method.
fn operations_mut(
    spec: &mut OpenAPI,
) -> impl Iterator<Item = (&str, &'static str, &mut Operation)> {
    spec.paths.paths.iter_mut().flat_map(|(path, item)| {
        let slots = match item {
            ReferenceOr::Item(item) => operation_slots(item),
            ReferenceOr::Reference { .. } => Vec::new(),
        };
        slots
            .into_iter()
            .filter_map(move |(method, slot)| Some((path.as_str(), method, slot.as_mut()?)))
    })
}

/// The operation slots of a path item, by method, so rules can remove or edit operations.
fn operation_slots(item: &mut openapiv3::PathItem) -> Vec<(&'static str, &mut Option<Operation>)> {
    vec![
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

// ===== 2b. decoding rules =====
//
// Rules that make every response decode whatever Clerk sends, today and next year. They work on
// the spec as JSON, since they move and rewrite schemas. Each is documented in
// openapi/README.md ("Decoding rules") with the schemas it touches.

/// Whether a schema describes a request (body or parameter) or something Clerk sends back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// A type the crate defines with one of its macros instead of letting progenitor generate it.
#[derive(Debug, Clone, PartialEq)]
pub enum NativeType {
    /// `open_enum!`: a string enum with an `Unknown(String)` catch-all.
    OpenEnum { name: String, doc: String, values: Vec<String> },
    /// `discriminated_union!`: variants chosen by `object`/`strategy`, with `Unknown(Value)`.
    Union {
        name: String,
        doc: String,
        /// The discriminator's property (`object`).
        discriminator: String,
        variants: Vec<UnionVariant>,
        accessors: Vec<String>,
    },
    /// `list_or_page!`: a list read from an array or a `{data, total_count}` page.
    ListOrPage { name: String, doc: String, item: String },
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
    fn name(&self) -> &str {
        match self {
            NativeType::OpenEnum { name, .. }
            | NativeType::Union { name, .. }
            | NativeType::ListOrPage { name, .. } => name,
        }
    }

    /// What typify may assume the type implements.
    fn impls(&self) -> std::vec::IntoIter<progenitor::TypeImpl> {
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
    fn to_item(&self) -> syn::Item {
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

/// Enum variant names for wire values: PascalCase, made unique, never `Unknown` (the catch-all).
fn variant_idents(values: &[String]) -> Vec<syn::Ident> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .map(|value| {
            let mut ident = pascal(value);
            if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
                ident = format!("V{ident}");
            }
            if ident == "Unknown" || ident == "Self" {
                ident.push_str("Value");
            }
            let base = ident.clone();
            let mut n = 2;
            while !taken.insert(ident.clone()) {
                ident = format!("{base}{n}");
                n += 1;
            }
            format_ident!("{ident}")
        })
        .collect()
}

/// typify's PascalCase for type names (heck, after replacing characters that cannot be in one).
fn pascal(name: &str) -> String {
    sanitize(name, heck::ToPascalCase::to_pascal_case)
}

/// Runs the decoding rules in order. Rules that replace schemas with crate-defined types run
/// first, so the others see (and leave alone) the references they put in their place.
fn apply_decoding_rules(spec: &mut OpenAPI) -> Result<Vec<NativeType>, String> {
    let mut doc =
        serde_json::to_value(&*spec).map_err(|e| format!("cannot re-read the spec: {e}"))?;
    let mut native = Vec::new();
    native.extend(list_or_page(&mut doc)?);
    native.extend(discriminated_unions(&mut doc)?);
    native.extend(open_enums(&mut doc)?);
    accept_unknown_fields(&mut doc);
    unchecked_patterns(&mut doc);
    no_presence_alternatives(&mut doc);
    always_written(&mut doc);
    *spec =
        serde_json::from_value(doc).map_err(|e| format!("a decoding rule broke the spec: {e}"))?;
    Ok(native)
}

/// Rule `accept_unknown_fields`: `additionalProperties: false` is dropped from every schema of a
/// response, so a field Clerk adds does not fail decoding (typify turns it into
/// `deny_unknown_fields`; fact sheet hazard 3). Request bodies keep it: it documents what Clerk
/// accepts, and only matters when a body is decoded (as a test server does).
fn accept_unknown_fields(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side == Side::Response && schema.get("additionalProperties") == Some(&Value::Bool(false))
        {
            schema.remove("additionalProperties");
        }
    });
}

/// Rule `unchecked_patterns`: `pattern` is dropped from response strings. typify checks it when
/// decoding, and Clerk's patterns are narrower than its data: `^oauth_[a-z]+$` rejects the real
/// `oauth_linkedin_oidc` and every `oauth_custom_<name>` with a digit (hazard 6).
fn unchecked_patterns(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side == Side::Response {
            schema.remove("pattern");
        }
    });
}

/// Rule `no_presence_alternatives`: an `anyOf`/`oneOf` whose branches only say which keys must be
/// present (`anyOf: [{required: [domain]}, {required: [domains]}]` on SAML and enterprise
/// connections) is dropped. typify makes it an untagged enum that fails when both keys are
/// present, as during the `domain` deprecation (hazard 4); both fields stay, optional.
fn no_presence_alternatives(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, _| {
        for key in ["anyOf", "oneOf"] {
            let only_required = schema.get(key).and_then(Value::as_array).is_some_and(|branches| {
                branches
                    .iter()
                    .all(|b| b.as_object().is_some_and(|b| b.keys().all(|k| k == "required")))
            });
            if only_required {
                schema.remove(key);
            }
        }
    });
}

/// Rule `always_written` (with `missing_means_empty` in [`default_missing_fields`]): in response
/// objects, every nullable, array and free-form map property is treated as required. typify then
/// writes it back even when it is `null`, `[]` or `{}` (it skips optional ones), so a decoded value
/// serializes back to what Clerk sent; and [`default_missing_fields`] lets it be missing.
fn always_written(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side != Side::Response {
            return;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let always: Vec<Value> = properties
            .iter()
            .filter(|(_, p)| {
                let nullable = p.get("nullable") == Some(&Value::Bool(true));
                let array = p.get("type").and_then(Value::as_str) == Some("array");
                let map = p.get("type").and_then(Value::as_str) == Some("object")
                    && p.get("properties").is_none();
                nullable || array || map
            })
            .map(|(name, _)| Value::String(name.clone()))
            .collect();
        let required = schema.entry("required").or_insert_with(|| json!([]));
        if let Some(required) = required.as_array_mut() {
            for name in always {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
    });
}

/// Rule `open_enums`: every `enum` of strings becomes an open enum (`open_enum!`): known values
/// decode into their variant and anything else into `Unknown(String)`, which serializes back as
/// the same string. Clerk adds strategies, statuses and account kinds; a closed enum fails the
/// whole response on the first new one (hazard 7). Requests use them too, so a value Clerk
/// accepts before this crate knows it can still be sent.
fn open_enums(doc: &mut Value) -> Result<Vec<NativeType>, String> {
    hoist(
        doc,
        |schema, _| {
            let values = schema.get("enum")?.as_array()?;
            // `null` in the list is nullability, which the field's `Option` carries.
            let values: Option<Vec<String>> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            let values = values?;
            (!values.is_empty()).then_some(values)
        },
        |name, schema, values| NativeType::OpenEnum {
            name: name.to_owned(),
            doc: description(schema, &format!("`{name}`")),
            values,
        },
    )
}

/// Rule `discriminated_unions`: a `oneOf` of references with a `discriminator` becomes a union
/// decoded by `object`, else `strategy` (`discriminated_union!`), with an `Unknown` variant
/// that keeps anything else. typify ignores discriminators and takes the first variant that fits,
/// and fails the user when none does, as with minimal or future verifications (hazard 5).
fn discriminated_unions(doc: &mut Value) -> Result<Vec<NativeType>, String> {
    let schemas = doc.pointer("/components/schemas").cloned().unwrap_or_default();
    hoist(
        doc,
        |schema, property| {
            let discriminator = schema.get("discriminator")?;
            let property_name = discriminator.get("propertyName")?.as_str()?.to_owned();
            let mapping = discriminator.get("mapping").and_then(Value::as_object);
            let refs: Option<Vec<&str>> = schema
                .get("oneOf")?
                .as_array()?
                .iter()
                .map(|branch| branch.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/"))
                .collect();
            let refs = refs?;
            let strip = format!("{property}_");
            let all_prefixed = refs.iter().all(|r| r.starts_with(&strip) && r.len() > strip.len());
            let variants = refs
                .iter()
                .map(|target| {
                    let variant = &schemas[*target];
                    let object = mapping
                        .and_then(|m| {
                            m.iter().find(|(_, to)| {
                                to.as_str() == Some(&format!("#/components/schemas/{target}"))
                            })
                        })
                        .map(|(from, _)| from.clone())
                        .unwrap_or_else(|| target.to_string());
                    let strategy = variant.pointer("/properties/strategy");
                    let strategies = strategy
                        .and_then(|s| s.get("enum")?.as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    let prefixes = strategy
                        .and_then(|s| s.get("pattern")?.as_str())
                        .and_then(literal_prefix)
                        .into_iter()
                        .collect();
                    let ident =
                        if all_prefixed { pascal(&target[strip.len()..]) } else { pascal(target) };
                    UnionVariant { ident, ty: pascal(target), object, strategies, prefixes }
                })
                .collect::<Vec<_>>();
            // The discriminator has its own accessor.
            let accessors: Vec<String> = common_string_fields(&refs, &schemas)
                .into_iter()
                .filter(|field| *field != property_name)
                .collect();
            Some((property_name, variants, accessors))
        },
        |name, schema, (discriminator, variants, accessors)| NativeType::Union {
            name: name.to_owned(),
            doc: description(schema, &format!("`{name}`")),
            discriminator,
            variants,
            accessors,
        },
    )
}

/// Rule `list_or_page`: an array response of an operation with a `paginated` query parameter
/// also decodes from the `{data, total_count}` page that `paginated=true` returns, which the spec
/// does not declare (`list_or_page!`; hazard 9). Its items become a named schema.
fn list_or_page(doc: &mut Value) -> Result<Vec<NativeType>, String> {
    let mut found: Vec<String> = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    for item in paths.values() {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            let paginated = op.get("parameters").and_then(Value::as_array).is_some_and(|ps| {
                ps.iter().map(|p| resolve(doc, p)).any(|p| {
                    p.get("name") == Some(&json!("paginated"))
                        && p.get("in") == Some(&json!("query"))
                })
            });
            if !paginated {
                continue;
            }
            let Some(response) = op.pointer("/responses/200") else {
                continue;
            };
            let response = resolve(doc, response);
            let schema_ref =
                response.pointer("/content/application~1json/schema/$ref").and_then(Value::as_str);
            if let Some(name) = schema_ref.and_then(|r| r.strip_prefix("#/components/schemas/")) {
                found.push(name.to_owned());
            }
        }
    }
    found.sort();
    found.dedup();
    let mut native = Vec::new();
    for component in found {
        let pointer =
            format!("/components/schemas/{}", component.replace('~', "~0").replace('/', "~1"));
        let Some(schema) = doc.pointer_mut(&pointer) else {
            continue;
        };
        if schema.get("type") != Some(&json!("array")) {
            continue;
        }
        let name = pascal(&component);
        let item = format!("{name}Item");
        let doc_text = schema
            .get("description")
            .and_then(Value::as_str)
            .map_or_else(|| format!("`{name}`"), str::to_owned);
        let items = std::mem::replace(
            &mut schema["items"],
            json!({"$ref": format!("#/components/schemas/{item}")}),
        );
        if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
        {
            if schemas.contains_key(&item) {
                return Err(format!("rule list_or_page: components.schemas.{item} already exists"));
            }
            schemas.insert(item.clone(), items);
        }
        native.push(NativeType::ListOrPage { name, doc: doc_text, item });
    }
    Ok(native)
}

/// Follows a local `$ref` (`#/components/...`), if the value is one.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).unwrap_or(&Value::Null),
        None => value,
    }
}

/// `oauth_` for `^oauth_(?:…)`: the literal start of an anchored pattern, if it has one.
fn literal_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    // `^a|b` is "starts with a, or contains b": no common prefix.
    let mut depth = 0i32;
    for c in rest.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => return None,
            _ => {}
        }
    }
    let mut prefix: String =
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
    // `^ab?c`: the `b` is optional, so only `a` is certain.
    if rest[prefix.len()..].starts_with(['?', '*', '{']) {
        prefix.pop();
    }
    (!prefix.is_empty()).then_some(prefix)
}

/// String properties every variant requires (`status`, `strategy`), for union accessors.
fn common_string_fields(refs: &[&str], schemas: &Value) -> Vec<String> {
    let required_strings = |target: &str| -> BTreeSet<String> {
        let schema = &schemas[target];
        let required =
            schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| {
                schema.pointer(&format!("/properties/{name}/type")) == Some(&json!("string"))
            })
            .map(str::to_owned)
            .collect()
    };
    let mut common = refs.first().map(|r| required_strings(r)).unwrap_or_default();
    for target in refs.iter().skip(1) {
        common = common.intersection(&required_strings(target)).cloned().collect();
    }
    common.into_iter().collect()
}

/// The schema's description, or a fallback.
fn description(schema: &Map<String, Value>, fallback: &str) -> String {
    schema.get("description").and_then(Value::as_str).unwrap_or(fallback).to_owned()
}

/// Moves every schema that `select` picks into `components.schemas` under the name typify would
/// have given it, leaves a reference in its place (keeping the description and nullability
/// there), and returns what `make` builds from each.
fn hoist<T>(
    doc: &mut Value,
    select: impl Fn(&Map<String, Value>, &str) -> Option<T>,
    make: impl Fn(&str, &Map<String, Value>, T) -> NativeType,
) -> Result<Vec<NativeType>, String> {
    let mut moved: Vec<(String, Map<String, Value>, T)> = Vec::new();
    let mut in_place: Vec<NativeType> = Vec::new();
    for_each_schema(doc, &mut |schema, name, _| {
        if schema.contains_key("$ref") {
            return;
        }
        let property = name.rsplit('.').next().unwrap_or_default();
        let Some(found) = select(schema, property) else {
            return;
        };
        let type_name = pascal(&name.replace('.', "_"));
        // A component is already named: the crate's type replaces it where it stands.
        if !name.contains('.') {
            in_place.push(make(&type_name, schema, found));
            return;
        }
        let mut reference = Map::new();
        if let Some(text) = schema.get("description") {
            reference.insert("description".into(), text.clone());
        }
        let lists_null =
            schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.contains(&Value::Null));
        if schema.get("nullable") == Some(&Value::Bool(true)) || lists_null {
            reference.insert("nullable".into(), Value::Bool(true));
        }
        // `allOf` with one reference keeps the description on the field (siblings of a bare
        // `$ref` are ignored) and is generated as the referenced type itself.
        reference
            .insert("allOf".into(), json!([{"$ref": format!("#/components/schemas/{type_name}")}]));
        let mut original = std::mem::replace(schema, reference);
        original.remove("nullable");
        moved.push((type_name, original, found));
    });
    let mut native = in_place;
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no components.schemas")?;
    for (name, schema, found) in moved {
        if schemas.contains_key(&name) {
            return Err(format!(
                "a decoding rule needs the name {name}, which components.schemas already uses"
            ));
        }
        native.push(make(&name, &schema, found));
        schemas.insert(name, Value::Object(schema));
    }
    Ok(native)
}

/// What [`for_each_schema`] calls: the schema, its dotted name, and its side.
type SchemaVisitor<'a> = dyn FnMut(&mut Map<String, Value>, &str, Side) + 'a;

/// Calls `visit` on every schema object of the spec, parents before children, with a dotted name
/// (`verification_otp.status`, `CreateUser.body.email_address.item`) from which [`hoist`] derives
/// type names, and whether it is part of a request or a response.
fn for_each_schema(doc: &mut Value, visit: &mut SchemaVisitor<'_>) {
    let in_responses = response_schemas(doc);
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            // A component only requests use keeps its request-side strictness.
            let side = if in_responses.contains(name) { Side::Response } else { Side::Request };
            walk(schema, name, side, visit);
        }
    }
    for (kind, side) in [("responses", Side::Response), ("requestBodies", Side::Request)] {
        if let Some(entries) =
            doc.pointer_mut(&format!("/components/{kind}")).and_then(Value::as_object_mut)
        {
            for (name, entry) in entries.iter_mut() {
                walk_content(entry, name, side, visit);
            }
        }
    }
    if let Some(parameters) =
        doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut)
    {
        for (name, parameter) in parameters.iter_mut() {
            if let Some(schema) = parameter.get_mut("schema") {
                walk(schema, name, Side::Request, visit);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(op_id) = op.get("operationId").and_then(Value::as_str).map(str::to_owned)
            else {
                continue;
            };
            for parameter in
                op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten()
            {
                let param =
                    parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
                if let Some(schema) = parameter.get_mut("schema") {
                    walk(schema, &format!("{op_id}.{param}"), Side::Request, visit);
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                walk_content(body, &format!("{op_id}.body"), Side::Request, visit);
            }
            for response in op
                .get_mut("responses")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|r| r.values_mut())
            {
                walk_content(response, &format!("{op_id}.response"), Side::Response, visit);
            }
        }
    }
}

/// Component schemas a response can reach, or that nothing references (kept as responses, the
/// lenient side).
fn response_schemas(doc: &Value) -> BTreeSet<String> {
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    let mut roots = vec![doc.pointer("/components/responses").cloned().unwrap_or_default()];
    let mut requests = vec![
        doc.pointer("/components/requestBodies").cloned().unwrap_or_default(),
        doc.pointer("/components/parameters").cloned().unwrap_or_default(),
    ];
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            roots.extend(op.get("responses").cloned());
            requests.extend(op.get("requestBody").cloned());
            requests.extend(op.get("parameters").cloned());
        }
    }
    let closure = |start: Vec<Value>| {
        let mut reached = BTreeSet::new();
        let mut pending: Vec<String> = start.iter().flat_map(schema_refs).collect();
        while let Some(name) = pending.pop() {
            if reached.insert(name.clone())
                && let Some(schema) = schemas.and_then(|s| s.get(&name))
            {
                pending.extend(schema_refs(schema));
            }
        }
        reached
    };
    let from_responses = closure(roots);
    let from_requests = closure(requests);
    schemas
        .into_iter()
        .flat_map(|s| s.keys())
        .filter(|name| from_responses.contains(*name) || !from_requests.contains(*name))
        .cloned()
        .collect()
}

/// Walks the schemas of a body or response's `content`.
fn walk_content(entry: &mut Value, name: &str, side: Side, visit: &mut SchemaVisitor<'_>) {
    for media in entry
        .get_mut("content")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|c| c.values_mut())
    {
        if let Some(schema) = media.get_mut("schema") {
            walk(schema, name, side, visit);
        }
    }
}

/// Visits a schema, then its subschemas.
fn walk(schema: &mut Value, name: &str, side: Side, visit: &mut SchemaVisitor<'_>) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    visit(map, name, side);
    if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, schema) in properties.iter_mut() {
            walk(schema, &format!("{name}.{property}"), side, visit);
        }
    }
    if let Some(items) = map.get_mut("items") {
        walk(items, &format!("{name}.item"), side, visit);
    }
    if let Some(additional) = map.get_mut("additionalProperties").filter(|a| a.is_object()) {
        walk(additional, &format!("{name}.value"), side, visit);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, branch) in
            map.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().enumerate()
        {
            walk(branch, &format!("{name}.{key}{i}"), side, visit);
        }
    }
}

// ===== 3. generate =====

/// The generator settings, each one chosen on purpose.
fn settings(native: &[NativeType]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    // The decoding rules' types are defined by the crate (finish() adds them to `types`).
    for native_type in native {
        let name = native_type.name();
        settings.with_replacement(name, format!("crate::types::{name}"), native_type.impls());
    }
    settings
        // `client.get_user().user_id(id).send()`: named, optional parameters, and builders that
        // extension traits (pagination) can add methods to.
        .with_interface(InterfaceStyle::Builder)
        // One `Client` with every operation as an inherent method; no per-tag traits to import.
        .with_tag(TagStyle::Merged)
        // `src/hooks.rs` must implement `ClientHooks` for `Client` (header and path checks, error
        // capture); forgetting it is a compile error instead of silently skipping them.
        .with_hooks(HooksMode::Expected)
        // Per-client state the hooks read, built by `ClientBuilder`.
        .with_inner_type(quote!(crate::ClientState))
        // Decoded values can be compared, in tests and in user code.
        .with_derive("PartialEq");
    settings
}

/// Runs progenitor. When it fails, the components and then each operation are generated alone
/// to name the culprit.
pub fn generate(spec: &OpenAPI, native: &[NativeType]) -> Result<proc_macro2::TokenStream, String> {
    let generate_tokens = |spec: &OpenAPI| generate_tokens(spec, native);
    generate_tokens(spec).map_err(|whole| {
        if let Err(error) = generate_tokens(&keep_operations(spec, |_, _| false)) {
            return format!("in components: {error}");
        }
        let culprits: Vec<String> = operations(spec)
            .filter_map(|(path, method, op)| {
                let alone = keep_operations(spec, |p, m| p == path && m == method);
                let error = generate_tokens(&alone).err()?;
                let id = op.operation_id.as_deref().unwrap_or("(no operationId)");
                Some(format!("operation {id} ({} {path}): {error}", method.to_uppercase()))
            })
            .collect();
        if culprits.is_empty() { whole } else { culprits.join("\n") }
    })
}

/// A copy of the spec with every component but only the operations `keep` selects.
fn keep_operations(spec: &OpenAPI, keep: impl Fn(&str, &str) -> bool) -> OpenAPI {
    let mut copy = spec.clone();
    for (path, item) in copy.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in operation_slots(item) {
            if !keep(path, method) {
                *slot = None;
            }
        }
    }
    copy
}

/// One run of progenitor, with its panics turned into errors.
fn generate_tokens(
    spec: &OpenAPI,
    native: &[NativeType],
) -> Result<proc_macro2::TokenStream, String> {
    let mut generator = Generator::new(&settings(native));
    quietly(|| generator.generate_tokens(spec).map_err(|e| e.to_string()))
        .map_err(|panic| format!("the generator panicked: {panic}"))?
}

/// Runs `f`, turning a panic into its message. progenitor asserts and unwraps on some inputs; the
/// default hook is silenced meanwhile so a panic becomes one readable line instead of a backtrace.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // The hook is process-wide: one caller at a time (the tests call this from several threads).
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(default_hook);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned())
    })
}

// ===== 4. finish =====

/// Adjusts the generated syntax tree, adds the crate-defined types and the path table, and
/// renders the file.
pub fn finish(tokens: proc_macro2::TokenStream, normalized: &Normalized) -> Result<String, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    use_crate_path_encoder(&mut file)?;
    detachable_builders(&mut file)?;
    send_returns_crate_error(&mut file, &normalized.paths)?;
    let types = types_module(&mut file)?;
    default_missing_fields(types);
    types.extend(normalized.native.iter().map(NativeType::to_item));
    let (names, templates): (Vec<_>, Vec<_>) = normalized.paths.iter().unzip();
    file.items.push(syn::parse_quote! {
        /// Path template of every operation, by the name in `OperationInfo::operation_id`.
        pub(crate) const OPERATION_PATHS: &[(&str, &str)] = &[#((#names, #templates)),*];
    });
    Ok(format!(
        "// @generated by build.rs from the OpenAPI spec; do not edit.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// TEMPORARY (replaced by the codegen crate): `send()` returns `crate::Error`; `send_as::<T>()`.
fn send_returns_crate_error(
    file: &mut syn::File,
    paths: &BTreeMap<String, String>,
) -> Result<(), String> {
    use quote::ToTokens;
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("no builder module")?;
    for item in module.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let mut extra = Vec::new();
        for member in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = member else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let body = f.block.to_token_stream().to_string();
            let op = body
                .split("operation_id : \"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .ok_or("no op")?
                .to_owned();
            let path = paths.get(&op).ok_or("no path")?.clone();
            let method = ["get", "post", "put", "patch", "delete"]
                .iter()
                .find(|m| body.contains(&format!("client . client . {m} (")))
                .ok_or("no method")?
                .to_uppercase();
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let ty_s = ty.to_token_stream().to_string();
            let inner = ty_s
                .split("ResponseValue <")
                .nth(1)
                .and_then(|r| r.rsplit_once("> , Error"))
                .map(|(a, _)| a.trim().to_owned())
                .ok_or("no inner")?;
            let inner: syn::Type = syn::parse_str(&inner).map_err(|e| e.to_string())?;
            let block = &f.block;
            let json = body.contains("ResponseValue :: from_response");
            if json {
                extra.push(syn::parse_quote! {
                    /// Sends the request and decodes a success body into `T` instead of the declared type.
                    pub async fn send_as<T: serde::de::DeserializeOwned>(self) -> Result<ResponseValue<T>, crate::Error> {
                        let result: Result<ResponseValue<T>, Error<()>> = async move #block.await;
                        result.map_err(|error| crate::Error::from_generated(error, #method, #path))
                    }
                });
                f.block = syn::parse_quote!({ self.send_as::<#inner>().await });
            } else {
                f.block = syn::parse_quote!({
                    let result: Result<ResponseValue<#inner>, Error<()>> = async move #block.await;
                    result.map_err(|error| crate::Error::from_generated(error, #method, #path))
                });
            }
            f.sig.output = syn::parse_quote!(-> Result<ResponseValue<#inner>, crate::Error>);
        }
        imp.items.extend(extra);
    }
    Ok(())
}

/// Gives every request builder a client-free twin, `<Builder>Parameters`, so a value can own the
/// parameters set on a builder and send them again later with a client it owns: the pagination
/// streams are `'static` and send one request per page with the filters the user set.
fn detachable_builders(file: &mut syn::File) -> Result<(), String> {
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => {
                Some(&mut module.content.as_mut()?.1)
            }
            _ => None,
        })
        .ok_or("progenitor's output has no `builder` module; update build.rs")?;
    let builders: Vec<syn::ItemStruct> = module
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if s.generics.lifetimes().count() == 1 => Some(s.clone()),
            _ => None,
        })
        .filter(|s| s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "client")))
        .collect();
    for builder in builders {
        let name = &builder.ident;
        let parameters = format_ident!("{name}Parameters");
        let fields: Vec<&syn::Field> = builder
            .fields
            .iter()
            .filter(|f| f.ident.as_ref().is_some_and(|i| i != "client"))
            .collect();
        let names: Vec<&syn::Ident> = fields.iter().filter_map(|f| f.ident.as_ref()).collect();
        let types = fields.iter().map(|f| &f.ty);
        let doc =
            format!("The parameters of [`{name}`] without its client. Not part of the public API.");
        module.push(syn::parse_quote! {
            #[doc = #doc]
            #[doc(hidden)]
            #[derive(Debug, Clone)]
            pub struct #parameters { #(pub #names: #types),* }
        });
        module.push(syn::parse_quote! {
            impl<'a> #name<'a> {
                /// Splits the builder into its client and its parameters.
                #[doc(hidden)]
                pub fn into_parameters(self) -> (&'a super::Client, #parameters) {
                    let Self { client, #(#names),* } = self;
                    (client, #parameters { #(#names),* })
                }
            }
        });
        module.push(syn::parse_quote! {
            impl #parameters {
                /// A builder with these parameters, sending through `client`.
                #[doc(hidden)]
                pub fn with_client(self, client: &super::Client) -> #name<'_> {
                    let Self { #(#names),* } = self;
                    #name { client, #(#names),* }
                }
            }
        });
    }
    Ok(())
}

/// The items of the generated `types` module.
fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                Some(&mut module.content.as_mut()?.1)
            }
            _ => None,
        })
        .ok_or_else(|| "progenitor's output has no `types` module; update build.rs".to_owned())
}

/// Decoding rule `missing_means_empty` (the half that needs the generated code): a field the
/// decoder requires and whose type has an empty value (an `Option`, `Vec` or map) defaults to it
/// when the key is missing, instead of failing the whole response.
///
/// Together with `always_written` this makes a missing required array decode as `[]` and a
/// missing nullable field as `None`, while present values, `null`s and empty collections are
/// written back as they came. typify has no schema form for "default when missing, but always
/// written", so it is added here: `#[serde(default)]` next to the attributes typify wrote.
fn default_missing_fields(types: &mut [syn::Item]) {
    for item in types {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        for field in item.fields.iter_mut() {
            let serde: String = field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("serde"))
                .map(|a| a.meta.to_token_stream().to_string())
                .collect();
            let has_default =
                serde.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "default");
            let syn::Type::Path(ty) = &field.ty else {
                continue;
            };
            let Some(last) = ty.path.segments.last() else {
                continue;
            };
            let presence_required = match last.ident.to_string().as_str() {
                "Option" => serde.contains("deserialize_with"),
                "Vec" | "Map" | "HashMap" | "BTreeMap" => true,
                _ => false,
            };
            if presence_required && !has_default {
                field.attrs.push(syn::parse_quote!(#[serde(default)]));
            }
        }
    }
}

/// Makes generated code encode path parameters with `crate::path::encode_path` instead of
/// progenitor's, which leaves `\` unescaped (URL parsers read it as `/`, so `a\b` would address
/// another endpoint).
fn use_crate_path_encoder(file: &mut syn::File) -> Result<(), String> {
    let mut replaced = false;
    for item in &mut file.items {
        let syn::Item::Use(item) = item else { continue };
        let syn::UseTree::Path(path) = &mut item.tree else {
            continue;
        };
        if path.ident != "progenitor_client" {
            continue;
        }
        let syn::UseTree::Group(group) = path.tree.as_mut() else {
            continue;
        };
        let before = group.items.len();
        group.items = std::mem::take(&mut group.items)
            .into_iter()
            .filter(|tree| !matches!(tree, syn::UseTree::Name(n) if n.ident == "encode_path"))
            .collect();
        replaced |= group.items.len() != before;
    }
    if !replaced {
        return Err("progenitor's output no longer imports encode_path; update build.rs".into());
    }
    file.items.push(syn::parse_quote! {
        #[allow(unused_imports)]
        use crate::path::encode_path;
    });
    Ok(())
}
