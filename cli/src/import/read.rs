//! Reading the input: our JSON lines export, a Dashboard CSV, plain JSON or plain CSV (see the
//! [module docs](super) for the shapes), into [`Record`]s.
//!
//! A record that cannot be read (a line that is not JSON, a field of the wrong type, a cell that
//! does not parse) becomes a record with a [`Record::problem`], so it is reported with its
//! position and the others still import. A file that cannot be read at all (missing, not UTF-8,
//! an unknown CSV column) is an error.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::record::{Identifier, Record, rfc3339_from_ms};
use crate::csv_profiles::{DASHBOARD, unguard};
use crate::error::CliError;

/// The input format (`--format`).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// From the file's extension and first bytes (or CSV header).
    Auto,
    /// JSON lines, one Clerk user object a line (what `export` writes).
    Jsonl,
    /// Clerk Dashboard's user export CSV.
    ClerkCsv,
    /// A JSON array of plain user objects (or of Clerk user objects).
    Json,
    /// CSV with the plain columns (a superset of the Dashboard's and of `export --format csv`).
    Csv,
}

/// Columns a plain CSV may have besides the Dashboard's.
const PLAIN_EXTRA: [&str; 12] = [
    "external_id",
    "locale",
    "backup_codes",
    "created_at",
    "banned",
    "locked",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "skip_password_checks",
    "skip_legal_checks",
    "email_address",
];

/// Columns `export --format csv` writes that cannot be imported (Clerk sets them): read and
/// ignored.
const READ_ONLY: [&str; 5] =
    ["updated_at", "last_sign_in_at", "last_active_at", "password_enabled", "two_factor_enabled"];

/// Reads every record of `path` in `format`; returns the format used (after detection).
pub fn read(path: &Path, format: Format) -> Result<(Format, Vec<Record>), CliError> {
    let file = std::fs::File::open(path).map_err(|e| CliError::file(path, e))?;
    let mut reader = BufReader::new(file);
    let format = match format {
        Format::Auto => detect(path, &mut reader)?,
        other => other,
    };
    let records = match format {
        Format::Jsonl => read_jsonl(path, reader)?,
        Format::Json => read_json(path, reader)?,
        Format::ClerkCsv | Format::Csv | Format::Auto => read_csv(path, reader, format)?,
    };
    Ok((format, records))
}

/// The format of a file, from its extension, else its first bytes.
fn detect(path: &Path, reader: &mut BufReader<std::fs::File>) -> Result<Format, CliError> {
    let head = reader.fill_buf().map_err(|e| CliError::file(path, e))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let extension =
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let csv_kind = || {
        let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let header: Vec<String> = String::from_utf8_lossy(line)
            .trim_end_matches('\r')
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_owned())
            .collect();
        if header == DASHBOARD { Format::ClerkCsv } else { Format::Csv }
    };
    Ok(match (extension.as_str(), first) {
        ("jsonl" | "ndjson", _) => Format::Jsonl,
        ("csv", _) => csv_kind(),
        (_, Some(b'[')) => Format::Json,
        (_, Some(b'{')) => Format::Jsonl,
        _ => csv_kind(),
    })
}

fn read_jsonl(path: &Path, reader: impl BufRead) -> Result<Vec<Record>, CliError> {
    let mut records = Vec::new();
    for line in reader.lines() {
        let line = line.map_err(|e| CliError::file(path, e))?;
        let line = line.trim_start_matches('\u{feff}');
        if line.trim().is_empty() {
            continue;
        }
        let position = records.len() + 1;
        let record = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => from_object(&object, position),
            Ok(_) => broken(position, "not a JSON object"),
            Err(_) => broken(position, "not valid JSON"),
        };
        records.push(record);
    }
    Ok(records)
}

fn read_json(path: &Path, mut reader: impl Read) -> Result<Vec<Record>, CliError> {
    let mut text = String::new();
    reader.read_to_string(&mut text).map_err(|e| CliError::file(path, e))?;
    let items: Vec<Value> =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            CliError::Usage(format!(
                "{}: not a JSON array of users (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(object) => from_object(object, i + 1),
            _ => broken(i + 1, "not a JSON object"),
        })
        .collect())
}

/// A record that could not be read.
fn broken(position: usize, problem: &str) -> Record {
    Record { position, problem: Some(problem.to_owned()), ..Record::default() }
}

/// A JSON object: a Clerk user (it has `email_addresses`, `phone_numbers` or
/// `"object": "user"`) or a plain user.
fn from_object(object: &Map<String, Value>, position: usize) -> Record {
    let clerk = object.get("object").and_then(Value::as_str) == Some("user")
        || object.contains_key("email_addresses")
        || object.contains_key("phone_numbers");
    let result = if clerk { from_clerk_user(object) } else { from_plain(object) };
    match result {
        Ok(mut record) => {
            record.position = position;
            record
        }
        Err(problem) => broken(position, &problem),
    }
}

/// A string field; absent, `null` or `""` is `None`.
fn string(object: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{name}: expected a string")),
    }
}

fn boolean(object: &Map<String, Value>, name: &str) -> Result<Option<bool>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{name}: expected true or false")),
    }
}

fn metadata(object: &Map<String, Value>, name: &str) -> Result<Option<Map<String, Value>>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) if m.is_empty() => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m.clone())),
        Some(_) => Err(format!("{name}: expected a JSON object")),
    }
}

fn strings(object: &Map<String, Value>, name: &str) -> Result<Vec<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or(format!("{name}: expected strings")))
            .collect(),
        Some(_) => Err(format!("{name}: expected a list of strings")),
    }
}

/// `created_at`: Unix milliseconds (a number) or an RFC 3339 string.
fn created_at(object: &Map<String, Value>) -> Result<Option<String>, String> {
    match object.get("created_at") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|ms| Some(rfc3339_from_ms(ms)))
            .ok_or_else(|| "created_at: expected Unix milliseconds".to_owned()),
        Some(Value::String(s)) => Ok(Some(created_at_text(s)?)),
        Some(_) => Err("created_at: expected Unix milliseconds or RFC 3339".to_owned()),
    }
}

/// A `created_at` cell: all digits is Unix milliseconds, anything else is passed on as RFC
/// 3339 (and checked).
fn created_at_text(text: &str) -> Result<String, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map(rfc3339_from_ms)
            .map_err(|_| "created_at: expected Unix milliseconds".to_owned());
    }
    Ok(text.to_owned())
}

/// The emails or phones of a Clerk user, the primary first; verified when
/// `verification.status` is `verified`.
fn clerk_identifiers(
    object: &Map<String, Value>,
    list: &str,
    field: &str,
    primary: &str,
) -> Result<Vec<Identifier>, String> {
    let primary = object.get(primary).and_then(Value::as_str);
    let items = match object.get(list) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("{list}: expected a list")),
    };
    let mut out = Vec::new();
    for item in items {
        let value = item
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{list}: an item without {field}"))?;
        let verified =
            item.get("verification").and_then(|v| v.get("status")).and_then(Value::as_str)
                == Some("verified");
        let ident = Identifier { value: value.to_owned(), verified };
        if primary.is_some() && item.get("id").and_then(Value::as_str) == primary {
            out.insert(0, ident);
        } else {
            out.push(ident);
        }
    }
    Ok(out)
}

/// A user object as Clerk sends it (a line of our export).
fn from_clerk_user(object: &Map<String, Value>) -> Result<Record, String> {
    Ok(Record {
        source_id: string(object, "id")?,
        external_id: string(object, "external_id")?,
        first_name: string(object, "first_name")?,
        last_name: string(object, "last_name")?,
        username: string(object, "username")?,
        locale: string(object, "locale")?,
        emails: clerk_identifiers(
            object,
            "email_addresses",
            "email_address",
            "primary_email_address_id",
        )?,
        phones: clerk_identifiers(
            object,
            "phone_numbers",
            "phone_number",
            "primary_phone_number_id",
        )?,
        password_digest: string(object, "password_digest")?,
        password_hasher: string(object, "password_hasher")?,
        totp_secret: string(object, "totp_secret")?,
        backup_codes: strings(object, "backup_codes")?,
        public_metadata: metadata(object, "public_metadata")?,
        private_metadata: metadata(object, "private_metadata")?,
        unsafe_metadata: metadata(object, "unsafe_metadata")?,
        created_at: created_at(object)?,
        banned: boolean(object, "banned")?,
        locked: boolean(object, "locked")?,
        ..Record::default()
    })
}

/// The fields of a plain JSON user.
const PLAIN_FIELDS: [&str; 21] = [
    "id",
    "external_id",
    "first_name",
    "last_name",
    "username",
    "locale",
    "emails",
    "phones",
    "password_digest",
    "password_hasher",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "created_at",
    "banned",
    "locked",
    "skip_password_checks",
    "skip_legal_checks",
    "email_address",
];

/// `emails` or `phones` of a plain user: `[{"address"|"number": …, "verified": bool}]`, or bare
/// strings (unverified).
fn plain_identifiers(
    object: &Map<String, Value>,
    list: &str,
    field: &str,
) -> Result<Vec<Identifier>, String> {
    let items = match object.get(list) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("{list}: expected a list")),
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(value) => Ok(Identifier { value: value.clone(), verified: false }),
            Value::Object(entry) => {
                let value = entry
                    .get(field)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{list}: an item without {field}"))?;
                let verified = match entry.get("verified") {
                    None | Some(Value::Null) => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => return Err(format!("{list}: verified must be true or false")),
                };
                Ok(Identifier { value: value.to_owned(), verified })
            }
            _ => Err(format!("{list}: expected strings or objects")),
        })
        .collect()
}

/// A plain JSON user (see the module docs).
fn from_plain(object: &Map<String, Value>) -> Result<Record, String> {
    if let Some(unknown) = object.keys().find(|k| !PLAIN_FIELDS.contains(&k.as_str())) {
        return Err(format!("unknown field {unknown:?}"));
    }
    let mut emails = plain_identifiers(object, "emails", "address")?;
    if let Some(single) = string(object, "email_address")? {
        emails.insert(0, Identifier { value: single, verified: false });
    }
    Ok(Record {
        source_id: scalar_id(object, "id")?,
        external_id: scalar_id(object, "external_id")?,
        first_name: string(object, "first_name")?,
        last_name: string(object, "last_name")?,
        username: string(object, "username")?,
        locale: string(object, "locale")?,
        emails,
        phones: plain_identifiers(object, "phones", "number")?,
        password_digest: string(object, "password_digest")?,
        password_hasher: string(object, "password_hasher")?,
        totp_secret: string(object, "totp_secret")?,
        backup_codes: strings(object, "backup_codes")?,
        public_metadata: metadata(object, "public_metadata")?,
        private_metadata: metadata(object, "private_metadata")?,
        unsafe_metadata: metadata(object, "unsafe_metadata")?,
        created_at: created_at(object)?,
        banned: boolean(object, "banned")?,
        locked: boolean(object, "locked")?,
        skip_password_checks: boolean(object, "skip_password_checks")?,
        skip_legal_checks: boolean(object, "skip_legal_checks")?,
        ..Record::default()
    })
}

/// An id that may be a string or an integer (`"id": 42` in many databases' dumps).
fn scalar_id(object: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match object.get(name) {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        _ => string(object, name),
    }
}

fn read_csv(path: &Path, reader: impl Read, format: Format) -> Result<Vec<Record>, CliError> {
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    if format == Format::ClerkCsv && header != DASHBOARD {
        return Err(CliError::Usage(format!(
            "{}: not a Dashboard export (its header is: {})",
            path.display(),
            DASHBOARD.join(",")
        )));
    }
    let known = |c: &str| {
        DASHBOARD.contains(&c)
            || PLAIN_EXTRA.contains(&c)
            || READ_ONLY.contains(&c)
            || c == "primary_phone_number"
    };
    // Named by position, not by its text: in a file without a header row, the "header" is the
    // first user's data.
    if let Some(position) = header.iter().position(|c| !known(c)) {
        return Err(CliError::Usage(format!(
            "{}: column {} of the header is not a known column (is the header row missing? see \
             `clerk-users import --help` for the columns)",
            path.display(),
            position + 1
        )));
    }
    let mut records = Vec::new();
    for (i, row) in csv.records().enumerate() {
        let position = i + 1;
        let row = match row {
            Ok(row) => row,
            Err(e) if e.is_io_error() => {
                return Err(CliError::Failed(format!("{}: {e}", path.display())));
            }
            Err(_) => {
                records.push(broken(position, "a row that is not valid CSV"));
                continue;
            }
        };
        let cell = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .map(unguard)
                .filter(|c| !c.is_empty())
        };
        let record = match from_row(&cell) {
            Ok(mut record) => {
                record.position = position;
                record
            }
            Err(problem) => broken(position, &problem),
        };
        records.push(record);
    }
    Ok(records)
}

/// A comma-joined list cell.
fn list(cell: Option<&str>) -> Vec<String> {
    cell.map(|c| {
        c.split(',')
            .map(|s| unguard(s.trim()).trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// The primary first, then the verified, then the unverified; verified only when listed as
/// verified (and not also as unverified).
fn csv_identifiers(
    primary: Option<&str>,
    verified: Option<&str>,
    unverified: Option<&str>,
) -> Vec<Identifier> {
    let verified = list(verified);
    let unverified = list(unverified);
    let mut values: Vec<String> = Vec::new();
    for value in primary
        .map(|p| p.trim().to_owned())
        .into_iter()
        .chain(verified.iter().cloned())
        .chain(unverified.iter().cloned())
    {
        if !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }
    values
        .into_iter()
        .map(|value| Identifier {
            verified: verified.contains(&value) && !unverified.contains(&value),
            value,
        })
        .collect()
}

fn csv_bool(cell: Option<&str>, name: &str) -> Result<Option<bool>, String> {
    match cell.map(|c| c.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(None),
        Some("true" | "1" | "yes") => Ok(Some(true)),
        Some("false" | "0" | "no") => Ok(Some(false)),
        Some(_) => Err(format!("{name}: expected true or false")),
    }
}

fn csv_metadata(cell: Option<&str>, name: &str) -> Result<Option<Map<String, Value>>, String> {
    match cell {
        None => Ok(None),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) if m.is_empty() => Ok(None),
            Ok(Value::Object(m)) => Ok(Some(m)),
            Ok(Value::Null) => Ok(None),
            _ => Err(format!("{name}: expected a JSON object")),
        },
    }
}

fn from_row<'a>(cell: &dyn Fn(&str) -> Option<&'a str>) -> Result<Record, String> {
    let text = |name: &str| cell(name).map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let mut emails = csv_identifiers(
        cell("primary_email_address"),
        cell("verified_email_addresses"),
        cell("unverified_email_addresses"),
    );
    if let Some(single) = text("email_address")
        && !emails.iter().any(|e| e.value == single)
    {
        emails.insert(0, Identifier { value: single, verified: false });
    }
    Ok(Record {
        source_id: text("id"),
        external_id: text("external_id"),
        first_name: text("first_name"),
        last_name: text("last_name"),
        username: text("username"),
        locale: text("locale"),
        emails,
        phones: csv_identifiers(
            cell("primary_phone_number"),
            cell("verified_phone_numbers"),
            cell("unverified_phone_numbers"),
        ),
        password_digest: text("password_digest"),
        password_hasher: text("password_hasher"),
        totp_secret: text("totp_secret"),
        backup_codes: list(cell("backup_codes")),
        public_metadata: csv_metadata(cell("public_metadata"), "public_metadata")?,
        private_metadata: csv_metadata(cell("private_metadata"), "private_metadata")?,
        unsafe_metadata: csv_metadata(cell("unsafe_metadata"), "unsafe_metadata")?,
        created_at: text("created_at").map(|t| created_at_text(&t)).transpose()?,
        banned: csv_bool(cell("banned"), "banned")?,
        locked: csv_bool(cell("locked"), "locked")?,
        skip_password_checks: csv_bool(cell("skip_password_checks"), "skip_password_checks")?,
        skip_legal_checks: csv_bool(cell("skip_legal_checks"), "skip_legal_checks")?,
        ..Record::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_comes_off_exactly() {
        assert_eq!(unguard("\t=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("\t+15555550100"), "+15555550100");
        assert_eq!(unguard("\t-x"), "-x");
        assert_eq!(unguard("\t@x"), "@x");
        assert_eq!(unguard("\t\tx"), "\tx");
        assert_eq!(unguard("\tplain"), "\tplain");
        assert_eq!(unguard("=raw"), "=raw");
    }

    #[test]
    fn csv_lists_keep_the_verification_state_and_the_primary_first() {
        let ids = csv_identifiers(Some("b@x.com"), Some("a@x.com,b@x.com"), Some("c@x.com"));
        let got: Vec<(&str, bool)> = ids.iter().map(|i| (i.value.as_str(), i.verified)).collect();
        assert_eq!(got, [("b@x.com", true), ("a@x.com", true), ("c@x.com", false)]);
        // A primary listed nowhere is not taken as verified.
        assert!(!csv_identifiers(Some("p@x.com"), None, None)[0].verified);
    }

    #[test]
    fn a_clerk_user_maps_with_its_primary_first() {
        let user = serde_json::json!({
            "object": "user", "id": "user_1", "external_id": null, "created_at": 0,
            "primary_email_address_id": "idn_2",
            "email_addresses": [
                {"id": "idn_1", "email_address": "a@x.com", "verification": null},
                {"id": "idn_2", "email_address": "b@x.com", "verification": {"status": "verified"}},
            ],
            "public_metadata": {}, "private_metadata": {"k": 1}
        });
        let record = from_object(user.as_object().unwrap(), 3);
        assert_eq!(record.position, 3);
        assert_eq!(record.key(), Some("user_1"));
        assert_eq!(record.emails[0], Identifier { value: "b@x.com".into(), verified: true });
        assert_eq!(record.emails[1], Identifier { value: "a@x.com".into(), verified: false });
        assert_eq!(record.created_at.as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(record.public_metadata, None);
        assert!(record.private_metadata.is_some());
    }

    #[test]
    fn a_plain_user_with_an_unknown_field_is_a_problem_naming_the_field_only() {
        let user = serde_json::json!({"id": 7, "emial": "secret@x.com"});
        let record = from_object(user.as_object().unwrap(), 1);
        assert_eq!(record.problem.as_deref(), Some("unknown field \"emial\""));
    }
}
