//! What a command can fail with, and the exit code each gives.

/// A failed command: printed on one line to stderr, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or setup (no key and no `--demo`): exit 2.
    #[error("{0}")]
    Usage(String),
    /// Clerk (or the fake) answered an error, or a request failed: exit 1. The message has the
    /// request, status, Clerk's code and the trace id, and never the key.
    #[error(transparent)]
    Clerk(#[from] clerk_users::Error),
    /// A walk stopped on an error: exit 1.
    #[error(transparent)]
    Walk(#[from] clerk_users::WalkError),
    /// A file could not be read or written: exit 1.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Anything else that failed, said in one line: exit 1.
    #[error("{0}")]
    Failed(String),
    /// Stopped by Ctrl-C: exit 130. `next` says how to continue, when the command can.
    #[error("interrupted{}", next.as_deref().map(|n| format!("; {n}")).unwrap_or_default())]
    Interrupted {
        /// How to continue, e.g. the same command with `--resume`.
        next: Option<String>,
    },
}

impl CliError {
    /// The process exit code: 0 done, 1 failed, 2 usage, 130 interrupted.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Interrupted { .. } => 130,
            _ => 1,
        }
    }

    /// A file error for `path`.
    pub fn file(path: &std::path::Path, source: std::io::Error) -> CliError {
        CliError::File { path: path.display().to_string(), source }
    }
}
