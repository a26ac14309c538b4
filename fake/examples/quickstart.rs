//! A tour of the client.
//!
//! ```text
//! cargo run -p clerk-users-fake --example quickstart                          # on a local fake Clerk
//! CLERK_SECRET_KEY=sk_test_… cargo run -p clerk-users-fake --example quickstart  # read-only, against Clerk
//! ```
//!
//! Without `CLERK_SECRET_KEY` it starts a local fake Clerk (`clerk_users_fake::FakeClerk`) and
//! calls every one of the 35 operations against it. With the key it only reads: it counts users,
//! lists a few, and fetches one with their organization memberships.
//!
//! `RUST_LOG=clerk_users=debug` shows the client's tracing: a span per request and per attempt.

use std::process::ExitCode;

use clerk_users::{Client, types};
use clerk_users_fake::{DevicePlatform, FakeClerk, NewInvitation};
use serde_json::json;

#[tokio::main]
async fn main() -> ExitCode {
    // Off unless RUST_LOG asks, e.g. RUST_LOG=clerk_users=debug.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The message, then each cause: `Debug` of an error is for developers, not users.
            eprint!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprint!(": {cause}");
                source = cause.source();
            }
            eprintln!();
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("CLERK_SECRET_KEY") {
        Ok(_) => read_only_tour(&Client::from_env()?).await,
        Err(_) => {
            let fake = FakeClerk::start().await;
            println!("CLERK_SECRET_KEY is not set: using a local fake Clerk at {}\n", fake.url());
            full_tour(&fake.client(), |id| connect(&fake, id)).await
        }
    }
}

/// Reads from a real Clerk instance; changes nothing.
async fn read_only_tour(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "Reading from {} (API version {})\n",
        client_base(client),
        Client::clerk_api_version()
    );
    let count = client.get_users_count().send().await?;
    println!("get_users_count: {} users", count.total_count);
    let users = client.get_user_list().limit(5).send().await?;
    println!("get_user_list (newest 5):");
    for user in users.iter() {
        println!("  {}", describe(user));
    }
    if let Some(first) = users.first() {
        let user = client.get_user().user_id(&first.id).send().await?;
        println!(
            "get_user {}: {} email address(es), banned: {:?}",
            user.id,
            user.email_addresses.len(),
            user.banned
        );
        let memberships =
            client.users_get_organization_memberships().user_id(&user.id).send().await?;
        println!("users_get_organization_memberships: total_count = {:?}", memberships.total_count);
    }
    Ok(())
}

/// What the Users API cannot set up itself (a Google sign-in, an organization, an authenticator
/// app, a passkey, a trusted phone, an invitation), done on the fake's side so the tour has
/// something to show.
fn connect(fake: &FakeClerk, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    fake.add_oauth_token(id, "oauth_google", "ya29.demo-token")?;
    fake.add_membership(id, "Analytical Engines", "org:admin")?;
    fake.set_totp_code(id, "123456")?;
    fake.add_passkey(id, "MacBook Touch ID")?;
    fake.add_trusted_device(id, DevicePlatform::Ios, Some("Ada's iPhone"))?;
    fake.add_organization_invitation(id, NewInvitation::new("Difference Engines"))?;
    Ok(())
}

/// Calls all 35 operations, printing each request and what came back; `prepare` connects the new
/// user to what the Users API cannot create.
async fn full_tour(
    client: &Client,
    prepare: impl FnOnce(&str) -> Result<(), Box<dyn std::error::Error>>,
) -> Result<(), Box<dyn std::error::Error>> {
    let user = client
        .create_user()
        .body_map(|b| {
            b.email_address(["ada@example.com"])
                .web3_wallet(["0x52908400098527886E0F7030069857D2E4169EE7"])
                .first_name("Ada")
                .password("correct horse")
        })
        .send()
        .await?;
    step("create_user", "POST /users", describe(&user));
    let id = user.id.clone();
    prepare(&id)?;

    let user = client.get_user().user_id(&id).send().await?;
    step("get_user", &format!("GET /users/{id}"), describe(&user));
    let user =
        client.update_user().user_id(&id).body_map(|b| b.first_name("Augusta")).send().await?;
    step("update_user", &format!("PATCH /users/{id}"), describe(&user));
    let user = client
        .update_user_metadata()
        .user_id(&id)
        .body_map(|b| b.public_metadata(json!({"plan": "pro"})))
        .send()
        .await?;
    step(
        "update_user_metadata",
        &format!("PATCH /users/{id}/metadata"),
        format!("public_metadata = {}", json!(user.public_metadata)),
    );

    let users = client.get_user_list().email_address(["ada@example.com"]).send().await?;
    step(
        "get_user_list",
        "GET /users?email_address=ada%40example.com",
        format!("{} user(s)", users.len()),
    );
    let count = client.get_users_count().send().await?;
    step("get_users_count", "GET /users/count", format!("{} user(s)", count.total_count));

    let user = client
        .set_user_profile_image()
        .user_id(&id)
        .file(PNG.to_vec(), "ada.png", "image/png")
        .send()
        .await?;
    step(
        "set_user_profile_image",
        &format!("POST /users/{id}/profile_image"),
        format!("has_image = {:?}", user.has_image),
    );
    let user = client.delete_user_profile_image().user_id(&id).send().await?;
    step(
        "delete_user_profile_image",
        &format!("DELETE /users/{id}/profile_image"),
        format!("has_image = {:?}", user.has_image),
    );

    let user = client.ban_user().user_id(&id).send().await?;
    step("ban_user", &format!("POST /users/{id}/ban"), format!("banned = {:?}", user.banned));
    let user = client.unban_user().user_id(&id).send().await?;
    step("unban_user", &format!("POST /users/{id}/unban"), format!("banned = {:?}", user.banned));
    let user = client.lock_user().user_id(&id).send().await?;
    step("lock_user", &format!("POST /users/{id}/lock"), format!("locked = {:?}", user.locked));
    let user = client.unlock_user().user_id(&id).send().await?;
    step("unlock_user", &format!("POST /users/{id}/unlock"), format!("locked = {:?}", user.locked));

    let checked = client
        .verify_password()
        .user_id(&id)
        .body_map(|b| b.password("correct horse"))
        .send()
        .await?;
    step(
        "verify_password",
        &format!("POST /users/{id}/verify_password"),
        format!("verified = {:?}", checked.verified),
    );
    let wrong =
        client.verify_password().user_id(&id).body_map(|b| b.password("wrong")).send().await;
    step("verify_password", "  (wrong password)", wrong.unwrap_err().to_string());
    let totp = client.verify_totp().user_id(&id).body_map(|b| b.code("123456")).send().await?;
    step(
        "verify_totp",
        &format!("POST /users/{id}/verify_totp"),
        format!("verified = {:?}, code_type = {:?}", totp.verified, totp.code_type),
    );
    let mfa = client.disable_mfa().user_id(&id).send().await?;
    step("disable_mfa", &format!("DELETE /users/{id}/mfa"), format!("user_id = {:?}", mfa.user_id));

    let tokens =
        client.get_o_auth_access_token().user_id(&id).provider("oauth_google").send().await?;
    step(
        "get_o_auth_access_token",
        &format!("GET /users/{id}/oauth_access_tokens/oauth_google"),
        format!("{} token(s), scopes {:?}", tokens.len(), tokens.first().map(|t| &t.scopes)),
    );
    let memberships = client.users_get_organization_memberships().user_id(&id).send().await?;
    step(
        "users_get_organization_memberships",
        &format!("GET /users/{id}/organization_memberships"),
        format!("total_count = {:?}", memberships.total_count),
    );

    newer_operations(client, &id).await?;

    let deleted = client.delete_user().user_id(&id).send().await?;
    step("delete_user", &format!("DELETE /users/{id}"), format!("deleted = {:?}", deleted.deleted));
    // The error's line names the request, Clerk's code and long message, and the trace id.
    let missing = client.get_user().user_id("user_missing").send().await.unwrap_err();
    step("get_user", "GET /users/user_missing", missing.to_string());
    Ok(())
}

/// The 17 operations of API version 2026-05-12, on the user `id`.
async fn newer_operations(client: &Client, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    let ids = vec![id.to_owned(), "user_missing".to_owned()];
    let users = client.users_ban().body_map(|b| b.user_ids(ids.clone())).send().await?;
    step("users_ban", "POST /users/ban", format!("{} user(s) banned", users.len()));
    let users = client.users_unban().body_map(|b| b.user_ids(ids)).send().await?;
    step("users_unban", "POST /users/unban", format!("{} user(s) unbanned", users.len()));
    let user = client
        .replace_user_metadata()
        .user_id(id)
        .body_map(|b| b.public_metadata(json!({"tier": "team"})))
        .send()
        .await?;
    step(
        "replace_user_metadata",
        &format!("PUT /users/{id}/metadata"),
        format!("public_metadata = {}", json!(user.public_metadata)),
    );

    client.set_user_password_compromised().user_id(id).send().await?;
    step(
        "set_user_password_compromised",
        &format!("POST /users/{id}/password/set_compromised"),
        "ok".to_owned(),
    );
    client.unset_user_password_compromised().user_id(id).send().await?;
    step(
        "unset_user_password_compromised",
        &format!("POST /users/{id}/password/unset_compromised"),
        "ok".to_owned(),
    );
    let user = client.remove_user_password().user_id(id).send().await?;
    step(
        "remove_user_password",
        &format!("POST /users/{id}/remove_password"),
        format!("password_enabled = {:?}", user.password_enabled),
    );
    let totp = client.delete_totp().user_id(id).send().await?;
    step(
        "delete_totp",
        &format!("DELETE /users/{id}/totp"),
        format!("user_id = {:?}", totp.user_id),
    );
    let codes = client.delete_backup_code().user_id(id).send().await?;
    step(
        "delete_backup_code",
        &format!("DELETE /users/{id}/backup_code"),
        format!("user_id = {:?}", codes.user_id),
    );

    let user = client.get_user().user_id(id).send().await?;
    if let Some(passkey) = user.passkeys.first().and_then(|p| p.id.as_deref()) {
        let deleted = client
            .user_passkey_delete()
            .user_id(id)
            .passkey_identification_id(passkey)
            .send()
            .await?;
        step(
            "user_passkey_delete",
            &format!("DELETE /users/{id}/passkeys/{passkey}"),
            format!("deleted = {:?}", deleted.deleted),
        );
    }
    if let Some(wallet) = user.web3_wallets.first().and_then(|w| w.id.as_deref()) {
        let deleted = client
            .user_web3_wallet_delete()
            .user_id(id)
            .web3_wallet_identification_id(wallet)
            .send()
            .await?;
        step(
            "user_web3_wallet_delete",
            &format!("DELETE /users/{id}/web3_wallets/{wallet}"),
            format!("deleted = {:?}", deleted.deleted),
        );
    }
    if let Some(account) = user.external_accounts.first().map(|a| a.id.as_str()) {
        let deleted = client
            .delete_external_account()
            .user_id(id)
            .external_account_id(account)
            .send()
            .await?;
        step(
            "delete_external_account",
            &format!("DELETE /users/{id}/external_accounts/{account}"),
            format!("deleted = {:?}", deleted.deleted),
        );
    }

    let devices = client.list_user_trusted_devices().user_id(id).send().await?;
    step(
        "list_user_trusted_devices",
        &format!("GET /users/{id}/trusted_devices"),
        format!("total_count = {:?}", devices.total_count),
    );
    if let Some(device) = devices.data.first() {
        let revoked = client
            .revoke_user_trusted_device()
            .user_id(id)
            .trusted_device_id(&device.id)
            .send()
            .await?;
        step(
            "revoke_user_trusted_device",
            &format!("DELETE /users/{id}/trusted_devices/{}", device.id),
            format!("status = {:?}", revoked.status.as_ref().map(|s| s.as_str())),
        );
    }
    let invitations = client.users_get_organization_invitations().user_id(id).send().await?;
    step(
        "users_get_organization_invitations",
        &format!("GET /users/{id}/organization_invitations"),
        format!("total_count = {:?}", invitations.total_count),
    );

    let subscription = client.get_user_billing_subscription().user_id(id).send().await?;
    step(
        "get_user_billing_subscription",
        &format!("GET /users/{id}/billing/subscription"),
        format!("status = {:?}", subscription.status.as_ref().map(|s| s.as_str())),
    );
    let entry = client
        .adjust_user_billing_credit_balance()
        .user_id(id)
        .body_map(|b| {
            b.amount(500)
                .action(types::AdjustCreditBalanceRequestAction::Increase)
                .idempotency_key("welcome-credit")
        })
        .send()
        .await?;
    step(
        "adjust_user_billing_credit_balance",
        &format!("POST /users/{id}/billing/credits"),
        format!("ledger entry {}", entry.id),
    );
    let credits = client.get_user_billing_credit_balance().user_id(id).send().await?;
    step(
        "get_user_billing_credit_balance",
        &format!("GET /users/{id}/billing/credits"),
        format!(
            "balance = {:?}",
            credits.balance.as_ref().and_then(|b| b.amount_formatted.as_deref())
        ),
    );
    Ok(())
}

fn step(operation: &str, request: &str, outcome: String) {
    println!("{operation:<35} {request}\n{:<35} -> {outcome}", "");
}

fn describe(user: &types::User) -> String {
    let email =
        user.email_addresses.first().and_then(|e| e.email_address.as_deref()).unwrap_or("-");
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    format!("{} {name} <{email}>", user.id)
}

fn client_base(client: &Client) -> &str {
    use clerk_users::ClientInfo;
    client.baseurl()
}

/// A one-pixel PNG, for the profile image.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01";
