//! Rule `formats_kept_as_sent`.

use serde_json::Value;

use crate::schema_walk::for_each_schema;

/// Rule: strings keep no `format: date` or `format: date-time`, and numbers of `format: float`
/// become `format: double`.
///
/// Why: typify makes dates `chrono` types and floats `f32`. Neither writes back what Clerk sent
/// (`2026-05-12T10:00:00.000Z` comes back as `2026-05-12T10:00:00Z`, `0.1` as
/// `0.10000000149011612`), so a decoded value would not round-trip exactly, and `chrono` would be
/// a dependency for two fields. A date stays the `String` Clerk sent and a float an `f64`; parse
/// the string with the date library you already use.
pub fn formats_kept_as_sent(doc: &mut Value) {
    for_each_schema(doc, &mut |schema, _, _| {
        let kind = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        match (kind, format) {
            (Some("string"), Some("date" | "date-time")) => {
                schema.remove("format");
            }
            (Some("number"), Some("float")) => {
                schema.insert("format".to_owned(), Value::from("double"));
            }
            _ => {}
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::codegen;
    use crate::test_support::{body_schema, normalized_thing, tiny_spec};

    const THING: &str = "{type: object, required: [id], properties: {
      id: {type: string}, on: {type: string, format: date}, at: {type: string, format: date-time},
      share: {type: number, format: float}, exact: {type: number, format: double}}}";

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
        assert!(body_schema(&spec)["properties"]["since"].get("format").is_none());
    }

    #[test]
    fn rule_formats_kept_as_sent_needs_no_chrono_and_no_f32() {
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
    }
}
