//! Rule `decode_errors_in_the_crate`.

use openapiv3::{OpenAPI, StatusCode};

use crate::Error;
use crate::operations::operations_mut;

/// The error schema the crate decodes every 4xx/5xx body into.
pub const ERROR_SCHEMA: &str = "ClerkErrors";

/// Rule: error responses are removed from every operation, so every 4xx/5xx reaches the crate's
/// hooks and error type undecoded, and is decoded there as [`ERROR_SCHEMA`] whatever its status.
///
/// Why: progenitor decodes only the statuses an operation declares, and leaves the rest (429 and
/// 5xx on every operation) as raw responses with unread bodies (fact sheet hazard 10). Where an
/// operation declares body-less errors next to `ClerkErrors` ones (verify_password and
/// verify_totp), it even panics (hazard 2). And a non-JSON error body declared as JSON would lose
/// its status. Clerk's error catalogue sends `ClerkErrors` for every error, so one decoder in
/// the client's `src/error.rs` serves all operations.
///
/// # Errors
///
/// [`Error::Normalize`] when the spec has no [`ERROR_SCHEMA`] to decode errors into.
pub fn decode_errors_in_the_crate(spec: &mut OpenAPI) -> Result<(), Error> {
    let has_error_schema =
        spec.components.as_ref().is_some_and(|c| c.schemas.contains_key(ERROR_SCHEMA));
    if !has_error_schema {
        return Err(Error::Normalize(format!(
            "the spec has no components.schemas.{ERROR_SCHEMA}; the crate decodes every error \
             response into it"
        )));
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

#[cfg(test)]
mod tests {
    use crate::operations::operations;
    use crate::test_support::our_spec;
    use crate::{generate, load_spec, normalize};

    #[test]
    fn error_responses_are_removed_so_the_crate_decodes_them() {
        let mut spec = load_spec("ours", &our_spec()).unwrap();
        let normalized = normalize(&mut spec).unwrap();
        for (path, method, op) in operations(&spec) {
            let statuses: Vec<String> =
                op.responses.responses.keys().map(|s| s.to_string()).collect();
            assert_eq!(statuses, ["200"], "{method} {path}");
            assert!(op.responses.default.is_none());
        }
        // verify_password mixed body-less and ClerkErrors errors, which made progenitor panic.
        assert!(generate("ours", &spec, &normalized.native).is_ok());

        let mut without_error_schema =
            load_spec("tiny", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
                .unwrap();
        let error = normalize(&mut without_error_schema).unwrap_err().to_string();
        assert!(error.contains("components.schemas.ClerkErrors"), "{error}");
    }
}
