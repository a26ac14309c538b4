//! Each of the 35 operations against a mock server: the exact request on the wire (method, path,
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

// ===== the operations added with the 2026-05-12 spec =====

const OTHER_USER_ID: &str = "user_1r8N2Xo6tNGvRHmLq3qGyhZ1xYz";

/// A JSON object literal as the map a metadata field takes.
fn map(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().expect("an object literal").clone()
}

/// The user of `tests/fixtures/user_full.json` and the second user of `user_list_mixed.json`,
/// with `banned` set to `banned`.
fn two_users(banned: bool) -> serde_json::Value {
    let mut first = fixture("user_full.json");
    first["banned"] = json!(banned);
    let mut second = fixture("user_list_mixed.json")[1].clone();
    second["banned"] = json!(banned);
    json!([first, second])
}

#[tokio::test]
async fn users_ban_and_unban_send_the_ids_and_decode_the_users() {
    for (action, banned) in [("ban", true), ("unban", false)] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v1/users/{action}"))
                    .exact_query("")
                    .clerk_headers()
                    .header("content-type", "application/json")
                    .json_body(json!({"user_ids": [USER_ID, OTHER_USER_ID]}));
                then.status(200).json_body(two_users(banned));
            })
            .await;

        let client = client(&server);
        let ids = vec![USER_ID.to_owned(), OTHER_USER_ID.to_owned()];
        let result = if action == "ban" {
            client.users_ban().body_map(|b| b.user_ids(ids)).send().await
        } else {
            client.users_unban().body_map(|b| b.user_ids(ids)).send().await
        };

        mock.assert_async().await;
        let users = result.unwrap().into_inner();
        let summary: Vec<(&str, Option<bool>, Option<&str>)> =
            users.iter().map(|u| (u.id.as_str(), u.banned, u.first_name.as_deref())).collect();
        assert_eq!(
            summary,
            [(USER_ID, Some(banned), Some("Ada")), (OTHER_USER_ID, Some(banned), Some("Grace"))],
            "{action}"
        );
        assert_full_user(&users[0]);
    }
}

#[tokio::test]
async fn replace_user_metadata_sends_empty_maps_and_leaves_out_unset_ones() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(format!("/v1/users/{USER_ID}/metadata"))
                .exact_query("")
                .clerk_headers()
                .header("content-type", "application/json")
                // Strict: `{}` clears private_metadata; unsafe_metadata, not set, is not in the
                // body at all (not even as `null`, which would be a different request).
                .json_body(json!({
                    "public_metadata": {"plan": "team", "limits": {"seats": 10}},
                    "private_metadata": {}
                }));
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .replace_user_metadata()
        .user_id(USER_ID)
        .body_map(|body| {
            body.public_metadata(map(json!({"plan": "team", "limits": {"seats": 10}})))
                .private_metadata(serde_json::Map::new())
        })
        .send()
        .await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn replace_user_metadata_without_fields_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(format!("/v1/users/{USER_ID}/metadata"))
                .exact_query("")
                .clerk_headers()
                .header("content-type", "application/json")
                .body("{}");
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server).replace_user_metadata().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

#[tokio::test]
async fn get_user_billing_subscription_decodes_a_full_subscription() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/billing/subscription"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(fixture("billing_subscription_full.json"));
        })
        .await;

    let result = client(&server).get_user_billing_subscription().user_id(USER_ID).send().await;

    mock.assert_async().await;
    let subscription = result.unwrap();
    assert_eq!(subscription.id, "csub_2nq1Zp8bDnKq4wPpTn9K2cX");
    assert_eq!(subscription.status, Some(types::CommerceSubscriptionStatus::Active));
    assert_eq!(subscription.payer_id.as_deref(), Some("cpayer_2nq1Zp8bDnKq4wPpPayer"));
    assert_eq!(
        (subscription.created_at, subscription.active_at, subscription.past_due_at),
        (Some(1_715_000_000_000), Some(1_715_000_000_500), None)
    );
    assert_eq!(subscription.subscription_items.len(), 2);
    let item = &subscription.subscription_items[0];
    assert_eq!(item.id, "csubi_2nq1Zp8bItemPro");
    assert_eq!(item.plan_id.as_deref(), Some("cplan_2nq1Zp8bPlanPro"));
    let plan = item.plan.as_ref().unwrap();
    assert_eq!((plan.name.as_deref(), plan.is_recurring), (Some("Pro"), Some(true)));
    assert_eq!(
        plan.features.iter().map(|f| f.slug.as_deref()).collect::<Vec<_>>(),
        [Some("sso"), Some("audit-log")]
    );
    assert_eq!(item.lifetime_paid.as_ref().and_then(|m| m.amount), Some(58_800));
    let next = item.next_payment.as_ref().unwrap();
    assert_eq!(
        (next.date, next.amount.as_ref().and_then(|m| m.amount_formatted.as_deref())),
        (Some(1_749_600_000_000), Some("49.00"))
    );
    assert_eq!(
        item.totals.as_ref().and_then(|t| t.tax_total.as_ref()).and_then(|m| m.amount),
        Some(1580)
    );
    let money = subscription.next_payment.as_ref().and_then(|n| n.amount.clone()).unwrap();
    assert_eq!(
        money,
        types::CommerceMoneyResponse {
            amount: Some(4900),
            amount_formatted: Some("49.00".to_owned()),
            currency: Some("USD".to_owned()),
            currency_symbol: Some("$".to_owned()),
        }
    );
}

#[tokio::test]
async fn get_user_billing_credit_balance_decodes_null_and_an_amount() {
    for (name, expected) in [
        ("billing_credit_balance_null.json", None),
        (
            "billing_credit_balance.json",
            Some(types::CommerceMoneyResponse {
                amount: Some(12_550),
                amount_formatted: Some("125.50".to_owned()),
                currency: Some("EUR".to_owned()),
                currency_symbol: Some("€".to_owned()),
            }),
        ),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/v1/users/{USER_ID}/billing/credits"))
                    .exact_query("")
                    .clerk_headers();
                then.status(200).json_body(fixture(name));
            })
            .await;

        let result =
            client(&server).get_user_billing_credit_balance().user_id(USER_ID).send().await;

        mock.assert_async().await;
        let balance = result.unwrap();
        assert_eq!(balance.object.as_deref(), Some("commerce_credit_balance"), "{name}");
        assert_eq!(balance.balance, expected, "{name}");
    }
}

#[tokio::test]
async fn adjust_user_billing_credit_balance_sends_the_adjustment_and_decodes_the_entry() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/billing/credits"))
                .exact_query("")
                .clerk_headers()
                .header("content-type", "application/json")
                .json_body(json!({
                    "amount": 2500,
                    "action": "increase",
                    "currency": "USD",
                    "idempotency_key": "grant-2026-05-12-ada",
                    "note": "Goodwill credit for the May outage"
                }));
            then.status(200).json_body(fixture("billing_credit_ledger.json"));
        })
        .await;

    let result = client(&server)
        .adjust_user_billing_credit_balance()
        .user_id(USER_ID)
        .body_map(|body| {
            body.amount(2500)
                .action(types::AdjustCreditBalanceRequestAction::Increase)
                .currency("USD".to_owned())
                .idempotency_key("grant-2026-05-12-ada".to_owned())
                .note("Goodwill credit for the May outage".to_owned())
        })
        .send()
        .await;

    mock.assert_async().await;
    let entry = result.unwrap();
    assert_eq!(entry.id, "ccl_2nq1Zp8bLedgerEntry01");
    assert_eq!(entry.object.as_deref(), Some("commerce_credit_ledger"));
    assert_eq!(entry.payer_id.as_deref(), Some("cpayer_2nq1Zp8bDnKq4wPpPayer"));
    assert_eq!(
        (entry.source_type.as_deref(), entry.source_id.as_deref()),
        (Some("grant"), Some("cgrant_2nq1Zp8bGoodwill01"))
    );
    assert_eq!(entry.note.as_deref(), Some("Goodwill credit for the May outage"));
    // An RFC 3339 string, kept exactly as sent (milliseconds and `Z` included).
    assert_eq!(entry.created_at.as_deref(), Some("2026-05-12T10:00:00.123Z"));
    assert_eq!(
        entry.amount,
        Some(types::CommerceMoneyResponse {
            amount: Some(2500),
            amount_formatted: Some("25.00".to_owned()),
            currency: Some("USD".to_owned()),
            currency_symbol: Some("$".to_owned()),
        })
    );
}

#[tokio::test]
async fn adjust_user_billing_credit_balance_leaves_out_unset_optional_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/billing/credits"))
                .exact_query("")
                .clerk_headers()
                .json_body(json!({
                    "amount": 1000,
                    "action": "decrease",
                    "idempotency_key": "refund-4711"
                }));
            then.status(200).json_body(fixture("billing_credit_ledger_sparse.json"));
        })
        .await;

    let result = client(&server)
        .adjust_user_billing_credit_balance()
        .user_id(USER_ID)
        .body_map(|body| {
            body.amount(1000)
                .action(types::AdjustCreditBalanceRequestAction::Decrease)
                .idempotency_key("refund-4711".to_owned())
        })
        .send()
        .await;

    mock.assert_async().await;
    let entry = result.unwrap();
    assert_eq!(entry.id, "ccl_2legacyLedgerEntry01");
    assert_eq!((entry.note.as_deref(), entry.object.as_deref()), (None, None));
    assert_eq!(entry.created_at.as_deref(), Some("2025-11-03T08:15:30+01:00"));
    assert_eq!(entry.amount.as_ref().and_then(|m| m.amount), Some(-1000));
}

#[tokio::test]
async fn adjust_user_billing_credit_balance_without_required_fields_sends_nothing() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(fixture("billing_credit_ledger.json"));
        })
        .await;

    let error = client(&server)
        .adjust_user_billing_credit_balance()
        .user_id(USER_ID)
        .body_map(|body| {
            body.amount(1000).action(types::AdjustCreditBalanceRequestAction::Increase)
        })
        .send()
        .await
        .unwrap_err();

    catch_all.assert_calls_async(0).await;
    let clerk_users::Error::InvalidRequest(message) = &error else { panic!("{error:?}") };
    assert!(message.contains("no value supplied for idempotency_key"), "{message}");
}

#[tokio::test]
async fn users_get_organization_invitations_sends_paging_and_status() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/organization_invitations"))
                .exact_query("limit=20&offset=40&status=pending")
                .clerk_headers();
            then.status(200).json_body(fixture("organization_invitations_full.json"));
        })
        .await;

    let result = client(&server)
        .users_get_organization_invitations()
        .user_id(USER_ID)
        .limit(std::num::NonZeroU64::new(20).unwrap())
        .offset(40u64)
        .status(types::UsersGetOrganizationInvitationsStatus::Pending)
        .send()
        .await;

    mock.assert_async().await;
    let page = result.unwrap();
    assert_eq!(page.total_count, Some(42));
    let ids: Vec<&str> = page.data.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["orginv_2nq1Zp8bInvite01", "orginv_2nq1Zp8bInvite02"]);
    // The first invitation has no inviter: `public_inviter_data` is null.
    assert_eq!(page.data[0].public_inviter_data, None);
    assert_eq!(page.data[0].inviter_id, None);
    assert_eq!(page.data[0].public_metadata["source"], "scim");
    // The second one names its inviter.
    let inviter = page.data[1].public_inviter_data.as_ref().unwrap();
    assert_eq!(
        (
            inviter.user_id.as_deref(),
            inviter.first_name.as_deref(),
            inviter.last_name.as_deref(),
            inviter.image_url.as_deref(),
            inviter.identifier.as_deref(),
        ),
        (
            Some("user_2nq1Zp8bInviter01"),
            Some("Charles"),
            None,
            Some("https://img.clerk.com/charles"),
            Some("charles@example.com"),
        )
    );
    assert_eq!(page.data[1].role_name.as_deref(), Some("Admin"));
    assert_eq!(
        page.data[1].public_organization_data.as_ref().and_then(|o| o.name.as_deref()),
        Some("Harbour Co-op")
    );
}

#[tokio::test]
async fn users_get_organization_invitations_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/organization_invitations"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(json!({"data": [], "total_count": 0}));
        })
        .await;

    let result = client(&server).users_get_organization_invitations().user_id(USER_ID).send().await;

    mock.assert_async().await;
    let page = result.unwrap();
    assert_eq!((page.data.len(), page.total_count), (0, Some(0)));
}

#[tokio::test]
async fn remove_user_password_sends_the_session_flag_false_by_default_and_true_when_set() {
    for sign_out in [None, Some(true)] {
        let expected = match sign_out {
            // The spec gives the flag a default, so progenitor always sends it.
            None => r#"{"sign_out_of_other_sessions":false}"#,
            Some(_) => r#"{"sign_out_of_other_sessions":true}"#,
        };
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v1/users/{USER_ID}/remove_password"))
                    .exact_query("")
                    .clerk_headers()
                    .header("content-type", "application/json")
                    .body(expected);
                then.status(200).json_body(fixture("user_full.json"));
            })
            .await;

        let client = client(&server);
        let builder = client.remove_user_password().user_id(USER_ID);
        let result = match sign_out {
            None => builder.send().await,
            Some(flag) => builder.body_map(|b| b.sign_out_of_other_sessions(flag)).send().await,
        };

        mock.assert_async().await;
        assert_full_user(&result.unwrap());
    }
}

#[tokio::test]
async fn set_user_password_compromised_sends_an_empty_object_by_default() {
    for (revoke, expected) in [(None, "{}"), (Some(true), r#"{"revoke_all_sessions":true}"#)] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v1/users/{USER_ID}/password/set_compromised"))
                    .exact_query("")
                    .clerk_headers()
                    .header("content-type", "application/json")
                    .body(expected);
                then.status(200).json_body(fixture("user_full.json"));
            })
            .await;

        let client = client(&server);
        let builder = client.set_user_password_compromised().user_id(USER_ID);
        let result = match revoke {
            None => builder.send().await,
            Some(flag) => builder.body_map(|b| b.revoke_all_sessions(flag)).send().await,
        };

        mock.assert_async().await;
        assert_full_user(&result.unwrap());
    }
}

#[tokio::test]
async fn unset_user_password_compromised_posts_without_a_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/users/{USER_ID}/password/unset_compromised"))
                .exact_query("")
                .clerk_headers()
                .header_missing("content-type")
                .body("");
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server).unset_user_password_compromised().user_id(USER_ID).send().await;

    mock.assert_async().await;
    assert_full_user(&result.unwrap());
}

/// The two DELETEs that answer with the user's ID alone.
#[tokio::test]
async fn delete_backup_code_and_delete_totp_decode_the_user_id() {
    for segment in ["backup_code", "totp"] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(DELETE)
                    .path(format!("/v1/users/{USER_ID}/{segment}"))
                    .exact_query("")
                    .clerk_headers()
                    .body("");
                then.status(200).json_body(json!({"user_id": USER_ID}));
            })
            .await;

        let client = client(&server);
        let user_id = if segment == "backup_code" {
            client.delete_backup_code().user_id(USER_ID).send().await.unwrap().into_inner().user_id
        } else {
            client.delete_totp().user_id(USER_ID).send().await.unwrap().into_inner().user_id
        };

        mock.assert_async().await;
        assert_eq!(user_id.as_deref(), Some(USER_ID), "{segment}");
    }
}

/// A mock for `DELETE` on exactly `expected_path` (raw, percent-encoding included).
async fn delete_at<'a>(
    server: &'a MockServer,
    expected_path: String,
    fixture_name: &str,
) -> httpmock::Mock<'a> {
    let body = fixture(fixture_name);
    server
        .mock_async(|when, then| {
            when.method(DELETE)
                .is_true(move |req: &HttpMockRequest| req.uri().path() == expected_path)
                .exact_query("")
                .clerk_headers()
                .body("");
            then.status(200).json_body(body);
        })
        .await
}

#[tokio::test]
async fn user_passkey_delete_encodes_the_passkey_id_as_one_segment() {
    let server = MockServer::start_async().await;
    let mock = delete_at(
        &server,
        format!("/v1/users/{USER_ID}/passkeys/pk%20old%2Fnew%3F"),
        "deleted_passkey.json",
    )
    .await;

    let result = client(&server)
        .user_passkey_delete()
        .user_id(USER_ID)
        .passkey_identification_id("pk old/new?")
        .send()
        .await;

    mock.assert_async().await;
    let deleted = result.unwrap();
    assert_eq!(
        (deleted.object.as_deref(), deleted.id.as_deref(), deleted.deleted),
        (Some("passkey"), Some("idn_2nq1Zp8bPasskey01"), Some(true))
    );
}

#[tokio::test]
async fn user_web3_wallet_delete_decodes_the_deleted_object() {
    let server = MockServer::start_async().await;
    let mock = delete_at(
        &server,
        format!("/v1/users/{USER_ID}/web3_wallets/idn_2nq1Zp8bWeb3Wallet01"),
        "deleted_web3_wallet.json",
    )
    .await;

    let result = client(&server)
        .user_web3_wallet_delete()
        .user_id(USER_ID)
        .web3_wallet_identification_id("idn_2nq1Zp8bWeb3Wallet01")
        .send()
        .await;

    mock.assert_async().await;
    let deleted = result.unwrap();
    assert_eq!(
        (deleted.object.as_deref(), deleted.id.as_deref(), deleted.deleted),
        (Some("web3_wallet"), Some("idn_2nq1Zp8bWeb3Wallet01"), Some(true))
    );
}

#[tokio::test]
async fn delete_external_account_encodes_both_ids_and_decodes_the_deleted_object() {
    let server = MockServer::start_async().await;
    let mock = delete_at(
        &server,
        "/v1/users/user%231/external_accounts/eac%2F..%2Fadmin%25".to_owned(),
        "deleted_external_account.json",
    )
    .await;

    let result = client(&server)
        .delete_external_account()
        .user_id("user#1")
        .external_account_id("eac/../admin%")
        .send()
        .await;

    mock.assert_async().await;
    let deleted = result.unwrap();
    assert_eq!(
        (deleted.object.as_deref(), deleted.id.as_deref(), deleted.deleted),
        (Some("external_account"), Some("eac_2nq1Zp8bGoogle01"), Some(true))
    );
}

#[tokio::test]
async fn list_user_trusted_devices_decodes_devices_and_unknown_platforms() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/users/{USER_ID}/trusted_devices"))
                .exact_query("")
                .clerk_headers();
            then.status(200).json_body(fixture("trusted_devices_unknown_enums.json"));
        })
        .await;

    let result = client(&server).list_user_trusted_devices().user_id(USER_ID).send().await;

    mock.assert_async().await;
    let list = result.unwrap();
    assert_eq!((list.data.len(), list.total_count), (2, Some(2)));
    let iphone = &list.data[0];
    assert_eq!(
        (iphone.id.as_str(), iphone.name.as_deref(), iphone.app_identifier.as_deref()),
        ("td_2nq1Zp8bIphone01", Some("Ada's iPhone"), Some("com.example.authenticator"))
    );
    assert_eq!(iphone.platform, Some(types::TrustedDevicePlatform::Ios));
    assert_eq!(iphone.object, Some(types::TrustedDeviceObject::TrustedDevice));
    assert_eq!((iphone.last_used_at, iphone.revoked_at), (Some(1_746_000_000_000), None));
    let vision = &list.data[1];
    assert_eq!(vision.platform, Some(types::TrustedDevicePlatform::Unknown("visionos".to_owned())));
    assert_eq!(vision.platform.as_ref().map(|p| p.as_str()), Some("visionos"));
    assert_eq!(vision.name, None);
}

#[tokio::test]
async fn revoke_user_trusted_device_decodes_the_revoked_device() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/v1/users/{USER_ID}/trusted_devices/td_2nq1Zp8bIphone01"))
                .exact_query("")
                .clerk_headers()
                .body("");
            then.status(200).json_body(fixture("trusted_device_revoked.json"));
        })
        .await;

    let result = client(&server)
        .revoke_user_trusted_device()
        .user_id(USER_ID)
        .trusted_device_id("td_2nq1Zp8bIphone01")
        .send()
        .await;

    mock.assert_async().await;
    let device = result.unwrap();
    assert_eq!(device.id, "td_2nq1Zp8bIphone01");
    assert_eq!(device.status, Some(types::TrustedDeviceStatus::Revoked));
    assert_eq!(device.algorithm, Some(types::TrustedDeviceAlgorithm::Es256));
    assert_eq!(
        (device.created_at, device.updated_at, device.revoked_at),
        (Some(1_740_000_000_000), Some(1_747_000_000_000), Some(1_747_000_000_000))
    );
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
