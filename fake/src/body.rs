//! A JSON request body, read field by field with Clerk's errors for the wrong types.

use serde_json::{Map, Value};

use super::error::Failure;
use super::time::parse_rfc3339;

/// A field of a JSON request body.
pub(crate) enum Field<T> {
    Absent,
    Null,
    Set(T),
}

/// A JSON request body, read field by field with Clerk's errors for the wrong types.
pub(crate) struct Body(pub(crate) Map<String, Value>);

impl Body {
    /// Parses a body; an empty one is `{}`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Body, Failure> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        match serde_json::from_slice(bytes) {
            Ok(value) => Body::from_value(value),
            Err(error) => Err(Failure::body_invalid(format_args!("not JSON ({error})"))),
        }
    }

    pub(crate) fn from_value(value: Value) -> Result<Body, Failure> {
        match value {
            Value::Object(map) => Ok(Body(map)),
            _ => Err(Failure::body_invalid("it must be a JSON object")),
        }
    }

    /// 422 `form_param_unknown` for the first field not in `known`.
    pub(crate) fn allow_only(&self, known: &[&str]) -> Result<(), Failure> {
        match self.0.keys().find(|key| !known.contains(&key.as_str())) {
            Some(unknown) => Err(Failure::unknown_param(unknown)),
            None => Ok(()),
        }
    }

    pub(crate) fn string(&self, name: &str) -> Result<Field<String>, Failure> {
        match self.0.get(name) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(Value::String(s)) => Ok(Field::Set(s.clone())),
            Some(_) => Err(Failure::format_invalid(name, "a string")),
        }
    }

    /// A string where null means "not given".
    pub(crate) fn opt_string(&self, name: &str) -> Result<Option<String>, Failure> {
        Ok(match self.string(name)? {
            Field::Set(s) => Some(s),
            Field::Absent | Field::Null => None,
        })
    }

    /// A boolean where null means "not given".
    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Failure::format_invalid(name, "a boolean")),
        }
    }

    pub(crate) fn int(&self, name: &str) -> Result<Field<i64>, Failure> {
        match self.0.get(name) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(value) => value
                .as_i64()
                .map(Field::Set)
                .ok_or_else(|| Failure::format_invalid(name, "an integer")),
        }
    }

    /// An array of strings where null means "not given".
    pub(crate) fn strings(&self, name: &str) -> Result<Option<Vec<String>>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| Failure::format_invalid(name, "an array of strings")),
            Some(_) => Err(Failure::format_invalid(name, "an array of strings")),
        }
    }

    /// An object where null means "not given".
    pub(crate) fn object(&self, name: &str) -> Result<Option<&Map<String, Value>>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(Failure::format_invalid(name, "an object")),
        }
    }

    /// An RFC 3339 date-time, in Unix milliseconds; null means "not given".
    pub(crate) fn time(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.opt_string(name)? {
            None => Ok(None),
            Some(text) => parse_rfc3339(&text).map(Some).ok_or_else(|| {
                Failure::format_invalid(
                    name,
                    "an RFC 3339 date-time such as 2012-10-20T07:15:20.902Z",
                )
            }),
        }
    }
}
