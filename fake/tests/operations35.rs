//! The 17 operations Clerk's API version 2026-05-12 added to the Users tag (35 in all), over the
//! fake's HTTP API with plain requests: what each answers, exactly, and that the state it changes
//! shows in later answers.

use clerk_users_fake::{DevicePlatform, FakeClerk, Fault, InvitationStatus, NewInvitation};
use http::Method;
use serde_json::{Value, json};

/// One plain HTTP client (building one per request is slow); no idle connections, since each
/// test has its own runtime and fake.
fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(|| reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap())
}

/// Sends `method path` with a JSON `body` (if any) and the fake's key; the status and JSON body.
async fn send(fake: &FakeClerk, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request =
        http().request(method, format!("{}{path}", fake.url())).bearer_auth(fake.secret_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// The same with a raw body (not JSON, or JSON the `json!` macro cannot write).
async fn send_raw(fake: &FakeClerk, method: Method, path: &str, body: &str) -> (u16, Value) {
    let response = http()
        .request(method, format!("{}{path}", fake.url()))
        .bearer_auth(fake.secret_key())
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// The body of a 200 answer.
async fn ok(fake: &FakeClerk, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, json) = send(fake, method.clone(), path, body).await;
    assert_eq!(status, 200, "{method} {path}: {json}");
    json
}

/// Asserts a Clerk error document, exactly: one error with this code, messages and
/// `meta.param_name` (if any), and a trace id.
#[track_caller]
fn assert_error(
    answer: &(u16, Value),
    status: u16,
    code: &str,
    message: &str,
    long_message: &str,
    param: Option<&str>,
) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    let trace = body["clerk_trace_id"].as_str().unwrap_or_default();
    assert!(trace.starts_with("trace_"), "{body}");
    let meta = match param {
        Some(param) => json!({"param_name": param}),
        None => json!({}),
    };
    let expected = json!({
        "clerk_trace_id": trace,
        "errors": [{"code": code, "long_message": long_message, "message": message, "meta": meta}],
        "meta": {},
    });
    assert_eq!(*body, expected);
}

/// The 404 of an unknown user.
#[track_caller]
fn assert_no_user(answer: &(u16, Value), id: &str) {
    let long = format!("No user was found with id {id}");
    assert_error(answer, 404, "resource_not_found", "not found", &long, Some("user_id"));
}

fn add(fake: &FakeClerk, email: &str) -> String {
    fake.add_user(json!({"email_address": [email]})).unwrap()
}

async fn user(fake: &FakeClerk, id: &str) -> Value {
    ok(fake, Method::GET, &format!("/users/{id}"), None).await
}

// Bulk ban and unban.

#[tokio::test]
async fn bulk_ban_bans_the_users_that_exist_in_the_order_asked_each_once() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    let ids = fake.seed_users(5);
    for id in &ids {
        ok(&fake, Method::POST, &format!("/users/{id}/unban"), None).await;
    }
    let asked =
        [ids[3].as_str(), "user_missing", ids[0].as_str(), ids[3].as_str(), ids[1].as_str()];
    let banned = ok(&fake, Method::POST, "/users/ban", Some(json!({"user_ids": asked}))).await;
    let answered: Vec<&str> =
        banned.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(answered, [&*ids[3], &*ids[0], &*ids[1]]);
    for (i, id) in ids.iter().enumerate() {
        let user = user(&fake, id).await;
        assert_eq!(user["banned"], [0, 1, 3].contains(&i), "{id}");
        if [0, 1, 3].contains(&i) {
            // The answer is each user as a GET shows it after the ban.
            let position = answered.iter().position(|a| *a == id.as_str()).unwrap();
            assert_eq!(banned[position], user);
        }
    }
    let count = ok(&fake, Method::GET, "/users/count?banned=true", None).await;
    assert_eq!(count["total_count"], 3);

    let unbanned =
        ok(&fake, Method::POST, "/users/unban", Some(json!({"user_ids": [&ids[1], &ids[2]]})))
            .await;
    assert_eq!(unbanned[0]["id"], *ids[1]);
    assert_eq!(unbanned[1]["id"], *ids[2]);
    assert_eq!(unbanned[0]["banned"], false);
    let still: Vec<bool> = {
        let mut still = Vec::new();
        for id in &ids {
            still.push(user(&fake, id).await["banned"].as_bool().unwrap());
        }
        still
    };
    assert_eq!(still, [true, false, false, true, false]);

    // Only unknown ids: an empty array, and nothing changes.
    let none = ok(&fake, Method::POST, "/users/ban", Some(json!({"user_ids": ["user_x"]}))).await;
    assert_eq!(none, json!([]));
    // Every request is logged, with its status.
    let bulk: Vec<_> =
        fake.requests().into_iter().filter(|r| r.path.ends_with("/users/ban")).collect();
    assert_eq!(bulk.len(), 2);
    assert!(bulk.iter().all(|r| r.method == Method::POST && r.status == Some(200)));
}

#[tokio::test]
async fn bulk_ban_refuses_0_and_51_ids_with_400_and_a_missing_list_with_422() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    for path in ["/users/ban", "/users/unban"] {
        let none = send(&fake, Method::POST, path, Some(json!({"user_ids": []}))).await;
        assert_error(
            &none,
            400,
            "form_param_missing",
            "at least one item must be provided",
            "at least one item must be provided for `user_ids`",
            Some("user_ids"),
        );
        let ids: Vec<String> = (0..51).map(|i| format!("user_{i}")).collect();
        let many = send(&fake, Method::POST, path, Some(json!({"user_ids": ids}))).await;
        assert_error(
            &many,
            400,
            "form_param_array_size_exceeded",
            "exceeds maximum size",
            "user_ids should not exceed 50 items; 51 were given.",
            Some("user_ids"),
        );
        let fifty: Vec<&str> = std::iter::repeat_n(id.as_str(), 50).collect();
        let answer = ok(&fake, Method::POST, path, Some(json!({"user_ids": fifty}))).await;
        assert_eq!(answer.as_array().unwrap().len(), 1);
        for body in [json!({}), json!({"user_ids": null})] {
            let missing = send(&fake, Method::POST, path, Some(body)).await;
            assert_error(
                &missing,
                422,
                "form_param_missing",
                "missing required parameter",
                "user_ids must be included.",
                Some("user_ids"),
            );
        }
        for body in [json!({"user_ids": id}), json!({"user_ids": [1, 2]})] {
            let wrong = send(&fake, Method::POST, path, Some(body)).await;
            assert_error(
                &wrong,
                422,
                "form_param_format_invalid",
                "is invalid",
                "user_ids must be an array of strings.",
                Some("user_ids"),
            );
        }
        let unknown =
            send(&fake, Method::POST, path, Some(json!({"user_ids": [&id], "reason": "spam"})))
                .await;
        assert_error(
            &unknown,
            422,
            "form_param_unknown",
            "Unknown parameter",
            "reason is not a valid parameter for this request.",
            Some("reason"),
        );
        let garbled = send_raw(&fake, Method::POST, path, "{\"user_ids\": [").await;
        assert_eq!(garbled.0, 400);
        assert_eq!(garbled.1["errors"][0]["code"], "request_body_invalid");
    }
    assert_eq!(user(&fake, &id).await["banned"], false);
}

#[tokio::test]
async fn the_clients_ban_users_fits_the_fakes_limit_of_50_ids_a_request() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    let mut ids = fake.seed_users(120);
    ids.push("user_missing".to_owned());
    let outcome = fake.client().ban_users(ids.clone()).concurrency(1).await;
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(
        outcome.succeeded_ids().collect::<Vec<_>>(),
        ids[..120].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(outcome.not_answered, ["user_missing"]);
    let count = ok(&fake, Method::GET, "/users/count?banned=true", None).await;
    assert_eq!(count["total_count"], 120);
    let batches: Vec<_> =
        fake.requests().into_iter().filter(|r| r.path == "/v1/users/ban").collect();
    assert_eq!(batches.len(), 3);
    assert!(batches.iter().all(|r| r.status == Some(200)));

    let outcome = fake.client().unban_users(ids[..60].to_vec()).await;
    assert!(outcome.is_complete());
    let count = ok(&fake, Method::GET, "/users/count?banned=true", None).await;
    assert_eq!(count["total_count"], 60);
}

#[tokio::test]
async fn ban_and_unban_as_user_ids_are_still_users_for_the_other_methods() {
    let fake = FakeClerk::start().await;
    for path in ["/users/ban", "/users/unban"] {
        let id = path.trim_start_matches("/users/");
        assert_no_user(&send(&fake, Method::GET, path, None).await, id);
        assert_no_user(&send(&fake, Method::DELETE, path, None).await, id);
        assert_no_user(&send(&fake, Method::PATCH, path, Some(json!({}))).await, id);
    }
    let put = send(&fake, Method::PUT, "/users/ban", Some(json!({"user_ids": ["u"]}))).await;
    assert_error(
        &put,
        404,
        "resource_not_found",
        "not found",
        "The requested resource was not found.",
        None,
    );
}

#[tokio::test]
async fn faults_fall_on_the_new_routes_too() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    fake.on_route(Method::POST, "/v1/users/ban", 1, Fault::status(503));
    let credits = format!("/v1/users/{id}/billing/credits");
    fake.on_route(Method::GET, &credits, 1, Fault::status(429));
    let body = json!({"user_ids": [&id]});
    assert_eq!(send(&fake, Method::POST, "/users/ban", Some(body.clone())).await.0, 503);
    assert_eq!(user(&fake, &id).await["banned"], false);
    assert_eq!(send(&fake, Method::POST, "/users/ban", Some(body)).await.0, 200);
    let path = format!("/users/{id}/billing/credits");
    assert_eq!(send(&fake, Method::GET, &path, None).await.0, 429);
    assert_eq!(send(&fake, Method::GET, &path, None).await.0, 200);
    let statuses: Vec<_> = fake.requests().iter().map(|r| (r.path.clone(), r.status)).collect();
    assert_eq!(
        statuses,
        [
            ("/v1/users/ban".to_owned(), Some(503)),
            (format!("/v1/users/{id}"), Some(200)),
            ("/v1/users/ban".to_owned(), Some(200)),
            (credits.clone(), Some(429)),
            (credits, Some(200)),
        ]
    );
}

// Replace metadata.

#[tokio::test]
async fn replace_metadata_replaces_each_map_given_wholesale_and_keeps_the_others() {
    let fake = FakeClerk::start().await;
    let id = fake
        .add_user(json!({
            "email_address": ["ada@example.com"],
            "public_metadata": {"plan": "pro", "seats": {"max": 5}},
            "private_metadata": {"crm": 1},
            "unsafe_metadata": {"theme": "dark"},
        }))
        .unwrap();
    let path = format!("/users/{id}/metadata");
    let before = user(&fake, &id).await;

    let replaced =
        ok(&fake, Method::PUT, &path, Some(json!({"public_metadata": {"seats": {"min": 1}}})))
            .await;
    assert_eq!(replaced["public_metadata"], json!({"seats": {"min": 1}}));
    assert_eq!(replaced["private_metadata"], json!({"crm": 1}));
    assert_eq!(replaced["unsafe_metadata"], json!({"theme": "dark"}));
    assert!(replaced["updated_at"].as_i64() > before["updated_at"].as_i64());
    assert_eq!(user(&fake, &id).await, replaced);

    // `{}` clears a map; `null` counts as not given.
    let cleared = ok(
        &fake,
        Method::PUT,
        &path,
        Some(json!({"private_metadata": {}, "unsafe_metadata": null, "public_metadata": {"a": null}})),
    )
    .await;
    assert_eq!(cleared["private_metadata"], json!({}));
    assert_eq!(cleared["unsafe_metadata"], json!({"theme": "dark"}));
    // Replaced as given: a `null` value is kept, not a deletion as in the PATCH merge.
    assert_eq!(cleared["public_metadata"], json!({"a": null}));
    // An empty body changes nothing but `updated_at`.
    let same = ok(&fake, Method::PUT, &path, None).await;
    assert_eq!(same["public_metadata"], cleared["public_metadata"]);

    let unknown = send(&fake, Method::PUT, &path, Some(json!({"metadata": {}}))).await;
    assert_error(
        &unknown,
        422,
        "form_param_unknown",
        "Unknown parameter",
        "metadata is not a valid parameter for this request.",
        Some("metadata"),
    );
    let wrong = send(&fake, Method::PUT, &path, Some(json!({"public_metadata": [1]}))).await;
    assert_error(
        &wrong,
        422,
        "form_param_format_invalid",
        "is invalid",
        "public_metadata must be an object.",
        Some("public_metadata"),
    );
    let not_object = send(&fake, Method::PUT, &path, Some(json!("x"))).await;
    assert_error(
        &not_object,
        400,
        "request_body_invalid",
        "Request body invalid",
        "The request body is invalid: it must be a JSON object.",
        None,
    );
    let missing = send(&fake, Method::PUT, "/users/user_missing/metadata", None).await;
    assert_no_user(&missing, "user_missing");
}

// Passwords.

#[tokio::test]
async fn remove_password_clears_it_and_a_user_without_one_is_answered_unchanged() {
    let fake = FakeClerk::start().await;
    let id = fake
        .add_user(json!({"email_address": ["ada@example.com"], "password": "correct horse"}))
        .unwrap();
    let path = format!("/users/{id}/remove_password");
    let before = user(&fake, &id).await;
    assert_eq!(before["password_enabled"], true);

    let removed = ok(&fake, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(removed["password_enabled"], false);
    // The last update of the password is history: it stays.
    assert_eq!(removed["password_last_updated_at"], before["password_last_updated_at"]);
    assert!(removed["updated_at"].as_i64() > before["updated_at"].as_i64());
    assert_eq!(user(&fake, &id).await, removed);
    let verify = send(
        &fake,
        Method::POST,
        &format!("/users/{id}/verify_password"),
        Some(json!({"password": "correct horse"})),
    )
    .await;
    assert_eq!((verify.0, verify.1["errors"][0]["code"].clone()), (400, json!("no_password_set")));

    let again =
        ok(&fake, Method::POST, &path, Some(json!({"sign_out_of_other_sessions": true}))).await;
    assert_eq!(again, removed, "unchanged, updated_at included");

    let wrong =
        send(&fake, Method::POST, &path, Some(json!({"sign_out_of_other_sessions": 1}))).await;
    assert_error(
        &wrong,
        422,
        "form_param_format_invalid",
        "is invalid",
        "sign_out_of_other_sessions must be a boolean.",
        Some("sign_out_of_other_sessions"),
    );
    let unknown = send(&fake, Method::POST, &path, Some(json!({"password": "x"}))).await;
    assert_eq!(unknown.1["errors"][0]["code"], "form_param_unknown");
    assert_no_user(
        &send(&fake, Method::POST, "/users/user_missing/remove_password", None).await,
        "user_missing",
    );
}

#[tokio::test]
async fn the_compromised_flag_is_set_and_unset_and_a_new_password_clears_it() {
    let fake = FakeClerk::start().await;
    let id = fake
        .add_user(json!({"email_address": ["ada@example.com"], "password": "correct horse"}))
        .unwrap();
    let set = format!("/users/{id}/password/set_compromised");
    let unset = format!("/users/{id}/password/unset_compromised");
    assert_eq!(fake.password_compromised(&id), Some(false));

    let answer = ok(&fake, Method::POST, &set, Some(json!({"revoke_all_sessions": null}))).await;
    assert_eq!(fake.password_compromised(&id), Some(true));
    // The spec's User has no field for it: the answer is the user as a GET shows it.
    assert_eq!(answer.get("requires_password_reset"), None);
    assert_eq!(answer, user(&fake, &id).await);
    assert_eq!(answer["password_enabled"], true);
    ok(&fake, Method::POST, &set, Some(json!({"revoke_all_sessions": true}))).await;
    assert_eq!(fake.password_compromised(&id), Some(true));

    ok(&fake, Method::POST, &unset, None).await;
    assert_eq!(fake.password_compromised(&id), Some(false));
    // Unset declares no body: one sent is not read.
    ok(&fake, Method::POST, &unset, Some(json!({"anything": 1}))).await;

    ok(&fake, Method::POST, &set, None).await;
    ok(&fake, Method::PATCH, &format!("/users/{id}"), Some(json!({"password": "new horse!"})))
        .await;
    assert_eq!(fake.password_compromised(&id), Some(false), "a new password clears it");
    ok(&fake, Method::POST, &set, None).await;
    ok(&fake, Method::POST, &format!("/users/{id}/remove_password"), None).await;
    assert_eq!(fake.password_compromised(&id), Some(false), "so does removing the password");

    let no_password = send(&fake, Method::POST, &set, None).await;
    assert_error(
        &no_password,
        400,
        "no_password_set",
        "no password set",
        "This user does not have a password set for their account",
        None,
    );
    let wrong = send(&fake, Method::POST, &set, Some(json!({"revoke_all_sessions": "yes"}))).await;
    assert_eq!(wrong.0, 422);
    assert_eq!(wrong.1["errors"][0]["code"], "form_param_format_invalid");
    for path in ["set_compromised", "unset_compromised"] {
        let missing =
            send(&fake, Method::POST, &format!("/users/user_missing/password/{path}"), None).await;
        assert_no_user(&missing, "user_missing");
    }
    assert_eq!(fake.password_compromised("user_missing"), None);
}

// Second factors.

#[tokio::test]
async fn deleting_totp_then_backup_codes_turns_two_factor_off_like_disable_mfa() {
    let fake = FakeClerk::start().await;
    let id = fake
        .add_user(json!({
            "email_address": ["ada@example.com"],
            "totp_secret": "AICJ3HCXKO4KOU6NDHJX4OF3A4AO6AQY",
            "backup_codes": ["one", "two"],
        }))
        .unwrap();
    fake.set_totp_code(&id, "123456").unwrap();
    let before = user(&fake, &id).await;
    assert_eq!(before["two_factor_enabled"], true);
    assert_eq!(before["mfa_disabled_at"], Value::Null);

    let totp = ok(&fake, Method::DELETE, &format!("/users/{id}/totp"), None).await;
    assert_eq!(totp, json!({"user_id": id}));
    let after_totp = user(&fake, &id).await;
    assert_eq!(
        [&after_totp["totp_enabled"], &after_totp["backup_code_enabled"]],
        [&json!(false), &json!(true)]
    );
    assert_eq!(after_totp["two_factor_enabled"], true);
    assert_eq!(after_totp["mfa_disabled_at"], Value::Null, "a backup code is left");
    assert_eq!(after_totp["mfa_enabled_at"], before["mfa_enabled_at"]);
    let verify = format!("/users/{id}/verify_totp");
    let old_code = send(&fake, Method::POST, &verify, Some(json!({"code": "123456"}))).await;
    assert_eq!(old_code.1["errors"][0]["code"], "totp_incorrect_code");
    let backup = ok(&fake, Method::POST, &verify, Some(json!({"code": "one"}))).await;
    assert_eq!(backup, json!({"verified": true, "code_type": "backup_code"}));

    let codes = ok(&fake, Method::DELETE, &format!("/users/{id}/backup_code"), None).await;
    assert_eq!(codes, json!({"user_id": id}));
    let after = user(&fake, &id).await;
    assert_eq!(after["backup_code_enabled"], false);
    assert_eq!(after["two_factor_enabled"], false);
    assert!(after["mfa_disabled_at"].as_i64() > after_totp["updated_at"].as_i64());
    assert_eq!(after["mfa_disabled_at"], after["updated_at"]);
    let disabled = send(&fake, Method::POST, &verify, Some(json!({"code": "two"}))).await;
    assert_eq!(disabled.1["errors"][0]["code"], "totp_disabled");

    // Nothing left to delete: the same answer, and mfa_disabled_at stays.
    for path in ["totp", "backup_code"] {
        let again = ok(&fake, Method::DELETE, &format!("/users/{id}/{path}"), None).await;
        assert_eq!(again, json!({"user_id": id}));
        assert_no_user(
            &send(&fake, Method::DELETE, &format!("/users/user_missing/{path}"), None).await,
            "user_missing",
        );
    }
    assert_eq!(user(&fake, &id).await["mfa_disabled_at"], after["mfa_disabled_at"]);
}

// Passkeys, web3 wallets and external accounts.

#[tokio::test]
async fn a_deleted_passkey_leaves_the_users_passkeys() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    assert_eq!(user(&fake, &id).await["passkeys"], json!([]));
    let laptop = fake.add_passkey(&id, "MacBook Touch ID").unwrap();
    let phone = fake.add_passkey(&id, "Pixel").unwrap();
    assert!(laptop.starts_with("idn_2") && laptop.len() == 31, "{laptop}");

    let passkeys = user(&fake, &id).await["passkeys"].clone();
    let expected = |id: &str, name: &str, at: &Value| {
        json!({
            "id": id,
            "object": "passkey",
            "name": name,
            "last_used_at": at,
            "verification": {
                "object": "verification_passkey",
                "status": "verified",
                "strategy": "passkey",
                "nonce": "nonce",
                "message": null,
                "attempts": null,
                "expire_at": null,
                "verified_at_client": null,
            },
        })
    };
    assert_eq!(
        passkeys,
        json!([
            expected(&laptop, "MacBook Touch ID", &passkeys[0]["last_used_at"]),
            expected(&phone, "Pixel", &passkeys[1]["last_used_at"]),
        ])
    );

    let path = format!("/users/{id}/passkeys/{laptop}");
    let deleted = ok(&fake, Method::DELETE, &path, None).await;
    assert_eq!(deleted, json!({"object": "passkey", "id": laptop, "deleted": true}));
    let left = user(&fake, &id).await["passkeys"].clone();
    assert_eq!(left, json!([passkeys[1]]));

    let again = send(&fake, Method::DELETE, &path, None).await;
    assert_error(
        &again,
        404,
        "passkey_not_registered",
        "not registered",
        "Passkey is not registered.",
        Some("passkey_identification_id"),
    );
    // Another user's passkey is not this user's.
    let other = add(&fake, "grace@example.com");
    let stranger =
        send(&fake, Method::DELETE, &format!("/users/{other}/passkeys/{phone}"), None).await;
    assert_eq!(
        (stranger.0, &stranger.1["errors"][0]["code"]),
        (404, &json!("passkey_not_registered"))
    );
    let missing =
        send(&fake, Method::DELETE, &format!("/users/user_missing/passkeys/{phone}"), None).await;
    assert_no_user(&missing, "user_missing");
    assert_eq!(fake.add_passkey("user_missing", "x").unwrap_err().status(), 404);
}

#[tokio::test]
async fn a_deleted_wallet_leaves_the_user_and_the_wallet_filter_and_the_primary_moves() {
    let fake = FakeClerk::start().await;
    let first = "0x52908400098527886E0F7030069857D2E4169EE7";
    let second = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";
    let id = fake
        .add_user(json!({"email_address": ["ada@example.com"], "web3_wallet": [first, second]}))
        .unwrap();
    let before = user(&fake, &id).await;
    let wallet_ids: Vec<String> = before["web3_wallets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(before["primary_web3_wallet_id"], *wallet_ids[0]);

    let path = format!("/users/{id}/web3_wallets/{}", wallet_ids[0]);
    let deleted = ok(&fake, Method::DELETE, &path, None).await;
    assert_eq!(deleted, json!({"object": "web3_wallet", "id": wallet_ids[0], "deleted": true}));
    let after = user(&fake, &id).await;
    assert_eq!(after["web3_wallets"], json!([before["web3_wallets"][1]]));
    assert_eq!(after["primary_web3_wallet_id"], *wallet_ids[1]);
    assert!(after["updated_at"].as_i64() > before["updated_at"].as_i64());
    let found = ok(&fake, Method::GET, &format!("/users?web3_wallet={first}"), None).await;
    assert_eq!(found, json!([]));
    let still = ok(&fake, Method::GET, &format!("/users?web3_wallet={second}"), None).await;
    assert_eq!(still[0]["id"], *id);
    // The address is free again.
    fake.add_user(json!({"web3_wallet": [first.to_lowercase()]})).unwrap();

    let again = send(&fake, Method::DELETE, &path, None).await;
    let long = format!("No web3 wallet was found with id {}", wallet_ids[0]);
    assert_error(
        &again,
        404,
        "resource_not_found",
        "not found",
        &long,
        Some("web3_wallet_identification_id"),
    );
    assert_no_user(
        &send(&fake, Method::DELETE, "/users/user_missing/web3_wallets/x", None).await,
        "user_missing",
    );

    // The last identification stays.
    let only = fake.add_user(json!({"web3_wallet": ["0xabc"]})).unwrap();
    let only_wallet = user(&fake, &only).await["web3_wallets"][0]["id"].clone();
    let last = send(
        &fake,
        Method::DELETE,
        &format!("/users/{only}/web3_wallets/{}", only_wallet.as_str().unwrap()),
        None,
    )
    .await;
    assert_error(
        &last,
        400,
        "identification_deletion_failed",
        "Deletion failed",
        "You cannot delete your last identification.",
        None,
    );
    assert_eq!(user(&fake, &only).await["web3_wallets"][0]["id"], only_wallet);
}

#[tokio::test]
async fn a_deleted_external_account_takes_its_oauth_token_with_it() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    let google = fake.add_oauth_token(&id, "oauth_google", "ya29.token").unwrap();
    let github = fake.add_oauth_token(&id, "oauth_github", "gho_token").unwrap();
    let before = user(&fake, &id).await;
    assert_eq!(before["email_addresses"][0]["linked_to"].as_array().unwrap().len(), 2);

    let path = format!("/users/{id}/external_accounts/{google}");
    let deleted = ok(&fake, Method::DELETE, &path, None).await;
    assert_eq!(deleted, json!({"object": "external_account", "id": google, "deleted": true}));
    let after = user(&fake, &id).await;
    assert_eq!(after["external_accounts"], json!([before["external_accounts"][1]]));
    assert_eq!(after["external_accounts"][0]["id"], *github);
    assert_eq!(
        after["email_addresses"][0]["linked_to"],
        json!([before["email_addresses"][0]["linked_to"][1]])
    );
    let tokens =
        ok(&fake, Method::GET, &format!("/users/{id}/oauth_access_tokens/oauth_google"), None)
            .await;
    assert_eq!(tokens, json!([]));

    let again = send(&fake, Method::DELETE, &path, None).await;
    assert_error(
        &again,
        404,
        "external_account_not_found",
        "Invalid external account",
        "The External Account was not found.",
        Some("external_account_id"),
    );
    assert_no_user(
        &send(
            &fake,
            Method::DELETE,
            &format!("/users/user_missing/external_accounts/{github}"),
            None,
        )
        .await,
        "user_missing",
    );
    // A user whose only identification is the account keeps it.
    let only = fake.add_user(json!({})).unwrap();
    let account = fake.add_oauth_token(&only, "oauth_google", "t").unwrap();
    let last =
        send(&fake, Method::DELETE, &format!("/users/{only}/external_accounts/{account}"), None)
            .await;
    assert_eq!(
        (last.0, &last.1["errors"][0]["code"]),
        (400, &json!("identification_deletion_failed"))
    );
}

// Trusted devices.

#[tokio::test]
async fn a_revoked_trusted_device_leaves_the_list() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    let list = format!("/users/{id}/trusted_devices");
    assert_eq!(ok(&fake, Method::GET, &list, None).await, json!({"data": [], "total_count": 0}));
    let iphone = fake.add_trusted_device(&id, DevicePlatform::Ios, Some("Ada's iPhone")).unwrap();
    let pixel = fake.add_trusted_device(&id, DevicePlatform::Android, None).unwrap();
    let tablet = fake.add_trusted_device(&id, DevicePlatform::Android, Some("Tablet")).unwrap();

    let all = ok(&fake, Method::GET, &list, None).await;
    assert_eq!(all["total_count"], 3);
    let ids: Vec<&str> =
        all["data"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [&*tablet, &*pixel, &*iphone], "newest first");
    let at = &all["data"][2]["created_at"];
    assert_eq!(
        all["data"][2],
        json!({
            "object": "trusted_device",
            "id": iphone,
            "platform": "ios",
            "app_identifier": "ABCDE12345.com.example.app",
            "name": "Ada's iPhone",
            "algorithm": "ES256",
            "status": "active",
            "created_at": at,
            "updated_at": at,
            "last_used_at": null,
            "revoked_at": null,
        })
    );
    assert_eq!(all["data"][1]["name"], Value::Null);
    assert_eq!(all["data"][1]["app_identifier"], "com.example.app");

    let revoke = format!("{list}/{iphone}");
    let revoked = ok(&fake, Method::DELETE, &revoke, None).await;
    let when = revoked["revoked_at"].as_i64().unwrap();
    let mut expected = all["data"][2].clone();
    expected["status"] = json!("revoked");
    expected["updated_at"] = json!(when);
    expected["revoked_at"] = json!(when);
    assert_eq!(revoked, expected);
    assert!(when > at.as_i64().unwrap());

    let left = ok(&fake, Method::GET, &list, None).await;
    assert_eq!(left, json!({"data": [all["data"][0], all["data"][1]], "total_count": 2}));
    let again = send(&fake, Method::DELETE, &revoke, None).await;
    let long = format!("No active trusted device was found with id {iphone}");
    assert_error(&again, 404, "resource_not_found", "not found", &long, Some("trusted_device_id"));
    let unknown = send(&fake, Method::DELETE, &format!("{list}/tdev_nope"), None).await;
    assert_eq!(unknown.0, 404);
    assert_no_user(
        &send(&fake, Method::GET, "/users/user_missing/trusted_devices", None).await,
        "user_missing",
    );
    assert_no_user(
        &send(&fake, Method::DELETE, &format!("/users/user_missing/trusted_devices/{pixel}"), None)
            .await,
        "user_missing",
    );
    assert_eq!(
        fake.add_trusted_device("user_missing", DevicePlatform::Ios, None).unwrap_err().code(),
        "resource_not_found"
    );
}

// Organization invitations.

#[tokio::test]
async fn organization_invitations_are_paged_newest_first_and_filtered_by_status() {
    let fake = FakeClerk::start().await;
    let id =
        fake.add_user(json!({"email_address": ["ada@example.com"], "first_name": "Ada"})).unwrap();
    let admin = fake
        .add_user(json!({"email_address": ["grace@example.com"], "first_name": "Grace", "last_name": "Hopper"}))
        .unwrap();
    let statuses = [
        InvitationStatus::Pending,
        InvitationStatus::Accepted,
        InvitationStatus::Pending,
        InvitationStatus::Revoked,
        InvitationStatus::Expired,
    ];
    let mut ids = Vec::new();
    for (i, status) in statuses.into_iter().enumerate() {
        let mut invitation = NewInvitation::new(format!("Org {i}")).status(status);
        if i == 0 {
            invitation =
                invitation.role("org:admin").inviter(&admin).email_address("ada@work.example");
        }
        ids.push(fake.add_organization_invitation(&id, invitation).unwrap());
    }
    let path = format!("/users/{id}/organization_invitations");
    let all = ok(&fake, Method::GET, &path, None).await;
    assert_eq!(all["total_count"], 5);
    let listed = |page: &Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(listed(&all), [&*ids[4], &*ids[3], &*ids[2], &*ids[1], &*ids[0]]);

    let first = &all["data"][4];
    let created = first["created_at"].as_i64().unwrap();
    let org_id = first["organization_id"].as_str().unwrap();
    assert!(org_id.starts_with("org_2"));
    assert_eq!(
        *first,
        json!({
            "object": "organization_invitation",
            "id": ids[0],
            "email_address": "ada@work.example",
            "role": "org:admin",
            "role_name": "Admin",
            "organization_id": org_id,
            "inviter_id": admin,
            "public_inviter_data": {
                "user_id": admin,
                "first_name": "Grace",
                "last_name": "Hopper",
                "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
                "has_image": false,
                "identifier": "grace@example.com",
            },
            "status": "pending",
            "public_metadata": {},
            "private_metadata": {},
            "url": null,
            "expires_at": created + 30 * 24 * 3_600_000,
            "created_at": created,
            "updated_at": created,
            "public_organization_data": {
                "id": org_id,
                "name": "Org 0",
                "slug": "org-0",
                "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
                "has_image": false,
            },
        })
    );
    let second = &all["data"][3];
    assert_eq!(
        [&second["email_address"], &second["role"], &second["role_name"], &second["status"]],
        [&json!("ada@example.com"), &json!("org:member"), &json!("Member"), &json!("accepted")]
    );
    assert_eq!(
        [&second["inviter_id"], &second["public_inviter_data"]],
        [&Value::Null, &Value::Null]
    );

    let page = ok(&fake, Method::GET, &format!("{path}?limit=2&offset=1"), None).await;
    assert_eq!(page, json!({"data": [all["data"][1], all["data"][2]], "total_count": 5}));
    let pending = ok(&fake, Method::GET, &format!("{path}?status=pending"), None).await;
    assert_eq!(pending, json!({"data": [all["data"][2], all["data"][4]], "total_count": 2}));
    let paged =
        ok(&fake, Method::GET, &format!("{path}?status=pending&limit=1&offset=1"), None).await;
    assert_eq!(paged, json!({"data": [all["data"][4]], "total_count": 2}));
    let beyond = ok(&fake, Method::GET, &format!("{path}?offset=9"), None).await;
    assert_eq!(beyond, json!({"data": [], "total_count": 5}));

    // A deleted inviter is still named, without public data.
    assert!(fake.remove_user(&admin));
    let after = ok(&fake, Method::GET, &format!("{path}?offset=4"), None).await;
    assert_eq!(after["data"][0]["inviter_id"], *admin);
    assert_eq!(after["data"][0]["public_inviter_data"], Value::Null);

    let bad = send(&fake, Method::GET, &format!("{path}?status=open"), None).await;
    assert_error(
        &bad,
        422,
        "form_param_value_invalid",
        "is invalid",
        "status must be one of pending, accepted, revoked or expired; got \"open\".",
        Some("status"),
    );
    let limit = send(&fake, Method::GET, &format!("{path}?limit=0"), None).await;
    assert_eq!((limit.0, &limit.1["errors"][0]["code"]), (422, &json!("form_param_value_invalid")));
    assert_no_user(
        &send(&fake, Method::GET, "/users/user_missing/organization_invitations", None).await,
        "user_missing",
    );
    let other = add(&fake, "linus@example.com");
    let none =
        ok(&fake, Method::GET, &format!("/users/{other}/organization_invitations"), None).await;
    assert_eq!(none, json!({"data": [], "total_count": 0}));

    // The seeding helper's checks.
    let no_email = fake.add_user(json!({"username": "noemail"})).unwrap();
    let error = fake.add_organization_invitation(&no_email, NewInvitation::new("X")).unwrap_err();
    assert_eq!((error.status().as_u16(), error.code()), (422, "form_param_missing"));
    let error = fake
        .add_organization_invitation(&id, NewInvitation::new("X").inviter("user_missing"))
        .unwrap_err();
    assert_eq!((error.status().as_u16(), error.code()), (404, "resource_not_found"));
}

// Billing.

#[tokio::test]
async fn every_user_has_the_free_plan_subscription() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    let id = add(&fake, "ada@example.com");
    assert_eq!(id, "user_000001");
    let created = user(&fake, &id).await["created_at"].clone();
    let subscription =
        ok(&fake, Method::GET, &format!("/users/{id}/billing/subscription"), None).await;
    let free =
        json!({"amount": 0, "amount_formatted": "0.00", "currency": "USD", "currency_symbol": "$"});
    assert_eq!(
        subscription,
        json!({
            "object": "commerce_subscription",
            "id": "csub_000001",
            "instance_id": "ins_fake",
            "status": "active",
            "payer_id": "cpayer_000001",
            "created_at": created,
            "updated_at": created,
            "active_at": created,
            "past_due_at": null,
            "subscription_items": [{
                "object": "commerce_subscription_item",
                "id": "csubi_000001",
                "instance_id": "ins_fake",
                "status": "active",
                "credits": null,
                "plan_id": "cplan_free_user",
                "plan": {
                    "object": "commerce_plan",
                    "id": "cplan_free_user",
                    "name": "Free",
                    "fee": free,
                    "annual_monthly_fee": free,
                    "annual_fee": free,
                    "description": null,
                    "product_id": "cprod_free_user",
                    "is_default": true,
                    "is_recurring": true,
                    "publicly_visible": true,
                    "has_base_fee": false,
                    "for_payer_type": "user",
                    "slug": "free_user",
                    "avatar_url": null,
                    "features": [],
                    "free_trial_enabled": false,
                    "free_trial_days": null,
                    "unit_prices": [],
                },
                "plan_period": "month",
                "next_payment": null,
                "payer_id": "cpayer_000001",
                "is_free_trial": false,
                "period_start": created,
                "period_end": null,
                "canceled_at": null,
                "past_due_at": null,
                "ended_at": null,
                "created_at": created,
                "updated_at": created,
                "seats": null,
                "totals": null,
            }],
            "eligible_for_free_trial": false,
        })
    );
    assert_no_user(
        &send(&fake, Method::GET, "/users/user_missing/billing/subscription", None).await,
        "user_missing",
    );
}

#[tokio::test]
async fn credits_adjust_once_per_idempotency_key_and_never_below_zero() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    let id = add(&fake, "ada@example.com");
    let path = format!("/users/{id}/billing/credits");
    let never = ok(&fake, Method::GET, &path, None).await;
    assert_eq!(never, json!({"object": "commerce_credit_balance", "balance": null}));

    let grant =
        json!({"amount": 1050, "action": "increase", "idempotency_key": "k1", "note": "welcome"});
    let entry = ok(&fake, Method::POST, &path, Some(grant.clone())).await;
    let ledger_id = entry["id"].as_str().unwrap().to_owned();
    assert!(ledger_id.starts_with("cledger_2"), "{ledger_id}");
    let created_at = entry["created_at"].as_str().unwrap().to_owned();
    assert_eq!(created_at.len(), "2026-05-12T10:00:00.000Z".len(), "{created_at}");
    assert!(created_at.ends_with('Z') && created_at.as_bytes()[10] == b'T', "{created_at}");
    assert_eq!(
        entry,
        json!({
            "object": "commerce_credit_ledger",
            "id": ledger_id,
            "payer_id": "cpayer_000001",
            "amount": {"amount": 1050, "amount_formatted": "10.50", "currency": "USD", "currency_symbol": "$"},
            "source_type": "grant",
            "source_id": "k1",
            "note": "welcome",
            "created_at": created_at,
        })
    );
    let balance = |cents: i64, formatted: &str| {
        json!({
            "object": "commerce_credit_balance",
            "balance": {"amount": cents, "amount_formatted": formatted, "currency": "USD", "currency_symbol": "$"},
        })
    };
    assert_eq!(ok(&fake, Method::GET, &path, None).await, balance(1050, "10.50"));

    // The same key again: the original entry, and the balance does not move (even if the rest of
    // the body differs).
    assert_eq!(ok(&fake, Method::POST, &path, Some(grant)).await, entry);
    let changed = json!({"amount": 1, "action": "decrease", "idempotency_key": "k1"});
    assert_eq!(ok(&fake, Method::POST, &path, Some(changed)).await, entry);
    assert_eq!(ok(&fake, Method::GET, &path, None).await, balance(1050, "10.50"));

    let debit = ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"amount": 1049, "action": "decrease", "idempotency_key": "k2", "currency": "usd"})),
    )
    .await;
    assert_eq!(
        debit["amount"],
        json!({"amount": -1049, "amount_formatted": "-10.49", "currency": "USD", "currency_symbol": "$"})
    );
    assert_eq!(
        [&debit["source_type"], &debit["source_id"], &debit["note"]],
        [&json!("debit"), &json!("k2"), &Value::Null]
    );
    assert_ne!(debit["id"], entry["id"]);
    assert_eq!(ok(&fake, Method::GET, &path, None).await, balance(1, "0.01"));

    let too_much = send(
        &fake,
        Method::POST,
        &path,
        Some(json!({"amount": 2, "action": "decrease", "idempotency_key": "k3"})),
    )
    .await;
    assert_error(
        &too_much,
        422,
        "insufficient_credit_balance",
        "Insufficient credit balance",
        "The decrease amount exceeds the current credit balance",
        Some("amount"),
    );
    // A refused key was not used: it works once the request is right.
    let exact = json!({"amount": 1, "action": "decrease", "idempotency_key": "k3"});
    ok(&fake, Method::POST, &path, Some(exact)).await;
    assert_eq!(ok(&fake, Method::GET, &path, None).await, balance(0, "0.00"));

    // A user who never had credits cannot go below zero either.
    let other = add(&fake, "grace@example.com");
    let from_none = send(
        &fake,
        Method::POST,
        &format!("/users/{other}/billing/credits"),
        Some(json!({"amount": 1, "action": "decrease", "idempotency_key": "k1"})),
    )
    .await;
    assert_eq!(from_none.1["errors"][0]["code"], "insufficient_credit_balance");
    let other_balance =
        ok(&fake, Method::GET, &format!("/users/{other}/billing/credits"), None).await;
    assert_eq!(other_balance["balance"], Value::Null);
}

#[tokio::test]
async fn a_credit_adjustment_is_checked_like_clerk_checks_it() {
    let fake = FakeClerk::start().await;
    let id = add(&fake, "ada@example.com");
    let path = format!("/users/{id}/billing/credits");
    let base = json!({"amount": 100, "action": "increase", "idempotency_key": "k"});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    for amount in [json!(0), json!(-5)] {
        let answer = send(&fake, Method::POST, &path, Some(with("amount", amount))).await;
        assert_error(
            &answer,
            422,
            "invalid_credit_amount",
            "Invalid credit amount",
            "Credit amount must be greater than zero",
            Some("amount"),
        );
    }
    let action = send(&fake, Method::POST, &path, Some(with("action", json!("double")))).await;
    assert_error(
        &action,
        422,
        "invalid_credit_action",
        "Invalid credit action",
        "Credit action must be either 'increase' or 'decrease'",
        Some("action"),
    );
    let currency = send(&fake, Method::POST, &path, Some(with("currency", json!("EUR")))).await;
    assert_error(
        &currency,
        400,
        "currency_invalid",
        "Invalid currency",
        "Currency is not supported",
        Some("currency"),
    );
    let empty_key =
        send(&fake, Method::POST, &path, Some(with("idempotency_key", json!("")))).await;
    assert_error(
        &empty_key,
        422,
        "form_param_value_invalid",
        "is invalid",
        "idempotency_key is invalid. Must be not empty",
        Some("idempotency_key"),
    );
    for field in ["amount", "action", "idempotency_key"] {
        let missing = send(&fake, Method::POST, &path, Some(without(field))).await;
        let long = format!("{field} must be included.");
        assert_error(
            &missing,
            422,
            "form_param_missing",
            "missing required parameter",
            &long,
            Some(field),
        );
    }
    for (field, value, expected) in [
        ("amount", json!("100"), "an integer"),
        ("amount", json!(1.5), "an integer"),
        ("action", json!(1), "a string"),
        ("note", json!(["a"]), "a string"),
    ] {
        let wrong = send(&fake, Method::POST, &path, Some(with(field, value))).await;
        let long = format!("{field} must be {expected}.");
        assert_error(&wrong, 422, "form_param_format_invalid", "is invalid", &long, Some(field));
    }
    let unknown = send(&fake, Method::POST, &path, Some(with("payer_id", json!("x")))).await;
    assert_eq!((unknown.0, &unknown.1["errors"][0]["code"]), (422, &json!("form_param_unknown")));
    let garbled = send_raw(&fake, Method::POST, &path, "{\"amount\": 1,").await;
    assert_eq!((garbled.0, &garbled.1["errors"][0]["code"]), (400, &json!("request_body_invalid")));
    let huge = send_raw(
        &fake,
        Method::POST,
        &path,
        r#"{"amount": 1e400, "action": "increase", "idempotency_key": "k"}"#,
    )
    .await;
    assert_eq!(huge.0 / 100, 4, "{huge:?}");
    // None of these moved the balance.
    let balance = ok(&fake, Method::GET, &path, None).await;
    assert_eq!(balance["balance"], Value::Null);

    // Past i64::MAX cents: refused, not wrapped.
    ok(&fake, Method::POST, &path, Some(with("amount", json!(i64::MAX)))).await;
    let over = send(&fake, Method::POST, &path, Some(with("idempotency_key", json!("k2")))).await;
    assert_eq!((over.0, &over.1["errors"][0]["code"]), (422, &json!("form_param_value_invalid")));
    assert_eq!(ok(&fake, Method::GET, &path, None).await["balance"]["amount"], i64::MAX);

    for method in [Method::GET, Method::POST] {
        let missing =
            send(&fake, method, "/users/user_missing/billing/credits", Some(base.clone())).await;
        assert_no_user(&missing, "user_missing");
    }
}
