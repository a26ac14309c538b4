//! The fixture corpus (`tests/fixtures/`), each body served by a mock server and decoded by the
//! real client: modern, future, unknown, legacy and sparse payloads of every response schema, and
//! every error shape. Each test asserts the fields that matter survived, and that the decoded value
//! serializes back to what was sent (legacy and sparse bodies: member by member, naming what the
//! types add for what was left out).

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

/// Asserts `written` (a decoded value serialized) is `sent` with nothing changed: every member
/// that was sent is written back as it was. Returns the members added, sorted, for the test to
/// name exactly: the path of a `null`, `[]` or `{}` (a nullable field or collection the body left
/// out, which the types always write), `path = value` for anything else (a spec `default`).
#[track_caller]
fn added_on_the_way_back(written: &Value, sent: &Value) -> Vec<String> {
    fn walk(
        written: &Value,
        sent: &Value,
        at: &str,
        added: &mut Vec<String>,
        wrong: &mut Vec<String>,
    ) {
        match (written, sent) {
            (Value::Object(written), Value::Object(sent)) => {
                for (key, value) in sent {
                    match written.get(key) {
                        Some(back) => walk(back, value, &format!("{at}/{key}"), added, wrong),
                        None => wrong.push(format!("{at}/{key}: sent but not written")),
                    }
                }
                for (key, value) in written.iter().filter(|(k, _)| !sent.contains_key(*k)) {
                    let empty = value.is_null()
                        || value.as_array().is_some_and(Vec::is_empty)
                        || value.as_object().is_some_and(|o| o.is_empty());
                    if empty {
                        added.push(format!("{at}/{key}"));
                    } else {
                        added.push(format!("{at}/{key} = {value}"));
                    }
                }
            }
            (Value::Array(written), Value::Array(sent)) if written.len() == sent.len() => {
                for (i, (back, value)) in written.iter().zip(sent).enumerate() {
                    walk(back, value, &format!("{at}/{i}"), added, wrong);
                }
            }
            _ if written != sent => wrong.push(format!("{at}: written {written}, sent {sent}")),
            _ => {}
        }
    }
    let (mut added, mut wrong) = (Vec::new(), Vec::new());
    walk(written, sent, "", &mut added, &mut wrong);
    assert!(wrong.is_empty(), "serialized value differs:\n{}", wrong.join("\n"));
    added.sort();
    added
}

/// The members of a user that are written back even when the body left them out (`null` or
/// empty), by rule `always_written`.
const USER_ALWAYS_WRITTEN: &[&str] = &[
    "create_organizations_limit",
    "email_addresses",
    "enterprise_accounts",
    "external_accounts",
    "external_id",
    "first_name",
    "last_active_at",
    "last_name",
    "last_sign_in_at",
    "legal_accepted_at",
    "locale",
    "lockout_expires_in_seconds",
    "mfa_disabled_at",
    "mfa_enabled_at",
    "organization_memberships",
    "passkeys",
    "password_last_updated_at",
    "phone_numbers",
    "primary_email_address_id",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
    "private_metadata",
    "public_metadata",
    "saml_accounts",
    "scim",
    "unsafe_metadata",
    "username",
    "verification_attempts_remaining",
    "web3_wallets",
];

/// What [`added_on_the_way_back`] reports for a user body: the top-level members of
/// [`USER_ALWAYS_WRITTEN`] it lacks, `bypass_client_trust` at the spec's default `false` if it
/// lacks that, and `nested`.
fn user_additions(sent: &Value, nested: &[&str]) -> Vec<String> {
    let default =
        sent.get("bypass_client_trust").is_none().then_some("/bypass_client_trust = false");
    let mut paths: Vec<String> = USER_ALWAYS_WRITTEN
        .iter()
        .filter(|key| sent.get(**key).is_none())
        .map(|key| format!("/{key}"))
        .chain(default.map(str::to_owned))
        .chain(nested.iter().map(|path| (*path).to_owned()))
        .collect();
    paths.sort();
    paths
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

    // Written back: what was sent stays (minus unknown fields); what was missing is null or [],
    // and the absent ticket verification's nullable fields are nulls.
    let original = without(fixture("user_legacy.json"), &["/gender", "/birthday"]);
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &original),
        user_additions(
            &original,
            &[
                "/email_addresses/0/verification/attempts",
                "/email_addresses/0/verification/expire_at",
                "/email_addresses/0/verification/verified_at_client",
                "/external_accounts/0/email_address_verified",
                "/external_accounts/0/image_url",
                "/external_accounts/0/label",
                "/external_accounts/0/phone_number",
                "/external_accounts/0/username",
                "/external_accounts/0/verification/attempts",
                "/external_accounts/0/verification/error",
                "/external_accounts/0/verification/verified_at_client",
                "/phone_numbers/0/backup_codes",
                "/phone_numbers/0/verification/channel",
                "/phone_numbers/0/verification/verified_at_client",
            ]
        )
    );
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

// ===== legacy and sparse bodies (rule absent_means_none) =====

/// An id and three optional strings of each item of a list, to compare in one assertion.
type Summary<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

#[tokio::test]
async fn identifications_without_timestamps_or_flags_decode() {
    let user = get_user("user_sparse_identifications.json").await;
    let sent = fixture("user_sparse_identifications.json");

    let [email, other] = &user.email_addresses[..] else {
        panic!("{:?}", user.email_addresses);
    };
    assert_eq!(email.id.as_deref(), Some("idn_2legacyEmail01"));
    assert_eq!(email.email_address.as_deref(), Some("lin@example.com"));
    assert_eq!(
        (email.created_at, email.updated_at, email.reserved, email.matches_sso_connection),
        (None, None, None, None)
    );
    assert_eq!(email.object, Some(types::EmailAddressObject::EmailAddress));
    // A verification with only `status` and `strategy` is the variant its strategy names.
    let Some(types::EmailAddressVerification::Otp(otp)) = &email.verification else {
        panic!("{:?}", email.verification);
    };
    assert_eq!((otp.status.as_str(), otp.strategy.as_str()), ("verified", "email_code"));
    assert_eq!((otp.attempts, otp.expire_at, otp.object.as_ref()), (None, None, None));
    assert_eq!((other.object.as_ref(), other.verification.as_ref()), (None, None));
    assert!(other.linked_to.is_empty());
    let phone = &user.phone_numbers[0];
    assert_eq!(phone.phone_number.as_deref(), Some("+15555550142"));
    assert_eq!((phone.created_at, phone.updated_at, phone.reserved), (None, None, None));
    assert!(matches!(
        &phone.verification,
        Some(types::PhoneNumberVerification::Otp(otp)) if otp.status.as_str() == "unverified"
    ));
    assert_eq!((user.created_at, user.updated_at), (1_650_000_000_000, Some(1_655_000_000_000)));
    // Flags the body left out are None, those it sent are kept.
    assert_eq!((user.banned, user.has_image, user.totp_enabled), (Some(false), None, None));

    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(
            &sent,
            &[
                "/email_addresses/0/verification/attempts",
                "/email_addresses/0/verification/channel",
                "/email_addresses/0/verification/expire_at",
                "/email_addresses/0/verification/verified_at_client",
                "/email_addresses/1/linked_to",
                "/phone_numbers/0/backup_codes",
                "/phone_numbers/0/verification/attempts",
                "/phone_numbers/0/verification/channel",
                "/phone_numbers/0/verification/expire_at",
                "/phone_numbers/0/verification/verified_at_client",
            ]
        )
    );
}

#[test]
fn verifications_are_picked_by_object_first_last_or_escaped() {
    use types::EmailAddressVerification as V;
    let decode = |text: &str| serde_json::from_str::<V>(text).unwrap();
    let first = r#"{"object":"verification_admin","status":"verified","strategy":"admin","attempts":null,"expire_at":null}"#;
    let last = r#"{"status":"verified","strategy":"admin","attempts":null,"expire_at":null,"object":"verification_admin"}"#;
    let escaped = r#"{"object":"verification\u005fadmin","status":"verified","strategy":"admin","attempts":null,"expire_at":null}"#;
    for text in [first, last, escaped] {
        assert!(matches!(decode(text), V::Admin(_)), "{text}");
    }
    // `object` names the variant even when the strategy belongs to another.
    let named = r#"{"object":"verification_admin","status":"verified","strategy":"email_code","attempts":null,"expire_at":null}"#;
    assert!(matches!(decode(named), V::Admin(admin) if admin.strategy.as_str() == "email_code"));
    // A repeated `object` is refused by the variant the first names; the payload is then read as
    // its tree keeps it, the last `object` winning, which is what writing it back gives.
    let repeated = r#"{"object":"verification_admin","object":"verification_otp","status":"verified","strategy":"admin","attempts":null,"expire_at":null}"#;
    let placed = decode(repeated);
    assert!(matches!(&placed, V::Otp(otp) if otp.strategy.as_str() == "admin"), "{placed:?}");
    let written = serde_json::to_string(&placed).unwrap();
    assert_eq!(decode(&written), placed, "{written}");
    // Any other repeated key: the same, the last value winning.
    let repeated = r#"{"object":"verification_admin","status":"unverified","status":"verified","strategy":"admin","attempts":null,"expire_at":null}"#;
    let placed = decode(repeated);
    assert!(
        matches!(&placed, V::Admin(admin) if admin.status.as_str() == "verified"),
        "{placed:?}"
    );
    assert_eq!(decode(&serde_json::to_string(&placed).unwrap()), placed);
}

#[tokio::test]
async fn verifications_with_only_status_and_strategy_are_their_variant() {
    let user = get_user("user_minimal_verifications.json").await;
    let sent = fixture("user_minimal_verifications.json");

    let kinds: Vec<(Option<&str>, Option<&str>, Option<&str>)> = user
        .email_addresses
        .iter()
        .filter_map(|e| e.verification.as_ref())
        .map(|v| (v.object(), v.status(), v.strategy()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some("verification_admin"), Some("verified"), Some("admin")),
            (Some("verification_from_oauth"), Some("verified"), Some("from_oauth_github")),
            (Some("verification_email_link"), Some("expired"), Some("email_link")),
        ]
    );
    assert!(matches!(
        &user.email_addresses[0].verification,
        Some(types::EmailAddressVerification::Admin(_))
    ));
    assert!(matches!(
        &user.email_addresses[1].verification,
        Some(types::EmailAddressVerification::FromOauth(_))
    ));
    assert!(matches!(
        &user.email_addresses[2].verification,
        Some(types::EmailAddressVerification::EmailLink(_))
    ));
    assert_eq!(user.email_addresses[1].linked_to[0].type_.as_deref(), Some("oauth_github"));
    assert!(matches!(
        &user.web3_wallets[0].verification,
        Some(types::Web3WalletVerification::Web3(_))
    ));
    assert_eq!(
        (user.web3_wallets[0].created_at, user.web3_wallets[0].object.as_ref()),
        (None, None)
    );
    assert!(matches!(&user.passkeys[0].verification, Some(types::PasskeyVerification::Passkey(_))));
    assert_eq!(
        (user.passkeys[0].name.as_deref(), user.passkeys[0].last_used_at),
        (Some("Laptop"), None)
    );
    // An OAuth verification without `expire_at` was `Unknown` before the rule; now it is Oauth.
    let Some(types::ExternalAccountWithVerificationVerification::Oauth(oauth)) =
        &user.external_accounts[0].verification
    else {
        panic!("{:?}", user.external_accounts[0].verification);
    };
    assert_eq!((oauth.strategy.as_str(), oauth.expire_at), ("oauth_github", None));
    assert_eq!((user.object.clone(), user.updated_at), (Some(types::UserObject::User), None));

    let mut nested: Vec<String> = Vec::new();
    for (path, fields) in [
        ("/email_addresses/0/verification", &["attempts", "expire_at", "verified_at_client"][..]),
        (
            "/email_addresses/1/verification",
            &["attempts", "error", "expire_at", "verified_at_client"][..],
        ),
        ("/email_addresses/2/verification", &["attempts", "expire_at", "verified_at_client"][..]),
        (
            "/web3_wallets/0/verification",
            &["attempts", "expire_at", "message", "nonce", "verified_at_client"][..],
        ),
        (
            "/passkeys/0/verification",
            &["attempts", "expire_at", "message", "verified_at_client"][..],
        ),
        ("/external_accounts/0/verification", &["attempts", "error", "verified_at_client"][..]),
    ] {
        nested.extend(fields.iter().map(|f| format!("{path}/{f}")));
    }
    nested.extend(
        [
            "/external_accounts/0/email_address_verified",
            "/external_accounts/0/image_url",
            "/external_accounts/0/label",
            "/external_accounts/0/phone_number",
            "/external_accounts/0/public_metadata",
            "/external_accounts/0/username",
        ]
        .map(str::to_owned),
    );
    let nested: Vec<&str> = nested.iter().map(String::as_str).collect();
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(&sent, &nested)
    );
}

#[tokio::test]
async fn external_accounts_without_provider_user_id_decode() {
    let user = get_user("user_sparse_external_accounts.json").await;
    let sent = fixture("user_sparse_external_accounts.json");

    let [google, discord] = &user.external_accounts[..] else {
        panic!("{:?}", user.external_accounts);
    };
    assert_eq!(
        (google.id.as_str(), google.provider.as_deref(), google.email_address.as_deref()),
        ("eac_2legacyExternalGoogle", Some("oauth_google"), Some("mira@example.com"))
    );
    assert_eq!(
        (
            google.provider_user_id.as_deref(),
            google.identification_id.as_deref(),
            google.approved_scopes.as_deref(),
            google.created_at,
        ),
        (None, None, None, None)
    );
    assert!(matches!(
        &google.verification,
        Some(types::ExternalAccountWithVerificationVerification::Oauth(v)) if v.expire_at == Some(1_640_000_600_000)
    ));
    assert_eq!(
        (discord.object.as_ref(), discord.username.as_deref(), discord.verification.as_ref()),
        (None, Some("mira#0001"), None)
    );
    assert_eq!((user.first_name.as_deref(), user.banned), (None, None));

    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(
            &sent,
            &[
                "/external_accounts/0/email_address_verified",
                "/external_accounts/0/image_url",
                "/external_accounts/0/label",
                "/external_accounts/0/phone_number",
                "/external_accounts/0/username",
                "/external_accounts/0/verification/attempts",
                "/external_accounts/0/verification/error",
                "/external_accounts/0/verification/verified_at_client",
                "/external_accounts/1/email_address_verified",
                "/external_accounts/1/image_url",
                "/external_accounts/1/label",
                "/external_accounts/1/phone_number",
                "/external_accounts/1/public_metadata",
            ]
        )
    );
}

#[tokio::test]
async fn timestamps_in_seconds_are_kept_as_sent() {
    let user = get_user("user_seconds_timestamps.json").await;
    let sent = fixture("user_seconds_timestamps.json");

    // Integers either way: the client does not guess units, it keeps the value.
    assert_eq!(
        (user.created_at, user.updated_at, user.last_sign_in_at, user.last_active_at),
        (1_580_000_000, Some(1_590_000_000), Some(1_590_000_000), Some(1_590_000_000))
    );
    let email = &user.email_addresses[0];
    assert_eq!((email.created_at, email.updated_at), (Some(1_580_000_000), Some(1_580_000_300)));
    assert!(matches!(
        &email.verification,
        Some(types::EmailAddressVerification::Otp(otp)) if otp.expire_at == Some(1_580_000_600)
    ));
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(
            &sent,
            &[
                "/email_addresses/0/verification/channel",
                "/email_addresses/0/verification/verified_at_client",
            ]
        )
    );
}

#[tokio::test]
async fn a_user_with_only_its_id_and_created_at_decodes() {
    let user = get_user("user_only_required.json").await;
    let sent = fixture("user_only_required.json");

    assert_eq!(
        (user.id.as_str(), user.created_at),
        ("user_2legacyOnlyRequired01", 1_500_000_000_000)
    );
    assert_eq!(
        (user.object.as_ref(), user.updated_at, user.image_url.as_deref()),
        (None, None, None)
    );
    assert_eq!(
        [
            user.banned,
            user.locked,
            user.has_image,
            user.password_enabled,
            user.two_factor_enabled,
            user.totp_enabled,
            user.backup_code_enabled,
            user.delete_self_enabled,
            user.create_organization_enabled,
        ],
        [None; 9]
    );
    assert!(user.email_addresses.is_empty() && user.public_metadata.is_empty());
    // Written back: the id and created_at, the nulls and empty collections of the fields the
    // types always write, and the spec's default for bypass_client_trust; nothing else.
    let added = added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent);
    assert_eq!(added, user_additions(&sent, &[]));
    assert_eq!(added.len(), 30);
}

#[tokio::test]
async fn exported_users_without_flags_or_object_decode() {
    let user = get_user("user_export_without_flags.json").await;
    let sent = fixture("user_export_without_flags.json");

    assert_eq!(
        (user.external_id.as_deref(), user.image_url.as_deref()),
        (Some("export-0042"), Some("https://img.example.com/kofi.png"))
    );
    assert_eq!(
        (user.object.as_ref(), user.banned, user.locked, user.updated_at),
        (None, None, None, None)
    );
    assert_eq!(user.public_metadata["imported_from"], "legacy-crm");
    let email = &user.email_addresses[0];
    assert!(matches!(
        &email.verification,
        Some(types::EmailAddressVerification::Ticket(t)) if t.status.as_str() == "verified"
    ));
    assert_eq!((email.object.as_ref(), email.reserved), (None, None));
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(
            &sent,
            &[
                "/email_addresses/0/verification/attempts",
                "/email_addresses/0/verification/expire_at",
                "/email_addresses/0/verification/verified_at_client",
            ]
        )
    );
}

#[tokio::test]
async fn saml_and_enterprise_accounts_with_only_ids_decode() {
    let user = get_user("user_sparse_enterprise_saml.json").await;
    let sent = fixture("user_sparse_enterprise_saml.json");

    let saml = &user.saml_accounts[0];
    assert_eq!(
        (saml.id.as_str(), saml.provider.as_deref(), saml.active, saml.email_address.as_deref()),
        ("samlacc_2legacySaml01", Some("saml_custom"), None, None)
    );
    assert!(matches!(&saml.verification, Some(types::SamlAccountVerification::Saml(_))));
    let connection = saml.saml_connection.as_ref().unwrap();
    assert_eq!(
        (
            connection.id.as_str(),
            connection.name.as_deref(),
            connection.active,
            connection.created_at
        ),
        ("samlc_2legacySamlConn01", Some("Example IdP"), None, None)
    );
    let enterprise = &user.enterprise_accounts[0];
    assert_eq!(
        (enterprise.provider.as_deref(), enterprise.protocol.as_ref().map(|p| p.as_str())),
        (None, Some("saml"))
    );
    assert!(matches!(
        &enterprise.verification,
        Some(types::EnterpriseAccountVerification::Saml(_))
    ));
    let connection = enterprise.enterprise_connection.as_ref().unwrap();
    assert_eq!(
        (connection.id.as_str(), connection.protocol.as_deref(), connection.allow_subdomains),
        ("ec_2legacyEnterpriseConn01", None, None)
    );
    let saml_verification = |at: &str| {
        [
            "attempts",
            "error",
            "expire_at",
            "external_verification_redirect_url",
            "verified_at_client",
        ]
        .map(|field| format!("{at}/verification/{field}"))
    };
    let mut nested: Vec<String> = Vec::new();
    for at in ["/saml_accounts/0", "/enterprise_accounts/0"] {
        nested.extend(saml_verification(at));
        nested.extend(
            [
                "first_name",
                "last_name",
                "provider_user_id",
                "last_authenticated_at",
                "public_metadata",
            ]
            .map(|field| format!("{at}/{field}")),
        );
    }
    nested.extend(
        [
            "/saml_accounts/0/saml_connection/domains",
            "/enterprise_accounts/0/enterprise_connection_id",
            "/enterprise_accounts/0/enterprise_connection/domains",
            "/enterprise_accounts/0/enterprise_connection/logo_public_url",
        ]
        .map(str::to_owned),
    );
    let nested: Vec<&str> = nested.iter().map(String::as_str).collect();
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&user).unwrap(), &sent),
        user_additions(&sent, &nested)
    );
}

#[tokio::test]
async fn user_lists_of_sparse_users_decode() {
    let (_server, client) = serve(GET, "/v1/users", 200, "user_list_sparse.json").await;
    let users = client.get_user_list().send().await.unwrap().into_inner();
    let sent = fixture("user_list_sparse.json");

    let summary: Vec<(&str, i64, Option<bool>, Option<&str>)> = users
        .iter()
        .map(|u| (u.id.as_str(), u.created_at, u.banned, u.first_name.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("user_2legacyListA", 1_510_000_000_000, None, None),
            ("user_2legacyListB", 1_520_000_000, Some(true), Some("Bea")),
        ]
    );
    assert_eq!(
        users[1].email_addresses[0].verification.as_ref().and_then(|v| v.strategy()),
        Some("email_code")
    );
    let written = serde_json::to_value(&users).unwrap();
    for (i, user) in sent.as_array().unwrap().iter().enumerate() {
        let mut nested: Vec<String> = Vec::new();
        if i == 1 {
            nested.push("/email_addresses/0/linked_to".to_owned());
            nested.extend(
                ["attempts", "channel", "expire_at", "verified_at_client"]
                    .map(|field| format!("/email_addresses/0/verification/{field}")),
            );
        }
        let nested: Vec<&str> = nested.iter().map(String::as_str).collect();
        assert_eq!(added_on_the_way_back(&written[i], user), user_additions(user, &nested), "{i}");
    }
}

#[tokio::test]
async fn memberships_with_only_id_organization_and_user_id_decode() {
    let path = format!("/v1/users/{USER_ID}/organization_memberships");
    let (_server, client) = serve(GET, &path, 200, "organization_memberships_minimal.json").await;
    let page = client.users_get_organization_memberships().user_id(USER_ID).send().await.unwrap();
    let sent = fixture("organization_memberships_minimal.json");

    let summary: Vec<Summary<'_>> = page
        .data
        .iter()
        .map(|m| {
            let organization = m.organization.as_ref();
            (
                m.id.as_str(),
                organization.map(|o| o.id.as_str()),
                organization.and_then(|o| o.name.as_deref()),
                m.public_user_data.as_ref().and_then(|p| p.user_id.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "orgmem_2legacyMinimal01",
                Some("org_2legacyMinimal01"),
                None,
                Some("user_2legacyMember01")
            ),
            (
                "orgmem_2legacyMinimal02",
                Some("org_2legacyMinimal02"),
                Some("Harbour Co-op"),
                Some("user_2legacyMember01")
            ),
        ]
    );
    let first = &page.data[0];
    assert_eq!(
        (first.role.as_deref(), first.object.as_ref(), first.created_at),
        (None, None, None)
    );
    let organization = first.organization.as_ref().unwrap();
    assert_eq!(
        (
            organization.slug.as_deref(),
            organization.max_allowed_memberships,
            organization.has_image
        ),
        (None, None, None)
    );
    assert_eq!(page.total_count, Some(2));
    let mut expected: Vec<String> = Vec::new();
    for i in 0..2 {
        expected.extend(
            ["permissions", "private_metadata", "public_metadata"]
                .map(|field| format!("/data/{i}/{field}")),
        );
        expected.extend(
            ["private_metadata", "public_metadata", "role_set_key"]
                .map(|field| format!("/data/{i}/organization/{field}")),
        );
        expected.extend(
            ["first_name", "identifier", "last_name", "profile_image_url", "username"]
                .map(|field| format!("/data/{i}/public_user_data/{field}")),
        );
    }
    expected.sort();
    assert_eq!(added_on_the_way_back(&serde_json::to_value(&*page).unwrap(), &sent), expected);
}

#[tokio::test]
async fn legacy_membership_pages_without_total_count_decode() {
    let path = format!("/v1/users/{USER_ID}/organization_memberships");
    let (_server, client) = serve(GET, &path, 200, "organization_memberships_legacy.json").await;
    let page = client.users_get_organization_memberships().user_id(USER_ID).send().await.unwrap();
    let sent = fixture("organization_memberships_legacy.json");

    assert_eq!((page.total_count, page.data.len()), (None, 1));
    let membership = &page.data[0];
    assert_eq!(
        (membership.role.as_deref(), membership.role_name.as_deref(), membership.created_at),
        (Some("admin"), None, Some(1_590_000_000))
    );
    let organization = membership.organization.as_ref().unwrap();
    assert_eq!(
        (organization.slug.as_deref(), organization.created_at, organization.admin_delete_enabled),
        (Some("old-mill"), Some(1_590_000_000), None)
    );
    let user = membership.public_user_data.as_ref().unwrap();
    assert_eq!(
        (
            user.user_id.as_deref(),
            user.identifier.as_deref(),
            user.has_image,
            user.image_url.as_deref()
        ),
        (Some("user_2legacyMember02"), Some("ana@example.com"), None, None)
    );
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&*page).unwrap(), &sent),
        [
            "/data/0/organization/private_metadata",
            "/data/0/organization/public_metadata",
            "/data/0/organization/role_set_key",
            "/data/0/permissions",
            "/data/0/private_metadata",
            "/data/0/public_metadata",
            "/data/0/public_user_data/profile_image_url",
            "/data/0/public_user_data/username",
        ]
    );
}

#[tokio::test]
async fn oauth_tokens_without_provider_user_id_decode() {
    let path = format!("/v1/users/{USER_ID}/oauth_access_tokens/oauth_github");
    let (_server, client) = serve(GET, &path, 200, "oauth_access_tokens_sparse.json").await;
    let tokens = client
        .get_o_auth_access_token()
        .user_id(USER_ID)
        .provider("oauth_github")
        .send()
        .await
        .unwrap();
    let sent = fixture("oauth_access_tokens_sparse.json");

    let summary: Vec<Summary<'_>> = tokens
        .iter()
        .map(|t| {
            (
                t.external_account_id.as_str(),
                t.token.as_deref(),
                t.provider.as_deref(),
                t.provider_user_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("eac_2legacyTokenGithub01", Some("gho_legacy-token-one"), Some("oauth_github"), None),
            ("eac_2legacyTokenGithub02", Some("gho_legacy-token-two"), None, None),
        ]
    );
    assert_eq!(
        (tokens[1].object.as_ref(), tokens[1].expires_at, tokens[1].label.as_deref()),
        (None, None, None)
    );
    assert_eq!(tokens[0].scopes, ["read:user"]);
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&*tokens).unwrap(), &sent),
        [
            "/0/expires_at",
            "/0/label",
            "/1/expires_at",
            "/1/label",
            "/1/public_metadata",
            "/1/scopes"
        ]
    );
}

#[tokio::test]
async fn sparse_oauth_token_pages_decode() {
    let path = format!("/v1/users/{USER_ID}/oauth_access_tokens/oauth_google");
    let (_server, client) = serve(GET, &path, 200, "oauth_access_tokens_sparse_page.json").await;
    let tokens = client
        .get_o_auth_access_token()
        .user_id(USER_ID)
        .provider("oauth_google")
        .paginated(true)
        .send()
        .await
        .unwrap();
    let sent = fixture("oauth_access_tokens_sparse_page.json");

    assert_eq!((tokens.len(), tokens.total_count), (1, Some(1)));
    let token = &tokens[0];
    assert_eq!(
        (token.external_account_id.as_str(), token.expires_at, token.provider_user_id.as_deref()),
        ("eac_2legacyTokenGoogle01", Some(1_700_003_600), None)
    );
    assert!(token.scopes.is_empty() && token.public_metadata.is_empty());
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&*tokens).unwrap(), &sent),
        ["/data/0/public_metadata", "/data/0/scopes"]
    );
}

#[tokio::test]
async fn counts_and_deletions_without_object_decode() {
    let (_server, client) =
        serve(GET, "/v1/users/count", 200, "users_count_without_object.json").await;
    let count = client.get_users_count().send().await.unwrap();
    assert_eq!((count.total_count, count.object.as_ref()), (7, None));
    assert_eq!(serde_json::to_value(&*count).unwrap(), fixture("users_count_without_object.json"));

    let (_server, client) =
        serve(DELETE, &format!("/v1/users/{USER_ID}"), 200, "deleted_user_without_object.json")
            .await;
    let deleted = client.delete_user().user_id(USER_ID).send().await.unwrap();
    assert_eq!(
        (deleted.id.as_deref(), deleted.object.as_deref(), deleted.deleted),
        (Some("user_2legacyDeleted01"), None, Some(true))
    );
    assert_eq!(
        serde_json::to_value(&*deleted).unwrap(),
        fixture("deleted_user_without_object.json")
    );
}

#[tokio::test]
async fn a_null_where_the_spec_allows_none_is_still_an_error() {
    // Absent is None; `null` in a non-nullable field would be written back absent, so it is not
    // read as None (inside a verification, the verification is kept whole as Unknown instead).
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/users/{USER_ID}"));
            then.status(200).json_body(json!({
                "id": USER_ID,
                "created_at": 1_700_000_000_000_i64,
                "banned": null,
            }));
        })
        .await;
    let error = client(&server).get_user().user_id(USER_ID).send().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
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

// ===== billing, invitations, trusted devices and deletions (the operations of 2026-05-12) =====

async fn billing_subscription(name: &str) -> types::CommerceSubscription {
    let path = format!("/v1/users/{USER_ID}/billing/subscription");
    let (_server, client) = serve(GET, &path, 200, name).await;
    client
        .get_user_billing_subscription()
        .user_id(USER_ID)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_inner()
}

#[tokio::test]
async fn full_billing_subscription_round_trips_exactly() {
    let subscription = billing_subscription("billing_subscription_full.json").await;

    assert_eq!(
        (subscription.id.as_str(), subscription.status.clone(), subscription.object.clone()),
        (
            "csub_2nq1Zp8bDnKq4wPpTn9K2cX",
            Some(types::CommerceSubscriptionStatus::Active),
            Some(types::CommerceSubscriptionObject::CommerceSubscription)
        )
    );
    assert_eq!(
        (subscription.active_at, subscription.past_due_at, subscription.eligible_for_free_trial),
        (Some(1_715_000_000_500), None, Some(false))
    );
    let [pro, free] = &subscription.subscription_items[..] else {
        panic!("{:?}", subscription.subscription_items);
    };
    assert_eq!(
        (pro.status.clone(), pro.plan_period.clone(), pro.proration_date.as_deref()),
        (
            Some(types::CommerceSubscriptionItemStatus::Active),
            Some(types::CommerceSubscriptionItemPlanPeriod::Month),
            Some("2026-05-12")
        )
    );
    let plan = pro.plan.as_ref().unwrap();
    assert_eq!(
        (plan.slug.as_deref(), plan.free_trial_days, plan.avatar_url.as_deref()),
        (Some("pro"), Some(14), None)
    );
    assert_eq!(plan.fee.as_ref().and_then(|f| f.amount_formatted.as_deref()), Some("49.00"));
    assert_eq!(plan.features[1].description, None);
    assert_eq!(plan.unit_prices[0].tiers[1].ends_after_block, None);
    let card = pro.payment_method.as_ref().unwrap();
    assert_eq!(
        (card.last4.as_deref(), card.payment_type.clone(), card.wallet_type.as_deref()),
        (Some("4242"), Some(types::CommercePaymentMethodResponsePaymentType::Card), None)
    );
    let payer = pro.payer.as_ref().unwrap();
    assert_eq!((payer.user_id.as_deref(), payer.organization_id.as_deref()), (Some(USER_ID), None));
    assert_eq!(payer.credits_balance.as_ref().and_then(|m| m.amount), Some(2500));
    // Percentages are the numbers Clerk sent: a whole `50` stays `50` (the round trip below
    // writes it back so), a fraction reads as its f64.
    let remaining = pro.credit.as_ref().and_then(|c| c.cycle_remaining_percent.clone());
    assert_eq!(remaining.as_ref().map(ToString::to_string).as_deref(), Some("50"));
    let credits = pro.credits.as_ref().unwrap();
    let prorated = credits.proration.as_ref().and_then(|p| p.cycle_remaining_percent.as_ref());
    assert_eq!(prorated.and_then(serde_json::Number::as_f64), Some(43.33));
    assert_eq!(
        credits.payer.as_ref().and_then(|p| p.applied_amount.as_ref()).and_then(|m| m.amount),
        Some(1200)
    );
    let totals = pro.totals.as_ref().unwrap();
    assert_eq!(totals.grand_total.as_ref().and_then(|m| m.amount), Some(8730));
    assert_eq!(
        totals.discounts.as_ref().and_then(|d| d.proration.as_ref()).map(|p| (
            p.cycle_days_passed,
            p.cycle_passed_percent.as_ref().and_then(|n| n.as_f64())
        )),
        Some((Some(3), Some(10.34)))
    );
    assert_eq!(pro.seats.as_ref().map(|s| (s.quantity, s.tiers.len())), Some((Some(8), 2)));
    let item_next = pro.next_payment.as_ref().unwrap();
    assert_eq!(item_next.per_unit_totals[0].tiers[1].quantity, None);
    assert_eq!(
        item_next
            .totals
            .as_ref()
            .and_then(|t| t.credits.as_ref())
            .map(|c| (c.proration.is_none(), c.payer.is_none())),
        Some((true, true))
    );
    assert_eq!(
        (free.status.clone(), free.plan.as_ref(), free.period_end, free.ended_at),
        (Some(types::CommerceSubscriptionItemStatus::Ended), None, None, Some(1_717_000_000_000))
    );
    let next = subscription.next_payment.as_ref().unwrap();
    assert_eq!(
        (next.date, next.amount.as_ref().and_then(|m| m.currency.as_deref())),
        (Some(1_749_600_000_000), Some("USD"))
    );
    assert_same_json(
        &serde_json::to_value(&subscription).unwrap(),
        &fixture("billing_subscription_full.json"),
    );
}

#[tokio::test]
async fn sparse_billing_subscriptions_decode() {
    let subscription = billing_subscription("billing_subscription_sparse.json").await;
    let sent = fixture("billing_subscription_sparse.json");

    assert_eq!(
        subscription.status,
        Some(types::CommerceSubscriptionStatus::Unknown("paused".to_owned()))
    );
    assert_eq!(
        (
            subscription.object.as_ref(),
            subscription.created_at,
            subscription.payer_id.as_deref(),
            subscription.next_payment.as_ref()
        ),
        (None, None, None, None)
    );
    let [legacy, bare] = &subscription.subscription_items[..] else {
        panic!("{:?}", subscription.subscription_items);
    };
    assert_eq!(
        legacy.status,
        Some(types::CommerceSubscriptionItemStatus::Unknown("grace_period".to_owned()))
    );
    let plan = legacy.plan.as_ref().unwrap();
    assert_eq!(
        (plan.id.as_str(), plan.name.as_deref(), plan.is_default, plan.features.len()),
        ("cplan_2legacyPlan01", Some("Legacy"), None, 0)
    );
    assert_eq!(
        (bare.id.as_str(), bare.status.as_ref(), bare.plan.as_ref(), bare.period_start),
        ("csubi_2legacyItem02", None, None, None)
    );
    let item_nulls = [
        "canceled_at",
        "credits",
        "ended_at",
        "next_payment",
        "past_due_at",
        "period_end",
        "plan_id",
        "seats",
        "totals",
    ];
    let mut expected: Vec<String> = vec!["/active_at".to_owned(), "/past_due_at".to_owned()];
    for i in 0..2 {
        expected.extend(item_nulls.map(|field| format!("/subscription_items/{i}/{field}")));
    }
    expected.push("/subscription_items/1/plan".to_owned());
    expected.extend(
        [
            "annual_fee",
            "annual_monthly_fee",
            "avatar_url",
            "description",
            "features",
            "fee",
            "free_trial_days",
            "unit_prices",
        ]
        .map(|field| format!("/subscription_items/0/plan/{field}")),
    );
    expected.sort();
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&subscription).unwrap(), &sent),
        expected
    );
}

#[tokio::test]
async fn credit_balances_null_and_set_round_trip() {
    let path = format!("/v1/users/{USER_ID}/billing/credits");
    for (name, expected) in [
        ("billing_credit_balance_null.json", None),
        (
            "billing_credit_balance.json",
            Some((Some(12_550), Some("125.50"), Some("EUR"), Some("€"))),
        ),
    ] {
        let (_server, client) = serve(GET, &path, 200, name).await;
        let balance = client.get_user_billing_credit_balance().user_id(USER_ID).send().await;
        let balance = balance.unwrap_or_else(|e| panic!("{name}: {e}")).into_inner();

        assert_eq!(balance.object.as_deref(), Some("commerce_credit_balance"), "{name}");
        assert_eq!(
            balance.balance.as_ref().map(|m| (
                m.amount,
                m.amount_formatted.as_deref(),
                m.currency.as_deref(),
                m.currency_symbol.as_deref()
            )),
            expected,
            "{name}"
        );
        // `null` stays `null`: the balance is written back even when there is none.
        assert_same_json(&serde_json::to_value(&balance).unwrap(), &fixture(name));
    }
}

#[tokio::test]
async fn credit_ledger_entries_keep_their_date_strings() {
    let path = format!("/v1/users/{USER_ID}/billing/credits");
    for (name, id, created_at, note, amount) in [
        (
            "billing_credit_ledger.json",
            "ccl_2nq1Zp8bLedgerEntry01",
            "2026-05-12T10:00:00.123Z",
            Some("Goodwill credit for the May outage"),
            2500,
        ),
        (
            "billing_credit_ledger_sparse.json",
            "ccl_2legacyLedgerEntry01",
            "2025-11-03T08:15:30+01:00",
            None,
            -1000,
        ),
    ] {
        let (_server, client) = serve(POST, &path, 200, name).await;
        let entry = client
            .adjust_user_billing_credit_balance()
            .user_id(USER_ID)
            .body_map(|b| {
                b.amount(1000)
                    .action(types::AdjustCreditBalanceRequestAction::Decrease)
                    .idempotency_key("corpus-1".to_owned())
            })
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_inner();

        assert_eq!(
            (entry.id.as_str(), entry.created_at.as_deref(), entry.note.as_deref()),
            (id, Some(created_at), note),
            "{name}"
        );
        assert_eq!(entry.amount.as_ref().and_then(|m| m.amount), Some(amount), "{name}");
        // Nothing is added, not even for the sparse entry: its missing fields are not nullable.
        assert_eq!(
            added_on_the_way_back(&serde_json::to_value(&entry).unwrap(), &fixture(name)),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn organization_invitations_round_trip_exactly() {
    let path = format!("/v1/users/{USER_ID}/organization_invitations");
    let (_server, client) = serve(GET, &path, 200, "organization_invitations_full.json").await;
    let page = client.users_get_organization_invitations().user_id(USER_ID).send().await.unwrap();

    assert_eq!((page.data.len(), page.total_count), (2, Some(42)));
    let [no_inviter, invited] = &page.data[..] else { panic!("{:?}", page.data) };
    assert_eq!(
        (no_inviter.inviter_id.as_deref(), no_inviter.public_inviter_data.as_ref()),
        (None, None)
    );
    assert_eq!(
        no_inviter.object,
        Some(types::OrganizationInvitationWithPublicOrganizationDataObject::OrganizationInvitation)
    );
    assert_eq!(
        (no_inviter.url.as_deref(), no_inviter.expires_at, no_inviter.status.as_deref()),
        (None, Some(1_748_000_000_000), Some("pending"))
    );
    let inviter = invited.public_inviter_data.as_ref().unwrap();
    assert_eq!(
        (
            inviter.user_id.as_deref(),
            inviter.first_name.as_deref(),
            inviter.last_name.as_deref(),
            inviter.has_image
        ),
        (Some("user_2nq1Zp8bInviter01"), Some("Charles"), None, Some(false))
    );
    let organization = invited.public_organization_data.as_ref().unwrap();
    assert_eq!(
        (organization.slug.as_deref(), organization.image_url.as_deref()),
        (Some("harbour-co-op"), None)
    );
    assert_eq!(invited.private_metadata["invited_via"]["batch"], 3);
    assert_same_json(
        &serde_json::to_value(&*page).unwrap(),
        &fixture("organization_invitations_full.json"),
    );
}

#[tokio::test]
async fn legacy_invitations_without_role_name_or_created_at_decode() {
    let path = format!("/v1/users/{USER_ID}/organization_invitations");
    let (_server, client) = serve(GET, &path, 200, "organization_invitations_sparse.json").await;
    let page = client.users_get_organization_invitations().user_id(USER_ID).send().await.unwrap();
    let sent = fixture("organization_invitations_sparse.json");

    let [legacy, bare] = &page.data[..] else { panic!("{:?}", page.data) };
    assert_eq!(
        (legacy.role.as_deref(), legacy.role_name.as_deref(), legacy.created_at, legacy.updated_at),
        (Some("admin"), None, None, Some(1_590_000_000))
    );
    assert_eq!(
        (legacy.public_inviter_data.as_ref(), legacy.public_organization_data.as_ref()),
        (None, None)
    );
    let inviter = bare.public_inviter_data.as_ref().unwrap();
    assert_eq!(
        (inviter.user_id.as_deref(), inviter.identifier.as_deref(), inviter.has_image),
        (Some("user_2legacyInviter02"), None, None)
    );
    assert_eq!((bare.object.as_ref(), bare.email_address.as_deref()), (None, None));
    assert_eq!(
        added_on_the_way_back(&serde_json::to_value(&*page).unwrap(), &sent),
        [
            "/data/0/expires_at",
            "/data/0/inviter_id",
            "/data/0/private_metadata",
            "/data/0/public_inviter_data",
            "/data/0/url",
            "/data/1/expires_at",
            "/data/1/inviter_id",
            "/data/1/private_metadata",
            "/data/1/public_inviter_data/first_name",
            "/data/1/public_inviter_data/last_name",
            "/data/1/public_metadata",
            "/data/1/url",
        ]
    );
}

#[tokio::test]
async fn trusted_devices_with_unknown_values_round_trip() {
    let path = format!("/v1/users/{USER_ID}/trusted_devices");
    let (_server, client) = serve(GET, &path, 200, "trusted_devices_unknown_enums.json").await;
    let list = client.list_user_trusted_devices().user_id(USER_ID).send().await.unwrap();

    assert_eq!((list.data.len(), list.total_count), (2, Some(2)));
    let [iphone, vision] = &list.data[..] else { panic!("{:?}", list.data) };
    assert_eq!(
        (iphone.platform.clone(), iphone.algorithm.clone(), iphone.status.clone()),
        (
            Some(types::TrustedDevicePlatform::Ios),
            Some(types::TrustedDeviceAlgorithm::Es256),
            Some(types::TrustedDeviceStatus::Active)
        )
    );
    assert_eq!(
        (vision.platform.clone(), vision.algorithm.clone(), vision.status.clone()),
        (
            Some(types::TrustedDevicePlatform::Unknown("visionos".to_owned())),
            Some(types::TrustedDeviceAlgorithm::Unknown("EdDSA".to_owned())),
            Some(types::TrustedDeviceStatus::Unknown("pending_attestation".to_owned()))
        )
    );
    assert_eq!((vision.name.as_deref(), vision.last_used_at), (None, None));
    assert_same_json(
        &serde_json::to_value(&*list).unwrap(),
        &fixture("trusted_devices_unknown_enums.json"),
    );

    let path = format!("/v1/users/{USER_ID}/trusted_devices/td_2nq1Zp8bIphone01");
    let (_server, client) = serve(DELETE, &path, 200, "trusted_device_revoked.json").await;
    let revoked = client
        .revoke_user_trusted_device()
        .user_id(USER_ID)
        .trusted_device_id("td_2nq1Zp8bIphone01")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (revoked.status.clone(), revoked.revoked_at),
        (Some(types::TrustedDeviceStatus::Revoked), Some(1_747_000_000_000))
    );
    assert_same_json(
        &serde_json::to_value(&*revoked).unwrap(),
        &fixture("trusted_device_revoked.json"),
    );
}

#[tokio::test]
async fn deleted_passkeys_wallets_and_external_accounts_round_trip() {
    let cases = [
        ("deleted_passkey.json", "passkeys", "passkey", "idn_2nq1Zp8bPasskey01"),
        ("deleted_web3_wallet.json", "web3_wallets", "web3_wallet", "idn_2nq1Zp8bWeb3Wallet01"),
        (
            "deleted_external_account.json",
            "external_accounts",
            "external_account",
            "eac_2nq1Zp8bGoogle01",
        ),
    ];
    for (name, segment, object, id) in cases {
        let path = format!("/v1/users/{USER_ID}/{segment}/{id}");
        let (_server, client) = serve(DELETE, &path, 200, name).await;
        let deleted = match segment {
            "passkeys" => {
                client
                    .user_passkey_delete()
                    .user_id(USER_ID)
                    .passkey_identification_id(id)
                    .send()
                    .await
            }
            "web3_wallets" => {
                client
                    .user_web3_wallet_delete()
                    .user_id(USER_ID)
                    .web3_wallet_identification_id(id)
                    .send()
                    .await
            }
            _ => {
                client
                    .delete_external_account()
                    .user_id(USER_ID)
                    .external_account_id(id)
                    .send()
                    .await
            }
        };
        let deleted = deleted.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (deleted.object.as_deref(), deleted.id.as_deref(), deleted.deleted),
            (Some(object), Some(id), Some(true)),
            "{name}"
        );
        assert_same_json(&serde_json::to_value(&*deleted).unwrap(), &fixture(name));
    }
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
    // The long message says what happened; the short one is in the alternate form.
    let line = format!(
        "GET /v1/users/{USER_ID}: clerk returned 404 Not Found: resource_not_found: No user was \
         found with id user_404 (trace id c4a3f1d2e5b6)"
    );
    assert_eq!(error.to_string(), line);
    assert_eq!(
        format!("{error:#}"),
        format!(
            "{line}\n  1. resource_not_found: No user was found with id user_404 (not found) meta \
             {{\"param_name\":\"user_id\"}}\n  meta {{\"request_id\":\"req_88\"}}"
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
    let first = format!(
        "GET /v1/users/{USER_ID}: clerk returned 422 Unprocessable Entity: form_password_pwned: \
         Password has been found in an online data breach. For account safety, please use a \
         different password."
    );
    assert_eq!(error.to_string(), format!("{first} (and 1 more) (trace id c4a3f1d2e5b7)"));
    assert_eq!(
        format!("{error:#}"),
        format!(
            "{first} (trace id c4a3f1d2e5b7)\n  1. form_password_pwned: Password has been found \
             in an online data breach. For account safety, please use a different password. \
             (Password has been found in an online data breach.) meta \
             {{\"param_name\":\"password\"}}\n  2. form_identifier_exists: That email address is \
             taken. Please try another. (That email address is taken.) meta \
             {{\"param_name\":\"email_address\"}}"
        )
    );
}

#[tokio::test]
async fn error_missing_a_required_message_still_decodes() {
    let error = error_from("error_without_long_message.json", 429).await;
    assert!(error.is_rate_limited());
    let first = &error.clerk_errors().unwrap().errors[0];
    assert_eq!((first.code.as_str(), first.long_message.as_str()), ("too_many_requests", ""));
    assert_eq!(first.meta["ResetsIn"], "12s");
    // Without a long message, the short one explains.
    assert_eq!(
        error.to_string(),
        format!(
            "GET /v1/users/{USER_ID}: clerk returned 429 Too Many Requests: too_many_requests: \
             Too many requests, retry later"
        )
    );
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
