//! Rule `prune_unreachable_schemas`.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::schema_walk::schema_refs;

/// Rule: component schemas that no kept operation (nor `roots`, such as the crate's error
/// decoder's schema) can reach are dropped, since progenitor generates a type for every schema in
/// `components` (a full Clerk spec would add hundreds of unused types to the crate).
pub fn prune_unreachable_schemas(spec: &mut OpenAPI, roots: &[&str]) {
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let schemas: BTreeMap<String, Value> = components
        .schemas
        .iter()
        .filter_map(|(name, s)| Some((name.clone(), serde_json::to_value(s).ok()?)))
        .collect();
    let mut others = serde_json::to_value(&spec.paths).unwrap_or_default();
    // Responses, parameters and bodies are reached through paths; scan them all, they are small.
    for part in [
        serde_json::to_value(&components.responses),
        serde_json::to_value(&components.parameters),
        serde_json::to_value(&components.request_bodies),
    ] {
        if let (Ok(part), Value::Object(map)) = (part, &mut others) {
            map.insert(format!("#{}", map.len()), part);
        }
    }
    let mut reachable: BTreeSet<String> = roots.iter().map(|r| r.to_string()).collect();
    let mut pending: Vec<String> =
        schema_refs(&others).into_iter().chain(reachable.clone()).collect();
    while let Some(name) = pending.pop() {
        reachable.insert(name.clone());
        if let Some(schema) = schemas.get(&name) {
            pending.extend(schema_refs(schema).into_iter().filter(|r| !reachable.contains(r)));
        }
    }
    components.schemas.retain(|name, _| reachable.contains(name));
}

#[cfg(test)]
mod tests {
    use crate::test_support::tiny_spec;
    use crate::{load_spec, normalize};

    #[test]
    fn unreachable_schemas_are_pruned_but_the_error_schema_is_kept() {
        let mut spec = load_spec(
            "tiny",
            &tiny_spec(
                "  /things:
    get:
      operationId: ListThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}",
            ),
        )
        .unwrap();
        let components = spec.components.as_mut().unwrap();
        components.schemas.insert(
            "Thing".to_owned(),
            serde_yaml::from_str(
                "{type: object, properties: {part: {$ref: '#/components/schemas/Part'}}}",
            )
            .unwrap(),
        );
        components
            .schemas
            .insert("Part".to_owned(), serde_yaml::from_str("{type: string}").unwrap());

        normalize(&mut spec).unwrap();

        let kept: Vec<&String> = spec.components.as_ref().unwrap().schemas.keys().collect();
        assert_eq!(kept, ["ClerkErrors", "Thing", "Part"]);
    }
}
