//! The helpers of `src/model_helpers.rs`, on the fixtures and on small users written inline.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clerk_users::types::{OrganizationMemberships, TrustedDevice, User};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn user_from(name: &str) -> User {
    serde_json::from_value(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A user with `fields` over the two required ones.
fn user(fields: Value) -> User {
    let mut object = json!({"id": "user_1", "created_at": 1_717_000_000_000_i64});
    for (key, value) in fields.as_object().expect("fields are an object") {
        object[key] = value.clone();
    }
    serde_json::from_value(object).expect("a user")
}

fn at_millis(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

fn emails(user: &User) -> Vec<&str> {
    user.verified_emails().filter_map(|email| email.email_address.as_deref()).collect()
}

#[test]
fn the_full_fixture_gives_its_primary_identifications_verified_and_named() {
    let user = user_from("user_full.json");
    let email = user.primary_email().expect("a primary email");
    assert_eq!(email.id.as_deref(), Some("idn_2lmzqY8EmailPrimary"));
    assert_eq!(user.primary_email_address(), Some("ada@example.com"));
    assert_eq!(user.primary_phone().and_then(|p| p.id.as_deref()), Some("idn_2lmzqY8PhonePrimary"));
    assert_eq!(user.primary_phone_number(), Some("+15555550123"));
    assert_eq!(
        user.primary_web3_wallet().and_then(|w| w.web3_wallet.as_deref()),
        Some("0x0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(emails(&user), ["ada@example.com", "ada@analytical.example"]);
    assert_eq!(user.verified_phones().count(), 1);
    assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));

    assert!(user.web3_wallets[0].is_verified());
    assert!(user.passkeys[0].is_verified());
    assert!(user.external_accounts[0].is_verified());
    assert!(user.saml_accounts[0].is_verified());
    assert!(user.enterprise_accounts[0].is_verified());
}

#[test]
fn the_full_fixture_gives_its_times_to_the_millisecond() {
    let user = user_from("user_full.json");
    assert_eq!(user.created(), at_millis(1_717_000_000_000));
    assert_eq!(user.updated(), Some(at_millis(1_717_000_009_000)));
    assert_eq!(user.last_sign_in(), Some(at_millis(1_717_000_008_000)));
    assert_eq!(user.last_active(), Some(at_millis(1_717_000_008_000)));
    assert_eq!(user.legal_accepted(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(user.password_last_updated(), Some(at_millis(1_717_000_004_000)));
    assert_eq!(user.lockout_expires_in(), None);

    assert_eq!(user.email_addresses[0].created(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(user.email_addresses[0].updated(), Some(at_millis(1_717_000_001_000)));
    assert_eq!(user.phone_numbers[0].created(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(user.web3_wallets[0].updated(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(user.passkeys[0].last_used(), Some(at_millis(1_717_000_005_000)));
    assert_eq!(user.external_accounts[0].created(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(user.saml_accounts[0].last_authenticated(), Some(at_millis(1_717_000_006_000)));
    assert_eq!(
        user.enterprise_accounts[0].last_authenticated(),
        Some(at_millis(1_717_000_007_000))
    );
}

#[test]
fn a_user_without_anything_optional_gives_none_everywhere() {
    let user = user_from("user_all_nulls.json");
    assert_eq!(user.primary_email(), None);
    assert_eq!(user.primary_email_address(), None);
    assert_eq!(user.primary_phone(), None);
    assert_eq!(user.primary_phone_number(), None);
    assert_eq!(user.primary_web3_wallet(), None);
    assert_eq!(user.verified_emails().count(), 0);
    assert_eq!(user.verified_phones().count(), 0);
    assert_eq!(user.full_name(), None);
    assert_eq!(user.last_sign_in(), None);
    assert_eq!(user.last_active(), None);
    assert_eq!(user.legal_accepted(), None);
    assert_eq!(user.password_last_updated(), None);
    assert_eq!(user.created(), at_millis(1_717_000_000_000));
    assert_eq!(user.updated(), Some(at_millis(1_717_000_009_000)));

    let sparse = user_from("user_minimal_verifications.json");
    assert_eq!(sparse.updated(), None);
    assert_eq!(sparse.email_addresses[0].created(), None);
}

#[test]
fn a_null_primary_id_matches_no_address_even_one_without_an_id() {
    let user = user(json!({
        "primary_email_address_id": null,
        "primary_phone_number_id": null,
        "primary_web3_wallet_id": null,
        "email_addresses": [{"id": null, "email_address": "ghost@example.com"}],
        "phone_numbers": [{"phone_number": "+15555550100"}],
        "web3_wallets": [{"web3_wallet": "0xaa"}],
    }));
    assert_eq!(user.email_addresses[0].id, None);
    assert_eq!(user.primary_email(), None);
    assert_eq!(user.primary_email_address(), None);
    assert_eq!(user.primary_phone(), None);
    assert_eq!(user.primary_web3_wallet(), None);
}

#[test]
fn the_primary_is_found_by_id_not_by_position_and_a_dangling_id_finds_nothing() {
    let user = user(json!({
        "primary_email_address_id": "idn_b",
        "primary_phone_number_id": "idn_gone",
        "email_addresses": [
            {"id": null, "email_address": "no-id@example.com"},
            {"id": "idn_a", "email_address": "a@example.com"},
            {"id": "idn_b", "email_address": "b@example.com"},
        ],
        "phone_numbers": [{"id": "idn_p", "phone_number": "+15555550100"}],
    }));
    assert_eq!(user.primary_email_address(), Some("b@example.com"));
    assert_eq!(user.primary_phone(), None);
    assert_eq!(user.primary_phone_number(), None);

    let without_text = self::user(json!({
        "primary_email_address_id": "idn_a",
        "email_addresses": [{"id": "idn_a"}],
    }));
    assert!(without_text.primary_email().is_some());
    assert_eq!(without_text.primary_email_address(), None);
}

#[test]
fn only_the_status_verified_counts_whatever_the_kind_of_verification() {
    let otp = |status: &str| {
        json!({"object": "verification_otp", "status": status, "strategy": "email_code",
               "attempts": 1, "expire_at": null})
    };
    let magic = |status: &str| {
        let object = "verification_magic_link";
        json!({"object": object, "status": status, "strategy": "magic_link"})
    };
    let bare = |status: &str, strategy: &str| json!({"status": status, "strategy": strategy});
    let address =
        |text: &str, v: Value| json!({"id": text, "email_address": text, "verification": v});
    let phone = |text: &str, v: Value| json!({"id": text, "phone_number": text, "verification": v});
    let user = user(json!({
        "email_addresses": [
            address("otp@example.com", otp("verified")),
            address("pending@example.com", otp("unverified")),
            address("future@example.com", otp("pending_review")),
            address("none@example.com", Value::Null),
            address("magic@example.com", magic("verified")),
            address("odd@example.com", magic("Verified")),
            address("admin@example.com", bare("verified", "admin")),
            address("expired@example.com", bare("expired", "email_link")),
        ],
        "phone_numbers": [
            phone("+1", bare("unverified", "phone_code")),
            phone("+2", bare("verified", "phone_code")),
            phone("+3", Value::Null),
        ],
    }));
    let verified: Vec<bool> = user.email_addresses.iter().map(|e| e.is_verified()).collect();
    assert_eq!(verified, [true, false, false, false, true, false, true, false]);
    assert_eq!(emails(&user), ["otp@example.com", "magic@example.com", "admin@example.com"]);
    let phones: Vec<&str> =
        user.verified_phones().filter_map(|phone| phone.phone_number.as_deref()).collect();
    assert_eq!(phones, ["+2"]);
}

#[test]
fn fixtures_with_sparse_or_unknown_verifications() {
    let sparse = user_from("user_sparse_identifications.json");
    assert_eq!(sparse.primary_email_address(), Some("lin@example.com"));
    assert_eq!(emails(&sparse), ["lin@example.com"]);
    assert_eq!(sparse.primary_phone_number(), Some("+15555550142"));
    assert!(!sparse.primary_phone().expect("a primary phone").is_verified());
    assert_eq!(sparse.verified_phones().count(), 0);

    let minimal = user_from("user_minimal_verifications.json");
    assert_eq!(emails(&minimal), ["tomasz@example.com", "tw@example.net"]);
    assert_eq!(minimal.primary_email(), None);
    assert!(minimal.web3_wallets[0].is_verified());
    assert!(minimal.passkeys[0].is_verified());
    assert!(minimal.external_accounts[0].is_verified());

    let unknown = user_from("user_unknown_verification.json");
    assert_eq!(emails(&unknown), ["ada@example.com", "ada@analytical.example"]);
}

#[test]
fn full_name_joins_what_is_there() {
    let name = |first: Value, last: Value| {
        user(json!({"first_name": first, "last_name": last})).full_name()
    };
    assert_eq!(name(json!("Ada"), json!("Lovelace")).as_deref(), Some("Ada Lovelace"));
    assert_eq!(name(json!("Ada"), json!(null)).as_deref(), Some("Ada"));
    assert_eq!(name(json!(null), json!("Lovelace")).as_deref(), Some("Lovelace"));
    assert_eq!(name(json!(""), json!("Lovelace")).as_deref(), Some("Lovelace"));
    assert_eq!(name(json!("  Ada "), json!(" Lovelace\t")).as_deref(), Some("Ada Lovelace"));
    assert_eq!(name(json!("Mary Ann"), json!("   ")).as_deref(), Some("Mary Ann"));
    assert_eq!(name(json!(null), json!(null)), None);
    assert_eq!(name(json!(""), json!("")), None);
    assert_eq!(name(json!(" "), json!("\n")), None);
    assert_eq!(user(json!({})).full_name(), None);
}

#[test]
fn times_are_milliseconds_and_null_is_none() {
    let user = user(json!({
        "created_at": 1_000, "updated_at": 0, "last_sign_in_at": null,
        "last_active_at": 1_717_000_000_123_i64,
    }));
    assert_eq!(user.created(), UNIX_EPOCH + Duration::from_secs(1));
    assert_eq!(user.updated(), Some(UNIX_EPOCH));
    assert_eq!(user.last_sign_in(), None);
    assert_eq!(user.last_active(), Some(at_millis(1_717_000_000_123)));
    assert_eq!(user.legal_accepted(), None);
}

#[test]
fn legacy_seconds_are_read_as_milliseconds_not_guessed() {
    let user = user_from("user_seconds_timestamps.json");
    assert_eq!(user.created(), at_millis(1_580_000_000));
    assert_eq!(user.last_sign_in(), Some(UNIX_EPOCH + Duration::from_secs(1_590_000)));
}

#[test]
fn negative_and_huge_times_do_not_panic() {
    let at = |millis: i64| {
        user(json!({"created_at": millis, "last_sign_in_at": millis, "updated_at": millis}))
    };
    let before = at(-1_500);
    assert_eq!(before.created(), UNIX_EPOCH - Duration::from_millis(1_500));
    assert_eq!(before.last_sign_in(), UNIX_EPOCH.checked_sub(Duration::from_millis(1_500)));

    for millis in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
        let user = at(millis);
        // Reading never panics; on Unix every i64 of milliseconds is a SystemTime, exactly.
        let (created, last_sign_in, updated) =
            (user.created(), user.last_sign_in(), user.updated());
        #[cfg(unix)]
        {
            let distance = Duration::from_millis(millis.unsigned_abs());
            let from_epoch = |t: std::time::SystemTime| match millis < 0 {
                true => UNIX_EPOCH.duration_since(t).unwrap(),
                false => t.duration_since(UNIX_EPOCH).unwrap(),
            };
            assert_eq!(from_epoch(created), distance, "{millis}");
            assert_eq!(last_sign_in.map(from_epoch), Some(distance), "{millis}");
            assert_eq!(updated.map(from_epoch), Some(distance), "{millis}");
        }
        #[cfg(not(unix))]
        let _ = (created, last_sign_in, updated);
    }
}

#[test]
fn lockout_is_a_duration_in_seconds() {
    let locked = user_from("user_banned_locked.json");
    assert_eq!(locked.lockout_expires_in(), Some(Duration::from_secs(1_800)));
    assert_eq!(user(json!({"lockout_expires_in_seconds": null})).lockout_expires_in(), None);
    assert_eq!(
        user(json!({"lockout_expires_in_seconds": 0})).lockout_expires_in(),
        Some(Duration::ZERO)
    );
    assert_eq!(
        user(json!({"lockout_expires_in_seconds": -5})).lockout_expires_in(),
        Some(Duration::ZERO)
    );
    assert_eq!(
        user(json!({"lockout_expires_in_seconds": i64::MAX})).lockout_expires_in(),
        Some(Duration::from_secs(i64::MAX.unsigned_abs()))
    );
}

#[test]
fn organization_memberships_give_ids_permissions_names_and_times() {
    let page: OrganizationMemberships =
        serde_json::from_value(fixture("organization_memberships_full.json")).expect("a page");
    let membership = &page.data[0];
    assert_eq!(membership.organization_id(), Some("org_2lmzqOrgAnalytical"));
    assert_eq!(membership.user_id(), Some("user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8"));
    assert!(membership.has_permission("org:sys_memberships:manage"));
    assert!(!membership.has_permission("org:sys_memberships"));
    assert!(!membership.has_permission("org:sys_billing:manage"));
    assert_eq!(membership.created(), Some(at_millis(1_717_000_000_000)));
    assert_eq!(membership.updated(), Some(at_millis(1_717_000_000_020)));
    let member = membership.public_user_data.as_ref().expect("public user data");
    assert_eq!(member.full_name().as_deref(), Some("Ada Lovelace"));

    let bare: OrganizationMemberships =
        serde_json::from_value(json!({"data": [{"id": "orgmem_1"}], "total_count": 1}))
            .expect("a page");
    let bare = &bare.data[0];
    assert_eq!(bare.organization_id(), None);
    assert_eq!(bare.user_id(), None);
    assert_eq!(bare.created(), None);
    assert!(!bare.has_permission("org:sys_profile:read"));
}

#[test]
fn trusted_devices_give_their_times() {
    let device: TrustedDevice =
        serde_json::from_value(fixture("trusted_device_revoked.json")).expect("a device");
    assert_eq!(device.created(), Some(at_millis(1_740_000_000_000)));
    assert_eq!(device.last_used(), Some(at_millis(1_746_000_000_000)));
    assert_eq!(device.revoked(), Some(at_millis(1_747_000_000_000)));
    let fresh: TrustedDevice =
        serde_json::from_value(json!({"id": "td_1", "revoked_at": null})).expect("a device");
    assert_eq!((fresh.created(), fresh.last_used(), fresh.revoked()), (None, None, None));
}
