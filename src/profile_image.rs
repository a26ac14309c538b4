//! `set_user_profile_image`, written by hand because progenitor cannot generate
//! `multipart/form-data` request bodies (the code generator leaves the operation out of the
//! generated client).
//!
//! It has the shape of a generated call: a builder from a `Client` method, the same hooks, the same
//! path encoding, and the same return and error types.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
use reqwest::multipart::{Form, Part};

use crate::{Client, path::encode_path, types};

impl Client {
    /// Sets a user's profile image.
    ///
    /// Sends a `POST` request to `/users/{user_id}/profile_image` with a `multipart/form-data`
    /// body whose part `file` carries the image.
    ///
    /// ```no_run
    /// # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
    /// let png = std::fs::read("avatar.png").expect("readable file");
    /// let user = client
    ///     .set_user_profile_image()
    ///     .user_id("user_2abc")
    ///     .file(png, "avatar.png", "image/png")
    ///     .send()
    ///     .await?;
    /// println!("{}", user.image_url.as_deref().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub fn set_user_profile_image(&self) -> SetUserProfileImage<'_> {
        SetUserProfileImage::new(self)
    }
}

/// Builder for [`Client::set_user_profile_image`].
#[derive(Debug, Clone)]
#[must_use = "a request builder does nothing until `send` is called"]
pub struct SetUserProfileImage<'a> {
    client: &'a Client,
    user_id: Result<String, String>,
    file: Result<ImageFile, String>,
}

/// The uploaded file: its bytes, name and media type.
#[derive(Clone)]
struct ImageFile {
    bytes: Bytes,
    file_name: String,
    content_type: String,
}

impl std::fmt::Debug for ImageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The length says enough; the bytes themselves would flood the output.
        f.debug_struct("ImageFile")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl<'a> SetUserProfileImage<'a> {
    /// Starts a request with no parameters set.
    pub fn new(client: &'a Client) -> Self {
        Self {
            client,
            user_id: Err("user_id was not initialized".to_owned()),
            file: Err("file was not initialized".to_owned()),
        }
    }

    /// Sets the id of the user whose image to set, from any text, as the generated setters take
    /// it.
    pub fn user_id(mut self, value: impl Into<String>) -> Self {
        self.user_id = Ok(value.into());
        self
    }

    /// Sets the image: its bytes, a file name (such as `avatar.png`) and a media type (such as
    /// `image/png`).
    pub fn file(
        mut self,
        bytes: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        self.file = Ok(ImageFile {
            bytes: bytes.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
        });
        self
    }

    /// Sends a `POST` request to `/users/{user_id}/profile_image`.
    ///
    /// # Errors
    ///
    /// The same as a generated call's: [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// for an unset parameter, an invalid media type or a path parameter of `""`, `"."` or
    /// `".."` (nothing is sent), and otherwise whatever the request or Clerk's response produced.
    pub async fn send(self) -> crate::Result<crate::Response<types::User>> {
        let client = self.client;
        let result = self.send_multipart().await;
        let path = "/users/{user_id}/profile_image";
        result
            .map(crate::Response::from_generated)
            .map_err(|error| crate::Error::from_generated(error, client, "POST", path))
    }

    /// What progenitor would generate for this operation, had it multipart bodies: its error
    /// type, so [`send`](Self::send) turns it into the crate's like every generated call.
    async fn send_multipart(self) -> Result<ResponseValue<types::User>, Error<()>> {
        let Self { client, user_id, file } = self;
        let user_id = user_id.map_err(Error::InvalidRequest)?;
        let file = file.map_err(Error::InvalidRequest)?;
        let length = file.bytes.len() as u64;
        let part = Part::stream_with_length(file.bytes, length)
            .file_name(file.file_name)
            .mime_str(&file.content_type)
            .map_err(|_| {
                Error::InvalidRequest(format!("invalid content type {:?}", file.content_type))
            })?;
        let url = format!("{}/users/{}/profile_image", client.baseurl(), encode_path(&user_id));
        let mut request = client
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(Form::new().part("file", part))
            .build()?;
        let info = OperationInfo { operation_id: "set_user_profile_image" };
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200u16 => ResponseValue::from_response(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }
    }
}
