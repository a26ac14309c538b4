//! The three lists a [`Paginator`] walks, and `paginate()` on their builders.

use std::num::NonZeroU64;

use futures::FutureExt;
use futures::future::BoxFuture;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{Endpoint, Fetched, PageRequest, Paginator, Plan, WindowRequest, sealed};
use crate::builder::{
    GetOAuthAccessToken, GetOAuthAccessTokenParameters, GetUserList, GetUserListParameters,
    GetUsersCountParameters, UsersGetOrganizationMemberships,
    UsersGetOrganizationMembershipsParameters,
};
use crate::hooks::with_raw_list;
use crate::{Client, Error, Result, types};

/// Adds `paginate()` to the list builders: `get_user_list`,
/// `users_get_organization_memberships` and `get_o_auth_access_token`. In the
/// [prelude](crate::prelude).
pub trait Paginate {
    /// The list the builder reads.
    type Endpoint: Endpoint;

    /// Walks the whole list, keeping every parameter set on the builder. See [`Paginator`].
    fn paginate(self) -> Paginator<Self::Endpoint>;
}

/// The user list (`get_user_list`): walks by cursor when the ordering allows it.
#[derive(Debug)]
pub enum Users {}

/// The most requests a concurrent walk keeps in flight.
const MAX_CONCURRENCY: usize = 256;

/// The user list as Clerk sent it (`get_user_list(…).paginate().raw()`): every field, whether
/// this crate's types know it or not. For exports and syncs that must not lose data.
#[derive(Debug)]
pub enum RawUsers {}

/// A user exactly as Clerk sent it, as JSON text; see [`RawUsers`].
///
/// It serializes back to the same JSON, byte for byte, and converts to the typed
/// [`types::User`] or to a [`serde_json::Value`] when wanted. Keeping the text (serde_json's
/// `RawValue`) instead of a JSON tree makes a page several times cheaper to read.
#[derive(Debug, Clone)]
pub struct RawUser {
    json: Box<RawValue>,
    id: Option<Box<str>>,
    created_at: Option<i64>,
}

impl RawUser {
    /// The user's id (`None` only if Clerk sent no string `id`).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// When the user was created (Unix ms).
    pub fn created_at(&self) -> Option<i64> {
        self.created_at
    }

    /// The JSON text, exactly as Clerk sent it.
    pub fn json(&self) -> &str {
        self.json.get()
    }

    /// The JSON as a tree.
    ///
    /// # Errors
    ///
    /// Never for text that came from a response (it was parsed once already).
    pub fn to_value(&self) -> std::result::Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.json.get())
    }

    /// The typed user (fields the types do not know are left out).
    ///
    /// # Errors
    ///
    /// When the JSON is not a user the types can decode.
    pub fn to_user(&self) -> std::result::Result<types::User, serde_json::Error> {
        serde_json::from_str(self.json.get())
    }
}

impl PartialEq for RawUser {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
    }
}

impl Serialize for RawUser {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawUser {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        /// The two fields a walk needs, read without building anything else.
        #[derive(Deserialize)]
        struct Head<'a> {
            #[serde(borrow)]
            id: Option<std::borrow::Cow<'a, str>>,
            created_at: Option<i64>,
        }
        let json = Box::<RawValue>::deserialize(deserializer)?;
        let head: Head<'_> = serde_json::from_str(json.get()).map_err(serde::de::Error::custom)?;
        let id = head.id.map(|id| id.into_owned().into_boxed_str());
        Ok(RawUser { id, created_at: head.created_at, json })
    }
}

/// A user's organization memberships (`users_get_organization_memberships`): walks by offset, and
/// reports `total_count`.
#[derive(Debug)]
pub enum OrganizationMemberships {}

/// A user's OAuth access tokens for a provider (`get_o_auth_access_token`): asks for
/// `paginated=true`, walks by offset, and reports `total_count`.
#[derive(Debug)]
pub enum OAuthAccessTokens {}

impl sealed::Sealed for Users {}
impl sealed::Sealed for RawUsers {}
impl sealed::Sealed for OrganizationMemberships {}
impl sealed::Sealed for OAuthAccessTokens {}

impl Paginate for GetUserList<'_> {
    type Endpoint = Users;

    fn paginate(self) -> Paginator<Users> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, parameters)
    }
}

impl Paginator<Users> {
    /// Yields users as Clerk sent them ([`RawUser`]: every field, known to the types or not)
    /// instead of [`types::User`], with the same filters and settings.
    pub fn raw(self) -> Paginator<RawUsers> {
        Paginator {
            client: self.client,
            parameters: self.parameters,
            page_size: self.page_size,
            max_items: self.max_items,
            resume: self.resume,
            concurrency: self.concurrency,
        }
    }

    /// Walks `created_at` windows, `concurrency` at a time, instead of one cursor; see
    /// [`concurrency`](Paginator::<RawUsers>::concurrency).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        self
    }
}

impl Paginator<RawUsers> {
    /// Walks the `created_at` range as windows, up to `concurrency` at a time, each with the
    /// cursor: with enough concurrency the walk runs at the rate limit instead of the latency
    /// bound. Every user that existed when the walk started is yielded exactly once; pages come
    /// in no particular order, users created meanwhile are left out. Needs the `created_at`
    /// ordering (the default) and no `offset`. `1` (the default) walks one cursor; more than 256
    /// counts as 256 (Clerk's rate limit makes more pointless).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        self
    }
}

impl Paginate for UsersGetOrganizationMemberships<'_> {
    type Endpoint = OrganizationMemberships;

    fn paginate(self) -> Paginator<OrganizationMemberships> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, parameters)
    }
}

impl Paginate for GetOAuthAccessToken<'_> {
    type Endpoint = OAuthAccessTokens;

    fn paginate(self) -> Paginator<OAuthAccessTokens> {
        let (client, parameters) = self.into_parameters();
        Paginator::new(client, parameters)
    }
}

/// A builder parameter, or the message of the conversion that failed when it was set.
fn set<T: Clone>(parameter: &std::result::Result<T, String>) -> Result<T> {
    parameter.clone().map_err(Error::InvalidRequest)
}

/// The `limit` parameter for a page (the walk never asks for 0).
fn limit(request: &PageRequest) -> Option<NonZeroU64> {
    NonZeroU64::new(request.limit)
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

/// The `total_count` of a list that reports one, from a one-item first page.
fn total_from_first_page<E: Endpoint>(
    client: Client,
    parameters: E::Parameters,
) -> BoxFuture<'static, Result<u64>> {
    let first = PageRequest { limit: 1, offset: Some(0), starting_after: None };
    E::fetch(client, parameters, first).map(|page| Ok(page?.total_count.unwrap_or(0))).boxed()
}

/// A count Clerk reports as a signed integer.
fn count(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

impl Endpoint for Users {
    type Item = types::User;
    type Parameters = GetUserListParameters;

    fn plan(parameters: &GetUserListParameters) -> Result<Plan> {
        let order_by = set(&parameters.order_by)?;
        Ok(Plan {
            // Clerk accepts `starting_after` only with the created_at ordering (the default).
            cursor: matches!(
                order_by.as_deref(),
                None | Some("created_at" | "+created_at" | "-created_at")
            ),
            starting_after: set(&parameters.starting_after)?,
            offset: set(&parameters.offset)?.unwrap_or(0),
            limit: set(&parameters.limit)?.map(NonZeroU64::get),
        })
    }

    fn fetch(
        client: Client,
        mut parameters: GetUserListParameters,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<types::User>>> {
        parameters.limit = Ok(limit(&request));
        parameters.offset = Ok(request.offset);
        parameters.starting_after = Ok(request.starting_after);
        async move {
            let users = parameters.with_client(&client).send().await?;
            Ok(Fetched { items: users.into_inner(), total_count: None })
        }
        .boxed()
    }

    fn id(user: &types::User) -> Option<&str> {
        Some(&user.id)
    }

    fn created_at(user: &types::User) -> Option<i64> {
        Some(user.created_at)
    }

    fn edge(
        client: Client,
        parameters: GetUserListParameters,
        newest: bool,
    ) -> BoxFuture<'static, Result<Option<i64>>> {
        let request = edge_request(parameters, newest);
        async move {
            let users = request.with_client(&client).send().await?;
            Ok(users.first().map(|user| user.created_at))
        }
        .boxed()
    }

    fn fetch_window(
        client: Client,
        parameters: GetUserListParameters,
        request: WindowRequest,
    ) -> BoxFuture<'static, Result<Fetched<types::User>>> {
        let parameters = window_parameters(parameters, request);
        async move {
            let users = parameters.with_client(&client).send().await?;
            Ok(Fetched { items: users.into_inner(), total_count: None })
        }
        .boxed()
    }

    fn total_count(
        client: Client,
        parameters: GetUserListParameters,
    ) -> BoxFuture<'static, Result<u64>> {
        // The count takes the list's filters, without its paging and ordering. A filter added to
        // both operations in the spec makes this literal fail to compile until it is listed.
        let p = parameters;
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
}

impl Endpoint for OrganizationMemberships {
    type Item = types::OrganizationMembership;
    type Parameters = UsersGetOrganizationMembershipsParameters;

    fn plan(parameters: &UsersGetOrganizationMembershipsParameters) -> Result<Plan> {
        set(&parameters.user_id)?;
        offset_plan(&parameters.offset, &parameters.limit)
    }

    fn fetch(
        client: Client,
        mut parameters: UsersGetOrganizationMembershipsParameters,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<types::OrganizationMembership>>> {
        parameters.limit = Ok(limit(&request));
        parameters.offset = Ok(request.offset);
        async move {
            let page = parameters.with_client(&client).send().await?.into_inner();
            Ok(Fetched { items: page.data, total_count: Some(count(page.total_count)) })
        }
        .boxed()
    }

    fn id(membership: &types::OrganizationMembership) -> Option<&str> {
        Some(&membership.id)
    }

    fn total_count(
        client: Client,
        parameters: Self::Parameters,
    ) -> BoxFuture<'static, Result<u64>> {
        total_from_first_page::<Self>(client, parameters)
    }
}

impl Endpoint for OAuthAccessTokens {
    type Item = types::OAuthAccessTokenItem;
    type Parameters = GetOAuthAccessTokenParameters;

    fn plan(parameters: &GetOAuthAccessTokenParameters) -> Result<Plan> {
        set(&parameters.user_id)?;
        set(&parameters.provider)?;
        offset_plan(&parameters.offset, &parameters.limit)
    }

    fn fetch(
        client: Client,
        mut parameters: GetOAuthAccessTokenParameters,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<types::OAuthAccessTokenItem>>> {
        // Without `paginated=true` Clerk returns every token at once and ignores limit/offset.
        parameters.paginated = Ok(Some(true));
        parameters.limit = Ok(limit(&request));
        parameters.offset = Ok(request.offset);
        async move {
            let page = parameters.with_client(&client).send().await?.into_inner();
            Ok(Fetched { total_count: page.total_count.map(count), items: page.data })
        }
        .boxed()
    }

    fn id(token: &types::OAuthAccessTokenItem) -> Option<&str> {
        Some(&token.external_account_id)
    }

    fn total_count(
        client: Client,
        parameters: Self::Parameters,
    ) -> BoxFuture<'static, Result<u64>> {
        total_from_first_page::<Self>(client, parameters)
    }
}

/// The list request for the oldest or newest matching user: one user, by `created_at`.
fn edge_request(mut parameters: GetUserListParameters, newest: bool) -> GetUserListParameters {
    parameters.order_by = Ok(Some(if newest { "-created_at" } else { "+created_at" }.to_owned()));
    parameters.limit = Ok(NonZeroU64::new(1));
    parameters.offset = Ok(None);
    parameters.starting_after = Ok(None);
    parameters
}

/// The list request for one page of a window: oldest first, inside the window's bounds, after
/// its cursor.
fn window_parameters(
    mut parameters: GetUserListParameters,
    request: WindowRequest,
) -> GetUserListParameters {
    parameters.order_by = Ok(Some("+created_at".to_owned()));
    parameters.limit = Ok(NonZeroU64::new(request.limit));
    parameters.offset = Ok(None);
    parameters.starting_after = Ok(request.starting_after);
    parameters.created_at_after = Ok(Some(request.after));
    parameters.created_at_before = Ok(Some(request.before));
    parameters
}

/// Sends a user list request and returns the users as Clerk sent them.
async fn raw_users(client: Client, parameters: GetUserListParameters) -> Result<Vec<RawUser>> {
    let (outcome, body) = with_raw_list(parameters.with_client(&client).send()).await;
    // Errors come through as usual; the users come in the raw body.
    outcome?;
    let body = body.unwrap_or_default();
    serde_json::from_slice(&body).map_err(|source| Error::Decode { body, source })
}

impl Endpoint for RawUsers {
    type Item = RawUser;
    type Parameters = GetUserListParameters;

    fn plan(parameters: &GetUserListParameters) -> Result<Plan> {
        Users::plan(parameters)
    }

    fn fetch(
        client: Client,
        mut parameters: GetUserListParameters,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<RawUser>>> {
        parameters.limit = Ok(limit(&request));
        parameters.offset = Ok(request.offset);
        parameters.starting_after = Ok(request.starting_after);
        async move { Ok(Fetched { items: raw_users(client, parameters).await?, total_count: None }) }.boxed()
    }

    fn id(user: &RawUser) -> Option<&str> {
        user.id()
    }

    fn total_count(
        client: Client,
        parameters: GetUserListParameters,
    ) -> BoxFuture<'static, Result<u64>> {
        Users::total_count(client, parameters)
    }

    fn created_at(user: &RawUser) -> Option<i64> {
        user.created_at()
    }

    fn edge(
        client: Client,
        parameters: GetUserListParameters,
        newest: bool,
    ) -> BoxFuture<'static, Result<Option<i64>>> {
        Users::edge(client, parameters, newest)
    }

    fn fetch_window(
        client: Client,
        parameters: GetUserListParameters,
        request: WindowRequest,
    ) -> BoxFuture<'static, Result<Fetched<RawUser>>> {
        let parameters = window_parameters(parameters, request);
        async move { Ok(Fetched { items: raw_users(client, parameters).await?, total_count: None }) }.boxed()
    }
}
