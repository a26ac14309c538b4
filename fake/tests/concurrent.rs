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
