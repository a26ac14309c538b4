//! Walking Clerk's lists: every user, a user's organization memberships and invitations, OAuth
//! access tokens.
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
//! # async fn run(client: clerk_users::Client) -> Result<(), clerk_users::pagination::WalkError> {
//! let banned = client.get_user_list().banned(true).paginate().collect_all().await?;
//!
//! let mut users = client.get_user_list().paginate().max_items(10_000).items();
//! while let Some(user) = users.try_next().await? {
//!     println!("{}", user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! The walk is one engine whatever the item: a [`Paginator<types::User>`](Paginator) yields
//! typed users, [`raw`](Paginator::raw) turns it into a `Paginator<RawUser>` that yields each user
//! as the JSON text Clerk sent, and the membership and token lists yield their own types. Each
//! page is decoded straight into the item type.
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
//! # When the cursor's user is deleted
//!
//! A cleanup job that deletes users as it walks deletes the cursor. Clerk then cannot place
//! `starting_after`: it refuses it (400, 404, 410 or 422), or may answer an empty page (its docs do
//! not say). Either way the walk asks again from the cursor's millisecond, with `created_at_after`
//! (oldest first) or `created_at_before` (newest first) instead of the cursor, and skips what it
//! has passed: everything before that millisecond, and the ids it has seen in it, which the
//! [`ResumeToken`] carries too. So every user is yielded exactly once however many users share a
//! millisecond, in whatever order Clerk lists them, and whether its time bounds include their
//! boundary or not; a resume token whose cursor user is gone resumes the same way. The cost is one
//! more request per vanished cursor, and one at the end of a walk whose last page was full.
//!
//! # Items that do not decode
//!
//! A page is decoded whole; if an item in it does not decode (a field of an unexpected type, a
//! shape this crate does not know), the page is read again item by item, and that item is set
//! apart as an [`UndecodableItem`] with its id and JSON: in [`Page::undecodable`], and as a
//! [`WalkError::Undecodable`] in the [`items`](Paginator::items) stream, which goes on after it.
//! The walk moves past it like any other item. A [`RawUser`] needs only a string `id` and an
//! integer `created_at`; a user without them is such an item too. A body that is not a page at
//! all still fails the walk.
//!
//! # Termination
//!
//! The walk ends after a page shorter than requested, an empty page, when `offset` reaches the
//! `total_count` a page reported, or at [`max_items`](Paginator::max_items). NB: a server that
//! answers a page the walk has passed (the cursor would not advance, users come back from behind
//! it, or two full pages in a row bring nothing new) ends the walk with
//! [`WalkError::PageRepeated`] instead of looping forever; a full page that ends with an item
//! without an id, which no cursor can follow, ends it with [`WalkError::Unplaceable`].
//!
//! # Errors
//!
//! Everything from the pages that arrived is yielded first; then a [`WalkError`] carrying the
//! request's [`Error`] and a [`ResumeToken`]; then the stream ends. Passing the token to
//! [`Paginator::resume`] on a new paginator with the same filters continues after the last item
//! yielded, without repeats. Settings refused before any request (a page size out of range), and
//! a concurrent walk that fails while finding the range to walk, come without a token: nothing
//! was yielded, so the walk simply starts again. [`WalkError::Undecodable`] is the one error that
//! does not end the stream ([`WalkError::is_item_level`]).
//!
//! Streams own a clone of the client, so they are `Send + 'static` and can be moved into tasks.

mod cursor;
mod lists;
mod raw_user;
mod undecodable;
mod walk;
mod windows;

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::{Client, Error, Result};

pub use raw_user::RawUser;
pub use undecodable::UndecodableItem;

use lists::List;

/// The most Clerk returns in one page.
pub const MAX_PAGE_SIZE: u64 = 500;

/// The most requests a concurrent walk keeps in flight.
const MAX_CONCURRENCY: usize = 256;

/// Adds `paginate()` to the list builders: `get_user_list`,
/// `users_get_organization_memberships`, `users_get_organization_invitations` and
/// `get_o_auth_access_token`. In the [prelude](crate::prelude). (`list_user_trusted_devices`
/// answers every active device at once: it has no pages to walk.)
pub trait Paginate {
    /// What the list holds.
    type Item: Item;

    /// Walks the whole list, keeping every parameter set on the builder. See [`Paginator`].
    fn paginate(self) -> Paginator<Self::Item>;
}

/// Something a [`Paginator`] yields: [`types::User`](crate::types::User), [`RawUser`],
/// [`types::OrganizationMembership`](crate::types::OrganizationMembership),
/// [`types::OrganizationInvitationWithPublicOrganizationData`](crate::types::OrganizationInvitationWithPublicOrganizationData)
/// or [`types::OAuthAccessTokenItem`](crate::types::OAuthAccessTokenItem). Sealed.
pub trait Item: sealed::Item + serde::de::DeserializeOwned + Send + 'static {}

pub(crate) mod sealed {
    /// What the walk needs to know of an item.
    pub trait Item {
        /// The JSON field [`walk_id`](Item::walk_id) reads, to name an item that did not decode.
        const ID_FIELD: &'static str = "id";

        /// The id that identifies the item in its list: the cursor, and the repeat checks.
        fn walk_id(&self) -> Option<&str>;

        /// When the item was created (Unix ms), for the concurrent walk of users.
        fn walk_created_at(&self) -> Option<i64> {
            None
        }
    }
}

/// One page of a walk.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items (without repeats the walk skipped).
    pub items: Vec<T>,
    /// The page's items that did not decode into `T`, each with its id and JSON; the walk went
    /// on without them. [`Paginator::items`] reports each as [`WalkError::Undecodable`].
    pub undecodable: Vec<UndecodableItem>,
    /// The number of items across all pages, when the list reports it (memberships,
    /// invitations and OAuth tokens do; for users use [`Paginator::total_count`]).
    pub total_count: Option<u64>,
    /// Continues the walk after this page; see [`Paginator::resume`].
    pub resume: ResumeToken,
}

/// Where a walk stands, to continue it later with [`Paginator::resume`]: after the last item
/// yielded, without repeats.
///
/// It serializes (serde), so a long job can save it and continue after a restart. Resume with a
/// paginator built with the same filters.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeToken {
    position: Position,
    yielded: u64,
}

/// The kind of walk and the count: the ids and windows inside can fill a screen, and
/// `.unwrap()` on a [`WalkError`] prints this.
impl fmt::Debug for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let walk = match &self.position {
            Position::Cursor(_) => "cursor",
            Position::Offset { .. } => "offset",
            Position::Windows { .. } => "windows",
        };
        f.debug_struct("ResumeToken")
            .field("walk", &walk)
            .field("items_yielded", &self.yielded)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Position {
    /// A cursor walk of users: the next page starts after the cursor.
    Cursor(cursor::Cursor),
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

/// Why a walk stopped, and where to continue it.
///
/// The last item of a stream that did not finish. Its `Display` is one line with what stopped
/// the walk (for a failed request, the [`Error`]'s line: method, path, status, Clerk's code and
/// message, trace id).
#[derive(Debug)]
#[non_exhaustive]
pub enum WalkError {
    /// A request failed, or the walk's settings were refused before any request (then without a
    /// token: start again).
    Request {
        /// What failed.
        error: Error,
        /// Where to continue.
        resume: Option<Box<ResumeToken>>,
    },
    /// The server answered a page the walk had already passed (the cursor or offset did not
    /// advance, or users came back from behind the cursor), so the walk stopped instead of
    /// looping forever or guessing. What was new in the page was yielded first.
    PageRepeated {
        /// Where to continue.
        resume: Box<ResumeToken>,
    },
    /// A full page ended with an item without a string id: no cursor can follow it, so the walk
    /// stopped after yielding the page.
    Unplaceable {
        /// Where to continue.
        resume: Box<ResumeToken>,
    },
    /// One item did not decode. Unlike the other variants this one does not end the walk: the
    /// items stream goes on after it (see [`is_item_level`](WalkError::is_item_level)).
    Undecodable {
        /// The item, with its id and JSON.
        item: Box<UndecodableItem>,
        /// Where the walk stood after the item's page: resuming from here does not yield the
        /// item again.
        resume: Box<ResumeToken>,
    },
}

impl WalkError {
    /// Where to continue: pass it to [`Paginator::resume`]. `None` when the walk had not started.
    pub fn resume_token(&self) -> Option<&ResumeToken> {
        match self {
            WalkError::Request { resume, .. } => resume.as_deref(),
            WalkError::PageRepeated { resume }
            | WalkError::Unplaceable { resume }
            | WalkError::Undecodable { resume, .. } => Some(resume),
        }
    }

    /// The failed request's error, if a request failed.
    pub fn error(&self) -> Option<&Error> {
        match self {
            WalkError::Request { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The item that did not decode, for [`WalkError::Undecodable`].
    pub fn undecodable_item(&self) -> Option<&UndecodableItem> {
        match self {
            WalkError::Undecodable { item, .. } => Some(item),
            _ => None,
        }
    }

    /// Whether the error concerns one item and the stream goes on after it
    /// ([`WalkError::Undecodable`]); every other error is the stream's last item.
    pub fn is_item_level(&self) -> bool {
        matches!(self, WalkError::Undecodable { .. })
    }

    /// How many items the walk had yielded when it stopped.
    pub fn items_yielded(&self) -> u64 {
        self.resume_token().map_or(0, ResumeToken::items_yielded)
    }

    /// A refusal before the first request: nothing to resume.
    fn before_start(error: Error) -> WalkError {
        WalkError::Request { error, resume: None }
    }
}

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let WalkError::Undecodable { item, .. } = self {
            return write!(f, "listing went on past an item: {item}");
        }
        match self.resume_token() {
            Some(token) => write!(f, "listing stopped after {} items: ", token.items_yielded())?,
            None => f.write_str("listing did not start: ")?,
        }
        match self {
            WalkError::Request { error, .. } => error.fmt(f),
            WalkError::PageRepeated { .. } => {
                f.write_str("the server answered a page the walk had already passed")
            }
            WalkError::Unplaceable { .. } => f.write_str(
                "a full page ended with an item without an id, which no cursor can follow",
            ),
            WalkError::Undecodable { .. } => Ok(()),
        }
    }
}

impl std::error::Error for WalkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // Display already includes the request error's line; the chain continues below it.
        std::error::Error::source(self.error()?)
    }
}

/// A configured walk over a list; see the [module docs](self). Made by `paginate()` on a list
/// builder.
#[must_use = "a paginator does nothing until turned into a stream or collected"]
pub struct Paginator<T> {
    client: Client,
    list: List,
    page_size: Option<u64>,
    max_items: Option<u64>,
    resume: Option<ResumeToken>,
    concurrency: usize,
    /// The `created_at` of the oldest and newest users, when the caller knows them.
    created_range: Option<(i64, i64)>,
    // `fn() -> T`: the paginator holds no `T`, so it is `Send` and `Sync` whatever `T` is.
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("list", &self.list.name())
            .field("item", &std::any::type_name::<T>())
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("resume", &self.resume)
            .field("concurrency", &self.concurrency)
            .field("created_range", &self.created_range)
            .finish_non_exhaustive()
    }
}

impl<T: Item> Paginator<T> {
    fn new(client: &Client, list: List) -> Self {
        Paginator {
            client: client.clone(),
            list,
            page_size: None,
            max_items: None,
            resume: None,
            concurrency: 1,
            created_range: None,
            item: PhantomData,
        }
    }

    /// The same walk, yielding another item type.
    fn with_item<U: Item>(self) -> Paginator<U> {
        let Paginator {
            client,
            list,
            page_size,
            max_items,
            resume,
            concurrency,
            created_range,
            ..
        } = self;
        Paginator {
            client,
            list,
            page_size,
            max_items,
            resume,
            concurrency,
            created_range,
            item: PhantomData,
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

    /// Continues a walk from a token (from a [`Page`] or a [`WalkError`]) instead of starting
    /// at the beginning. Build the paginator with the same filters as the first walk.
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
        self.list.total_count(self.client.clone()).await
    }

    /// A stream of pages.
    pub fn pages(self) -> Pages<T> {
        if self.concurrency > 1 {
            return Pages(windows::stream(self));
        }
        Pages(walk::stream(self))
    }

    /// A stream of items, page after page. Each page's items that did not decode follow its
    /// other items as [`WalkError::Undecodable`], and the stream goes on after them; any other
    /// error is its last item.
    ///
    /// ```no_run
    /// use clerk_users::prelude::*;
    /// use futures::StreamExt;
    ///
    /// # async fn run(client: clerk_users::Client) -> Result<(), clerk_users::pagination::WalkError> {
    /// let mut users = client.get_user_list().paginate().items();
    /// while let Some(user) = users.next().await {
    ///     match user {
    ///         Ok(user) => println!("{}", user.id),
    ///         // One user this crate cannot decode: note it, go on.
    ///         Err(error) if error.is_item_level() => eprintln!("skipped: {error}"),
    ///         Err(error) => return Err(error),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> Items<T> {
        let items = self
            .pages()
            .map_ok(|page| {
                let resume = Box::new(page.resume);
                let bad = page.undecodable.into_iter().map(move |item| {
                    Err(WalkError::Undecodable { item: Box::new(item), resume: resume.clone() })
                });
                stream::iter(page.items.into_iter().map(Ok).chain(bad))
            })
            .try_flatten();
        Items(items.boxed())
    }

    /// Every item of the walk, in one `Vec`.
    ///
    /// # Errors
    ///
    /// The first error, an item that did not decode included; the items before it are dropped
    /// (use [`items`](Paginator::items) to keep them and go past items that do not decode).
    pub async fn collect_all(self) -> std::result::Result<Vec<T>, WalkError> {
        self.items().try_collect().await
    }

    /// Sets the range a concurrent walk covers (the user lists' `known_created_range`).
    fn with_created_range(mut self, oldest: i64, newest: i64) -> Self {
        self.created_range = Some((oldest, newest));
        self
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
}

impl Paginator<crate::types::User> {
    /// Yields users as Clerk sent them ([`RawUser`]: every field, known to the types or not)
    /// instead of [`types::User`](crate::types::User), with the same filters and settings.
    pub fn raw(self) -> Paginator<RawUser> {
        self.with_item()
    }

    /// Walks the `created_at` range as windows, up to `concurrency` at a time, each with the
    /// cursor: with enough concurrency the walk runs at the rate limit instead of the latency
    /// bound. Every user that existed when the walk started (or, with
    /// [`known_created_range`](Paginator::known_created_range), every user in that range) is
    /// yielded exactly once; pages come in no particular order, users created meanwhile are left
    /// out. Needs the `created_at`
    /// ordering (the default) and no `offset`. `1` (the default) walks one cursor; more than 256
    /// counts as 256 (Clerk's rate limit makes more pointless).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        self
    }

    /// Tells a concurrent walk the `created_at` (Unix ms) of the oldest and the newest user it
    /// is to yield, when the caller knows them already (say, from a first page it fetched
    /// anyway): the walk then starts without the two requests that would find them, one round
    /// trip sooner. The caller vouches for `oldest`: an older user would be missed. A user newer
    /// than `newest` is left out, as users created after a concurrent walk started are.
    ///
    /// A sequential walk (no [`concurrency`](Paginator::concurrency)) and a resumed one ignore
    /// it; `oldest` after `newest` fails the walk before any request.
    pub fn known_created_range(self, oldest: i64, newest: i64) -> Self {
        self.with_created_range(oldest, newest)
    }
}

impl Paginator<RawUser> {
    /// Walks the `created_at` range as windows, up to `concurrency` at a time; see
    /// [`Paginator::<types::User>::concurrency`](Paginator::concurrency).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        self
    }

    /// Tells a concurrent walk the range of `created_at` it covers, saving the requests that
    /// find it; see
    /// [`Paginator::<types::User>::known_created_range`](Paginator::known_created_range).
    pub fn known_created_range(self, oldest: i64, newest: i64) -> Self {
        self.with_created_range(oldest, newest)
    }
}

/// A stream of [`Page`]s from [`Paginator::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T>(BoxStream<'static, std::result::Result<Page<T>, WalkError>>);

/// A stream of items from [`Paginator::items`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<T>(BoxStream<'static, std::result::Result<T, WalkError>>);

impl<T> Stream for Pages<T> {
    type Item = std::result::Result<Page<T>, WalkError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_next_unpin(cx)
    }
}

impl<T> Stream for Items<T> {
    type Item = std::result::Result<T, WalkError>;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_tokens_are_send_and_static() {
        fn assert_send_static<T: Send + 'static>() {}
        assert_send_static::<Pages<crate::types::User>>();
        assert_send_static::<Items<RawUser>>();
        assert_send_static::<Paginator<crate::types::User>>();
        assert_send_static::<ResumeToken>();
        assert_send_static::<WalkError>();
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
