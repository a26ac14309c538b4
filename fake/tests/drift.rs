//! The fake cannot drift from the spec: every kind of answer it gives is decoded into the
//! client's generated type (`clerk_users::types::*`) and serialized back, and the JSON must come
//! back equal. The generated types accept unknown fields and default missing ones, so decoding
//! alone would pass a field the spec does not know or a missing required field; the round trip
//! catches both (an unknown field is dropped, a missing one comes back as its default).

use std::fmt::Debug;

use clerk_users::types;
use clerk_users_fake::{
    DevicePlatform, FakeClerk, Fault, InvitationStatus, NewInvitation, Reply, UserJson,
};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Decodes `json` as `T`, serializes it back, and fails on the first difference, by path.
fn round_trip<T: DeserializeOwned + Serialize + Debug>(what: &str, json: &Value) {
    let typed: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|error| panic!("{what}: does not decode as the spec's type: {error}"));
    let back = serde_json::to_value(&typed).unwrap();
    if let Some(difference) = first_difference("", json, &back) {
        panic!("{what}: the fake's JSON and the spec's type differ at {difference}\n{json:#}");
    }
}

/// Where `sent` and `back` first differ: `path: sent -> back`.
fn first_difference(path: &str, sent: &Value, back: &Value) -> Option<String> {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            keys.into_iter().find_map(|key| {
                let here = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => first_difference(&here, x, y),
                    (Some(x), None) => Some(format!("{here}: {x} is not in the spec's type")),
                    (None, Some(y)) => Some(format!("{here}: missing (the type made it {y})")),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(&format!("{path}[{i}]"), x, y)),
        _ if sent == back => None,
        _ => Some(format!("{path}: {sent} -> {back}")),
    }
}

/// One plain HTTP client for [`get`] and [`send`].
fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(|| reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap())
}

/// The status and JSON body of a request to the fake, as it sent them.
async fn send(fake: &FakeClerk, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request =
        http().request(method, format!("{}{path}", fake.url())).bearer_auth(fake.secret_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn ok(fake: &FakeClerk, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, json) = send(fake, method.clone(), path, body).await;
    assert_eq!(status, 200, "{method} {path}: {json}");
    json
}

/// A user with every part the fake renders: several emails (one reserved), a phone, a wallet,
/// a password, TOTP and backup codes, metadata, an OAuth account, a membership, passkeys, an
/// image, and a lock.
async fn full_user(fake: &FakeClerk) -> String {
    let id = fake
        .add_user(json!({
            "email_address": ["ada@example.com", "ada@reserved.example"],
            "email_address_identification_status": ["verified", "reserved"],
            "phone_number": ["+15555550100"],
            "web3_wallet": ["0x52908400098527886E0F7030069857D2E4169EE7"],
            "username": "ada",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "external_id": "crm-1",
            "locale": "en-GB",
            "password": "correct horse",
            "totp_secret": "AICJ3HCXKO4KOU6NDHJX4OF3A4AO6AQY",
            "backup_codes": ["one", "two"],
            "public_metadata": {"plan": "pro", "seats": {"max": 5}},
            "private_metadata": {"crm": 1},
            "unsafe_metadata": {"theme": "dark"},
            "legal_accepted_at": "2024-01-02T03:04:05Z",
            "create_organizations_limit": 3,
            "bypass_client_trust": true,
        }))
        .unwrap();
    fake.add_oauth_token(&id, "oauth_google", "ya29.token").unwrap();
    fake.add_membership(&id, "Analytical Engines", "org:admin").unwrap();
    fake.add_membership(&id, "Difference Engines", "org:billing_admin").unwrap();
    fake.add_passkey(&id, "MacBook Touch ID").unwrap();
    fake.add_passkey(&id, "Pixel").unwrap();
    id
}

#[tokio::test]
async fn every_user_shape_the_fake_serves_matches_the_spec() {
    let fake = FakeClerk::start().await;
    fake.seed_users(300); // names, phones, usernames, metadata, sign-ins, bans, both verifications
    let id = full_user(&fake).await;
    let bare = fake.add_user(json!({"external_id": "only-an-id"})).unwrap();
    let client = fake.client();
    client
        .set_user_profile_image()
        .user_id(&id)
        .file(vec![1, 2, 3], "a.png", "image/png")
        .send()
        .await
        .unwrap();
    let user = format!("/users/{id}");

    round_trip::<types::User>("a full user", &ok(&fake, Method::GET, &user, None).await);
    round_trip::<types::User>(
        "a bare user",
        &ok(&fake, Method::GET, &format!("/users/{bare}"), None).await,
    );
    let locked = ok(&fake, Method::POST, &format!("{user}/lock"), None).await;
    assert_eq!(locked["locked"], true);
    round_trip::<types::User>("a locked user", &locked);
    let banned = ok(&fake, Method::POST, &format!("{user}/ban"), None).await;
    round_trip::<types::User>("a banned user", &banned);
    let no_mfa = ok(&fake, Method::DELETE, &format!("{user}/mfa"), None).await;
    round_trip::<types::DisableMfaResponse>("disable MFA", &no_mfa);
    round_trip::<types::User>("a user after MFA", &ok(&fake, Method::GET, &user, None).await);
    let created =
        ok(&fake, Method::POST, "/users", Some(json!({"email_address": ["b@example.com"]}))).await;
    round_trip::<types::User>("a created user", &created);
    let updated =
        ok(&fake, Method::PATCH, &user, Some(json!({"first_name": "Augusta", "username": ""})))
            .await;
    round_trip::<types::User>("an updated user", &updated);
    let merged = ok(
        &fake,
        Method::PATCH,
        &format!("{user}/metadata"),
        Some(json!({"public_metadata": {"plan": null, "tags": ["a"]}})),
    )
    .await;
    round_trip::<types::User>("a user after a metadata merge", &merged);

    // Every seeded user, through the list: the list is an array of users.
    let list = ok(&fake, Method::GET, "/users?limit=500", None).await;
    assert_eq!(list.as_array().unwrap().len(), 303);
    round_trip::<Vec<types::User>>("the user list", &list);
    round_trip::<Vec<types::User>>(
        "an empty list",
        &ok(&fake, Method::GET, "/users?query=nobody", None).await,
    );
}

#[tokio::test]
async fn every_other_answer_matches_the_spec() {
    let fake = FakeClerk::start().await;
    let id = full_user(&fake).await;
    let user = format!("/users/{id}");

    round_trip::<types::TotalCount>(
        "the count",
        &ok(&fake, Method::GET, "/users/count", None).await,
    );
    let memberships =
        ok(&fake, Method::GET, &format!("{user}/organization_memberships"), None).await;
    assert_eq!(memberships["total_count"], 2);
    round_trip::<types::OrganizationMemberships>("memberships", &memberships);
    let tokens = format!("{user}/oauth_access_tokens/oauth_google");
    let array = ok(&fake, Method::GET, &tokens, None).await;
    assert_eq!(array.as_array().unwrap().len(), 1);
    round_trip::<types::OAuthAccessToken>("OAuth tokens", &array);
    let page = ok(&fake, Method::GET, &format!("{tokens}?paginated=true"), None).await;
    assert_eq!(page["total_count"], 1);
    round_trip::<types::OAuthAccessToken>("a page of OAuth tokens", &page);
    let password = ok(
        &fake,
        Method::POST,
        &format!("{user}/verify_password"),
        Some(json!({"password": "correct horse"})),
    )
    .await;
    round_trip::<types::VerifyPasswordResponse>("verify_password", &password);
    fake.set_totp_code(&id, "123456").unwrap();
    for code in ["123456", "one"] {
        let totp =
            ok(&fake, Method::POST, &format!("{user}/verify_totp"), Some(json!({"code": code})))
                .await;
        round_trip::<types::VerifyTotpResponse>("verify_totp", &totp);
    }
    round_trip::<types::DisableMfaResponse>(
        "disable_mfa",
        &ok(&fake, Method::DELETE, &format!("{user}/mfa"), None).await,
    );
    let external = fake.add_user(json!({"external_id": "ext-9"})).unwrap();
    for deleted in [id, external] {
        let answer = ok(&fake, Method::DELETE, &format!("/users/{deleted}"), None).await;
        round_trip::<types::DeletedObject>("a deleted user", &answer);
    }
}

/// The answers of the 17 operations of API version 2026-05-12 (35 in all).
#[tokio::test]
async fn every_answer_of_the_newer_operations_matches_the_spec() {
    let fake = FakeClerk::start().await;
    let id = full_user(&fake).await;
    let other = fake.add_user(json!({"email_address": ["b@example.com"]})).unwrap();
    let user = format!("/users/{id}");

    let banned =
        ok(&fake, Method::POST, "/users/ban", Some(json!({"user_ids": [&id, "user_x", &other]})))
            .await;
    assert_eq!(banned.as_array().unwrap().len(), 2);
    round_trip::<Vec<types::User>>("bulk ban", &banned);
    let unbanned =
        ok(&fake, Method::POST, "/users/unban", Some(json!({"user_ids": [&other]}))).await;
    round_trip::<Vec<types::User>>("bulk unban", &unbanned);
    let replaced = ok(
        &fake,
        Method::PUT,
        &format!("{user}/metadata"),
        Some(json!({"public_metadata": {"tier": [1, {"a": null}]}, "private_metadata": {}})),
    )
    .await;
    round_trip::<types::User>("a user after a metadata replacement", &replaced);

    let compromised =
        ok(&fake, Method::POST, &format!("{user}/password/set_compromised"), Some(json!({}))).await;
    round_trip::<types::User>("set compromised", &compromised);
    let cleared =
        ok(&fake, Method::POST, &format!("{user}/password/unset_compromised"), None).await;
    round_trip::<types::User>("unset compromised", &cleared);
    let no_password = ok(&fake, Method::POST, &format!("{user}/remove_password"), None).await;
    assert_eq!(no_password["password_enabled"], false);
    round_trip::<types::User>("remove password", &no_password);

    let totp = ok(&fake, Method::DELETE, &format!("{user}/totp"), None).await;
    round_trip::<types::DeleteTotpResponse>("delete TOTP", &totp);
    let codes = ok(&fake, Method::DELETE, &format!("{user}/backup_code"), None).await;
    round_trip::<types::DeleteBackupCodeResponse>("delete backup codes", &codes);

    let before = ok(&fake, Method::GET, &user, None).await;
    let passkey = before["passkeys"][0]["id"].as_str().unwrap().to_owned();
    let wallet = before["web3_wallets"][0]["id"].as_str().unwrap().to_owned();
    let account = before["external_accounts"][0]["id"].as_str().unwrap().to_owned();
    for (what, path) in [
        ("a deleted passkey", format!("{user}/passkeys/{passkey}")),
        ("a deleted web3 wallet", format!("{user}/web3_wallets/{wallet}")),
        ("a deleted external account", format!("{user}/external_accounts/{account}")),
    ] {
        round_trip::<types::DeletedObject>(what, &ok(&fake, Method::DELETE, &path, None).await);
    }
    round_trip::<types::User>(
        "a user after the deletions",
        &ok(&fake, Method::GET, &user, None).await,
    );

    let devices = format!("{user}/trusted_devices");
    round_trip::<types::TrustedDeviceList>(
        "no devices",
        &ok(&fake, Method::GET, &devices, None).await,
    );
    let device = fake.add_trusted_device(&id, DevicePlatform::Ios, Some("iPhone")).unwrap();
    fake.add_trusted_device(&id, DevicePlatform::Android, None).unwrap();
    let list = ok(&fake, Method::GET, &devices, None).await;
    assert_eq!(list["total_count"], 2);
    round_trip::<types::TrustedDeviceList>("trusted devices", &list);
    let revoked = ok(&fake, Method::DELETE, &format!("{devices}/{device}"), None).await;
    assert_eq!(revoked["status"], "revoked");
    round_trip::<types::TrustedDevice>("a revoked device", &revoked);

    let invitations = format!("{user}/organization_invitations");
    let empty = ok(&fake, Method::GET, &invitations, None).await;
    round_trip::<types::OrganizationInvitationsWithPublicOrganizationData>(
        "no invitations",
        &empty,
    );
    let inviter = NewInvitation::new("Analytical Engines").role("org:admin").inviter(&other);
    fake.add_organization_invitation(&id, inviter).unwrap();
    let expired = NewInvitation::new("Globex").status(InvitationStatus::Expired);
    fake.add_organization_invitation(&id, expired).unwrap();
    let page = ok(&fake, Method::GET, &invitations, None).await;
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["data"][1]["public_inviter_data"]["user_id"], *other);
    round_trip::<types::OrganizationInvitationsWithPublicOrganizationData>("invitations", &page);

    let subscription = ok(&fake, Method::GET, &format!("{user}/billing/subscription"), None).await;
    round_trip::<types::CommerceSubscription>("the subscription", &subscription);
    let credits = format!("{user}/billing/credits");
    let none = ok(&fake, Method::GET, &credits, None).await;
    assert_eq!(none["balance"], Value::Null);
    round_trip::<types::CommerceCreditBalanceResponse>("no credit balance", &none);
    for body in [
        json!({"amount": 2500, "action": "increase", "idempotency_key": "a", "note": "welcome"}),
        json!({"amount": 999, "action": "decrease", "idempotency_key": "b", "currency": "USD"}),
        json!({"amount": 999, "action": "decrease", "idempotency_key": "b"}),
    ] {
        let entry = ok(&fake, Method::POST, &credits, Some(body)).await;
        round_trip::<types::CommerceCreditLedgerResponse>("a ledger entry", &entry);
    }
    let balance = ok(&fake, Method::GET, &credits, None).await;
    assert_eq!(balance["balance"]["amount"], 1501);
    round_trip::<types::CommerceCreditBalanceResponse>("a credit balance", &balance);
}

#[tokio::test]
async fn every_error_the_fake_answers_matches_the_spec() {
    let fake = FakeClerk::builder().rate_limit(1, std::time::Duration::from_secs(60)).start().await;
    let mut errors = Vec::new();
    errors.push(send(&fake, Method::GET, "/users/count", None).await); // admitted
    errors.push(send(&fake, Method::GET, "/users/count", None).await); // 429
    let fake = FakeClerk::start().await;
    let id = fake.add_user(json!({"email_address": ["a@example.com"]})).unwrap();
    for (method, path, body) in [
        (Method::GET, "/users/user_missing".to_owned(), None),
        (Method::GET, "/nowhere".to_owned(), None),
        (Method::POST, "/users".to_owned(), Some(json!({"email_address": ["A@example.com"]}))),
        (Method::POST, "/users".to_owned(), Some(json!({"password": "short"}))),
        (Method::POST, "/users".to_owned(), Some(json!({"favourite_colour": "blue"}))),
        (Method::POST, "/users".to_owned(), Some(json!([1]))),
        (Method::GET, "/users?limit=0".to_owned(), None),
        (Method::POST, format!("/users/{id}/verify_password"), Some(json!({"password": "x"}))),
        (Method::POST, format!("/users/{id}/verify_totp"), Some(json!({"code": "1"}))),
        (Method::POST, "/users/ban".to_owned(), Some(json!({"user_ids": []}))),
        (Method::POST, "/users/unban".to_owned(), Some(json!({"user_ids": (vec![""; 51])}))),
        (Method::DELETE, format!("/users/{id}/passkeys/idn_x"), None),
        (Method::DELETE, format!("/users/{id}/external_accounts/eac_x"), None),
        (Method::POST, format!("/users/{id}/password/set_compromised"), None),
        (
            Method::POST,
            format!("/users/{id}/billing/credits"),
            Some(json!({"amount": 1, "action": "decrease", "idempotency_key": "k"})),
        ),
        (
            Method::POST,
            format!("/users/{id}/billing/credits"),
            Some(
                json!({"amount": 1, "action": "increase", "idempotency_key": "k", "currency": "EUR"}),
            ),
        ),
    ] {
        errors.push(send(&fake, method, &path, body).await);
    }
    let unauthenticated = http().get(format!("{}/users", fake.url())).send().await.unwrap();
    errors.push((unauthenticated.status().as_u16(), unauthenticated.json().await.unwrap()));
    fake.on_request(1, Fault::status(503));
    fake.on_request(2, Fault::Respond(Reply::status(422).error("form_param_missing", "no")));
    errors.push(send(&fake, Method::GET, "/users", None).await);
    errors.push(send(&fake, Method::GET, "/users", None).await);

    let statuses: Vec<u16> = errors.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses,
        [
            200, 429, 404, 404, 422, 422, 422, 400, 422, 400, 400, 400, 400, 404, 404, 400, 422,
            400, 401, 503, 422
        ]
    );
    for (status, body) in &errors[1..] {
        round_trip::<types::ClerkErrors>(&format!("a {status} error"), body);
    }
}

#[test]
fn user_json_matches_the_spec() {
    let bare = UserJson::new("user_1", 1_700_000_000_000).to_value();
    round_trip::<types::User>("a bare UserJson", &bare);
    let full = UserJson::new("user_2", 1_700_000_000_000)
        .email("ada@example.com")
        .email("ada@work.example")
        .phone("+15555550100")
        .name("Ada", "Lovelace")
        .username("ada")
        .external_id("crm-2")
        .locale("en-GB")
        .public_metadata(json!({"plan": "pro"}))
        .private_metadata(json!({"crm": 2}))
        .password()
        .banned(true)
        .signed_in_at(1_700_000_100_000)
        .oauth_account("oauth_google", "1089")
        .oauth_account("oauth_github", "42");
    round_trip::<types::User>("a full UserJson", &full.to_value());
    assert_eq!(full.to_string(), full.to_value().to_string());
}
