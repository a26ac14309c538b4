//! Rule `unchecked_patterns`.

use serde_json::Value;

use crate::schema_walk::{Side, for_each_schema};

/// Rule: `pattern` is dropped from response strings. typify checks it when decoding, and Clerk's
/// patterns are narrower than its data: `^oauth_[a-z]+$` rejects the real `oauth_linkedin_oidc`
/// and every `oauth_custom_<name>` with a digit (fact sheet hazard 6). Requests keep theirs.
pub fn unchecked_patterns(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side == Side::Response {
            schema.remove("pattern");
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::test_support::{body_schema, normalized_thing};

    #[test]
    fn rule_unchecked_patterns_drops_response_patterns() {
        let (spec, _) = normalized_thing(
            "{type: object, properties: {kind: {type: string, pattern: '^oauth_[a-z]+$'}}}",
            "{type: object, properties: {kind: {type: string, pattern: '^[a-z]+$'}}}",
            false,
        );
        let kind = &spec["components"]["schemas"]["Thing"]["properties"]["kind"];
        assert!(kind.get("pattern").is_none());
        assert_eq!(body_schema(&spec)["properties"]["kind"]["pattern"], "^[a-z]+$");
    }
}
