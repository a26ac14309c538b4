//! The names progenitor and typify derive from the spec, computed the same way so the rules and
//! the finish edits can find what the generator made.

use std::collections::BTreeSet;

use quote::format_ident;

/// The operation name progenitor puts into `OperationInfo::operation_id` (its snake-case
/// sanitizer applied to the spec's `operationId`).
pub fn hook_name(operation_id: &str) -> String {
    sanitize(operation_id, heck::ToSnakeCase::to_snake_case)
}

/// typify's PascalCase for type names (heck, after replacing characters that cannot be in one).
pub fn pascal(name: &str) -> String {
    sanitize(name, heck::ToPascalCase::to_pascal_case)
}

/// progenitor's and typify's `sanitize`: characters that cannot be in an identifier become word
/// breaks, then the case conversion; a leading non-letter gets `_`, a keyword a trailing `_`.
pub fn sanitize(input: &str, case: fn(&str) -> String) -> String {
    let cleaned =
        input.replace('\'', "").replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let mut out = case(&cleaned);
    if out.is_empty() {
        out = case("x");
    }
    if !out.starts_with(|c: char| c.is_alphabetic()) {
        out.insert(0, '_');
    }
    match syn::parse_str::<syn::Ident>(&out) {
        Ok(_) => out,
        Err(_) => format!("{out}_"),
    }
}

/// Enum variant names for wire values: PascalCase, made unique, never `Unknown` (the catch-all
/// of the crate's open enums) nor `Self`.
pub fn variant_idents(values: &[String]) -> Vec<syn::Ident> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .map(|value| {
            let mut ident = pascal(value);
            if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
                ident = format!("V{ident}");
            }
            if ident == "Unknown" || ident == "Self" {
                ident.push_str("Value");
            }
            let base = ident.clone();
            let mut n = 2;
            while !taken.insert(ident.clone()) {
                ident = format!("{base}{n}");
                n += 1;
            }
            format_ident!("{ident}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_names_are_progenitors_snake_case() {
        assert_eq!(hook_name("GetOAuthAccessToken"), "get_o_auth_access_token");
        assert_eq!(
            hook_name("UsersGetOrganizationMemberships"),
            "users_get_organization_memberships"
        );
        assert_eq!(hook_name("VerifyTOTP"), "verify_totp");
    }

    #[test]
    fn sanitize_makes_identifiers() {
        assert_eq!(pascal("verification_otp.status"), "VerificationOtpStatus");
        assert_eq!(pascal("2fa"), "_2fa");
        assert_eq!(hook_name("type"), "type_");
    }

    #[test]
    fn variant_idents_are_unique_and_never_the_catch_all() {
        let values = ["a_b", "a-b", "unknown", "self", "2fa", ""].map(str::to_owned);
        let idents: Vec<String> = variant_idents(&values).iter().map(|i| i.to_string()).collect();
        assert_eq!(idents, ["AB", "AB2", "UnknownValue", "Self_", "_2fa", "X"]);
    }
}
