//! Rule `maps_sent_when_set`.

use serde_json::Value;

use crate::schema_walk::{Side, for_each_schema};

/// Rule: in request bodies, an optional free-form map (metadata) becomes an `Option` of the map,
/// sent whenever it is set, even empty.
///
/// Why: typify leaves an optional map out of the body when it is empty, so `{}` could never be
/// sent. For `ReplaceUserMetadata`, `{}` is how a metadata field is cleared (each field sent
/// replaces the stored one, each field left out stays), and leaving it out silently kept the old
/// value. With the rule, `None` (not set) is left out and `Some({})` is sent as `{}`.
pub fn maps_sent_when_set(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side != Side::Request {
            return;
        }
        let required: Vec<Value> =
            schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            let free_form = property.get("type").and_then(Value::as_str) == Some("object")
                && !["properties", "allOf", "oneOf", "anyOf", "$ref"]
                    .iter()
                    .any(|key| property.contains_key(*key));
            if free_form && !required.contains(&Value::String(name.clone())) {
                property.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::codegen;
    use crate::test_support::{body_schema, normalized_thing, tiny_spec};

    #[test]
    fn rule_maps_sent_when_set_marks_optional_request_maps_only() {
        let (spec, _) = normalized_thing(
            "{type: object, required: [id], properties: {id: {type: string},
              meta: {type: object, additionalProperties: true}}}",
            "{type: object, required: [must], properties: {
              meta: {type: object, additionalProperties: true},
              must: {type: object, additionalProperties: true},
              shaped: {type: object, properties: {a: {type: string}}}}}",
            false,
        );
        let body = &body_schema(&spec)["properties"];
        assert_eq!(body["meta"]["nullable"], true);
        assert!(body["must"].get("nullable").is_none());
        assert!(body["shaped"].get("nullable").is_none());
        let thing = &spec["components"]["schemas"]["Thing"]["properties"];
        assert!(thing["meta"].get("nullable").is_none());
    }

    #[test]
    fn rule_maps_sent_when_set_sends_an_empty_map_that_was_set() {
        let text = tiny_spec(
            "  /things:
    put:
      operationId: ReplaceThing
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                meta: {type: object, additionalProperties: true}
      responses:
        '200': {description: ok}",
        );
        let code = codegen("tiny", &text).unwrap().code;
        let code: String = code.split_whitespace().collect();
        assert!(
            code.contains(
                "#[serde(skip_serializing_if=\"::std::option::Option::is_none\")]pubmeta:::std::option::Option<::serde_json::Map<"
            ),
            "{code}"
        );
    }
}
