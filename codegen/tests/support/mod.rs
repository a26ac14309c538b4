//! The repository's two specs, read from the client crate's root.

use std::path::PathBuf;

/// A file of the client crate (the workspace root), by its path there.
fn root_file(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `openapi/clerk-users.yaml`, the spec the client is generated from.
pub fn our_spec() -> String {
    root_file("openapi/clerk-users.yaml")
}

/// Clerk's published spec, unedited (the Users subset), kept for comparison.
#[allow(dead_code)] // Not every test file compares with Clerk's.
pub fn clerks_spec() -> String {
    root_file("tests/upstream/clerk-bapi-2026-05-12-users.yaml")
}
