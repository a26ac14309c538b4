//! Walking the spec's schemas (as JSON) for the decoding rules: every schema with a dotted name
//! and its side (request or response), the references between them, and [`hoist`], which moves
//! a schema into `components.schemas` for the crate to define.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::names::pascal;
use crate::{Error, NativeType};

/// Whether a schema describes a request (body or parameter) or something Clerk sends back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// A request body or parameter, or a component only those use.
    Request,
    /// Something a response can contain.
    Response,
}

/// What [`for_each_schema`] calls: the schema, its dotted name, and its side.
pub type SchemaVisitor<'a> = dyn FnMut(&mut Map<String, Value>, &str, Side) + 'a;

/// Calls `visit` on every schema object of the spec, parents before children, with a dotted name
/// (`verification_otp.status`, `CreateUser.body.email_address.item`) from which [`hoist`] derives
/// type names, and whether it is part of a request or a response.
pub fn for_each_schema(doc: &mut Value, visit: &mut SchemaVisitor<'_>) {
    let in_responses = response_schemas(doc);
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            // A component only requests use keeps its request-side strictness.
            let side = if in_responses.contains(name) { Side::Response } else { Side::Request };
            walk(schema, name, side, visit);
        }
    }
    for (kind, side) in [("responses", Side::Response), ("requestBodies", Side::Request)] {
        if let Some(entries) =
            doc.pointer_mut(&format!("/components/{kind}")).and_then(Value::as_object_mut)
        {
            for (name, entry) in entries.iter_mut() {
                walk_content(entry, name, side, visit);
            }
        }
    }
    if let Some(parameters) =
        doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut)
    {
        for (name, parameter) in parameters.iter_mut() {
            if let Some(schema) = parameter.get_mut("schema") {
                walk(schema, name, Side::Request, visit);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(op_id) = op.get("operationId").and_then(Value::as_str).map(str::to_owned)
            else {
                continue;
            };
            for parameter in
                op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten()
            {
                let param =
                    parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
                if let Some(schema) = parameter.get_mut("schema") {
                    walk(schema, &format!("{op_id}.{param}"), Side::Request, visit);
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                walk_content(body, &format!("{op_id}.body"), Side::Request, visit);
            }
            for response in op
                .get_mut("responses")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|r| r.values_mut())
            {
                walk_content(response, &format!("{op_id}.response"), Side::Response, visit);
            }
        }
    }
}

/// Component schemas a response can reach, or that nothing references (kept as responses, the
/// lenient side).
fn response_schemas(doc: &Value) -> BTreeSet<String> {
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    let mut roots = vec![doc.pointer("/components/responses").cloned().unwrap_or_default()];
    let mut requests = vec![
        doc.pointer("/components/requestBodies").cloned().unwrap_or_default(),
        doc.pointer("/components/parameters").cloned().unwrap_or_default(),
    ];
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        for op in item.as_object().into_iter().flat_map(|i| i.values()) {
            roots.extend(op.get("responses").cloned());
            requests.extend(op.get("requestBody").cloned());
            requests.extend(op.get("parameters").cloned());
        }
    }
    let closure = |start: Vec<Value>| {
        let mut reached = BTreeSet::new();
        let mut pending: Vec<String> = start.iter().flat_map(schema_refs).collect();
        while let Some(name) = pending.pop() {
            if reached.insert(name.clone())
                && let Some(schema) = schemas.and_then(|s| s.get(&name))
            {
                pending.extend(schema_refs(schema));
            }
        }
        reached
    };
    let from_responses = closure(roots);
    let from_requests = closure(requests);
    schemas
        .into_iter()
        .flat_map(|s| s.keys())
        .filter(|name| from_responses.contains(*name) || !from_requests.contains(*name))
        .cloned()
        .collect()
}

/// Walks the schemas of a body or response's `content`.
fn walk_content(entry: &mut Value, name: &str, side: Side, visit: &mut SchemaVisitor<'_>) {
    for media in entry
        .get_mut("content")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|c| c.values_mut())
    {
        if let Some(schema) = media.get_mut("schema") {
            walk(schema, name, side, visit);
        }
    }
}

/// Visits a schema, then its subschemas.
fn walk(schema: &mut Value, name: &str, side: Side, visit: &mut SchemaVisitor<'_>) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    visit(map, name, side);
    if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, schema) in properties.iter_mut() {
            walk(schema, &format!("{name}.{property}"), side, visit);
        }
    }
    if let Some(items) = map.get_mut("items") {
        walk(items, &format!("{name}.item"), side, visit);
    }
    if let Some(additional) = map.get_mut("additionalProperties").filter(|a| a.is_object()) {
        walk(additional, &format!("{name}.value"), side, visit);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, branch) in
            map.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().enumerate()
        {
            walk(branch, &format!("{name}.{key}{i}"), side, visit);
        }
    }
}

/// Names of the component schemas a JSON value refers to with `$ref`.
pub fn schema_refs(value: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    found.insert(name.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Follows a local `$ref` (`#/components/...`), if the value is one.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => doc.pointer(pointer).unwrap_or(&Value::Null),
        None => value,
    }
}

/// The schema's description, or a fallback.
pub fn description(schema: &Map<String, Value>, fallback: &str) -> String {
    schema.get("description").and_then(Value::as_str).unwrap_or(fallback).to_owned()
}

/// Moves every schema that `select` picks into `components.schemas` under the name typify would
/// have given it, leaves a reference in its place (keeping the description and nullability
/// there), and returns what `make` builds from each.
///
/// # Errors
///
/// [`Error::Normalize`] when the spec has no `components.schemas`, or when the name a schema needs
/// is already taken there.
pub fn hoist<T>(
    doc: &mut Value,
    select: impl Fn(&Map<String, Value>, &str) -> Option<T>,
    make: impl Fn(&str, &Map<String, Value>, T) -> NativeType,
) -> Result<Vec<NativeType>, Error> {
    let mut moved: Vec<(String, Map<String, Value>, T)> = Vec::new();
    let mut in_place: Vec<NativeType> = Vec::new();
    for_each_schema(doc, &mut |schema, name, _| {
        if schema.contains_key("$ref") {
            return;
        }
        let property = name.rsplit('.').next().unwrap_or_default();
        let Some(found) = select(schema, property) else {
            return;
        };
        let type_name = pascal(&name.replace('.', "_"));
        // A component is already named: the crate's type replaces it where it stands.
        if !name.contains('.') {
            in_place.push(make(&type_name, schema, found));
            return;
        }
        let mut reference = Map::new();
        if let Some(text) = schema.get("description") {
            reference.insert("description".into(), text.clone());
        }
        let lists_null =
            schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.contains(&Value::Null));
        if schema.get("nullable") == Some(&Value::Bool(true)) || lists_null {
            reference.insert("nullable".into(), Value::Bool(true));
        }
        // `allOf` with one reference keeps the description on the field (siblings of a bare
        // `$ref` are ignored) and is generated as the referenced type itself.
        reference
            .insert("allOf".into(), json!([{"$ref": format!("#/components/schemas/{type_name}")}]));
        let mut original = std::mem::replace(schema, reference);
        original.remove("nullable");
        moved.push((type_name, original, found));
    });
    let mut native = in_place;
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| Error::Normalize("the spec has no components.schemas".to_owned()))?;
    for (name, schema, found) in moved {
        if schemas.contains_key(&name) {
            return Err(Error::Normalize(format!(
                "a decoding rule needs the name {name}, which components.schemas already uses"
            )));
        }
        native.push(make(&name, &schema, found));
        schemas.insert(name, Value::Object(schema));
    }
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_spec;
    use crate::{load_spec, normalize};

    #[test]
    fn rule_names_must_not_collide_with_existing_schemas() {
        // `Thing.kind` would become `ThingKind`, which the spec already uses.
        let (thing, existing) = (
            "{type: object, properties: {kind: {type: string, enum: [a]}, other: {$ref: '#/components/schemas/ThingKind'}}}",
            "{type: integer}",
        );
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
        );
        let mut spec = load_spec("tiny", &text).unwrap();
        let schemas = &mut spec.components.as_mut().unwrap().schemas;
        schemas.insert("Thing".to_owned(), serde_yaml::from_str(thing).unwrap());
        schemas.insert("ThingKind".to_owned(), serde_yaml::from_str(existing).unwrap());
        let error = normalize(&mut spec).unwrap_err();
        assert_eq!(
            error.to_string(),
            "a decoding rule needs the name ThingKind, which components.schemas already uses"
        );
    }

    #[test]
    fn schemas_are_named_by_where_they_stand_and_sided() {
        let mut doc = json!({
            "paths": {"/t": {"post": {
                "operationId": "PostT",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Out": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "string"}}}},
                "Loose": {"type": "string"}
            }}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, name, side| seen.push((name.to_owned(), side)));
        assert_eq!(
            seen,
            [
                ("In".to_owned(), Side::Request),
                ("In.a".to_owned(), Side::Request),
                ("Out".to_owned(), Side::Response),
                ("Out.item".to_owned(), Side::Response),
                ("Out.item.b".to_owned(), Side::Response),
                // Used by nothing: treated as a response, the lenient side.
                ("Loose".to_owned(), Side::Response),
                // Operations' own schemas, here the references, are named after the operation.
                ("PostT.body".to_owned(), Side::Request),
                ("PostT.response".to_owned(), Side::Response),
            ]
        );
    }

    #[test]
    fn schema_refs_and_resolve_follow_local_references() {
        let doc = json!({"components": {"parameters": {"P": {"name": "p"}}}});
        let refs = schema_refs(
            &json!({"allOf": [{"$ref": "#/components/schemas/A"}], "x": [{"$ref": "#/components/schemas/B"}]}),
        );
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(resolve(&doc, &json!({"$ref": "#/components/parameters/P"}))["name"], "p");
        assert_eq!(resolve(&doc, &json!({"$ref": "#/components/parameters/Q"})), &Value::Null);
    }
}
