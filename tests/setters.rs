//! Setters take what a program holds (text, lists of text, any integer, `SystemTime`, any
//! serializable object), send it exactly as Clerk expects, and report a bad value at `send()`
//! before anything reaches the network.

mod support;

use std::collections::BTreeMap;
use std::num::NonZeroU8;
use std::time::{Duration, UNIX_EPOCH};

use clerk_users::Error;
use httpmock::prelude::*;
use serde_json::json;
use support::{WhenExt, client, fixture};

const USER_ID: &str = "user_2lmzqZfC0bhy5gHGVbtcB0Uuuh8";

#[tokio::test]
async fn list_filters_take_borrowed_text_any_integer_and_system_time() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users")
                .exact_query(
                    "created_at_after=1700000000123&email_address=ada%40example.com\
                     &last_active_at_before=-5&limit=25&offset=50&order_by=-created_at\
                     &user_id=user_1&user_id=user_2&username=ada",
                )
                .clerk_headers();
            then.status(200).json_body(json!([fixture("user_full.json")]));
        })
        .await;
    let email = String::from("ada@example.com");
    let ids = vec![String::from("user_1"), String::from("user_2")];
    let page_size: usize = 25;
    let skip: i64 = 50;

    let users = client(&server)
        .get_user_list()
        .email_address([&email])
        .user_id(&ids)
        .username(Some("ada"))
        .order_by(String::from("-created_at"))
        .limit(page_size)
        .offset(skip)
        .created_at_after(UNIX_EPOCH + Duration::from_millis(1_700_000_000_123))
        .last_active_at_before(UNIX_EPOCH - Duration::from_millis(5))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id, USER_ID);
}

#[tokio::test]
async fn time_filters_also_take_milliseconds_and_lists_take_iterators() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users/count")
                .exact_query(
                    "created_at_before=1700000000000&external_id=crm-1&external_id=crm-2\
                     &phone_number=%2B15555550100",
                )
                .clerk_headers();
            then.status(200).json_body(json!({"object": "total_count", "total_count": 2}));
        })
        .await;
    let externals = ["crm-1", "crm-2"];

    let count = client(&server)
        .get_users_count()
        .created_at_before(1_700_000_000_000u64)
        .external_id(externals.iter().copied())
        .phone_number(vec!["+15555550100"])
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(count.total_count, 2);
}

/// The message of an [`Error::InvalidRequest`], or a panic naming what came instead.
fn invalid_request(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[tokio::test]
async fn integers_out_of_range_fail_at_send_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server.mock_async(|when, then| {
        when.any_request();
        then.status(200).json_body(json!([]));
    });
    let any = any.await;
    let client = client(&server);

    let zero = client.get_user_list().limit(0).send().await;
    assert_eq!(invalid_request(zero), "limit must be between 1 and 500, got 0");
    let too_many = client.get_user_list().limit(501u32).send().await;
    assert_eq!(invalid_request(too_many), "limit must be between 1 and 500, got 501");
    let negative = client.get_user_list().offset(-1).send().await;
    assert_eq!(invalid_request(negative), "offset must be 0 or more, got -1");
    let huge = client.users_get_organization_memberships().user_id(USER_ID).limit(u128::MAX);
    assert_eq!(
        invalid_request(huge.send().await),
        "limit must be between 1 and 500, got a larger value"
    );
    let far = client.get_user_list().created_at_after(u64::MAX).send().await;
    assert!(
        invalid_request(far).starts_with("created_at_after must be between -9223372036854775808"),
    );

    assert_eq!(any.calls_async().await, 0, "nothing was sent");
    // The same setters take NonZero integers and the full range.
    let ok = client.get_user_list().limit(NonZeroU8::MAX).offset(0u8).send().await;
    assert_eq!(ok.unwrap().len(), 0);
    assert_eq!(any.calls_async().await, 1);
}

#[tokio::test]
async fn body_setters_take_str_and_json_values() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/users")
                .json_body(json!({
                    "email_address": ["ada@example.com"],
                    "first_name": "Ada",
                    "external_id": "crm-4711",
                    "public_metadata": {"plan": "free", "seats": 3},
                    "private_metadata": {"notes": ["vip"]},
                    "skip_password_requirement": true,
                }))
                .clerk_headers();
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;
    let email = String::from("ada@example.com");
    let external_id = String::from("crm-4711");
    let private = BTreeMap::from([("notes", vec!["vip"])]);

    let user = client(&server)
        .create_user()
        .body_map(|body| {
            body.email_address([email])
                .first_name("Ada")
                .external_id(&external_id)
                .public_metadata(json!({"plan": "free", "seats": 3}))
                .private_metadata(&private)
                .skip_password_requirement(true)
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(user.id, USER_ID);
}

#[tokio::test]
async fn metadata_that_is_not_an_object_fails_at_send_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server.mock_async(|when, then| {
        when.any_request();
        then.status(200).json_body(fixture("user_full.json"));
    });
    let any = any.await;

    let result = client(&server)
        .update_user_metadata()
        .user_id(USER_ID)
        .body_map(|body| body.public_metadata(json!(["not", "an", "object"])))
        .send()
        .await;

    assert_eq!(invalid_request(result), "public_metadata must be a JSON object, got an array");
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn times_before_1970_are_negative_milliseconds() {
    // 1969-12-31T23:59:58.500Z; the wire form is checked in the first test above.
    let before = UNIX_EPOCH - Duration::from_millis(1_500);
    let millis = clerk_users::params::IntoUnixMillis::into_unix_millis(before);
    assert_eq!(millis, Some(-1_500));
    let after = UNIX_EPOCH + Duration::from_millis(1_733_000_000_000);
    assert_eq!(
        clerk_users::params::IntoUnixMillis::into_unix_millis(after),
        Some(1_733_000_000_000)
    );
}
