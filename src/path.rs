//! Path parameters: how they are encoded, and the check that they address the intended endpoint.
//!
//! Every path parameter (`user_id`, `provider`) is percent-encoded as exactly one path segment,
//! so `a/b`, `?`, `#`, `%`, `\` and non-ASCII text reach Clerk as part of the id. Three values
//! cannot be encoded that way: `""`, `"."` and `".."`. URL parsers treat the last two (even
//! percent-encoded) as "this directory" and "parent directory", so `get_user("..")` would become
//! `GET /` and `get_user("")` would become `GET /users/`, which lists users. [`check`] runs in the
//! request hook and refuses such a request before it is sent.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters escaped in a path segment: progenitor's set (the WHATWG path-segment set plus `/`
/// and `%`) and `\`, which URL parsers read as `/` in `http(s)` URLs.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

/// Percent-encodes one path parameter. The generated code calls this (the code generator routes
/// its `encode_path` import here), and so does the hand-written profile-image upload.
pub(crate) fn encode_path(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// Checks that a request URL still addresses its operation's endpoint. Returns a message naming
/// the parameter(s) otherwise.
///
/// Two things can make it address another one, everything else being encoded: a path parameter of
/// `""`, `"."` or `".."` (the URL's shape breaks), and one equal to a literal segment of another
/// route (`get_user("count")` is `GET /users/count`, the user count; `delete_user("ban")` would be
/// `/users/ban`, the bulk ban's path).
///
/// `base_path` is the path of the client's base URL without a trailing slash (`/v1`).
pub(crate) fn check(base_path: &str, url_path: &str, operation: &str) -> Result<(), String> {
    let Some(template) = template(operation) else {
        return Err(format!("no path template is known for operation {operation}"));
    };
    let expected: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = match url_path.strip_prefix(base_path) {
        Some(rest) => rest.split('/').collect(),
        None => Vec::new(),
    };
    if !fits(&expected, &actual) {
        return Err(broken_shape(operation, &expected, &actual));
    }
    // A route with more literal segments that also fits is the one a server would pick.
    let literals = |segments: &[&str]| segments.iter().filter(|s| !s.contains('{')).count();
    for (_, other) in crate::generated::OPERATION_PATHS {
        let other: Vec<&str> = other.split('/').collect();
        if other != expected && literals(&other) > literals(&expected) && fits(&other, &actual) {
            let (parameter, value) = expected
                .iter()
                .zip(&other)
                .zip(&actual)
                .find(|((want, theirs), _)| want.contains('{') && !theirs.contains('{'))
                .map(|((want, _), got)| (parameter_name(want).unwrap_or(want), *got))
                .unwrap_or(("a path parameter", ""));
            return Err(format!(
                "invalid path parameter for {operation}: {parameter} {value:?} would make the \
                 request address {} instead",
                other.join("/")
            ));
        }
    }
    Ok(())
}

/// Whether the URL's segments fit a template's: literals equal, parameters non-empty.
fn fits(expected: &[&str], actual: &[&str]) -> bool {
    actual.len() == expected.len()
        && expected.iter().zip(actual).all(|(want, got)| segment_fits(want, got))
}

/// One segment: a literal must be equal; a segment with parameters (`{id}`, `{id}.json`) must
/// keep its literal start and end and give each parameter at least one character.
fn segment_fits(want: &str, got: &str) -> bool {
    let (Some(open), Some(close)) = (want.find('{'), want.rfind('}')) else {
        return want == got;
    };
    let (prefix, suffix) = (&want[..open], &want[close + 1..]);
    let literal_length = want.len()
        - want.match_indices('{').count() * 2
        - parameter_names(want).map(str::len).sum::<usize>();
    got.starts_with(prefix) && got.ends_with(suffix) && got.len() > literal_length
}

/// The message for a URL whose shape no longer fits its template.
fn broken_shape(operation: &str, expected: &[&str], actual: &[&str]) -> String {
    let mut culprits: Vec<&str> = expected
        .iter()
        .zip(actual)
        .filter(|(want, got)| got.is_empty() && want.contains('{'))
        .flat_map(|(want, _)| parameter_names(want))
        .collect();
    if culprits.is_empty() || actual.len() != expected.len() {
        culprits = expected.iter().flat_map(|s| parameter_names(s)).collect();
    }
    let subject = match culprits.as_slice() {
        [one] => format!("{one} must not be"),
        many => format!("none of {} may be", many.join(", ")),
    };
    format!(
        "invalid path parameter for {operation}: {subject} empty, \".\" or \"..\" (the request \
         would address another endpoint)"
    )
}

/// The path template of a generated or hand-written operation, from the table the code generator
/// writes.
pub(crate) fn template(operation: &str) -> Option<&'static str> {
    crate::generated::OPERATION_PATHS
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, template)| *template)
}

/// `Some("user_id")` for a template segment `{user_id}` (the first parameter of the segment).
fn parameter_name(segment: &str) -> Option<&str> {
    parameter_names(segment).next()
}

/// The parameter names in a template segment: `["id"]` for `{id}.json`.
fn parameter_names(segment: &str) -> impl Iterator<Item = &str> {
    segment.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters_as_one_segment() {
        assert_eq!(encode_path("user_2abc"), "user_2abc");
        assert_eq!(encode_path("a/b"), "a%2Fb");
        assert_eq!(encode_path("a\\b"), "a%5Cb");
        assert_eq!(encode_path("?#%"), "%3F%23%25");
        assert_eq!(encode_path("ü ñ"), "%C3%BC%20%C3%B1");
        assert_eq!(encode_path(".."), "..");
    }

    #[test]
    fn accepts_urls_of_the_right_shape() {
        assert_eq!(check("/v1", "/v1/users/user_1", "get_user"), Ok(()));
        assert_eq!(check("", "/users/a%2Fb", "get_user"), Ok(()));
        assert_eq!(
            check("/v1", "/v1/users/u/oauth_access_tokens/google", "get_o_auth_access_token"),
            Ok(())
        );
        assert_eq!(check("/v1", "/v1/users/u/profile_image", "set_user_profile_image"), Ok(()));
    }

    #[test]
    fn names_the_parameter_that_broke_the_shape() {
        // get_user("") -> /v1/users/ ; get_user("..") -> /v1/
        for path in ["/v1/users/", "/v1/"] {
            let error = check("/v1", path, "get_user").unwrap_err();
            assert!(error.contains("user_id must not be empty"), "{error}");
        }
        let error = check("/v1", "/v1/users/u/oauth_access_tokens/", "get_o_auth_access_token")
            .unwrap_err();
        assert!(error.contains("provider must not be"), "{error}");
        let error =
            check("/v1", "/v1/oauth_access_tokens/google", "get_o_auth_access_token").unwrap_err();
        assert!(error.contains("none of user_id, provider may be"), "{error}");
    }

    #[test]
    fn ids_equal_to_a_sibling_route_are_refused() {
        let error = check("/v1", "/v1/users/count", "get_user").unwrap_err();
        assert_eq!(
            error,
            "invalid path parameter for get_user: user_id \"count\" would make the request \
             address /users/count instead"
        );
        // The count operation itself is fine, and so are ids merely starting with the literal.
        assert_eq!(check("/v1", "/v1/users/count", "get_users_count"), Ok(()));
        assert_eq!(check("/v1", "/v1/users/counts", "get_user"), Ok(()));
        // The bulk ban and unban are literal siblings of every one-segment user route.
        for (id, operation) in [("ban", "users_ban"), ("unban", "users_unban")] {
            for user_route in ["get_user", "update_user", "delete_user"] {
                let error = check("/v1", &format!("/v1/users/{id}"), user_route).unwrap_err();
                assert_eq!(
                    error,
                    format!(
                        "invalid path parameter for {user_route}: user_id \"{id}\" would make \
                         the request address /users/{id} instead"
                    )
                );
            }
            assert_eq!(check("/v1", &format!("/v1/users/{id}"), operation), Ok(()));
        }
        // `/users/ban/ban` is the ban of user "ban": no route has more literals there.
        assert_eq!(check("/v1", "/v1/users/ban/ban", "ban_user"), Ok(()));
    }

    #[test]
    fn segments_mixing_literals_and_parameters() {
        assert!(segment_fits("{id}.json", "u1.json"));
        assert!(!segment_fits("{id}.json", ".json"));
        assert!(!segment_fits("{id}.json", "u1.xml"));
        assert!(segment_fits("v{major}.{minor}", "v1.2"));
        assert!(!segment_fits("v{major}.{minor}", "v."));
        assert_eq!(parameter_names("v{major}.{minor}").collect::<Vec<_>>(), ["major", "minor"]);
    }

    #[test]
    fn unknown_operations_are_refused() {
        assert!(check("", "/users", "no_such_operation").is_err());
    }
}
