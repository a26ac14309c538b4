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
use quote::quote;

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
    let tokens =
        generate(&spec).map_err(|e| format!("cannot generate the client from {file}: {e}"))?;
    let code = finish(tokens, &normalized.paths)?;
    Ok(Codegen {
        code,
        warnings: normalized.warnings,
    })
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
}

/// Applies, in order, every rule by which the spec handed to progenitor departs from the
/// checked-in spec. This is the one place to read to know what the generator does not see.
pub fn normalize(spec: &mut OpenAPI) -> Result<Normalized, String> {
    let mut normalized = Normalized {
        paths: operation_paths(spec),
        ..Normalized::default()
    };
    normalized
        .warnings
        .extend(leave_out_multipart_operations(spec));
    decode_errors_in_the_crate(spec)?;
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
    use heck::ToSnakeCase;
    operation_id.replace('\'', "").to_snake_case()
}

/// Rule: operations whose request body progenitor cannot encode are left out of the generated
/// client (fact sheet hazard 1: `multipart/form-data` fails the whole generation with
/// "unexpected content type"). The crate writes them by hand ([`HAND_WRITTEN`]); any other such
/// operation is reported as a build warning rather than failing the build.
fn leave_out_multipart_operations(spec: &mut OpenAPI) -> Vec<String> {
    let request_bodies = spec
        .components
        .as_ref()
        .map(|c| c.request_bodies.clone())
        .unwrap_or_default();
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
    let has_error_schema = spec
        .components
        .as_ref()
        .is_some_and(|c| c.schemas.contains_key(ERROR_SCHEMA));
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
    let mut pending: Vec<String> = schema_refs(&others)
        .into_iter()
        .chain(reachable.clone())
        .collect();
    while let Some(name) = pending.pop() {
        reachable.insert(name.clone());
        if let Some(schema) = schemas.get(&name) {
            pending.extend(
                schema_refs(schema)
                    .into_iter()
                    .filter(|r| !reachable.contains(r)),
            );
        }
    }
    components
        .schemas
        .retain(|name, _| reachable.contains(name));
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
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, op)| (path.as_str(), method, op))
        })
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

// ===== 3. generate =====

/// The generator settings, each one chosen on purpose.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
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
pub fn generate(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    generate_tokens(spec).map_err(|whole| {
        if let Err(error) = generate_tokens(&keep_operations(spec, |_, _| false)) {
            return format!("in components: {error}");
        }
        let culprits: Vec<String> = operations(spec)
            .filter_map(|(path, method, op)| {
                let alone = keep_operations(spec, |p, m| p == path && m == method);
                let error = generate_tokens(&alone).err()?;
                let id = op.operation_id.as_deref().unwrap_or("(no operationId)");
                Some(format!(
                    "operation {id} ({} {path}): {error}",
                    method.to_uppercase()
                ))
            })
            .collect();
        if culprits.is_empty() {
            whole
        } else {
            culprits.join("\n")
        }
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
fn generate_tokens(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    let mut generator = Generator::new(&settings());
    // progenitor asserts and unwraps on some inputs; silence the default hook so a panic becomes
    // one readable line instead of a backtrace.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(spec)));
    panic::set_hook(default_hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(error.to_string()),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(format!("the generator panicked: {message}"))
        }
    }
}

// ===== 4. finish =====

/// Adjusts the generated syntax tree, appends the path table, and renders the file.
pub fn finish(
    tokens: proc_macro2::TokenStream,
    paths: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    use_crate_path_encoder(&mut file)?;
    let (names, templates): (Vec<_>, Vec<_>) = paths.iter().unzip();
    file.items.push(syn::parse_quote! {
        /// Path template of every operation, by the name in `OperationInfo::operation_id`.
        pub(crate) const OPERATION_PATHS: &[(&str, &str)] = &[#((#names, #templates)),*];
    });
    Ok(format!(
        "// @generated by build.rs from the OpenAPI spec; do not edit.\n\n{}",
        prettyplease::unparse(&file)
    ))
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
