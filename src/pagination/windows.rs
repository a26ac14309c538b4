//! The concurrent user walk: the `created_at` range split into windows, each walked with the
//! cursor, several at a time.
//!
//! A sequential cursor walk sends one request per page and waits for each: it is bound by
//! latency (500 users per round trip). With [`Paginator::concurrency`](super::Paginator), the
//! range between the oldest and the newest matching user (asked for with two one-user requests,
//! or given with `known_created_range`) is cut into windows
//! (`created_at_after`/`created_at_before`, both exclusive), and up to `concurrency` windows are
//! walked at once, each with `starting_after` and the ascending `created_at` order. When a window
//! turns out to hold more than a page while others have finished, what is left of it is cut in
//! two, so skewed creation times still keep every worker busy. Every user in the range is in
//! exactly one window, and each window is walked once: every user is yielded exactly once.
//!
//! Each window keeps only the users strictly inside it, whether Clerk's time bounds include their
//! boundary or not, so a millisecond on the boundary of two windows is walked by one of them; a
//! window whose cursor user is deleted starts again from the cursor's millisecond (see "When the
//! cursor's user is deleted" in the [module docs](super)).
//!
//! Users created after the walk started are newer than its range, and are not yielded; users
//! deleted during it may or may not be. Pages arrive in no particular order. The client's rate
//! limiter and retries apply to every request, and at most `concurrency` pages are in flight.

use std::collections::VecDeque;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};

use super::cursor::{self, Cursor, Direction};
use super::lists::{CreatedRange, Fetched, List};
use super::walk::page;
use super::{Item, Page, Paginator, Position, ResumeToken, WalkError};
use crate::{Client, Error, Result};

/// A part of the `created_at` range, and how far its walk has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Window {
    /// Users created strictly after this (Unix ms).
    after: i64,
    /// Users created strictly before this (Unix ms).
    before: i64,
    /// The last user passed in this window.
    #[serde(default)]
    cursor: Cursor,
    /// Full pages in a row that brought nothing new.
    #[serde(default)]
    stale_pages: usize,
}

/// The most windows a walk starts with.
const MAX_WINDOWS: usize = 1024;

type InFlight<T> = FuturesUnordered<BoxFuture<'static, (Window, u64, Result<Fetched<T>>)>>;

type Step<T> = Option<(std::result::Result<Page<T>, WalkError>, Option<Windows<T>>)>;

/// The pages of a concurrent walk.
pub(super) fn stream<T: Item>(
    paginator: Paginator<T>,
) -> BoxStream<'static, std::result::Result<Page<T>, WalkError>> {
    stream::unfold(Some(WindowWalk::Start(paginator)), WindowWalk::step).boxed()
}

/// The state of a concurrent walk: not started, or walking windows.
enum WindowWalk<T> {
    Start(Paginator<T>),
    Running(Windows<T>),
}

impl<T: Item> WindowWalk<T> {
    async fn step(
        state: Option<Self>,
    ) -> Option<(std::result::Result<Page<T>, WalkError>, Option<Self>)> {
        let mut windows = match state? {
            WindowWalk::Start(paginator) => match Windows::start(paginator).await {
                Ok(Some(windows)) => windows,
                Ok(None) => return None,
                // Nothing was yielded: the walk simply starts again.
                Err(error) => return Some((Err(WalkError::before_start(error)), None)),
            },
            WindowWalk::Running(windows) => windows,
        };
        loop {
            match windows.next_page().await? {
                // A page with nothing to yield (all of it outside the window, or seen): go on.
                (Ok(page), Some(next)) if page.items.is_empty() && page.undecodable.is_empty() => {
                    windows = next
                }
                (outcome, next) => return Some((outcome, next.map(WindowWalk::Running))),
            }
        }
    }
}

/// The state of a concurrent walk between pages.
struct Windows<T> {
    client: Client,
    list: List,
    page_size: u64,
    concurrency: usize,
    remaining: Option<u64>,
    yielded: u64,
    queue: VecDeque<Window>,
    /// The windows of the requests in flight, as they were when sent.
    flying: Vec<Window>,
    in_flight: InFlight<T>,
    /// An error to end the walk with after the page being yielded.
    stopping: Option<WalkError>,
}

impl<T: Item> Windows<T> {
    /// Sets up the walk: from a resume token's windows, or by asking for the oldest and newest
    /// matching users and cutting the range between them.
    async fn start(paginator: Paginator<T>) -> Result<Option<Self>> {
        let plan = paginator.list.plan()?;
        if plan.cursor.is_none() || plan.offset != 0 || plan.starting_after.is_some() {
            return Err(Error::InvalidRequest(
                "a concurrent walk needs the created_at ordering, and no offset or starting_after"
                    .to_owned(),
            ));
        }
        let page_size = paginator.checked_page_size(plan.limit)?;
        let concurrency = paginator.concurrency;
        let mut windows = Windows {
            client: paginator.client.clone(),
            list: paginator.list.clone(),
            page_size,
            concurrency,
            remaining: paginator.max_items,
            yielded: 0,
            queue: VecDeque::new(),
            flying: Vec::new(),
            in_flight: FuturesUnordered::new(),
            stopping: None,
        };
        match paginator.resume {
            Some(ResumeToken { position: Position::Windows { windows: saved }, yielded }) => {
                windows.yielded = yielded;
                windows.remaining = windows.remaining.map(|max| max.saturating_sub(yielded));
                windows.queue = saved.into();
            }
            Some(_) => {
                return Err(Error::InvalidRequest(
                    "this resume token comes from a sequential walk; resume it without concurrency"
                        .to_owned(),
                ));
            }
            None => {
                let (oldest, newest) = match paginator.created_range {
                    Some((oldest, newest)) if oldest > newest => {
                        return Err(Error::InvalidRequest(format!(
                            "known_created_range: the oldest user ({oldest}) is newer than the \
                             newest ({newest})"
                        )));
                    }
                    Some((oldest, newest)) => (oldest, newest),
                    None => {
                        let client = &windows.client;
                        let (oldest, newest) = futures::try_join!(
                            windows.list.edge(client.clone(), false),
                            windows.list.edge(client.clone(), true),
                        )?;
                        let (Some(oldest), Some(newest)) = (oldest, newest) else {
                            return Ok(None);
                        };
                        (oldest, newest)
                    }
                };
                let (after, before) = widen(oldest, newest);
                windows.queue = split(after, before, concurrency.saturating_mul(2)).collect();
            }
        }
        Ok(Some(windows))
    }

    /// Where the walk stands: every window not finished (in flight ones as they were sent), with
    /// its cursor.
    fn token(&self) -> Box<ResumeToken> {
        let windows = self.flying.iter().chain(&self.queue).cloned().collect();
        Box::new(ResumeToken { position: Position::Windows { windows }, yielded: self.yielded })
    }

    /// Starts requests until `concurrency` are in flight or no window is waiting.
    fn fill(&mut self) {
        while self.in_flight.len() < self.concurrency {
            let Some(window) = self.queue.pop_front() else { break };
            let limit = self.remaining.map_or(self.page_size, |r| r.min(self.page_size));
            let (list, client) = (self.list.clone(), self.client.clone());
            self.flying.push(window.clone());
            self.in_flight.push(Box::pin(async move {
                let range = CreatedRange {
                    after: Some(window.after),
                    before: Some(window.before),
                    ascending: true,
                };
                let fetched = cursor::fetch_after(
                    &list,
                    &client,
                    limit,
                    &window.cursor,
                    Direction::Ascending,
                    Some(range),
                )
                .await;
                (window, limit, fetched)
            }));
        }
    }

    /// The next page of whichever window answers first, and the walk's state after it; `None`
    /// when every window is done.
    async fn next_page(mut self) -> Step<T> {
        if self.remaining == Some(0) {
            return None;
        }
        if let Some(error) = self.stopping.take() {
            return Some((Err(error), None));
        }
        self.fill();
        let (window, limit, result) = self.in_flight.next().await?;
        let fetched = match result {
            Ok(fetched) => fetched,
            Err(error) => {
                // The failed window is still in `flying`: resuming starts it over.
                let resume = Some(self.token());
                return Some((Err(WalkError::Request { error, resume }), None));
            }
        };
        if self.yielded.checked_add(fetched.rows.len() as u64).is_none() {
            // The window is still in `flying`: resuming (with a sane token) starts it over.
            let error = super::walk::position_overflow(0, self.yielded);
            let resume = Some(self.token());
            return Some((Err(WalkError::Request { error, resume }), None));
        }
        if let Some(at) = self.flying.iter().position(|w| *w == window) {
            self.flying.swap_remove(at);
        }
        let full = fetched.rows.len() as u64 >= limit;
        let (fetched, reached_end) = inside(&window, fetched);
        let mut window = window;
        let before = window.cursor.id.clone();
        let keep = self.remaining.map_or(usize::MAX, |r| usize::try_from(r).unwrap_or(usize::MAX));
        let taken = cursor::take_new(&mut window.cursor, fetched, Direction::Ascending, keep);
        self.remaining = self.remaining.map(|r| r - taken.new.len() as u64);
        self.yielded += taken.new.len() as u64;
        // Cut short by `max_items` (other windows' pages came first): the rest of this page, and
        // of the window, is still to come on resume.
        let continues = taken.cut || (full && !reached_end);
        if continues {
            window.stale_pages = if taken.new.is_empty() { window.stale_pages + 1 } else { 0 };
            // NB: a server that ignores the cursor would hand back the same page forever: the
            // window's cursor must move, or bring something new, or the walk stops.
            let stuck = taken.new.is_empty() && window.cursor.id == before;
            if stuck || window.stale_pages > window.cursor.stale_pages_allowed(limit) {
                self.flying.push(window);
                let resume = self.token();
                return Some((Err(WalkError::PageRepeated { resume }), None));
            }
        }
        if taken.out_of_order || (continues && taken.unplaceable) {
            // What was new is yielded; then the walk stops rather than guess. The window, past
            // what was yielded, is in the token.
            self.flying.push(window);
            let resume = self.token();
            self.stopping = Some(match taken.out_of_order {
                true => WalkError::PageRepeated { resume },
                false => WalkError::Unplaceable { resume },
            });
        } else if continues {
            if !taken.cut && self.queue.is_empty() && self.in_flight.len() + 1 < self.concurrency {
                // Nothing else waiting: cut what is left of this window, so an idle worker can
                // help.
                self.queue.extend(split_rest(window));
            } else {
                self.queue.push_back(window);
            }
        }
        let new = taken.new;
        let page = page(new, None, *self.token());
        let done = self.stopping.is_none()
            && (self.remaining == Some(0) || (self.queue.is_empty() && self.in_flight.is_empty()));
        Some((Ok(page), if done { None } else { Some(self) }))
    }
}

/// The rows of a page inside the window's bounds, and whether the page reached past its end.
/// Clerk's bounds may include their boundary millisecond; the window's never do, so the
/// millisecond on a boundary between two windows belongs to one of them only.
fn inside<T: Item>(window: &Window, page: Fetched<T>) -> (Fetched<T>, bool) {
    let mut reached_end = false;
    let rows = page
        .rows
        .into_iter()
        .filter(|row| match row.created_at() {
            Some(at) if at >= window.before => {
                reached_end = true;
                false
            }
            Some(at) => at > window.after,
            None => true,
        })
        .collect();
    (Fetched { rows, ..page }, reached_end)
}

/// `parts` windows covering `(after, before)` evenly (fewer when the range is narrow). The
/// arithmetic is in `i128`: timestamps come from the server.
fn split(after: i64, before: i64, parts: usize) -> impl Iterator<Item = Window> {
    let (after, before) = (i128::from(after), i128::from(before));
    let span = (before - after).max(1);
    // More windows than this only adds partial pages.
    let parts = (parts.min(MAX_WINDOWS) as i128).clamp(1, span);
    let step = span / parts;
    let narrow = |t: i128| i64::try_from(t).unwrap_or(if t < 0 { i64::MIN } else { i64::MAX });
    (0..parts).map(move |i| {
        let start = narrow(after + i * step);
        let end = narrow(if i + 1 == parts { before } else { after + (i + 1) * step + 1 });
        // Windows are exclusive at both ends: the next one starts one millisecond before this
        // one's `before`, so that millisecond belongs to exactly one of them.
        Window { after: start, before: end, cursor: Cursor::default(), stale_pages: 0 }
    })
}

/// `t - 1` and `t + 1` that stay in range.
fn widen(oldest: i64, newest: i64) -> (i64, i64) {
    (oldest.saturating_sub(1), newest.saturating_add(1))
}

/// Cuts what is left of a window after its cursor in two: the window keeps its cursor and the
/// lower half, a new window takes the upper half.
fn split_rest(window: Window) -> Vec<Window> {
    let Some(at) = window.cursor.at else { return vec![window] };
    let (at, before) = (i128::from(at), i128::from(window.before));
    let mid = at + (before - at) / 2;
    if mid <= at + 1 || mid >= before {
        return vec![window];
    }
    // `at < mid < before`, so `mid` and `mid - 1` fit in an i64.
    let (Ok(mid), Ok(below)) = (i64::try_from(mid), i64::try_from(mid - 1)) else {
        return vec![window];
    };
    let upper =
        Window { after: below, before: window.before, cursor: Cursor::default(), stale_pages: 0 };
    vec![Window { before: mid, ..window }, upper]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cursor at a user created at `at`.
    fn at(id: &str, at: i64) -> Cursor {
        let mut cursor = Cursor::default();
        cursor.pass(id, Some(at));
        cursor
    }

    /// Every millisecond in `(after, before)` belongs to exactly one of the windows.
    fn assert_partition(after: i64, before: i64, windows: &[Window]) {
        for t in after + 1..before {
            let owners = windows.iter().filter(|w| w.after < t && t < w.before).count();
            assert_eq!(owners, 1, "{t} in {windows:?}");
        }
    }

    #[test]
    fn splitting_partitions_the_range() {
        for (after, before, parts) in
            [(0, 100, 4), (0, 101, 3), (10, 13, 8), (5, 6, 2), (-1, 1000, 16)]
        {
            let windows: Vec<Window> = split(after, before, parts).collect();
            assert!(windows.len() <= parts, "{windows:?}");
            assert_partition(after, before, &windows);
        }
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        assert_eq!(widen(i64::MIN, i64::MAX), (i64::MIN, i64::MAX));
        let windows: Vec<Window> = split(i64::MIN, i64::MAX, usize::MAX).collect();
        assert!(!windows.is_empty());
        assert_eq!((windows[0].after, windows.last().unwrap().before), (i64::MIN, i64::MAX));
        let far = Window {
            after: i64::MIN,
            before: i64::MAX,
            cursor: at("u", i64::MIN + 1),
            stale_pages: 0,
        };
        assert_eq!(split_rest(far).len(), 2);
    }

    #[test]
    fn splitting_the_rest_of_a_window_keeps_its_cursor_and_partitions_the_rest() {
        let window = Window { after: 0, before: 100, cursor: at("user_1", 20), stale_pages: 0 };
        let halves = split_rest(window.clone());
        assert_eq!(halves.len(), 2);
        assert_eq!(halves[0].cursor, window.cursor);
        assert_partition(20, 100, &halves);
        // A window too narrow to cut stays whole.
        let narrow = Window { after: 0, before: 22, cursor: at("user_1", 20), stale_pages: 0 };
        assert_eq!(split_rest(narrow.clone()), [narrow]);
    }
}
