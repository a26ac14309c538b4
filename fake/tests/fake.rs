//! `FakeClerk` through the crate's real client: every operation, Clerk's checks and errors, the
//! list filters, orderings and paging, the knobs, the request log, and a 10,000-user walk.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use clerk_users::prelude::*;
use clerk_users::types;
use clerk_users_fake::{FakeClerk, RecordedRequest};
use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

/// A client for `fake` that does not retry, so each call is one request.
fn once_only(fake: &FakeClerk) -> clerk_users::Client {
    clerk_users::Client::builder(fake.secret_key())
        .base_url(fake.url())
        .no_retries()
        .build()
        .unwrap()
}

/// A JSON object, for metadata.
fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// One plain HTTP client for [`raw`] (building one per request is slow). It keeps no idle
/// connections, since each test has its own runtime and fake.
fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(|| reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap())
}

/// Sends a request the typed client cannot (unknown fields, bad values); returns status and body.
async fn raw(
    fake: &FakeClerk,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request =
        http().request(method, format!("{}{path}", fake.url())).bearer_auth(fake.secret_key());
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The first error code of a `ClerkErrors` body.
fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap()
}

/// Adds a user with `email` and returns its id.
fn add(fake: &FakeClerk, email: &str) -> String {
    fake.add_user(json!({"email_address": [email]})).unwrap()
}

fn ids(users: &[types::User]) -> Vec<&str> {
    users.iter().map(|u| u.id.as_str()).collect()
}

#[tokio::test]
async fn create_user_makes_a_verified_primary_email_and_a_taken_email_is_422() {
    let fake = FakeClerk::start().await;
    let client = fake.client();

    let user = client
        .create_user()
        .body_map(|b| {
            b.email_address(vec!["Ada@Example.com".to_owned(), "ada@work.example".to_owned()])
                .first_name("Ada".to_owned())
                .username("ada".to_owned())
                .password("correct horse".to_owned())
                .external_id("crm-1".to_owned())
                .public_metadata(object(json!({"plan": "pro"})))
        })
        .send()
        .await
        .unwrap();
    let taken = client
        .create_user()
        .body_map(|b| b.email_address(vec!["ADA@example.COM".to_owned()]))
        .send()
        .await
        .unwrap_err();

    assert!(user.id.starts_with("user_2") && user.id.len() == 32, "{}", user.id);
    assert_eq!(user.email_addresses.len(), 2);
    let primary = &user.email_addresses[0];
    assert_eq!(primary.email_address.as_deref(), Some("ada@example.com"));
    assert!(primary.id.as_deref().unwrap().starts_with("idn_"));
    assert_eq!(user.primary_email_address_id, primary.id);
    assert_eq!(primary.verification.as_ref().unwrap().status(), Some("verified"));
    assert_eq!(primary.verification.as_ref().unwrap().strategy(), Some("admin"));
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.username.as_deref(), Some("ada"));
    assert_eq!(user.external_id.as_deref(), Some("crm-1"));
    assert_eq!(user.password_enabled, Some(true));
    assert_eq!(user.public_metadata["plan"], "pro");
    assert_eq!(user.password_last_updated_at, Some(user.created_at));
    assert_eq!(fake.user_count(), 1);

    assert_eq!(taken.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(taken.codes(), ["form_identifier_exists"]);
    let error = &taken.clerk_errors().unwrap().errors[0];
    assert_eq!(error.meta["param_name"], "email_address");
    assert!(taken.trace_id().unwrap().starts_with("trace_"));
}

#[tokio::test]
async fn create_user_refuses_a_taken_username_a_short_password_and_unknown_fields() {
    let fake = FakeClerk::start().await;
    fake.add_user(json!({"username": "grace", "email_address": ["grace@example.com"]})).unwrap();

    let username = raw(&fake, Method::POST, "/users", Some(r#"{"username": "Grace"}"#)).await;
    let password = raw(&fake, Method::POST, "/users", Some(r#"{"password": "short"}"#)).await;
    let unknown = raw(&fake, Method::POST, "/users", Some(r#"{"nickname": "g"}"#)).await;
    let wrong_type = raw(&fake, Method::POST, "/users", Some(r#"{"first_name": 7}"#)).await;
    let not_json = raw(&fake, Method::POST, "/users", Some("{nope")).await;
    let not_object = raw(&fake, Method::POST, "/users", Some("[1, 2]")).await;

    assert_eq!(
        (username.0, code(&username.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_identifier_exists")
    );
    assert_eq!(username.1["errors"][0]["meta"]["param_name"], "username");
    assert_eq!(
        (password.0, code(&password.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_password_length_too_short")
    );
    assert_eq!(
        (unknown.0, code(&unknown.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_param_unknown")
    );
    assert_eq!(unknown.1["errors"][0]["meta"]["param_name"], "nickname");
    assert_eq!(
        (wrong_type.0, code(&wrong_type.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_param_format_invalid")
    );
    assert_eq!((not_json.0, code(&not_json.1)), (StatusCode::BAD_REQUEST, "request_body_invalid"));
    assert_eq!(
        (not_object.0, code(&not_object.1)),
        (StatusCode::BAD_REQUEST, "request_body_invalid")
    );
    assert_eq!(fake.user_count(), 1, "nothing refused was stored");
}

#[tokio::test]
async fn add_user_applies_the_same_checks_as_the_api() {
    let fake = FakeClerk::start().await;
    let id = fake
        .add_user(json!({"email_address": ["linus@example.com"], "first_name": "Linus"}))
        .unwrap();

    let taken = fake.add_user(json!({"email_address": ["LINUS@example.com"]})).unwrap_err();
    let typed = fake
        .add_user(types::CreateUserBody {
            username: Some("torvalds".to_owned()),
            ..Default::default()
        })
        .unwrap();

    assert_eq!(fake.user_json(&id).unwrap()["first_name"], "Linus");
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(taken.code(), "form_identifier_exists");
    assert!(taken.to_string().contains("form_identifier_exists"));
    assert_eq!(fake.user_json(&typed).unwrap()["username"], "torvalds");
    assert_eq!(fake.user_json("user_missing"), None);
    assert_eq!(fake.user_count(), 2);
}

#[tokio::test]
async fn get_update_and_delete_a_user() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = fake
        .add_user(json!({"email_address": ["a@example.com", "b@example.com"], "username": "ann"}))
        .unwrap();
    let second_email =
        fake.user_json(&id).unwrap()["email_addresses"][1]["id"].as_str().unwrap().to_owned();

    let fetched = client.get_user().user_id(&id).send().await.unwrap();
    let updated = client
        .update_user()
        .user_id(&id)
        .body_map(|b| {
            b.first_name("Ann".to_owned())
                .last_name("Smith".to_owned())
                .external_id("ext-9".to_owned())
                .primary_email_address_id(second_email.clone())
                .password("a much longer password".to_owned())
        })
        .send()
        .await
        .unwrap();
    let without_username = client
        .update_user()
        .user_id(&id)
        .body_map(|b| b.username(String::new()))
        .send()
        .await
        .unwrap();
    let deleted = client.delete_user().user_id(&id).send().await.unwrap();
    let gone = client.get_user().user_id(&id).send().await.unwrap_err();

    assert_eq!(fetched.id, id);
    assert_eq!(fetched.username.as_deref(), Some("ann"));
    assert_eq!(updated.first_name.as_deref(), Some("Ann"));
    assert_eq!(updated.last_name.as_deref(), Some("Smith"));
    assert_eq!(updated.external_id.as_deref(), Some("ext-9"));
    assert_eq!(updated.primary_email_address_id.as_deref(), Some(second_email.as_str()));
    assert_eq!(updated.password_enabled, Some(true));
    assert!(updated.updated_at > fetched.updated_at);
    assert_eq!(without_username.username, None);
    assert_eq!(deleted.object.as_deref(), Some("user"));
    assert_eq!(deleted.id.as_deref(), Some(id.as_str()));
    assert_eq!(deleted.deleted, Some(true));
    assert!(gone.is_not_found());
    assert_eq!(fake.user_count(), 0);
    // The email addresses are free again.
    assert!(fake.add_user(json!({"email_address": ["a@example.com"]})).is_ok());
}

#[tokio::test]
async fn update_user_checks_the_primary_email_the_username_and_the_fields() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "a@example.com");
    fake.add_user(json!({"email_address": ["b@example.com"], "username": "bea"})).unwrap();
    let path = format!("/users/{id}");

    let foreign =
        raw(&fake, Method::PATCH, &path, Some(r#"{"primary_email_address_id": "idn_x"}"#)).await;
    let taken = raw(&fake, Method::PATCH, &path, Some(r#"{"username": "BEA"}"#)).await;
    let unknown = raw(&fake, Method::PATCH, &path, Some(r#"{"public_metadata": {}}"#)).await;
    let short = raw(&fake, Method::PATCH, &path, Some(r#"{"password": "1234567"}"#)).await;

    assert_eq!(
        (foreign.0, code(&foreign.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_param_value_invalid")
    );
    assert_eq!(
        (taken.0, code(&taken.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_identifier_exists")
    );
    assert_eq!(
        (unknown.0, code(&unknown.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_param_unknown")
    );
    assert_eq!(
        (short.0, code(&short.1)),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_password_length_too_short")
    );
}

#[tokio::test]
async fn an_unknown_user_is_404_resource_not_found_with_a_trace_id() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);

    let errors = [
        client.get_user().user_id("user_nope").send().await.map(|_| ()),
        client.update_user().user_id("user_nope").body_map(|b| b).send().await.map(|_| ()),
        client.delete_user().user_id("user_nope").send().await.map(|_| ()),
        client.ban_user().user_id("user_nope").send().await.map(|_| ()),
        client.disable_mfa().user_id("user_nope").send().await.map(|_| ()),
    ];

    for error in errors {
        let error = error.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.codes(), ["resource_not_found"]);
        let details = &error.clerk_errors().unwrap().errors[0];
        assert_eq!(details.message, "not found");
        assert_eq!(details.long_message, "No user was found with id user_nope");
        assert!(error.trace_id().unwrap().starts_with("trace_"));
    }
}

#[tokio::test]
async fn ban_unban_lock_and_unlock_change_the_user() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = add(&fake, "a@example.com");

    let banned = client.ban_user().user_id(&id).send().await.unwrap();
    let unbanned = client.unban_user().user_id(&id).send().await.unwrap();
    let locked = client.lock_user().user_id(&id).send().await.unwrap();
    let unlocked = client.unlock_user().user_id(&id).send().await.unwrap();

    assert_eq!(banned.banned, Some(true));
    assert_eq!(unbanned.banned, Some(false));
    assert_eq!(locked.locked, Some(true));
    assert_eq!(locked.lockout_expires_in_seconds, Some(3600));
    assert_eq!(unlocked.locked, Some(false));
    assert_eq!(unlocked.lockout_expires_in_seconds, None);
    assert!(unlocked.updated_at > locked.updated_at);
}

#[tokio::test]
async fn metadata_merges_deeply_and_null_deletes_keys_at_any_depth() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = fake
        .add_user(json!({
            "email_address": ["a@example.com"],
            "public_metadata": {"plan": "pro", "limits": {"seats": 5, "projects": 3}},
            "private_metadata": {"stripe": "cus_1"},
        }))
        .unwrap();

    let user = client
        .update_user_metadata()
        .user_id(&id)
        .body_map(|b| {
            b.public_metadata(object(
                json!({"limits": {"seats": 10, "projects": null}, "beta": true}),
            ))
            .private_metadata(object(json!({"stripe": null})))
            .unsafe_metadata(object(json!({"theme": {"dark": true}})))
        })
        .send()
        .await
        .unwrap();

    assert_eq!(
        Value::Object(user.public_metadata.clone()),
        json!({"plan": "pro", "limits": {"seats": 10}, "beta": true})
    );
    assert_eq!(user.private_metadata, Some(Map::new()));
    assert_eq!(Value::Object(user.unsafe_metadata.clone()), json!({"theme": {"dark": true}}));
}

#[tokio::test]
async fn check_password_is_true_false_or_an_error_without_a_password() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let with = fake
        .add_user(json!({"email_address": ["a@example.com"], "password": "correct horse"}))
        .unwrap();
    let without = add(&fake, "b@example.com");

    let right = client.check_password(&with, "correct horse").await.unwrap();
    let wrong = client.check_password(&with, "battery staple").await.unwrap();
    let none = client.check_password(&without, "anything at all").await.unwrap_err();
    let empty = client.check_password(&with, "").await.unwrap_err();

    assert!(right);
    assert!(!wrong);
    assert_eq!(none.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(none.codes(), ["no_password_set"]);
    assert_eq!(empty.codes(), ["form_param_missing"]);
}

#[tokio::test]
async fn check_totp_accepts_the_set_code_and_each_backup_code_once() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = fake
        .add_user(
            json!({"email_address": ["a@example.com"], "backup_codes": ["backup-1", "backup-2"]}),
        )
        .unwrap();
    let plain = add(&fake, "b@example.com");
    fake.set_totp_code(&id, "123456").unwrap();

    let totp = client
        .verify_totp()
        .user_id(&id)
        .body_map(|b| b.code("123456".to_owned()))
        .send()
        .await
        .unwrap();
    let backup = client
        .verify_totp()
        .user_id(&id)
        .body_map(|b| b.code("backup-1".to_owned()))
        .send()
        .await
        .unwrap();
    let backup_again = client.check_totp(&id, "backup-1").await.unwrap();
    let other_backup = client.check_totp(&id, "backup-2").await.unwrap();
    let wrong = client.check_totp(&id, "654321").await.unwrap();
    let disabled = client.check_totp(&plain, "123456").await.unwrap_err();
    let user = client.get_user().user_id(&id).send().await.unwrap();

    assert_eq!(
        (totp.verified, totp.code_type.as_ref()),
        (Some(true), Some(&types::VerifyTotpResponseCodeType::Totp))
    );
    assert_eq!(backup.code_type, Some(types::VerifyTotpResponseCodeType::BackupCode));
    assert!(!backup_again, "a backup code works once");
    assert!(other_backup);
    assert!(!wrong);
    assert_eq!(disabled.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(disabled.codes(), ["totp_disabled"]);
    assert_eq!((user.totp_enabled, user.two_factor_enabled), (Some(true), Some(true)));
    assert_eq!(user.backup_code_enabled, Some(false), "both backup codes are used up");
    assert!(user.mfa_enabled_at.is_some());
}

#[tokio::test]
async fn disable_mfa_turns_off_totp_and_backup_codes() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = fake
        .add_user(json!({"email_address": ["a@example.com"], "backup_codes": ["b-1"]}))
        .unwrap();
    fake.set_totp_code(&id, "000111").unwrap();

    let response = client.disable_mfa().user_id(&id).send().await.unwrap();
    let user = client.get_user().user_id(&id).send().await.unwrap();
    let check = client.check_totp(&id, "000111").await.unwrap_err();

    assert_eq!(response.user_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        (user.totp_enabled, user.backup_code_enabled, user.two_factor_enabled),
        (Some(false), Some(false), Some(false))
    );
    assert!(user.mfa_disabled_at.is_some());
    assert_eq!(check.codes(), ["totp_disabled"]);
}

#[tokio::test]
async fn profile_image_is_set_from_a_multipart_file_and_deleted() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = add(&fake, "a@example.com");

    let before = client.get_user().user_id(&id).send().await.unwrap();
    let with_image = client
        .set_user_profile_image()
        .user_id(&id)
        .file(b"\x89PNG fake".to_vec(), "a.png", "image/png")
        .send()
        .await
        .unwrap();
    let without_image = client.delete_user_profile_image().user_id(&id).send().await.unwrap();
    let no_file = http()
        .post(format!("{}/users/{id}/profile_image", fake.url()))
        .bearer_auth(fake.secret_key())
        .multipart(reqwest::multipart::Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    let no_file_status = no_file.status();
    let no_file_body: Value = no_file.json().await.unwrap();

    assert_eq!(before.has_image, Some(false));
    assert_eq!(with_image.has_image, Some(true));
    assert_ne!(with_image.image_url, before.image_url);
    assert!(with_image.image_url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(without_image.has_image, Some(false));
    assert_eq!(without_image.image_url, before.image_url);
    assert_eq!(
        (no_file_status, code(&no_file_body)),
        (StatusCode::BAD_REQUEST, "form_param_missing")
    );
    assert_eq!(no_file_body["errors"][0]["meta"]["param_name"], "file");
}

#[tokio::test]
async fn organization_memberships_come_in_pages_with_a_total() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id =
        fake.add_user(json!({"email_address": ["a@example.com"], "first_name": "Ann"})).unwrap();
    let first = fake.add_membership(&id, "Acme Corp", "org:admin").unwrap();
    fake.add_membership(&id, "Globex", "org:member").unwrap();
    let last = fake.add_membership(&id, "Initech", "org:member").unwrap();
    let again = fake.add_membership(&id, "Acme Corp", "org:member").unwrap_err();

    let page =
        client.users_get_organization_memberships().user_id(&id).limit(2u64).send().await.unwrap();
    let rest = client
        .users_get_organization_memberships()
        .user_id(&id)
        .limit(2u64)
        .offset(2u64)
        .send()
        .await
        .unwrap();
    let all = client
        .users_get_organization_memberships()
        .user_id(&id)
        .paginate()
        .page_size(1)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(page.total_count, Some(3));
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[0].id, last, "newest first");
    assert_eq!(page.data[0].organization.as_ref().and_then(|o| o.name.as_deref()), Some("Initech"));
    assert_eq!(page.data[0].role.as_deref(), Some("org:member"));
    assert_eq!(page.data[0].public_user_data.as_ref().unwrap().first_name.as_deref(), Some("Ann"));
    assert_eq!(rest.total_count, Some(3));
    assert_eq!(rest.data.len(), 1);
    assert_eq!(rest.data[0].id, first);
    assert_eq!(
        rest.data[0].organization.as_ref().and_then(|o| o.slug.as_deref()),
        Some("acme-corp")
    );
    assert_eq!(rest.data[0].role_name.as_deref(), Some("Admin"));
    assert_eq!(all.len(), 3);
    assert_eq!(again.code(), "already_a_member_in_organization");
}

#[tokio::test]
async fn oauth_tokens_are_an_array_or_with_paginated_a_page() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = add(&fake, "a@example.com");
    let first = fake.add_oauth_token(&id, "oauth_google", "ya29.one").unwrap();
    fake.add_oauth_token(&id, "oauth_github", "gho_two").unwrap();
    fake.add_oauth_token(&id, "oauth_google", "ya29.three").unwrap();

    let array = client
        .get_o_auth_access_token()
        .user_id(&id)
        .provider("oauth_google")
        .send()
        .await
        .unwrap();
    let page = client
        .get_o_auth_access_token()
        .user_id(&id)
        .provider("oauth_google")
        .paginated(true)
        .limit(1u64)
        .offset(1u64)
        .send()
        .await
        .unwrap();
    let raw_array =
        raw(&fake, Method::GET, &format!("/users/{id}/oauth_access_tokens/oauth_google"), None)
            .await;
    let user = client.get_user().user_id(&id).send().await.unwrap();

    assert_eq!(array.total_count, None);
    assert_eq!(
        array.iter().map(|t| t.token.as_deref()).collect::<Vec<_>>(),
        [Some("ya29.one"), Some("ya29.three")]
    );
    assert_eq!(array[0].external_account_id, first);
    assert_eq!(array[0].provider.as_deref(), Some("oauth_google"));
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.iter().map(|t| t.token.as_deref()).collect::<Vec<_>>(), [Some("ya29.three")]);
    assert!(raw_array.1.is_array());
    assert_eq!(user.external_accounts.len(), 3);
    assert_eq!(user.external_accounts[0].id, first);
}

/// Five users `u0`…`u4` (oldest first) with emails `u<i>@example.com`; returns their ids.
fn five_users(fake: &FakeClerk) -> Vec<String> {
    let first_names = ["Cy", "Al", "Bo", "Al", "Di"];
    (0..5)
        .map(|i| {
            fake.add_user(json!({
                "email_address": [format!("u{i}@example.com")],
                "first_name": first_names[i],
                "username": format!("user{i}"),
                "banned": i == 3,
            }))
            .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn list_is_newest_first_and_filters_by_user_id_with_plus_and_minus() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);

    let all = client.get_user_list().send().await.unwrap();
    let plain =
        client.get_user_list().user_id(vec![u[1].clone(), u[3].clone()]).send().await.unwrap();
    let plus = client.get_user_list().user_id(vec![format!("+{}", u[2])]).send().await.unwrap();
    let minus = client
        .get_user_list()
        .user_id(vec![format!("-{}", u[0]), format!("-{}", u[4])])
        .send()
        .await
        .unwrap();
    let unknown =
        client.get_user_list().user_id(vec!["user_unknown".to_owned()]).send().await.unwrap();

    assert_eq!(ids(&all), [&u[4], &u[3], &u[2], &u[1], &u[0]]);
    assert_eq!(ids(&plain), [&u[3], &u[1]]);
    assert_eq!(ids(&plus), [&u[2]]);
    assert_eq!(ids(&minus), [&u[3], &u[2], &u[1]]);
    assert!(unknown.is_empty());
}

#[tokio::test]
async fn list_filters_by_email_query_username_banned_and_external_id() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);
    let ext = fake.add_user(json!({"external_id": "crm-7", "first_name": "Eve"})).unwrap();

    let email = client
        .get_user_list()
        .email_address(vec!["U2@EXAMPLE.com".to_owned()])
        .send()
        .await
        .unwrap();
    let query = client.get_user_list().query("AL").send().await.unwrap();
    let query_id = client.get_user_list().query(u[4][5..15].to_lowercase()).send().await.unwrap();
    let username = client.get_user_list().username(vec!["user0".to_owned()]).send().await.unwrap();
    let banned = client.get_user_list().banned(true).send().await.unwrap();
    let not_banned = client.get_users_count().banned(false).send().await.unwrap();
    let external =
        client.get_user_list().external_id(vec!["crm-7".to_owned()]).send().await.unwrap();
    let not_external =
        client.get_users_count().external_id(vec!["-crm-7".to_owned()]).send().await.unwrap();

    assert_eq!(ids(&email), [&u[2]]);
    assert_eq!(ids(&query), [&u[3], &u[1]], "first names Al");
    assert_eq!(ids(&query_id), [&u[4]]);
    assert_eq!(ids(&username), [&u[0]]);
    assert_eq!(ids(&banned), [&u[3]]);
    assert_eq!(not_banned.total_count, 5);
    assert_eq!(ids(&external), [&ext]);
    assert_eq!(not_external.total_count, 5);
}

#[tokio::test]
async fn created_at_before_and_after_are_strict() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);
    let created = |id: &str| fake.user_json(id).unwrap()["created_at"].as_i64().unwrap();

    let before = client.get_user_list().created_at_before(created(&u[2])).send().await.unwrap();
    let after = client.get_user_list().created_at_after(created(&u[2])).send().await.unwrap();
    let between = client
        .get_user_list()
        .created_at_after(created(&u[0]))
        .created_at_before(created(&u[3]))
        .send()
        .await
        .unwrap();

    assert_eq!(ids(&before), [&u[1], &u[0]]);
    assert_eq!(ids(&after), [&u[4], &u[3]]);
    assert_eq!(ids(&between), [&u[2], &u[1]]);
}

#[tokio::test]
async fn orderings_sort_by_the_field_in_either_direction_with_ties_by_id() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);
    let list = |order_by: &'static str| {
        let client = client.clone();
        async move { client.get_user_list().order_by(order_by).send().await.unwrap().into_inner() }
    };
    // Al (u1, u3), Bo (u2), Cy (u0), Di (u4); the two Als by id.
    let (al_low, al_high) = if u[1] < u[3] { (&u[1], &u[3]) } else { (&u[3], &u[1]) };

    assert_eq!(ids(&list("created_at").await), [&u[0], &u[1], &u[2], &u[3], &u[4]]);
    assert_eq!(ids(&list("+created_at").await), [&u[0], &u[1], &u[2], &u[3], &u[4]]);
    assert_eq!(ids(&list("-created_at").await), [&u[4], &u[3], &u[2], &u[1], &u[0]]);
    assert_eq!(ids(&list("+first_name").await), [al_low, al_high, &u[2], &u[0], &u[4]]);
    assert_eq!(ids(&list("-first_name").await), [&u[4], &u[0], &u[2], al_high, al_low]);
    assert_eq!(ids(&list("-email_address").await), [&u[4], &u[3], &u[2], &u[1], &u[0]]);
    assert_eq!(ids(&list("username").await), [&u[0], &u[1], &u[2], &u[3], &u[4]]);
    assert_eq!(ids(&list("-updated_at").await), [&u[4], &u[3], &u[2], &u[1], &u[0]]);

    let bad = client.get_user_list().order_by("shoe_size").send().await.unwrap_err();
    assert_eq!(bad.codes(), ["form_param_value_invalid"]);
}

#[tokio::test]
async fn limit_must_be_from_1_to_500_and_offset_skips() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);

    let default = client.get_user_list().send().await.unwrap();
    let two = client.get_user_list().limit(2u64).offset(1u64).send().await.unwrap();
    let max = client.get_user_list().limit(500u64).send().await.unwrap();
    // The client refuses 501 before sending; the fake's own check is reached raw.
    let over = raw(&fake, Method::GET, "/users?limit=501", None).await;
    let zero = raw(&fake, Method::GET, "/users?limit=0", None).await;
    let word = raw(&fake, Method::GET, "/users?limit=ten", None).await;
    let negative = raw(&fake, Method::GET, "/users?offset=-1", None).await;

    assert_eq!(default.len(), 5);
    assert_eq!(ids(&two), [&u[3], &u[2]]);
    assert_eq!(max.len(), 5);
    for (status, body) in [over, zero, word, negative] {
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "form_param_value_invalid")
        );
    }
}

#[tokio::test]
async fn the_default_page_size_is_10() {
    let fake = FakeClerk::start().await;
    fake.seed_users(25);

    let users = fake.client().get_user_list().send().await.unwrap();

    assert_eq!(users.len(), 10);
}

#[tokio::test]
async fn starting_after_continues_right_after_that_user_in_either_created_at_direction() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);

    let newest = client.get_user_list().limit(2u64).send().await.unwrap();
    let next =
        client.get_user_list().limit(2u64).starting_after(&newest[1].id).send().await.unwrap();
    let last = client.get_user_list().limit(2u64).starting_after(&next[1].id).send().await.unwrap();
    let oldest = client
        .get_user_list()
        .order_by("+created_at")
        .limit(3u64)
        .starting_after(&u[0])
        .send()
        .await
        .unwrap();
    let filtered = client.get_user_list().banned(false).starting_after(&u[3]).send().await.unwrap();

    assert_eq!(ids(&newest), [&u[4], &u[3]]);
    assert_eq!(ids(&next), [&u[2], &u[1]]);
    assert_eq!(ids(&last), [&u[0]]);
    assert_eq!(ids(&oldest), [&u[1], &u[2], &u[3]]);
    assert_eq!(ids(&filtered), [&u[2], &u[1], &u[0]], "the cursor need not match the filters");
}

#[tokio::test]
async fn starting_after_with_an_offset_another_ordering_or_an_unknown_id_is_422() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);
    let u = five_users(&fake);

    let with_offset = client.get_user_list().starting_after(&u[2]).offset(1u64).send().await;
    let zero_offset = client.get_user_list().starting_after(&u[2]).offset(0u64).send().await;
    let other_order =
        client.get_user_list().starting_after(&u[2]).order_by("first_name").send().await;
    let unknown = client.get_user_list().starting_after("user_gone").send().await;

    for error in [with_offset.unwrap_err(), other_order.unwrap_err(), unknown.unwrap_err()] {
        assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(error.codes(), ["form_param_value_invalid"]);
        assert_eq!(error.clerk_errors().unwrap().errors[0].meta["param_name"], "starting_after");
    }
    assert_eq!(ids(&zero_offset.unwrap()), [&u[1], &u[0]]);
}

#[tokio::test]
async fn count_takes_the_same_filters_as_the_list() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let u = five_users(&fake);

    let all = client.get_users_count().send().await.unwrap();
    let some = client
        .get_users_count()
        .user_id(vec![format!("-{}", u[0])])
        .query("example")
        .send()
        .await
        .unwrap();
    let none = client
        .get_users_count()
        .email_address(vec!["nobody@example.com".to_owned()])
        .send()
        .await
        .unwrap();

    assert_eq!(
        (all.object.clone(), all.total_count),
        (Some(types::TotalCountObject::TotalCount), 5)
    );
    assert_eq!(some.total_count, 4);
    assert_eq!(none.total_count, 0);
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_401_authentication_invalid() {
    let fake = FakeClerk::builder().secret_key("sk_test_right").start().await;
    let wrong = clerk_users::Client::builder("sk_test_wrong")
        .base_url(fake.url())
        .no_retries()
        .build()
        .unwrap();

    let error = wrong.get_users_count().send().await.unwrap_err();
    let missing = reqwest::get(format!("{}/users/count", fake.url())).await.unwrap();
    let right = fake.client().get_users_count().send().await;

    assert_eq!(fake.secret_key(), "sk_test_right");
    assert!(error.is_unauthorized());
    assert_eq!(error.codes(), ["authentication_invalid"]);
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(right.is_ok());
}

#[tokio::test]
async fn other_paths_and_methods_are_404_clerk_errors() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "a@example.com");

    for (method, path) in [
        (Method::GET, "/organizations".to_owned()),
        (Method::PUT, format!("/users/{id}")),
        (Method::GET, format!("/users/{id}/ban")),
        (Method::POST, format!("/users/{id}/frobnicate")),
        (Method::GET, "/users/".to_owned()),
    ] {
        let (status, body) = raw(&fake, method.clone(), &path, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "resource_not_found"),
            "{method} {path}"
        );
        assert!(body["clerk_trace_id"].as_str().unwrap().starts_with("trace_"));
    }
}

#[tokio::test]
async fn path_ids_are_percent_decoded() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);

    let error = client.get_user().user_id("user/a b").send().await.unwrap_err();

    assert_eq!(
        error.clerk_errors().unwrap().errors[0].long_message,
        "No user was found with id user/a b"
    );
    assert_eq!(fake.requests()[0].path, "/v1/users/user%2Fa%20b");
}

#[tokio::test]
async fn the_latency_knob_delays_every_answer() {
    let fake = FakeClerk::builder().latency(Duration::from_millis(150)).start().await;
    let client = fake.client();

    let started = Instant::now();
    client.get_users_count().send().await.unwrap();
    client.get_users_count().send().await.unwrap();
    let elapsed = started.elapsed();

    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
}

#[tokio::test]
async fn the_rate_limit_knob_answers_429_with_retry_after_until_the_window_ends() {
    let fake = FakeClerk::builder().rate_limit(3, Duration::from_secs(60)).start().await;
    let client = once_only(&fake);
    let short = FakeClerk::builder().rate_limit(1, Duration::from_millis(300)).start().await;
    let short_client = once_only(&short);

    for _ in 0..3 {
        client.get_users_count().send().await.unwrap();
    }
    let limited = client.get_users_count().send().await.unwrap_err();
    short_client.get_users_count().send().await.unwrap();
    let short_limited = short_client.get_users_count().send().await.unwrap_err();
    tokio::time::sleep(Duration::from_millis(350)).await;
    let next_window = short_client.get_users_count().send().await;

    assert!(limited.is_rate_limited());
    assert_eq!(limited.codes(), ["too_many_requests"]);
    let wait = limited.retry_after().unwrap();
    assert!(wait == Duration::from_secs(60) || wait == Duration::from_secs(59), "{wait:?}");
    assert_eq!(short_limited.retry_after(), Some(Duration::from_secs(1)), "at least one second");
    assert!(next_window.is_ok());
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(200), Some(429)]);
}

#[tokio::test]
async fn the_failure_knob_answers_503_before_doing_anything() {
    let fake = FakeClerk::builder().failure_rate(1.0).start().await;
    let client = once_only(&fake);

    let error = client
        .create_user()
        .body_map(|b| b.email_address(vec!["a@example.com".to_owned()]))
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.codes(), ["service_unavailable"]);
    assert_eq!(fake.user_count(), 0);
}

#[tokio::test]
async fn injected_failures_follow_the_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let fake = FakeClerk::builder().failure_rate(0.5).seed(7).start().await;
        let client = once_only(&fake);
        for _ in 0..20 {
            let _ = client.get_users_count().send().await;
        }
        runs.push(fake.requests().iter().map(|r| r.status).collect::<Vec<_>>());
    }

    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&Some(200)) && runs[0].contains(&Some(503)), "{:?}", runs[0]);
}

#[tokio::test]
async fn the_client_retries_injected_failures_of_reads() {
    let fake = FakeClerk::builder().failure_rate(0.3).seed(3).start().await;
    let ids = fake.seed_users(50);
    let client = clerk_users::Client::builder(fake.secret_key())
        .base_url(fake.url())
        .retry_policy(
            clerk_users::RetryPolicy::default()
                .max_attempts(20)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap();

    let users = client.get_user_list().paginate().page_size(10).collect_all().await.unwrap();

    assert_eq!(users.len(), ids.len());
    assert!(fake.requests().iter().any(|r| r.status == Some(503)));
}

#[tokio::test]
async fn requests_are_logged_with_method_path_query_and_status_and_can_be_cleared() {
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let id = add(&fake, "a@example.com");

    client
        .get_user_list()
        .limit(5u64)
        .email_address(vec!["a+b@x.com".to_owned()])
        .send()
        .await
        .unwrap();
    let _ = client.get_user().user_id("user_nope").send().await;
    client.ban_user().user_id(&id).send().await.unwrap();
    let logged = fake.requests();
    fake.clear_requests();

    let request = |method: Method, path: &str, query: &str, status: u16| RecordedRequest {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        status: Some(status),
    };
    assert_eq!(
        logged,
        [
            request(Method::GET, "/v1/users", "email_address=a%2Bb%40x.com&limit=5", 200),
            request(Method::GET, "/v1/users/user_nope", "", 404),
            request(Method::POST, &format!("/v1/users/{id}/ban"), "", 200),
        ]
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn ten_thousand_seeded_users_walk_once_each_newest_first() {
    let fake = FakeClerk::start().await;
    let seeded = fake.seed_users(10_000);
    let client = fake.client();

    let users = client.get_user_list().paginate().collect_all().await.unwrap();
    let ascending = client
        .get_user_list()
        .order_by("+created_at")
        .paginate()
        .page_size(333)
        .collect_all()
        .await
        .unwrap();

    let walked: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    assert_eq!(walked.len(), 10_000);
    assert_eq!(walked.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
    assert_eq!(walked, fake.user_ids());
    assert!(users.windows(2).all(|w| (w[0].created_at, &w[0].id) > (w[1].created_at, &w[1].id)));
    assert_eq!(ascending.iter().rev().map(|u| u.id.clone()).collect::<Vec<_>>(), walked);
    // 20 full pages and an empty one, which the walk checks once from the cursor's millisecond
    // (an empty page may mean Clerk lost the cursor); then 31 pages of 333.
    assert_eq!(fake.requests().len(), 21 + 1 + 31, "500 a page, then 333");
}

#[tokio::test]
async fn seeded_users_are_varied_and_unique() {
    let fake = FakeClerk::start().await;

    let ids = fake.seed_users(2_000);
    let more = fake.seed_users(10);
    let users = fake.client().get_user_list().paginate().collect_all().await.unwrap();

    let unique = |values: Vec<String>| values.len() == values.iter().collect::<HashSet<_>>().len();
    assert_eq!(users.len(), 2_010);
    assert!(unique(users.iter().map(|u| u.id.clone()).collect()));
    assert!(unique(
        users.iter().filter_map(|u| u.email_addresses[0].email_address.clone()).collect()
    ));
    assert!(users.iter().all(|u| u.first_name.is_some() && u.last_name.is_some()));
    let count = |f: fn(&types::User) -> bool| users.iter().filter(|u| f(u)).count();
    assert!((20..200).contains(&count(|u| u.banned == Some(true))), "about 3% banned");
    assert!(count(|u| !u.phone_numbers.is_empty()) > 400);
    assert!(count(|u| u.username.is_some()) > 400);
    assert!(count(|u| !u.public_metadata.is_empty()) > 300);
    let two_years_ago = clerk_users_now() - 2 * 365 * 86_400_000 - 1;
    assert!(
        users.iter().all(|u| u.created_at >= two_years_ago && u.created_at < clerk_users_now())
    );
    let created: Vec<i64> =
        ids.iter().map(|id| fake.user_json(id).unwrap()["created_at"].as_i64().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(created.windows(2).any(|w| w[0] == w[1]), "now and then in the same millisecond");
    assert_eq!(more.len(), 10);
}

#[tokio::test]
async fn seeded_users_span_several_domains_and_two_years_up_to_now() {
    const DAY: i64 = 86_400_000;
    let fake = FakeClerk::start().await;
    let client = fake.client();
    let before = clerk_users_now();

    fake.seed_users(100);
    let users = client.get_user_list().paginate().collect_all().await.unwrap();
    let now = clerk_users_now();
    let month_ago = now - 30 * DAY;
    let last_month = client.get_user_list().created_at_after(month_ago).paginate();
    let last_month = last_month.collect_all().await.unwrap();
    let counted = client.get_users_count().send().await.unwrap().total_count;

    let domains: HashSet<&str> = users
        .iter()
        .map(|u| u.email_addresses[0].email_address.as_deref().unwrap())
        .map(|email| email.rsplit_once('@').unwrap().1)
        .collect();
    let expected = [
        "example.com",
        "example.org",
        "example.net",
        "mail.example.com",
        "corp.example.org",
        "eu.example.net",
    ];
    assert_eq!(domains, expected.into_iter().collect());
    let created: Vec<i64> = users.iter().map(|u| u.created_at).collect();
    let (oldest, newest) = (*created.iter().min().unwrap(), *created.iter().max().unwrap());
    assert!(newest < now && newest >= before - 3_600_000, "the newest is an hour old at most");
    let two_years_less_an_hour = 730 * DAY - 3_600_000;
    assert!(
        (before - two_years_less_an_hour..=now - two_years_less_an_hour).contains(&oldest),
        "the oldest is two years old less an hour"
    );
    for u in &users {
        let times = [u.last_sign_in_at, u.last_active_at, u.updated_at];
        for time in times.into_iter().flatten() {
            assert!((u.created_at..now).contains(&time), "{u:?}");
        }
    }
    let recent = created.iter().filter(|&&at| at > month_ago).count();
    assert!((1..10).contains(&recent), "about 4 of 100 in the last 30 days: {recent}");
    assert_eq!(last_month.len(), recent, "the filter finds them");
    assert_eq!(counted, 100);
}

#[tokio::test]
async fn a_single_seeded_user_is_recent_and_a_second_seeding_spans_two_years_again() {
    let fake = FakeClerk::builder().sequential_ids().start().await;

    fake.seed_users(1);
    fake.seed_users(3);
    let now = clerk_users_now();

    let created = |n: usize| fake.user_json(&format!("user_{n:06}")).unwrap()["created_at"].clone();
    let created: Vec<i64> = (1..=4).map(|n| created(n).as_i64().unwrap()).collect();
    let hour = 3_600_000;
    assert!(now - created[0] <= hour + 1_000, "{created:?}");
    let age = now - created[1];
    assert!((730 * 86_400_000 - hour..730 * 86_400_000).contains(&age), "{created:?}");
    assert!(created[1] <= created[2] && created[2] < created[3], "{created:?}");
    assert!(now - created[3] <= hour + 1_000, "{created:?}");
    let emails: Vec<String> = (1..=4)
        .map(|n| fake.user_json(&format!("user_{n:06}")).unwrap())
        .map(|u| u["email_addresses"][0]["email_address"].as_str().unwrap().to_owned())
        .collect();
    let domains: Vec<&str> = emails.iter().map(|e| e.rsplit_once('@').unwrap().1).collect();
    assert_eq!(domains, ["example.com", "example.org", "mail.example.com", "example.net"]);
}

fn clerk_users_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(now.as_millis()).unwrap()
}

#[tokio::test]
async fn the_same_seed_makes_the_same_users() {
    let a = FakeClerk::builder().seed(42).start().await;
    let b = FakeClerk::builder().seed(42).start().await;
    let c = FakeClerk::builder().seed(43).start().await;

    let (a_ids, b_ids, c_ids) = (a.seed_users(100), b.seed_users(100), c.seed_users(100));

    assert_eq!(a_ids, b_ids);
    assert_ne!(a_ids, c_ids);
    // Everything but the timestamps, which follow the clock.
    let identity = |fake: &FakeClerk, id: &str| {
        let user = fake.user_json(id).unwrap();
        (
            user["email_addresses"][0]["id"].clone(),
            user["email_addresses"][0]["email_address"].clone(),
            user["username"].clone(),
            user["banned"].clone(),
        )
    };
    assert_eq!(identity(&a, &a_ids[7]), identity(&b, &b_ids[7]));
}

#[tokio::test]
async fn dropping_the_fake_stops_the_server() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);
    client.get_users_count().send().await.unwrap();

    drop(fake);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = client.get_users_count().send().await;

    assert!(after.is_err());
}

/// Whether `addr` refuses connections within five seconds (the server stops asynchronously).
async fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::net::TcpStream::connect(addr).await {
            Err(_) => return true,
            Ok(_) if Instant::now() >= deadline => return false,
            Ok(stream) => {
                drop(stream);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

#[tokio::test]
async fn a_client_of_a_dropped_fake_still_works() {
    let client = FakeClerk::start().await.client();

    let count = client.get_users_count().send().await.unwrap();

    assert_eq!(count.total_count, 0);
}

#[tokio::test]
async fn the_fake_runs_until_it_and_every_client_from_it_are_dropped() {
    let fake = FakeClerk::start().await;
    let addr = fake.addr();
    let id = add(&fake, "ada@example.com");
    let client = fake.client();
    let built = fake.client_builder().no_retries().build().unwrap();
    let clone = client.clone();
    let debug = format!("{client:?}");

    drop(fake);
    let counts = (
        client.get_users_count().send().await.unwrap().total_count,
        built.get_user().user_id(&id).send().await.unwrap().into_inner().id,
    );
    drop((client, built));
    let last = clone.get_users_count().send().await.unwrap().total_count;
    drop(clone);

    assert_eq!(counts, (1, id));
    assert_eq!(last, 1, "a clone keeps it running too");
    assert!(debug.contains("keeps_alive: true"), "{debug}");
    assert!(!debug.contains("sk_test_fake"), "{debug}");
    assert!(refuses_connections(addr).await, "stopped once the last holder is dropped");
}

#[tokio::test]
async fn a_fake_without_clients_stops_when_dropped() {
    let fake = FakeClerk::start().await;
    let addr = fake.addr();
    let hand_made = once_only(&fake); // not from the fake: does not keep it running
    hand_made.get_users_count().send().await.unwrap();

    drop(fake);

    assert!(refuses_connections(addr).await);
    assert!(hand_made.get_users_count().send().await.is_err());
}

#[tokio::test]
async fn malformed_requests_get_4xx_clerk_errors_and_the_server_keeps_going() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "a@example.com");
    let user = format!("/users/{id}");
    let cases: Vec<(Method, String, Option<&str>, StatusCode)> = vec![
        (Method::GET, "/users?limit=%FF".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::GET, "/users?order_by=".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::GET, "/users?order_by=-".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::GET, "/users?banned=maybe".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        (
            Method::GET,
            "/users?created_at_before=soon".to_owned(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Method::GET, "/users?starting_after=".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        (
            Method::GET,
            "/users?offset=99999999999999999999999".to_owned(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            "/users/count?provider=oauth_google".to_owned(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            format!("{user}/oauth_access_tokens/x?paginated=yes"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            format!("{user}/organization_memberships?limit=0"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Method::POST, "/users".to_owned(), Some("\u{0}\u{1}garbage"), StatusCode::BAD_REQUEST),
        (Method::POST, "/users".to_owned(), Some("null"), StatusCode::BAD_REQUEST),
        (
            Method::POST,
            "/users".to_owned(),
            Some(r#"{"email_address": "a@b.c"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/users".to_owned(),
            Some(r#"{"email_address": ["not-an-email"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/users".to_owned(),
            Some(r#"{"created_at": "2012-10-20T07:15:20+0é:0"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/users".to_owned(),
            Some(r#"{"email_address": ["x@y.z"], "email_address_identification_status": ["odd"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::PATCH,
            user.clone(),
            Some(r#"{"username": 12}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::PATCH,
            format!("{user}/metadata"),
            Some(r#"{"public_metadata": [1]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::PATCH,
            format!("{user}/metadata"),
            Some(r#"{"tags": {}}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            format!("{user}/verify_password"),
            Some("{}"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            format!("{user}/verify_totp"),
            Some(r#"{"code": 123456}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Method::POST, format!("{user}/profile_image"), Some("{}"), StatusCode::BAD_REQUEST),
    ];

    for (method, path, body, expected) in cases {
        let (status, body) = raw(&fake, method.clone(), &path, body).await;
        assert_eq!(status, expected, "{method} {path}: {body}");
        assert!(!code(&body).is_empty(), "{method} {path}: {body}");
        assert!(body["clerk_trace_id"].as_str().unwrap().starts_with("trace_"));
    }
    let still = fake.client().get_user().user_id(&id).send().await.unwrap();
    assert_eq!(still.id, id);
    assert_eq!(fake.user_count(), 1);
}
