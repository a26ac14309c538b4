//! Rule `list_or_page`.

use serde_json::{Value, json};

use crate::names::pascal;
use crate::schema_walk::resolve;
use crate::{Error, NativeType};

/// Rule: an array response of an operation with a `paginated` query parameter also decodes from
/// the `{data, total_count}` page that `paginated=true` returns, which the spec does not declare
/// (the client's `list_or_page!`; fact sheet hazard 9). Its items become a named schema.
///
/// # Errors
///
/// [`Error::Normalize`] when the items' name (`<List>Item`) is already a component's.
pub fn list_or_page(doc: &mut Value) -> Result<Vec<NativeType>, Error> {
    let mut native = Vec::new();
    for component in paginated_responses(doc) {
        let pointer =
            format!("/components/schemas/{}", component.replace('~', "~0").replace('/', "~1"));
        let Some(schema) = doc.pointer_mut(&pointer) else {
            continue;
        };
        if schema.get("type") != Some(&json!("array")) {
            continue;
        }
        let name = pascal(&component);
        let item = format!("{name}Item");
        let doc_text = schema
            .get("description")
            .and_then(Value::as_str)
            .map_or_else(|| format!("`{name}`"), str::to_owned);
        let items = std::mem::replace(
            &mut schema["items"],
            json!({"$ref": format!("#/components/schemas/{item}")}),
        );
        if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
        {
            if schemas.contains_key(&item) {
                return Err(Error::Normalize(format!(
                    "rule list_or_page: components.schemas.{item} already exists"
                )));
            }
            schemas.insert(item.clone(), items);
        }
        native.push(NativeType::ListOrPage { name, doc: doc_text, item });
    }
    Ok(native)
}

/// Component schemas that answer (200) an operation with a `paginated` query parameter, sorted.
fn paginated_responses(doc: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for op in paths.values().filter_map(Value::as_object).flat_map(|item| item.values()) {
        let paginated = op.get("parameters").and_then(Value::as_array).is_some_and(|ps| {
            ps.iter().map(|p| resolve(doc, p)).any(|p| {
                p.get("name") == Some(&json!("paginated")) && p.get("in") == Some(&json!("query"))
            })
        });
        let Some(response) = op.pointer("/responses/200").filter(|_| paginated) else {
            continue;
        };
        let response = resolve(doc, response);
        let schema_ref =
            response.pointer("/content/application~1json/schema/$ref").and_then(Value::as_str);
        if let Some(name) = schema_ref.and_then(|r| r.strip_prefix("#/components/schemas/")) {
            found.push(name.to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use crate::NativeType;
    use crate::test_support::normalized_thing;

    #[test]
    fn rule_list_or_page_reads_arrays_answered_to_paginated() {
        let (spec, normalized) = normalized_thing(
            "{type: array, items: {type: object, properties: {token: {type: string}}}}",
            "{type: object}",
            true,
        );
        assert_eq!(
            spec["components"]["schemas"]["Thing"]["items"],
            serde_json::json!({"$ref": "#/components/schemas/ThingItem"})
        );
        assert!(normalized.native.contains(&NativeType::ListOrPage {
            name: "Thing".to_owned(),
            doc: "`Thing`".to_owned(),
            item: "ThingItem".to_owned()
        }));

        // Without a `paginated` parameter an array stays an array.
        let (_, normalized) =
            normalized_thing("{type: array, items: {type: string}}", "{type: object}", false);
        assert!(normalized.native.is_empty());
    }
}
