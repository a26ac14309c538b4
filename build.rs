//! Generates the Clerk Users client from `openapi/clerk-users.yaml` at compile time, with the
//! `clerk-users-codegen` crate (the pipeline and its rules live and are tested there).
//!
//! The output is `$OUT_DIR/codegen.rs`, included by `src/lib.rs` in its `generated` module. Set
//! `CLERK_USERS_SPEC=/path/to/spec.yaml` to generate from another file (CI uses this to prove
//! Clerk's own published spec goes through the same pipeline).

use std::path::PathBuf;

use clerk_users_codegen::{DEFAULT_SPEC, SPEC_ENV, codegen_file};

fn main() {
    if let Err(message) = run() {
        // One plain line and a failed build: a panic would add a backtrace that says nothing
        // about the spec.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = env_var("CARGO_MANIFEST_DIR")?;
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    let spec = match std::env::var_os(SPEC_ENV) {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(manifest_dir).join(DEFAULT_SPEC),
    };
    println!("cargo:rerun-if-changed={}", spec.display());

    let output = codegen_file(&spec).map_err(|e| e.to_string())?;
    for warning in &output.warnings {
        println!("cargo:warning={warning}");
    }
    let target = out_dir.join("codegen.rs");
    std::fs::write(&target, output.code)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))
}

fn env_var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set; build.rs must be run by cargo"))
}
