//! Fuzzing the decoders with mutated fixture bodies: whatever a response carries, decoding
//! answers `Ok` or `Err`, never a panic (issue 10).
//!
//! Each case starts from a body in `tests/fixtures/`, mutates its JSON tree (a value's type
//! flipped, a member dropped, duplicated or renamed, a value nested up to 200 levels deep, a
//! string or a number swapped for an odd one), then its bytes (cut short, invalid UTF-8 inserted,
//! a byte flipped), and feeds the result to every typed response decoder, to [`RawUser`], and,
//! through a client and a local server, to the error decoder and `Retry-After`. Besides "no
//! panic" the properties check:
//!
//! - a decoded value serializes, and what it writes decodes back to the same value;
//! - a [`RawUser`] keeps the text byte for byte and agrees with the typed decoder;
//! - mutations that cannot make a body invalid (an unknown member, another string where a string
//!   was, a missing array or nullable field, members reordered, whitespace) still decode:
//!   forward compatibility is a feature (`openapi/README.md`, "Decoding rules");
//! - through a client, an error body that decodes as Clerk's document is that document, one that
//!   is not JSON or was cut off is text, the error's `Display` is one line that never quotes a
//!   body that is not Clerk's JSON, and the trace id and `Retry-After` read right; a success body
//!   is the user the typed decoder makes of it, or a decoding error carrying the body.
//!
//! The error decoder and `Retry-After` parsing are also fuzzed directly, by the `fuzz` unit tests
//! in `src/error.rs`, and retry waits in `src/retry.rs`.
//!
//! # Running longer
//!
//! `cargo test` runs 256 cases of each property, about 10 seconds in all in a debug build. For a
//! long run, set the number of cases and build with optimizations:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p clerk-users --test fuzz --release
//! PROPTEST_CASES=100000 cargo test -p clerk-users --lib --release fuzz
//! ```
//!
//! A failure is shrunk to a small input, printed, and its seed saved in `proptest-regressions/`
//! (committed): every later run replays the saved seeds first. Fix the bug, then add the shrunk
//! input as a plain regression test beside the code.

mod support;

use std::any::type_name;
use std::fmt::Debug;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use clerk_users::pagination::RawUser;
use clerk_users::{Client, Error, ErrorBody, types};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Personal data that must never show in an error's `Display` or `Debug` when it sits in a body
/// that is not Clerk's JSON.
const CANARY: &str = "ada.lovelace@example.com";

/// The run's configuration: the default number of cases (256, or `PROPTEST_CASES`), and failures
/// saved where `cargo test` runs from (the crate's root).
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz.txt",
        ))),
        ..ProptestConfig::default()
    }
}

// ===== the fixtures =====

/// What a fixture is the body of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    User,
    UserList,
    Count,
    Deleted,
    DisableMfa,
    VerifyPassword,
    VerifyTotp,
    OAuthTokens,
    Memberships,
    Subscription,
    CreditBalance,
    CreditLedger,
    Invitations,
    TrustedDevices,
    TrustedDevice,
    Errors,
    /// A proxy's HTML page.
    NotJson,
}

impl Kind {
    fn of(name: &str) -> Kind {
        const PREFIXES: &[(&str, Kind)] = &[
            ("user_list_", Kind::UserList),
            ("users_count", Kind::Count),
            ("user_", Kind::User),
            ("deleted_", Kind::Deleted),
            ("disable_mfa", Kind::DisableMfa),
            ("verify_password", Kind::VerifyPassword),
            ("verify_totp", Kind::VerifyTotp),
            ("oauth_access_tokens", Kind::OAuthTokens),
            ("organization_memberships", Kind::Memberships),
            ("billing_subscription_", Kind::Subscription),
            ("billing_credit_balance", Kind::CreditBalance),
            ("billing_credit_ledger", Kind::CreditLedger),
            ("organization_invitations_", Kind::Invitations),
            ("trusted_devices_", Kind::TrustedDevices),
            ("trusted_device_", Kind::TrustedDevice),
            ("error_", Kind::Errors),
        ];
        if !name.ends_with(".json") {
            return Kind::NotJson;
        }
        let found = PREFIXES.iter().find(|(prefix, _)| name.starts_with(prefix));
        found.unwrap_or_else(|| panic!("{name}: which response is this?")).1
    }

    /// The decoders for the response the fixture is the body of.
    fn decoders(self) -> &'static [Decoder] {
        match self {
            Kind::User => &[Decoder::User, Decoder::RawUser],
            Kind::UserList => &[Decoder::Users, Decoder::RawUsers],
            Kind::Count => &[Decoder::TotalCount],
            Kind::Deleted => &[Decoder::DeletedObject],
            Kind::DisableMfa => &[Decoder::DisableMfa],
            Kind::VerifyPassword => &[Decoder::VerifyPassword],
            Kind::VerifyTotp => &[Decoder::VerifyTotp],
            Kind::OAuthTokens => &[Decoder::OAuthTokens],
            Kind::Memberships => &[Decoder::Memberships],
            Kind::Subscription => &[Decoder::Subscription],
            Kind::CreditBalance => &[Decoder::CreditBalance],
            Kind::CreditLedger => &[Decoder::CreditLedger],
            Kind::Invitations => &[Decoder::Invitations],
            Kind::TrustedDevices => &[Decoder::TrustedDevices],
            Kind::TrustedDevice => &[Decoder::TrustedDevice],
            // The typed `ClerkErrors` requires each error's `code`, `message` and
            // `long_message`; the crate's error decoder does not (see `error_responses…` below).
            Kind::Errors => &[Decoder::ClerkErrors],
            Kind::NotJson => &[],
        }
    }
}

#[derive(Debug)]
struct Fixture {
    name: String,
    kind: Kind,
    bytes: Vec<u8>,
    /// The parsed body, for JSON fixtures.
    json: Option<Json>,
}

/// Every file in `tests/fixtures/`, by name.
static FIXTURES: LazyLock<Vec<Fixture>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut fixtures: Vec<Fixture> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| {
            let path = entry.expect("a readable fixtures directory").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            let kind = Kind::of(&name);
            let json = (kind != Kind::NotJson).then(|| {
                let value =
                    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                Json::from_value(&value)
            });
            Fixture { name, kind, bytes, json }
        })
        .collect();
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    fixtures
});

fn fixture(kinds: &'static [Kind]) -> impl Strategy<Value = &'static Fixture> {
    let chosen: Vec<&'static Fixture> =
        FIXTURES.iter().filter(|f| kinds.is_empty() || kinds.contains(&f.kind)).collect();
    prop::sample::select(chosen)
}

const JSON_KINDS: &[Kind] = &[
    Kind::User,
    Kind::UserList,
    Kind::Count,
    Kind::Deleted,
    Kind::DisableMfa,
    Kind::VerifyPassword,
    Kind::VerifyTotp,
    Kind::OAuthTokens,
    Kind::Memberships,
    Kind::Subscription,
    Kind::CreditBalance,
    Kind::CreditLedger,
    Kind::Invitations,
    Kind::TrustedDevices,
    Kind::TrustedDevice,
    Kind::Errors,
];

// ===== the decoders =====

/// A response decoder of the crate, and the checks that hold whenever it decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decoder {
    User,
    Users,
    RawUser,
    RawUsers,
    TotalCount,
    DeletedObject,
    DisableMfa,
    VerifyPassword,
    VerifyTotp,
    OAuthTokens,
    Memberships,
    Subscription,
    CreditBalance,
    CreditLedger,
    Invitations,
    TrustedDevices,
    TrustedDevice,
    ClerkErrors,
}

impl Decoder {
    const ALL: [Decoder; 18] = [
        Decoder::User,
        Decoder::Users,
        Decoder::RawUser,
        Decoder::RawUsers,
        Decoder::TotalCount,
        Decoder::DeletedObject,
        Decoder::DisableMfa,
        Decoder::VerifyPassword,
        Decoder::VerifyTotp,
        Decoder::OAuthTokens,
        Decoder::Memberships,
        Decoder::Subscription,
        Decoder::CreditBalance,
        Decoder::CreditLedger,
        Decoder::Invitations,
        Decoder::TrustedDevices,
        Decoder::TrustedDevice,
        Decoder::ClerkErrors,
    ];

    /// Decodes `body`, checks what holds of a decoded value, and returns it as JSON (`None` when
    /// the body did not decode).
    fn check(self, body: &[u8]) -> Result<Option<Value>, TestCaseError> {
        match self {
            Decoder::User => typed::<types::User>(body),
            Decoder::Users => typed::<Vec<types::User>>(body),
            Decoder::RawUser => raw_user(body),
            Decoder::RawUsers => raw_users(body),
            Decoder::TotalCount => typed::<types::TotalCount>(body),
            Decoder::DeletedObject => typed::<types::DeletedObject>(body),
            Decoder::DisableMfa => typed::<types::DisableMfaResponse>(body),
            Decoder::VerifyPassword => typed::<types::VerifyPasswordResponse>(body),
            Decoder::VerifyTotp => typed::<types::VerifyTotpResponse>(body),
            Decoder::OAuthTokens => typed::<types::OAuthAccessToken>(body),
            Decoder::Memberships => typed::<types::OrganizationMemberships>(body),
            Decoder::Subscription => typed::<types::CommerceSubscription>(body),
            Decoder::CreditBalance => typed::<types::CommerceCreditBalanceResponse>(body),
            Decoder::CreditLedger => typed::<types::CommerceCreditLedgerResponse>(body),
            Decoder::Invitations => {
                typed::<types::OrganizationInvitationsWithPublicOrganizationData>(body)
            }
            Decoder::TrustedDevices => typed::<types::TrustedDeviceList>(body),
            Decoder::TrustedDevice => typed::<types::TrustedDevice>(body),
            Decoder::ClerkErrors => typed::<types::ClerkErrors>(body),
        }
    }
}

/// A typed decoder: a decoded value formats, serializes, and what it writes decodes back to the
/// same value.
fn typed<T>(body: &[u8]) -> Result<Option<Value>, TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let Ok(decoded) = serde_json::from_slice::<T>(body) else {
        return Ok(None);
    };
    let name = type_name::<T>();
    let _ = format!("{decoded:?}");
    let written = serde_json::to_vec(&decoded)
        .map_err(|e| TestCaseError::fail(format!("{name} does not serialize: {e}")))?;
    let again = serde_json::from_slice::<T>(&written).map_err(|e| {
        TestCaseError::fail(format!("{name} wrote what it cannot decode: {e}\n{}", lossy(&written)))
    })?;
    let (json, json_again) = (to_json(&decoded)?, to_json(&again)?);
    prop_assert!(
        same_json(&json, &json_again),
        "{name} changed in a round trip:\n{json}\n{json_again}"
    );
    Ok(Some(json))
}

/// [`RawUser`]: the text is kept byte for byte and written back byte for byte; it holds the id
/// and creation time the typed user has, and decodes into one exactly when the typed decoder
/// decodes the body.
fn raw_user(body: &[u8]) -> Result<Option<Value>, TestCaseError> {
    let Ok(raw) = serde_json::from_slice::<RawUser>(body) else {
        return Ok(None);
    };
    prop_assert_eq!(raw.json().as_bytes(), trim_whitespace(body));
    prop_assert_eq!(serde_json::to_vec(&raw).map_err(fail)?, raw.json().as_bytes());
    raw_user_agrees(&raw, serde_json::from_slice::<types::User>(body).ok())?;
    Ok(Some(raw.to_value().unwrap_or(Value::Null)))
}

fn raw_users(body: &[u8]) -> Result<Option<Value>, TestCaseError> {
    let Ok(raws) = serde_json::from_slice::<Vec<RawUser>>(body) else {
        return Ok(None);
    };
    let again: Vec<RawUser> = serde_json::from_slice(&serde_json::to_vec(&raws).map_err(fail)?)
        .map_err(|e| {
            TestCaseError::fail(format!("raw users wrote what they cannot decode: {e}"))
        })?;
    prop_assert_eq!(&again, &raws);
    match serde_json::from_slice::<Vec<types::User>>(body) {
        Ok(users) => {
            prop_assert_eq!(users.len(), raws.len());
            for (raw, user) in raws.iter().zip(users) {
                raw_user_agrees(raw, Some(user))?;
            }
        }
        // The same texts: some user among them is not one the types can decode.
        Err(_) => prop_assert!(raws.iter().any(|raw| raw.to_user().is_err())),
    }
    Ok(Some(Value::Array(raws.iter().map(|r| r.to_value().unwrap_or(Value::Null)).collect())))
}

fn raw_user_agrees(raw: &RawUser, typed: Option<types::User>) -> Result<(), TestCaseError> {
    let _ = format!("{raw:?}");
    prop_assert_eq!(raw.to_user().ok(), typed.clone());
    if let Some(user) = &typed {
        prop_assert_eq!(raw.id(), user.id.as_str());
        prop_assert_eq!(raw.created_at(), user.created_at);
    }
    // `to_value` fails only where serde_json's `Value` is stricter than the raw text, which is
    // read without building anything: nesting deeper than 127 levels, and a number out of a
    // double's range, such as `1e400`, in a member the raw user does not read.
    if let Err(e) = raw.to_value() {
        let message = e.to_string();
        prop_assert!(
            message.starts_with("recursion limit exceeded")
                || message.starts_with("number out of range"),
            "{message}"
        );
    }
    Ok(())
}

fn to_json(value: &impl Serialize) -> Result<Value, TestCaseError> {
    serde_json::to_value(value).map_err(fail)
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// `bytes` without JSON's whitespace at either end.
fn trim_whitespace(bytes: &[u8]) -> &[u8] {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// JSON equality, up to the last bits of a float: serde_json parses floats to the nearest
/// double only with its `float_roundtrip` feature, which this crate does not turn on.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 1e-300_f64.max(4.0 * f64::EPSILON * x.abs().max(y.abs()))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

// ===== the mutations =====

/// A JSON tree that may hold what `serde_json::Value` cannot: duplicate keys and number
/// literals of any size.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    /// The literal, as written.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn from_value(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Num(n.to_string()),
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(items) => Json::Arr(items.iter().map(Json::from_value).collect()),
            Value::Object(members) => {
                Json::Obj(members.iter().map(|(k, v)| (k.clone(), Json::from_value(v))).collect())
            }
        }
    }

    /// Writes the tree; `spaced` puts a space after each `,` and `:` and a newline after each
    /// `[` and `{`.
    fn write(&self, out: &mut Vec<u8>, spaced: bool) {
        let string = |out: &mut Vec<u8>, s: &str| {
            serde_json::to_writer(out, s).expect("a string serializes");
        };
        let (comma, colon, open): (&[u8], &[u8], &[u8]) =
            if spaced { (b", ", b": ", b"\n") } else { (b",", b":", b"") };
        match self {
            Json::Null => out.extend_from_slice(b"null"),
            Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Json::Num(literal) => out.extend_from_slice(literal.as_bytes()),
            Json::Str(s) => string(out, s),
            Json::Arr(items) => {
                out.push(b'[');
                out.extend_from_slice(open);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(comma);
                    }
                    item.write(out, spaced);
                }
                out.push(b']');
            }
            Json::Obj(members) => {
                out.push(b'{');
                out.extend_from_slice(open);
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(comma);
                    }
                    string(out, key);
                    out.extend_from_slice(colon);
                    value.write(out, spaced);
                }
                out.push(b'}');
            }
        }
    }

    /// The node at `path` (array positions and member positions from the root).
    fn at_mut(&mut self, path: &[usize]) -> &mut Json {
        path.iter().fold(self, |node, &i| match node {
            Json::Arr(items) => &mut items[i],
            Json::Obj(members) => &mut members[i].1,
            _ => unreachable!("paths lead through containers"),
        })
    }

    /// The paths of the nodes `keep` accepts, given each node, its key (for an object's member)
    /// and its depth.
    fn paths(&self, keep: &dyn Fn(&Json, Option<&str>, usize) -> bool) -> Vec<Vec<usize>> {
        fn walk(
            node: &Json,
            key: Option<&str>,
            path: &mut Vec<usize>,
            keep: &dyn Fn(&Json, Option<&str>, usize) -> bool,
            found: &mut Vec<Vec<usize>>,
        ) {
            if keep(node, key, path.len()) {
                found.push(path.clone());
            }
            let children: Vec<(Option<&str>, &Json)> = match node {
                Json::Arr(items) => items.iter().map(|item| (None, item)).collect(),
                Json::Obj(members) => members.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
                _ => Vec::new(),
            };
            for (i, (key, child)) in children.into_iter().enumerate() {
                path.push(i);
                walk(child, key, path, keep, found);
                path.pop();
            }
        }
        let mut found = Vec::new();
        walk(self, None, &mut Vec::new(), keep, &mut found);
        found
    }

    /// The path of one of the nodes `keep` accepts, chosen by `at`.
    fn pick(
        &self,
        at: &Index,
        keep: &dyn Fn(&Json, Option<&str>, usize) -> bool,
    ) -> Option<Vec<usize>> {
        let paths = self.paths(keep);
        (!paths.is_empty()).then(|| paths[at.index(paths.len())].clone())
    }

    /// The members of the object holding the member at `path`, and the member's position.
    fn parent_members(&mut self, path: &[usize]) -> (&mut Vec<(String, Json)>, usize) {
        let (last, parent) = path.split_last().expect("a member is not the root");
        match self.at_mut(parent) {
            Json::Obj(members) => (members, *last),
            _ => unreachable!("members are in objects"),
        }
    }

    fn kind(&self) -> usize {
        match self {
            Json::Null => 0,
            Json::Bool(_) => 1,
            Json::Num(_) => 2,
            Json::Str(_) => 3,
            Json::Arr(_) => 4,
            Json::Obj(_) => 5,
        }
    }

    /// The value with its type flipped to the `to`-th of the five other types, made from the
    /// value where that makes sense: `"123"` for `123`, `1` for `true`, `[x]` for `x`.
    fn flipped(self, to: usize) -> Json {
        let kind = (self.kind() + 1 + to % 5) % 6;
        let len = |json: &Json| match json {
            Json::Str(s) => s.chars().count(),
            Json::Arr(items) => items.len(),
            Json::Obj(members) => members.len(),
            _ => 0,
        };
        match (kind, self) {
            (0, _) => Json::Null,
            (1, Json::Null) => Json::Bool(false),
            (1, Json::Num(n)) => Json::Bool(n != "0"),
            (1, other) => Json::Bool(len(&other) > 0),
            (2, Json::Bool(b)) => Json::Num(u8::from(b).to_string()),
            (2, Json::Str(s)) if s.parse::<f64>().is_ok_and(f64::is_finite) => Json::Num(s),
            (2, other) => Json::Num(len(&other).to_string()),
            (3, Json::Null) => Json::Str("null".to_owned()),
            (3, Json::Bool(b)) => Json::Str(b.to_string()),
            (3, Json::Num(n)) => Json::Str(n),
            (3, other) => {
                let mut text = Vec::new();
                other.write(&mut text, false);
                Json::Str(String::from_utf8(text).expect("written JSON is UTF-8"))
            }
            (4, Json::Obj(members)) => Json::Arr(members.into_iter().map(|(_, v)| v).collect()),
            (4, other) => Json::Arr(vec![other]),
            (_, Json::Arr(items)) => {
                Json::Obj(items.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect())
            }
            (_, other) => Json::Obj(vec![("value".to_owned(), other)]),
        }
    }
}

/// A change to a JSON tree. Each picks its node among those it applies to with an [`Index`],
/// and does nothing when the tree has none.
#[derive(Clone, Debug)]
enum Mutation {
    /// A value's type flipped (see [`Json::flipped`]).
    Retype { at: Index, to: usize },
    /// A member removed.
    Drop { at: Index },
    /// A member repeated, with the same value or another.
    Duplicate { at: Index, with: Option<Json> },
    /// A member's key changed.
    Rename { at: Index, to: String },
    /// A value wrapped in `levels` arrays (`shape` 0), objects (1) or both in turn (2).
    Deepen { at: Index, levels: usize, shape: u8 },
    /// A number swapped for an odd literal: huge, negative, fractional, out of range.
    Number { at: Index, to: String },
    // Those below cannot make a body invalid.
    /// A string value swapped for another string; only a member's under this key, if given.
    Restring { at: Index, under: Option<&'static str>, to: String },
    /// A member no type knows added.
    AddUnknown { at: Index, key: String, value: Json },
    /// An object's members rotated.
    Reorder { at: Index, by: Index },
    /// A member whose value is an array or null removed: decoders default it.
    DropEmptyable { at: Index },
}

impl Mutation {
    /// Whether the mutation leaves a decodable body decodable.
    fn is_harmless(&self) -> bool {
        matches!(
            self,
            Mutation::Restring { .. }
                | Mutation::AddUnknown { .. }
                | Mutation::Reorder { .. }
                | Mutation::DropEmptyable { .. }
        )
    }

    fn apply(&self, root: &mut Json, kind: Kind) {
        let member = |_: &Json, key: Option<&str>, _: usize| key.is_some();
        match self {
            Mutation::Retype { at, to } => {
                if let Some(path) = root.pick(at, &|_, _, _| true) {
                    let node = root.at_mut(&path);
                    *node = std::mem::replace(node, Json::Null).flipped(*to);
                }
            }
            Mutation::Drop { at } => {
                if let Some(path) = root.pick(at, &member) {
                    let (members, i) = root.parent_members(&path);
                    members.remove(i);
                }
            }
            Mutation::Duplicate { at, with } => {
                if let Some(path) = root.pick(at, &member) {
                    let (members, i) = root.parent_members(&path);
                    let (key, value) = members[i].clone();
                    members.insert(i + 1, (key, with.clone().unwrap_or(value)));
                }
            }
            Mutation::Rename { at, to } => {
                if let Some(path) = root.pick(at, &member) {
                    let (members, i) = root.parent_members(&path);
                    members[i].0.clone_from(to);
                }
            }
            Mutation::Deepen { at, levels, shape } => {
                if let Some(path) = root.pick(at, &|_, _, _| true) {
                    let node = root.at_mut(&path);
                    let mut value = std::mem::replace(node, Json::Null);
                    for level in 0..*levels {
                        value = match (shape, level % 2) {
                            (0, _) | (2, 0) => Json::Arr(vec![value]),
                            _ => Json::Obj(vec![("a".to_owned(), value)]),
                        };
                    }
                    *node = value;
                }
            }
            Mutation::Number { at, to } => {
                if let Some(path) = root.pick(at, &|node, _, _| matches!(node, Json::Num(_))) {
                    *root.at_mut(&path) = Json::Num(to.clone());
                }
            }
            Mutation::Restring { at, under, to } => {
                let string = |node: &Json, key: Option<&str>, _: usize| {
                    matches!(node, Json::Str(_)) && under.is_none_or(|under| key == Some(under))
                };
                if let Some(path) = root.pick(at, &string) {
                    *root.at_mut(&path) = Json::Str(to.clone());
                }
            }
            Mutation::AddUnknown { at, key, value } => {
                if let Some(path) = root.pick(at, &|node, _, _| matches!(node, Json::Obj(_)))
                    && let Json::Obj(members) = root.at_mut(&path)
                {
                    members.push((key.clone(), value.clone()));
                }
            }
            Mutation::Reorder { at, by } => {
                let several = |node: &Json, _: Option<&str>, _: usize| matches!(node, Json::Obj(members) if members.len() > 1);
                if let Some(path) = root.pick(at, &several)
                    && let Json::Obj(members) = root.at_mut(&path)
                {
                    let by = by.index(members.len());
                    members.rotate_left(by);
                }
            }
            Mutation::DropEmptyable { at } => {
                // A page's `data` is what makes it a page (see `list_or_page!`): not a missing
                // array that defaults.
                let emptyable = |node: &Json, key: Option<&str>, depth: usize| {
                    key.is_some()
                        && matches!(node, Json::Null | Json::Arr(_))
                        && !(kind == Kind::OAuthTokens && depth == 1 && key == Some("data"))
                };
                if let Some(path) = root.pick(at, &emptyable) {
                    let (members, i) = root.parent_members(&path);
                    members.remove(i);
                }
            }
        }
    }
}

/// A change to the bytes of a body.
#[derive(Clone, Debug)]
enum ByteMutation {
    /// The body cut off at any point.
    Truncate(Index),
    /// Bytes that are not UTF-8 inserted anywhere.
    InvalidUtf8(Index, &'static [u8]),
    /// Bits of one byte flipped.
    Flip(Index, u8),
    /// One byte inserted.
    Insert(Index, u8),
}

impl ByteMutation {
    fn apply(&self, body: &mut Vec<u8>) {
        match self {
            ByteMutation::Truncate(at) => body.truncate(at.index(body.len() + 1)),
            ByteMutation::InvalidUtf8(at, bytes) => {
                let at = at.index(body.len() + 1);
                body.splice(at..at, bytes.iter().copied());
            }
            ByteMutation::Flip(at, mask) if !body.is_empty() => {
                let at = at.index(body.len());
                body[at] ^= mask;
            }
            ByteMutation::Flip(..) => {}
            ByteMutation::Insert(at, byte) => body.insert(at.index(body.len() + 1), *byte),
        }
    }
}

/// Sequences that are not UTF-8: a stray byte, a continuation byte alone, an overlong `NUL`, a
/// lead byte without its continuation, a surrogate, a code point past U+10FFFF, a cut emoji.
const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xc0\x80",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
];

/// The body of `fixture` after `mutations` and `bytes`.
fn mutated(
    fixture: &Fixture,
    mutations: &[Mutation],
    bytes: &[ByteMutation],
    spaced: bool,
) -> Vec<u8> {
    let mut body = match &fixture.json {
        Some(json) => {
            let mut json = json.clone();
            for mutation in mutations {
                mutation.apply(&mut json, fixture.kind);
            }
            let mut body = Vec::new();
            json.write(&mut body, spaced);
            body
        }
        None => fixture.bytes.clone(),
    };
    for mutation in bytes {
        mutation.apply(&mut body);
    }
    body
}

// ===== strategies =====

/// Values Clerk sends, for putting in the wrong place.
const CLERK_WORDS: &[&str] = &[
    "user",
    "verified",
    "unverified",
    "verification_otp",
    "verification_oauth",
    "verification_admin",
    "oauth_google",
    "from_oauth_google",
    "email_code",
    "admin",
    "saml",
    "ticket",
    "total_count",
    "oauth_access_token",
];

/// Keys that types know, for renaming members into.
const KNOWN_KEYS: &[&str] = &[
    "id",
    "object",
    "data",
    "errors",
    "code",
    "message",
    "total_count",
    "created_at",
    "strategy",
    "status",
    "verification",
    "email_addresses",
    "public_metadata",
];

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "(?s).{0,16}",
        2 => "[a-z_]{0,24}",
        2 => "[a-z \\t\\n\\r\\x00\\x1b\\x7f\u{85}\u{2028}]{1,12}",
        2 => prop::sample::select(CLERK_WORDS).prop_map(str::to_owned),
        1 => Just(CANARY.to_owned()),
        1 => "(?s).{200,400}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(KNOWN_KEYS).prop_map(str::to_owned),
        2 => "[a-z_]{1,12}",
        1 => "(?s).{0,8}",
    ]
}

/// Number literals: any `i64` and `u64`, any finite double, integers past 64 bits, negative
/// zero, subnormals; and exponents out of a double's range (`1e400`), which JSON's grammar
/// allows but serde_json's `Value` rejects.
fn number_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => double_literal(),
        1 => "-?[0-9]\\.[0-9]{1,20}[eE][+-]?[0-9]{1,4}",
        1 => prop::sample::select(vec!["1e400", "-1e400", "1e-400"]).prop_map(str::to_owned),
    ]
}

/// Number literals within a double's range.
fn double_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_filter_map("finite", |f| f.is_finite().then(|| format!("{f:e}"))),
        "-?[1-9][0-9]{19,40}",
        prop::sample::select(vec![
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1.0",
            "1e2",
            "1E-7",
            "4.9e-324",
            "18446744073709551616",
            "-9223372036854775809",
            "9223372036854775807",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A small JSON value; `odd_numbers` lets its numbers go out of a double's range.
fn small_json(odd_numbers: bool) -> impl Strategy<Value = Json> {
    let number = match odd_numbers {
        true => number_literal().boxed(),
        false => double_literal().boxed(),
    };
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number.prop_map(Json::Num),
        string_value().prop_map(Json::Str),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Arr),
            prop::collection::vec((key(), inner), 0..4).prop_map(Json::Obj),
        ]
    })
}

/// The canary, as the value of an unknown member of some object.
fn canary() -> impl Strategy<Value = Mutation> {
    any::<Index>().prop_map(|at| Mutation::AddUnknown {
        at,
        key: "zz_email".to_owned(),
        value: Json::Str(CANARY.to_owned()),
    })
}

/// Any text in a code, a message or a trace id: what the error shows.
fn clerk_text() -> impl Strategy<Value = Mutation> {
    let keys = prop::sample::select(&["code", "message", "clerk_trace_id"][..]);
    (any::<Index>(), keys, string_value()).prop_map(|(at, key, to)| Mutation::Restring {
        at,
        under: Some(key),
        to,
    })
}

fn harmless_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), string_value()).prop_map(|(at, to)| Mutation::Restring {
            at,
            under: None,
            to
        }),
        (any::<Index>(), "zz_[a-z0-9_]{0,10}", small_json(false))
            .prop_map(|(at, key, value)| Mutation::AddUnknown { at, key, value }),
        (any::<Index>(), any::<Index>()).prop_map(|(at, by)| Mutation::Reorder { at, by }),
        any::<Index>().prop_map(|at| Mutation::DropEmptyable { at }),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 0..5usize).prop_map(|(at, to)| Mutation::Retype { at, to }),
        2 => any::<Index>().prop_map(|at| Mutation::Drop { at }),
        1 => (any::<Index>(), prop::option::of(small_json(true)))
            .prop_map(|(at, with)| Mutation::Duplicate { at, with }),
        1 => (any::<Index>(), key()).prop_map(|(at, to)| Mutation::Rename { at, to }),
        1 => (any::<Index>(), 1..=200usize, 0..3u8)
            .prop_map(|(at, levels, shape)| Mutation::Deepen { at, levels, shape }),
        2 => (any::<Index>(), number_literal()).prop_map(|(at, to)| Mutation::Number { at, to }),
        3 => harmless_mutation(),
    ]
}

fn byte_mutation() -> impl Strategy<Value = ByteMutation> {
    prop_oneof![
        any::<Index>().prop_map(ByteMutation::Truncate),
        (any::<Index>(), prop::sample::select(INVALID_UTF8))
            .prop_map(|(at, bytes)| ByteMutation::InvalidUtf8(at, bytes)),
        (any::<Index>(), 1..=u8::MAX).prop_map(|(at, mask)| ByteMutation::Flip(at, mask)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| ByteMutation::Insert(at, byte)),
    ]
}

// ===== the decoders' properties =====

/// The table the properties rest on: each fixture decodes, unmutated, with the decoders of its
/// kind (but one: the typed `ClerkErrors` needs `long_message`, which the crate's error decoder
/// does without), and the HTML page with none. (Other decoders take some of them too: any object
/// is a `ClerkErrors`, all of whose members may be missing.)
#[test]
fn each_fixture_decodes_with_the_decoders_of_its_kind() {
    assert_eq!(FIXTURES.len(), 57, "a fixture was added or removed: check its kind");
    for fixture in FIXTURES.iter() {
        for decoder in Decoder::ALL {
            let decoded = decoder.check(&fixture.bytes).unwrap().is_some();
            if fixture.kind == Kind::NotJson {
                assert!(!decoded, "{} with {decoder:?}", fixture.name);
            } else if fixture.kind.decoders().contains(&decoder) {
                let expected = fixture.name != "error_without_long_message.json";
                assert_eq!(decoded, expected, "{} with {decoder:?}", fixture.name);
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any fixture, mutated in its tree and its bytes, through every decoder: `Ok` or `Err`,
    /// never a panic, and every value decoded passes its decoder's checks.
    #[test]
    fn mutated_bodies_decode_or_fail_cleanly(
        fixture in fixture(&[]),
        mutations in prop::collection::vec(mutation(), 0..4),
        bytes in prop::collection::vec(byte_mutation(), 0..3),
        spaced in any::<bool>(),
    ) {
        let body = mutated(fixture, &mutations, &bytes, spaced);
        for decoder in Decoder::ALL {
            decoder.check(&body).map_err(|e| fail(format!("{decoder:?}: {e}")))?;
        }
        // A body with invalid UTF-8 is never a raw user: its text must be a `str`.
        if std::str::from_utf8(&body).is_err() {
            prop_assert!(serde_json::from_slice::<RawUser>(&body).is_err());
        }
    }

    /// Forward compatibility: mutations that cannot make a body invalid leave it decodable by
    /// its own decoders; reordered members and whitespace decode to the same value.
    #[test]
    fn harmless_mutations_still_decode(
        fixture in fixture(JSON_KINDS),
        mutations in prop::collection::vec(harmless_mutation(), 1..6),
        spaced in any::<bool>(),
    ) {
        prop_assert!(mutations.iter().all(Mutation::is_harmless));
        let body = mutated(fixture, &mutations, &[], spaced);
        let only_moved = mutations.iter().all(|m| matches!(m, Mutation::Reorder { .. }));
        for &decoder in fixture.kind.decoders() {
            let Some(original) = decoder.check(&fixture.bytes)? else {
                continue; // error_without_long_message.json, for the typed decoder
            };
            let decoded = decoder.check(&body)?;
            prop_assert!(decoded.is_some(), "{decoder:?} failed on\n{}", lossy(&body));
            if only_moved {
                prop_assert_eq!(decoded.as_ref(), Some(&original), "{:?}", decoder);
            }
        }
    }
}

/// Nesting far past serde_json's limit (127 levels in all), in every place a decoder reads: an
/// error, not a stack overflow (which would abort the test binary). Where the nesting is in a
/// member the types do not know, serde_json skips it without recursing, so the body still
/// decodes.
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let user = FIXTURES.iter().find(|f| f.name == "user_full.json").unwrap();
    let user = std::str::from_utf8(&user.bytes).unwrap();
    for levels in [125, 126, 127, 128, 200, 100_000] {
        let arrays = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels));
        // The user with its `public_metadata` (one level below the top) replaced by `objects`,
        // and with an unknown member holding `arrays`.
        let metadata = format!(r#""public_metadata": {objects}, "zz_former":"#);
        let user_metadata = user.replacen(r#""public_metadata":"#, &metadata, 1);
        let user_unknown = user.replacen('{', &format!(r#"{{"zz_deep": {arrays},"#), 1);
        // An error's `meta`, three levels below the top.
        let errors = format!(
            r#"{{"errors": [{{"code": "x", "message": "", "long_message": "", "meta": {objects}}}]}}"#
        );
        let bodies = [&arrays, &objects, &user_metadata, &user_unknown, &errors];
        for (i, body) in bodies.iter().enumerate() {
            for decoder in Decoder::ALL {
                decoder.check(body.as_bytes()).unwrap_or_else(|e| panic!("{levels}/{i}: {e}"));
            }
        }
        let fits = |below: usize| levels + below <= 127;
        let user_ok = |body: &str| serde_json::from_str::<types::User>(body).is_ok();
        assert!(user_metadata.contains(&objects) && user_unknown.contains(&arrays));
        assert_eq!(user_ok(&user_metadata), fits(1), "{levels} levels of metadata");
        assert!(user_ok(&user_unknown), "{levels} levels in an unknown member");
        let errors_ok = serde_json::from_str::<types::ClerkErrors>(&errors).is_ok();
        assert_eq!(errors_ok, fits(3), "{levels} levels of meta");
    }
}

// ===== the error decoder and Retry-After, through a client =====

/// A local server that answers each request with the bytes it is given, and a client for it
/// that does not retry. One per test thread: tests run in parallel, and each must get the
/// connections of its own client.
struct Loopback {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    client: Client,
}

thread_local! {
    static LOOPBACK: Loopback = Loopback::new();
}

impl Loopback {
    fn new() -> Loopback {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let address = listener.local_addr().unwrap();
        let client = Client::builder(support::SECRET_KEY)
            .base_url(format!("http://{address}/v1"))
            .no_retries()
            .build()
            .unwrap();
        Loopback { runtime, listener, client }
    }

    /// Calls `get_user` while the server answers the one request with `response`, then closes
    /// the connection.
    fn get_user(response: Vec<u8>) -> Result<types::User, Error> {
        LOOPBACK.with(|loopback| loopback.call(response))
    }

    fn call(&self, response: Vec<u8>) -> Result<types::User, Error> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let serve = async {
            let (mut socket, _) = self.listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the client closed the connection mid-request");
                request.extend_from_slice(&buffer[..n]);
            }
            socket.write_all(&response).await.unwrap();
            socket.shutdown().await.unwrap();
        };
        let call = self.client.get_user().user_id("user_x").send();
        let both = async { tokio::join!(serve, call).1 };
        let bounded = async { tokio::time::timeout(Duration::from_secs(30), both).await };
        let result = self.runtime.block_on(bounded).expect("the call ends");
        result.map(|user| user.into_inner())
    }
}

/// A `Retry-After` header, and what it means.
#[derive(Clone, Debug)]
enum RetryAfter {
    Absent,
    /// delay-seconds, possibly past `u64::MAX`, with whitespace around.
    Seconds {
        digits: String,
        space: String,
    },
    /// An HTTP date, seconds from now (past or future).
    Date(i64),
    /// Any bytes a header value may hold, obs-text included.
    Other(Vec<u8>),
}

impl RetryAfter {
    fn header(&self) -> Option<Vec<u8>> {
        let now = SystemTime::now();
        match self {
            RetryAfter::Absent => None,
            RetryAfter::Seconds { digits, space } => Some(format!("{space}{digits}{space}").into()),
            RetryAfter::Date(from_now) => {
                let delta = Duration::from_secs(from_now.unsigned_abs());
                let at = if *from_now >= 0 { now + delta } else { now - delta };
                Some(httpdate::fmt_http_date(at).into())
            }
            RetryAfter::Other(bytes) => Some(bytes.clone()),
        }
    }

    /// Checks what the error read from the header.
    fn check(&self, read: Option<Duration>) -> Result<(), TestCaseError> {
        match self {
            RetryAfter::Absent => prop_assert_eq!(read, None),
            RetryAfter::Seconds { digits, .. } => {
                let seconds = digits.parse::<u64>().unwrap_or(u64::MAX);
                prop_assert_eq!(read, Some(Duration::from_secs(seconds)));
            }
            RetryAfter::Date(from_now) => {
                // The date is whole seconds and a little time passes before it is read.
                let expected = Duration::from_secs((*from_now).max(0).unsigned_abs());
                let read = read.ok_or_else(|| fail("an HTTP date was not read"))?;
                prop_assert!(
                    read <= expected && read + Duration::from_secs(3) >= expected,
                    "{read:?} for {expected:?}"
                );
            }
            RetryAfter::Other(bytes) if bytes.iter().any(|b| !b.is_ascii()) => {
                prop_assert_eq!(read, None, "a value with obs-text");
            }
            RetryAfter::Other(_) => {}
        }
        Ok(())
    }
}

fn retry_after() -> impl Strategy<Value = RetryAfter> {
    // What a header value may hold, as hyper reads it: visible ASCII, space, tab and obs-text
    // (leading and trailing whitespace is trimmed).
    let header_byte = prop_oneof![0x20u8..0x7f, Just(b'\t'), 0x80u8..=0xff];
    let header_bytes = prop::collection::vec(header_byte, 1..24)
        .prop_filter("a value that is not only whitespace", |bytes| {
            bytes.iter().any(|b| !matches!(b, b' ' | b'\t'))
        });
    prop_oneof![
        1 => Just(RetryAfter::Absent),
        2 => ("[0-9]{1,25}", "[ \t]{0,2}")
            .prop_map(|(digits, space)| RetryAfter::Seconds { digits, space }),
        1 => (-100_000i64..100_000).prop_map(RetryAfter::Date),
        2 => header_bytes.prop_map(RetryAfter::Other),
    ]
}

/// An error response: its status, the `Retry-After` and `cf-ray` headers, and a body (from an
/// error fixture, the HTML page or a user, mutated), possibly cut off mid-way.
#[derive(Clone, Debug)]
struct ErrorResponse {
    status: u16,
    retry_after: RetryAfter,
    cf_ray: Option<String>,
    content_type: &'static str,
    body: Vec<u8>,
    /// How much of the body is sent before the connection closes, when not all of it.
    cut: Option<usize>,
}

impl ErrorResponse {
    fn bytes(&self) -> Vec<u8> {
        let mut head =
            format!("HTTP/1.1 {} Oops\r\ncontent-type: {}\r\n", self.status, self.content_type)
                .into_bytes();
        if let Some(value) = self.retry_after.header() {
            head.extend_from_slice(b"retry-after: ");
            head.extend_from_slice(&value);
            head.extend_from_slice(b"\r\n");
        }
        if let Some(cf_ray) = &self.cf_ray {
            head.extend_from_slice(format!("cf-ray: {cf_ray}\r\n").as_bytes());
        }
        let sent = &self.body[..self.cut.unwrap_or(self.body.len())];
        head.extend_from_slice(
            format!("content-length: {}\r\nconnection: close\r\n\r\n", self.body.len()).as_bytes(),
        );
        head.extend_from_slice(sent);
        head
    }
}

fn error_response() -> impl Strategy<Value = ErrorResponse> {
    let body = (
        fixture(&[Kind::Errors, Kind::NotJson, Kind::User]),
        prop::collection::vec(mutation(), 0..3),
        prop::collection::vec(byte_mutation(), 0..2),
        any::<bool>(),
        prop::option::of(canary()),
        prop::option::of(clerk_text()),
    )
        .prop_map(|(fixture, mut mutations, bytes, spaced, canary, text)| {
            mutations.extend(canary);
            mutations.extend(text);
            let mut body = mutated(fixture, &mutations, &bytes, spaced);
            if fixture.kind == Kind::NotJson {
                body.extend_from_slice(CANARY.as_bytes());
            }
            body
        });
    let status = prop::sample::select(vec![
        400u16, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 504, 599,
    ]);
    let content_type = prop::sample::select(vec!["application/json", "text/html; charset=utf-8"]);
    (
        status,
        retry_after(),
        prop::option::of("[0-9a-f]{16}-AMS"),
        content_type,
        body,
        any::<Option<Index>>(),
    )
        .prop_map(|(status, retry_after, cf_ray, content_type, body, cut)| {
            let cut = cut.map(|at| at.index(body.len() + 1)).filter(|&cut| cut < body.len());
            ErrorResponse { status, retry_after, cf_ray, content_type, body, cut }
        })
}

proptest! {
    #![proptest_config(config())]

    /// Error responses through a client: the error has the status; its body is Clerk's document
    /// exactly when the whole body decodes as one, else the text; `Display` is one line naming
    /// the request and the status and never quotes a body that is not Clerk's JSON; the trace id
    /// and `Retry-After` read right.
    #[test]
    fn error_responses_decode_through_the_client(response in error_response()) {
        let error = Loopback::get_user(response.bytes()).expect_err("an error status");
        prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(response.status), "{:?}", error);
        let api = error.api_error().ok_or_else(|| fail(format!("not an API error: {error:?}")))?;

        let sent = &response.body[..response.cut.unwrap_or(response.body.len())];
        let as_text = |truncated| ErrorBody::Text { text: lossy(sent).into_owned(), truncated };
        match (response.cut, serde_json::from_slice::<types::ClerkErrors>(sent)) {
            (Some(_), _) => prop_assert_eq!(api.body(), &as_text(true)),
            // A document is Clerk's only with an `errors` list; other JSON stays text.
            (None, Ok(document)) if has_errors_list(sent) => {
                prop_assert_eq!(api.body(), &ErrorBody::Clerk(document));
            }
            (None, Ok(_)) => prop_assert_eq!(api.body(), &as_text(false)),
            (None, Err(_)) if serde_json::from_slice::<Value>(sent).is_err() => {
                prop_assert_eq!(api.body(), &as_text(false));
            }
            // JSON that is not a strict document: the lenient decoder's call (src/error.rs).
            (None, Err(_)) => {}
        }

        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        let line = format!("GET /v1/users/user_x: clerk returned {}", response.status);
        prop_assert!(shown.starts_with(&line), "{shown}");
        prop_assert!(!shown.contains(|c: char| c.is_control()), "not one line: {shown:?}");
        if matches!(api.body(), ErrorBody::Text { .. }) {
            prop_assert!(!shown.contains(CANARY) && !debug.contains(CANARY), "{shown}\n{debug}");
        }

        let from_body = error.clerk_errors().and_then(|d| d.clerk_trace_id.as_deref());
        let expected = from_body.filter(|id| !id.is_empty()).or(response.cf_ray.as_deref());
        prop_assert_eq!(error.trace_id(), expected);
        response.retry_after.check(error.retry_after())?;
    }

    /// Success bodies through a client: the user the typed decoder makes of the body, or a
    /// decoding error that carries the body and does not quote it; a body cut off is a
    /// transport error.
    #[test]
    fn user_bodies_decode_through_the_client(
        fixture in fixture(&[Kind::User]),
        mutations in prop::collection::vec(mutation(), 0..3),
        bytes in prop::collection::vec(byte_mutation(), 0..2),
        canary in canary(),
        cut in any::<Option<Index>>(),
    ) {
        let mut mutations = mutations;
        mutations.push(canary);
        let body = mutated(fixture, &mutations, &bytes, false);
        let cut = cut.map(|at| at.index(body.len() + 1)).filter(|&cut| cut < body.len());
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body[..cut.unwrap_or(body.len())]);

        match (Loopback::get_user(response), cut, serde_json::from_slice::<types::User>(&body)) {
            (Err(Error::Transport { .. }), Some(_), _) => {}
            (Ok(user), None, Ok(expected)) => prop_assert_eq!(user, expected),
            (Err(Error::Decode(decode)), None, Err(_)) => {
                prop_assert_eq!(decode.body().as_ref(), &body[..]);
                let shown = format!("{decode} {decode:?}");
                prop_assert!(!shown.contains(CANARY), "{shown}");
            }
            (result, cut, expected) => {
                return Err(fail(format!("{result:?} for a body cut at {cut:?}, decoding to {expected:?}")));
            }
        }
    }
}

/// Whether a body is a JSON object with an `errors` list, what makes it Clerk's error document.
/// Read without building values: a `Value` refuses numbers such as `1e400` that the error
/// decoder skips.
fn has_errors_list(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Document {
        #[serde(rename = "errors")]
        _errors: Vec<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Document>(body).is_ok()
}
