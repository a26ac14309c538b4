//! The fault-injection knobs: which request a fault falls on, what each fault does, in which
//! order several act, and the request log that shows what a walk sent.

use std::time::{Duration, Instant};

use clerk_users::prelude::*;
use clerk_users::{Client, Error};
use clerk_users_fake::{FakeClerk, Fault, Reply};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde_json::{Value, json};

/// A client for `fake` that does not retry, so each call is one request.
fn once_only(fake: &FakeClerk) -> Client {
    Client::builder(fake.secret_key()).base_url(fake.url()).no_retries().build().unwrap()
}

/// The statuses of the requests so far.
fn statuses(fake: &FakeClerk) -> Vec<Option<u16>> {
    fake.requests().iter().map(|r| r.status).collect()
}

/// `GET <fake>/<path>` with the key: status, content type and body text.
async fn get(fake: &FakeClerk, path: &str) -> (u16, String, String) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", fake.url()))
        .bearer_auth(fake.secret_key())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map_or("", |v| v.to_str().unwrap());
    let content_type = content_type.to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn count(client: &Client) -> Result<i64, Error> {
    Ok(client.get_users_count().send().await?.total_count)
}

#[tokio::test]
async fn a_fault_falls_on_the_nth_request_counted_from_when_it_was_scheduled() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);
    count(&client).await.unwrap();

    fake.on_request(2, Fault::status(503));
    let results = [count(&client).await, count(&client).await, count(&client).await];

    assert!(results[0].is_ok() && results[2].is_ok());
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.codes(), ["service_unavailable"]);
    assert!(error.trace_id().unwrap().starts_with("trace_"));
    assert_eq!(statuses(&fake), [Some(200), Some(200), Some(503), Some(200)]);
}

#[tokio::test]
async fn an_injected_answer_comes_before_the_key_check_and_changes_nothing() {
    let fake = FakeClerk::start().await;
    fake.on_request(0, Fault::status(500)); // 0 is the next request, like 1
    let stranger = Client::builder("sk_test_wrong").base_url(fake.url()).no_retries().build();

    let error = stranger
        .unwrap()
        .create_user()
        .body_map(|b| b.email_address(vec!["a@example.com".to_owned()]))
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(error.codes(), ["internal_clerk_error"]);
    assert_eq!(fake.user_count(), 0);
}

#[tokio::test]
async fn on_route_counts_only_that_method_and_path() {
    let fake = FakeClerk::start().await;
    let client = once_only(&fake);
    let id = fake.add_user(json!({"email_address": ["a@example.com"]})).unwrap();
    let path = format!("/v1/users/{id}");

    fake.on_route(Method::GET, &path, 2, Fault::Respond(Reply::status(429).retry_after(7)));
    let first = client.get_user().user_id(&id).send().await;
    count(&client).await.unwrap();
    client.ban_user().user_id(&id).send().await.unwrap(); // POST .../ban: another path
    let second = client.get_user().user_id(&id).send().await;

    assert!(first.is_ok());
    let limited = second.unwrap_err();
    assert!(limited.is_rate_limited());
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(limited.codes(), ["too_many_requests"]);
    assert_eq!(statuses(&fake), [Some(200), Some(200), Some(200), Some(429)]);
}

#[tokio::test]
async fn a_reply_can_carry_any_body_and_headers() {
    let fake = FakeClerk::start().await;
    let html = "<html><h1>502 Bad Gateway</h1></html>";
    fake.on_request(1, Fault::Respond(Reply::status(502).body("text/html", html)));
    let custom = json!({"errors": [{"code": "x", "message": "y", "long_message": "z"}]});
    fake.on_request(
        2,
        Fault::Respond(
            Reply::status(409)
                .json(&custom)
                .header(HeaderName::from_static("x-custom"), HeaderValue::from_static("1")),
        ),
    );
    fake.on_request(3, Fault::Respond(Reply::status(422).error("form_param_missing", "no id")));
    fake.on_request(4, Fault::status(204));

    let gateway = get(&fake, "/users/count").await;
    let response =
        reqwest::Client::new().get(format!("{}/users/count", fake.url())).send().await.unwrap();
    let header = response.headers()["x-custom"].clone();
    let conflict: Value = response.json().await.unwrap();
    let (status, _, error) = get(&fake, "/users/count").await;
    let error: Value = serde_json::from_str(&error).unwrap();
    let empty = get(&fake, "/users/count").await;

    assert_eq!(gateway, (502, "text/html".to_owned(), html.to_owned()));
    assert_eq!((conflict, header), (custom, HeaderValue::from_static("1")));
    assert_eq!(status, 422);
    assert_eq!(error["errors"][0]["code"], "form_param_missing");
    assert_eq!(error["errors"][0]["long_message"], "no id");
    assert!(error["clerk_trace_id"].as_str().unwrap().starts_with("trace_"));
    assert_eq!((empty.0, empty.2.as_str()), (204, ""));
}

#[tokio::test]
async fn inserted_users_are_newest_and_a_cursor_walk_that_started_before_them_skips_them() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    fake.seed_users(10);
    fake.on_list_request(2, Fault::InsertUsers(3));
    fake.on_list_request(3, Fault::InsertUsers(3));
    let client = fake.client();

    let users = client.get_user_list().paginate().page_size(4).collect_all().await.unwrap();

    let walked: Vec<String> = users.into_iter().map(|u| u.id).collect();
    let expected: Vec<String> = (1..=10).rev().map(|n| format!("user_{n:06}")).collect();
    assert_eq!(walked, expected);
    assert_eq!(fake.user_count(), 16);
    assert_eq!(
        fake.user_ids()[..6],
        ["user_000016", "user_000015", "user_000014", "user_000013", "user_000012", "user_000011"]
    );
    assert_eq!(
        fake.list_queries(),
        ["limit=4", "limit=4&starting_after=user_000007", "limit=4&starting_after=user_000003"]
    );
}

#[tokio::test]
async fn inserted_users_push_the_rows_of_a_newest_updated_offset_walk_down() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    fake.seed_users(8);
    let by_update = |fake: &FakeClerk| {
        let client = fake.client();
        async move {
            let list = client.get_user_list().order_by("-updated_at").limit(500u64).send().await;
            list.unwrap().iter().map(|u| u.id.clone()).collect::<Vec<_>>()
        }
    };
    let before = by_update(&fake).await;
    fake.on_list_request(1, Fault::InsertUsers(2));

    let after = by_update(&fake).await;

    assert_eq!(after[..2], ["user_000010", "user_000009"]);
    assert_eq!(after[2..], before[..]);
}

#[tokio::test]
async fn repeat_last_page_answers_the_previous_body_of_that_path_whatever_the_query() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    let ids = fake.seed_users(6);
    fake.add_membership(&ids[0], "Acme", "org:admin").unwrap();
    fake.add_membership(&ids[0], "Globex", "org:member").unwrap();
    fake.on_list_request(1, Fault::RepeatLastPage); // nothing answered yet: answered as usual
    fake.on_list_request(3, Fault::RepeatLastPage);
    let memberships = format!("/v1/users/{}/organization_memberships", ids[0]);
    fake.on_route(Method::GET, &memberships, 2, Fault::RepeatLastPage);
    fake.on_request(1, Fault::RepeatLastPage); // not a list request: no effect

    let first = get(&fake, "/users?limit=2").await;
    let second = get(&fake, "/users?limit=2&starting_after=user_000005").await;
    let repeated = get(&fake, "/users?limit=2&starting_after=user_000003").await;
    let members = get(&fake, &format!("/users/{}/organization_memberships?limit=1", ids[0])).await;
    let members_again =
        get(&fake, &format!("/users/{}/organization_memberships?limit=1&offset=1", ids[0])).await;

    let page_ids = |body: &str| -> Vec<String> {
        let page: Vec<Value> = serde_json::from_str(body).unwrap();
        page.iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(page_ids(&first.2), ["user_000006", "user_000005"]);
    assert_eq!(page_ids(&second.2), ["user_000004", "user_000003"]);
    assert_eq!(repeated, second);
    assert_eq!(members_again, members);
    assert!(members.2.contains("Globex") && !members.2.contains("Acme"));
}

#[tokio::test]
async fn a_stall_holds_the_request_then_answers_it_and_the_log_shows_it_held() {
    let fake = FakeClerk::start().await;
    fake.on_request(1, Fault::Stall(Duration::from_millis(400)));
    let client = fake.client();

    let started = Instant::now();
    let call = tokio::spawn(async move { count(&client).await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let held = fake.requests();
    let answer = call.await.unwrap();

    assert_eq!(answer.unwrap(), 0);
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].path.as_str(), held[0].status), ("/v1/users/count", None));
    assert_eq!(statuses(&fake), [Some(200)]);
}

#[tokio::test]
async fn a_hang_outlasts_the_client_timeout_and_ends_when_the_fake_is_dropped() {
    let fake = FakeClerk::start().await;
    fake.on_request(1, Fault::Hang);
    let client = Client::builder(fake.secret_key())
        .base_url(fake.url())
        .timeout(Duration::from_millis(300))
        .no_retries()
        .build()
        .unwrap();

    let started = Instant::now();
    let error = count(&client).await.unwrap_err();
    let waited = started.elapsed();
    let after = count(&client).await;
    let log = statuses(&fake);
    let raw = tokio::spawn({
        let url = format!("{}/users/count", fake.url());
        let key = fake.secret_key().to_owned();
        fake.on_request(1, Fault::Hang);
        async move { reqwest::Client::new().get(url).bearer_auth(key).send().await }
    });
    // Dropped once the fake holds the request (a request still connecting would be refused).
    while fake.requests().len() < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(fake);
    let stopped = tokio::time::timeout(Duration::from_secs(5), raw).await;

    assert!(error.is_timeout(), "{error:?}");
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(after.unwrap(), 0, "the next request is answered");
    assert_eq!(log, [None, Some(200)], "the hung request is logged, never answered");
    let response = stopped.expect("a dropped fake answers held requests").unwrap();
    let response = response.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn faults_on_one_request_act_in_scheduling_order() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    fake.on_list_request(1, Fault::Stall(Duration::from_millis(200)));
    fake.on_list_request(1, Fault::InsertUsers(2));
    fake.on_list_request(1, Fault::status(503));
    fake.on_list_request(1, Fault::InsertUsers(5)); // after the answer was decided: never acts

    let started = Instant::now();
    let (status, _, _) = get(&fake, "/users").await;

    assert_eq!(status, 503);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(fake.user_ids(), ["user_000002", "user_000001"]);
}

#[tokio::test]
async fn cleared_faults_do_not_act() {
    let fake = FakeClerk::start().await;
    fake.on_request(1, Fault::status(503));
    fake.on_list_request(1, Fault::InsertUsers(4));
    fake.clear_faults();

    assert_eq!(get(&fake, "/users").await.0, 200);
    assert_eq!(fake.user_count(), 0);
}

#[tokio::test]
async fn list_queries_show_the_exact_offsets_and_cursors_of_a_walk() {
    let fake = FakeClerk::builder().sequential_ids().start().await;
    fake.seed_users(5);
    let client = fake.client();

    client
        .get_user_list()
        .order_by("+email_address")
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    client.get_users_count().banned(true).send().await.unwrap();
    client
        .get_user_list()
        .order_by("+created_at")
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(
        fake.list_queries(),
        [
            "limit=2&offset=0&order_by=%2Bemail_address",
            "limit=2&offset=2&order_by=%2Bemail_address",
            "limit=2&offset=4&order_by=%2Bemail_address",
            "limit=2&order_by=%2Bcreated_at",
            "limit=2&order_by=%2Bcreated_at&starting_after=user_000002",
            "limit=2&order_by=%2Bcreated_at&starting_after=user_000004",
        ]
    );
    let count = &fake.requests()[3];
    assert_eq!((count.path.as_str(), count.query.as_str()), ("/v1/users/count", "banned=true"));
}

#[tokio::test]
async fn the_request_log_keeps_only_its_capacity() {
    let fake = FakeClerk::builder().request_log(3).start().await;
    let client = fake.client();
    for limit in 1..=5_u64 {
        let limit = std::num::NonZeroU64::new(limit).unwrap();
        client.get_user_list().limit(limit).send().await.unwrap();
    }

    // The oldest are forgotten; a long run does not grow the log without bound.
    assert_eq!(fake.list_queries(), ["limit=3", "limit=4", "limit=5"]);
    assert_eq!(fake.requests().len(), 3);
    assert!(fake.requests().iter().all(|r| r.status == Some(200)));
}
