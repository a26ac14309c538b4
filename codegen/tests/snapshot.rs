//! The golden snapshot of the client generated from `openapi/clerk-users.yaml`: a progenitor
//! upgrade or a rule change shows up here as a reviewable diff (`cargo insta review`).

mod support;

#[test]
fn generated_client() {
    let output = clerk_users_codegen::codegen("openapi/clerk-users.yaml", &support::our_spec())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    insta::assert_snapshot!(output.code);
}
