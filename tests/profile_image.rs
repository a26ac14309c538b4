//! The hand-written multipart upload: the exact body on the wire, the shared hooks and errors.

mod support;

use httpmock::prelude::*;
use support::{WhenExt, client, fixture};

/// The first bytes of a PNG file: binary, not UTF-8.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe";

/// The multipart body reqwest must send for `PNG` named `avatar.png`, given its boundary.
fn expected_body(boundary: &str) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"avatar.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(PNG);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn uploads_one_file_part_and_decodes_the_user() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/users/user_2lmzq%2Fx/profile_image")
                .exact_query("")
                .clerk_headers()
                .is_true(|req: &HttpMockRequest| {
                    let headers = req.headers();
                    let Some(content_type) =
                        headers.get("content-type").and_then(|v| v.to_str().ok())
                    else {
                        return false;
                    };
                    let Some(boundary) =
                        content_type.strip_prefix("multipart/form-data; boundary=")
                    else {
                        return false;
                    };
                    !boundary.is_empty() && req.body_ref() == expected_body(boundary).as_slice()
                });
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;

    let result = client(&server)
        .set_user_profile_image()
        .user_id("user_2lmzq/x")
        .file(PNG.to_vec(), "avatar.png", "image/png")
        .send()
        .await;

    mock.assert_async().await;
    let user = result.unwrap();
    assert_eq!(user.status(), 200);
    assert_eq!(user.has_image, Some(true));
}

#[tokio::test]
async fn missing_or_invalid_arguments_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(fixture("user_full.json"));
        })
        .await;
    let client = client(&server);

    let no_file = client.set_user_profile_image().user_id("user_1").send().await.unwrap_err();
    let no_user = client
        .set_user_profile_image()
        .file(PNG.to_vec(), "a.png", "image/png")
        .send()
        .await
        .unwrap_err();
    let bad_type = client
        .set_user_profile_image()
        .user_id("user_1")
        .file(PNG.to_vec(), "a.png", "not a media type")
        .send()
        .await
        .unwrap_err();

    for (error, expected) in [
        (no_file, "invalid request: file was not initialized"),
        (no_user, "invalid request: user_id was not initialized"),
        (bad_type, "invalid request: invalid content type \"not a media type\""),
    ] {
        assert_eq!(error.to_string(), expected);
    }
    catch_all.assert_calls_async(0).await;
}

#[tokio::test]
async fn error_responses_decode_like_generated_calls() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/users/user_1/profile_image");
            then.status(413)
                .json_body(support::clerk_error("image_too_large", "image is too large"));
        })
        .await;

    let error = client(&server)
        .set_user_profile_image()
        .user_id("user_1")
        .file(vec![0u8; 16], "big.jpg", "image/jpeg")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.codes(), ["image_too_large"]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(413));
}
