//! Specs for the unit tests: a tiny one to splice operations into, and the repository's two.

use std::path::PathBuf;

/// A minimal valid spec with the error schema, an unused schema, and `paths` spliced in.
pub(crate) fn tiny_spec(paths: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: tiny, version: '1'}}
paths:
{paths}
components:
  schemas:
    ClerkErrors:
      type: object
      properties:
        errors: {{type: array, items: {{type: string}}}}
    Unused:
      type: object
      properties:
        a: {{type: string}}
"
    )
}

/// A spec with one `GET /things/{id}` answering `schema` as JSON.
pub(crate) fn get_thing(schema: &str) -> String {
    tiny_spec(&format!(
        "  /things/{{id}}:
    get:
      operationId: GetThing
      parameters:
      - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {schema}"
    ))
}

/// The code generated from `text` with whitespace and the trailing commas of wrapped lists
/// removed, so wrapped lines read the same.
pub(crate) fn compact_code(text: &str) -> String {
    let code: String = crate::codegen("tiny", text).unwrap().code.split_whitespace().collect();
    code.replace(",)", ")")
}

/// `openapi/clerk-users.yaml`, the spec the client is generated from.
pub(crate) fn our_spec() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/clerk-users.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A spec with one operation answering `thing` (a component named `Thing`), `body` as its
/// request body, and a `paginated` parameter when asked; normalized.
pub(crate) fn normalized_thing(
    thing: &str,
    body: &str,
    paginated: bool,
) -> (serde_json::Value, crate::Normalized) {
    let parameters = if paginated {
        "\n      parameters:\n      - {name: paginated, in: query, schema: {type: boolean}}"
    } else {
        ""
    };
    let text = tiny_spec(&format!(
        "  /things:
    post:
      operationId: PostThing{parameters}
      requestBody:
        content:
          application/json:
            schema: {body}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing'}}"
    ));
    let mut spec = crate::load_spec("tiny", &text).unwrap();
    let thing: serde_json::Value = serde_yaml::from_str(thing).unwrap();
    spec.components
        .as_mut()
        .unwrap()
        .schemas
        .insert("Thing".to_owned(), serde_json::from_value(thing).unwrap());
    let normalized = crate::normalize(&mut spec).unwrap();
    (serde_json::to_value(&spec).unwrap(), normalized)
}

/// The request body schema of [`normalized_thing`]'s operation.
pub(crate) fn body_schema(spec: &serde_json::Value) -> &serde_json::Value {
    &spec["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]
}
