//! Rule `absent_means_none`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::always_written::written_even_when_empty;
use crate::NativeType;
use crate::names::pascal;
use crate::rules::ERROR_SCHEMA;
use crate::schema_walk::{Side, for_each_schema, schema_refs};

/// The fields this rule leaves required besides every object's `id` and the fields a union's
/// accessors read: `(schema, property)`. Each is one the client itself reads as a plain value
/// (the pagination walks: a user's `created_at` bounds the concurrent walk, an OAuth token is
/// resumed after by its `external_account_id`, a count is the whole answer of `get_users_count`).
pub const STILL_REQUIRED: &[(&str, &str)] = &[
    ("User", "created_at"),
    ("OAuthAccessTokenItem", "external_account_id"),
    ("TotalCount", "total_count"),
];

/// Rule: in response objects, a required property that is neither nullable, an array nor a
/// free-form map (those are [`always_written`](super::always_written) and `missing_means_empty`'s)
/// is no longer required, so typify makes it an `Option` that is `None` when the key is absent
/// and is left out again when serialized (`skip_serializing_if = "Option::is_none"`).
///
/// Why: objects from older API versions and stored exports lack fields the spec requires today
/// (an email address without `created_at`, an OAuth token without `provider_user_id`, an
/// organization with only its `id`), and one of them would otherwise fail the whole response.
/// `None` says "not sent" without inventing a value (a `false` default would be wrong for flags
/// Clerk defaults to `true`, such as `delete_self_enabled`, and a `0` timestamp would be a date),
/// and leaving it out again keeps the round trip exact. Timestamps in seconds, from older
/// objects, need nothing: they are integers like today's milliseconds and are kept as sent (no
/// unit is guessed).
///
/// What stays required, the short list:
///
/// - every object's `id`;
/// - [`STILL_REQUIRED`]: `User.created_at`, the OAuth token's `external_account_id`,
///   `TotalCount.total_count`;
/// - in the variants of a `oneOf` + `discriminator` union, the string fields every variant
///   requires, which its accessors read (`status` and `strategy` of every verification): a
///   verification without them does not decode as its variant and is kept whole as the union's
///   `Unknown(raw JSON)` (see `discriminated_unions`), so the object holding it still decodes;
/// - the error schema ([`ERROR_SCHEMA`]) and what it uses: the crate decodes error bodies itself
///   and puts `""` in place of a missing `code`, `message` or `long_message`.
///
/// A `null` in such a field is still not accepted, as before the rule (the spec does not allow
/// it): decoded as `None` it would be written back absent, and the round trip of a field that was
/// present would not be exact. The rule returns the fields it relaxed, as `(generated type, JSON
/// name)`, and [`finish::reject_null_in_absent_means_none_fields`] has them decode a present value
/// as the type itself (a `null` fails it; inside a union the payload is then kept whole as
/// `Unknown`).
///
/// `native` is what the rules before it made (the unions of `discriminated_unions`, whose variants
/// and accessors it reads).
///
/// [`finish::reject_null_in_absent_means_none_fields`]:
///     crate::finish::reject_null_in_absent_means_none_fields
pub fn absent_means_none(doc: &mut Value, native: &[NativeType]) -> BTreeSet<(String, String)> {
    let errors = error_schemas(doc);
    let unions = union_variant_fields(doc, native);
    let mut relaxed = BTreeSet::new();
    for_each_schema(doc, &mut |schema, name, side| {
        let component = name.split('.').next().unwrap_or_default();
        if side != Side::Response || errors.contains(component) {
            return;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let keeps = |field: &str| {
            field == "id"
                || STILL_REQUIRED.contains(&(name, field))
                || unions.get(name).is_some_and(|fields| fields.contains(field))
                // Not a property: nothing to make optional.
                || properties.get(field).is_none_or(written_even_when_empty)
        };
        let (kept, dropped): (Vec<Value>, Vec<Value>) = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .cloned()
            .partition(|field| field.as_str().is_none_or(keeps));
        if dropped.is_empty() {
            return;
        }
        // The name typify gives the schema's type (`verification_otp` is `VerificationOtp`).
        let type_name = pascal(&name.replace('.', "_"));
        relaxed.extend(
            dropped.iter().filter_map(Value::as_str).map(|f| (type_name.clone(), f.to_owned())),
        );
        if kept.is_empty() {
            schema.remove("required");
        } else {
            schema.insert("required".to_owned(), Value::Array(kept));
        }
    });
    relaxed
}

/// The error schema and every schema it reaches.
fn error_schemas(doc: &Value) -> BTreeSet<String> {
    let schemas = doc.pointer("/components/schemas");
    let mut reached = BTreeSet::new();
    let mut pending = vec![ERROR_SCHEMA.to_owned()];
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone())
            && let Some(schema) = schemas.and_then(|s| s.get(&name))
        {
            pending.extend(schema_refs(schema));
        }
    }
    reached
}

/// For each component that is a variant of a union (`discriminated_unions`), the fields the
/// union's accessors read.
fn union_variant_fields(doc: &Value, native: &[NativeType]) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_type: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for kind in native {
        if let NativeType::Union { variants, accessors, .. } = kind {
            for variant in variants {
                by_type.entry(&variant.ty).or_default().extend(accessors.iter().cloned());
            }
        }
    }
    // A variant names the type generated from its component: `verification_otp` is
    // `VerificationOtp`.
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .filter_map(|name| Some((name.clone(), by_type.get(pascal(name).as_str())?.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::{body_schema, get_thing, normalized_thing, our_spec};
    use crate::{codegen, load_spec, normalize};

    #[test]
    fn rule_absent_means_none_keeps_ids_nullables_arrays_and_maps_required() {
        let (spec, _) = normalized_thing(
            "{type: object, required: [id, name, active, created_at, gone_at, tags, meta, owner], properties: {
              id: {type: string}, name: {type: string}, active: {type: boolean},
              created_at: {type: integer}, gone_at: {type: integer, nullable: true},
              tags: {type: array, items: {type: string}}, meta: {type: object, additionalProperties: true},
              owner: {type: object, nullable: false, allOf: [{$ref: '#/components/schemas/Unused'}]}}}",
            "{type: object, required: [name], properties: {name: {type: string}}}",
            false,
        );
        assert_eq!(
            spec["components"]["schemas"]["Thing"]["required"],
            json!(["id", "gone_at", "tags", "meta"])
        );
        assert_eq!(body_schema(&spec)["required"], json!(["name"]), "requests keep theirs");
    }

    #[test]
    fn rule_absent_means_none_makes_options_written_only_when_present_and_never_null() {
        let text = get_thing(
            "
                type: object
                required: [id, created_at]
                properties:
                  id: {type: string}
                  created_at: {type: integer}",
        );
        let code: String = codegen("tiny", &text).unwrap().code.split_whitespace().collect();
        assert!(
            code.contains(
                "#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]#[serde(default,deserialize_with=\"crate::absent_means_none::present\")]pubcreated_at:::std::option::Option<i64>,"
            ),
            "{code}"
        );
        assert!(code.contains("pubid:::std::string::String,"), "{code}");
    }

    #[test]
    fn rule_absent_means_none_leaves_the_short_list_required_in_our_spec() {
        let mut spec = load_spec("ours", &our_spec()).unwrap();
        normalize(&mut spec).unwrap();
        let doc = serde_json::to_value(&spec).unwrap();
        // The required fields that are not `None`/`[]`/`{}` when missing (nullables, arrays and
        // maps are `always_written`'s).
        let required = |schema: &str| -> Vec<String> {
            let schema = &doc["components"]["schemas"][schema];
            schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str())
                .filter(|f| !super::written_even_when_empty(&schema["properties"][*f]))
                .map(str::to_owned)
                .collect()
        };
        let none: [&str; 0] = [];
        assert_eq!(required("User"), ["id", "created_at"]);
        for schema in [
            "ExternalAccountWithVerification",
            "SAMLAccount",
            "SAMLAccountConnection",
            "EnterpriseAccount",
            "EnterpriseAccountConnection",
            "Organization",
            "OrganizationMembership",
            "IdentificationLink",
        ] {
            assert_eq!(required(schema), ["id"], "{schema}");
        }
        for schema in [
            "EmailAddress",
            "PhoneNumber",
            "Web3Wallet",
            "Passkey",
            "OrganizationMembershipPublicUserData",
            "SCIMUserMetadata",
            "DeletedObject",
            "OrganizationMemberships",
        ] {
            assert_eq!(required(schema), none, "{schema}");
        }
        for verification in ["verification_otp", "verification_oauth", "verification_ticket"] {
            assert_eq!(required(verification), ["status", "strategy"], "{verification}");
        }
        assert_eq!(required("OAuthAccessTokenItem"), ["external_account_id"]);
        assert_eq!(required("TotalCount"), ["total_count"]);
        assert_eq!(required("ClerkError"), ["message", "long_message", "code"]);
    }
}
