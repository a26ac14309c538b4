//! The CSV shapes of a user, read from the JSON Clerk sent: ours (`--format csv`) and the
//! Dashboard's user export (`--format clerk-csv`), and the spreadsheet guard both apply.
//!
//! # The guard
//!
//! Names and usernames are typed by users, and a spreadsheet runs a cell starting with `=`, `+`,
//! `-` or `@` as a formula (`=HYPERLINK(...)`), and tab and carriage return lead to the same.
//! Every cell (of every column, whatever it holds) that starts with one of those six characters
//! is written with a leading tab, as the Dashboard's export does. Phone numbers (`+1555...`)
//! therefore come out as `\t+1555...`. A reader takes the guard off with [`unguard`]: one
//! leading tab is removed when one of the six characters follows it; no other cell starts with a
//! tab, so the round trip is exact.
//!
//! # Our profile (`--format csv`)
//!
//! One row per user, these columns (timestamps are Unix milliseconds as Clerk sends them; an
//! absent or `null` value is an empty cell; lists are joined with `,` in one cell, in Clerk's
//! order; an address or number is "verified" when its `verification.status` is `verified`, else
//! unverified):
//!
//! `id, external_id, first_name, last_name, username, primary_email_address,
//! verified_email_addresses, unverified_email_addresses, primary_phone_number,
//! verified_phone_numbers, unverified_phone_numbers, created_at, updated_at, last_sign_in_at,
//! last_active_at, banned, locked, password_enabled, two_factor_enabled, public_metadata,
//! private_metadata, unsafe_metadata` (the metadata as compact JSON; `banned` and the other flags
//! `true` or `false`).
//!
//! # The Dashboard's profile (`--format clerk-csv`)
//!
//! Exactly the header of Clerk's Dashboard user export, so a file written here imports wherever
//! one of those does: `id, first_name, last_name, username, primary_email_address,
//! primary_phone_number, verified_email_addresses, unverified_email_addresses,
//! verified_phone_numbers, unverified_phone_numbers, totp_secret, password_digest,
//! password_hasher`. The API never returns the three secret columns: they stay empty.

use serde_json::Value;

/// The header of our profile.
pub const OURS: [&str; 22] = [
    "id",
    "external_id",
    "first_name",
    "last_name",
    "username",
    "primary_email_address",
    "verified_email_addresses",
    "unverified_email_addresses",
    "primary_phone_number",
    "verified_phone_numbers",
    "unverified_phone_numbers",
    "created_at",
    "updated_at",
    "last_sign_in_at",
    "last_active_at",
    "banned",
    "locked",
    "password_enabled",
    "two_factor_enabled",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
];

/// The header of Clerk's Dashboard user export.
pub const DASHBOARD: [&str; 13] = [
    "id",
    "first_name",
    "last_name",
    "username",
    "primary_email_address",
    "primary_phone_number",
    "verified_email_addresses",
    "unverified_email_addresses",
    "verified_phone_numbers",
    "unverified_phone_numbers",
    "totp_secret",
    "password_digest",
    "password_hasher",
];

/// Which CSV shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Ours: [`OURS`].
    Ours,
    /// The Dashboard's: [`DASHBOARD`].
    Dashboard,
}

impl Profile {
    /// The header row.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Profile::Ours => &OURS,
            Profile::Dashboard => &DASHBOARD,
        }
    }

    /// The row of a user (its JSON as Clerk sent it), every cell guarded. Fields of an
    /// unexpected type read as empty: a row is always written.
    pub fn row(self, user: &Value) -> Vec<String> {
        let user = UserFields(user);
        let emails = user.identifications("email_addresses", "email_address");
        let phones = user.identifications("phone_numbers", "phone_number");
        let primary_email = user.primary(&emails, "primary_email_address_id");
        let primary_phone = user.primary(&phones, "primary_phone_number_id");
        let cells: Vec<String> = match self {
            Profile::Ours => vec![
                user.text("id"),
                user.text("external_id"),
                user.text("first_name"),
                user.text("last_name"),
                user.text("username"),
                primary_email,
                join(&emails, true),
                join(&emails, false),
                primary_phone,
                join(&phones, true),
                join(&phones, false),
                user.text("created_at"),
                user.text("updated_at"),
                user.text("last_sign_in_at"),
                user.text("last_active_at"),
                user.text("banned"),
                user.text("locked"),
                user.text("password_enabled"),
                user.text("two_factor_enabled"),
                user.text("public_metadata"),
                user.text("private_metadata"),
                user.text("unsafe_metadata"),
            ],
            Profile::Dashboard => vec![
                user.text("id"),
                user.text("first_name"),
                user.text("last_name"),
                user.text("username"),
                primary_email,
                primary_phone,
                join(&emails, true),
                join(&emails, false),
                join(&phones, true),
                join(&phones, false),
                // The API does not return secrets.
                String::new(),
                String::new(),
                String::new(),
            ],
        };
        cells.into_iter().map(guard).collect()
    }
}

/// An email address or phone number of a user: its id, its value, whether it is verified.
struct Identification {
    id: Option<String>,
    value: String,
    verified: bool,
}

/// Lenient reads of a user's JSON.
struct UserFields<'a>(&'a Value);

impl UserFields<'_> {
    /// A field as a cell: strings as they are, `null` or absent as empty, anything else as
    /// compact JSON (numbers, booleans, metadata objects).
    fn text(&self, field: &str) -> String {
        match self.0.get(field) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        }
    }

    /// The entries of a list of identifications (`email_addresses` with `email_address`).
    fn identifications(&self, list: &str, value: &str) -> Vec<Identification> {
        let Some(entries) = self.0.get(list).and_then(Value::as_array) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|entry| {
                let value = entry.get(value)?.as_str()?.to_owned();
                let id = entry.get("id").and_then(Value::as_str).map(str::to_owned);
                let status = entry.pointer("/verification/status").and_then(Value::as_str);
                Some(Identification { id, value, verified: status == Some("verified") })
            })
            .collect()
    }

    /// The value of the identification whose id is the user's `field` (the primary one).
    fn primary(&self, entries: &[Identification], field: &str) -> String {
        let Some(primary) = self.0.get(field).and_then(Value::as_str) else {
            return String::new();
        };
        entries
            .iter()
            .find(|entry| entry.id.as_deref() == Some(primary))
            .map(|entry| entry.value.clone())
            .unwrap_or_default()
    }
}

/// The verified (or unverified) values, joined with `,`.
fn join(entries: &[Identification], verified: bool) -> String {
    let values: Vec<&str> =
        entries.iter().filter(|e| e.verified == verified).map(|e| e.value.as_str()).collect();
    values.join(",")
}

/// Whether a cell needs the guard: it starts with `=`, `+`, `-`, `@`, tab or carriage return.
fn needs_guard(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cell with the spreadsheet guard: a leading tab when it starts with `=`, `+`, `-`, `@`,
/// tab or carriage return; otherwise as it is.
pub fn guard(cell: String) -> String {
    if needs_guard(&cell) { format!("\t{cell}") } else { cell }
}

/// The cell without the guard [`guard`] adds (for a reader of these files): one leading tab is
/// removed when the rest needs the guard. The import reads both profiles with it.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\t') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "id": "user_1",
            "external_id": null,
            "first_name": "=HYPERLINK(\"http://x\",\"y\")",
            "last_name": "Lovelace",
            "username": "ada",
            "primary_email_address_id": "idn_2",
            "primary_phone_number_id": "idn_p",
            "email_addresses": [
                {"id": "idn_1", "email_address": "old@x.com", "verification": {"status": "unverified"}},
                {"id": "idn_2", "email_address": "ada@x.com", "verification": {"status": "verified"}},
                {"id": "idn_3", "email_address": "res@x.com", "verification": null},
            ],
            "phone_numbers": [
                {"id": "idn_p", "phone_number": "+15550001", "verification": {"status": "verified"}},
            ],
            "created_at": 1700000000000_i64,
            "updated_at": 1700000000001_i64,
            "last_sign_in_at": null,
            "banned": false,
            "locked": true,
            "public_metadata": {"plan": "pro", "seats": 3},
            "private_metadata": {},
        })
    }

    #[test]
    fn the_dashboard_row_has_the_primary_and_the_lists_by_verification_state() {
        let row = Profile::Dashboard.row(&user());
        assert_eq!(row.len(), DASHBOARD.len());
        assert_eq!(
            row,
            [
                "user_1",
                "\t=HYPERLINK(\"http://x\",\"y\")",
                "Lovelace",
                "ada",
                "ada@x.com",
                "\t+15550001",
                "ada@x.com",
                "old@x.com,res@x.com",
                "\t+15550001",
                "",
                "",
                "",
                "",
            ]
        );
    }

    #[test]
    fn our_row_has_timestamps_flags_and_metadata() {
        let row = Profile::Ours.row(&user());
        assert_eq!(row.len(), OURS.len());
        let cell = |name: &str| row[OURS.iter().position(|c| *c == name).unwrap()].as_str();
        assert_eq!(cell("external_id"), "");
        assert_eq!(cell("created_at"), "1700000000000");
        assert_eq!(cell("last_sign_in_at"), "");
        assert_eq!(cell("last_active_at"), "");
        assert_eq!(cell("banned"), "false");
        assert_eq!(cell("locked"), "true");
        assert_eq!(cell("public_metadata"), r#"{"plan":"pro","seats":3}"#);
        assert_eq!(cell("unverified_email_addresses"), "old@x.com,res@x.com");
    }

    #[test]
    fn a_user_of_an_unexpected_shape_still_makes_a_row() {
        let row = Profile::Ours.row(&json!({"id": 5, "email_addresses": "nope"}));
        assert_eq!(row[0], "5");
        assert!(row[1..].iter().all(String::is_empty));
    }

    #[test]
    fn the_guard_marks_exactly_the_six_starts_and_comes_off_exactly() {
        for cell in ["=1+1", "+1555", "-2", "@SUM(A1)", "\tx", "\rx", "\t=x", "\t\tx"] {
            let guarded = guard(cell.to_owned());
            assert_eq!(guarded, format!("\t{cell}"));
            assert_eq!(unguard(&guarded), cell);
        }
        for cell in ["", "ada", " =x", "a=b", "1-2", "\tx"] {
            if !needs_guard(cell) {
                assert_eq!(guard(cell.to_owned()), cell);
            }
            assert_eq!(unguard(&guard(cell.to_owned())), cell);
        }
    }
}
