//! One user to import, whatever file it came from, and the `create_user` body it becomes.

use clerk_users::types::{
    CreateUserBody, CreateUserBodyEmailAddressIdentificationStatusItem as EmailStatus,
    CreateUserBodyPhoneNumberIdentificationStatusItem as PhoneStatus, PasswordHasher,
};
use serde_json::{Map, Value};

/// An email address or phone number and whether the source says it was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// The address or number.
    pub value: String,
    /// Verified in the source; anything else (unverified, unknown) is created `reserved`.
    pub verified: bool,
}

/// A user read from the input, before it is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Where it is in the input: 1 for the first record.
    pub position: usize,
    /// The user's id in the source (a Clerk `user_…` id in an export).
    pub source_id: Option<String>,
    /// The user's own external id in the source, which it keeps.
    pub external_id: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// Locale, such as `en-US`.
    pub locale: Option<String>,
    /// Email addresses, the primary first.
    pub emails: Vec<Identifier>,
    /// Phone numbers, the primary first.
    pub phones: Vec<Identifier>,
    /// A password hash, with `password_hasher`.
    pub password_digest: Option<String>,
    /// The algorithm of `password_digest`: any name Clerk accepts (bcrypt, argon2id, …).
    pub password_hasher: Option<String>,
    /// The TOTP secret.
    pub totp_secret: Option<String>,
    /// Backup codes.
    pub backup_codes: Vec<String>,
    /// Public metadata.
    pub public_metadata: Option<Map<String, Value>>,
    /// Private metadata.
    pub private_metadata: Option<Map<String, Value>>,
    /// Unsafe metadata.
    pub unsafe_metadata: Option<Map<String, Value>>,
    /// When the user was created, RFC 3339.
    pub created_at: Option<String>,
    /// Banned in the source.
    pub banned: Option<bool>,
    /// Locked in the source.
    pub locked: Option<bool>,
    /// Skip Clerk's password checks for this user.
    pub skip_password_checks: Option<bool>,
    /// Skip Clerk's legal-acceptance checks for this user.
    pub skip_legal_checks: Option<bool>,
    /// Why the record cannot be imported, when reading it already failed (bad JSON, a bad
    /// cell). Never holds personal data: names of fields and positions only.
    pub problem: Option<String>,
}

/// The options that apply to every record (command-line flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults {
    /// `--skip-password-checks`.
    pub skip_password_checks: bool,
    /// `--skip-password-requirement`.
    pub skip_password_requirement: bool,
    /// `--skip-legal-checks`.
    pub skip_legal_checks: bool,
}

impl Record {
    /// The record's key: its own external id, else its source id. It becomes the Clerk
    /// `external_id`, and is what tells whether the user was already imported.
    pub fn key(&self) -> Option<&str> {
        self.external_id.as_deref().or(self.source_id.as_deref()).filter(|k| !k.is_empty())
    }

    /// Why this record cannot be created, if it cannot (checked before any request). The
    /// message names fields, never their values.
    pub fn problem(&self) -> Option<String> {
        if let Some(problem) = &self.problem {
            return Some(problem.clone());
        }
        if self.key().is_none() {
            return Some("no id and no external_id: nothing to key the import on".to_owned());
        }
        match (&self.password_digest, &self.password_hasher) {
            (Some(_), None) => return Some("password_digest without password_hasher".to_owned()),
            (None, Some(_)) => return Some("password_hasher without password_digest".to_owned()),
            _ => {}
        }
        let mut seen = std::collections::HashSet::new();
        for (kind, list) in [("email address", &self.emails), ("phone number", &self.phones)] {
            for ident in list {
                if ident.value.trim().is_empty() {
                    return Some(format!("an empty {kind}"));
                }
                if !seen.insert(ident.value.to_lowercase()) {
                    return Some(format!("the same {kind} twice"));
                }
            }
        }
        if self.emails.iter().any(|e| !e.value.contains('@')) {
            return Some("an email address without @".to_owned());
        }
        if let Some(created_at) = &self.created_at
            && !looks_like_rfc3339(created_at)
        {
            return Some("created_at is not an RFC 3339 date-time".to_owned());
        }
        None
    }

    /// The `create_user` body: the key as `external_id`, every address with its verification
    /// state (`reserved` unless verified in the source), and everything else the source has.
    pub fn body(&self, defaults: Defaults) -> CreateUserBody {
        let email_status = self
            .emails
            .iter()
            .map(|e| if e.verified { EmailStatus::Verified } else { EmailStatus::Reserved })
            .collect();
        let phone_status = self
            .phones
            .iter()
            .map(|p| if p.verified { PhoneStatus::Verified } else { PhoneStatus::Reserved })
            .collect();
        let or_default = |value: Option<bool>, default: bool| value.or(default.then_some(true));
        CreateUserBody {
            external_id: self.key().map(str::to_owned),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
            locale: self.locale.clone(),
            email_address: self.emails.iter().map(|e| e.value.clone()).collect(),
            email_address_identification_status: email_status,
            phone_number: self.phones.iter().map(|p| p.value.clone()).collect(),
            phone_number_identification_status: phone_status,
            password_digest: self.password_digest.clone(),
            password_hasher: self.password_hasher.clone().map(PasswordHasher::from),
            totp_secret: self.totp_secret.clone(),
            backup_codes: self.backup_codes.clone(),
            public_metadata: self.public_metadata.clone(),
            private_metadata: self.private_metadata.clone(),
            unsafe_metadata: self.unsafe_metadata.clone(),
            created_at: self.created_at.clone(),
            banned: self.banned.filter(|b| *b),
            locked: self.locked.filter(|l| *l),
            skip_password_checks: or_default(
                self.skip_password_checks,
                defaults.skip_password_checks,
            ),
            skip_password_requirement: defaults.skip_password_requirement.then_some(true),
            skip_legal_checks: or_default(self.skip_legal_checks, defaults.skip_legal_checks),
            ..CreateUserBody::default()
        }
    }
}

/// Unix milliseconds as RFC 3339 in UTC with milliseconds: `2023-11-14T22:13:20.000Z`.
pub fn rfc3339_from_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `text` has the shape of an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS`, then an
/// optional fraction and a zone); Clerk checks the rest.
pub fn looks_like_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (text.ends_with(['Z', 'z']) || text[19..].contains(['+', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_become_rfc3339() {
        assert_eq!(rfc3339_from_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_from_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_from_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_from_ms(-1), "1969-12-31T23:59:59.999Z");
        assert!(looks_like_rfc3339(&rfc3339_from_ms(1_700_000_000_123)));
        assert!(looks_like_rfc3339("2023-11-14T22:13:20+01:00"));
        assert!(!looks_like_rfc3339("1700000000000"));
        assert!(!looks_like_rfc3339("2023-11-14"));
    }

    #[test]
    fn unverified_addresses_are_reserved_and_the_key_is_the_external_id() {
        let record = Record {
            source_id: Some("user_1".into()),
            external_id: Some("legacy-1".into()),
            emails: vec![
                Identifier { value: "a@x.com".into(), verified: true },
                Identifier { value: "b@x.com".into(), verified: false },
            ],
            ..Record::default()
        };
        assert_eq!(record.problem(), None);
        let body = serde_json::to_value(record.body(Defaults::default())).unwrap();
        assert_eq!(body["external_id"], "legacy-1");
        assert_eq!(
            body["email_address_identification_status"],
            serde_json::json!(["verified", "reserved"])
        );
        let keyless = Record { emails: record.emails.clone(), ..Record::default() };
        assert!(keyless.problem().is_some());
        let half = Record { password_digest: Some("$2a$…".into()), ..record };
        assert_eq!(half.problem().as_deref(), Some("password_digest without password_hasher"));
    }
}
