//! The three lists a [`Paginator`] walks, `paginate()` on their builders, and how a page of any
//! item type is fetched from each.

use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroU64;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::windows::WindowRequest;
use super::{Item, Paginate, Paginator, sealed};
use crate::builder::{
    GetOAuthAccessToken, GetOAuthAccessTokenParameters, GetUserList, GetUserListParameters,
    GetUsersCountParameters, UsersGetOrganizationMemberships,
    UsersGetOrganizationMembershipsParameters,
};
use crate::{Client, Error, Result, types};

/// A list and the parameters the user set on its builder.
#[derive(Clone)]
pub(super) enum List {
    /// `get_user_list`: walks by cursor when the ordering allows it.
    Users(Box<GetUserListParameters>),
    /// `users_get_organization_memberships`: walks by offset, reports `total_count`.
    OrganizationMemberships(Box<UsersGetOrganizationMembershipsParameters>),
    /// `get_o_auth_access_token`: asks for `paginated=true`, walks by offset, reports
    /// `total_count`.
    OAuthAccessTokens(Box<GetOAuthAccessTokenParameters>),
}

/// How a walk starts, read from the builder's own parameters.
#[derive(Debug)]
pub(super) struct Plan {
    /// Whether the ordering allows the `starting_after` cursor.
    pub(super) cursor: bool,
    /// `starting_after` set on the builder.
    pub(super) starting_after: Option<String>,
    /// `offset` set on the builder.
    pub(super) offset: u64,
    /// `limit` set on the builder, used as the page size unless one is set on the paginator.
    pub(super) limit: Option<u64>,
}

/// One page request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PageRequest {
    pub(super) limit: u64,
    /// For offset walks.
    pub(super) offset: Option<u64>,
    /// For cursor walks.
    pub(super) starting_after: Option<String>,
}

/// One page as the list returned it.
#[derive(Debug)]
pub(super) struct Fetched<T> {
    pub(super) items: Vec<T>,
    /// The total the list reported, if it reports one.
    pub(super) total_count: Option<u64>,
}

impl Paginate for GetUserList<'_> {
    type Item = types::User;

    fn paginate(self) -> Paginator<types::User> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, List::Users(Box::new(parameters)))
    }
}

impl Paginate for UsersGetOrganizationMemberships<'_> {
    type Item = types::OrganizationMembership;

    fn paginate(self) -> Paginator<types::OrganizationMembership> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, List::OrganizationMemberships(Box::new(parameters)))
    }
}

impl Paginate for GetOAuthAccessToken<'_> {
    type Item = types::OAuthAccessTokenItem;

    fn paginate(self) -> Paginator<types::OAuthAccessTokenItem> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, List::OAuthAccessTokens(Box::new(parameters)))
    }
}

impl Item for types::User {}
impl sealed::Item for types::User {
    fn walk_id(&self) -> Option<&str> {
        Some(&self.id)
    }

    fn walk_created_at(&self) -> Option<i64> {
        Some(self.created_at)
    }
}

impl Item for types::OrganizationMembership {}
impl sealed::Item for types::OrganizationMembership {
    fn walk_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

impl Item for types::OAuthAccessTokenItem {}
impl sealed::Item for types::OAuthAccessTokenItem {
    fn walk_id(&self) -> Option<&str> {
        Some(&self.external_account_id)
    }
}

impl List {
    /// The list's operation, for `Debug`.
    pub(super) fn name(&self) -> &'static str {
        match self {
            List::Users(_) => "get_user_list",
            List::OrganizationMemberships(_) => "users_get_organization_memberships",
            List::OAuthAccessTokens(_) => "get_o_auth_access_token",
        }
    }

    /// How the walk starts, from the builder's parameters (a parameter whose conversion failed
    /// fails here, before any request).
    pub(super) fn plan(&self) -> Result<Plan> {
        match self {
            List::Users(p) => {
                let order_by = set(&p.order_by)?;
                Ok(Plan {
                    // Clerk accepts `starting_after` only with the created_at ordering (the
                    // default).
                    cursor: matches!(
                        order_by.as_deref(),
                        None | Some("created_at" | "+created_at" | "-created_at")
                    ),
                    starting_after: set(&p.starting_after)?,
                    offset: set(&p.offset)?.unwrap_or(0),
                    limit: set(&p.limit)?.map(NonZeroU64::get),
                })
            }
            List::OrganizationMemberships(p) => {
                set(&p.user_id)?;
                offset_plan(&p.offset, &p.limit)
            }
            List::OAuthAccessTokens(p) => {
                set(&p.user_id)?;
                set(&p.provider)?;
                offset_plan(&p.offset, &p.limit)
            }
        }
    }

    /// Fetches one page, decoding its items straight into `T`.
    pub(super) fn fetch<T: DeserializeOwned + Send + 'static>(
        &self,
        client: Client,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<T>>> {
        let limit = Ok(NonZeroU64::new(request.limit));
        match self.clone() {
            List::Users(mut p) => {
                (p.limit, p.offset, p.starting_after) =
                    (limit, Ok(request.offset), Ok(request.starting_after));
                async move { page(p.with_client(&client).send_as().await?) }.boxed()
            }
            List::OrganizationMemberships(mut p) => {
                (p.limit, p.offset) = (limit, Ok(request.offset));
                async move { page(p.with_client(&client).send_as().await?) }.boxed()
            }
            List::OAuthAccessTokens(mut p) => {
                // Without `paginated=true` Clerk returns every token at once and ignores
                // limit/offset.
                (p.paginated, p.limit, p.offset) = (Ok(Some(true)), limit, Ok(request.offset));
                async move { page(p.with_client(&client).send_as().await?) }.boxed()
            }
        }
    }

    /// The number of items in the list, in one request: `get_users_count` with the same
    /// filters for users, the `total_count` of a one-item page for the others.
    pub(super) fn total_count(&self, client: Client) -> BoxFuture<'static, Result<u64>> {
        let List::Users(p) = self else {
            let first = PageRequest { limit: 1, offset: Some(0), starting_after: None };
            let page = self.fetch::<IgnoredAny>(client, first);
            return page.map(|page| Ok(page?.total_count.unwrap_or(0))).boxed();
        };
        // The count takes the list's filters, without its paging and ordering. A filter added to
        // both operations in the spec makes this literal fail to compile until it is listed.
        let p = GetUserListParameters::clone(p);
        let filters = GetUsersCountParameters {
            banned: p.banned,
            created_at_after: p.created_at_after,
            created_at_before: p.created_at_before,
            email_address: p.email_address,
            email_address_query: p.email_address_query,
            external_id: p.external_id,
            last_active_at_after: p.last_active_at_after,
            last_active_at_before: p.last_active_at_before,
            last_active_at_since: p.last_active_at_since,
            last_sign_in_at_after: p.last_sign_in_at_after,
            last_sign_in_at_before: p.last_sign_in_at_before,
            name_query: p.name_query,
            organization_id: p.organization_id,
            phone_number: p.phone_number,
            phone_number_query: p.phone_number_query,
            provider: p.provider,
            provider_user_id: p.provider_user_id,
            query: p.query,
            user_id: p.user_id,
            username: p.username,
            username_query: p.username_query,
            web3_wallet: p.web3_wallet,
        };
        async move {
            let total = filters.with_client(&client).send().await?;
            Ok(count(total.total_count))
        }
        .boxed()
    }

    /// The `created_at` of the newest (or oldest) matching user, for the concurrent walk.
    pub(super) fn edge(
        &self,
        client: Client,
        newest: bool,
    ) -> BoxFuture<'static, Result<Option<i64>>> {
        /// All the edge needs of a user. Required: a user without it must fail the walk, not
        /// read as "no users" and end it empty.
        #[derive(Deserialize)]
        struct CreatedAt {
            created_at: i64,
        }
        let mut p = match self.users() {
            Ok(p) => p,
            Err(error) => return futures::future::ready(Err(error)).boxed(),
        };
        p.order_by = Ok(Some(if newest { "-created_at" } else { "+created_at" }.to_owned()));
        p.limit = Ok(NonZeroU64::new(1));
        p.offset = Ok(None);
        p.starting_after = Ok(None);
        async move {
            let users: Fetched<CreatedAt> = page(p.with_client(&client).send_as().await?)?;
            Ok(users.items.first().map(|user| user.created_at))
        }
        .boxed()
    }

    /// One page of a `created_at` window, for the concurrent walk: oldest first, inside the
    /// window's bounds, after its cursor.
    pub(super) fn fetch_window<T: DeserializeOwned + Send + 'static>(
        &self,
        client: Client,
        request: WindowRequest,
    ) -> BoxFuture<'static, Result<Fetched<T>>> {
        let mut p = match self.users() {
            Ok(p) => p,
            Err(error) => return futures::future::ready(Err(error)).boxed(),
        };
        p.order_by = Ok(Some("+created_at".to_owned()));
        p.limit = Ok(NonZeroU64::new(request.limit));
        p.offset = Ok(None);
        p.starting_after = Ok(request.starting_after);
        p.created_at_after = Ok(Some(request.after));
        p.created_at_before = Ok(Some(request.before));
        async move { page(p.with_client(&client).send_as().await?) }.boxed()
    }

    /// The user list's parameters; only it can be walked by `created_at` windows.
    fn users(&self) -> Result<GetUserListParameters> {
        match self {
            List::Users(p) => Ok(GetUserListParameters::clone(p)),
            _ => Err(Error::InvalidRequest(format!(
                "{} cannot be walked by created_at windows",
                self.name()
            ))),
        }
    }
}

/// A builder parameter, or the message of the conversion that failed when it was set.
fn set<T: Clone>(parameter: &std::result::Result<T, String>) -> Result<T> {
    parameter.clone().map_err(Error::InvalidRequest)
}

/// The plan of an offset list: from the builder's `offset`, pages of its `limit`.
fn offset_plan(
    offset: &std::result::Result<Option<u64>, String>,
    limit: &std::result::Result<Option<NonZeroU64>, String>,
) -> Result<Plan> {
    Ok(Plan {
        cursor: false,
        starting_after: None,
        offset: set(offset)?.unwrap_or(0),
        limit: set(limit)?.map(NonZeroU64::get),
    })
}

/// A count Clerk reports as a signed integer.
fn count(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

/// The page a response held.
fn page<T>(response: crate::ResponseValue<ListPage<T>>) -> Result<Fetched<T>> {
    let ListPage { items, total_count } = response.into_inner();
    Ok(Fetched { items, total_count: total_count.map(count) })
}

/// A list response in either of Clerk's shapes, a bare array (`[...]`) or a page
/// (`{"data": [...], "total_count": N}`), with its items decoded as `T`.
struct ListPage<T> {
    items: Vec<T>,
    total_count: Option<i64>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListPage<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(ListPageVisitor(PhantomData))
    }
}

struct ListPageVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListPageVisitor<T> {
    type Value = ListPage<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list: an array, or an object with `data` and `total_count`")
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(ListPage { items, total_count: None })
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let (mut items, mut total_count) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "data" => items = Some(map.next_value()?),
                "total_count" => total_count = map.next_value()?,
                // Fields Clerk adds to pages later are not the walk's business.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field("data"))?;
        Ok(ListPage { items, total_count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_page_reads_an_array_or_a_page() {
        let array: ListPage<u8> = serde_json::from_str("[1, 2]").unwrap();
        assert_eq!((array.items, array.total_count), (vec![1, 2], None));
        let page: ListPage<u8> =
            serde_json::from_str(r#"{"object": "x", "data": [3], "total_count": 9}"#).unwrap();
        assert_eq!((page.items, page.total_count), (vec![3], Some(9)));
        let nulled: ListPage<u8> =
            serde_json::from_str(r#"{"data": [], "total_count": null}"#).unwrap();
        assert_eq!(nulled.total_count, None);
        assert!(serde_json::from_str::<ListPage<u8>>(r#"{"total_count": 1}"#).is_err());
        assert!(serde_json::from_str::<ListPage<u8>>("3").is_err());
    }
}
