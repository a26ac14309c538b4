//! The request hooks every call goes through, generated or hand-written.
//!
//! progenitor calls `pre` with the built request, then `exec` to send it, then `post`. Here `pre`
//! settles the headers and refuses requests whose path a parameter bent to another endpoint, and
//! `exec` keeps the body of every error response so [`Error`](crate::Error) can decode it.

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::error::CapturedBody;
use crate::{Client, ClientState, path};

/// The most of an error body kept for the error; Clerk's are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor adds `api-version: <spec version>` to every request. Clerk reads its version
        // from `Clerk-API-Version` (a default header of the client), so the duplicate goes.
        request.headers_mut().remove("api-version");
        path::check(&self.inner().base_path, request.url().path(), info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        let status = response.status();
        if status.is_client_error() || status.is_server_error() {
            Ok(capture_error_body(response).await)
        } else {
            Ok(response)
        }
    }
}

/// Reads an error response's body (up to [`MAX_ERROR_BODY`]) and returns the response with the
/// body attached as a [`CapturedBody`] extension. A body cut off by the connection is kept as far
/// as it arrived, and marked truncated.
async fn capture_error_body(mut response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let mut body = BytesMut::new();
    let mut truncated = false;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_ERROR_BODY => {
                body.extend_from_slice(&chunk)
            }
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..MAX_ERROR_BODY - body.len()]);
                truncated = true;
                break;
            }
            Ok(None) => break,
            Err(_) => {
                truncated = true;
                break;
            }
        }
    }
    let body: Bytes = body.freeze();
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(CapturedBody { bytes: body, truncated });
    reqwest::Response::from(rebuilt)
}
