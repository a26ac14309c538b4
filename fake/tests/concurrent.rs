//! The concurrent walk (`paginate().concurrency(n)`), on the fake Clerk: every user exactly once
//! with skewed creation times and users created meanwhile, the rate limiter respected, and an
//! interrupted walk resumed to the end.

use std::collections::HashSet;
use std::time::Duration;

use clerk_users::prelude::*;
use clerk_users::{Client, Error, RateLimit, WalkError};
use clerk_users_fake::FakeClerk;
use futures::TryStreamExt;

/// Every user id, by a sequential cursor walk.
async fn all_ids(client: &Client) -> Vec<String> {
    let users = client.get_user_list().paginate().collect_all().await.unwrap();
    users.into_iter().map(|u| u.id).collect()
}

/// Creates `count` users through the API, all within a few milliseconds.
async fn burst(client: &Client, prefix: &str, count: usize) {
    for n in 0..count {
        let email = format!("{prefix}.{n}@burst.example");
        client.create_user().body_map(|b| b.email_address(vec![email])).send().await.unwrap();
    }
}

#[tokio::test]
async fn every_user_exactly_once_with_skewed_creation_times() {
    let fake = FakeClerk::start().await;
    // Two years of users, then a tenth as many again in one burst at the very end.
    fake.seed_users(9_000);
    let client = fake.client();
    burst(&client, "late", 1_000).await;
    let expected = all_ids(&client).await;
    assert_eq!(expected.len(), 10_000);

    let users = client.get_user_list().paginate().concurrency(8).collect_all().await.unwrap();

    let walked: Vec<String> = users.into_iter().map(|u| u.id).collect();
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(walked.len(), unique.len(), "no duplicates");
    assert_eq!(unique, expected.iter().collect::<HashSet<_>>(), "every user");
}

#[tokio::test]
async fn users_created_during_the_walk_do_not_disturb_it() {
    let fake = FakeClerk::builder().latency(Duration::from_millis(5)).start().await;
    fake.seed_users(3_000);
    let client = fake.client();
    let before: HashSet<String> = all_ids(&client).await.into_iter().collect();

    let walk = client.get_user_list().paginate().page_size(100).concurrency(4).collect_all();
    let (walked, ()) = tokio::join!(walk, burst(&client, "during", 200));

    let walked: Vec<String> = walked.unwrap().into_iter().map(|u| u.id).collect();
    let unique: HashSet<String> = walked.iter().cloned().collect();
    assert_eq!(walked.len(), unique.len(), "no duplicates");
    // Exactly the users that existed when the walk started; the new ones are newer than its range.
    assert_eq!(unique, before);
}

#[tokio::test]
async fn filters_apply_to_every_window() {
    let fake = FakeClerk::start().await;
    fake.seed_users(2_000);
    let client = fake.client();
    let banned: HashSet<String> = client
        .get_user_list()
        .banned(true)
        .paginate()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert!(!banned.is_empty(), "the fake seeds some banned users");

    let walked = client
        .get_user_list()
        .banned(true)
        .paginate()
        .page_size(50)
        .concurrency(6)
        .collect_all()
        .await
        .unwrap();

    assert!(walked.iter().all(|u| u.banned == Some(true)));
    assert_eq!(walked.into_iter().map(|u| u.id).collect::<HashSet<_>>(), banned);
    let queries: Vec<String> = fake.requests().into_iter().map(|r| r.query).collect();
    assert!(
        queries
            .iter()
            .filter(|q| q.contains("created_at_before"))
            .all(|q| q.contains("banned=true")),
        "{queries:?}"
    );
}

#[tokio::test]
async fn the_client_rate_limiter_keeps_a_concurrent_walk_under_the_limit() {
    // The fake answers 429 past 40 requests per second; the client paces itself under that.
    let fake = FakeClerk::builder().rate_limit(40, Duration::from_secs(1)).start().await;
    fake.seed_users(4_000);
    let client = Client::builder(fake.secret_key())
        .base_url(fake.url())
        .rate_limit(RateLimit::per_second(40))
        .no_retries()
        .build()
        .unwrap();

    let users = client
        .get_user_list()
        .paginate()
        .page_size(100)
        .concurrency(8)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(users.len(), 4_000);
    let statuses: Vec<Option<u16>> = fake.requests().into_iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| *s == Some(200)),
        "a request went over the limit: {statuses:?}"
    );
    assert!(statuses.len() >= 40, "the walk took {} requests", statuses.len());
}

#[tokio::test]
async fn an_interrupted_concurrent_walk_resumes_to_the_end_without_repeats() {
    // One request in ten fails, and nothing is retried: the walk stops often.
    let fake = FakeClerk::builder().failure_rate(0.1).seed(7).start().await;
    fake.seed_users(3_000);
    let client =
        Client::builder(fake.secret_key()).base_url(fake.url()).no_retries().build().unwrap();

    let mut walked: Vec<String> = Vec::new();
    let mut resume = None;
    let mut interruptions = 0;
    loop {
        let mut paginator = client.get_user_list().paginate().page_size(100).concurrency(4);
        if let Some(token) = resume.take() {
            paginator = paginator.resume(token);
        }
        let mut users = paginator.items();
        match users.try_next().await {
            Ok(None) => break,
            Ok(Some(user)) => walked.push(user.id),
            Err(error) => {
                // Before the first page (finding the walk's range) there is nothing to resume:
                // the walk simply starts again.
                interruptions += 1;
                assert!(
                    error.resume_token().is_some() || resume.is_none() && walked.is_empty(),
                    "{error:?}"
                );
                resume = error.resume_token().cloned();
                continue;
            }
        }
        loop {
            match users.try_next().await {
                Ok(Some(user)) => walked.push(user.id),
                Ok(None) => break,
                Err(WalkError::Request { resume: Some(token), .. }) => {
                    interruptions += 1;
                    resume = Some(*token);
                    break;
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        if resume.is_none() {
            break;
        }
        assert!(interruptions < 500, "no progress");
    }

    assert!(interruptions > 0, "the failure knob made the walk stop");
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(walked.len(), unique.len(), "no repeats across resumes");
    assert_eq!(unique.len(), 3_000);
}

#[tokio::test]
async fn a_concurrent_walk_stopped_by_max_items_resumes_without_skipping() {
    let fake = FakeClerk::start().await;
    fake.seed_users(3_000);
    let client = fake.client();

    // Pages from several windows arrive at once; the last one is cut short by max_items.
    let first: Vec<clerk_users::pagination::Page<clerk_users::types::User>> = client
        .get_user_list()
        .paginate()
        .page_size(100)
        .concurrency(4)
        .max_items(1_234)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let token = first.last().unwrap().resume.clone();
    assert_eq!(token.items_yielded(), 1_234);
    let rest = client
        .get_user_list()
        .paginate()
        .page_size(100)
        .concurrency(4)
        .resume(token)
        .collect_all()
        .await
        .unwrap();

    let walked: Vec<String> =
        first.into_iter().flat_map(|p| p.items).chain(rest).map(|u| u.id).collect();
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(walked.len(), unique.len(), "no repeats");
    assert_eq!(unique.len(), 3_000, "no skips");
}

#[tokio::test]
async fn concurrency_needs_the_created_at_ordering() {
    let fake = FakeClerk::start().await;
    let error = fake
        .client()
        .get_user_list()
        .order_by("+email_address")
        .paginate()
        .concurrency(4)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(error.error(), Some(Error::InvalidRequest(_))), "{error:?}");
    assert_eq!(error.resume_token(), None, "nothing to resume: no request was sent");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_known_created_range_saves_the_requests_that_find_it() {
    let fake = FakeClerk::start().await;
    fake.seed_users(1_200);
    let client = fake.client();
    let users = client.get_user_list().paginate().collect_all().await.unwrap();
    let created: Vec<i64> = users.iter().map(|u| u.created_at).collect();
    let (oldest, newest) = (*created.iter().min().unwrap(), *created.iter().max().unwrap());
    let every: HashSet<String> = users.into_iter().map(|u| u.id).collect();
    let before = fake.requests().len();

    let walked = client
        .get_user_list()
        .paginate()
        .page_size(100)
        .concurrency(4)
        .known_created_range(oldest, newest)
        .collect_all()
        .await
        .unwrap();

    let walked: Vec<String> = walked.into_iter().map(|u| u.id).collect();
    let unique: HashSet<String> = walked.iter().cloned().collect();
    assert_eq!(walked.len(), unique.len(), "no duplicates");
    assert_eq!(unique, every, "every user");
    let queries: Vec<String> = fake.requests()[before..].iter().map(|r| r.query.clone()).collect();
    // Every request is a window's page: none asks for the oldest or newest user alone.
    assert!(
        queries.iter().all(|q| q.contains("limit=100") && q.contains("created_at_after=")),
        "{queries:?}"
    );
    assert!(!queries.iter().any(|q| q.contains("limit=1&")), "{queries:?}");
}

#[tokio::test]
async fn a_known_created_range_leaves_out_newer_users_and_refuses_a_reversed_one() {
    let fake = FakeClerk::start().await;
    fake.seed_users(600);
    let client = fake.client();
    let mut users = client.get_user_list().paginate().collect_all().await.unwrap();
    users.sort_by_key(|u| u.created_at);
    // The newest 100 users are outside the range given.
    let newest_kept = users[499].created_at;
    let kept: HashSet<String> =
        users.iter().filter(|u| u.created_at <= newest_kept).map(|u| u.id.clone()).collect();
    assert!(kept.len() >= 500 && kept.len() < 600);

    let walked = client
        .get_user_list()
        .paginate()
        .concurrency(3)
        .known_created_range(users[0].created_at, newest_kept)
        .collect_all()
        .await
        .unwrap();
    let walked: HashSet<String> = walked.into_iter().map(|u| u.id).collect();
    assert_eq!(walked, kept);

    let before = fake.requests().len();
    let error = client
        .get_user_list()
        .paginate()
        .concurrency(3)
        .known_created_range(newest_kept, users[0].created_at)
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(error.error(), Some(Error::InvalidRequest(m)) if m.contains("newer than the newest")),
        "{error:?}"
    );
    assert_eq!(fake.requests().len(), before, "no request sent");
}

#[tokio::test]
async fn users_on_the_edges_of_a_known_range_are_walked_and_a_sequential_walk_ignores_it() {
    let fake = FakeClerk::start().await;
    fake.seed_users(900);
    // Two users in the oldest millisecond and two in the newest: bounds that include them.
    let (oldest, newest) = (946_684_800_000_i64, 1_893_456_000_000_i64);
    for (n, at) in [
        (1, "2000-01-01T00:00:00.000Z"),
        (2, "2000-01-01T00:00:00.000Z"),
        (3, "2030-01-01T00:00:00.000Z"),
        (4, "2030-01-01T00:00:00.000Z"),
    ] {
        let email = format!("edge{n}@example.com");
        fake.add_user(serde_json::json!({"email_address": [email], "created_at": at})).unwrap();
    }
    let client = fake.client();
    let every: HashSet<String> = all_ids(&client).await.into_iter().collect();
    assert_eq!(every.len(), 904);

    let walked = client
        .get_user_list()
        .paginate()
        .page_size(100)
        .concurrency(5)
        .known_created_range(oldest, newest)
        .collect_all()
        .await
        .unwrap();
    let walked: Vec<String> = walked.into_iter().map(|u| u.id).collect();
    assert_eq!(walked.len(), 904, "no duplicates");
    assert_eq!(walked.into_iter().collect::<HashSet<_>>(), every);

    // One cursor needs no range: a range given is ignored, not applied.
    let sequential = client
        .get_user_list()
        .paginate()
        .known_created_range(oldest + 1, oldest + 2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(sequential.len(), 904);
}
