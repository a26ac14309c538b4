//! Path parameters: `""`, `"."`, `".."` and ids equal to another route's segment are refused
//! before anything is sent; everything else is percent-encoded as one path segment.

mod support;

use clerk_users::Error;
use httpmock::prelude::*;
use support::client;

/// The error a call produced, or `None` if it succeeded.
fn error<T>(result: Result<T, Error>) -> Error {
    result.err().expect("the call must fail")
}

#[tokio::test]
async fn dot_and_empty_path_parameters_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    // Answers anything, so a request that slipped through would succeed and be counted.
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(serde_json::json!([]));
        })
        .await;
    let client = client(&server);

    for bad in ["", ".", ".."] {
        let token = |provider: &str| {
            client.get_o_auth_access_token().user_id("user_1").provider(provider.to_owned())
        };
        let image =
            client.set_user_profile_image().user_id(bad).file(vec![1u8], "a.png", "image/png");
        let errors = [
            ("get_user", "user_id must not be", error(client.get_user().user_id(bad).send().await)),
            (
                "delete_user",
                "user_id must not be",
                error(client.delete_user().user_id(bad).send().await),
            ),
            ("ban_user", "user_id must not be", error(client.ban_user().user_id(bad).send().await)),
            ("set_user_profile_image", "user_id must not be", error(image.send().await)),
            // `..` removes the provider segment and the one before it: the shape no longer says
            // which parameter it was.
            (
                "get_o_auth_access_token",
                if bad == ".." {
                    "none of user_id, provider may be"
                } else {
                    "provider must not be"
                },
                error(token(bad).send().await),
            ),
        ];
        for (operation, subject, error) in errors {
            let Error::InvalidRequest(message) = &error else {
                panic!("{operation}({bad:?}): {error:?}")
            };
            assert_eq!(
                message,
                &format!(
                    "invalid path parameter for {operation}: {subject} empty, \".\" or \"..\" (the \
                     request would address another endpoint)"
                ),
                "{bad:?}"
            );
        }
    }

    catch_all.assert_calls_async(0).await;
}

#[tokio::test]
async fn dot_and_empty_second_path_parameters_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(serde_json::json!({"object": "passkey", "id": "x", "deleted": true}));
        })
        .await;
    let client = client(&server);

    for bad in ["", ".", ".."] {
        let errors = [
            (
                "delete_external_account",
                "external_account_id",
                error(
                    client
                        .delete_external_account()
                        .user_id("user_1")
                        .external_account_id(bad)
                        .send()
                        .await,
                ),
            ),
            (
                "user_passkey_delete",
                "passkey_identification_id",
                error(
                    client
                        .user_passkey_delete()
                        .user_id("user_1")
                        .passkey_identification_id(bad)
                        .send()
                        .await,
                ),
            ),
            (
                "user_web3_wallet_delete",
                "web3_wallet_identification_id",
                error(
                    client
                        .user_web3_wallet_delete()
                        .user_id("user_1")
                        .web3_wallet_identification_id(bad)
                        .send()
                        .await,
                ),
            ),
            (
                "revoke_user_trusted_device",
                "trusted_device_id",
                error(
                    client
                        .revoke_user_trusted_device()
                        .user_id("user_1")
                        .trusted_device_id(bad)
                        .send()
                        .await,
                ),
            ),
        ];
        for (operation, second, error) in errors {
            let Error::InvalidRequest(message) = &error else {
                panic!("{operation}({bad:?}): {error:?}")
            };
            // `..` removes the second id's segment and the one before it: the shape no longer
            // says which parameter it was.
            let subject = if bad == ".." {
                format!("none of user_id, {second} may be")
            } else {
                format!("{second} must not be")
            };
            assert_eq!(
                message,
                &format!(
                    "invalid path parameter for {operation}: {subject} empty, \".\" or \"..\" (the \
                     request would address another endpoint)"
                ),
                "{operation}({bad:?})"
            );
        }
    }

    catch_all.assert_calls_async(0).await;
}

#[tokio::test]
async fn ids_equal_to_another_routes_segment_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(serde_json::json!({"object": "total_count", "total_count": 1}));
        })
        .await;
    let client = client(&server);

    // `GET /users/count` is the user count, and `DELETE /users/count` is not a user either.
    for error in [
        error(client.get_user().user_id("count").send().await),
        error(client.delete_user().user_id("count").send().await),
    ] {
        let Error::InvalidRequest(message) = &error else { panic!("{error:?}") };
        assert!(
            message.ends_with(
                r#"user_id "count" would make the request address /users/count instead"#
            ),
            "{message}"
        );
    }
    // `/users/ban` and `/users/unban` are the bulk ban and unban, whatever the method.
    for (operation, id, error) in [
        ("get_user", "ban", error(client.get_user().user_id("ban").send().await)),
        ("delete_user", "unban", error(client.delete_user().user_id("unban").send().await)),
        ("update_user", "ban", error(client.update_user().user_id("ban").send().await)),
    ] {
        let Error::InvalidRequest(message) = &error else { panic!("{operation}: {error:?}") };
        assert_eq!(
            message,
            &format!(
                "invalid path parameter for {operation}: user_id \"{id}\" would make the request \
                 address /users/{id} instead"
            )
        );
    }
    catch_all.assert_calls_async(0).await;
}

#[tokio::test]
async fn other_values_are_encoded_as_one_segment() {
    let cases = [
        ("a/b", "/v1/users/a%2Fb"),
        ("a\\b", "/v1/users/a%5Cb"),
        ("what?", "/v1/users/what%3F"),
        ("#1", "/v1/users/%231"),
        ("100%", "/v1/users/100%25"),
        ("%2e%2e", "/v1/users/%252e%252e"),
        ("zoë 李", "/v1/users/zo%C3%AB%20%E6%9D%8E"),
        ("...", "/v1/users/..."),
        (".hidden", "/v1/users/.hidden"),
    ];
    for (user_id, expected_path) in cases {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let expected_path = expected_path.to_owned();
                when.method(DELETE)
                    .is_true(move |req: &HttpMockRequest| req.uri().path() == expected_path);
                then.status(200).json_body(serde_json::json!({"object": "user", "deleted": true}));
            })
            .await;

        let result = client(&server).delete_user().user_id(user_id).send().await;

        mock.assert_async().await;
        assert_eq!(result.unwrap().deleted, Some(true), "{user_id:?}");
    }
}
