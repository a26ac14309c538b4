//! A typed async client for the Users operations of [Clerk]'s Backend API.
//!
//! [Clerk]: https://clerk.com

// Document ALL THE THINGS (the generated module opts out; its items carry the spec's text).
#![deny(missing_docs)]
// Every public type should be printable, and none may print the secret key.
#![warn(missing_debug_implementations)]
#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod config_error;
mod error;
mod hooks;
mod path;
mod profile_image;

/// The code build.rs generates from `openapi/clerk-users.yaml`.
mod generated {
    // Lints are relaxed here only: this is progenitor's output, documented from the spec.
    #![allow(
        missing_docs,
        missing_debug_implementations,
        unreachable_pub,
        unused_imports
    )]
    #![allow(clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

pub use client::{ClientBuilder, ClientState, DEFAULT_BASE_URL};
pub use config_error::ConfigError;
pub use error::{ApiError, Error, ErrorBody, Result};
pub use generated::{Client, ClientInfo, ResponseValue, types};
/// The runtime crate of the generated code; its `Error<()>` is what `send()` returns before `?`
/// turns it into [`Error`].
pub use progenitor_client;

/// Request builders, one per operation: `client.get_user()` returns a [`builder::GetUser`].
pub mod builder {
    pub use crate::generated::builder::*;
    pub use crate::profile_image::SetUserProfileImage;
}

/// The client and the traits its methods need, for a single `use clerk_users::prelude::*;`.
pub mod prelude {
    pub use crate::generated::prelude::*;
    pub use crate::{ClientInfo, Error, Result};
}
