//! Rule `accept_unknown_fields`.

use serde_json::Value;

use crate::schema_walk::{Side, for_each_schema};

/// Rule: `additionalProperties: false` is dropped from every schema of a response, so a field
/// Clerk adds does not fail decoding (typify turns it into `deny_unknown_fields`; fact sheet
/// hazard 3). Request bodies keep it: it documents what Clerk accepts, and only matters when a
/// body is decoded (as a test server does).
pub fn accept_unknown_fields(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side == Side::Response && schema.get("additionalProperties") == Some(&Value::Bool(false))
        {
            schema.remove("additionalProperties");
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::test_support::{body_schema, normalized_thing};

    #[test]
    fn rule_accept_unknown_fields_relaxes_responses_only() {
        let (spec, _) = normalized_thing(
            "{type: object, additionalProperties: false, properties: {a: {type: string}}}",
            "{type: object, additionalProperties: false, properties: {b: {type: string}}}",
            false,
        );
        assert!(spec["components"]["schemas"]["Thing"].get("additionalProperties").is_none());
        assert_eq!(body_schema(&spec)["additionalProperties"], false);
    }
}
