//! Rule `nullable_where_used`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// Rule: a component schema marked `nullable: true` loses the mark, and every reference to it
/// says it instead (`{allOf: [$ref], nullable: true}`; a reference inside an `allOf` makes that
/// `allOf` nullable).
///
/// Why: typify turns a nullable object component into a newtype around an `Option` of an
/// `…Inner` struct, a name the decoding rules do not expect and users would have to unwrap twice
/// (`OrganizationInvitationPublicUserData(Option<…Inner>)`). Said where it is used, the field is
/// an `Option` of the component's own struct, as for every other nullable reference of Clerk's
/// spec. What decodes is the same: `null` wherever the component stands.
pub fn nullable_where_used(doc: &mut Value) {
    let nullable: BTreeSet<String> = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|schemas| schemas.iter_mut())
        .filter_map(|(name, schema)| {
            let schema = schema.as_object_mut()?;
            (schema.remove("nullable")? == Value::Bool(true)).then(|| name.clone())
        })
        .collect();
    if !nullable.is_empty() {
        mark_references(doc, &nullable);
    }
}

/// Makes every reference to a component of `nullable` say `nullable: true`.
fn mark_references(value: &mut Value, nullable: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if refers_to(map, nullable) {
                let reference = std::mem::take(map);
                let mut wrapper = json!({"allOf": [{"$ref": reference["$ref"].clone()}],
                                         "nullable": true});
                // Siblings of a `$ref` (a description) stay on the field.
                for (key, sibling) in reference.into_iter().filter(|(key, _)| key != "$ref") {
                    wrapper[key.as_str()] = sibling;
                }
                if let Value::Object(wrapper) = wrapper {
                    *map = wrapper;
                }
                return;
            }
            let in_all_of = map.get("allOf").and_then(Value::as_array).is_some_and(|branches| {
                branches.iter().filter_map(Value::as_object).any(|b| refers_to(b, nullable))
            });
            if in_all_of {
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
            for (key, child) in map.iter_mut() {
                if key == "allOf" && in_all_of {
                    // Its references are already said nullable, by the `allOf` itself.
                    continue;
                }
                mark_references(child, nullable);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mark_references(item, nullable)),
        _ => {}
    }
}

/// Whether the schema is a `$ref` to one of `names`.
fn refers_to(schema: &Map<String, Value>, names: &BTreeSet<String>) -> bool {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .is_some_and(|name| names.contains(name))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::test_support::tiny_spec;
    use crate::{codegen, load_spec, normalize};

    /// A spec answering `Thing`, with `Person` a nullable component.
    fn spec_with(thing: &str) -> String {
        let person = "{type: object, nullable: true, required: [user_id, name], properties: {
              user_id: {type: string}, name: {type: string, nullable: true}}}";
        tiny_spec(
            "  /things:
    get:
      operationId: GetThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}",
        )
        .replace(
            "    Unused:\n",
            &format!("    Thing: {thing}\n    Person: {person}\n    Unused:\n"),
        )
    }

    #[test]
    fn rule_nullable_where_used_moves_the_mark_onto_each_reference() {
        let text = spec_with(
            "{type: object, required: [id, inviter], properties: {
              id: {type: string},
              inviter: {$ref: '#/components/schemas/Person'},
              also: {allOf: [{$ref: '#/components/schemas/Person'}], description: also a person},
              people: {type: array, items: {$ref: '#/components/schemas/Person'}}}}",
        );
        let mut spec = load_spec("tiny", &text).unwrap();
        normalize(&mut spec).unwrap();
        let spec = serde_json::to_value(&spec).unwrap();
        let thing = &spec["components"]["schemas"]["Thing"]["properties"];
        let person = json!({"$ref": "#/components/schemas/Person"});
        assert_eq!(thing["inviter"], json!({"allOf": [person], "nullable": true}));
        assert_eq!(
            thing["also"],
            json!({"allOf": [person], "description": "also a person", "nullable": true})
        );
        assert_eq!(thing["people"]["items"], json!({"allOf": [person], "nullable": true}));
        assert!(spec["components"]["schemas"]["Person"].get("nullable").is_none());
    }

    #[test]
    fn rule_nullable_where_used_gives_an_option_of_the_struct_itself() {
        let text = spec_with(
            "{type: object, required: [id, inviter], properties: {
              id: {type: string}, inviter: {$ref: '#/components/schemas/Person'}}}",
        );
        let code = codegen("tiny", &text).unwrap().code;
        let code: String = code.split_whitespace().collect();
        assert!(code.contains("pubinviter:::std::option::Option<Person>"), "{code}");
        assert!(code.contains("pubstructPerson{"), "{code}");
        assert!(!code.contains("PersonInner"));
    }
}
