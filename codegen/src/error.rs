//! The pipeline's error: one readable line for the build log (one per culprit operation when
//! progenitor fails on several), no backtrace.

use std::path::PathBuf;

/// Why the client could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec file cannot be read.
    #[error("cannot read the OpenAPI spec {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not YAML, or not an OpenAPI 3.0 document.
    #[error(
        "{file}{}: not a valid OpenAPI 3.0 document: {message}",
        location.map(|at| format!(":{}:{}", at.line, at.column)).unwrap_or_default()
    )]
    Load {
        /// The file, as the caller named it.
        file: String,
        /// Where in the file, when the parser knows.
        location: Option<Location>,
        /// The parser's message, without its location.
        message: String,
    },
    /// A normalization rule cannot apply to this spec (a name it needs is taken, a schema it
    /// needs is missing).
    #[error("{0}")]
    Normalize(String),
    /// progenitor failed or panicked; each culprit names an operation (or the components).
    #[error("cannot generate the client from {file}: {}", culprits.join("\n"))]
    Generate {
        /// The file, as the caller named it.
        file: String,
        /// One line per failing operation: `operation X (METHOD /path): reason`.
        culprits: Vec<String>,
    },
    /// progenitor's output no longer has the shape one of the [`finish`](mod@crate::finish) edits
    /// expects (after a progenitor upgrade, say).
    #[error("unexpected generator output: {0}; update clerk-users-codegen's finish edits")]
    Finish(String),
}

/// A position in the spec file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The line.
    pub line: usize,
    /// The column.
    pub column: usize,
}
