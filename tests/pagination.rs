//! Pagination against a stateful list server: sizes around page boundaries, filters on every page,
//! cursor or offset, insertions during the walk, errors and resuming, a repeating server, page size
//! checks, and the membership and OAuth token lists.

mod support;

use std::collections::HashSet;

use clerk_users::prelude::*;
use clerk_users::{Error, Page, types};
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;
use support::list_server::{Event, ListServer};
use support::{client, fixture};

fn ids(users: &[types::User]) -> Vec<String> {
    users.iter().map(|u| u.id.clone()).collect()
}

/// Walks all users with `page_size`, checking the walk against the server's own list.
async fn walk_all(count: usize, page_size: u64) -> (ListServer, Vec<String>) {
    let list = ListServer::start(count).await;
    let users = client(&list.server)
        .get_user_list()
        .paginate()
        .page_size(page_size)
        .collect_all()
        .await
        .unwrap();
    let walked = ids(&users);
    assert_eq!(walked, list.ids(), "every user once, newest first");
    (list, walked)
}

#[tokio::test]
async fn no_users_is_one_request_and_nothing() {
    let (list, walked) = walk_all(0, 500).await;
    assert!(walked.is_empty());
    assert_eq!(list.queries(), ["limit=500"]);
}

#[tokio::test]
async fn one_user() {
    let (list, _) = walk_all(1, 500).await;
    assert_eq!(list.queries(), ["limit=500"]);
}

#[tokio::test]
async fn exactly_one_page_needs_a_second_empty_request() {
    let (list, _) = walk_all(3, 3).await;
    // The first page is full, so only an empty page can say it was the last.
    assert_eq!(list.queries(), ["limit=3", "limit=3&starting_after=user_000001"]);
}

#[tokio::test]
async fn a_page_and_one_more() {
    let (list, _) = walk_all(4, 3).await;
    assert_eq!(list.queries(), ["limit=3", "limit=3&starting_after=user_000002"]);
}

#[tokio::test]
async fn many_users_take_few_requests_at_the_default_page_size() {
    let (list, walked) = walk_all(1234, 500).await;
    assert_eq!(walked.len(), 1234);
    assert_eq!(
        list.queries(),
        [
            "limit=500",
            "limit=500&starting_after=user_000735",
            "limit=500&starting_after=user_000235"
        ]
    );

    let list = ListServer::start(1234).await;
    let users = client(&list.server).get_user_list().paginate().collect_all().await.unwrap();
    assert_eq!(users.len(), 1234);
    assert_eq!(list.queries().len(), 3, "the default page size is 500");
}

#[tokio::test]
async fn every_filter_is_sent_with_every_page() {
    let list = ListServer::start(5).await;
    let filters = "banned=false&created_at_after=1&email_address_query=example&last_active_at_before=9000000000000\
                   &organization_id=-org_1&query=00&user_id=-user_9&username=a&username=b";

    // The test server ignores these filters; the point is that every page request carries them.
    let users = client(&list.server)
        .get_user_list()
        .banned(false)
        .created_at_after(1_i64)
        .email_address_query("example")
        .last_active_at_before(9_000_000_000_000_i64)
        .organization_id(vec!["-org_1".to_owned()])
        .query("00")
        .user_id(vec!["-user_9".to_owned()])
        .username(vec!["a".to_owned(), "b".to_owned()])
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(users.len(), 5);
    // Query keys go out in alphabetical order, paging parameters among them.
    let (before, after) = filters.split_once("&organization_id").unwrap();
    let (middle, end) = after.split_once("&user_id").unwrap();
    assert_eq!(
        list.queries(),
        [
            format!("{before}&limit=2&organization_id{middle}&user_id{end}"),
            format!(
                "{before}&limit=2&organization_id{middle}&starting_after=user_000004&user_id{end}"
            ),
            format!(
                "{before}&limit=2&organization_id{middle}&starting_after=user_000002&user_id{end}"
            ),
        ]
    );
}

#[tokio::test]
async fn created_at_orderings_use_the_cursor_and_others_use_offsets() {
    for (order_by, expected) in [
        ("-created_at", "limit=2&order_by=-created_at&starting_after=user_000004"),
        ("+created_at", "limit=2&order_by=%2Bcreated_at&starting_after=user_000002"),
        ("created_at", "limit=2&order_by=created_at&starting_after=user_000002"),
        ("+email_address", "limit=2&offset=2&order_by=%2Bemail_address"),
    ] {
        let list = ListServer::start(5).await;
        let users = client(&list.server)
            .get_user_list()
            .order_by(order_by)
            .paginate()
            .page_size(2)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(users.len(), 5, "{order_by}");
        assert_eq!(list.queries()[1], expected, "{order_by}");
    }
}

#[tokio::test]
async fn a_start_offset_on_the_builder_walks_by_offset_from_there() {
    let list = ListServer::start(5).await;
    let users = client(&list.server)
        .get_user_list()
        .offset(3_u64)
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&users), ["user_000002", "user_000001"]);
    assert_eq!(list.queries(), ["limit=2&offset=3", "limit=2&offset=5"]);
}

#[tokio::test]
async fn insertions_during_a_newest_first_walk_yield_no_duplicates() {
    let list = ListServer::start(10).await;
    // Three new users arrive before the second and third page requests.
    list.on_request(2, Event::Insert { count: 3 });
    list.on_request(3, Event::Insert { count: 3 });

    let users =
        client(&list.server).get_user_list().paginate().page_size(4).collect_all().await.unwrap();

    let walked = ids(&users);
    assert_eq!(walked.iter().collect::<HashSet<_>>().len(), walked.len(), "no duplicates");
    // The cursor walk sees exactly the users that existed when it started.
    let expected: Vec<String> = (1..=10).rev().map(|n| format!("user_{n:06}")).collect();
    assert_eq!(walked, expected);
}

#[tokio::test]
async fn insertions_during_an_offset_walk_yield_no_duplicates() {
    let list = ListServer::start(10).await;
    // New users sort first by email, pushing every row down by three before page 2.
    list.on_request(2, Event::Insert { count: 3 });

    let users = client(&list.server)
        .get_user_list()
        .order_by("+email_address")
        .paginate()
        .page_size(4)
        .collect_all()
        .await
        .unwrap();

    let walked = ids(&users);
    assert_eq!(
        walked.iter().collect::<HashSet<_>>().len(),
        walked.len(),
        "no duplicates: {walked:?}"
    );
    let original: HashSet<String> = (1..=10).map(|n| format!("user_{n:06}")).collect();
    assert!(original.iter().all(|id| walked.contains(id)), "every original user: {walked:?}");
}

#[tokio::test]
async fn an_error_on_page_three_yields_pages_one_and_two_then_the_error_and_resumes() {
    let list = ListServer::start(10).await;
    list.on_request(3, Event::Fail);
    let client = client(&list.server);

    let results: Vec<clerk_users::Result<Page<types::User>>> =
        client.get_user_list().paginate().page_size(3).pages().collect().await;

    assert_eq!(results.len(), 3);
    let first_two: Vec<String> =
        results[..2].iter().flat_map(|p| ids(&p.as_ref().unwrap().items)).collect();
    assert_eq!(
        first_two,
        ["user_000010", "user_000009", "user_000008", "user_000007", "user_000006", "user_000005"]
    );
    let error = results[2].as_ref().unwrap_err();
    assert!(matches!(error, Error::Interrupted { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.codes(), ["service_unavailable"]);
    assert_eq!(
        error.to_string(),
        "listing interrupted after 6 items: clerk returned 503 Service Unavailable: service_unavailable: try later"
    );
    let token = error.resume_token().unwrap().clone();
    assert_eq!(token.items_yielded(), 6);

    let rest =
        client.get_user_list().paginate().page_size(3).resume(token).collect_all().await.unwrap();
    assert_eq!(ids(&rest), ["user_000004", "user_000003", "user_000002", "user_000001"]);
    let queries = list.queries();
    assert_eq!(queries[2], "limit=3&starting_after=user_000005", "the failed request");
    assert_eq!(queries[3], "limit=3&starting_after=user_000005", "resumed where it failed");
}

#[tokio::test]
async fn the_items_stream_yields_good_items_then_the_error_then_ends() {
    let list = ListServer::start(5).await;
    list.on_request(2, Event::Fail);

    let results: Vec<clerk_users::Result<types::User>> =
        client(&list.server).get_user_list().paginate().page_size(2).items().collect().await;

    assert_eq!(results.len(), 3);
    assert!(results[..2].iter().all(Result::is_ok));
    assert!(matches!(results[2], Err(Error::Interrupted { .. })));
}

#[tokio::test]
async fn resume_tokens_from_pages_continue_an_offset_walk_too() {
    let list = ListServer::start(7).await;
    let client = client(&list.server);
    let mut pages =
        client.get_user_list().order_by("+email_address").paginate().page_size(3).pages();
    let first = pages.try_next().await.unwrap().unwrap();
    drop(pages);

    let rest = client
        .get_user_list()
        .order_by("+email_address")
        .paginate()
        .page_size(3)
        .resume(first.resume)
        .collect_all()
        .await
        .unwrap();

    let all: Vec<String> = ids(&first.items).into_iter().chain(ids(&rest)).collect();
    // The test server's emails sort newest first.
    assert_eq!(all, list.ids());
    assert!(list.queries().ends_with(&[
        "limit=3&offset=3&order_by=%2Bemail_address".to_owned(),
        "limit=3&offset=6&order_by=%2Bemail_address".to_owned()
    ]));
}

#[tokio::test]
async fn a_server_that_repeats_itself_ends_the_walk_with_an_error() {
    for order_by in ["-created_at", "+email_address"] {
        let list = ListServer::start(10).await;
        list.on_request(2, Event::RepeatFirstPage);
        list.on_request(3, Event::RepeatFirstPage);

        let results: Vec<_> = client(&list.server)
            .get_user_list()
            .order_by(order_by)
            .paginate()
            .page_size(4)
            .pages()
            .collect()
            .await;

        assert_eq!(results.len(), 2, "{order_by}");
        assert!(
            matches!(&results[1], Err(Error::Interrupted { error, .. }) if matches!(**error, Error::PageRepeated)),
            "{order_by}: {:?}",
            results[1]
        );
        // The cursor walk sees the repeat at once; the offset walk on the second stale page in a
        // row (one could be a burst of insertions).
        let expected = if order_by == "-created_at" { 2 } else { 3 };
        assert_eq!(list.queries().len(), expected, "{order_by}: no more requests after the repeat");
    }
}

#[tokio::test]
async fn invalid_page_sizes_fail_before_any_request() {
    let list = ListServer::start(5).await;
    let client = client(&list.server);
    for size in [0, 501, 10_000] {
        let error =
            client.get_user_list().paginate().page_size(size).collect_all().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid request: page size must be between 1 and 500, got {size}")
        );
    }
    // A builder limit over 500 is refused the same way.
    let error = client
        .get_user_list()
        .limit(std::num::NonZeroU64::new(600).unwrap())
        .paginate()
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert!(list.queries().is_empty());
}

#[tokio::test]
async fn a_burst_of_insertions_filling_a_whole_page_does_not_stop_an_offset_walk() {
    let list = ListServer::start(12).await;
    // Four new users (a whole page) sort first before page 2: it brings only rows seen already.
    list.on_request(2, Event::Insert { count: 4 });

    let users = client(&list.server)
        .get_user_list()
        .order_by("+email_address")
        .paginate()
        .page_size(4)
        .collect_all()
        .await
        .unwrap();

    let walked = ids(&users);
    assert_eq!(
        walked.iter().collect::<HashSet<_>>().len(),
        walked.len(),
        "no duplicates: {walked:?}"
    );
    assert!(
        (1..=12).all(|n| walked.contains(&format!("user_{n:06}"))),
        "every original user: {walked:?}"
    );
}

#[tokio::test]
async fn starting_after_with_an_offset_is_refused_before_any_request() {
    let list = ListServer::start(3).await;
    let error = client(&list.server)
        .get_user_list()
        .starting_after("user_000002")
        .offset(1_u64)
        .paginate()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: starting_after cannot be combined with a non-zero offset"
    );
    assert!(list.queries().is_empty());
}

#[tokio::test]
async fn max_items_caps_the_total_separately_from_page_size() {
    let list = ListServer::start(20).await;
    let users = client(&list.server)
        .get_user_list()
        .paginate()
        .page_size(4)
        .max_items(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(users.len(), 10);
    // The last request asks only for what is still wanted.
    assert_eq!(list.queries().last().unwrap(), "limit=2&starting_after=user_000013");
    assert_eq!(list.queries().len(), 3);
}

#[tokio::test]
async fn total_count_uses_one_count_request_with_the_same_filters() {
    let list = ListServer::start(7).await;
    let paginator = client(&list.server)
        .get_user_list()
        .banned(true)
        .query("ada")
        .order_by("+created_at")
        .paginate();

    assert_eq!(paginator.total_count().await.unwrap(), 7);
    let users = paginator.page_size(5).collect_all().await.unwrap();

    assert_eq!(users.len(), 7);
    let queries = list.queries();
    // The count carries the filters but no paging or ordering, and only once.
    assert_eq!(queries[0], "count?banned=true&query=ada");
    assert_eq!(queries.iter().filter(|q| q.starts_with("count?")).count(), 1);
}

#[tokio::test]
async fn streams_can_move_into_tasks() {
    let list = ListServer::start(3).await;
    let items = client(&list.server).get_user_list().paginate().items();
    let users: Vec<types::User> = tokio::spawn(items.try_collect()).await.unwrap().unwrap();
    assert_eq!(users.len(), 3);
}

// ===== memberships and OAuth tokens =====

fn membership(n: usize) -> serde_json::Value {
    let mut page = fixture("organization_memberships_full.json");
    let mut membership = page["data"][0].take();
    membership["id"] = json!(format!("orgmem_{n}"));
    membership
}

#[tokio::test]
async fn memberships_paginate_by_offset_and_report_the_total() {
    let server = MockServer::start_async().await;
    let path = "/v1/users/user_1/organization_memberships";
    let mut mocks = Vec::new();
    for (offset, members) in [(0, vec![1, 2]), (2, vec![3, 4]), (4, vec![5])] {
        let data: Vec<_> = members.into_iter().map(membership).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(path)
                        .query_param("limit", "2")
                        .query_param("offset", offset.to_string());
                    then.status(200).json_body(json!({"data": data, "total_count": 5}));
                })
                .await,
        );
    }

    let paginator = client(&server)
        .users_get_organization_memberships()
        .user_id("user_1")
        .paginate()
        .page_size(2);
    let pages: Vec<Page<types::OrganizationMembership>> =
        paginator.pages().try_collect().await.unwrap();

    let ids: Vec<&str> = pages.iter().flat_map(|p| p.items.iter().map(|m| m.id.as_str())).collect();
    assert_eq!(ids, ["orgmem_1", "orgmem_2", "orgmem_3", "orgmem_4", "orgmem_5"]);
    assert!(pages.iter().all(|p| p.total_count == Some(5)));
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn memberships_stop_at_the_total_without_an_extra_request() {
    let server = MockServer::start_async().await;
    let page = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/users/user_1/organization_memberships")
                .query_param("offset", "0");
            then.status(200)
                .json_body(json!({"data": [membership(1), membership(2)], "total_count": 2}));
        })
        .await;

    let memberships = client(&server)
        .users_get_organization_memberships()
        .user_id("user_1")
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(memberships.len(), 2);
    page.assert_calls_async(1).await;
}

#[tokio::test]
async fn memberships_need_a_user_id() {
    let server = MockServer::start_async().await;
    let error = client(&server)
        .users_get_organization_memberships()
        .paginate()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "invalid request: user_id was not initialized");
}

#[tokio::test]
async fn oauth_tokens_paginate_with_paginated_true() {
    let server = MockServer::start_async().await;
    let path = "/v1/users/user_1/oauth_access_tokens/oauth_google";
    let token = |n: usize| {
        let mut token = fixture("oauth_access_tokens_array.json")[0].clone();
        token["external_account_id"] = json!(format!("eac_{n}"));
        token
    };
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .query_param("paginated", "true")
                .query_param("offset", "0")
                .query_param("limit", "2");
            then.status(200).json_body(json!({"data": [token(1), token(2)], "total_count": 3}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .query_param("paginated", "true")
                .query_param("offset", "2")
                .query_param("limit", "2");
            then.status(200).json_body(json!({"data": [token(3)], "total_count": 3}));
        })
        .await;

    let paginator = client(&server)
        .get_o_auth_access_token()
        .user_id("user_1")
        .provider("oauth_google")
        .paginate()
        .page_size(2);
    let tokens = paginator.collect_all().await.unwrap();

    let ids: Vec<&str> = tokens.iter().map(|t| t.external_account_id.as_str()).collect();
    assert_eq!(ids, ["eac_1", "eac_2", "eac_3"]);
    first.assert_async().await;
    second.assert_async().await;
}
