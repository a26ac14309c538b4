//! `check_password` and `check_totp`: correct is `Ok(true)`, incorrect (422) is `Ok(false)`, and
//! every other failure stays an error.

mod support;

use httpmock::prelude::*;
use serde_json::json;
use support::{WhenExt, clerk_error, client};

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

/// A server answering the given verify endpoint with `status` and `body`, expecting `request`.
async fn answering(
    endpoint: &str,
    request: serde_json::Value,
    status: u16,
    body: serde_json::Value,
) -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/{endpoint}"))
                .clerk_headers()
                .json_body(request);
            then.status(status).json_body(body);
        })
        .await;
    server
}

#[tokio::test]
async fn correct_password_is_true_and_incorrect_is_false() {
    let server =
        answering("verify_password", json!({"password": "right"}), 200, json!({"verified": true}))
            .await;
    assert!(client(&server).check_password(USER_ID, "right").await.unwrap());

    let incorrect = clerk_error("incorrect_password", "Password is incorrect");
    let server = answering("verify_password", json!({"password": "wrong"}), 422, incorrect).await;
    assert!(!client(&server).check_password(USER_ID, "wrong").await.unwrap());
}

#[tokio::test]
async fn password_failures_other_than_incorrect_are_errors() {
    for (status, code) in
        [(400, "no_password_set"), (404, "resource_not_found"), (500, "internal_clerk_error")]
    {
        let server = answering(
            "verify_password",
            json!({"password": "pw"}),
            status,
            clerk_error(code, "no"),
        )
        .await;
        let error = client(&server).check_password(USER_ID, "pw").await.unwrap_err();
        assert_eq!((error.status().map(|s| s.as_u16()), error.codes()), (Some(status), vec![code]));
    }
}

#[tokio::test]
async fn a_malformed_request_is_an_error_not_a_no() {
    let missing = clerk_error("form_param_missing", "password is missing");
    let server = answering("verify_password", json!({"password": ""}), 422, missing).await;
    let error = client(&server).check_password(USER_ID, "").await.unwrap_err();
    assert_eq!(error.codes(), ["form_param_missing"]);
}

#[tokio::test]
async fn correct_totp_is_true_and_incorrect_is_false() {
    let ok = json!({"verified": true, "code_type": "totp"});
    let server = answering("verify_totp", json!({"code": "123456"}), 200, ok).await;
    assert!(client(&server).check_totp(USER_ID, "123456").await.unwrap());

    let incorrect = clerk_error("totp_incorrect_code", "Incorrect code");
    let server = answering("verify_totp", json!({"code": "000000"}), 422, incorrect).await;
    assert!(!client(&server).check_totp(USER_ID, "000000").await.unwrap());
}

#[tokio::test]
async fn totp_not_enabled_is_an_error() {
    let server = answering(
        "verify_totp",
        json!({"code": "1"}),
        400,
        clerk_error("totp_disabled", "TOTP is off"),
    )
    .await;
    let error = client(&server).check_totp(USER_ID, "1").await.unwrap_err();
    assert_eq!(error.codes(), ["totp_disabled"]);
}

#[tokio::test]
async fn transport_failures_are_errors() {
    let client = support::unreachable_client();
    assert!(matches!(
        client.check_password(USER_ID, "pw").await,
        Err(clerk_users::Error::Transport { .. })
    ));
}

/// 422s that do not carry Clerk's "incorrect" code for the check: each must stay an error.
fn other_422_bodies(wrong_kind_code: &str) -> Vec<(String, serde_json::Value)> {
    vec![
        ("an empty error list".to_owned(), json!({"errors": []})),
        ("a code this crate does not know".to_owned(), clerk_error("password_expired", "expired")),
        (format!("the other check's code {wrong_kind_code}"), clerk_error(wrong_kind_code, "no")),
        ("a body that is not Clerk's".to_owned(), json!({"message": "unprocessable"})),
    ]
}

#[tokio::test]
async fn only_clerks_incorrect_password_code_means_no() {
    for (what, body) in other_422_bodies("totp_incorrect_code") {
        let server = answering("verify_password", json!({"password": "pw"}), 422, body).await;
        let result = client(&server).check_password(USER_ID, "pw").await;
        let error = result.expect_err(&what);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{what}");
    }
}

#[tokio::test]
async fn only_clerks_incorrect_code_codes_mean_no() {
    for (what, body) in other_422_bodies("incorrect_password") {
        let server = answering("verify_totp", json!({"code": "123456"}), 422, body).await;
        let result = client(&server).check_totp(USER_ID, "123456").await;
        let error = result.expect_err(&what);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{what}");
    }
    // A code of the wrong length is Clerk's other way of saying "incorrect".
    let short = clerk_error("totp_invalid_length", "must be 6 digits");
    let server = answering("verify_totp", json!({"code": "12"}), 422, short).await;
    assert!(!client(&server).check_totp(USER_ID, "12").await.unwrap());
}
