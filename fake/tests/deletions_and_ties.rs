//! Walks stay exact where Clerk's docs are silent, in every way the fake can answer: a cursor
//! whose user was deleted (refused with 422, or an empty page), `created_at` bounds that include
//! their boundary or not, and any order among users created in the same millisecond. Sequential
//! walks in both directions and concurrent walks; every user exactly once.

use std::collections::HashSet;

use clerk_users::pagination::Paginator;
use clerk_users::prelude::*;
use clerk_users::{Client, ResumeToken, types};
use clerk_users_fake::{FakeClerk, TieOrder, TimeBounds, VanishedCursor};
use futures::TryStreamExt;
use serde_json::json;

const ANSWERS: [VanishedCursor; 2] = [VanishedCursor::Error, VanishedCursor::EmptyPage];
const BOUNDS: [TimeBounds; 2] = [TimeBounds::Exclusive, TimeBounds::Inclusive];
const TIES: [TieOrder; 3] = [TieOrder::Id, TieOrder::IdDescending, TieOrder::Insertion];

/// The ways a walk can go: newest first (Clerk's default), oldest first, and four windows.
#[derive(Debug, Clone, Copy)]
enum Way {
    NewestFirst,
    OldestFirst,
    Concurrent,
}

const WAYS: [Way; 3] = [Way::NewestFirst, Way::OldestFirst, Way::Concurrent];

fn walk(client: &Client, way: Way) -> Paginator<types::User> {
    let list = client.get_user_list();
    match way {
        Way::NewestFirst => list.paginate(),
        Way::OldestFirst => list.order_by("+created_at").paginate(),
        Way::Concurrent => list.paginate().concurrency(4),
    }
}

/// An RFC 3339 time `ms` milliseconds after 2024-03-01T12:00:00Z (under a minute).
fn time(ms: u32) -> String {
    format!("2024-03-01T12:00:{:02}.{:03}Z", ms / 1000, ms % 1000)
}

/// `count` users created in the same millisecond, `ms`, with the external ids `prefix-0`, ….
fn add_tied(fake: &FakeClerk, prefix: &str, count: usize, ms: u32) -> Vec<String> {
    (0..count)
        .map(|n| {
            let body = json!({"external_id": format!("{prefix}-{n}"), "created_at": time(ms)});
            fake.add_user(body).unwrap()
        })
        .collect()
}

/// 1,200 users in one millisecond, and one user in every millisecond of the 200 around it, so
/// whatever windows a concurrent walk cuts, users sit on their boundaries.
fn seed_ties_and_boundaries(fake: &FakeClerk) -> HashSet<String> {
    let mut ids = add_tied(fake, "tied", 1_200, 100);
    for ms in 0..200 {
        ids.extend(add_tied(fake, &format!("edge{ms}"), 1, ms));
    }
    ids.into_iter().collect()
}

/// Walks and deletes every user of a page before asking for the next one (as a
/// cleanup job would); returns the ids yielded, in order.
async fn walk_deleting(fake: &FakeClerk, paginator: Paginator<types::User>) -> Vec<String> {
    let mut pages = paginator.pages();
    let mut yielded = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        for user in &page.items {
            assert!(fake.remove_user(&user.id), "{} yielded twice or never existed", user.id);
            yielded.push(user.id.clone());
        }
    }
    yielded
}

fn assert_each_once(yielded: &[String], expected: &HashSet<String>, context: &str) {
    let unique: HashSet<&String> = yielded.iter().collect();
    assert_eq!(unique.len(), yielded.len(), "{context}: a user was yielded twice");
    assert_eq!(unique, expected.iter().collect(), "{context}: every user");
}

#[tokio::test]
async fn deleting_every_yielded_user_does_not_end_the_walk() {
    for answer in ANSWERS {
        for way in WAYS {
            let fake = FakeClerk::builder().vanished_cursor(answer).start().await;
            let seeded: HashSet<String> = fake.seed_users(1_200).into_iter().collect();

            let yielded = walk_deleting(&fake, walk(&fake.client(), way).page_size(100)).await;

            assert_each_once(&yielded, &seeded, &format!("{answer:?}, {way:?}"));
            assert_eq!(fake.user_count(), 0);
        }
    }
}

#[tokio::test]
async fn deleting_users_created_in_one_millisecond_does_not_end_the_walk() {
    for answer in ANSWERS {
        for ties in TIES {
            for way in WAYS {
                let fake =
                    FakeClerk::builder().vanished_cursor(answer).tie_order(ties).start().await;
                let seeded: HashSet<String> =
                    add_tied(&fake, "tied", 1_200, 7).into_iter().collect();

                let yielded = walk_deleting(&fake, walk(&fake.client(), way).page_size(100)).await;

                assert_each_once(&yielded, &seeded, &format!("{answer:?}, {ties:?}, {way:?}"));
            }
        }
    }
}

#[tokio::test]
async fn a_resume_token_whose_cursor_user_is_gone_still_resumes() {
    for answer in ANSWERS {
        for way in WAYS {
            let fake = FakeClerk::builder().vanished_cursor(answer).start().await;
            let seeded: HashSet<String> = fake.seed_users(1_200).into_iter().collect();
            let client = fake.client();

            // Three pages, then the job stops, keeping its token; the users it saw are deleted.
            let mut pages = walk(&client, way).page_size(100).pages();
            let mut first = Vec::new();
            let mut token: Option<ResumeToken> = None;
            for _ in 0..3 {
                let page = pages.try_next().await.unwrap().unwrap();
                first.extend(page.items.iter().map(|user| user.id.clone()));
                token = Some(page.resume);
            }
            drop(pages);
            for id in &first {
                assert!(fake.remove_user(id));
            }
            // Through JSON, as a job saving its place would.
            let saved = serde_json::to_string(&token.unwrap()).unwrap();
            let token: ResumeToken = serde_json::from_str(&saved).unwrap();

            let rest = walk(&client, way).page_size(100).resume(token).collect_all().await;

            let rest: Vec<String> = rest.unwrap().into_iter().map(|user| user.id).collect();
            let all: Vec<String> = first.into_iter().chain(rest).collect();
            assert_each_once(&all, &seeded, &format!("{answer:?}, {way:?}"));
        }
    }
}

#[tokio::test]
async fn a_refused_cursor_restarts_from_its_millisecond_on_the_wire() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    for ms in [10, 20, 30, 40, 50] {
        add_tied(&fake, &format!("at{ms}"), 1, ms);
    }
    let client = fake.client();

    let yielded = walk_deleting(&fake, client.get_user_list().paginate().page_size(2)).await;

    assert_eq!(
        yielded,
        ["user_000005", "user_000004", "user_000003", "user_000002", "user_000001"]
    );
    // 2024-03-01T12:00:00.040Z is 1709294400040 ms.
    assert_eq!(
        fake.list_queries(),
        [
            "limit=2",
            "limit=2&starting_after=user_000004",
            "created_at_before=1709294400041&limit=2&order_by=-created_at",
            "limit=2&starting_after=user_000002",
            "created_at_before=1709294400021&limit=2&order_by=-created_at",
        ]
    );
}

/// A fake seeded by [`seed_ties_and_boundaries`] for each way of answering bounds and ties, with
/// the mode for messages and the ids seeded.
async fn crowded_fakes() -> Vec<(String, FakeClerk, HashSet<String>)> {
    let mut fakes = Vec::new();
    for bounds in BOUNDS {
        for ties in TIES {
            let fake = FakeClerk::builder().time_bounds(bounds).tie_order(ties).start().await;
            let seeded = seed_ties_and_boundaries(&fake);
            fakes.push((format!("{bounds:?}, {ties:?}"), fake, seeded));
        }
    }
    fakes
}

#[tokio::test]
async fn every_user_once_whatever_the_bounds_and_tie_order() {
    for (mode, fake, seeded) in crowded_fakes().await {
        let client = fake.client();
        for way in WAYS {
            let users = walk(&client, way).page_size(100).collect_all().await.unwrap();

            let ids: Vec<String> = users.into_iter().map(|user| user.id).collect();
            assert_each_once(&ids, &seeded, &format!("{mode}, {way:?}"));
        }
    }
}

#[tokio::test]
async fn a_walk_resumed_inside_a_crowded_millisecond_goes_on_where_it_stopped() {
    for (mode, fake, seeded) in crowded_fakes().await {
        let client = fake.client();
        for way in WAYS {
            // Stop after 700 users, in the middle of the 1,200 of one millisecond whichever way
            // the walk goes, and resume.
            let mut pages = walk(&client, way).page_size(100).max_items(700).pages();
            let mut ids = Vec::new();
            let mut token = None;
            while let Some(page) = pages.try_next().await.unwrap() {
                ids.extend(page.items.into_iter().map(|user| user.id));
                token = Some(page.resume);
            }
            let rest = walk(&client, way).page_size(100).resume(token.unwrap());
            ids.extend(rest.collect_all().await.unwrap().into_iter().map(|user| user.id));

            assert_each_once(&ids, &seeded, &format!("{mode}, {way:?}"));
        }
    }
}

#[tokio::test]
async fn the_fake_answers_each_way_it_is_told() {
    // The knobs themselves, seen through plain requests.
    for (bounds, expected) in [(TimeBounds::Exclusive, 1), (TimeBounds::Inclusive, 3)] {
        let fake = FakeClerk::builder().time_bounds(bounds).start().await;
        for ms in [10, 11, 12] {
            add_tied(&fake, &format!("at{ms}"), 1, ms);
        }
        let count = fake
            .client()
            .get_users_count()
            .created_at_after(1_709_294_400_010_i64)
            .created_at_before(1_709_294_400_012_i64)
            .send()
            .await
            .unwrap();
        assert_eq!(count.total_count, expected, "{bounds:?}");
    }

    let order = |ties: TieOrder| async move {
        let fake = FakeClerk::builder().tie_order(ties).start().await;
        let ids = add_tied(&fake, "same", 3, 5);
        let users = fake.client().get_user_list().order_by("+created_at").send().await.unwrap();
        let walked: Vec<String> = users.iter().map(|user| user.id.clone()).collect();
        (ids, walked)
    };
    let (inserted, by_insertion) = order(TieOrder::Insertion).await;
    assert_eq!(by_insertion, inserted);
    let (_, by_id) = order(TieOrder::Id).await;
    assert!(by_id.is_sorted());
    let (_, by_id_descending) = order(TieOrder::IdDescending).await;
    assert!(by_id_descending.iter().rev().is_sorted());

    for (answer, empty) in [(VanishedCursor::Error, false), (VanishedCursor::EmptyPage, true)] {
        let fake = FakeClerk::builder().vanished_cursor(answer).start().await;
        let ids = fake.seed_users(2);
        assert!(fake.remove_user(&ids[1]));
        let page = fake.client().get_user_list().starting_after(&ids[1]).send().await;
        match empty {
            true => assert!(page.unwrap().is_empty()),
            false => {
                let error = page.unwrap_err();
                assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
                assert_eq!(error.codes(), ["form_param_value_invalid"]);
            }
        }
    }
}
