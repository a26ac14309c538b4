//! Rule `formats_kept_as_sent`.

use schemars::schema::{InstanceType, SchemaObject};
use serde_json::Value;

use crate::schema_walk::for_each_schema;

/// Rule: strings keep no `format: date` or `format: date-time`, and every number is
/// `format: double`, which the generator maps to [`serde_json::Number`] ([`kept_number`]).
///
/// Why: typify makes dates `chrono` types and numbers `f64` (`f32` for `float`). None of them
/// writes back what Clerk sent (`2026-05-12T10:00:00.000Z` comes back as `2026-05-12T10:00:00Z`,
/// `50` as `50.0`, a `float` `0.1` as `0.10000000149011612`), so a decoded value would not
/// round-trip exactly, and `chrono` would be a dependency for two fields. A date stays the
/// `String` Clerk sent (parse it with the date library you already use) and a number the JSON
/// number it was (`as_f64()` reads it).
pub fn formats_kept_as_sent(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, _| match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            if matches!(schema.get("format").and_then(Value::as_str), Some("date" | "date-time")) {
                schema.remove("format");
            }
        }
        Some("number") => {
            schema.insert("format".to_owned(), Value::from("double"));
        }
        _ => {}
    });
}

/// The schema of a number after the rule, as the generator sees it: the one it maps to
/// `serde_json::Number` (a number with bounds, which Clerk's spec has none of, stays `f64`).
pub fn kept_number() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::Number.into()),
        format: Some("double".to_owned()),
        ..SchemaObject::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::codegen;
    use crate::test_support::{body_schema, normalized_thing, tiny_spec};

    const THING: &str = "{type: object, required: [id], properties: {
      id: {type: string}, on: {type: string, format: date}, at: {type: string, format: date-time},
      share: {type: number, format: float}, exact: {type: number, format: double},
      plain: {type: number}}}";

    #[test]
    fn rule_formats_kept_as_sent_leaves_strings_and_widens_floats() {
        let (spec, _) = normalized_thing(
            THING,
            "{type: object, properties: {since: {type: string, format: date-time}}}",
            false,
        );
        let thing = &spec["components"]["schemas"]["Thing"]["properties"];
        assert!(thing["on"].get("format").is_none());
        assert!(thing["at"].get("format").is_none());
        assert_eq!(thing["share"]["format"], "double");
        assert_eq!(thing["exact"]["format"], "double");
        assert_eq!(thing["plain"]["format"], "double");
        assert!(body_schema(&spec)["properties"]["since"].get("format").is_none());
    }

    #[test]
    fn rule_formats_kept_as_sent_needs_no_chrono_and_keeps_numbers_as_sent() {
        let text = tiny_spec(
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
        .replace("    Unused:\n", &format!("    Thing: {THING}\n    Unused:\n"));
        let code = codegen("tiny", &text).unwrap().code;
        assert!(!code.contains("chrono"), "{code}");
        assert!(!code.contains("f32"), "{code}");
        assert!(!code.contains("f64"), "{code}");
        let code: String = code.split_whitespace().collect();
        for field in ["share", "exact", "plain"] {
            assert!(
                code.contains(&format!("pub{field}:::std::option::Option<::serde_json::Number>")),
                "{field}: {code}"
            );
        }
    }
}
