//! Rule `open_enums`.

use serde_json::Value;

use crate::schema_walk::{description, hoist};
use crate::{Error, NativeType};

/// Rule: every `enum` of strings becomes an open enum (the client's `open_enum!`): known values
/// decode into their variant and anything else into `Unknown(String)`, which serializes back as
/// the same string. Clerk adds strategies, statuses and account kinds; a closed enum fails the
/// whole response on the first new one (fact sheet hazard 7). Requests use them too, so a value
/// Clerk accepts before this crate knows it can still be sent.
///
/// # Errors
///
/// [`Error::Normalize`] when the name a hoisted enum needs is already a component's.
pub fn open_enums(doc: &mut Value) -> Result<Vec<NativeType>, Error> {
    hoist(
        doc,
        |schema, _| {
            let values = schema.get("enum")?.as_array()?;
            // `null` in the list is nullability, which the field's `Option` carries.
            let values: Option<Vec<String>> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            let values = values?;
            (!values.is_empty()).then_some(values)
        },
        |name, schema, values| NativeType::OpenEnum {
            name: name.to_owned(),
            doc: description(schema, &format!("`{name}`")),
            values,
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::test_support::{body_schema, normalized_thing, tiny_spec};
    use crate::{NativeType, codegen, load_spec, normalize};

    #[test]
    fn rule_open_enums_hoists_every_string_enum() {
        let (spec, normalized) = normalized_thing(
            "{type: object, properties: {status: {type: string, nullable: true, description: Where it stands., enum: [active, retired]}}}",
            "{type: object, properties: {mode: {type: array, items: {type: string, enum: [fast, safe]}}}}",
            false,
        );
        let schemas = &spec["components"]["schemas"];
        assert_eq!(schemas["ThingStatus"]["enum"], serde_json::json!(["active", "retired"]));
        assert_eq!(
            schemas["Thing"]["properties"]["status"],
            serde_json::json!({"description": "Where it stands.", "nullable": true, "allOf": [{"$ref": "#/components/schemas/ThingStatus"}]})
        );
        assert_eq!(
            body_schema(&spec)["properties"]["mode"]["items"]["allOf"][0]["$ref"],
            "#/components/schemas/PostThingBodyModeItem"
        );
        let enums: Vec<(String, Vec<String>)> = normalized
            .native
            .iter()
            .filter_map(|n| match n {
                NativeType::OpenEnum { name, values, .. } => Some((name.clone(), values.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            enums,
            [
                ("ThingStatus".to_owned(), vec!["active".to_owned(), "retired".to_owned()]),
                ("PostThingBodyModeItem".to_owned(), vec!["fast".to_owned(), "safe".to_owned()]),
            ]
        );
    }

    #[test]
    fn components_that_are_enums_or_unions_are_replaced_where_they_stand() {
        let text = tiny_spec(
            "  /things:
    get:
      operationId: GetThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Kind'}",
        );
        let mut spec = load_spec("tiny", &text).unwrap();
        let schemas = &mut spec.components.as_mut().unwrap().schemas;
        schemas.insert(
            "Kind".to_owned(),
            serde_yaml::from_str("{type: string, enum: [a, b, null], nullable: true}").unwrap(),
        );
        let normalized = normalize(&mut spec).unwrap();
        assert!(normalized.native.contains(&NativeType::OpenEnum {
            name: "Kind".to_owned(),
            doc: "`Kind`".to_owned(),
            values: vec!["a".to_owned(), "b".to_owned()],
        }));
        let code = codegen(
            "tiny",
            &text.replace("schemas:\n", "schemas:\n    Kind: {type: string, enum: [a, b]}\n"),
        )
        .unwrap()
        .code;
        assert!(code.contains("open_enum!"), "{code}");
    }
}
