//! Where a cursor walk over users stands, and how it gets past a cursor whose user is gone.
//!
//! A cursor walk asks for the page after the last user it passed (`starting_after`). If that user
//! is deleted before the next request, Clerk cannot place the cursor: it refuses it (the fake
//! answers 422) or, as far as anyone knows, may answer an empty page. Either way the walk starts
//! again from the cursor's millisecond with a `created_at` bound instead, and skips what it has
//! already passed. Users are ordered by `created_at`, so "passed" is exact: everything on the
//! walked side of the cursor's millisecond, and in that millisecond the ids the walk has seen
//! ([`Cursor::tied`]), whatever order Clerk gives users created in the same millisecond and
//! whether its time bounds include their boundary or not.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Item;
use super::lists::{CreatedRange, Fetched, List, PageRequest, Row};
use crate::{Client, Error, Result};

/// The last user a cursor walk passed, and what it needs to start again without it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Cursor {
    /// The next page starts after this user (`starting_after`); `None`: from the start.
    #[serde(rename = "after")]
    pub(super) id: Option<String>,
    /// That user's `created_at`, when known.
    #[serde(default)]
    pub(super) at: Option<i64>,
    /// Every id passed whose `created_at` is `at`, the cursor's own included.
    #[serde(default)]
    pub(super) tied: BTreeSet<String>,
}

/// The way a cursor walk goes through `created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Oldest first (`+created_at`).
    Ascending,
    /// Newest first (`-created_at`, Clerk's default).
    Descending,
}

impl Direction {
    /// Where a `created_at` lies from the cursor's: `Less` is behind (already walked).
    fn place(self, created_at: i64, cursor_at: i64) -> Ordering {
        match self {
            Direction::Ascending => created_at.cmp(&cursor_at),
            Direction::Descending => cursor_at.cmp(&created_at),
        }
    }
}

impl Cursor {
    /// A cursor at a user whose `created_at` is not known (set on the list builder).
    pub(super) fn at_id(id: Option<String>) -> Cursor {
        Cursor { id, at: None, tied: BTreeSet::new() }
    }

    /// Whether the walk passed the item already. Items without a `created_at` cannot be placed,
    /// and count as new.
    pub(super) fn passed(&self, id: Option<&str>, created_at: Option<i64>, way: Direction) -> bool {
        let (Some(at), Some(created_at)) = (self.at, created_at) else { return false };
        match way.place(created_at, at) {
            Ordering::Less => true,
            Ordering::Equal => id.is_some_and(|id| self.tied.contains(id)),
            Ordering::Greater => false,
        }
    }

    /// Moves the cursor to an item the walk has passed.
    pub(super) fn pass(&mut self, id: &str, created_at: Option<i64>) {
        if created_at.is_none() || created_at != self.at {
            self.at = created_at;
            self.tied.clear();
        }
        if created_at.is_some() {
            self.tied.insert(id.to_owned());
        }
        self.id = Some(id.to_owned());
    }

    /// How many pages in a row may bring nothing new before the walk calls it a repeat: enough
    /// to go through the tied ids a restart hands back again.
    pub(super) fn stale_pages_allowed(&self, limit: u64) -> usize {
        let tied = u64::try_from(self.tied.len()).unwrap_or(u64::MAX);
        usize::try_from(tied / limit.max(1)).unwrap_or(usize::MAX).saturating_add(1)
    }
}

/// Fetches the page after `cursor` within `range`; if Clerk cannot place the cursor (it refuses
/// it, or answers an empty page), the page from the cursor's millisecond on instead.
pub(super) async fn fetch_after<T: Item>(
    list: &List,
    client: &Client,
    limit: u64,
    cursor: &Cursor,
    way: Direction,
    range: Option<CreatedRange>,
) -> Result<Fetched<T>> {
    // Only a cursor whose millisecond is known can be restarted from.
    let restart_at = cursor.id.as_ref().and(cursor.at);
    let request = PageRequest { limit, offset: None, starting_after: cursor.id.clone(), range };
    let at = match (list.fetch::<T>(client.clone(), request).await, restart_at) {
        // An empty page after a cursor is the end of the list or a cursor Clerk lost; the
        // restart tells them apart.
        (Ok(page), Some(at)) if page.rows.is_empty() => at,
        (Err(error), Some(at)) if refuses_cursor(&error) => at,
        (outcome, _) => return outcome,
    };
    tracing::debug!("the walk's cursor was refused or led nowhere; starting again from its time");
    let range = Some(restart_range(at, way, range));
    let request = PageRequest { limit, offset: None, starting_after: None, range };
    let page = list.fetch::<T>(client.clone(), request).await?;
    Ok(Fetched { restarted: true, ..page })
}

/// Whether Clerk's answer to a page request can mean "no user has the `starting_after` id".
fn refuses_cursor(error: &Error) -> bool {
    error.status().is_some_and(|status| matches!(status.as_u16(), 400 | 404 | 410 | 422))
}

/// The `created_at` range of a restart: from the cursor's millisecond on, in the walk's
/// direction, inside `range`. Bounds are sent as exclusive: the millisecond before `at` (the
/// restart skips it if Clerk's bounds turn out inclusive).
fn restart_range(at: i64, way: Direction, range: Option<CreatedRange>) -> CreatedRange {
    let range = range.unwrap_or(CreatedRange {
        after: None,
        before: None,
        ascending: way == Direction::Ascending,
    });
    match way {
        Direction::Ascending => {
            let after = at.saturating_sub(1);
            CreatedRange { after: Some(range.after.map_or(after, |a| a.max(after))), ..range }
        }
        Direction::Descending => {
            let before = at.saturating_add(1);
            CreatedRange { before: Some(range.before.map_or(before, |b| b.min(before))), ..range }
        }
    }
}

/// What a page brought: the rows the walk has not passed, and whether the last row the cursor
/// should have moved to had no id (then no cursor can follow it).
pub(super) struct Taken<T> {
    pub(super) new: Vec<Row<T>>,
    pub(super) unplaceable: bool,
    /// `keep` stopped it before the end of the page.
    pub(super) cut: bool,
    /// A page that is not a restart held a user behind the cursor: Clerk is not walking the
    /// order the walk expects (or repeats an earlier page).
    pub(super) out_of_order: bool,
}

/// Keeps the rows of a page the walk has not passed, at most `keep` of them (`max_items`), and
/// moves the cursor along Clerk's order to the last row kept or passed again, so a resume picks
/// up what was not kept.
pub(super) fn take_new<T: Item>(
    cursor: &mut Cursor,
    page: Fetched<T>,
    way: Direction,
    keep: usize,
) -> Taken<T> {
    let mut taken = Taken { new: Vec::new(), unplaceable: false, cut: false, out_of_order: false };
    for row in page.rows {
        if taken.new.len() == keep {
            taken.cut = true;
            break;
        }
        let (id, created_at) = (row.id(), row.created_at());
        let behind =
            matches!((cursor.at, created_at), (Some(at), Some(t)) if way.place(t, at).is_lt());
        if behind {
            // Before the cursor's millisecond: long done. A restart under inclusive bounds
            // starts there; any other page should not.
            taken.out_of_order |= !page.restarted;
            continue;
        }
        let passed = cursor.passed(id, created_at, way);
        match id {
            // Seen in the cursor's millisecond: the cursor follows Clerk's order through it.
            Some(id) if passed => cursor.id = Some(id.to_owned()),
            Some(id) => cursor.pass(id, created_at),
            None => {}
        }
        taken.unplaceable = id.is_none();
        if !passed {
            taken.new.push(row);
        }
    }
    taken
}
