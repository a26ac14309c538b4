//! Rule `merged_inline_all_of`.

use serde_json::{Map, Value};

use crate::schema_walk::for_each_schema;

/// Rule: an object whose `allOf` lists only inline objects (each only `properties`, `required`,
/// `type: object` and prose) becomes one object with all their properties and required names.
///
/// Why: typify merges such an `allOf` itself, but the decoding rules read a schema's own
/// `properties` and `required`: unmerged, none of them would apply (every required field would
/// stay strict, so one legacy invitation without `role_name` would fail a page), and its enums
/// would be named after the branch (`…AllOf0Object`). An `allOf` with a reference, or a branch
/// with anything else, is left alone: that is composition the rules do not flatten.
pub fn merged_inline_all_of(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, _| {
        let Some(branches) = schema.get("allOf").and_then(Value::as_array) else {
            return;
        };
        if !branches.iter().all(is_plain_object) {
            return;
        }
        let mut properties = match schema.get("properties") {
            Some(Value::Object(own)) => own.clone(),
            Some(_) => return,
            None => Map::new(),
        };
        let mut required: Vec<Value> =
            schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        for branch in branches {
            for (name, property) in
                branch.get("properties").and_then(Value::as_object).into_iter().flatten()
            {
                match properties.get(name) {
                    // Two branches that disagree on a property: not a plain merge.
                    Some(existing) if existing != property => return,
                    _ => {
                        properties.insert(name.clone(), property.clone());
                    }
                }
            }
            for name in branch.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
        }
        schema.remove("allOf");
        schema.insert("type".to_owned(), Value::from("object"));
        schema.insert("properties".to_owned(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".to_owned(), Value::Array(required));
        }
    });
}

/// An inline object schema with nothing but properties, required names and prose.
fn is_plain_object(branch: &Value) -> bool {
    branch.as_object().is_some_and(|branch| {
        branch.contains_key("properties")
            && branch.iter().all(|(key, value)| match key.as_str() {
                "properties" | "required" | "description" | "title" => true,
                "type" => value == "object",
                _ => false,
            })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::normalized_thing;

    #[test]
    fn rule_merged_inline_all_of_makes_one_object_the_other_rules_read() {
        let (spec, normalized) = normalized_thing(
            "{type: object, description: an invitation, required: [id, role, object], allOf: [
              {properties: {id: {type: string}, role: {type: string},
                            object: {type: string, enum: [invitation]}}},
              {properties: {org: {type: string}}, required: [org]}]}",
            "{type: object}",
            false,
        );
        let thing = &spec["components"]["schemas"]["Thing"];
        assert!(thing.get("allOf").is_none());
        assert_eq!(thing["description"], "an invitation");
        let names: Vec<&String> = thing["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["id", "role", "object", "org"]);
        // absent_means_none read the merged object: only the id stays required.
        assert_eq!(thing["required"], json!(["id"]));
        let relaxed: Vec<_> =
            normalized.absent_means_none.iter().map(|(t, f)| format!("{t}.{f}")).collect();
        assert_eq!(relaxed, ["Thing.object", "Thing.org", "Thing.role"]);
        // The enum is named after the object, not the branch.
        assert_eq!(
            thing["properties"]["object"]["allOf"][0]["$ref"],
            "#/components/schemas/ThingObject"
        );
    }

    #[test]
    fn rule_merged_inline_all_of_leaves_references_and_conflicts_alone() {
        let (spec, _) = normalized_thing(
            "{type: object, required: [id], properties: {id: {type: string},
              with_ref: {allOf: [{$ref: '#/components/schemas/Other'}, {properties: {b: {type: string}}}]},
              conflict: {allOf: [{properties: {b: {type: string}}}, {properties: {b: {type: integer}}}]}}}",
            "{type: object}",
            false,
        );
        let thing = &spec["components"]["schemas"]["Thing"]["properties"];
        assert_eq!(thing["with_ref"]["allOf"].as_array().unwrap().len(), 2);
        assert_eq!(thing["conflict"]["allOf"].as_array().unwrap().len(), 2);
    }
}
