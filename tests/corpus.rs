//! The fixture corpus (`tests/fixtures/`), each body served by a mock server and decoded by the
//! real client: modern, future, unknown, legacy and sparse payloads of every response schema, and
//! every error shape. Each test asserts the fields that matter survived, and for users that the
//! decoded value serializes back to what was sent.

mod support;

use clerk_users::{Client, Error, ErrorBody, types};
use httpmock::prelude::*;
use serde_json::{Value, json};
use support::{client, fixture};

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

/// A server answering `method path` with `status` and the fixture's text, and a client for it.
async fn serve(
    method: httpmock::Method,
    path: &str,
    status: u16,
    name: &str,
) -> (MockServer, Client) {
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(status).header("content-type", "application/json").body(text);
        })
        .await;
    let client = client(&server);
    (server, client)
}

async fn get_user(name: &str) -> types::User {
    let (_server, client) = serve(GET, &format!("/v1/users/{USER_ID}"), 200, name).await;
    client
        .get_user()
        .user_id(USER_ID)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_inner()
}

/// `value` without the members at `pointers` (fields the types do not know).
fn without(mut value: Value, pointers: &[&str]) -> Value {
    for pointer in pointers {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let removed = value
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .and_then(|o| o.shift_remove(key));
        assert!(removed.is_some(), "{pointer} is not in the fixture");
    }
    value
}

/// Asserts two JSON values are equal, naming the paths where they differ (the values themselves
/// are too long to read in a failure message).
#[track_caller]
fn assert_same_json(written: &Value, expected: &Value) {
    fn differences(a: &Value, b: &Value, at: String, found: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    match b.get(key) {
                        Some(other) => differences(value, other, format!("{at}/{key}"), found),
                        None => {
                            found.push(format!("{at}/{key}: written but not expected ({value})"))
                        }
                    }
                }
                for key in b.keys().filter(|k| !a.contains_key(*k)) {
                    found.push(format!("{at}/{key}: expected but not written"));
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    differences(x, y, format!("{at}/{i}"), found);
                }
            }
            _ if a != b => found.push(format!("{at}: written {a}, expected {b}")),
            _ => {}
        }
    }
    let mut found = Vec::new();
    differences(written, expected, String::new(), &mut found);
    assert!(found.is_empty(), "serialized value differs:\n{}", found.join("\n"));
}

// ===== users =====

#[tokio::test]
async fn modern_full_user_round_trips_exactly() {
    let user = get_user("user_full.json").await;

    assert_eq!(user.email_addresses.len(), 2);
    let verification = user.email_addresses[0].verification.as_ref().unwrap();
    assert!(
        matches!(verification, types::EmailAddressVerification::Otp(otp) if otp.attempts == Some(1))
    );
    let admin = user.email_addresses[1].verification.as_ref().unwrap();
    assert!(matches!(admin, types::EmailAddressVerification::Admin(_)), "{admin:?}");
    assert_eq!(admin.strategy(), Some("admin"));
    assert!(matches!(
        user.web3_wallets[0].verification,
        Some(types::Web3WalletVerification::Web3(_))
    ));
    assert!(matches!(user.passkeys[0].verification, Some(types::PasskeyVerification::Passkey(_))));
    assert!(matches!(
        user.saml_accounts[0].verification,
        Some(types::SamlAccountVerification::Saml(_))
    ));
    assert!(matches!(
        user.enterprise_accounts[0].verification,
        Some(types::EnterpriseAccountVerification::Oauth(_))
    ));
    assert_eq!(user.scim.as_ref().and_then(|s| s.directory_id.as_deref()), Some("dir_2lmzqY8"));
    // Metadata three levels deep, in Clerk's key order, byte for byte.
    assert_eq!(
        serde_json::to_string(&user.public_metadata).unwrap(),
        r#"{"plan":"pro","limits":{"seats":{"max":25,"used":3}}}"#
    );
    assert_same_json(&serde_json::to_value(&user).unwrap(), &fixture("user_full.json"));
}

#[tokio::test]
async fn fields_clerk_adds_later_are_accepted() {
    let user = get_user("user_future_fields.json").await;

    assert_eq!(user.id, USER_ID);
    assert_eq!(user.email_addresses[0].email_address.as_deref(), Some("ada@example.com"));
    assert_eq!(
        user.enterprise_accounts[0].enterprise_connection.as_ref().unwrap().name.as_deref(),
        Some("Analytical Entra ID")
    );
    // Everything the types know is written back as sent; the new fields are not known.
    let known = without(
        fixture("user_future_fields.json"),
        &[
            "/requires_password_reset",
            "/preferences",
            "/email_addresses/0/is_disposable",
            "/email_addresses/0/verification/external_verification_redirect_url",
            "/email_addresses/0/verification/risk_score",
            "/phone_numbers/0/carrier",
            "/external_accounts/0/external_account_id",
            "/external_accounts/0/verification/last_refreshed_at",
            "/saml_accounts/0/saml_connection/idp_metadata_url",
            "/enterprise_accounts/0/enterprise_connection/object",
            "/passkeys/0/aaguid",
            "/scim/last_synced_at",
        ],
    );
    assert_same_json(&serde_json::to_value(&user).unwrap(), &known);
}

#[tokio::test]
async fn unknown_enum_values_are_kept_and_written_back() {
    let user = get_user("user_unknown_enums.json").await;

    assert_eq!(user.object, Some(types::UserObject::Unknown("user_v2".to_owned())));
    let Some(types::EmailAddressVerification::Otp(otp)) = &user.email_addresses[0].verification
    else {
        panic!(
            "`object: verification_otp` names the variant: {:?}",
            user.email_addresses[0].verification
        );
    };
    assert_eq!(otp.status, types::VerificationOtpStatus::Unknown("pending_review".to_owned()));
    assert_eq!(otp.strategy.as_str(), "email_code_v2");
    assert_eq!(
        user.phone_numbers[0].verification.as_ref().unwrap().strategy(),
        Some("whatsapp_code")
    );
    assert_eq!(
        user.web3_wallets[0].verification.as_ref().unwrap().strategy(),
        Some("web3_phantom_signature")
    );
    assert_eq!(
        user.external_accounts[0].object.as_ref().map(|o| o.as_str()),
        Some("github_account")
    );
    assert_eq!(
        user.enterprise_accounts[0].protocol,
        Some(types::EnterpriseAccountProtocol::Unknown("oidc".to_owned()))
    );
    assert_eq!(user.saml_accounts[0].verification.as_ref().unwrap().status(), Some("quarantined"));
    assert_same_json(&serde_json::to_value(&user).unwrap(), &fixture("user_unknown_enums.json"));
}

#[tokio::test]
async fn unknown_or_undecodable_verifications_do_not_fail_the_user() {
    let user = get_user("user_unknown_verification.json").await;
    let original = fixture("user_unknown_verification.json");

    let magic = user.email_addresses[1].verification.as_ref().unwrap();
    assert_eq!(
        magic,
        &types::EmailAddressVerification::Unknown(
            original["email_addresses"][1]["verification"].clone()
        )
    );
    assert_eq!(
        (magic.object(), magic.status()),
        (Some("verification_magic_link"), Some("verified"))
    );
    // `expire_at: null` does not fit the OAuth verification (an integer there), so it is kept raw.
    let oauth = user.external_accounts[0].verification.as_ref().unwrap();
    assert!(
        matches!(oauth, types::ExternalAccountWithVerificationVerification::Unknown(_)),
        "{oauth:?}"
    );
    assert_eq!(oauth.strategy(), Some("oauth_google"));
    assert_same_json(&serde_json::to_value(&user).unwrap(), &original);
}

#[tokio::test]
async fn provider_names_outside_the_spec_patterns_decode() {
    let user = get_user("user_custom_oauth_providers.json").await;

    let links: Vec<&str> =
        user.email_addresses[0].linked_to.iter().filter_map(|l| l.type_.as_deref()).collect();
    assert_eq!(links, ["oauth_linkedin_oidc", "oauth_custom_acme_2"]);
    let providers: Vec<&str> =
        user.external_accounts.iter().filter_map(|a| a.provider.as_deref()).collect();
    assert_eq!(providers, ["oauth_linkedin_oidc", "oauth_custom_acme_2"]);
    assert!(matches!(
        &user.external_accounts[1].verification,
        Some(types::ExternalAccountWithVerificationVerification::Oauth(v)) if v.strategy == "oauth_custom_acme_2"
    ));
    assert!(matches!(
        &user.email_addresses[1].verification,
        Some(types::EmailAddressVerification::FromOauth(v)) if v.strategy == "from_oauth_linkedin_oidc"
    ));
    assert_same_json(
        &serde_json::to_value(&user).unwrap(),
        &fixture("user_custom_oauth_providers.json"),
    );
}

#[tokio::test]
async fn connections_with_both_domain_fields_keep_both() {
    let user = get_user("user_both_domain_fields.json").await;

    let saml = user.saml_accounts[0].saml_connection.as_ref().unwrap();
    assert_eq!(saml.domain.as_deref(), Some("analytical.example"));
    assert_eq!(saml.domains, ["analytical.example", "ae.example"]);
    let enterprise = user.enterprise_accounts[0].enterprise_connection.as_ref().unwrap();
    assert_eq!(
        (enterprise.domain.as_deref(), enterprise.domains.len()),
        (Some("analytical.example"), 2)
    );
    assert_same_json(
        &serde_json::to_value(&user).unwrap(),
        &fixture("user_both_domain_fields.json"),
    );
}

#[tokio::test]
async fn legacy_users_decode_with_empty_and_none_for_what_they_lack() {
    let user = get_user("user_legacy.json").await;

    // Timestamps in seconds stay the integers they were.
    assert_eq!(user.created_at, 1_620_000_000);
    assert!(
        user.passkeys.is_empty()
            && user.saml_accounts.is_empty()
            && user.enterprise_accounts.is_empty()
    );
    assert_eq!(
        (user.mfa_enabled_at, user.last_active_at, user.legal_accepted_at),
        (None, None, None)
    );
    // A minimal verification, named by its strategy alone.
    let Some(types::EmailAddressVerification::Ticket(ticket)) =
        &user.email_addresses[0].verification
    else {
        panic!("{:?}", user.email_addresses[0].verification);
    };
    assert_eq!((ticket.attempts, ticket.expire_at, ticket.object.as_ref()), (None, None, None));
    assert!(matches!(
        user.external_accounts[0].verification,
        Some(types::ExternalAccountWithVerificationVerification::Oauth(_))
    ));

    // Written back: what was sent stays (minus unknown fields); what was missing is null or [].
    let written = serde_json::to_value(&user).unwrap();
    let original = without(fixture("user_legacy.json"), &["/gender", "/birthday"]);
    for (key, value) in original.as_object().unwrap() {
        if key == "email_addresses" {
            // The minimal verification gains its missing nullable fields as nulls.
            assert_eq!(
                written[key][0]["verification"],
                json!({"status": "verified", "strategy": "ticket", "attempts": null, "expire_at": null, "verified_at_client": null})
            );
            continue;
        }
        if key == "phone_numbers" || key == "external_accounts" {
            continue;
        }
        assert_eq!(&written[key], value, "{key}");
    }
    for added in ["passkeys", "saml_accounts", "enterprise_accounts", "organization_memberships"] {
        assert_eq!(written[added], json!([]), "{added}");
    }
    for added in [
        "mfa_enabled_at",
        "mfa_disabled_at",
        "last_active_at",
        "legal_accepted_at",
        "scim",
        "locale",
    ] {
        assert_eq!(written[added], Value::Null, "{added}");
    }
}

#[tokio::test]
async fn nulls_and_empty_collections_stay_as_sent() {
    let user = get_user("user_all_nulls.json").await;

    assert_eq!((user.first_name.as_deref(), user.private_metadata.as_ref()), (None, None));
    assert!(user.unsafe_metadata.is_empty());
    assert_same_json(&serde_json::to_value(&user).unwrap(), &fixture("user_all_nulls.json"));
}

#[tokio::test]
async fn banned_and_locked_users() {
    let user = get_user("user_banned_locked.json").await;
    assert_eq!((user.banned, user.locked), (Some(true), Some(true)));
    assert_eq!(
        (user.lockout_expires_in_seconds, user.verification_attempts_remaining),
        (Some(1800), Some(0))
    );
}

#[tokio::test]
async fn user_lists_empty_and_mixed() {
    let (_server, client) = serve(GET, "/v1/users", 200, "user_list_empty.json").await;
    assert!(client.get_user_list().send().await.unwrap().is_empty());

    let (_server, client) = serve(GET, "/v1/users", 200, "user_list_mixed.json").await;
    let users = client.get_user_list().send().await.unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, [USER_ID, "user_1r8N2Xo6tNGvRHmLq3qGyhZ1xYz", USER_ID]);
}

// ===== other response schemas =====

#[tokio::test]
async fn user_counts() {
    for (name, expected) in [("users_count.json", 1234), ("users_count_zero.json", 0)] {
        let (_server, client) = serve(GET, "/v1/users/count", 200, name).await;
        let count = client.get_users_count().send().await.unwrap();
        assert_eq!(
            (count.total_count, count.object.clone()),
            (expected, Some(types::TotalCountObject::TotalCount)),
            "{name}"
        );
    }
}

#[tokio::test]
async fn deleted_objects() {
    for (name, external_id) in
        [("deleted_user.json", None), ("deleted_user_external_id.json", Some("crm-4711"))]
    {
        let (_server, client) = serve(DELETE, &format!("/v1/users/{USER_ID}"), 200, name).await;
        let deleted = client.delete_user().user_id(USER_ID).send().await.unwrap();
        assert_eq!(deleted.deleted, Some(true), "{name}");
        assert_eq!(
            (deleted.object.as_deref(), deleted.external_id.as_deref()),
            (Some("user"), external_id),
            "{name}"
        );
    }
}

#[tokio::test]
async fn oauth_tokens_as_an_array() {
    let path = format!("/v1/users/{USER_ID}/oauth_access_tokens/oauth_twitter");
    let (_server, client) = serve(GET, &path, 200, "oauth_access_tokens_twitter.json").await;
    let tokens = client
        .get_o_auth_access_token()
        .user_id(USER_ID)
        .provider("oauth_twitter")
        .send()
        .await
        .unwrap();
    assert_eq!((tokens.len(), tokens.total_count), (1, None));
    assert_eq!(tokens[0].token_secret.as_deref(), Some("oauth1-secret"));
    assert!(tokens[0].scopes.is_empty());
    assert_same_json(
        &serde_json::to_value(&*tokens).unwrap(),
        &fixture("oauth_access_tokens_twitter.json"),
    );
}

#[tokio::test]
async fn oauth_tokens_as_a_page() {
    let path = format!("/v1/users/{USER_ID}/oauth_access_tokens/oauth_google");
    let (_server, client) = serve(GET, &path, 200, "oauth_access_tokens_paginated.json").await;
    let tokens = client
        .get_o_auth_access_token()
        .user_id(USER_ID)
        .provider("oauth_google")
        .paginated(true)
        .send()
        .await
        .unwrap();
    assert_eq!((tokens.len(), tokens.total_count), (2, Some(5)));
    assert_eq!((tokens[0].label.as_deref(), tokens[0].expires_at), (Some("work"), None));
    assert_eq!(tokens[1].public_metadata.len(), 0);
    assert_same_json(
        &serde_json::to_value(&*tokens).unwrap(),
        &fixture("oauth_access_tokens_paginated.json"),
    );
}

#[tokio::test]
async fn organization_memberships_full_sparse_and_empty() {
    let path = format!("/v1/users/{USER_ID}/organization_memberships");
    let (_server, client) = serve(GET, &path, 200, "organization_memberships_full.json").await;
    let full = client.users_get_organization_memberships().user_id(USER_ID).send().await.unwrap();
    let organization = full.data[0].organization.as_ref().unwrap();
    assert_eq!(organization.private_metadata["billing"]["seat_price"]["usd"], 12);
    assert_same_json(
        &serde_json::to_value(&*full).unwrap(),
        &fixture("organization_memberships_full.json"),
    );

    let (_server, client) = serve(GET, &path, 200, "organization_memberships_sparse.json").await;
    let sparse = client.users_get_organization_memberships().user_id(USER_ID).send().await.unwrap();
    let membership = &sparse.data[0];
    assert_eq!(
        (membership.role_name.as_deref(), membership.public_user_data.as_ref()),
        (None, None)
    );
    assert_eq!(membership.organization.as_ref().map(|o| o.members_count), Some(None));

    let (_server, client) = serve(GET, &path, 200, "organization_memberships_empty.json").await;
    let empty = client.users_get_organization_memberships().user_id(USER_ID).send().await.unwrap();
    assert_eq!((empty.data.len(), empty.total_count), (0, Some(0)));
}

#[tokio::test]
async fn verification_and_mfa_responses() {
    let (_server, client) = serve(
        POST,
        &format!("/v1/users/{USER_ID}/verify_password"),
        200,
        "verify_password_ok.json",
    )
    .await;
    assert!(client.check_password(USER_ID, "correct horse").await.unwrap());

    let (_server, client) = serve(
        POST,
        &format!("/v1/users/{USER_ID}/verify_totp"),
        200,
        "verify_totp_unknown_code_type.json",
    )
    .await;
    let totp = client
        .verify_totp()
        .user_id(USER_ID)
        .body_map(|b| b.code("123456".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        totp.code_type,
        Some(types::VerifyTotpResponseCodeType::Unknown("recovery_key".to_owned()))
    );

    let (_server, client) =
        serve(DELETE, &format!("/v1/users/{USER_ID}/mfa"), 200, "disable_mfa.json").await;
    let disabled = client.disable_mfa().user_id(USER_ID).send().await.unwrap();
    assert_eq!(disabled.user_id.as_deref(), Some(USER_ID));
}

// ===== errors =====

async fn error_from(name: &str, status: u16) -> Error {
    let (_server, client) = serve(GET, &format!("/v1/users/{USER_ID}"), status, name).await;
    client.get_user().user_id(USER_ID).send().await.unwrap_err()
}

#[tokio::test]
async fn error_with_trace_id_and_meta() {
    let error = error_from("error_full.json", 404).await;
    assert!(error.is_not_found());
    assert_eq!(error.trace_id(), Some("c4a3f1d2e5b6"));
    let body = error.clerk_errors().unwrap();
    assert_eq!(body.meta["request_id"], "req_88");
    assert_eq!(body.errors[0].meta["param_name"], "user_id");
    assert_eq!(body.errors[0].long_message, "No user was found with id user_404");
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users/{USER_ID}: clerk returned 404 Not Found: resource_not_found: not found \
             (trace id c4a3f1d2e5b6)"
        )
    );
}

#[tokio::test]
async fn error_without_trace_id_or_meta() {
    let error = error_from("error_minimal.json", 401).await;
    assert!(error.is_unauthorized());
    assert_eq!((error.trace_id(), error.codes()), (None, vec!["authentication_invalid"]));
    assert!(error.clerk_errors().unwrap().meta.is_empty());
}

#[tokio::test]
async fn error_with_no_errors() {
    let error = error_from("error_empty.json", 500).await;
    assert!(error.codes().is_empty());
    assert_eq!(error.clerk_errors().map(|b| b.errors.len()), Some(0));
    assert_eq!(
        error.to_string(),
        format!("GET /v1/users/{USER_ID}: clerk returned 500 Internal Server Error")
    );
}

#[tokio::test]
async fn error_with_several_errors() {
    let error = error_from("error_many.json", 422).await;
    assert_eq!(error.codes(), ["form_password_pwned", "form_identifier_exists"]);
    assert_eq!(error.clerk_errors().unwrap().errors[1].meta["param_name"], "email_address");
}

#[tokio::test]
async fn error_missing_a_required_message_still_decodes() {
    let error = error_from("error_without_long_message.json", 429).await;
    assert!(error.is_rate_limited());
    let first = &error.clerk_errors().unwrap().errors[0];
    assert_eq!((first.code.as_str(), first.long_message.as_str()), ("too_many_requests", ""));
    assert_eq!(first.meta["ResetsIn"], "12s");
}

#[tokio::test]
async fn error_that_is_not_json_keeps_its_text() {
    let error = error_from("error_gateway.html", 502).await;
    let Some(ErrorBody::Text { text, truncated: false }) = error.api_error().map(|a| a.body())
    else {
        panic!("{error:?}");
    };
    assert!(text.starts_with("<html><head><title>502 Bad Gateway"));
    let line = error.to_string();
    assert!(line.contains("502 Bad Gateway with a body that is not clerk's JSON"), "{line}");
    assert!(!line.contains("<html>"), "{line}");
}
