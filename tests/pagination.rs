//! The membership and OAuth token lists walked page by page, with the exact requests on the wire
//! (httpmock). Walks of the user list, which need a server with state, are in
//! `fake/tests/walks.rs` and `fake/tests/concurrent.rs`.

mod support;

use clerk_users::pagination::Page;
use clerk_users::prelude::*;
use clerk_users::types;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use support::{client, fixture};

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
    assert_eq!(
        error.to_string(),
        "listing did not start: invalid request: user_id was not initialized"
    );
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

#[tokio::test]
async fn an_offset_that_would_pass_u64_max_is_an_error_not_a_panic() {
    let server = MockServer::start_async().await;
    // A server that answers rows at any offset, as no real list does near u64::MAX.
    let user = fixture("user_full.json");
    let page = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users");
            then.status(200).json_body(json!([user.clone(), user]));
        })
        .await;

    let error = client(&server)
        .get_user_list()
        .order_by("+email_address")
        .offset(u64::MAX - 1)
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap_err();

    page.assert_calls_async(1).await;
    assert!(matches!(error.error(), Some(clerk_users::Error::InvalidRequest(_))), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "listing stopped after 0 items: invalid request: the walk cannot go on past offset \
             {} with 0 items yielded: the builder's offset or the resume token is out of range",
            u64::MAX - 1
        )
    );
}
