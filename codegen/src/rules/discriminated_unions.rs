//! Rule `discriminated_unions`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::names::pascal;
use crate::schema_walk::{description, hoist};
use crate::{Error, NativeType, UnionVariant};

/// Rule: a `oneOf` of references with a `discriminator` becomes a union decoded by `object`, else
/// `strategy` (the client's `discriminated_union!`), with an `Unknown` variant that keeps anything
/// else. typify ignores discriminators and takes the first variant that fits, and fails the user
/// when none does, as with minimal or future verifications (fact sheet hazard 5).
///
/// # Errors
///
/// [`Error::Normalize`] when the name a hoisted union needs is already a component's.
pub fn discriminated_unions(doc: &mut Value) -> Result<Vec<NativeType>, Error> {
    let schemas = doc.pointer("/components/schemas").cloned().unwrap_or_default();
    hoist(
        doc,
        |schema, property| union_of(schema, property, &schemas),
        |name, schema, (discriminator, variants, accessors)| NativeType::Union {
            name: name.to_owned(),
            doc: description(schema, &format!("`{name}`")),
            discriminator,
            variants,
            accessors,
        },
    )
}

/// The discriminator, variants and accessors of a `oneOf` + `discriminator` schema found under
/// `property`, or `None` if it is not one.
fn union_of(
    schema: &Map<String, Value>,
    property: &str,
    schemas: &Value,
) -> Option<(String, Vec<UnionVariant>, Vec<String>)> {
    let discriminator = schema.get("discriminator")?;
    let property_name = discriminator.get("propertyName")?.as_str()?.to_owned();
    let mapping = discriminator.get("mapping").and_then(Value::as_object);
    let refs: Option<Vec<&str>> = schema
        .get("oneOf")?
        .as_array()?
        .iter()
        .map(|branch| branch.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/"))
        .collect();
    let refs = refs?;
    // `verification: oneOf [verification_otp, ...]`: the variants are `Otp`, ...
    let strip = format!("{property}_");
    let all_prefixed = refs.iter().all(|r| r.starts_with(&strip) && r.len() > strip.len());
    let variants = refs
        .iter()
        .map(|target| {
            let ident = if all_prefixed { pascal(&target[strip.len()..]) } else { pascal(target) };
            variant(target, ident, mapping, schemas)
        })
        .collect();
    // The discriminator has its own accessor.
    let accessors: Vec<String> = common_string_fields(&refs, schemas)
        .into_iter()
        .filter(|field| *field != property_name)
        .collect();
    Some((property_name, variants, accessors))
}

/// The union variant for the component `target`: its `object` value from the discriminator's
/// mapping (else its name), and the `strategy` values and prefixes that identify it.
fn variant(
    target: &str,
    ident: String,
    mapping: Option<&Map<String, Value>>,
    schemas: &Value,
) -> UnionVariant {
    let reference = format!("#/components/schemas/{target}");
    let object = mapping
        .and_then(|m| m.iter().find(|(_, to)| to.as_str() == Some(&reference)))
        .map(|(from, _)| from.clone())
        .unwrap_or_else(|| target.to_string());
    let strategy = schemas.get(target).and_then(|v| v.pointer("/properties/strategy"));
    let strategies = strategy
        .and_then(|s| s.get("enum")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let prefixes = strategy
        .and_then(|s| s.get("pattern")?.as_str())
        .and_then(literal_prefix)
        .into_iter()
        .collect();
    UnionVariant { ident, ty: pascal(target), object, strategies, prefixes }
}

/// `oauth_` for `^oauth_(?:…)`: the literal start of an anchored pattern, if it has one.
fn literal_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    // `^a|b` is "starts with a, or contains b": no common prefix.
    let mut depth = 0i32;
    for c in rest.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => return None,
            _ => {}
        }
    }
    let mut prefix: String =
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
    // `^ab?c`: the `b` is optional, so only `a` is certain.
    if rest[prefix.len()..].starts_with(['?', '*', '{']) {
        prefix.pop();
    }
    (!prefix.is_empty()).then_some(prefix)
}

/// String properties every variant requires (`status`, `strategy`), for union accessors.
fn common_string_fields(refs: &[&str], schemas: &Value) -> Vec<String> {
    let required_strings = |target: &str| -> BTreeSet<String> {
        let Some(schema) = schemas.get(target) else {
            return BTreeSet::new();
        };
        let required =
            schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| {
                schema.pointer(&format!("/properties/{name}/type")) == Some(&json!("string"))
            })
            .map(str::to_owned)
            .collect()
    };
    let mut common = refs.first().map(|r| required_strings(r)).unwrap_or_default();
    for target in refs.iter().skip(1) {
        common = common.intersection(&required_strings(target)).cloned().collect();
    }
    common.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::our_spec;
    use crate::{load_spec, normalize};

    #[test]
    fn rule_discriminated_unions_reads_objects_strategies_and_prefixes() {
        let mut spec = load_spec("ours", &our_spec()).unwrap();
        let normalized = normalize(&mut spec).unwrap();
        let (variants, accessors) = normalized
            .native
            .iter()
            .find_map(|n| match n {
                NativeType::Union { name, variants, accessors, .. }
                    if name == "EmailAddressVerification" =>
                {
                    Some((variants.clone(), accessors.clone()))
                }
                _ => None,
            })
            .unwrap();
        let summary: Vec<(&str, &str, usize, Vec<String>)> = variants
            .iter()
            .map(|v| (v.ident.as_str(), v.object.as_str(), v.strategies.len(), v.prefixes.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Otp", "verification_otp", 3, vec![]),
                ("Admin", "verification_admin", 1, vec![]),
                ("FromOauth", "verification_from_oauth", 0, vec!["from_oauth_".to_owned()]),
                ("Ticket", "verification_ticket", 1, vec![]),
                ("Saml", "verification_saml", 1, vec![]),
                ("EmailLink", "verification_email_link", 1, vec![]),
                ("Scim", "verification_scim", 1, vec![]),
            ]
        );
        assert_eq!(accessors, ["status", "strategy"]);
        let unions =
            normalized.native.iter().filter(|n| matches!(n, NativeType::Union { .. })).count();
        assert_eq!(unions, 7, "every verification union of the spec");
    }

    #[test]
    fn literal_prefix_is_what_every_match_starts_with() {
        assert_eq!(literal_prefix("^oauth_(?:token_|custom_)?[a-z]+$").as_deref(), Some("oauth_"));
        assert_eq!(literal_prefix("^from_oauth_[a-z]+$").as_deref(), Some("from_oauth_"));
        assert_eq!(literal_prefix("^abc?d").as_deref(), Some("ab"));
        assert_eq!(literal_prefix("^a|b"), None);
        assert_eq!(literal_prefix("oauth_"), None, "not anchored");
        assert_eq!(literal_prefix("^[a-z]+$"), None);
    }
}
