//! The four lists a [`Paginator`] walks, `paginate()` on their builders, and how a page of any
//! item type is fetched from each.

use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroU64;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::cursor::Direction;
use super::undecodable::UndecodableItem;
use super::{Item, Paginate, Paginator, sealed};
use crate::builder::{
    GetOAuthAccessToken, GetOAuthAccessTokenParameters, GetUserList, GetUserListParameters,
    GetUsersCountParameters, UsersGetOrganizationInvitations,
    UsersGetOrganizationInvitationsParameters, UsersGetOrganizationMemberships,
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
    /// `users_get_organization_invitations`: walks by offset, reports `total_count`.
    OrganizationInvitations(Box<UsersGetOrganizationInvitationsParameters>),
    /// `get_o_auth_access_token`: asks for `paginated=true`, walks by offset, reports
    /// `total_count`.
    OAuthAccessTokens(Box<GetOAuthAccessTokenParameters>),
}

/// How a walk starts, read from the builder's own parameters.
#[derive(Debug)]
pub(super) struct Plan {
    /// The `created_at` direction, when the ordering allows the `starting_after` cursor.
    pub(super) cursor: Option<Direction>,
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
    /// For windows and cursor restarts (user list only).
    pub(super) range: Option<CreatedRange>,
}

/// `created_at` bounds a walk adds to the builder's own (the narrower wins), sent as exclusive,
/// and the `created_at` order the walk needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CreatedRange {
    /// `created_at_after`.
    pub(super) after: Option<i64>,
    /// `created_at_before`.
    pub(super) before: Option<i64>,
    /// `+created_at` or `-created_at`.
    pub(super) ascending: bool,
}

/// One page as the list returned it.
#[derive(Debug)]
pub(super) struct Fetched<T> {
    pub(super) rows: Vec<Row<T>>,
    /// The total the list reported, if it reports one.
    pub(super) total_count: Option<u64>,
    /// The page restarts a cursor walk from its millisecond: it may hand back users the walk
    /// has passed.
    pub(super) restarted: bool,
}

/// One item of a page: decoded, or set apart when it did not decode.
#[derive(Debug)]
pub(super) enum Row<T> {
    Item(T),
    Undecodable(Box<UndecodableItem>),
}

impl<T: Item> Row<T> {
    /// The id the walk follows, if the row has one.
    pub(super) fn id(&self) -> Option<&str> {
        match self {
            Row::Item(item) => item.walk_id(),
            Row::Undecodable(item) => item.id(),
        }
    }

    /// When the row's item was created (users only).
    pub(super) fn created_at(&self) -> Option<i64> {
        match self {
            Row::Item(item) => item.walk_created_at(),
            Row::Undecodable(item) => item.created_at(),
        }
    }
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

impl Paginate for UsersGetOrganizationInvitations<'_> {
    type Item = types::OrganizationInvitationWithPublicOrganizationData;

    fn paginate(self) -> Paginator<types::OrganizationInvitationWithPublicOrganizationData> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, List::OrganizationInvitations(Box::new(parameters)))
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

impl Item for types::OrganizationInvitationWithPublicOrganizationData {}
impl sealed::Item for types::OrganizationInvitationWithPublicOrganizationData {
    fn walk_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

impl Item for types::OAuthAccessTokenItem {}
impl sealed::Item for types::OAuthAccessTokenItem {
    const ID_FIELD: &'static str = "external_account_id";

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
            List::OrganizationInvitations(_) => "users_get_organization_invitations",
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
                    cursor: match order_by.as_deref() {
                        // Clerk's default ordering is `-created_at`.
                        None | Some("-created_at") => Some(Direction::Descending),
                        Some("created_at" | "+created_at") => Some(Direction::Ascending),
                        Some(_) => None,
                    },
                    starting_after: set(&p.starting_after)?,
                    offset: set(&p.offset)?.unwrap_or(0),
                    limit: set(&p.limit)?.map(NonZeroU64::get),
                })
            }
            List::OrganizationMemberships(p) => {
                set(&p.user_id)?;
                offset_plan(&p.offset, &p.limit)
            }
            List::OrganizationInvitations(p) => {
                set(&p.user_id)?;
                set(&p.status)?;
                offset_plan(&p.offset, &p.limit)
            }
            List::OAuthAccessTokens(p) => {
                set(&p.user_id)?;
                set(&p.provider)?;
                offset_plan(&p.offset, &p.limit)
            }
        }
    }

    /// Fetches one page, decoding its items straight into `T`; items that do not decode are set
    /// apart as [`Row::Undecodable`].
    pub(super) fn fetch<T: Item>(
        &self,
        client: Client,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<T>>> {
        let limit = Ok(NonZeroU64::new(request.limit));
        match self.clone() {
            List::Users(mut p) => {
                (p.limit, p.offset, p.starting_after) =
                    (limit, Ok(request.offset), Ok(request.starting_after));
                if let Some(range) = request.range {
                    narrow(&mut p, range);
                }
                async move { rows(p.with_client(&client).send_as().await) }.boxed()
            }
            List::OrganizationMemberships(mut p) => {
                (p.limit, p.offset) = (limit, Ok(request.offset));
                async move { rows(p.with_client(&client).send_as().await) }.boxed()
            }
            List::OrganizationInvitations(mut p) => {
                (p.limit, p.offset) = (limit, Ok(request.offset));
                async move { rows(p.with_client(&client).send_as().await) }.boxed()
            }
            List::OAuthAccessTokens(mut p) => {
                // Without `paginated=true` Clerk returns every token at once and ignores
                // limit/offset.
                (p.paginated, p.limit, p.offset) = (Ok(Some(true)), limit, Ok(request.offset));
                async move { rows(p.with_client(&client).send_as().await) }.boxed()
            }
        }
    }

    /// The number of items in the list, in one request: `get_users_count` with the same
    /// filters for users, the `total_count` of a one-item page for the others.
    pub(super) fn total_count(&self, client: Client) -> BoxFuture<'static, Result<u64>> {
        let List::Users(p) = self else {
            // One item, read as nothing: only the page's `total_count` matters.
            let first =
                PageRequest { limit: 1, offset: Some(0), starting_after: None, range: None };
            let page = self.fetch::<Counted>(client, first);
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
            let page = p.with_client(&client).send_as::<ListPage<CreatedAt>>().await?.into_inner();
            Ok(page.items.first().map(|user| user.created_at))
        }
        .boxed()
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
        cursor: None,
        starting_after: None,
        offset: set(offset)?.unwrap_or(0),
        limit: set(limit)?.map(NonZeroU64::get),
    })
}

/// A count Clerk reports as a signed integer.
fn count(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

/// Narrows a user list request to a `created_at` range, in the range's order.
fn narrow(p: &mut GetUserListParameters, range: CreatedRange) {
    let order = if range.ascending { "+created_at" } else { "-created_at" };
    p.order_by = Ok(Some(order.to_owned()));
    // The builder's bounds were checked by `plan`; the narrower of the two wins.
    let own_after = p.created_at_after.clone().ok().flatten();
    let own_before = p.created_at_before.clone().ok().flatten();
    p.created_at_after = Ok(combine(own_after, range.after, i64::max));
    p.created_at_before = Ok(combine(own_before, range.before, i64::min));
}

/// Both bounds combined with `pick`, or whichever is set.
fn combine(a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// The rows of a page. A page whose items did not all decode is read again item by item, so
/// one bad item is set apart instead of failing the page; a body that is not a page at all
/// stays an error.
fn rows<T: Item>(response: Result<crate::Response<ListPage<T>>>) -> Result<Fetched<T>> {
    let error = match response {
        Ok(response) => {
            let ListPage { items, total_count } = response.into_inner();
            let rows = items.into_iter().map(Row::Item).collect();
            return Ok(Fetched { rows, total_count: total_count.map(count), restarted: false });
        }
        Err(error) => error,
    };
    let Error::Decode(decode) = &error else { return Err(error) };
    let Ok(page) = crate::decode::from_slice::<ListPage<Box<RawValue>>>(decode.body()) else {
        return Err(error);
    };
    let rows = page
        .items
        .into_iter()
        .map(|json| match UndecodableItem::decode::<T>(json) {
            Ok(item) => Row::Item(item),
            Err(item) => Row::Undecodable(item),
        })
        .collect();
    Ok(Fetched { rows, total_count: page.total_count.map(count), restarted: false })
}

/// An item read as nothing, for `total_count`.
struct Counted;

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Counted)
    }
}

impl Item for Counted {}
impl sealed::Item for Counted {
    fn walk_id(&self) -> Option<&str> {
        None
    }
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
