//! Rule `leave_out_multipart_operations`.

use openapiv3::{OpenAPI, ReferenceOr, RequestBody};

use crate::operations::operation_slots;

/// Operations the crate writes by hand because progenitor cannot generate them;
/// `src/profile_image.rs` implements this one.
pub const HAND_WRITTEN: &[&str] = &["SetUserProfileImage"];

/// Request body media types progenitor 0.15 can generate (`BodyContentType::from_str`).
const GENERATED_BODY_TYPES: &[&str] = &[
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

/// Rule: operations whose request body progenitor cannot encode are left out of the generated
/// client (fact sheet hazard 1: `multipart/form-data` fails the whole generation with
/// "unexpected content type"). The crate writes them by hand ([`HAND_WRITTEN`]); any other such
/// operation is reported as a build warning (returned) rather than failing the build.
pub fn leave_out_multipart_operations(spec: &mut OpenAPI) -> Vec<String> {
    let request_bodies =
        spec.components.as_ref().map(|c| c.request_bodies.clone()).unwrap_or_default();
    let mut warnings = Vec::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in operation_slots(item) {
            let Some(op) = slot else { continue };
            let body = match &op.request_body {
                Some(ReferenceOr::Item(body)) => Some(body.clone()),
                Some(ReferenceOr::Reference { reference }) => reference
                    .rsplit('/')
                    .next()
                    .and_then(|name| request_bodies.get(name))
                    .and_then(|b| b.as_item().cloned()),
                None => None,
            };
            let Some(body) = body else { continue };
            if generated(&body) {
                continue;
            }
            let id = op.operation_id.clone().unwrap_or_default();
            if !HAND_WRITTEN.contains(&id.as_str()) {
                let media: Vec<_> = body.content.keys().cloned().collect();
                warnings.push(format!(
                    "operation {id} ({} {path}) is left out of the client: the generator cannot \
                     encode a {} request body",
                    method.to_uppercase(),
                    media.join(" or ")
                ));
            }
            *slot = None;
        }
    }
    warnings
}

/// Whether progenitor can encode one of the body's media types (parameters such as `; charset`
/// aside).
fn generated(body: &RequestBody) -> bool {
    body.content.keys().any(|media| {
        let essence = media.split(';').next().unwrap_or_default().trim();
        GENERATED_BODY_TYPES.contains(&essence)
    })
}

#[cfg(test)]
mod tests {
    use crate::operations::operations;
    use crate::test_support::{our_spec, tiny_spec};
    use crate::{load_spec, normalize};

    fn operation_ids(spec: &openapiv3::OpenAPI) -> Vec<String> {
        operations(spec).filter_map(|(_, _, op)| op.operation_id.clone()).collect()
    }

    #[test]
    fn multipart_operations_are_left_out_and_unknown_ones_reported() {
        let mut spec = load_spec("ours", &our_spec()).unwrap();
        let normalized = normalize(&mut spec).unwrap();
        let ids = operation_ids(&spec);
        assert_eq!(ids.len(), 34);
        assert!(!ids.contains(&"SetUserProfileImage".to_owned()));
        assert_eq!(normalized.routes.len(), 35);
        assert!(normalized.warnings.is_empty());

        let mut spec = load_spec(
            "tiny",
            &tiny_spec(
                "  /things/{id}/file:
    put:
      operationId: PutThingFile
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses:
        '200': {description: ok}",
            ),
        )
        .unwrap();
        let normalized = normalize(&mut spec).unwrap();
        assert!(operation_ids(&spec).is_empty());
        assert_eq!(
            normalized.warnings,
            ["operation PutThingFile (PUT /things/{id}/file) is left out of the client: the \
                 generator cannot encode a multipart/form-data request body"]
        );
    }
}
