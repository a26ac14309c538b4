//! Deleting a user's passkeys, web3 wallets and external accounts (and adding passkeys, which the
//! Users API cannot do): `DELETE /users/{id}/passkeys/{pk}`, `…/web3_wallets/{wallet}` and
//! `…/external_accounts/{account}`, each answering a `DeletedObject`.

use http::StatusCode;
use serde::Serialize;

use super::error::Failure;
use super::render::DeletedJson;
use super::store::Store;
use super::user::{Passkey, User};

/// A `Passkey` as the user's `passkeys` show it.
#[derive(Serialize)]
pub(crate) struct PasskeyJson<'a> {
    id: &'a str,
    object: &'static str,
    name: &'a str,
    last_used_at: i64,
    verification: PasskeyVerificationJson,
}

/// A `verification_passkey`, with every field.
#[derive(Serialize)]
struct PasskeyVerificationJson {
    object: &'static str,
    status: &'static str,
    strategy: &'static str,
    nonce: &'static str,
    message: Option<()>,
    attempts: Option<i64>,
    expire_at: Option<i64>,
    verified_at_client: Option<()>,
}

/// The JSON of `passkey`: verified, last used when it was added.
pub(crate) fn passkey(passkey: &Passkey) -> PasskeyJson<'_> {
    PasskeyJson {
        id: &passkey.id,
        object: "passkey",
        name: &passkey.name,
        last_used_at: passkey.created_at,
        verification: PasskeyVerificationJson {
            object: "verification_passkey",
            status: "verified",
            strategy: "passkey",
            nonce: "nonce",
            message: None,
            attempts: None,
            expire_at: None,
            verified_at_client: None,
        },
    }
}

/// `FakeClerk::add_passkey`: a verified passkey named `name`; its id.
pub(crate) fn add_passkey(
    store: &mut Store,
    user_id: &str,
    name: &str,
) -> Result<Box<str>, Failure> {
    let slot = store.find(user_id)?;
    let id = store.random_id("idn_");
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    user.extra_mut().passkeys.push(Passkey { id: id.clone(), name: name.into(), created_at: now });
    user.updated_at = now;
    Ok(id)
}

/// `DELETE /users/{id}/passkeys/{passkey_id}`: 404 `passkey_not_registered` for a passkey the
/// user does not have.
pub(crate) fn delete_passkey(
    store: &mut Store,
    user_id: &str,
    passkey_id: &str,
) -> Result<DeletedJson, Failure> {
    let slot = store.find(user_id)?;
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let position = user.passkeys().iter().position(|passkey| *passkey.id == *passkey_id);
    let (Some(position), Some(extra)) = (position, user.extra.as_deref_mut()) else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "passkey_not_registered",
            "not registered",
            "Passkey is not registered.",
        )
        .param("passkey_identification_id"));
    };
    let passkey = extra.passkeys.remove(position);
    user.updated_at = now;
    Ok(DeletedJson::new("passkey", passkey.id))
}

/// `DELETE /users/{id}/web3_wallets/{wallet_id}`: the wallet goes, with its place in the
/// `web3_wallet` filter; if it was the primary one, the first wallet left becomes primary. 404
/// `resource_not_found` for a wallet the user does not have, 400 `identification_deletion_failed`
/// for the user's last identification.
pub(crate) fn delete_wallet(
    store: &mut Store,
    user_id: &str,
    wallet_id: &str,
) -> Result<DeletedJson, Failure> {
    let slot = store.find(user_id)?;
    let user = store.get(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let Some(position) = user.wallets.iter().position(|wallet| *wallet.id == *wallet_id) else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No web3 wallet was found with id {wallet_id}"),
        )
        .param("web3_wallet_identification_id"));
    };
    refuse_last_identification(user)?;
    let now = store.tick();
    let Some(user) = store.get_mut(slot) else { return Err(Failure::user_not_found(user_id)) };
    let wallet = user.wallets.remove(position);
    user.primary_wallet = match user.primary_wallet {
        Some(primary) if primary == position => (!user.wallets.is_empty()).then_some(0),
        Some(primary) if primary > position => Some(primary - 1),
        other => other,
    };
    user.updated_at = now;
    store.unindex_wallet(&wallet.value);
    Ok(DeletedJson::new("web3_wallet", wallet.id))
}

/// `DELETE /users/{id}/external_accounts/{account_id}`: the account goes, with its OAuth access
/// token. 404 `external_account_not_found` for an account the user does not have, 400
/// `identification_deletion_failed` for the user's last identification.
pub(crate) fn delete_external_account(
    store: &mut Store,
    user_id: &str,
    account_id: &str,
) -> Result<DeletedJson, Failure> {
    let slot = store.find(user_id)?;
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let Some(position) = user.oauth.iter().position(|account| *account.id == *account_id) else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "external_account_not_found",
            "Invalid external account",
            "The External Account was not found.",
        )
        .param("external_account_id"));
    };
    refuse_last_identification(user)?;
    let account = user.oauth.remove(position);
    user.updated_at = now;
    Ok(DeletedJson::new("external_account", account.id))
}

/// 400 `identification_deletion_failed` when `user` has one identification left.
fn refuse_last_identification(user: &User) -> Result<(), Failure> {
    if user.identifications() > 1 {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::BAD_REQUEST,
        "identification_deletion_failed",
        "Deletion failed",
        "You cannot delete your last identification.",
    ))
}
