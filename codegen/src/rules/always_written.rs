//! Rule `always_written`.

use serde_json::{Value, json};

use crate::schema_walk::{Side, for_each_schema};

/// Rule (with `missing_means_empty`, [`default_missing_fields`]): in response objects, every
/// nullable, array and free-form map property is treated as required. typify then writes it back
/// even when it is `null`, `[]` or `{}` (it skips optional ones), so a decoded value serializes
/// back to what Clerk sent; and [`default_missing_fields`] lets it be missing.
///
/// [`default_missing_fields`]: crate::finish::default_missing_fields
pub fn always_written(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, side| {
        if side != Side::Response {
            return;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let always: Vec<Value> = properties
            .iter()
            .filter(|(_, p)| written_even_when_empty(p))
            .map(|(name, _)| Value::String(name.clone()))
            .collect();
        let required = schema.entry("required").or_insert_with(|| json!([]));
        if let Some(required) = required.as_array_mut() {
            for name in always {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
    });
}

/// Nullable, array and free-form map properties: those typify would skip when empty. An object
/// given by `allOf`/`oneOf`/`anyOf`/`$ref` (`organization: {type: object, allOf: [$ref]}`) is not
/// a free-form map. Rule `absent_means_none` leaves these required.
pub(crate) fn written_even_when_empty(property: &Value) -> bool {
    let nullable = property.get("nullable") == Some(&Value::Bool(true));
    let kind = property.get("type").and_then(Value::as_str);
    let composed = ["properties", "allOf", "oneOf", "anyOf", "$ref"]
        .iter()
        .any(|key| property.get(key).is_some());
    let map = kind == Some("object") && !composed;
    nullable || kind == Some("array") || map
}

#[cfg(test)]
mod tests {
    use crate::test_support::{body_schema, normalized_thing};

    #[test]
    fn rule_always_written_requires_nullables_arrays_and_maps_in_responses() {
        let (spec, _) = normalized_thing(
            "{type: object, required: [id], properties: {
              id: {type: string}, note: {type: string}, gone_at: {type: integer, nullable: true},
              tags: {type: array, items: {type: string}}, meta: {type: object, additionalProperties: true}}}",
            "{type: object, properties: {tags: {type: array, items: {type: string}}}}",
            false,
        );
        assert_eq!(
            spec["components"]["schemas"]["Thing"]["required"],
            serde_json::json!(["id", "gone_at", "tags", "meta"])
        );
        assert!(body_schema(&spec).get("required").is_none());
    }
}
