//! How the client decodes bodies (`src/decode.rs`, `src/short_arrays.rs`,
//! `src/pagination/raw_user/head.rs`), with the exact requests on the wire (httpmock): text beyond
//! ASCII and escapes decode as serde_json decodes them, a body that is not UTF-8 fails with its
//! position, a user's one-element arrays hold no spare room, and a raw walk reads each user's id
//! and `created_at` however the JSON spells them, keeping the text byte for byte.

mod support;

use clerk_users::pagination::RawUser;
use clerk_users::prelude::*;
use futures::StreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use support::{WhenExt, client, fixture};

fn user(id: &str, first_name: &str, created_at: i64) -> Value {
    let mut user = fixture("user_full.json");
    user["id"] = json!(id);
    user["first_name"] = json!(first_name);
    user["created_at"] = json!(created_at);
    user
}

#[tokio::test]
async fn a_page_with_text_beyond_ascii_decodes_as_serde_json_decodes_it() {
    let server = MockServer::start_async().await;
    let users =
        [user("user_1", "Zoë", 3), user("user_2", "李小龍", 2), user("user_3", "🦀 \"Ferris\"", 1)];
    // Escapes written by hand: serde_json would not write `\u00e9` itself.
    let escaped = r#""Zo\u00eb \u00e9\t\\""#;
    let body = serde_json::to_string(&users).unwrap().replacen(r#""Zoë""#, escaped, 1);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users").clerk_headers().exact_query("limit=3");
            then.status(200).header("content-type", "application/json").body(&body);
        })
        .await;

    let page = client(&server).get_user_list().limit(3).send().await.unwrap();

    mock.assert_async().await;
    let names: Vec<_> = page.iter().map(|u| u.first_name.as_deref().unwrap()).collect();
    assert_eq!(names, ["Zoë é\t\\", "李小龍", "🦀 \"Ferris\""]);
    let expected: Vec<clerk_users::types::User> = serde_json::from_slice(body.as_bytes()).unwrap();
    assert_eq!(page.into_inner(), expected);
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error_that_says_where() {
    let server = MockServer::start_async().await;
    // Not UTF-8 in a value the type reads (in one it skips, serde_json never looks).
    let mut body = br#"{"total_count": 3, "object": "total_coun"#.to_vec();
    body.extend_from_slice(b"\xe9\"}");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/count").clerk_headers();
            then.status(200).header("content-type", "application/json").body(&body);
        })
        .await;

    let error = client(&server).get_users_count().send().await.unwrap_err();

    mock.assert_async().await;
    assert!(matches!(error, clerk_users::Error::Decode(_)), "{error:?}");
    let position = serde_json::from_slice::<Value>(&body).unwrap_err();
    assert_eq!((position.line(), position.column()), (1, 41));
    assert_eq!(
        error.to_string(),
        "GET /v1/users/count: error decoding clerk's response body (43 bytes; Syntax error at \
         line 1, column 41)"
    );
}

#[tokio::test]
async fn a_users_arrays_hold_what_was_sent_and_one_element_arrays_no_spare_room() {
    let server = MockServer::start_async().await;
    let sent = fixture("user_full.json");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users/user_full").clerk_headers();
            then.status(200).header("content-type", "application/json").json_body(sent.clone());
        })
        .await;

    let user = client(&server).get_user().user_id("user_full").send().await.unwrap().into_inner();

    mock.assert_async().await;
    assert_eq!(serde_json::to_value(&user).unwrap(), sent, "written back as it came");
    let emails: Vec<_> = user.email_addresses.iter().map(|e| e.email_address.as_deref()).collect();
    assert_eq!(emails, [Some("ada@example.com"), Some("ada@analytical.example")]);
    // (length, capacity): one element, one element of room; two grow as a `Vec` grows.
    let room = |len: usize, capacity: usize| (len, capacity);
    assert_eq!(room(user.phone_numbers.len(), user.phone_numbers.capacity()), (1, 1));
    assert_eq!(room(user.external_accounts.len(), user.external_accounts.capacity()), (1, 1));
    assert_eq!(room(user.web3_wallets.len(), user.web3_wallets.capacity()), (1, 1));
    assert_eq!(room(user.passkeys.len(), user.passkeys.capacity()), (1, 1));
    assert_eq!(room(user.saml_accounts.len(), user.saml_accounts.capacity()), (1, 1));
    assert_eq!(room(user.enterprise_accounts.len(), user.enterprise_accounts.capacity()), (1, 1));
    let memberships = &user.organization_memberships;
    assert_eq!(room(memberships.len(), memberships.capacity()), (0, 0));
    assert_eq!(room(user.email_addresses.len(), user.email_addresses.capacity()), (2, 4));
}

#[tokio::test]
async fn a_raw_walk_reads_ids_and_times_however_they_are_written() {
    let server = MockServer::start_async().await;
    let plain = serde_json::to_string(&user("user_1", "Ada", 30)).unwrap();
    // Its id escaped, its time first and spaced out, and a nested `id` and `created_at` before
    // the top-level ones: each must still be read from the top level.
    let escaped = r#"{ "created_at" :
        20, "email_addresses": [{"id": "idn_9", "created_at": 99, "note": "} ] \" {"}],
        "id": "user_\u0032", "object": "user"}"#;
    let body = format!("[{plain}, {escaped}]");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/users").clerk_headers().exact_query("limit=3");
            then.status(200).header("content-type", "application/json").body(&body);
        })
        .await;

    let users: Vec<RawUser> = client(&server)
        .get_user_list()
        .paginate()
        .page_size(3)
        .raw()
        .items()
        .map(|item| item.unwrap())
        .collect()
        .await;

    mock.assert_async().await;
    let heads: Vec<_> = users.iter().map(|u| (u.id(), u.created_at())).collect();
    assert_eq!(heads, [("user_1", 30), ("user_2", 20)]);
    assert_eq!(users[0].json(), plain);
    assert_eq!(users[1].json(), escaped);
}
