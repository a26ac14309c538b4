//! `ban_users` / `unban_users` against a mock server: the batches on the wire (50 ids each, every
//! id once), and how answers and failures are sorted into the outcome.

mod support;

use httpmock::prelude::*;
use serde_json::{Value, json};
use support::{WhenExt, clerk_error, client};

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("user_{i:03}")).collect()
}

/// Clerk's answer for a batch: each user, banned as asked.
fn users(ids: &[String], banned: bool) -> Value {
    ids.iter().map(|id| json!({"id": id, "created_at": 1, "banned": banned})).collect()
}

#[tokio::test]
async fn ban_users_sends_batches_of_fifty_each_id_once_and_keeps_the_order_asked() {
    let server = MockServer::start_async().await;
    let mut batches = Vec::new();
    for range in [0..50, 50..100, 100..120] {
        let batch = ids(range);
        let answer = users(&batch, true);
        batches.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path("/v1/users/ban")
                        .exact_query("")
                        .json_body(json!({ "user_ids": batch }))
                        .clerk_headers();
                    then.status(200).json_body(answer);
                })
                .await,
        );
    }
    // 120 ids, some given twice: the repeats are not sent again.
    let mut asked = ids(0..120);
    asked.extend(ids(10..15));

    let outcome = client(&server).ban_users(asked).concurrency(2).await;

    for batch in &batches {
        batch.assert_async().await;
    }
    assert!(outcome.is_complete(), "{outcome:?}");
    assert_eq!(outcome.succeeded_ids().collect::<Vec<_>>(), ids(0..120));
    assert!(outcome.succeeded.iter().all(|user| user.banned == Some(true)));
    assert_eq!(outcome.failed_ids().count(), 0);
}

#[tokio::test]
async fn unban_users_uses_the_bulk_unban() {
    let server = MockServer::start_async().await;
    let batch = ids(0..3);
    let answer = users(&batch, false);
    let unban = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/users/unban")
                .json_body(json!({ "user_ids": batch }))
                .clerk_headers();
            then.status(200).json_body(answer);
        })
        .await;

    let outcome = client(&server).unban_users(["user_000", "user_001", "user_002"]).await;

    unban.assert_async().await;
    assert!(outcome.is_complete());
    assert!(outcome.succeeded.iter().all(|user| user.banned == Some(false)));
}

#[tokio::test]
async fn a_failed_batch_reports_its_ids_and_error_and_the_others_still_succeed() {
    let server = MockServer::start_async().await;
    let (first, second) = (ids(0..50), ids(50..60));
    let first_answer = users(&first, true);
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users/ban").json_body(json!({ "user_ids": first }));
            then.status(200).json_body(first_answer);
        })
        .await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users/ban").json_body(json!({ "user_ids": second }));
            then.status(402).json_body(clerk_error("payment_required", "upgrade your plan"));
        })
        .await;

    let outcome = client(&server).ban_users(ids(0..60)).await;

    ok.assert_async().await;
    refused.assert_async().await;
    assert_eq!(outcome.succeeded_ids().collect::<Vec<_>>(), ids(0..50));
    assert_eq!(outcome.failed.len(), 1);
    let failed = &outcome.failed[0];
    assert_eq!(failed.user_ids, ids(50..60));
    assert_eq!(failed.error.status().map(|s| s.as_u16()), Some(402));
    assert_eq!(failed.error.codes(), ["payment_required"]);
    assert_eq!(outcome.failed_ids().collect::<Vec<_>>(), ids(50..60));
    assert!(!outcome.is_complete());
}

#[tokio::test]
async fn ids_clerk_does_not_answer_are_reported_apart() {
    let server = MockServer::start_async().await;
    let asked = ids(0..3);
    // Clerk answers two of the three, in its own order, and nothing says why not the third.
    let answer = json!([{"id": "user_002", "created_at": 1}, {"id": "user_000", "created_at": 1}]);
    let ban = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users/ban").json_body(json!({ "user_ids": asked }));
            then.status(200).json_body(answer);
        })
        .await;

    let outcome = client(&server).ban_users(ids(0..3)).await;

    ban.assert_async().await;
    assert_eq!(outcome.succeeded_ids().collect::<Vec<_>>(), ["user_000", "user_002"]);
    assert_eq!(outcome.not_answered, ["user_001"]);
    assert_eq!(outcome.failed_ids().collect::<Vec<_>>(), ["user_001"]);
    assert!(outcome.failed.is_empty());
}

#[tokio::test]
async fn no_ids_send_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;

    let outcome = client(&server).ban_users(Vec::<String>::new()).await;

    any.assert_calls_async(0).await;
    assert!(outcome.is_complete());
    assert!(outcome.succeeded.is_empty());
}
