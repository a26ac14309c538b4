//! Yes-or-no answers for password and TOTP checks.
//!
//! Clerk answers a wrong password or code with 422, which the generated `verify_password` and
//! `verify_totp` report as an error, next to real failures (no password set, TOTP not enabled,
//! unknown user, network). These helpers turn "incorrect" into `Ok(false)`.

use reqwest::StatusCode;

use crate::{Client, Error, Result};

impl Client {
    /// Checks a user's password: `Ok(true)` if it is correct, `Ok(false)` if Clerk says it is not
    /// (422 `incorrect_password`).
    ///
    /// # Errors
    ///
    /// Everything but an incorrect password: the user has no password (400), does not exist
    /// (404), a malformed request (422 with a `form_…` code, such as an empty password), any other
    /// 422 (one without Clerk's `incorrect_password` code: a proxy's page, an empty error list, a
    /// code this crate does not know), and transport or server failures.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
    /// if client.check_password("user_2abc", "correct horse").await? {
    ///     println!("welcome back");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_password(&self, user_id: &str, password: &str) -> Result<bool> {
        let body = |b: crate::types::builder::VerifyPasswordBodyBuilder| b.password(password);
        let outcome = self.verify_password().user_id(user_id).body_map(body).send().await;
        verified(outcome.map(|response| response.verified), INCORRECT_PASSWORD)
    }

    /// Checks a TOTP code or a backup code: `Ok(true)` if it is correct, `Ok(false)` if Clerk
    /// says it is not (422 `totp_incorrect_code` or `totp_invalid_length`).
    ///
    /// # Errors
    ///
    /// Everything but an incorrect code: TOTP is not set up for the user (400), the user does not
    /// exist (404), a malformed request (422 with a `form_…` code), any other 422 (one without
    /// `totp_incorrect_code` or `totp_invalid_length`), and transport or server failures.
    pub async fn check_totp(&self, user_id: &str, code: &str) -> Result<bool> {
        let body = |b: crate::types::builder::VerifyTotpBodyBuilder| b.code(code);
        let outcome = self.verify_totp().user_id(user_id).body_map(body).send().await;
        verified(outcome.map(|response| response.verified), INCORRECT_CODE)
    }
}

/// The codes with which Clerk says a password is wrong (its error catalogue).
const INCORRECT_PASSWORD: &[&str] = &["incorrect_password"];

/// The codes with which Clerk says a TOTP or backup code is wrong (its error catalogue).
const INCORRECT_CODE: &[&str] = &["totp_incorrect_code", "totp_invalid_length"];

/// `verified` from a 200, `false` from a 422 that says "incorrect" with one of `incorrect`'s
/// codes, the error otherwise.
fn verified(outcome: Result<Option<bool>>, incorrect: &[&str]) -> Result<bool> {
    match outcome {
        // Clerk sends `{"verified": true}`; anything else is not a confirmation.
        Ok(verified) => Ok(verified == Some(true)),
        Err(error) if says_incorrect(&error, incorrect) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Whether Clerk answered 422 with one of the codes that mean "incorrect". Matched positively:
/// a 422 about the request itself (`form_param_missing` for an empty password), a proxy's page,
/// an empty error list or a code this crate does not know must not turn into a quiet "no".
fn says_incorrect(error: &Error, incorrect: &[&str]) -> bool {
    error.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
        && error.codes().iter().any(|code| incorrect.contains(code))
}
