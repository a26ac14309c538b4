//! The user-list filters a command line can say, shared by `export`, `list`, `count` and the
//! bulk actions.

use clerk_users::Client;
use clerk_users::builder::{GetUserList, GetUsersCount};

/// Which users: every filter of `get_user_list` that makes sense on a command line. Repeat a
/// list option to give several values (`--email a@x.com --email b@x.com`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct UserFilters {
    /// Only users matching this text (id, email, phone, username, name).
    #[arg(long)]
    pub query: Option<String>,
    /// Only users with this email address (repeatable).
    #[arg(long = "email", value_name = "ADDRESS")]
    pub email_addresses: Vec<String>,
    /// Only users with this phone number (repeatable).
    #[arg(long = "phone", value_name = "NUMBER")]
    pub phone_numbers: Vec<String>,
    /// Only users with this username (repeatable).
    #[arg(long = "username", value_name = "NAME")]
    pub usernames: Vec<String>,
    /// Only users with this external ID (repeatable).
    #[arg(long = "external-id", value_name = "ID")]
    pub external_ids: Vec<String>,
    /// Only users with this ID (repeatable).
    #[arg(long = "user-id", value_name = "ID")]
    pub user_ids: Vec<String>,
    /// Only members of this organization (repeatable; ID or slug).
    #[arg(long = "organization", value_name = "ORG")]
    pub organizations: Vec<String>,
    /// Only banned (`true`) or only not banned (`false`) users.
    #[arg(long, value_name = "BOOL")]
    pub banned: Option<bool>,
    /// Only users created after this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub created_after: Option<i64>,
    /// Only users created before this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub created_before: Option<i64>,
    /// Only users last active after this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub last_active_after: Option<i64>,
    /// Only users last active before this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub last_active_before: Option<i64>,
    /// Only users who last signed in after this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub last_sign_in_after: Option<i64>,
    /// Only users who last signed in before this time (Unix milliseconds).
    #[arg(long, value_name = "MS")]
    pub last_sign_in_before: Option<i64>,
}

/// Sets every filter that was given on a list or count builder (both take the same names).
macro_rules! apply_filters {
    ($filters:expr, $builder:expr) => {{
        let f = $filters;
        let mut b = $builder;
        if let Some(query) = &f.query {
            b = b.query(query.clone());
        }
        if !f.email_addresses.is_empty() {
            b = b.email_address(f.email_addresses.clone());
        }
        if !f.phone_numbers.is_empty() {
            b = b.phone_number(f.phone_numbers.clone());
        }
        if !f.usernames.is_empty() {
            b = b.username(f.usernames.clone());
        }
        if !f.external_ids.is_empty() {
            b = b.external_id(f.external_ids.clone());
        }
        if !f.user_ids.is_empty() {
            b = b.user_id(f.user_ids.clone());
        }
        if !f.organizations.is_empty() {
            b = b.organization_id(f.organizations.clone());
        }
        if let Some(banned) = f.banned {
            b = b.banned(banned);
        }
        if let Some(ms) = f.created_after {
            b = b.created_at_after(ms);
        }
        if let Some(ms) = f.created_before {
            b = b.created_at_before(ms);
        }
        if let Some(ms) = f.last_active_after {
            b = b.last_active_at_after(ms);
        }
        if let Some(ms) = f.last_active_before {
            b = b.last_active_at_before(ms);
        }
        if let Some(ms) = f.last_sign_in_after {
            b = b.last_sign_in_at_after(ms);
        }
        if let Some(ms) = f.last_sign_in_before {
            b = b.last_sign_in_at_before(ms);
        }
        b
    }};
}

impl UserFilters {
    /// `get_user_list` with these filters.
    pub fn list<'a>(&self, client: &'a Client) -> GetUserList<'a> {
        apply_filters!(self, client.get_user_list())
    }

    /// `get_users_count` with these filters.
    pub fn count<'a>(&self, client: &'a Client) -> GetUsersCount<'a> {
        apply_filters!(self, client.get_users_count())
    }
}
