//! Step 2: the spec handed to progenitor, made from the checked-in spec by the named [`rules`].
//!
//! [`rules`]: crate::rules

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::names::hook_name;
use crate::operations::operations;
use crate::rules::{self, ERROR_SCHEMA};
use crate::setters::{IntegerParameter, integer_parameters};
use crate::{Error, NativeType};

/// What [`normalize`] learned about the spec besides changing it.
#[derive(Debug, Default)]
pub struct Normalized {
    /// Method and path template of every operation of the checked-in spec (generated or
    /// hand-written), keyed by the name the hooks see in `OperationInfo::operation_id`.
    pub routes: BTreeMap<String, Route>,
    /// Messages for the build log.
    pub warnings: Vec<String>,
    /// Types the crate defines itself (open enums, unions, lists) in place of progenitor's.
    pub native: Vec<NativeType>,
    /// The fields rule `absent_means_none` made optional, as `(generated type, JSON name)`: the
    /// finish edit `reject_null_in_absent_means_none_fields` keeps a `null` in them an error.
    pub absent_means_none: BTreeSet<(String, String)>,
    /// What the spec says of each integer parameter, by (operation name, parameter name): the
    /// finish edit [`take_what_users_hold`](crate::setters::take_what_users_hold) checks
    /// ranges and takes times with it.
    pub integer_parameters: BTreeMap<(String, String), IntegerParameter>,
}

/// Where an operation is sent: what errors name and what the path checks compare against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method, upper case (`GET`).
    pub method: String,
    /// The spec's path template (`/users/{user_id}`).
    pub path: String,
}

/// Applies, in order, every rule by which the spec handed to progenitor departs from the
/// checked-in spec. This is the one place to read to know what the generator does not see.
///
/// # Errors
///
/// [`Error::Normalize`] when a rule cannot apply (the error schema is missing, a name a rule
/// needs is taken).
pub fn normalize(spec: &mut OpenAPI) -> Result<Normalized, Error> {
    let mut normalized = Normalized { routes: routes(spec), ..Normalized::default() };
    normalized.warnings.extend(rules::leave_out_multipart_operations(spec));
    // Of the operations progenitor generates: the others have no setters to check.
    normalized.integer_parameters = integer_parameters(spec);
    rules::decode_errors_in_the_crate(spec)?;
    // Unused schemas go before the decoding rules too, so they cannot collide with their names.
    rules::prune_unreachable_schemas(spec, &[ERROR_SCHEMA]);
    (normalized.native, normalized.absent_means_none) = apply_decoding_rules(spec)?;
    rules::prune_unreachable_schemas(spec, &[ERROR_SCHEMA]);
    Ok(normalized)
}

/// Records each operation's method and path template: the request hooks use the paths to tell
/// when a path parameter (`""`, `"."`, `".."`) made the URL address another endpoint, and each
/// generated `send()` names its operation by both in its errors.
fn routes(spec: &OpenAPI) -> BTreeMap<String, Route> {
    operations(spec)
        .filter_map(|(path, method, op)| {
            let route = Route { method: method.to_uppercase(), path: path.to_owned() };
            Some((hook_name(op.operation_id.as_deref()?), route))
        })
        .collect()
}

/// Runs the decoding rules in order, on the spec as JSON (they move and rewrite schemas). Rules
/// that replace schemas with crate-defined types run first, so the others see (and leave alone)
/// the references they put in their place. Returns the crate-defined types and the fields
/// `absent_means_none` relaxed.
fn apply_decoding_rules(spec: &mut OpenAPI) -> Result<DecodingRules, Error> {
    let mut doc = serde_json::to_value(&*spec)
        .map_err(|e| Error::Normalize(format!("cannot re-read the spec: {e}")))?;
    // Shapes first: the rules after them name types the way typify will.
    rules::named_response_schemas(&mut doc)?;
    rules::nullable_where_used(&mut doc);
    rules::merged_inline_all_of(&mut doc);
    rules::formats_kept_as_sent(&mut doc);
    let mut native = Vec::new();
    native.extend(rules::list_or_page(&mut doc)?);
    native.extend(rules::discriminated_unions(&mut doc)?);
    native.extend(rules::open_enums(&mut doc)?);
    rules::accept_unknown_fields(&mut doc);
    rules::unchecked_patterns(&mut doc);
    rules::no_presence_alternatives(&mut doc);
    let relaxed = rules::absent_means_none(&mut doc, &native);
    rules::always_written(&mut doc);
    rules::maps_sent_when_set(&mut doc);
    *spec = serde_json::from_value(doc)
        .map_err(|e| Error::Normalize(format!("a decoding rule broke the spec: {e}")))?;
    Ok((native, relaxed))
}

/// What [`apply_decoding_rules`] returns: the crate-defined types, and the fields
/// `absent_means_none` made optional.
type DecodingRules = (Vec<NativeType>, BTreeSet<(String, String)>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::our_spec;

    #[test]
    fn every_operation_of_our_spec_has_a_route_even_when_hand_written() {
        let mut spec = crate::load_spec("ours", &our_spec()).unwrap();
        let normalized = normalize(&mut spec).unwrap();
        assert_eq!(normalized.routes.len(), 35);
        assert_eq!(
            normalized.routes["set_user_profile_image"],
            Route { method: "POST".into(), path: "/users/{user_id}/profile_image".into() }
        );
        assert_eq!(
            normalized.routes["get_o_auth_access_token"],
            Route {
                method: "GET".into(),
                path: "/users/{user_id}/oauth_access_tokens/{provider}".into()
            }
        );
        assert!(normalized.warnings.is_empty(), "{:?}", normalized.warnings);
    }
}
