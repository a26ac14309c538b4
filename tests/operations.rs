//! Each of the 18 operations against a mock server: the exact request on the wire (method, path,
//! query, headers, body) and the decoded response.

mod support;

use clerk_users::types;
use httpmock::prelude::*;
use serde_json::json;
use support::{WhenExt, client, fixture};

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

/// Asserts the fields of `tests/fixtures/user_full.json` that matter survived decoding.
fn assert_full_user(user: &types::User) {
    assert_eq!(user.id, USER_ID);
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.external_id.as_deref(), Some("crm-4711"));
    assert_eq!(user.email_addresses.len(), 2);
    assert_eq!(user.email_addresses[0].email_address.as_deref(), Some("ada@example.com"));
    assert_eq!(user.phone_numbers[0].phone_number.as_deref(), Some("+15555550123"));
    assert_eq!(user.web3_wallets.len(), 1);
    assert_eq!(user.passkeys[0].name.as_deref(), Some("MacBook Touch ID"));
    assert_eq!(user.external_accounts[0].provider.as_deref(), Some("oauth_google"));
    assert_eq!(user.saml_accounts[0].provider.as_deref(), Some("saml_okta"));
    assert_eq!(user.enterprise_accounts[0].provider.as_deref(), Some("oauth_microsoft"));
    assert_eq!(user.public_metadata["limits"]["seats"]["max"], 25);
    assert_eq!(user.created_at, 1_717_000_000_000);
    assert_eq!(user.mfa_disabled_at, None);
    assert_eq!(user.totp_enabled, Some(true));
}

#[tokio::test]
async fn get_user_list_sends_every_filter_and_decodes_users() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users")
                .exact_query(
                    "banned=false&created_at_after=1700000000000&email_address=a%40x.com\
                     &email_address=b%2B1%40x.com&limit=500&order_by=%2Bcreated_at\
                     &organization_id=-org_1&query=ada+lovelace&starting_after=user_0\
                     &user_id=%2Buser_1&user_id=-user_2",
                )
                .clerk_headers();
            then.status(200).json_body(json!([fixture("user_full.json")]));
        })
        .await;

    let result = client(&server)
        .get_user_list()
        .email_address(vec!["a@x.com".to_owned(), "b+1@x.com".to_owned()])
        .user_id(vec!["+user_1".to_owned(), "-user_2".to_owned()])
        .organization_id(vec!["-org_1".to_owned()])
        .query("ada lovelace")
        .banned(false)
        .created_at_after(1_700_000_000_000_i64)
        .limit(std::num::NonZeroU64::new(500).unwrap())
        .starting_after("user_0")
        .order_by("+created_at")
        .send()
        .await;

    mock.assert_async().await;
    let users = result.unwrap().into_inner();
    assert_eq!(users.len(), 1);
    assert_full_user(&users[0]);
}

#[tokio::test]
async fn get_user_list_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users").exact_query("").clerk_headers();
            then.status(200).json_body(json!([]));
        })
        .await;

    let users = client(&server).get_user_list().send().await;

    mock.assert_async().await;
    assert!(users.unwrap().is_empty());
}

#[tokio::test]
async fn get_users_count_sends_filters_and_decodes_the_count() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users/count")
                .exact_query(
                    "banned=true&email_address_query=%40example.com&last_sign_in_at_before=1710000000000\
                     &provider=oauth_google&provider_user_id=1089&provider_user_id=2077",
                )
                .clerk_headers();
            then.status(200).json_body(fixture("users_count.json"));
        })
        .await;

    let result = client(&server)
        .get_users_count()
        .banned(true)
        .email_address_query("@example.com")
        .last_sign_in_at_before(1_710_000_000_000_i64)
        .provider("oauth_google")
        .provider_user_id(vec!["1089".to_owned(), "2077".to_owned()])
        .send()
        .await;

    mock.assert_async().await;
    let count = result.unwrap();
    assert_eq!(count.total_count, 1234);
    assert_eq!(count.object, Some(types::TotalCountObject::TotalCount));
}

#[tokio::test]
async fn get_user_decodes_a_full_user() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/users/{USER_ID}")).exact_query("").clerk_headers();
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server).get_user().user_id(USER_ID).send().await;

    mock.assert_async().await;
    let user = result.unwrap();
    assert_eq!(user.status(), 200);
    assert_full_user(&user);
}

#[tokio::test]
async fn create_user_sends_the_body_fields_that_are_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/users")
                .exact_query("")
                .clerk_headers()
                .header("content-type", "application/json")
                .json_body(json!({
                    "email_address": ["ada@example.com"],
                    "email_address_identification_status": ["verified"],
                    "first_name": "Ada",
                    "password": "correct horse battery staple",
                    "public_metadata": {"plan": {"name": "pro", "seats": 3}},
                    "skip_password_checks": false,
                    "username": "ada"
                }));
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .create_user()
        .body_map(|body| {
            body.email_address(vec!["ada@example.com".to_owned()])
                .email_address_identification_status(vec![
                    types::CreateUserBodyEmailAddressIdentificationStatusItem::Verified,
                ])
                .first_name("Ada".to_owned())
                .username("ada".to_owned())
                .password("correct horse battery staple".to_owned())
                .skip_password_checks(false)
                .public_metadata(
                    json!({"plan": {"name": "pro", "seats": 3}}).as_object().unwrap().clone(),
                )
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn update_user_sends_a_patch_with_the_changed_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/v1/users/{USER_ID}"))
                .exact_query("")
                .clerk_headers()
                .header("content-type", "application/json")
                // The spec gives `notify_primary_email_address_changed` a default, so progenitor
                // always sends it; `false` is also Clerk's default.
                .json_body(json!({
                    "first_name": "Augusta",
                    "username": "",
                    "notify_primary_email_address_changed": false,
                    "primary_email_address_id": "idn_2lmzqY8EmailWork"
                }));
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .update_user()
        .user_id(USER_ID)
        .body_map(|body| {
            body.first_name("Augusta".to_owned())
                // An empty username removes it.
                .username(String::new())
                .primary_email_address_id("idn_2lmzqY8EmailWork".to_owned())
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn delete_user_decodes_the_deleted_object() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/v1/users/{USER_ID}"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(fixture("deleted_user.json"));
        })
        .await;

    let result = client(&server).delete_user().user_id(USER_ID).send().await;

    mock.assert_async().await;
    let deleted = result.unwrap();
    assert_eq!(deleted.deleted, Some(true));
    assert_eq!(deleted.object.as_deref(), Some("user"));
    assert_eq!(deleted.id.as_deref(), Some(USER_ID));
}

/// The four POST operations without a body that return the user.
#[tokio::test]
async fn ban_unban_lock_unlock_post_to_their_paths() {
    for action in ["ban", "unban", "lock", "unlock"] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v1/users/{USER_ID}/{action}"))
                    .exact_query("")
                    .clerk_headers()
                    .body("");
                then.status(200).json_body(fixture("user_full.json"));
            })
            .await;

        let client = client(&server);
        let result = match action {
            "ban" => client.ban_user().user_id(USER_ID).send().await,
            "unban" => client.unban_user().user_id(USER_ID).send().await,
            "lock" => client.lock_user().user_id(USER_ID).send().await,
            _ => client.unlock_user().user_id(USER_ID).send().await,
        };

        mock.assert_async().await;
        assert_full_user(&result.unwrap());
    }
}

#[tokio::test]
async fn delete_user_profile_image_sends_a_delete() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/v1/users/{USER_ID}/profile_image"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server).delete_user_profile_image().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn update_user_metadata_sends_the_metadata_to_merge() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/v1/users/{USER_ID}/metadata"))
                .exact_query("")
                .clerk_headers()
                .json_body(json!({
                    "public_metadata": {"plan": "team"},
                    "private_metadata": {"stripe": {"customer": {"id": "cus_Q2"}}}
                }));
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .update_user_metadata()
        .user_id(USER_ID)
        .body_map(|body| {
            body.public_metadata(json!({"plan": "team"}).as_object().unwrap().clone())
                .private_metadata(
                    json!({"stripe": {"customer": {"id": "cus_Q2"}}}).as_object().unwrap().clone(),
                )
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn get_o_auth_access_token_sends_both_path_parameters_and_paging() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/oauth_access_tokens/oauth_google"))
                .exact_query("limit=20&offset=40")
                .clerk_headers();
            then.status(200).json_body(fixture("oauth_access_tokens_array.json"));
        })
        .await;

    let result = client(&server)
        .get_o_auth_access_token()
        .user_id(USER_ID)
        .provider("oauth_google")
        .limit(std::num::NonZeroU64::new(20).unwrap())
        .offset(40u64)
        .send()
        .await;

    mock.assert_async().await;
    let tokens = result.unwrap().into_inner();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].token.as_deref(), Some("ya29.a0AfH6SMB-example"));
    assert_eq!(tokens[0].scopes, ["email", "profile", "openid"]);
    assert_eq!(tokens[0].label, None);
}

#[tokio::test]
async fn users_get_organization_memberships_decodes_memberships_and_total() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/organization_memberships"))
                .exact_query("limit=1&offset=2")
                .clerk_headers();
            then.status(200).json_body(fixture("organization_memberships_full.json"));
        })
        .await;

    let result = client(&server)
        .users_get_organization_memberships()
        .user_id(USER_ID)
        .limit(std::num::NonZeroU64::new(1).unwrap())
        .offset(2u64)
        .send()
        .await;

    mock.assert_async().await;
    let memberships = result.unwrap();
    assert_eq!(memberships.total_count, Some(3));
    let membership = &memberships.data[0];
    assert_eq!(membership.role.as_deref(), Some("org:admin"));
    assert_eq!(
        membership.organization.as_ref().and_then(|o| o.slug.as_deref()),
        Some("analytical-engines")
    );
    assert_eq!(
        membership.public_user_data.as_ref().unwrap().identifier.as_deref(),
        Some("ada@example.com")
    );
}

#[tokio::test]
async fn verify_password_sends_the_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/verify_password"))
                .exact_query("")
                .clerk_headers()
                .json_body(json!({"password": "hunter2 hunter2"}));
            then.status(200).json_body(json!({"verified": true}));
        })
        .await;

    let result = client(&server)
        .verify_password()
        .user_id(USER_ID)
        .body_map(|body| body.password("hunter2 hunter2".to_owned()))
        .send()
        .await;

    mock.assert_async().await;
    assert_eq!(result.unwrap().verified, Some(true));
}

#[tokio::test]
async fn verify_totp_sends_the_code_and_decodes_its_type() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/verify_totp"))
                .exact_query("")
                .clerk_headers()
                .json_body(json!({"code": "123456"}));
            then.status(200).json_body(json!({"verified": true, "code_type": "backup_code"}));
        })
        .await;

    let result = client(&server)
        .verify_totp()
        .user_id(USER_ID)
        .body_map(|body| body.code("123456".to_owned()))
        .send()
        .await;

    mock.assert_async().await;
    let verified = result.unwrap();
    assert_eq!(verified.verified, Some(true));
    assert_eq!(verified.code_type, Some(types::VerifyTotpResponseCodeType::BackupCode));
}

#[tokio::test]
async fn disable_mfa_sends_a_delete_and_decodes_the_user_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/v1/users/{USER_ID}/mfa"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(json!({"user_id": USER_ID}));
        })
        .await;

    let result = client(&server).disable_mfa().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_eq!(result.unwrap().user_id.as_deref(), Some(USER_ID));
}

#[tokio::test]
async fn update_user_metadata_can_delete_keys_with_null() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/v1/users/{USER_ID}/metadata"))
                .clerk_headers()
                // Clerk deep-merges: `null` removes a key, nested objects merge.
                .json_body(json!({"private_metadata": {"stripe": null, "flags": {"beta": null, "tier": 2}}}));
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .update_user_metadata()
        .user_id(USER_ID)
        .body_map(|body| {
            body.private_metadata(
                json!({"stripe": null, "flags": {"beta": null, "tier": 2}})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn send_as_decodes_the_same_request_into_a_type_of_your_choice() {
    let server = MockServer::start_async().await;
    let mut user = fixture("user_full.json");
    // A field this crate's types do not know yet survives in a JSON tree.
    user["favourite_colour"] = json!("teal");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/users/{USER_ID}")).exact_query("").clerk_headers();
            then.status(200).json_body(user.clone());
        })
        .await;

    let result = client(&server).get_user().user_id(USER_ID).send_as::<serde_json::Value>().await;

    mock.assert_async().await;
    let response = result.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.into_inner(), user);
}

#[tokio::test]
async fn send_as_reports_a_body_that_does_not_fit_the_chosen_type() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count");
            then.status(200).json_body(json!({"object": "total_count", "total_count": 3}));
        })
        .await;

    let error = client(&server).get_users_count().send_as::<Vec<String>>().await.unwrap_err();

    assert!(matches!(error, clerk_users::Error::Decode(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "GET /v1/users/count: error decoding clerk's response body (40 bytes; Data error at line 1, \
         column 0)"
    );
}
