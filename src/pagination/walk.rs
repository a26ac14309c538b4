//! The sequential walk: one page at a time, by cursor (users in a `created_at` order) or by
//! offset (everything else).

use std::collections::{HashSet, VecDeque};
use std::marker::PhantomData;

use futures::stream::{self, BoxStream, StreamExt};

use super::cursor::{self, Cursor, Direction};
use super::lists::{Fetched, List, PageRequest, Row};
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
    /// The page before was the last: this error ends the walk.
    Stopping(WalkError),
}

struct Running<T> {
    client: Client,
    list: List,
    page_size: u64,
    remaining: Option<u64>,
    yielded: u64,
    mode: Mode,
    /// Full pages in a row that brought nothing new.
    stale_pages: usize,
    item: PhantomData<fn() -> T>,
}

/// How the walk moves.
enum Mode {
    /// After the last user passed, in a `created_at` order.
    Cursor { cursor: Cursor, way: Direction },
    /// By offset; the ids of recent pages are skipped when rows shift down.
    Offset { next: u64, recent: VecDeque<Vec<String>> },
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
            Walk::Stopping(error) => return Some((Err(error), None)),
        };
        loop {
            match running.next_page().await {
                // A page whose every row was a repeat says nothing: go on to the next one.
                Some((Ok(page), Some(Walk::Running(next))))
                    if page.items.is_empty() && page.undecodable.is_empty() =>
                {
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
        let mode = match plan.cursor {
            // A cursor cannot be combined with an offset (Clerk answers 422).
            Some(way) if plan.offset == 0 => {
                Mode::Cursor { cursor: Cursor::at_id(plan.starting_after), way }
            }
            _ => Mode::Offset { next: plan.offset, recent: VecDeque::new() },
        };
        let mut running = Running {
            client: paginator.client,
            list: paginator.list,
            page_size,
            remaining: paginator.max_items,
            yielded: 0,
            mode,
            stale_pages: 0,
            item: PhantomData,
        };
        if let Some(token) = paginator.resume {
            running.restore(token, plan.cursor)?;
        }
        Ok(running)
    }

    fn restore(&mut self, token: ResumeToken, way: Option<Direction>) -> Result<()> {
        self.remaining = self.remaining.map(|max| max.saturating_sub(token.yielded));
        self.yielded = token.yielded;
        self.mode = match (token.position, way) {
            (Position::Cursor(cursor), Some(way)) => Mode::Cursor { cursor, way },
            (Position::Cursor(_), None) => {
                return Err(Error::InvalidRequest(
                    "this resume token comes from a walk in created_at order; resume it with the \
                     same ordering"
                        .to_owned(),
                ));
            }
            (Position::Offset { next, recent }, _) => Mode::Offset { next, recent: recent.into() },
            (Position::Windows { .. }, _) => {
                return Err(Error::InvalidRequest(
                    "this resume token comes from a concurrent walk; resume it with concurrency"
                        .to_owned(),
                ));
            }
        };
        Ok(())
    }

    fn token(&self) -> Box<ResumeToken> {
        let position = match &self.mode {
            Mode::Cursor { cursor, .. } => Position::Cursor(cursor.clone()),
            Mode::Offset { next, recent } => {
                Position::Offset { next: *next, recent: recent.iter().cloned().collect() }
            }
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
        let fetched = match self.fetch(limit).await {
            Ok(fetched) => fetched,
            Err(error) => {
                return self.stop(|resume| WalkError::Request { error, resume: Some(resume) });
            }
        };
        let received = fetched.rows.len() as u64;
        if received == 0 {
            return None;
        }
        let offset = match &self.mode {
            Mode::Offset { next, .. } => *next,
            Mode::Cursor { .. } => 0,
        };
        if offset.checked_add(received).is_none() || self.yielded.checked_add(received).is_none() {
            let error = position_overflow(offset, self.yielded);
            return self.stop(|resume| WalkError::Request { error, resume: Some(resume) });
        }
        let keep = self.remaining.map_or(usize::MAX, |r| usize::try_from(r).unwrap_or(usize::MAX));
        let full = received >= limit;
        let total_count = fetched.total_count;
        let moved = match &mut self.mode {
            Mode::Cursor { cursor, way } => take_after_cursor(cursor, *way, fetched, keep),
            Mode::Offset { next, recent } => take_at_offset(next, recent, fetched, keep),
        };
        let new = moved.new;
        self.stale_pages = if new.is_empty() && full { self.stale_pages + 1 } else { 0 };
        // Only a full page leads to another request: a short one ends the walk anyway.
        if full && (moved.stuck || self.stale_pages > self.stale_pages_allowed(limit)) {
            return self.stop(|resume| WalkError::PageRepeated { resume });
        }
        self.yielded += new.len() as u64;
        self.remaining = self.remaining.map(|r| r.saturating_sub(new.len() as u64));
        let past_total = match &self.mode {
            Mode::Offset { next, .. } => total_count.is_some_and(|total| *next >= total),
            Mode::Cursor { .. } => false,
        };
        let page = page(new, total_count, *self.token());
        if moved.out_of_order {
            // What was new is yielded; then the walk stops rather than guess.
            let resume = self.token();
            return Some((Ok(page), Some(Walk::Stopping(WalkError::PageRepeated { resume }))));
        }
        if !full || past_total || self.remaining == Some(0) {
            return Some((Ok(page), None));
        }
        if moved.unplaceable {
            let resume = self.token();
            return Some((Ok(page), Some(Walk::Stopping(WalkError::Unplaceable { resume }))));
        }
        Some((Ok(page), Some(Walk::Running(self))))
    }

    /// How many full pages in a row may bring nothing new before the walk calls it a repeat.
    fn stale_pages_allowed(&self, limit: u64) -> usize {
        match &self.mode {
            Mode::Cursor { cursor, .. } => cursor.stale_pages_allowed(limit),
            // A burst of insertions can push a whole page of rows already seen into the next
            // one; a server repeating itself does it again and again.
            Mode::Offset { .. } => REMEMBERED_PAGES - 1,
        }
    }

    /// How many items to ask for next; `None` when `max_items` is reached.
    fn next_limit(&self) -> Option<u64> {
        match self.remaining {
            Some(0) => None,
            Some(remaining) => Some(remaining.min(self.page_size)),
            None => Some(self.page_size),
        }
    }

    /// The next page: after the cursor (starting again from its time if its user is gone), or
    /// at the offset.
    async fn fetch(&self, limit: u64) -> Result<Fetched<T>> {
        match &self.mode {
            Mode::Cursor { cursor, way } => {
                cursor::fetch_after(&self.list, &self.client, limit, cursor, *way, None).await
            }
            Mode::Offset { next, .. } => {
                let request =
                    PageRequest { limit, offset: Some(*next), starting_after: None, range: None };
                self.list.fetch(self.client.clone(), request).await
            }
        }
    }
}

/// What a page did to the walk.
struct Moved<T> {
    /// The rows to yield.
    new: Vec<Row<T>>,
    /// The position did not move: the server answered the same page again.
    stuck: bool,
    /// The last row the cursor had to follow had no id.
    unplaceable: bool,
    /// Users behind the cursor came back: an earlier page again, or not the order expected.
    out_of_order: bool,
}

/// Takes the new rows of a cursor page and moves the cursor past them.
fn take_after_cursor<T: Item>(
    cursor: &mut Cursor,
    way: Direction,
    fetched: Fetched<T>,
    keep: usize,
) -> Moved<T> {
    let before = cursor.id.clone();
    let taken = cursor::take_new(cursor, fetched, way, keep);
    // Nothing new and the cursor where it was: the page after the cursor ended at the cursor.
    let stuck = taken.new.is_empty() && cursor.id == before;
    Moved {
        new: taken.new,
        stuck,
        unplaceable: taken.unplaceable,
        out_of_order: taken.out_of_order,
    }
}

/// Takes the rows of an offset page not yielded in the recent pages, and moves the offset past
/// what was kept.
fn take_at_offset<T: Item>(
    next: &mut u64,
    recent: &mut VecDeque<Vec<String>>,
    fetched: Fetched<T>,
    keep: usize,
) -> Moved<T> {
    let seen: HashSet<String> = recent.iter().flatten().cloned().collect();
    let mut ids = Vec::new();
    let mut new = Vec::new();
    let mut consumed = 0u64;
    for row in fetched.rows {
        if new.len() == keep {
            break;
        }
        consumed += 1;
        let id = row.id().map(str::to_owned);
        let repeat = id.as_ref().is_some_and(|id| seen.contains(id));
        ids.extend(id);
        if !repeat {
            new.push(row);
        }
    }
    *next += consumed;
    recent.push_back(ids);
    if recent.len() > REMEMBERED_PAGES {
        recent.pop_front();
    }
    Moved { new, stuck: false, unplaceable: false, out_of_order: false }
}

/// A page to yield: the decoded items, and those that did not decode set apart.
pub(super) fn page<T>(rows: Vec<Row<T>>, total_count: Option<u64>, resume: ResumeToken) -> Page<T> {
    let mut items = Vec::with_capacity(rows.len());
    let mut undecodable = Vec::new();
    for row in rows {
        match row {
            Row::Item(item) => items.push(item),
            Row::Undecodable(item) => undecodable.push(*item),
        }
    }
    Page { items, undecodable, total_count, resume }
}
