//! A user's password and second factors: `POST /users/{id}/remove_password`,
//! `POST /users/{id}/password/set_compromised` and `…/unset_compromised`,
//! `DELETE /users/{id}/totp` and `DELETE /users/{id}/backup_code`.

use http::StatusCode;
use serde_json::{Value, json};

use super::body::Body;
use super::error::Failure;
use super::store::Store;

/// `POST /users/{id}/remove_password`: the password goes (and with it the compromised flag);
/// `password_last_updated_at` stays. A user without a password is left as it was, `updated_at`
/// included. `sign_out_of_other_sessions` is checked and has no effect (the fake has no
/// sessions). Returns the user's slot.
pub(crate) fn remove_password(store: &mut Store, id: &str, body: &Body) -> Result<u32, Failure> {
    body.allow_only(&["sign_out_of_other_sessions"])?;
    body.bool("sign_out_of_other_sessions")?;
    let slot = store.find(id)?;
    if store.get(slot).is_some_and(|user| user.password.is_some()) {
        let now = store.tick();
        if let Some(user) = store.get_mut(slot) {
            user.password = None;
            user.password_compromised = false;
            user.updated_at = now;
        }
    }
    Ok(slot)
}

/// `POST /users/{id}/password/set_compromised` (`compromised`, with a body whose
/// `revoke_all_sessions` is checked and has no effect) and `…/unset_compromised` (no body is
/// read). Setting it on a user without a password is 400 `no_password_set`. Returns the user's
/// slot.
pub(crate) fn set_compromised(
    store: &mut Store,
    id: &str,
    body: Option<&Body>,
    compromised: bool,
) -> Result<u32, Failure> {
    if let Some(body) = body {
        body.allow_only(&["revoke_all_sessions"])?;
        body.bool("revoke_all_sessions")?;
    }
    let slot = store.find(id)?;
    if compromised && store.get(slot).is_some_and(|user| user.password.is_none()) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "no_password_set",
            "no password set",
            "This user does not have a password set for their account",
        ));
    }
    let now = store.tick();
    if let Some(user) = store.get_mut(slot) {
        user.password_compromised = compromised;
        user.updated_at = now;
    }
    Ok(slot)
}

/// A second factor `DELETE` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Factor {
    /// `DELETE /users/{id}/totp`.
    Totp,
    /// `DELETE /users/{id}/backup_code`.
    BackupCodes,
}

/// Removes TOTP or the backup codes, like `DELETE /users/{id}/mfa` does both: `mfa_disabled_at`
/// is set when no second factor is left. A user without that factor gets the same answer,
/// `{"user_id": id}`.
pub(crate) fn delete_factor(store: &mut Store, id: &str, factor: Factor) -> Result<Value, Failure> {
    let slot = store.find(id)?;
    let now = store.tick();
    if let Some(user) = store.get_mut(slot) {
        let totp = matches!(factor, Factor::Totp);
        user.remove_second_factors(totp, !totp, now);
    }
    Ok(json!({"user_id": id}))
}
