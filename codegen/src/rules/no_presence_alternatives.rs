//! Rule `no_presence_alternatives`.

use serde_json::Value;

use crate::schema_walk::for_each_schema;

/// Rule: an `anyOf`/`oneOf` whose branches only say which keys must be present
/// (`anyOf: [{required: [domain]}, {required: [domains]}]` on SAML and enterprise connections) is
/// dropped. typify makes it an untagged enum that fails when both keys are present, as during the
/// `domain` deprecation (fact sheet hazard 4); both fields stay, optional.
pub fn no_presence_alternatives(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, _| {
        for key in ["anyOf", "oneOf"] {
            let only_required = schema.get(key).and_then(Value::as_array).is_some_and(|branches| {
                branches
                    .iter()
                    .all(|b| b.as_object().is_some_and(|b| b.keys().all(|k| k == "required")))
            });
            if only_required {
                schema.remove(key);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::test_support::normalized_thing;

    #[test]
    fn rule_no_presence_alternatives_drops_required_only_branches() {
        let (spec, _) = normalized_thing(
            "{type: object, anyOf: [{required: [domain]}, {required: [domains]}],
              properties: {domain: {type: string}, domains: {type: array, items: {type: string}}}}",
            "{type: object}",
            false,
        );
        let thing = &spec["components"]["schemas"]["Thing"];
        assert!(thing.get("anyOf").is_none());
        assert!(thing["properties"].get("domain").is_some());
    }
}
