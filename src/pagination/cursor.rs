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

    /// Moves the cursor to an item the walk has passed. An item without a `created_at` leaves
    /// the millisecond where it was: a restart from there only asks for more than it needs.
    pub(super) fn pass(&mut self, id: &str, created_at: Option<i64>) {
        if let Some(created_at) = created_at {
            if self.at != Some(created_at) {
                self.at = Some(created_at);
                self.tied.clear();
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A user as the walk sees it: an id and a `created_at`.
    #[derive(Debug, serde::Deserialize)]
    struct Seen {
        id: String,
        at: i64,
    }

    impl Item for Seen {}
    impl super::super::sealed::Item for Seen {
        fn walk_id(&self) -> Option<&str> {
            Some(&self.id)
        }

        fn walk_created_at(&self) -> Option<i64> {
            Some(self.at)
        }
    }

    fn page(rows: &[(&str, i64)], restarted: bool) -> Fetched<Seen> {
        let rows =
            rows.iter().map(|(id, at)| Row::Item(Seen { id: (*id).to_owned(), at: *at })).collect();
        Fetched { rows, total_count: None, restarted }
    }

    fn ids<T: Item>(rows: &[Row<T>]) -> Vec<&str> {
        rows.iter().filter_map(Row::id).collect()
    }

    #[test]
    fn a_restart_skips_what_was_passed_in_the_cursors_millisecond_and_before() {
        let mut cursor = Cursor::default();
        let first = take_new(
            &mut cursor,
            page(&[("a", 5), ("b", 7), ("c", 7)], false),
            Direction::Ascending,
            usize::MAX,
        );
        assert_eq!(ids(&first.new), ["a", "b", "c"]);
        assert_eq!((cursor.id.as_deref(), cursor.at), (Some("c"), Some(7)));
        assert_eq!(cursor.tied.iter().map(String::as_str).collect::<Vec<_>>(), ["b", "c"]);

        // Clerk lost `c`; the restart from millisecond 7 under inclusive bounds also hands back
        // millisecond 6, and lists the ties in another order.
        let restart = page(&[("x", 6), ("b", 7), ("d", 7), ("e", 8)], true);
        let taken = take_new(&mut cursor, restart, Direction::Ascending, usize::MAX);
        assert_eq!(ids(&taken.new), ["d", "e"]);
        assert!(!taken.out_of_order);
        assert_eq!((cursor.id.as_deref(), cursor.at), (Some("e"), Some(8)));
    }

    #[test]
    fn users_behind_the_cursor_outside_a_restart_are_out_of_order() {
        let mut cursor = Cursor::default();
        take_new(
            &mut cursor,
            page(&[("a", 9), ("b", 8)], false),
            Direction::Descending,
            usize::MAX,
        );
        let taken = take_new(
            &mut cursor,
            page(&[("c", 7), ("z", 10)], false),
            Direction::Descending,
            usize::MAX,
        );
        assert_eq!(ids(&taken.new), ["c"]);
        assert!(taken.out_of_order);
    }

    #[test]
    fn max_items_stops_the_cursor_at_the_last_item_kept() {
        let mut cursor = Cursor::default();
        let taken = take_new(
            &mut cursor,
            page(&[("a", 1), ("b", 2), ("c", 3)], false),
            Direction::Ascending,
            2,
        );
        assert_eq!(ids(&taken.new), ["a", "b"]);
        assert!(taken.cut);
        assert_eq!(cursor.id.as_deref(), Some("b"));
    }

    #[test]
    fn restart_ranges_start_one_millisecond_before_the_cursor_inside_the_walks_range() {
        let plain = restart_range(100, Direction::Ascending, None);
        assert_eq!(plain, CreatedRange { after: Some(99), before: None, ascending: true });
        let newest_first = restart_range(100, Direction::Descending, None);
        assert_eq!(newest_first, CreatedRange { after: None, before: Some(101), ascending: false });
        let window = CreatedRange { after: Some(120), before: Some(200), ascending: true };
        assert_eq!(restart_range(100, Direction::Ascending, Some(window)).after, Some(120));
        assert_eq!(restart_range(i64::MIN, Direction::Ascending, None).after, Some(i64::MIN));
        assert_eq!(restart_range(i64::MAX, Direction::Descending, None).before, Some(i64::MAX));
    }

    #[test]
    fn old_tokens_without_the_tie_fields_still_read() {
        let cursor: Cursor = serde_json::from_str(r#"{"after": "user_1"}"#).unwrap();
        assert_eq!(cursor, Cursor::at_id(Some("user_1".to_owned())));
    }
}
