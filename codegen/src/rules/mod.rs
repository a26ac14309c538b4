//! The named rules by which the spec handed to progenitor departs from the checked-in spec, one
//! module each, in the order [`normalize`](crate::normalize()) applies them.
//!
//! Operation rules, on the OpenAPI document:
//!
//! - [`leave_out_multipart_operations`]: operations progenitor cannot encode are written by hand.
//! - [`decode_errors_in_the_crate`]: error responses are decoded by the crate, whatever the status.
//! - [`prune_unreachable_schemas`]: no types for schemas nothing uses.
//!
//! Shape rules, on the spec as JSON, first: they restate a shape so typify and the decoding rules
//! name and read it alike ([`named_response_schemas`], [`nullable_where_used`],
//! [`merged_inline_all_of`], [`formats_kept_as_sent`]).
//!
//! Request rule, last: [`maps_sent_when_set`] (an empty metadata map can be sent).
//!
//! Decoding rules, on the spec as JSON, so every response decodes whatever Clerk sends, today and
//! next year (documented in `openapi/README.md`, "Decoding rules", with the schemas they touch):
//!
//! - [`list_or_page`], [`discriminated_unions`], [`open_enums`]: schemas replaced by types the
//!   crate defines with its macros ([`NativeType`](crate::NativeType)).
//! - [`accept_unknown_fields`], [`unchecked_patterns`], [`no_presence_alternatives`],
//!   [`absent_means_none`], [`always_written`]: schemas relaxed in place.
//! - `missing_means_empty` is a rule on the generated code only: it is
//!   [`finish::default_missing_fields`](crate::finish::default_missing_fields).
//!   [`absent_means_none`] has a second half there too:
//!   [`finish::reject_null_in_absent_means_none_fields`](crate::finish::reject_null_in_absent_means_none_fields).

mod absent_means_none;
mod accept_unknown_fields;
mod always_written;
mod decode_errors_in_the_crate;
mod discriminated_unions;
mod formats_kept_as_sent;
mod leave_out_multipart_operations;
mod list_or_page;
mod maps_sent_when_set;
mod merged_inline_all_of;
mod named_response_schemas;
mod no_presence_alternatives;
mod nullable_where_used;
mod open_enums;
mod prune_unreachable_schemas;
mod unchecked_patterns;

pub use absent_means_none::{STILL_REQUIRED, absent_means_none};
pub use accept_unknown_fields::accept_unknown_fields;
pub use always_written::always_written;
pub use decode_errors_in_the_crate::{ERROR_SCHEMA, decode_errors_in_the_crate};
pub use discriminated_unions::discriminated_unions;
pub use formats_kept_as_sent::{formats_kept_as_sent, kept_number};
pub use leave_out_multipart_operations::{HAND_WRITTEN, leave_out_multipart_operations};
pub use list_or_page::list_or_page;
pub use maps_sent_when_set::maps_sent_when_set;
pub use merged_inline_all_of::merged_inline_all_of;
pub use named_response_schemas::named_response_schemas;
pub use no_presence_alternatives::no_presence_alternatives;
pub use nullable_where_used::nullable_where_used;
pub use open_enums::open_enums;
pub use prune_unreachable_schemas::prune_unreachable_schemas;
pub use unchecked_patterns::unchecked_patterns;
