//! Rule `named_response_schemas`.

use serde_json::{Map, Value, json};

use crate::Error;
use crate::names::pascal;

/// Rule: an object schema written inline in `components/responses` moves into
/// `components/schemas`, named after its response (`TrustedDevice.List` becomes
/// `TrustedDeviceList`), and the response refers to it.
///
/// Why: progenitor names such a schema after the operation that answers it
/// (`ListUserTrustedDevicesResponse`), while the decoding rules, which cannot know the operation,
/// name it after the response; the two must agree for the finish edits to find the type. A
/// named component also gives every operation sharing the response one type, not one each.
///
/// # Errors
///
/// [`Error::Normalize`] when the name is already taken in `components.schemas`.
pub fn named_response_schemas(doc: &mut Value) -> Result<(), Error> {
    let mut moved: Vec<(String, Value)> = Vec::new();
    let responses = doc.pointer_mut("/components/responses").and_then(Value::as_object_mut);
    for (key, response) in responses.into_iter().flatten() {
        let name = pascal(&key.replace('.', "_"));
        for media in content_media(response) {
            let Some(schema) = media.get_mut("schema") else {
                continue;
            };
            if is_inline_object(schema) {
                let reference = json!({"$ref": format!("#/components/schemas/{name}")});
                moved.push((name.clone(), std::mem::replace(schema, reference)));
            }
        }
    }
    if moved.is_empty() {
        return Ok(());
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| Error::Normalize("the spec has no components.schemas".to_owned()))?;
    for (name, schema) in moved {
        // Two media types of one response carry the same schema: one component serves both.
        match schemas.get(&name) {
            Some(existing) if *existing == schema => {}
            Some(_) => {
                return Err(Error::Normalize(format!(
                    "rule named_response_schemas needs the name {name}, which components.schemas \
                     already uses"
                )));
            }
            None => {
                schemas.insert(name, schema);
            }
        }
    }
    Ok(())
}

/// The media-type entries of a response's `content`.
fn content_media(response: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    response
        .get_mut("content")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|content| content.values_mut())
        .filter_map(Value::as_object_mut)
}

/// An object schema with properties of its own, not a reference nor an array of one.
fn is_inline_object(schema: &Value) -> bool {
    schema.get("$ref").is_none() && schema.get("properties").is_some()
}

#[cfg(test)]
mod tests {
    use crate::test_support::tiny_spec;
    use crate::{codegen, load_spec, normalize};

    fn spec_answering_a_shared_inline_response() -> String {
        let text = tiny_spec(
            "  /things:
    get:
      operationId: ListThings
      responses:
        '200': {$ref: '#/components/responses/Thing.List'}
  /other_things:
    get:
      operationId: ListOtherThings
      responses:
        '200': {$ref: '#/components/responses/Thing.List'}",
        );
        text.replace(
            "components:\n",
            "components:
  responses:
    Thing.List:
      description: some things
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            properties:
              data: {type: array, items: {type: string}}
              total_count: {type: integer, format: int64}
            required: [data, total_count]
",
        )
    }

    #[test]
    fn rule_named_response_schemas_names_inline_responses_after_their_key() {
        let mut spec = load_spec("tiny", &spec_answering_a_shared_inline_response()).unwrap();
        normalize(&mut spec).unwrap();
        let spec = serde_json::to_value(&spec).unwrap();
        assert_eq!(
            spec["components"]["responses"]["Thing.List"]["content"]["application/json"]["schema"],
            serde_json::json!({"$ref": "#/components/schemas/ThingList"})
        );
        let schema = &spec["components"]["schemas"]["ThingList"];
        assert_eq!(schema["properties"]["total_count"]["format"], "int64");
        // The other decoding rules see it under that name: `total_count` became optional.
        assert_eq!(schema["required"], serde_json::json!(["data"]));
    }

    #[test]
    fn rule_named_response_schemas_gives_both_operations_one_type() {
        let code = codegen("tiny", &spec_answering_a_shared_inline_response()).unwrap().code;
        assert!(code.contains("pub struct ThingList"), "{code}");
        assert!(!code.contains("ListThingsResponse"));
        assert!(!code.contains("ListOtherThingsResponse"));
    }

    #[test]
    fn rule_named_response_schemas_refuses_a_taken_name() {
        // A schema of that name, in use (unused ones are pruned before the rule runs).
        let text = spec_answering_a_shared_inline_response()
            .replace("    Unused:\n", "    ThingList:\n      type: string\n    Unused:\n")
            .replace(
                "components:\n",
                "  /thing_list:
    get:
      operationId: GetThingList
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingList'}
components:\n",
            );
        let mut spec = load_spec("tiny", &text).unwrap();
        assert_eq!(
            normalize(&mut spec).unwrap_err().to_string(),
            "rule named_response_schemas needs the name ThingList, which components.schemas \
             already uses"
        );
    }
}
