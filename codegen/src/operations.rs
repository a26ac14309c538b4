//! Reading and editing the operations of a spec: by path and method, and by slot so rules can
//! remove one.

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

/// Every operation with its path template and (lower-case) HTTP method.
pub fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &str, &Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(p, i)| Some((p, i.as_item()?)))
        .flat_map(|(path, item)| item.iter().map(move |(method, op)| (path.as_str(), method, op)))
}

/// Every operation, mutably, with its path template and (lower-case) HTTP method.
pub fn operations_mut(
    spec: &mut OpenAPI,
) -> impl Iterator<Item = (&str, &'static str, &mut Operation)> {
    spec.paths.paths.iter_mut().flat_map(|(path, item)| {
        let slots = match item {
            ReferenceOr::Item(item) => operation_slots(item),
            ReferenceOr::Reference { .. } => Vec::new(),
        };
        slots
            .into_iter()
            .filter_map(move |(method, slot)| Some((path.as_str(), method, slot.as_mut()?)))
    })
}

/// The operation slots of a path item, by (lower-case) method, so rules can remove or edit
/// operations.
pub fn operation_slots(item: &mut PathItem) -> Vec<(&'static str, &mut Option<Operation>)> {
    vec![
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

/// A copy of the spec with every component but only the operations `keep(path, method)` selects.
pub fn keep_operations(spec: &OpenAPI, keep: impl Fn(&str, &str) -> bool) -> OpenAPI {
    let mut copy = spec.clone();
    for (path, item) in copy.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in operation_slots(item) {
            if !keep(path, method) {
                *slot = None;
            }
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_spec;

    fn spec() -> OpenAPI {
        let text = tiny_spec(
            "  /things:
    get: {operationId: ListThings, responses: {'200': {description: ok}}}
    post: {operationId: PostThing, responses: {'200': {description: ok}}}
  /things/{id}:
    delete: {operationId: DeleteThing, responses: {'200': {description: ok}}}",
        );
        crate::load_spec("tiny", &text).unwrap()
    }

    #[test]
    fn operations_come_with_path_and_method() {
        let spec = spec();
        let found: Vec<(&str, &str, Option<&str>)> =
            operations(&spec).map(|(p, m, op)| (p, m, op.operation_id.as_deref())).collect();
        assert_eq!(
            found,
            [
                ("/things", "get", Some("ListThings")),
                ("/things", "post", Some("PostThing")),
                ("/things/{id}", "delete", Some("DeleteThing")),
            ]
        );
    }

    #[test]
    fn keep_operations_leaves_the_rest_out() {
        let kept = keep_operations(&spec(), |path, method| path == "/things" && method == "post");
        let ids: Vec<_> =
            operations(&kept).filter_map(|(_, _, op)| op.operation_id.clone()).collect();
        assert_eq!(ids, ["PostThing"]);
    }

    #[test]
    fn operations_mut_edits_in_place() {
        let mut spec = spec();
        for (_, method, op) in operations_mut(&mut spec) {
            op.summary = Some(method.to_uppercase());
        }
        let summaries: Vec<_> =
            operations(&spec).filter_map(|(_, _, op)| op.summary.clone()).collect();
        assert_eq!(summaries, ["GET", "POST", "DELETE"]);
    }
}
