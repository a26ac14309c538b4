//! Walking Clerk's lists: every user, a user's organization memberships, OAuth access tokens.
//!
//! Clerk answers list requests one page at a time (`limit` 1..=500, default 10). `paginate()` on a
//! list builder (from [`Paginate`], in the [prelude](crate::prelude)) keeps every filter set on the
//! builder and returns a [`Paginator`], which turns into a stream of [`pages`](Paginator::pages)
//! or of [`items`](Paginator::items), or [collects](Paginator::collect_all) everything.
//!
//! ```no_run
//! use clerk_users::prelude::*;
//! use futures::TryStreamExt;
//!
//! # async fn run(client: clerk_users::Client) -> clerk_users::Result<()> {
//! let banned = client.get_user_list().banned(true).paginate().collect_all().await?;
//!
//! let mut users = client.get_user_list().paginate().max_items(10_000).items();
//! while let Some(user) = users.try_next().await? {
//!     println!("{}", user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! # How the walk moves
//!
//! The user list uses Clerk's `starting_after` cursor whenever the ordering allows it (no
//! `order_by`, or `created_at` in either direction): each page starts after the last user of the
//! previous one, so users created or deleted during the walk cannot shift it. Other orderings, and
//! the other lists, move by `offset`. An offset walk skips ids it yielded in the previous two pages,
//! so rows pushed down by insertions (up to two pages' worth between two requests) are not yielded
//! twice; a deletion during an offset walk can still make it skip a row, which no offset walk can
//! avoid. Neither walk can follow a user whose `created_at` is changed while it runs
//! (`update_user` accepts one): such a user may be skipped or yielded twice.
//!
//! # Termination
//!
//! The walk ends after a page shorter than requested, an empty page, when `offset` reaches the
//! `total_count` a page reported, or at [`max_items`](Paginator::max_items). NB: a server that
//! answers the same page again (the cursor would not advance, or two full pages in a row bring
//! nothing new) ends the walk with [`Error::PageRepeated`] instead of looping forever.
//!
//! # Errors
//!
//! Everything from the pages that arrived is yielded first; then the error, as
//! [`Error::Interrupted`] carrying a [`ResumeToken`]; then the stream ends. Passing the token to
//! [`Paginator::resume`] on a new paginator with the same filters continues after the last item
//! yielded, without repeats. (A concurrent walk that fails before its first page, while finding
//! the range to walk, returns the error as is: nothing was yielded, so it simply starts again.)
//!
//! Streams own a clone of the client, so they are `Send + 'static` and can be moved into tasks.

mod endpoints;
mod windows;

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::{Client, Error, Result};

pub use endpoints::{
    OAuthAccessTokens, OrganizationMemberships, Paginate, RawUser, RawUsers, Users,
};
#[doc(hidden)]
pub use windows::WindowRequest;

/// The most Clerk returns in one page.
pub const MAX_PAGE_SIZE: u64 = 500;

/// How many recent pages an offset walk remembers to skip repeated ids.
const REMEMBERED_PAGES: usize = 2;

/// A list operation a [`Paginator`] can walk: [`Users`], [`OrganizationMemberships`] or
/// [`OAuthAccessTokens`]. Sealed; its hidden items are not part of the public API.
pub trait Endpoint: sealed::Sealed + Send + Sync + 'static {
    /// What the list holds.
    type Item: Send + 'static;

    #[doc(hidden)]
    type Parameters: Clone + Send + Sync + 'static;

    #[doc(hidden)]
    fn plan(parameters: &Self::Parameters) -> Result<Plan>;

    #[doc(hidden)]
    fn fetch(
        client: Client,
        parameters: Self::Parameters,
        request: PageRequest,
    ) -> BoxFuture<'static, Result<Fetched<Self::Item>>>;

    #[doc(hidden)]
    fn id(item: &Self::Item) -> Option<&str>;

    #[doc(hidden)]
    fn total_count(client: Client, parameters: Self::Parameters)
    -> BoxFuture<'static, Result<u64>>;

    /// When an item was created (Unix ms), for the concurrent walk.
    #[doc(hidden)]
    fn created_at(_item: &Self::Item) -> Option<i64> {
        None
    }

    /// The `created_at` of the newest (or oldest) matching item, for the concurrent walk.
    #[doc(hidden)]
    fn edge(
        _client: Client,
        _parameters: Self::Parameters,
        _newest: bool,
    ) -> BoxFuture<'static, Result<Option<i64>>> {
        Box::pin(async { Err(no_windows()) })
    }

    /// One page of a `created_at` window, for the concurrent walk.
    #[doc(hidden)]
    fn fetch_window(
        _client: Client,
        _parameters: Self::Parameters,
        _request: WindowRequest,
    ) -> BoxFuture<'static, Result<Fetched<Self::Item>>> {
        Box::pin(async { Err(no_windows()) })
    }
}

fn no_windows() -> Error {
    Error::InvalidRequest("this list cannot be walked by created_at windows".to_owned())
}

mod sealed {
    pub trait Sealed {}
}

/// How a walk starts, read from the builder's own parameters. Not part of the public API.
#[doc(hidden)]
#[derive(Debug)]
pub struct Plan {
    /// Whether the ordering allows the `starting_after` cursor.
    pub cursor: bool,
    /// `starting_after` set on the builder.
    pub starting_after: Option<String>,
    /// `offset` set on the builder.
    pub offset: u64,
    /// `limit` set on the builder, used as the page size unless one is set on the paginator.
    pub limit: Option<u64>,
}

/// One page request. Not part of the public API.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    /// `limit`.
    pub limit: u64,
    /// `offset`, for offset walks.
    pub offset: Option<u64>,
    /// `starting_after`, for cursor walks.
    pub starting_after: Option<String>,
}

/// One page as the endpoint returned it. Not part of the public API.
#[doc(hidden)]
#[derive(Debug)]
pub struct Fetched<T> {
    /// The items.
    pub items: Vec<T>,
    /// The total the endpoint reported, if it reports one.
    pub total_count: Option<u64>,
}

/// One page of a walk.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The page's items (without repeats an offset walk skipped).
    pub items: Vec<T>,
    /// The number of items across all pages, when the endpoint reports it (memberships and OAuth
    /// tokens do; for users use [`Paginator::total_count`]).
    pub total_count: Option<u64>,
    /// Continues the walk after this page; see [`Paginator::resume`].
    pub resume: ResumeToken,
}

/// Where a walk stands, to continue it later with [`Paginator::resume`]: after the last item
/// yielded, without repeats.
///
/// It serializes (serde), so a long job can save it and continue after a restart. Resume with a
/// paginator built with the same filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeToken {
    position: Position,
    yielded: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Position {
    /// Next page starts after this id (`None`: from the start).
    Cursor { after: Option<String> },
    /// Next page starts at this offset; ids of recent pages to skip.
    Offset { next: u64, recent: Vec<Vec<String>> },
    /// A concurrent walk: the windows not finished.
    Windows { windows: Vec<windows::Window> },
}

impl ResumeToken {
    /// How many items the walk had yielded at this point.
    pub fn items_yielded(&self) -> u64 {
        self.yielded
    }
}

/// A configured walk over a list; see the [module docs](self). Made by `paginate()` on a list
/// builder.
#[must_use = "a paginator does nothing until turned into a stream or collected"]
pub struct Paginator<E: Endpoint> {
    client: Client,
    parameters: E::Parameters,
    page_size: Option<u64>,
    max_items: Option<u64>,
    resume: Option<ResumeToken>,
    concurrency: usize,
}

impl<E: Endpoint> fmt::Debug for Paginator<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("endpoint", &std::any::type_name::<E>())
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("resume", &self.resume)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Paginator<E> {
    pub(crate) fn new(client: &Client, parameters: E::Parameters) -> Self {
        Paginator {
            client: client.clone(),
            parameters,
            page_size: None,
            max_items: None,
            resume: None,
            concurrency: 1,
        }
    }

    /// Sets how many items each request asks for, 1 to 500. Clerk silently falls back to its
    /// default for other values; here they fail the stream before any request.
    ///
    /// Default is the builder's `limit` if it set one, else 500, the fewest requests.
    pub fn page_size(mut self, page_size: u64) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Stops after `max_items` items in total, whatever the page size.
    ///
    /// Default is no limit.
    pub fn max_items(mut self, max_items: u64) -> Self {
        self.max_items = Some(max_items);
        self
    }

    /// Continues a walk from a token (from a [`Page`] or an [`Error::Interrupted`]) instead of
    /// starting at the beginning. Build the paginator with the same filters as the first walk.
    pub fn resume(mut self, token: ResumeToken) -> Self {
        self.resume = Some(token);
        self
    }

    /// The number of items the walk would yield without [`max_items`](Paginator::max_items), in one
    /// request: `get_users_count` with the same filters for users, a one-item page for the other
    /// lists. For progress bars; it does not start the walk.
    ///
    /// # Errors
    ///
    /// Those of the request.
    pub async fn total_count(&self) -> Result<u64> {
        E::total_count(self.client.clone(), self.parameters.clone()).await
    }

    /// A stream of pages.
    pub fn pages(self) -> Pages<E::Item> {
        if self.concurrency > 1 {
            return Pages(stream::unfold(Some(WindowWalk::Start(self)), WindowWalk::step).boxed());
        }
        Pages(stream::unfold(Some(Walk::<E>::Start(self)), Walk::step).boxed())
    }

    /// The page size to use: the paginator's, else the builder's `limit`, else 500; checked.
    fn checked_page_size(&self, builder_limit: Option<u64>) -> Result<u64> {
        let page_size = self.page_size.or(builder_limit).unwrap_or(MAX_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(Error::InvalidRequest(format!(
                "page size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
            )));
        }
        Ok(page_size)
    }

    /// A stream of items, page after page.
    pub fn items(self) -> Items<E::Item> {
        let items =
            self.pages().map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten();
        Items(items.boxed())
    }

    /// Every item of the walk, in one `Vec`.
    ///
    /// # Errors
    ///
    /// The first error, as [`Error::Interrupted`]; the items before it are dropped (use
    /// [`items`](Paginator::items) to keep them).
    pub async fn collect_all(self) -> Result<Vec<E::Item>> {
        self.items().try_collect().await
    }
}

/// A stream of [`Page`]s from [`Paginator::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T>(BoxStream<'static, Result<Page<T>>>);

/// A stream of items from [`Paginator::items`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<T>(BoxStream<'static, Result<T>>);

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_next_unpin(cx)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_next_unpin(cx)
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pages")
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Items")
    }
}

/// The state of a concurrent walk: not started, or walking windows.
enum WindowWalk<E: Endpoint> {
    Start(Paginator<E>),
    Running(windows::Windows<E>),
}

impl<E: Endpoint> WindowWalk<E> {
    async fn step(state: Option<Self>) -> Option<(Result<Page<E::Item>>, Option<Self>)> {
        let windows = match state? {
            WindowWalk::Start(paginator) => match Self::start(paginator).await {
                Ok(Some(windows)) => windows,
                Ok(None) => return None,
                Err(error) => return Some((Err(error), None)),
            },
            WindowWalk::Running(windows) => windows,
        };
        let (page, next) = windows.next_page().await?;
        Some((page, next.map(WindowWalk::Running)))
    }

    async fn start(paginator: Paginator<E>) -> Result<Option<windows::Windows<E>>> {
        let plan = E::plan(&paginator.parameters)?;
        if !plan.cursor || plan.offset != 0 || plan.starting_after.is_some() {
            return Err(Error::InvalidRequest(
                "a concurrent walk needs the created_at ordering, and no offset or starting_after"
                    .to_owned(),
            ));
        }
        let page_size = paginator.checked_page_size(plan.limit)?;
        let concurrency = paginator.concurrency;
        windows::Windows::start(paginator, page_size, concurrency).await
    }
}

/// The state of a walk between pages.
enum Walk<E: Endpoint> {
    /// Not started: the configuration is checked on the first poll.
    Start(Paginator<E>),
    Running(Running<E>),
}

struct Running<E: Endpoint> {
    client: Client,
    parameters: E::Parameters,
    page_size: u64,
    remaining: Option<u64>,
    cursor_walk: bool,
    after: Option<String>,
    next_offset: u64,
    recent: VecDeque<Vec<String>>,
    yielded: u64,
    /// Full pages in a row that brought nothing new (an offset walk).
    stale_pages: usize,
}

impl<E: Endpoint> Walk<E> {
    /// Fetches the next page. `None` state: the walk is over.
    async fn step(state: Option<Self>) -> Option<(Result<Page<E::Item>>, Option<Self>)> {
        let running = match state? {
            Walk::Start(paginator) => match Running::start(paginator) {
                Ok(running) => running,
                // Invalid configuration: one error, no request.
                Err(error) => return Some((Err(error), None)),
            },
            Walk::Running(running) => running,
        };
        let mut running = running;
        loop {
            match running.next_page().await {
                // A page whose every row was a repeat says nothing: go on to the next one.
                Some((Ok(page), Some(Walk::Running(next)))) if page.items.is_empty() => {
                    running = next
                }
                outcome => return outcome,
            }
        }
    }
}

impl<E: Endpoint> Running<E> {
    fn start(paginator: Paginator<E>) -> Result<Self> {
        let plan = E::plan(&paginator.parameters)?;
        let page_size = paginator.checked_page_size(plan.limit)?;
        if plan.starting_after.is_some() && plan.offset != 0 {
            // Clerk answers 422 to both at once; say so before sending anything.
            return Err(Error::InvalidRequest(
                "starting_after cannot be combined with a non-zero offset".to_owned(),
            ));
        }
        let mut running = Running {
            client: paginator.client,
            parameters: paginator.parameters,
            page_size,
            remaining: paginator.max_items,
            // A cursor cannot be combined with an offset (Clerk answers 422).
            cursor_walk: plan.cursor && plan.offset == 0,
            after: plan.starting_after,
            next_offset: plan.offset,
            recent: VecDeque::new(),
            yielded: 0,
            stale_pages: 0,
        };

        if let Some(token) = paginator.resume {
            running.restore(token)?;
        }
        Ok(running)
    }

    fn restore(&mut self, token: ResumeToken) -> Result<()> {
        self.remaining = self.remaining.map(|max| max.saturating_sub(token.yielded));
        self.yielded = token.yielded;
        match token.position {
            Position::Cursor { after } => {
                self.cursor_walk = true;
                self.after = after;
            }
            Position::Offset { next, recent } => {
                self.cursor_walk = false;
                self.next_offset = next;
                self.recent = recent.into();
            }
            Position::Windows { .. } => {
                return Err(Error::InvalidRequest(
                    "this resume token comes from a concurrent walk; resume it with concurrency"
                        .to_owned(),
                ));
            }
        }
        Ok(())
    }

    fn token(&self) -> ResumeToken {
        let position = match self.cursor_walk {
            true => Position::Cursor { after: self.after.clone() },
            false => Position::Offset {
                next: self.next_offset,
                recent: self.recent.iter().cloned().collect(),
            },
        };
        ResumeToken { position, yielded: self.yielded }
    }

    fn interrupted(&self, error: Error) -> Error {
        Error::Interrupted { error: Box::new(error), resume: Box::new(self.token()) }
    }

    /// Fetches and filters one page, and decides whether the walk goes on.
    async fn next_page(mut self) -> Option<(Result<Page<E::Item>>, Option<Walk<E>>)> {
        let limit = match self.remaining {
            Some(0) => return None,
            Some(remaining) => remaining.min(self.page_size),
            None => self.page_size,
        };
        let request = match self.cursor_walk {
            true => PageRequest { limit, offset: None, starting_after: self.after.clone() },
            false => PageRequest { limit, offset: Some(self.next_offset), starting_after: None },
        };
        let fetched = match E::fetch(self.client.clone(), self.parameters.clone(), request).await {
            Ok(fetched) => fetched,
            Err(error) => return Some((Err(self.interrupted(error)), None)),
        };
        let received = fetched.items.len() as u64;
        if received == 0 {
            return None;
        }
        let ids: Vec<String> =
            fetched.items.iter().filter_map(|i| E::id(i).map(str::to_owned)).collect();
        let recent: HashSet<&str> = self.recent.iter().flatten().map(String::as_str).collect();
        let items: Vec<E::Item> = if self.cursor_walk {
            // After a cursor nothing of the previous pages can come back: if it does, or the last
            // id is the cursor itself, the cursor did not move.
            if ids.iter().any(|id| recent.contains(id.as_str()))
                || ids.last() == self.after.as_ref()
            {
                return Some((Err(self.interrupted(Error::PageRepeated)), None));
            }
            fetched.items
        } else {
            let fresh: Vec<E::Item> = fetched
                .items
                .into_iter()
                .filter(|item| E::id(item).is_none_or(|id| !recent.contains(id)))
                .collect();
            // A burst of insertions can push a whole page of rows already seen into the next
            // one; a server repeating itself does it again and again.
            self.stale_pages =
                if fresh.is_empty() && received >= limit { self.stale_pages + 1 } else { 0 };
            if self.stale_pages >= REMEMBERED_PAGES {
                return Some((Err(self.interrupted(Error::PageRepeated)), None));
            }
            fresh
        };
        drop(recent);
        // Move past the page.
        self.after = ids.last().cloned().or(self.after);
        self.next_offset += received;
        self.recent.push_back(ids);
        if self.recent.len() > REMEMBERED_PAGES {
            self.recent.pop_front();
        }
        let items: Vec<E::Item> = match self.remaining {
            Some(remaining) => {
                items.into_iter().take(usize::try_from(remaining).unwrap_or(usize::MAX)).collect()
            }
            None => items,
        };
        self.yielded += items.len() as u64;
        self.remaining = self.remaining.map(|r| r.saturating_sub(items.len() as u64));

        let short = received < limit;
        let past_total =
            fetched.total_count.is_some_and(|total| self.next_offset >= total) && !self.cursor_walk;
        let page = Page { items, total_count: fetched.total_count, resume: self.token() };
        let next = match short || past_total || self.remaining == Some(0) {
            true => None,
            false => Some(Walk::Running(self)),
        };
        Some((Ok(page), next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_tokens_are_send_and_static() {
        fn assert_send_static<T: Send + 'static>() {}
        assert_send_static::<Pages<crate::types::User>>();
        assert_send_static::<Items<crate::types::User>>();
        assert_send_static::<Paginator<Users>>();
        assert_send_static::<ResumeToken>();
    }

    #[test]
    fn resume_tokens_round_trip_through_json() {
        let token = ResumeToken {
            position: Position::Offset { next: 1000, recent: vec![vec!["user_1".to_owned()]] },
            yielded: 990,
        };
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(serde_json::from_str::<ResumeToken>(&json).unwrap(), token);
        assert_eq!(token.items_yielded(), 990);
    }
}
