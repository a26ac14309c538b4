//! Answers to what Clerk's docs leave open about `GET /users`, one knob each, so a test can check
//! that a client is right whichever way Clerk really behaves.

/// Whether the `*_after` / `*_before` time filters of `GET /users` and `GET /users/count`
/// (`created_at_after`, `last_active_at_before`, …) include the boundary millisecond. Clerk's docs
/// say "after" and "before" without saying.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeBounds {
    /// `created_at_after=t` keeps users created at `t + 1` or later (the default).
    #[default]
    Exclusive,
    /// `created_at_after=t` keeps users created at `t` or later.
    Inclusive,
}

/// How users created in the same millisecond are ordered among themselves in the `created_at`
/// orderings (ascending; `-created_at` is the exact reverse). Many users can share a millisecond:
/// an import that sets `created_at` from a source with second or day precision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TieOrder {
    /// By id, ascending (the default).
    #[default]
    Id,
    /// By id, descending.
    IdDescending,
    /// In the order the fake stored them (seeded, created or inserted by a fault).
    Insertion,
}

/// What `GET /users?starting_after=<id>` answers when no user has that id (deleted since the
/// previous page, say). Clerk's docs do not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum VanishedCursor {
    /// 422 `form_param_value_invalid` for `starting_after` (the default).
    #[default]
    Error,
    /// An empty page, as if the list ended there.
    EmptyPage,
}

/// The three knobs together, as the store reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Quirks {
    pub(crate) time_bounds: TimeBounds,
    pub(crate) tie_order: TieOrder,
    pub(crate) vanished_cursor: VanishedCursor,
}

impl TimeBounds {
    /// Whether `value` is inside the bounds `after` and `before` (each optional).
    pub(crate) fn admits(self, value: i64, after: Option<i64>, before: Option<i64>) -> bool {
        match self {
            TimeBounds::Exclusive => {
                after.is_none_or(|a| value > a) && before.is_none_or(|b| value < b)
            }
            TimeBounds::Inclusive => {
                after.is_none_or(|a| value >= a) && before.is_none_or(|b| value <= b)
            }
        }
    }
}
