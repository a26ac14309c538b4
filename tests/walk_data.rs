//! Walks over data that is not what they expect, with the exact requests on the wire (httpmock):
//! one item that does not decode never sinks its page or the walk (it is reported on its own,
//! with its id and JSON, and the walk goes on), and users out of the expected order stop the walk
//! instead of being dropped.

mod support;

use clerk_users::pagination::{Paginator, RawUser, UndecodableItem, WalkError};
use clerk_users::prelude::*;
use clerk_users::types;
use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use support::{WhenExt, client, fixture};

/// A full user with its own id and `created_at`: the higher `n`, the older, as Clerk's default
/// order (newest first) lists them.
fn user(n: i64) -> Value {
    let mut user = fixture("user_full.json");
    user["id"] = json!(format!("user_{n}"));
    user["created_at"] = json!(1_717_000_000_000_i64 - n);
    user
}

/// A user whose `banned` flag is a string: the typed `User` cannot hold it.
fn bad_user(n: i64) -> Value {
    let mut user = user(n);
    user["banned"] = json!("no");
    user
}

/// Serves one page of the user list for the exact query.
async fn page<'a>(server: &'a MockServer, query: &str, users: Vec<Value>) -> httpmock::Mock<'a> {
    let query = query.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/v1/users").clerk_headers().exact_query(&query);
            then.status(200).json_body(Value::Array(users));
        })
        .await
}

/// Every outcome of a walk's items stream, to its end.
async fn outcomes<T: clerk_users::pagination::Item>(
    paginator: Paginator<T>,
) -> Vec<Result<T, WalkError>> {
    paginator.items().collect().await
}

#[tokio::test]
async fn a_user_that_does_not_decode_is_reported_alone_and_the_walk_goes_on() {
    let server = MockServer::start_async().await;
    // The bad user ends the first page: the cursor must still move past it.
    let first = page(&server, "limit=3", vec![user(1), user(2), bad_user(3)]).await;
    let second = page(&server, "limit=3&starting_after=user_3", vec![user(4)]).await;

    let results = outcomes(client(&server).get_user_list().paginate().page_size(3)).await;

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let ids: Vec<&str> =
        results.iter().filter_map(|r| r.as_ref().ok()).map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_1", "user_2", "user_4"]);
    let Err(error) = &results[2] else { panic!("{:?}", results[2]) };
    assert!(error.is_item_level());
    // The page's token counts its three items, the one that did not decode included.
    assert_eq!(error.items_yielded(), 3);
    let item: &UndecodableItem = error.undecodable_item().unwrap();
    assert_eq!(item.id(), Some("user_3"));
    assert_eq!(item.created_at(), Some(1_716_999_999_997));
    assert_eq!(item.path(), "banned");
    assert_eq!(serde_json::from_str::<Value>(item.json()).unwrap(), bad_user(3));
    let length = item.json().len();
    assert_eq!(
        error.to_string(),
        format!(
            "listing went on past an item: item user_3 did not decode: a value of an unexpected \
             type at `banned` ({length} bytes of JSON)"
        )
    );
    // Neither the line nor Debug quotes the user's data.
    let email = bad_user(3)["email_addresses"][0]["email_address"].as_str().unwrap().to_owned();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(&email) && !shown.contains("\"no\""), "{shown}");
    }
}

#[tokio::test]
async fn pages_carry_what_did_not_decode_beside_their_items() {
    let server = MockServer::start_async().await;
    let _page = page(&server, "limit=5", vec![bad_user(1), user(2), bad_user(3)]).await;

    let pages: Vec<_> =
        client(&server).get_user_list().paginate().page_size(5).pages().collect().await;

    assert_eq!(pages.len(), 1);
    let page = pages[0].as_ref().unwrap();
    assert_eq!(page.items.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["user_2"]);
    let bad: Vec<Option<&str>> = page.undecodable.iter().map(UndecodableItem::id).collect();
    assert_eq!(bad, [Some("user_1"), Some("user_3")]);
    assert_eq!(page.resume.items_yielded(), 3, "undecodable items count as yielded");
}

#[tokio::test]
async fn collect_all_stops_at_an_undecodable_user() {
    let server = MockServer::start_async().await;
    let _page = page(&server, "limit=5", vec![user(1), bad_user(2)]).await;

    let error =
        client(&server).get_user_list().paginate().page_size(5).collect_all().await.unwrap_err();

    assert_eq!(error.undecodable_item().and_then(UndecodableItem::id), Some("user_2"));
}

#[tokio::test]
async fn a_body_that_is_not_a_page_still_fails_the_walk() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users");
            then.status(200).json_body(json!({"data": 5}));
        })
        .await;

    let results = outcomes(client(&server).get_user_list().paginate().page_size(5)).await;

    mock.assert_async().await;
    assert_eq!(results.len(), 1);
    let Err(error) = &results[0] else { panic!() };
    assert!(!error.is_item_level());
    assert!(matches!(error.error(), Some(clerk_users::Error::Decode(_))), "{error:?}");
}

#[tokio::test]
async fn a_raw_user_without_an_id_is_an_item_error_and_never_loops() {
    let server = MockServer::start_async().await;
    // A full page ending with a user without an id: no cursor can follow it.
    let mut no_id = user(3);
    no_id.as_object_mut().unwrap().remove("id");
    let mut text_time = user(1);
    text_time["created_at"] = json!("2024-01-01");
    let first = page(&server, "limit=3", vec![text_time, user(2), no_id.clone()]).await;

    let results = outcomes(client(&server).get_user_list().paginate().page_size(3).raw()).await;

    first.assert_calls_async(1).await;
    assert_eq!(results.len(), 4, "{results:?}");
    let Ok(raw) = &results[0] else { panic!("{:?}", results[0]) };
    let raw: &RawUser = raw;
    assert_eq!(raw.id(), "user_2");
    let Err(text_time) = &results[1] else { panic!("{:?}", results[1]) };
    let item = text_time.undecodable_item().unwrap();
    assert_eq!((item.id(), item.created_at()), (Some("user_1"), None));
    assert_eq!(
        text_time.to_string(),
        format!(
            "listing went on past an item: item user_1 did not decode: a value of an unexpected \
             type at `created_at` ({} bytes of JSON)",
            item.json().len()
        )
    );
    let Err(no_id_error) = &results[2] else { panic!("{:?}", results[2]) };
    let item = no_id_error.undecodable_item().unwrap();
    assert_eq!(item.id(), None);
    assert_eq!(serde_json::from_str::<Value>(item.json()).unwrap(), no_id);
    assert!(
        no_id_error
            .to_string()
            .contains("an item without an id did not decode: missing field `id`")
    );
    let Err(last) = &results[3] else { panic!("{:?}", results[3]) };
    assert!(matches!(last, WalkError::Unplaceable { .. }), "{last:?}");
    assert_eq!(
        last.to_string(),
        "listing stopped after 3 items: a full page ended with an item without an id, which no \
         cursor can follow"
    );
}

#[tokio::test]
async fn a_membership_that_does_not_decode_is_set_apart_in_an_offset_walk() {
    let server = MockServer::start_async().await;
    let mut page = fixture("organization_memberships_full.json");
    let good = page["data"][0].take();
    let mut bad = good.clone();
    bad["id"] = json!("orgmem_bad");
    bad["role"] = json!(7);
    page["data"] = json!([good, bad]);
    page["total_count"] = json!(2);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users/user_1/organization_memberships")
                .clerk_headers()
                .exact_query("limit=2&offset=0");
            then.status(200).json_body(page);
        })
        .await;

    let paginator =
        client(&server).users_get_organization_memberships().user_id("user_1").paginate();
    let results: Vec<Result<types::OrganizationMembership, WalkError>> =
        outcomes(paginator.page_size(2)).await;

    mock.assert_async().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    let item = results[1].as_ref().unwrap_err().undecodable_item().unwrap();
    assert_eq!((item.id(), item.path()), (Some("orgmem_bad"), "role"));
}

#[tokio::test]
async fn users_behind_the_cursor_stop_the_walk_after_what_was_new() {
    let server = MockServer::start_async().await;
    let first = page(&server, "limit=2", vec![user(1), user(2)]).await;
    // Newest first, yet user_0 is newer than the cursor: not the order the walk follows.
    let second = page(&server, "limit=2&starting_after=user_2", vec![user(3), user(0)]).await;

    let results = outcomes(client(&server).get_user_list().paginate().page_size(2)).await;

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let ids: Vec<&str> =
        results.iter().filter_map(|r| r.as_ref().ok()).map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_1", "user_2", "user_3"], "user_0 is not dropped silently");
    let Err(error) = &results[3] else { panic!("{:?}", results[3]) };
    assert!(matches!(error, WalkError::PageRepeated { .. }), "{error:?}");
    assert_eq!(error.items_yielded(), 3);
}
