//! Sequential walks of the user list against the fake Clerk: sizes around page boundaries, filters
//! on every page, cursor or offset, insertions during the walk, errors and resuming, a repeating
//! server, page size checks, retries, and raw users. The exact query of every page request is
//! asserted from the fake's request log.

use std::collections::HashSet;
use std::time::Duration;

use clerk_users::pagination::Page;
use clerk_users::prelude::*;
use clerk_users::{Client, RetryPolicy, WalkError, types};
use clerk_users_fake::{FakeClerk, Fault, Reply};
use futures::{StreamExt, TryStreamExt};

/// A fake holding `count` users, `user_000001` the oldest.
async fn fake_with(count: usize) -> FakeClerk {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    fake.seed_users(count);
    fake
}

/// A client that sends each request once, so an injected failure reaches the walk.
fn client(fake: &FakeClerk) -> Client {
    Client::builder(fake.secret_key()).base_url(fake.url()).no_retries().build().unwrap()
}

fn ids(users: &[types::User]) -> Vec<String> {
    users.iter().map(|u| u.id.clone()).collect()
}

/// `user_<to>` down to `user_<from>`: a newest-first run of sequential ids.
fn newest_first(to: usize, from: usize) -> Vec<String> {
    (from..=to).rev().map(|n| format!("user_{n:06}")).collect()
}

/// A 503 with Clerk's body.
fn unavailable() -> Fault {
    Fault::Respond(Reply::status(503).error("service_unavailable", "try later"))
}

/// Walks all users with `page_size`, checking the walk against the fake's own list.
async fn walk_all(count: usize, page_size: u64) -> (FakeClerk, Vec<String>) {
    let fake = fake_with(count).await;
    let users =
        client(&fake).get_user_list().paginate().page_size(page_size).collect_all().await.unwrap();
    let walked = ids(&users);
    assert_eq!(walked, fake.user_ids(), "every user once, newest first");
    (fake, walked)
}

#[tokio::test]
async fn no_users_is_one_request_and_nothing() {
    let (fake, walked) = walk_all(0, 500).await;
    assert!(walked.is_empty());
    assert_eq!(fake.list_queries(), ["limit=500"]);
}

#[tokio::test]
async fn one_user() {
    let (fake, _) = walk_all(1, 500).await;
    assert_eq!(fake.list_queries(), ["limit=500"]);
}

#[tokio::test]
async fn exactly_one_page_needs_an_empty_page_and_a_check() {
    let (fake, _) = walk_all(3, 3).await;
    // The first page is full, so only an empty page can say it was the last; and an empty page
    // after a cursor may also mean Clerk lost the cursor's user, so the walk asks once more from
    // the cursor's millisecond, and finds only users it has passed.
    let oldest = fake.user_json("user_000001").unwrap()["created_at"].as_i64().unwrap();
    assert_eq!(
        fake.list_queries(),
        [
            "limit=3".to_owned(),
            "limit=3&starting_after=user_000001".to_owned(),
            format!("created_at_before={}&limit=3&order_by=-created_at", oldest + 1),
        ]
    );
}

#[tokio::test]
async fn a_page_and_one_more() {
    let (fake, _) = walk_all(4, 3).await;
    assert_eq!(fake.list_queries(), ["limit=3", "limit=3&starting_after=user_000002"]);
}

#[tokio::test]
async fn many_users_take_few_requests_at_the_default_page_size() {
    let fake = fake_with(1234).await;
    let users = client(&fake).get_user_list().paginate().collect_all().await.unwrap();
    assert_eq!(ids(&users), newest_first(1234, 1));
    assert_eq!(
        fake.list_queries(),
        [
            "limit=500",
            "limit=500&starting_after=user_000735",
            "limit=500&starting_after=user_000235"
        ],
        "the default page size is 500"
    );
}

#[tokio::test]
async fn every_filter_is_sent_with_every_page() {
    let fake = fake_with(5).await;
    let all = fake.user_ids();

    // Filters every seeded user matches; the point is that every page request carries them,
    // repeated keys and all, whatever sorts before or after the paging parameters.
    let users = client(&fake)
        .get_user_list()
        .created_at_after(1_i64)
        .email_address_query("example")
        .order_by("-created_at")
        .user_id(all.clone())
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(ids(&users), newest_first(5, 1));
    // Query keys go out in alphabetical order, paging parameters among them.
    let head = "created_at_after=1&email_address_query=example&limit=2&order_by=-created_at";
    let user_ids: String = all.iter().map(|id| format!("&user_id={id}")).collect();
    assert_eq!(
        fake.list_queries(),
        [
            format!("{head}{user_ids}"),
            format!("{head}&starting_after=user_000004{user_ids}"),
            format!("{head}&starting_after=user_000002{user_ids}"),
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
        let fake = fake_with(5).await;
        let users = client(&fake)
            .get_user_list()
            .order_by(order_by)
            .paginate()
            .page_size(2)
            .collect_all()
            .await
            .unwrap();
        assert_eq!(users.len(), 5, "{order_by}");
        assert_eq!(fake.list_queries()[1], expected, "{order_by}");
    }
}

#[tokio::test]
async fn a_start_offset_on_the_builder_walks_by_offset_from_there() {
    let fake = fake_with(5).await;
    let users = client(&fake)
        .get_user_list()
        .offset(3_u64)
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&users), ["user_000002", "user_000001"]);
    assert_eq!(fake.list_queries(), ["limit=2&offset=3", "limit=2&offset=5"]);
}

#[tokio::test]
async fn insertions_during_a_newest_first_walk_yield_no_duplicates() {
    let fake = fake_with(10).await;
    // Three new users arrive before the second and third page requests.
    fake.on_list_request(2, Fault::InsertUsers(3));
    fake.on_list_request(3, Fault::InsertUsers(3));

    let users = client(&fake).get_user_list().paginate().page_size(4).collect_all().await.unwrap();

    // The cursor walk sees exactly the users that existed when it started.
    assert_eq!(ids(&users), newest_first(10, 1));
    assert_eq!(fake.user_count(), 16);
}

/// Walks by `-updated_at` (an offset walk, on whose first rows new users land) with `page_size`,
/// `inserted` users arriving before the second page, and checks no original user is skipped or
/// repeated.
async fn offset_walk_with_insertions(count: usize, inserted: usize, page_size: u64) {
    let fake = fake_with(count).await;
    let original: HashSet<String> = fake.user_ids().into_iter().collect();
    fake.on_list_request(2, Fault::InsertUsers(inserted));

    let users = client(&fake)
        .get_user_list()
        .order_by("-updated_at")
        .paginate()
        .page_size(page_size)
        .collect_all()
        .await
        .unwrap();

    let walked = ids(&users);
    let unique: HashSet<String> = walked.iter().cloned().collect();
    assert_eq!(unique.len(), walked.len(), "no duplicates: {walked:?}");
    assert!(original.is_subset(&unique), "every original user: {walked:?}");
    assert!(fake.list_queries()[1].contains("offset=4"), "{:?}", fake.list_queries());
}

#[tokio::test]
async fn insertions_during_an_offset_walk_yield_no_duplicates() {
    offset_walk_with_insertions(10, 3, 4).await;
}

#[tokio::test]
async fn a_burst_of_insertions_filling_a_whole_page_does_not_stop_an_offset_walk() {
    // Four new users (a whole page) before page 2: it brings only rows seen already.
    offset_walk_with_insertions(12, 4, 4).await;
}

#[tokio::test]
async fn an_error_on_page_three_yields_pages_one_and_two_then_the_error_and_resumes() {
    let fake = fake_with(10).await;
    fake.on_list_request(3, unavailable());
    let client = client(&fake);

    let results: Vec<Result<Page<types::User>, WalkError>> =
        client.get_user_list().paginate().page_size(3).pages().collect().await;

    assert_eq!(results.len(), 3);
    let first_two: Vec<String> =
        results[..2].iter().flat_map(|p| ids(&p.as_ref().unwrap().items)).collect();
    assert_eq!(first_two, newest_first(10, 5));
    let walk_error = results[2].as_ref().unwrap_err();
    let error = walk_error.error().expect("a request error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.codes(), ["service_unavailable"]);
    let trace_id = error.trace_id().expect("the fake sends a trace id");
    assert_eq!(
        walk_error.to_string(),
        format!(
            "listing stopped after 6 items: GET /v1/users: clerk returned 503 Service \
             Unavailable: service_unavailable: try later (trace id {trace_id})"
        )
    );
    let token = walk_error.resume_token().unwrap().clone();
    assert_eq!((token.items_yielded(), walk_error.items_yielded()), (6, 6));

    let rest =
        client.get_user_list().paginate().page_size(3).resume(token).collect_all().await.unwrap();
    assert_eq!(ids(&rest), newest_first(4, 1));
    let queries = fake.list_queries();
    assert_eq!(queries[2], "limit=3&starting_after=user_000005", "the failed request");
    assert_eq!(queries[3], "limit=3&starting_after=user_000005", "resumed where it failed");
}

#[tokio::test]
async fn the_items_stream_yields_good_items_then_the_error_then_ends() {
    let fake = fake_with(5).await;
    fake.on_list_request(2, unavailable());

    let results: Vec<Result<types::User, WalkError>> =
        client(&fake).get_user_list().paginate().page_size(2).items().collect().await;

    assert_eq!(results.len(), 3);
    assert!(results[..2].iter().all(Result::is_ok));
    assert!(matches!(&results[2], Err(WalkError::Request { resume: Some(_), .. })));
}

#[tokio::test]
async fn resume_tokens_from_pages_continue_an_offset_walk_too() {
    let fake = fake_with(7).await;
    let client = client(&fake);
    let by_email = || client.get_user_list().order_by("+email_address").paginate().page_size(3);
    let expected = ids(&by_email().collect_all().await.unwrap());
    fake.clear_requests();

    let mut pages = by_email().pages();
    let first = pages.try_next().await.unwrap().unwrap();
    drop(pages);
    let rest = by_email().resume(first.resume).collect_all().await.unwrap();

    let all: Vec<String> = ids(&first.items).into_iter().chain(ids(&rest)).collect();
    assert_eq!(all, expected);
    assert_eq!(
        fake.list_queries(),
        [
            "limit=3&offset=0&order_by=%2Bemail_address",
            "limit=3&offset=3&order_by=%2Bemail_address",
            "limit=3&offset=6&order_by=%2Bemail_address"
        ]
    );
}

#[tokio::test]
async fn a_server_that_repeats_itself_ends_the_walk_with_an_error() {
    for order_by in ["-created_at", "+email_address"] {
        let fake = fake_with(10).await;
        fake.on_list_request(2, Fault::RepeatLastPage);
        fake.on_list_request(3, Fault::RepeatLastPage);

        let results: Vec<_> = client(&fake)
            .get_user_list()
            .order_by(order_by)
            .paginate()
            .page_size(4)
            .pages()
            .collect()
            .await;

        assert_eq!(results.len(), 2, "{order_by}");
        let Err(error @ WalkError::PageRepeated { .. }) = &results[1] else {
            panic!("{order_by}: {:?}", results[1]);
        };
        assert_eq!(error.items_yielded(), 4);
        assert_eq!(
            error.to_string(),
            "listing stopped after 4 items: the server answered a page the walk had already passed"
        );
        // The cursor walk sees the repeat at once; the offset walk on the second stale page in a
        // row (one could be a burst of insertions).
        let expected = if order_by == "-created_at" { 2 } else { 3 };
        assert_eq!(fake.list_queries().len(), expected, "{order_by}: nothing after the repeat");
    }
}

#[tokio::test]
async fn invalid_page_sizes_fail_before_any_request() {
    let fake = fake_with(5).await;
    let client = client(&fake);
    for size in [0, 501, 10_000] {
        let error =
            client.get_user_list().paginate().page_size(size).collect_all().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "listing did not start: invalid request: page size must be between 1 and 500, got {size}"
            )
        );
        assert_eq!(error.resume_token(), None);
    }
    // A builder limit over 500 is refused the same way.
    let error = client
        .get_user_list()
        .limit(std::num::NonZeroU64::new(600).unwrap())
        .paginate()
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(error.error(), Some(clerk_users::Error::InvalidRequest(_))), "{error:?}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn starting_after_with_an_offset_is_refused_before_any_request() {
    let fake = fake_with(3).await;
    let error = client(&fake)
        .get_user_list()
        .starting_after("user_000002")
        .offset(1_u64)
        .paginate()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "listing did not start: invalid request: starting_after cannot be combined with a \
         non-zero offset"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn max_items_caps_the_total_separately_from_page_size() {
    let fake = fake_with(20).await;
    let users = client(&fake)
        .get_user_list()
        .paginate()
        .page_size(4)
        .max_items(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&users), newest_first(20, 11));
    // The last request asks only for what is still wanted.
    assert_eq!(
        fake.list_queries(),
        ["limit=4", "limit=4&starting_after=user_000017", "limit=2&starting_after=user_000013"]
    );
}

#[tokio::test]
async fn total_count_uses_one_count_request_with_the_same_filters() {
    let fake = fake_with(7).await;
    let paginator = client(&fake)
        .get_user_list()
        .email_address_query("example")
        .created_at_after(1_i64)
        .order_by("+created_at")
        .paginate();

    assert_eq!(paginator.total_count().await.unwrap(), 7);
    let users = paginator.page_size(5).collect_all().await.unwrap();

    assert_eq!(users.len(), 7);
    let counts: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/users/count")
        .map(|r| r.query)
        .collect();
    // The count carries the filters but no paging or ordering, and only once.
    assert_eq!(counts, ["created_at_after=1&email_address_query=example"]);
}

#[tokio::test]
async fn streams_can_move_into_tasks() {
    let fake = fake_with(3).await;
    let items = client(&fake).get_user_list().paginate().items();
    let users: Vec<types::User> = tokio::spawn(items.try_collect()).await.unwrap().unwrap();
    assert_eq!(users.len(), 3);
}

#[tokio::test]
async fn pagination_streams_inherit_retries() {
    let fake = fake_with(9).await;
    fake.on_list_request(2, unavailable());
    let fast = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let client =
        Client::builder(fake.secret_key()).base_url(fake.url()).retry_policy(fast).build().unwrap();

    let users = client.get_user_list().paginate().page_size(4).collect_all().await.unwrap();

    assert_eq!(ids(&users), newest_first(9, 1));
    let queries = fake.list_queries();
    // The failed second page was asked for again, then the walk went on.
    assert_eq!(queries[1], queries[2]);
    assert_eq!(queries.len(), 4);
}

#[tokio::test]
async fn a_raw_walk_yields_every_user_exactly_as_the_server_sent_it() {
    let fake = fake_with(7).await;

    let raw = client(&fake).get_user_list().paginate().raw().page_size(3).collect_all().await;

    let raw = raw.unwrap();
    let walked: Vec<&str> = raw.iter().map(|u| u.id()).collect();
    assert_eq!(walked, newest_first(7, 1));
    for user in &raw {
        let sent = fake.user_json(user.id()).unwrap();
        assert_eq!(user.to_value().unwrap(), sent);
        assert_eq!(Some(user.created_at()), sent["created_at"].as_i64());
    }
    // The same walk as a typed one: the cursor moves by the raw users' ids.
    assert_eq!(fake.list_queries()[1], "limit=3&starting_after=user_000005");
}

#[tokio::test]
async fn a_raw_walk_stops_and_resumes_like_a_typed_one() {
    let fake = fake_with(5).await;
    fake.on_list_request(2, unavailable());
    let client = client(&fake);

    let results: Vec<_> =
        client.get_user_list().paginate().raw().page_size(2).items().collect().await;

    assert_eq!(results.len(), 3);
    let Err(error) = &results[2] else { panic!("{:?}", results[2]) };
    let token = error.resume_token().unwrap().clone();
    let rest = client.get_user_list().paginate().raw().page_size(2).resume(token).collect_all();
    let rest: Vec<String> = rest.await.unwrap().iter().map(|u| u.id().to_owned()).collect();
    assert_eq!(rest, newest_first(3, 1));
}

#[tokio::test]
async fn a_resume_token_whose_count_would_overflow_is_an_error_not_a_panic() {
    let fake = fake_with(3).await;
    // A token edited or corrupted in storage: nothing yielded that many items.
    let token: clerk_users::ResumeToken = serde_json::from_value(serde_json::json!({
        "position": {"Cursor": {"after": null}},
        "yielded": u64::MAX
    }))
    .unwrap();

    let error = client(&fake).get_user_list().paginate().resume(token).collect_all().await;

    let error = error.unwrap_err();
    assert!(matches!(error.error(), Some(clerk_users::Error::InvalidRequest(_))), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "listing stopped after {max} items: invalid request: the walk cannot go on past \
             offset 0 with {max} items yielded: the builder's offset or the resume token is out \
             of range",
            max = u64::MAX
        )
    );
}
