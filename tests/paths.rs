//! Path parameters: `""`, `"."` and `".."` are refused before anything is sent; everything else
//! is percent-encoded as one path segment.

mod support;

use clerk_users::Error;
use httpmock::prelude::*;
use support::client;

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
        let results = [
            (
                "get_user",
                "user_id",
                client
                    .get_user()
                    .user_id(bad)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from),
            ),
            (
                "delete_user",
                "user_id",
                client
                    .delete_user()
                    .user_id(bad)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from),
            ),
            (
                "ban_user",
                "user_id",
                client
                    .ban_user()
                    .user_id(bad)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from),
            ),
            (
                "get_o_auth_access_token",
                "provider",
                client
                    .get_o_auth_access_token()
                    .user_id("user_1")
                    .provider(bad)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from),
            ),
            (
                "set_user_profile_image",
                "user_id",
                client
                    .set_user_profile_image()
                    .user_id(bad)
                    .file(vec![1u8], "a.png", "image/png")
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from),
            ),
        ];
        for (operation, parameter, result) in results {
            let error = result.unwrap_err();
            let Error::InvalidRequest(message) = &error else {
                panic!("{operation}({bad:?}): {error:?}")
            };
            assert!(message.contains(operation), "{message}");
            assert!(message.contains(parameter), "{message}");
            assert!(message.contains(r#"empty, "." or "..""#), "{message}");
        }
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
                then.status(200)
                    .json_body(serde_json::json!({"object": "user", "deleted": true}));
            })
            .await;

        let result = client(&server).delete_user().user_id(user_id).send().await;

        mock.assert_async().await;
        assert!(result.unwrap().deleted, "{user_id:?}");
    }
}
