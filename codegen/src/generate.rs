//! Step 3: progenitor, with every setting chosen on purpose, and its failures and panics turned
//! into errors that name the operation.

use std::panic::{self, AssertUnwindSafe};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::operations::{keep_operations, operations};
use crate::{Error, NativeType};

/// The generator settings, each one chosen on purpose.
fn settings(native: &[NativeType]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    // The decoding rules' types are defined by the crate (finish() adds them to `types`).
    for native_type in native {
        let name = native_type.name();
        settings.with_replacement(name, format!("crate::types::{name}"), native_type.impls());
    }
    // Numbers stay the JSON number Clerk sent (`50` is written back as `50`, not `50.0`); rule
    // `formats_kept_as_sent` gives every number this one schema.
    settings.with_conversion(
        crate::rules::kept_number(),
        "::serde_json::Number",
        [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
    );
    settings
        // `client.get_user().user_id(id).send()`: named, optional parameters, and builders that
        // extension traits (pagination) can add methods to.
        .with_interface(InterfaceStyle::Builder)
        // One `Client` with every operation as an inherent method; no per-tag traits to import.
        .with_tag(TagStyle::Merged)
        // The client's `src/hooks.rs` must implement `ClientHooks` for `Client` (header and path
        // checks, error capture); forgetting it is a compile error instead of silently skipping
        // them.
        .with_hooks(HooksMode::Expected)
        // Per-client state the hooks read, built by `ClientBuilder`.
        .with_inner_type(quote!(crate::ClientState))
        // Decoded values can be compared, in tests and in user code.
        .with_derive("PartialEq");
    settings
}

/// Runs progenitor on the normalized spec, with the crate's own types in place of those the
/// rules replaced. `file` names the spec in errors.
///
/// # Errors
///
/// [`Error::Generate`]. When the whole spec fails, the components and then each operation are
/// generated alone to name the culprits: `in components: …` or `operation X (METHOD /path): …`
/// (a generator panic reads `… the generator panicked: <message>`).
pub fn generate(
    file: &str,
    spec: &OpenAPI,
    native: &[NativeType],
) -> Result<proc_macro2::TokenStream, Error> {
    generate_tokens(spec, native).map_err(|whole| Error::Generate {
        file: file.to_owned(),
        culprits: culprits(spec, native).unwrap_or_else(|| vec![whole]),
    })
}

/// Why each part of the spec fails alone, or `None` if none does (then only the whole fails).
fn culprits(spec: &OpenAPI, native: &[NativeType]) -> Option<Vec<String>> {
    if let Err(error) = generate_tokens(&keep_operations(spec, |_, _| false), native) {
        return Some(vec![format!("in components: {error}")]);
    }
    let culprits: Vec<String> = operations(spec)
        .filter_map(|(path, method, op)| {
            let alone = keep_operations(spec, |p, m| p == path && m == method);
            let error = generate_tokens(&alone, native).err()?;
            let id = op.operation_id.as_deref().unwrap_or("(no operationId)");
            Some(format!("operation {id} ({} {path}): {error}", method.to_uppercase()))
        })
        .collect();
    (!culprits.is_empty()).then_some(culprits)
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
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_spec;
    use crate::test_support::tiny_spec;

    #[test]
    fn generator_panics_become_errors_that_name_the_operation() {
        // A reference to a parameter that does not exist makes progenitor panic ("key … is
        // missing").
        let text = tiny_spec(
            "  /things/{id}:
    delete:
      operationId: DeleteThing
      parameters:
      - $ref: '#/components/parameters/Missing'
      responses:
        '200': {description: ok}",
        );
        let spec = load_spec("spec.yaml", &text).unwrap();
        let Err(Error::Generate { file, culprits }) = generate("spec.yaml", &spec, &[]) else {
            panic!("expected a generation error");
        };
        assert_eq!(file, "spec.yaml");
        assert_eq!(culprits.len(), 1, "{culprits:?}");
        assert!(
            culprits[0].starts_with(
                "operation DeleteThing (DELETE /things/{id}): the generator panicked: "
            ),
            "{culprits:?}"
        );
        assert!(culprits[0].contains("Missing"), "{culprits:?}");
    }

    #[test]
    fn quietly_returns_the_panic_message() {
        assert_eq!(quietly(|| 7), Ok(7));
        let formatted = quietly(|| -> u8 { panic!("at {}", 3) });
        assert_eq!(formatted, Err("at 3".to_owned()));
        let literal = quietly(|| -> u8 { panic!("plain") });
        assert_eq!(literal, Err("plain".to_owned()));
    }
}
