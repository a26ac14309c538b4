//! The membership, invitation and OAuth token lists walked page by page, with the exact requests on the wire
//! (httpmock). Walks of the user list, which need a server with state, are in
//! `fake/tests/walks.rs` and `fake/tests/concurrent.rs`.

mod support;

use clerk_users::pagination::Page;
use clerk_users::prelude::*;
use clerk_users::types;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use support::{WhenExt, client, fixture};

// ===== organization invitations =====

/// An invitation as Clerk 2026-05-12 sends it; odd ones are sparse, as older invitations are
/// (no `role_name`, no inviter).
fn invitation(n: usize) -> serde_json::Value {
    let mut invitation = json!({
        "object": "organization_invitation", "id": format!("orginv_{n}"),
        "email_address": format!("ada{n}@example.com"), "role": "org:member",
        "organization_id": "org_1", "status": "pending", "public_metadata": {},
        "private_metadata": {}, "url": null, "expires_at": 1_760_000_000_000_i64,
        "created_at": 1_750_000_000_000_i64 + n as i64, "updated_at": 1_750_000_000_000_i64,
        "inviter_id": null, "public_inviter_data": null,
        "public_organization_data": {"id": "org_1", "name": "Acme", "slug": "acme", "has_image": false}
    });
    if n.is_multiple_of(2) {
        invitation["role_name"] = json!("Member");
        invitation["inviter_id"] = json!("user_9");
        invitation["public_inviter_data"] = json!({"user_id": "user_9", "first_name": "Grace",
            "last_name": null, "image_url": "https://img.clerk.com/x", "has_image": true,
            "identifier": "grace@example.com"});
    }
    invitation
}

#[tokio::test]
async fn invitations_paginate_by_offset_keeping_the_status_filter() {
    let server = MockServer::start_async().await;
    let path = "/v1/users/user_1/organization_invitations";
    let mut mocks = Vec::new();
    for (offset, numbers) in [(0, vec![1, 2]), (2, vec![3])] {
        let data: Vec<_> = numbers.into_iter().map(invitation).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(path)
                        .exact_query(&format!("limit=2&offset={offset}&status=pending"))
                        .clerk_headers();
                    then.status(200).json_body(json!({"data": data, "total_count": 3}));
                })
                .await,
        );
    }

    let invitations = client(&server)
        .users_get_organization_invitations()
        .user_id("user_1")
        .status(types::UsersGetOrganizationInvitationsStatus::Pending)
        .paginate()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();

    for mock in mocks {
        mock.assert_async().await;
    }
    let ids: Vec<&str> = invitations.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["orginv_1", "orginv_2", "orginv_3"]);
    // The sparse one decodes, with what it lacks as None.
    assert_eq!(invitations[0].role_name, None);
    assert_eq!(invitations[0].public_inviter_data, None);
    assert_eq!(invitations[1].role_name.as_deref(), Some("Member"));
    let inviter = invitations[1].public_inviter_data.as_ref().unwrap();
    assert_eq!(inviter.first_name.as_deref(), Some("Grace"));
    assert_eq!(inviter.last_name, None);
    let org = invitations[2].public_organization_data.as_ref().unwrap();
    assert_eq!(org.slug.as_deref(), Some("acme"));
}

#[tokio::test]
async fn an_invitation_that_does_not_decode_is_set_apart_and_the_total_is_read() {
    let server = MockServer::start_async().await;
    let path = "/v1/users/user_1/organization_invitations";
    let mut broken = invitation(2);
    broken["created_at"] = json!("yesterday");
    let page = server
        .mock_async(|when, then| {
            when.method(GET).path(path).query_param("offset", "0");
            then.status(200).json_body(json!({"data": [invitation(1), broken], "total_count": 2}));
        })
        .await;

    let client = client(&server);
    let paginator = client.users_get_organization_invitations().user_id("user_1").paginate();
    let pages: Vec<Page<types::OrganizationInvitationWithPublicOrganizationData>> =
        paginator.page_size(10).pages().try_collect().await.unwrap();
    let total = client
        .users_get_organization_invitations()
        .user_id("user_1")
        .paginate()
        .total_count()
        .await
        .unwrap();

    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items.len(), 1);
    assert_eq!(pages[0].items[0].id, "orginv_1");
    assert_eq!(pages[0].undecodable.len(), 1);
    assert_eq!(pages[0].undecodable[0].id(), Some("orginv_2"));
    assert_eq!(total, 2);
    page.assert_calls_async(2).await;
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
