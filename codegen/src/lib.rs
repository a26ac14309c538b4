//! The code generator behind `clerk-users`: Clerk's Users OpenAPI spec in, the Rust source of the
//! typed client out.
//!
//! The pipeline is four steps, each a module:
//!
//! 1. [`load_spec`] parses the YAML into an OpenAPI document (errors name the file, line and
//!    column).
//! 2. [`normalize`](mod@normalize) applies, in order, the [`rules`] by which the spec handed to progenitor departs
//!    from the checked-in spec. Each rule is a module saying which generator limitation it works
//!    around; the checked-in spec keeps Clerk's facts untouched.
//! 3. [`generate`](mod@generate) runs progenitor (errors and generator panics name the operation).
//! 4. [`finish`](mod@finish) edits progenitor's output and renders it with prettyplease. Every edit to the
//!    generated code is applied there, in order; the larger ones have modules of their own
//!    ([`setters`], [`builder_names`], [`short_arrays`]).
//!
//! [`codegen`] runs them all on a spec's text, [`codegen_file`] on a file; the client's `build.rs`
//! calls the latter and writes the result to `$OUT_DIR/codegen.rs`, which `src/lib.rs` includes in
//! its `generated` module. The generated code therefore names items of the client crate
//! (`crate::Error`, `crate::types`, `crate::ClientState`, `crate::path::encode_path`): it only
//! compiles there.

// Document ALL THE THINGS: this crate's API is what build.rs and the tests read.
#![deny(missing_docs)]
// Nothing here needs it.
#![forbid(unsafe_code)]
#![warn(unreachable_pub, rust_2018_idioms)]

use std::path::Path;

pub mod builder_names;
mod error;
pub mod finish;
pub mod generate;
pub mod load;
pub mod names;
pub mod native_type;
pub mod normalize;
pub mod operations;
mod parameters_twin;
pub mod rules;
pub mod schema_walk;
pub mod setters;
pub mod short_arrays;
#[cfg(test)]
mod test_support;

pub use error::{Error, Location};
pub use finish::finish;
pub use generate::generate;
pub use load::load_spec;
pub use native_type::{NativeType, UnionVariant};
pub use normalize::{Normalized, Route, normalize};

/// The client's spec file, relative to the client crate's root.
pub const DEFAULT_SPEC: &str = "openapi/clerk-users.yaml";

/// Environment variable that points the client's build at another spec file.
pub const SPEC_ENV: &str = "CLERK_USERS_SPEC";

/// What the pipeline produces: the source of `codegen.rs` and warnings for the build log.
#[derive(Debug)]
pub struct Codegen {
    /// The formatted Rust source.
    pub code: String,
    /// Things the user should know, such as operations left out of the client.
    pub warnings: Vec<String>,
}

/// Runs the whole pipeline on the text of a spec; `file` names it in error messages.
///
/// # Errors
///
/// Returns the first step's error: [`Error::Load`] for YAML and OpenAPI shape errors (with line and
/// column), [`Error::Normalize`] when a rule cannot apply, [`Error::Generate`] naming each
/// operation progenitor fails or panics on, [`Error::Finish`] when progenitor's output no longer has
/// the shape an edit expects.
pub fn codegen(file: &str, text: &str) -> Result<Codegen, Error> {
    let mut spec = load_spec(file, text)?;
    let normalized = normalize(&mut spec)?;
    let tokens = generate(file, &spec, &normalized.native)?;
    let code = generate::quietly(|| finish(tokens, &normalized))
        .map_err(|panic| Error::Finish(format!("an edit panicked: {panic}")))??;
    Ok(Codegen { code, warnings: normalized.warnings })
}

/// Reads the spec at `path` and runs [`codegen`] on it, naming the file as `path` shows it.
///
/// # Errors
///
/// [`Error::Read`] when the file cannot be read, then those of [`codegen`].
pub fn codegen_file(path: &Path) -> Result<Codegen, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::Read { path: path.to_owned(), source })?;
    codegen(&path.display().to_string(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_spec;

    #[test]
    fn generation_errors_name_the_file_and_the_operation() {
        let text = tiny_spec(
            "  /things:
    get:
      operationId: ListThings
      responses:
        '200': {description: ok}
  /things/{id}:
    get:
      operationId: GetThing
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: session, in: cookie, schema: {type: string}}
      responses:
        '200': {description: ok}",
        );
        let error = codegen("spec.yaml", &text).unwrap_err().to_string();
        assert!(error.starts_with("cannot generate the client from spec.yaml: "), "{error}");
        assert!(error.contains("operation GetThing (GET /things/{id}): "), "{error}");
        assert!(!error.contains("ListThings"), "{error}");
    }

    #[test]
    fn yaml_syntax_errors_fail_the_whole_pipeline_in_one_line() {
        let text = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a: [unclosed\n";
        let error = codegen("openapi/broken.yaml", text).unwrap_err().to_string();
        assert!(error.starts_with("openapi/broken.yaml:5:1: "), "{error}");
        assert!(error.contains("did not find expected ',' or ']'"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    /// What the client's build.rs prints after `error: ` for a broken spec file.
    #[test]
    fn a_broken_spec_file_is_one_line_naming_file_line_and_column() {
        let path =
            std::env::temp_dir().join(format!("clerk-users-broken-{}.yaml", std::process::id()));
        let text =
            crate::test_support::our_spec().replacen("openapi: 3.0.3", "openapi: [3.0.3]", 1);
        // The spec starts with comments: the line of the `openapi` key, 1-based.
        let line = text.lines().position(|l| l.starts_with("openapi:")).unwrap() + 1;
        std::fs::write(&path, text).unwrap();
        let error = codegen_file(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        let expected = format!(
            "{}:{line}:10: not a valid OpenAPI 3.0 document: openapi: invalid type: sequence",
            path.display()
        );
        assert!(error.starts_with(&expected), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn unreadable_files_are_named() {
        let path = Path::new("/nonexistent/clerk-users.yaml");
        let error = codegen_file(path).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot read the OpenAPI spec /nonexistent/clerk-users.yaml: "),
            "{error}"
        );
    }
}
