//! Error responses: for every operation, a status its spec declares decodes into `ClerkErrors`;
//! and statuses or bodies the spec does not declare still produce a complete, typed error.

mod support;

use clerk_users::{Error, ErrorBody};
use httpmock::prelude::*;
use serde_json::json;
use support::{WhenExt, clerk_error, client};

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

/// Checks that `error` is the document [`clerk_error`] builds, with `status` and `code`, for a
/// request `line` (`GET /v1/users`).
fn assert_clerk_error(error: &Error, line: &str, status: u16, code: &str) {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    assert_eq!(error.codes(), [code]);
    let body = error.clerk_errors().expect("a ClerkErrors body");
    let first = &body.errors[0];
    assert_eq!(first.message, format!("{code} happened"));
    assert_eq!(first.long_message, format!("{code} happened (long form)"));
    assert_eq!(first.meta["param_name"], "user_id");
    assert_eq!(body.clerk_trace_id.as_deref(), Some("trace_7b0a1c"));
    assert_eq!(error.trace_id(), Some("trace_7b0a1c"));
    let reason = reqwest::StatusCode::from_u16(status).unwrap();
    let one_line = format!(
        "{line}: clerk returned {reason}: {code}: {code} happened (long form) (trace id \
         trace_7b0a1c)"
    );
    assert_eq!(error.to_string(), one_line);
    assert_eq!(
        format!("{error:#}"),
        format!(
            "{one_line}\n  1. {code}: {code} happened (long form) ({code} happened) meta \
             {{\"param_name\":\"user_id\"}}"
        )
    );
    assert_eq!(error.request().map(ToString::to_string).as_deref(), Some(line));
}

/// One test per operation: the mock answers `$status` with a ClerkErrors body, and the error
/// returned by `send()` must carry all of it.
macro_rules! declared_error {
    ($name:ident: $method:ident $path:literal -> $status:literal $code:literal, |$client:ident| $call:expr) => {
        #[tokio::test]
        async fn $name() {
            let server = MockServer::start_async().await;
            let mock = server
                .mock_async(|when, then| {
                    when.method($method).path($path.replace("{id}", USER_ID)).clerk_headers();
                    then.status($status)
                        .header("content-type", "application/json")
                        .json_body(clerk_error($code, concat!($code, " happened")));
                })
                .await;
            let $client = client(&server);

            let result = $call.await;

            mock.assert_async().await;
            let error = result.map(|_| ()).unwrap_err();
            let line = format!("{} {}", stringify!($method), $path.replace("{id}", USER_ID));
            assert_clerk_error(&error, &line, $status, $code);
        }
    };
}

declared_error!(get_user_list_422: GET "/v1/users" -> 422 "form_param_format_invalid",
    |c| c.get_user_list().order_by("sideways").send());
declared_error!(get_users_count_422: GET "/v1/users/count" -> 422 "form_param_unknown",
    |c| c.get_users_count().send());
declared_error!(create_user_422: POST "/v1/users" -> 422 "form_identifier_exists",
    |c| c.create_user().body_map(|b| b.username("ada".to_owned())).send());
declared_error!(get_user_404: GET "/v1/users/{id}" -> 404 "resource_not_found",
    |c| c.get_user().user_id(USER_ID).send());
declared_error!(update_user_409: PATCH "/v1/users/{id}" -> 409 "user_managed_by_scim",
    |c| c.update_user().user_id(USER_ID).send());
declared_error!(delete_user_404: DELETE "/v1/users/{id}" -> 404 "resource_not_found",
    |c| c.delete_user().user_id(USER_ID).send());
declared_error!(ban_user_402: POST "/v1/users/{id}/ban" -> 402 "payment_required",
    |c| c.ban_user().user_id(USER_ID).send());
declared_error!(unban_user_402: POST "/v1/users/{id}/unban" -> 402 "payment_required",
    |c| c.unban_user().user_id(USER_ID).send());
declared_error!(lock_user_403: POST "/v1/users/{id}/lock" -> 403 "feature_not_enabled",
    |c| c.lock_user().user_id(USER_ID).send());
declared_error!(unlock_user_403: POST "/v1/users/{id}/unlock" -> 403 "feature_not_enabled",
    |c| c.unlock_user().user_id(USER_ID).send());
declared_error!(set_user_profile_image_400: POST "/v1/users/{id}/profile_image" -> 400 "image_not_found",
    |c| c.set_user_profile_image().user_id(USER_ID).file(b"GIF89a".to_vec(), "a.gif", "image/gif").send());
declared_error!(delete_user_profile_image_404: DELETE "/v1/users/{id}/profile_image" -> 404 "resource_not_found",
    |c| c.delete_user_profile_image().user_id(USER_ID).send());
declared_error!(update_user_metadata_422: PATCH "/v1/users/{id}/metadata" -> 422 "form_param_value_too_large",
    |c| c.update_user_metadata().user_id(USER_ID).send());
declared_error!(get_o_auth_access_token_422: GET "/v1/users/{id}/oauth_access_tokens/oauth_github" -> 422 "oauth_token_retrieval_error",
    |c| c.get_o_auth_access_token().user_id(USER_ID).provider("oauth_github").send());
declared_error!(users_get_organization_memberships_403: GET "/v1/users/{id}/organization_memberships" -> 403 "authorization_invalid",
    |c| c.users_get_organization_memberships().user_id(USER_ID).send());
// verify_password and verify_totp declare 400/404/422 without a body, but Clerk's error catalogue
// sends ClerkErrors for them like for every error.
declared_error!(verify_password_422: POST "/v1/users/{id}/verify_password" -> 422 "incorrect_password",
    |c| c.verify_password().user_id(USER_ID).body_map(|b| b.password("nope".to_owned())).send());
declared_error!(verify_totp_500: POST "/v1/users/{id}/verify_totp" -> 500 "internal_clerk_error",
    |c| c.verify_totp().user_id(USER_ID).body_map(|b| b.code("000000".to_owned())).send());
declared_error!(disable_mfa_404: DELETE "/v1/users/{id}/mfa" -> 404 "resource_not_found",
    |c| c.disable_mfa().user_id(USER_ID).send());
declared_error!(users_ban_400: POST "/v1/users/ban" -> 400 "form_param_format_invalid",
    |c| c.users_ban().body_map(|b| b.user_ids(vec![USER_ID.to_owned()])).send());
declared_error!(users_unban_402: POST "/v1/users/unban" -> 402 "payment_required",
    |c| c.users_unban().body_map(|b| b.user_ids(vec![USER_ID.to_owned()])).send());
declared_error!(replace_user_metadata_422: PUT "/v1/users/{id}/metadata" -> 422 "form_param_value_too_large",
    |c| c.replace_user_metadata().user_id(USER_ID).send());
declared_error!(get_user_billing_subscription_404: GET "/v1/users/{id}/billing/subscription" -> 404 "resource_not_found",
    |c| c.get_user_billing_subscription().user_id(USER_ID).send());
declared_error!(get_user_billing_credit_balance_403: GET "/v1/users/{id}/billing/credits" -> 403 "authorization_invalid",
    |c| c.get_user_billing_credit_balance().user_id(USER_ID).send());
declared_error!(adjust_user_billing_credit_balance_409: POST "/v1/users/{id}/billing/credits" -> 409 "idempotency_key_conflict",
    |c| c.adjust_user_billing_credit_balance().user_id(USER_ID).body_map(|b| b
        .amount(100)
        .action(clerk_users::types::AdjustCreditBalanceRequestAction::Increase)
        .idempotency_key("key-1".to_owned())).send());
declared_error!(users_get_organization_invitations_400: GET "/v1/users/{id}/organization_invitations" -> 400 "form_param_value_invalid",
    |c| c.users_get_organization_invitations().user_id(USER_ID).send());
declared_error!(remove_user_password_500: POST "/v1/users/{id}/remove_password" -> 500 "internal_clerk_error",
    |c| c.remove_user_password().user_id(USER_ID).send());
declared_error!(delete_backup_code_404: DELETE "/v1/users/{id}/backup_code" -> 404 "resource_not_found",
    |c| c.delete_backup_code().user_id(USER_ID).send());
declared_error!(user_passkey_delete_403: DELETE "/v1/users/{id}/passkeys/idn_pk1" -> 403 "authorization_invalid",
    |c| c.user_passkey_delete().user_id(USER_ID).passkey_identification_id("idn_pk1").send());
declared_error!(list_user_trusted_devices_500: GET "/v1/users/{id}/trusted_devices" -> 500 "internal_clerk_error",
    |c| c.list_user_trusted_devices().user_id(USER_ID).send());
declared_error!(revoke_user_trusted_device_404: DELETE "/v1/users/{id}/trusted_devices/td_1" -> 404 "resource_not_found",
    |c| c.revoke_user_trusted_device().user_id(USER_ID).trusted_device_id("td_1").send());
declared_error!(user_web3_wallet_delete_400: DELETE "/v1/users/{id}/web3_wallets/idn_w1" -> 400 "form_param_format_invalid",
    |c| c.user_web3_wallet_delete().user_id(USER_ID).web3_wallet_identification_id("idn_w1").send());
declared_error!(delete_totp_500: DELETE "/v1/users/{id}/totp" -> 500 "internal_clerk_error",
    |c| c.delete_totp().user_id(USER_ID).send());
declared_error!(delete_external_account_404: DELETE "/v1/users/{id}/external_accounts/eac_1" -> 404 "external_account_not_found",
    |c| c.delete_external_account().user_id(USER_ID).external_account_id("eac_1").send());
declared_error!(set_user_password_compromised_422: POST "/v1/users/{id}/password/set_compromised" -> 422 "form_password_not_set",
    |c| c.set_user_password_compromised().user_id(USER_ID).send());
declared_error!(unset_user_password_compromised_403: POST "/v1/users/{id}/password/unset_compromised" -> 403 "authorization_invalid",
    |c| c.unset_user_password_compromised().user_id(USER_ID).send());

#[tokio::test]
async fn undeclared_429_decodes_and_exposes_retry_after() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users");
            then.status(429).header("retry-after", "7").json_body(json!({"errors": []}));
        })
        .await;

    let error = client(&server).get_user_list().send().await.unwrap_err();

    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
    assert_eq!(error.clerk_errors().map(|b| b.errors.len()), Some(0));
    assert_eq!(error.to_string(), "GET /v1/users: clerk returned 429 Too Many Requests");
}

#[tokio::test]
async fn non_json_error_body_keeps_status_and_text_but_never_shows_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/users/{USER_ID}"));
            then.status(502)
                .header("cf-ray", "8f1e2d3c4b5a6978-FRA")
                .header("content-type", "text/html; charset=utf-8")
                .body("<html>Bad gateway</html>");
        })
        .await;

    let error = client(&server).get_user().user_id(USER_ID).send().await.unwrap_err();

    assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    assert!(error.clerk_errors().is_none());
    let api = error.api_error().unwrap();
    assert_eq!(
        api.body(),
        &ErrorBody::Text { text: "<html>Bad gateway</html>".to_owned(), truncated: false }
    );
    // Without a body trace id, the Cloudflare ray id identifies the request.
    assert_eq!(error.trace_id(), Some("8f1e2d3c4b5a6978-FRA"));
    // The text may be anything (personal data included): Display and Debug describe it only.
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users/{USER_ID}: clerk returned 502 Bad Gateway with a body that is not \
             clerk's JSON (text/html, 24 bytes) (trace id 8f1e2d3c4b5a6978-FRA)"
        )
    );
    assert!(!format!("{error:?}").contains("Bad gateway</html>"), "{error:?}");
}

#[tokio::test]
async fn json_without_clerks_errors_list_is_not_taken_for_clerks() {
    let server = MockServer::start_async().await;
    let body = json!({"message": "upstream failed", "request": {"email": "ada@example.com"}});
    let length = body.to_string().len();
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/users/{USER_ID}"));
            then.status(502).header("content-type", "application/json").body(body.to_string());
        })
        .await;

    let error = client(&server).get_user().user_id(USER_ID).send().await.unwrap_err();

    // A proxy's JSON is no Clerk error document: it is kept as text, described, never shown.
    assert!(error.clerk_errors().is_none());
    assert_eq!(
        error.api_error().unwrap().body(),
        &ErrorBody::Text { text: body.to_string(), truncated: false }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users/{USER_ID}: clerk returned 502 Bad Gateway with a body that is not \
             clerk's JSON (application/json, {length} bytes)"
        )
    );
    assert!(!format!("{error:?}").contains("ada@example.com"), "{error:?}");
}

#[tokio::test]
async fn several_errors_are_summarised_and_all_kept() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users");
            then.status(422).json_body(json!({"errors": [
                {"code": "form_password_pwned", "message": "password is known", "long_message": "l1"},
                {"code": "form_param_missing", "message": "email is missing", "long_message": "l2"}
            ]}));
        })
        .await;

    let error = client(&server).create_user().send().await.unwrap_err();

    assert_eq!(error.codes(), ["form_password_pwned", "form_param_missing"]);
    assert_eq!(error.trace_id(), None);
    let first = "POST /v1/users: clerk returned 422 Unprocessable Entity: form_password_pwned: l1";
    assert_eq!(error.to_string(), format!("{first} (and 1 more)"));
    // The alternate form lists every error instead of counting them.
    assert_eq!(
        format!("{error:#}"),
        format!(
            "{first}\n  1. form_password_pwned: l1 (password is known)\n  2. form_param_missing: \
             l2 (email is missing)"
        )
    );
}

#[tokio::test]
async fn undecodable_success_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count");
            then.status(200).body("{\"total_count\": \"many\"}");
        })
        .await;

    let error = client(&server).get_users_count().send().await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("expected a decode error: {error:?}") };
    assert_eq!(&decode.body()[..], b"{\"total_count\": \"many\"}");
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(error.status(), None);
    // The body's values never reach the message; the operation's path template names the call.
    assert_eq!(
        error.to_string(),
        "GET /v1/users/count: error decoding clerk's response body (23 bytes; Data error at line 1, \
         column 22)"
    );
    assert!(!format!("{error:?}").contains("many"), "{error:?}");
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count");
            then.status(307).header("location", "https://elsewhere.example/v1/users/count");
        })
        .await;

    let error = client(&server).get_users_count().send().await.unwrap_err();

    mock.assert_calls_async(1).await;
    assert!(matches!(&error, Error::UnexpectedStatus { status, .. } if status.as_u16() == 307));
    assert_eq!(
        error.to_string(),
        "GET /v1/users/count: unexpected response status 307 Temporary Redirect"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let client = support::unreachable_client();

    let error = client
        .get_user_list()
        .email_address(vec!["ada@example.com".to_owned()])
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.to_string(), "GET /v1/users: error sending request to clerk");
    assert!(std::error::Error::source(&error).is_some());
    // reqwest's own error would repeat the URL and its query; the error keeps only the path.
    let debug = format!("{error:?}");
    let shown = format!("{debug} {:?}", anyhow::Error::from(error));
    assert!(!shown.contains("ada") && !shown.contains("email_address"), "{shown}");
}

/// A server that answers one request with `status`, a `Content-Length` larger than the body it
/// sends, then closes the connection: a body cut off mid-way.
async fn truncating_server(status: u16, sent: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = format!(
            "HTTP/1.1 {status} Oops\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            sent.len() + 100
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(sent.as_bytes()).await.unwrap();
        socket.shutdown().await.unwrap();
    });
    format!("http://{address}/v1")
}

#[tokio::test]
async fn truncated_error_body_keeps_status_and_what_arrived() {
    let base_url = truncating_server(503, r#"{"errors":[{"code":"service_unava"#).await;
    let client = clerk_users::Client::builder(support::SECRET_KEY)
        .base_url(base_url)
        .no_retries()
        .build()
        .unwrap();

    let error = client.get_user().user_id(USER_ID).send().await.unwrap_err();

    assert_eq!(error.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        error.api_error().unwrap().body(),
        &ErrorBody::Text {
            text: r#"{"errors":[{"code":"service_unava"#.to_owned(),
            truncated: true
        }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users/{USER_ID}: clerk returned 503 Service Unavailable with a body that is \
             not clerk's JSON (application/json, 33 bytes or more)"
        )
    );
}

/// Calls each of the 35 operations once, returning its name and error (if any).
async fn call_every_operation(c: &clerk_users::Client) -> Vec<(&'static str, Result<(), Error>)> {
    // Every operation, generated or hand-written, returns the crate's error.
    fn done<T>(result: Result<T, Error>) -> Result<(), Error> {
        result.map(drop)
    }
    let id = USER_ID;
    vec![
        ("get_user_list", done(c.get_user_list().send().await)),
        ("get_users_count", done(c.get_users_count().send().await)),
        ("create_user", done(c.create_user().send().await)),
        ("get_user", done(c.get_user().user_id(id).send().await)),
        ("update_user", done(c.update_user().user_id(id).send().await)),
        ("delete_user", done(c.delete_user().user_id(id).send().await)),
        ("ban_user", done(c.ban_user().user_id(id).send().await)),
        ("unban_user", done(c.unban_user().user_id(id).send().await)),
        ("lock_user", done(c.lock_user().user_id(id).send().await)),
        ("unlock_user", done(c.unlock_user().user_id(id).send().await)),
        (
            "set_user_profile_image",
            done(
                c.set_user_profile_image()
                    .user_id(id)
                    .file(vec![1u8], "a.png", "image/png")
                    .send()
                    .await,
            ),
        ),
        ("delete_user_profile_image", done(c.delete_user_profile_image().user_id(id).send().await)),
        ("update_user_metadata", done(c.update_user_metadata().user_id(id).send().await)),
        (
            "get_o_auth_access_token",
            done(c.get_o_auth_access_token().user_id(id).provider("oauth_google").send().await),
        ),
        (
            "users_get_organization_memberships",
            done(c.users_get_organization_memberships().user_id(id).send().await),
        ),
        (
            "verify_password",
            done(
                c.verify_password()
                    .user_id(id)
                    .body_map(|b| b.password("pw".to_owned()))
                    .send()
                    .await,
            ),
        ),
        (
            "verify_totp",
            done(c.verify_totp().user_id(id).body_map(|b| b.code("1".to_owned())).send().await),
        ),
        ("disable_mfa", done(c.disable_mfa().user_id(id).send().await)),
        (
            "users_ban",
            done(c.users_ban().body_map(|b| b.user_ids(vec![id.to_owned()])).send().await),
        ),
        (
            "users_unban",
            done(c.users_unban().body_map(|b| b.user_ids(vec![id.to_owned()])).send().await),
        ),
        ("replace_user_metadata", done(c.replace_user_metadata().user_id(id).send().await)),
        (
            "get_user_billing_subscription",
            done(c.get_user_billing_subscription().user_id(id).send().await),
        ),
        (
            "get_user_billing_credit_balance",
            done(c.get_user_billing_credit_balance().user_id(id).send().await),
        ),
        (
            "adjust_user_billing_credit_balance",
            done(
                c.adjust_user_billing_credit_balance()
                    .user_id(id)
                    .body_map(|b| {
                        b.amount(100)
                            .action(clerk_users::types::AdjustCreditBalanceRequestAction::Increase)
                            .idempotency_key("key-1".to_owned())
                    })
                    .send()
                    .await,
            ),
        ),
        (
            "users_get_organization_invitations",
            done(c.users_get_organization_invitations().user_id(id).send().await),
        ),
        ("remove_user_password", done(c.remove_user_password().user_id(id).send().await)),
        ("delete_backup_code", done(c.delete_backup_code().user_id(id).send().await)),
        (
            "user_passkey_delete",
            done(
                c.user_passkey_delete()
                    .user_id(id)
                    .passkey_identification_id("idn_pk1")
                    .send()
                    .await,
            ),
        ),
        ("list_user_trusted_devices", done(c.list_user_trusted_devices().user_id(id).send().await)),
        (
            "revoke_user_trusted_device",
            done(c.revoke_user_trusted_device().user_id(id).trusted_device_id("td_1").send().await),
        ),
        (
            "user_web3_wallet_delete",
            done(
                c.user_web3_wallet_delete()
                    .user_id(id)
                    .web3_wallet_identification_id("idn_w1")
                    .send()
                    .await,
            ),
        ),
        ("delete_totp", done(c.delete_totp().user_id(id).send().await)),
        (
            "delete_external_account",
            done(c.delete_external_account().user_id(id).external_account_id("eac_1").send().await),
        ),
        (
            "set_user_password_compromised",
            done(c.set_user_password_compromised().user_id(id).send().await),
        ),
        (
            "unset_user_password_compromised",
            done(c.unset_user_password_compromised().user_id(id).send().await),
        ),
    ]
}

/// 429 and 503 no operation declares; 401 only some do. Each decodes the same for all 35.
#[tokio::test]
async fn undeclared_statuses_and_401_decode_for_every_operation() {
    for (status, code) in
        [(429, "too_many_requests"), (503, "service_unavailable"), (401, "authentication_invalid")]
    {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(status)
                    .header("retry-after", "2")
                    .json_body(clerk_error(code, &format!("{code} happened")));
            })
            .await;

        let results = call_every_operation(&client(&server)).await;

        let mut names: Vec<&str> = results.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!((results.len(), names.len()), (35, 35), "each operation once: {names:?}");
        mock.assert_calls_async(35).await;
        for (operation, result) in results {
            let error = result.expect_err(operation);
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{operation}");
            assert_eq!(error.codes(), [code], "{operation}");
            assert_eq!(error.trace_id(), Some("trace_7b0a1c"), "{operation}");
            assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(2)), "{operation}");
        }
    }
}

#[tokio::test]
async fn error_bodies_are_kept_up_to_64_kib() {
    for (size, truncated) in [(64 * 1024, false), (64 * 1024 + 1, true), (200 * 1024, true)] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/users/count");
                then.status(500).body("x".repeat(size));
            })
            .await;

        let error = client(&server).get_users_count().send().await.unwrap_err();

        let Some(ErrorBody::Text { text, truncated: was_truncated }) =
            error.api_error().map(|a| a.body())
        else {
            panic!("{error:?}");
        };
        assert_eq!((text.len(), *was_truncated), (size.min(64 * 1024), truncated), "{size}");
    }
}
