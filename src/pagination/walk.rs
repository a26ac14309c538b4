//! The sequential walk: one page at a time, by cursor or by offset.

use std::collections::{HashSet, VecDeque};

use futures::stream::{self, BoxStream, StreamExt};

use super::lists::{List, PageRequest};
use super::{Item, Page, Paginator, Position, ResumeToken, WalkError};
use crate::{Client, Error, Result};

/// The error for a walk whose offset or count would pass `u64::MAX`: only a builder `offset` or a
/// resume token near it can get there, never a real list.
pub(super) fn position_overflow(offset: u64, yielded: u64) -> Error {
    Error::InvalidRequest(format!(
        "the walk cannot go on past offset {offset} with {yielded} items yielded: the builder's \
         offset or the resume token is out of range"
    ))
}

/// How many recent pages an offset walk remembers to skip repeated ids.
const REMEMBERED_PAGES: usize = 2;

type Step<T> = Option<(std::result::Result<Page<T>, WalkError>, Option<Walk<T>>)>;

/// The pages of a sequential walk.
pub(super) fn stream<T: Item>(
    paginator: Paginator<T>,
) -> BoxStream<'static, Result<Page<T>, WalkError>> {
    stream::unfold(Some(Walk::Start(paginator)), Walk::step).boxed()
}

/// The state of a walk between pages.
enum Walk<T> {
    /// Not started: the configuration is checked on the first poll.
    Start(Paginator<T>),
    Running(Running<T>),
}

struct Running<T> {
    client: Client,
    list: List,
    page_size: u64,
    remaining: Option<u64>,
    cursor_walk: bool,
    after: Option<String>,
    next_offset: u64,
    recent: VecDeque<Vec<String>>,
    yielded: u64,
    /// Full pages in a row that brought nothing new (an offset walk).
    stale_pages: usize,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T: Item> Walk<T> {
    /// Fetches the next page. `None` state: the walk is over.
    async fn step(state: Option<Self>) -> Step<T> {
        let mut running = match state? {
            Walk::Start(paginator) => match Running::start(paginator) {
                Ok(running) => running,
                // Invalid configuration: one error, no request.
                Err(error) => return Some((Err(WalkError::before_start(error)), None)),
            },
            Walk::Running(running) => running,
        };
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

impl<T: Item> Running<T> {
    fn start(paginator: Paginator<T>) -> Result<Self> {
        let plan = paginator.list.plan()?;
        let page_size = paginator.checked_page_size(plan.limit)?;
        if plan.starting_after.is_some() && plan.offset != 0 {
            // Clerk answers 422 to both at once; say so before sending anything.
            return Err(Error::InvalidRequest(
                "starting_after cannot be combined with a non-zero offset".to_owned(),
            ));
        }
        let mut running = Running {
            client: paginator.client,
            list: paginator.list,
            page_size,
            remaining: paginator.max_items,
            // A cursor cannot be combined with an offset (Clerk answers 422).
            cursor_walk: plan.cursor && plan.offset == 0,
            after: plan.starting_after,
            next_offset: plan.offset,
            recent: VecDeque::new(),
            yielded: 0,
            stale_pages: 0,
            item: std::marker::PhantomData,
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

    fn token(&self) -> Box<ResumeToken> {
        let position = match self.cursor_walk {
            true => Position::Cursor { after: self.after.clone() },
            false => Position::Offset {
                next: self.next_offset,
                recent: self.recent.iter().cloned().collect(),
            },
        };
        Box::new(ResumeToken { position, yielded: self.yielded })
    }

    /// The walk ends here with `error`, resumable from where it stands.
    fn stop(self, error: impl FnOnce(Box<ResumeToken>) -> WalkError) -> Step<T> {
        Some((Err(error(self.token())), None))
    }

    /// Fetches and filters one page, and decides whether the walk goes on.
    async fn next_page(mut self) -> Step<T> {
        let limit = self.next_limit()?;
        let fetched = match self.list.fetch::<T>(self.client.clone(), self.request(limit)).await {
            Ok(fetched) => fetched,
            Err(error) => {
                return self.stop(|resume| WalkError::Request { error, resume: Some(resume) });
            }
        };
        let received = fetched.items.len() as u64;
        if received == 0 {
            return None;
        }
        if self.next_offset.checked_add(received).is_none()
            || self.yielded.checked_add(received).is_none()
        {
            let error = position_overflow(self.next_offset, self.yielded);
            return self.stop(|resume| WalkError::Request { error, resume: Some(resume) });
        }
        let Some(items) = self.move_past(fetched.items, limit) else {
            return self.stop(|resume| WalkError::PageRepeated { resume });
        };
        let items = self.count_out(items);
        let short = received < limit;
        let past_total =
            !self.cursor_walk && fetched.total_count.is_some_and(|total| self.next_offset >= total);
        let page = Page { items, total_count: fetched.total_count, resume: *self.token() };
        let next = match short || past_total || self.remaining == Some(0) {
            true => None,
            false => Some(Walk::Running(self)),
        };
        Some((Ok(page), next))
    }

    /// How many items to ask for next; `None` when `max_items` is reached.
    fn next_limit(&self) -> Option<u64> {
        match self.remaining {
            Some(0) => None,
            Some(remaining) => Some(remaining.min(self.page_size)),
            None => Some(self.page_size),
        }
    }

    /// The request for the next page: after the cursor, or at the offset.
    fn request(&self, limit: u64) -> PageRequest {
        match self.cursor_walk {
            true => PageRequest { limit, offset: None, starting_after: self.after.clone() },
            false => PageRequest { limit, offset: Some(self.next_offset), starting_after: None },
        }
    }

    /// Moves the walk past a non-empty page asked for with `limit`, and returns its items that
    /// are new; `None` when the server is repeating itself.
    fn move_past(&mut self, page: Vec<T>, limit: u64) -> Option<Vec<T>> {
        let received = page.len() as u64;
        let ids: Vec<String> =
            page.iter().filter_map(|item| item.walk_id().map(str::to_owned)).collect();
        let recent: HashSet<&str> = self.recent.iter().flatten().map(String::as_str).collect();
        let items = if self.cursor_walk {
            // After a cursor nothing of the previous pages can come back: if it does, or the
            // last id is the cursor itself, the cursor did not move.
            if ids.iter().any(|id| recent.contains(id.as_str()))
                || ids.last() == self.after.as_ref()
            {
                return None;
            }
            page
        } else {
            let fresh: Vec<T> = page
                .into_iter()
                .filter(|item| item.walk_id().is_none_or(|id| !recent.contains(id)))
                .collect();
            // A burst of insertions can push a whole page of rows already seen into the next
            // one; a server repeating itself does it again and again.
            self.stale_pages =
                if fresh.is_empty() && received >= limit { self.stale_pages + 1 } else { 0 };
            if self.stale_pages >= REMEMBERED_PAGES {
                return None;
            }
            fresh
        };
        self.after = ids.last().cloned().or(self.after.take());
        self.next_offset += received;
        self.recent.push_back(ids);
        if self.recent.len() > REMEMBERED_PAGES {
            self.recent.pop_front();
        }
        Some(items)
    }

    /// Keeps what `max_items` still allows of a page, and counts it as yielded.
    fn count_out(&mut self, mut items: Vec<T>) -> Vec<T> {
        if let Some(remaining) = self.remaining {
            items.truncate(usize::try_from(remaining).unwrap_or(usize::MAX));
        }
        self.yielded += items.len() as u64;
        self.remaining = self.remaining.map(|r| r.saturating_sub(items.len() as u64));
        items
    }
}
