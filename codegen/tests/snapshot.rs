//! The golden snapshot of the client generated from `openapi/clerk-users.yaml`: a progenitor
//! upgrade or a rule change shows up here as a reviewable diff (`cargo insta review`).

use std::path::PathBuf;

#[test]
fn generated_client() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/clerk-users.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let output = clerk_users_codegen::codegen("openapi/clerk-users.yaml", &text)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    insta::assert_snapshot!(output.code);
}
