//! Step 1: the spec's text into an OpenAPI document.

use openapiv3::OpenAPI;

use crate::generate::quietly;
use crate::{Error, Location};

/// Parses the spec, reporting YAML and OpenAPI shape errors with their line and column.
///
/// # Errors
///
/// [`Error::Load`] with the location serde_yaml reports, when it reports one. Some shapes make
/// openapiv3's deserializer panic (a `parameters` that is not a list); that is an error without a
/// location, not a panic.
pub fn load_spec(file: &str, text: &str) -> Result<OpenAPI, Error> {
    let parsed = quietly(|| serde_yaml::from_str(text)).map_err(|panic| Error::Load {
        file: file.to_owned(),
        location: None,
        message: format!("the OpenAPI parser gave up: {panic}"),
    })?;
    parsed.map_err(|e| {
        let location = e.location().map(|at| Location { line: at.line(), column: at.column() });
        let mut message = e.to_string();
        if let Some(at) = location {
            // serde_yaml ends its message with the location, which leads instead.
            let suffix = format!(" at line {} column {}", at.line, at.column);
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_owned();
            }
        }
        Error::Load { file: file.to_owned(), location, message }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{our_spec, tiny_spec};

    #[test]
    fn yaml_syntax_errors_name_the_file_and_line() {
        let text = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a: [unclosed\n";
        let error = load_spec("openapi/broken.yaml", text).unwrap_err();
        assert!(
            matches!(error, Error::Load { location: Some(Location { line: 5, column: 1 }), .. }),
            "{error:?}"
        );
        let error = error.to_string();
        assert!(error.starts_with("openapi/broken.yaml:5:1: "), "{error}");
        assert!(error.contains("did not find expected ',' or ']'"), "{error}");
    }

    #[test]
    fn openapi_shape_errors_name_the_file_and_line() {
        let text = tiny_spec(
            "  /things:
    get:
      operationId: ListThings
      responses: 42",
        );
        let error = load_spec("spec.yaml", &text).unwrap_err();
        // serde_yaml locates errors inside `paths` (a flattened map) at the map itself.
        assert_eq!(
            error.to_string(),
            "spec.yaml:4:3: not a valid OpenAPI 3.0 document: paths: invalid type: integer `42`, \
             expected struct Responses"
        );
    }

    #[test]
    fn parser_panics_are_errors_that_name_the_file() {
        // In our spec (not in a tiny one) this makes openapiv3 panic: "somehow this parsed
        // successfully the second time".
        let text = our_spec().replacen(
            "operationId: GetUser\n",
            "operationId: GetUser\n      parameters: 42\n",
            1,
        );
        let error = load_spec("spec.yaml", &text).unwrap_err().to_string();
        assert!(
            error.starts_with(
                "spec.yaml: not a valid OpenAPI 3.0 document: the OpenAPI parser gave up: "
            ),
            "{error}"
        );
        assert!(!error.contains('\n'), "{error}");
    }
}
