//! `GET /users` and `GET /users/count`: the query string, the filters, the orderings, and the
//! `limit`/`offset`/`starting_after` paging.

use std::cmp::Ordering;

use percent_encoding::percent_decode_str;

use super::error::Failure;
use super::quirks::VanishedCursor;
use super::store::{Store, cmp_nulls_last};
use super::user::User;

/// Most values an array filter accepts.
const MAX_VALUES: usize = 100;
/// Largest page.
pub(crate) const MAX_LIMIT: usize = 500;
/// Page size when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// A decoded query string: `(key, value)` pairs in order, repeated keys kept.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Decodes `a=1&b=x%2By&b=z+w` (`+` is a space, as in forms).
    pub(crate) fn parse(raw: &str) -> Query {
        let decode = |part: &str| {
            let spaced = part.replace('+', " ");
            percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
        };
        Query(
            raw.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(key), decode(value))
                })
                .collect(),
        )
    }

    /// Every value of `key`.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    /// The first value of `key`.
    pub(crate) fn first(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn values(&self, key: &str) -> Result<Vec<String>, Failure> {
        let values = self.all(key);
        if values.len() > MAX_VALUES {
            return Err(Failure::value_invalid(
                key,
                format!("{key} accepts at most {MAX_VALUES} values; {} were given.", values.len()),
            ));
        }
        Ok(values.into_iter().map(str::to_owned).collect())
    }

    fn int(&self, key: &str) -> Result<Option<i64>, Failure> {
        self.first(key)
            .map(|value| value.parse().map_err(|_| Failure::format_invalid(key, "an integer")))
            .transpose()
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, Failure> {
        self.first(key)
            .map(|value| match value {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(Failure::format_invalid(key, "true or false")),
            })
            .transpose()
    }

    fn lowercase(&self, key: &str) -> Option<String> {
        self.first(key).filter(|q| !q.is_empty()).map(str::to_lowercase)
    }

    /// `limit` (1..=500, default 10) and `offset` (0 or more, default 0).
    pub(crate) fn limit_offset(&self) -> Result<(usize, usize), Failure> {
        let limit = match self.first("limit") {
            None => DEFAULT_LIMIT,
            Some(value) => value
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    Failure::value_invalid(
                        "limit",
                        format!("limit must be an integer from 1 to {MAX_LIMIT}; got {value:?}."),
                    )
                })?,
        };
        let offset = match self.first("offset") {
            None => 0,
            Some(value) => value.parse::<usize>().map_err(|_| {
                Failure::value_invalid(
                    "offset",
                    format!("offset must be an integer, 0 or more; got {value:?}."),
                )
            })?,
        };
        Ok((limit, offset))
    }
}

/// Ids to keep (`id` or `+id`) and to drop (`-id`).
#[derive(Default)]
struct Sets {
    include: Vec<String>,
    exclude: Vec<String>,
}

impl Sets {
    fn parse(values: Vec<String>) -> Sets {
        let mut sets = Sets::default();
        for value in values {
            if let Some(id) = value.strip_prefix('-') {
                sets.exclude.push(id.to_owned());
            } else {
                sets.include.push(value.strip_prefix('+').unwrap_or(&value).to_owned());
            }
        }
        sets
    }

    fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether a user with `ids` passes.
    fn admits<'a>(&self, mut ids: impl Iterator<Item = &'a str> + Clone) -> bool {
        (self.include.is_empty() || ids.clone().any(|id| self.include.iter().any(|i| i == id)))
            && !ids.any(|id| self.exclude.iter().any(|e| e == id))
    }
}

/// The filters `GET /users` and `GET /users/count` share.
#[derive(Default)]
pub(crate) struct Filters {
    user_id: Sets,
    external_id: Sets,
    organization_id: Sets,
    /// Lowercased.
    email_address: Vec<String>,
    phone_number: Vec<String>,
    /// Lowercased.
    username: Vec<String>,
    /// Lowercased.
    web3_wallet: Vec<String>,
    /// Lowercased, like every `…query`.
    query: Option<String>,
    email_address_query: Option<String>,
    phone_number_query: Option<String>,
    username_query: Option<String>,
    name_query: Option<String>,
    banned: Option<bool>,
    created_at_before: Option<i64>,
    created_at_after: Option<i64>,
    last_active_at_before: Option<i64>,
    last_active_at_after: Option<i64>,
    last_sign_in_at_before: Option<i64>,
    last_sign_in_at_after: Option<i64>,
    provider: Option<String>,
    provider_user_id: Vec<String>,
}

impl Filters {
    pub(crate) fn parse(query: &Query) -> Result<Filters, Failure> {
        let lower = |values: Vec<String>| values.into_iter().map(|v| v.to_lowercase()).collect();
        let filters = Filters {
            user_id: Sets::parse(query.values("user_id")?),
            external_id: Sets::parse(query.values("external_id")?),
            organization_id: Sets::parse(query.values("organization_id")?),
            email_address: lower(query.values("email_address")?),
            phone_number: query.values("phone_number")?,
            username: lower(query.values("username")?),
            web3_wallet: lower(query.values("web3_wallet")?),
            query: query.lowercase("query"),
            email_address_query: query.lowercase("email_address_query"),
            phone_number_query: query.lowercase("phone_number_query"),
            username_query: query.lowercase("username_query"),
            name_query: query.lowercase("name_query"),
            banned: query.bool("banned")?,
            created_at_before: query.int("created_at_before")?,
            created_at_after: query.int("created_at_after")?,
            last_active_at_before: query.int("last_active_at_before")?,
            // `last_active_at_since` is the deprecated name of `last_active_at_after`.
            last_active_at_after: match query.int("last_active_at_after")? {
                Some(after) => Some(after),
                None => query.int("last_active_at_since")?,
            },
            last_sign_in_at_before: query.int("last_sign_in_at_before")?,
            last_sign_in_at_after: query.int("last_sign_in_at_after")?,
            provider: query.first("provider").map(str::to_owned),
            provider_user_id: query.values("provider_user_id")?,
        };
        match (&filters.provider, filters.provider_user_id.is_empty()) {
            (Some(_), true) => Err(Failure::missing_param("provider_user_id")),
            (None, false) => Err(Failure::missing_param("provider")),
            _ => Ok(filters),
        }
    }

    /// Whether `user` passes every filter. Time bounds include their boundary or not as the
    /// store's [`TimeBounds`](crate::TimeBounds) say.
    pub(crate) fn admits(&self, store: &Store, user: &User) -> bool {
        let bounds = store.quirks.time_bounds;
        let strictly = |value: Option<i64>, after: Option<i64>, before: Option<i64>| {
            (after.is_none() && before.is_none())
                || value.is_some_and(|v| bounds.admits(v, after, before))
        };
        let emails = || user.emails.iter().map(|e| &*e.value);
        let phones = || user.phones.iter().map(|p| &*p.value);
        let wallets = || user.wallets.iter().map(|w| &*w.value);
        let names = || user.first_name.iter().chain(user.last_name.iter()).map(|n| &**n);
        (self.user_id.is_empty() || self.user_id.admits(std::iter::once(&*user.id)))
            && (self.external_id.is_empty()
                || self.external_id.admits(user.external_id.as_deref().into_iter()))
            && (self.organization_id.is_empty()
                || self.organization_id.admits(
                    user.memberships
                        .iter()
                        .filter_map(|m| store.orgs.get(m.org))
                        .map(|org| &*org.id),
                ))
            && (self.email_address.is_empty()
                || emails().any(|e| self.email_address.iter().any(|f| f.eq_ignore_ascii_case(e))))
            && (self.phone_number.is_empty()
                || phones().any(|p| self.phone_number.iter().any(|f| f == p)))
            && (self.username.is_empty()
                || user
                    .username
                    .as_deref()
                    .is_some_and(|u| self.username.iter().any(|f| f.eq_ignore_ascii_case(u))))
            && (self.web3_wallet.is_empty()
                || wallets().any(|w| self.web3_wallet.iter().any(|f| f.eq_ignore_ascii_case(w))))
            && self.query.as_deref().is_none_or(|q| {
                contains(&user.id, q)
                    || emails().any(|e| contains(e, q))
                    || phones().any(|p| contains(p, q))
                    || wallets().any(|w| contains(w, q))
                    || user.username.as_deref().is_some_and(|u| contains(u, q))
                    || names().any(|n| contains(n, q))
            })
            && self.email_address_query.as_deref().is_none_or(|q| emails().any(|e| contains(e, q)))
            && self.phone_number_query.as_deref().is_none_or(|q| phones().any(|p| contains(p, q)))
            && self
                .username_query
                .as_deref()
                .is_none_or(|q| user.username.as_deref().is_some_and(|u| contains(u, q)))
            && self.name_query.as_deref().is_none_or(|q| names().any(|n| contains(n, q)))
            && self.banned.is_none_or(|banned| user.banned == banned)
            && strictly(Some(user.created_at), self.created_at_after, self.created_at_before)
            && strictly(user.last_active_at, self.last_active_at_after, self.last_active_at_before)
            && strictly(
                user.last_sign_in_at,
                self.last_sign_in_at_after,
                self.last_sign_in_at_before,
            )
            && self.provider.as_deref().is_none_or(|provider| {
                user.oauth.iter().any(|account| {
                    *account.provider == *provider
                        && self.provider_user_id.iter().any(|id| **id == *account.provider_user_id)
                })
            })
    }
}

/// Whether `haystack` contains the lowercased `needle`, ignoring case.
fn contains(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|window| window.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(needle)
    }
}

/// A field `order_by` can name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SortField {
    CreatedAt,
    UpdatedAt,
    EmailAddress,
    Web3Wallet,
    FirstName,
    LastName,
    PhoneNumber,
    Username,
    LastActiveAt,
    LastSignInAt,
}

impl SortField {
    fn parse(name: &str) -> Option<SortField> {
        Some(match name {
            "created_at" => SortField::CreatedAt,
            "updated_at" => SortField::UpdatedAt,
            "email_address" => SortField::EmailAddress,
            "web3wallet" => SortField::Web3Wallet,
            "first_name" => SortField::FirstName,
            "last_name" => SortField::LastName,
            "phone_number" => SortField::PhoneNumber,
            "username" => SortField::Username,
            "last_active_at" => SortField::LastActiveAt,
            "last_sign_in_at" => SortField::LastSignInAt,
            _ => return None,
        })
    }

    /// Ascending comparison of two users on this field, absent values last, ties by id.
    fn cmp(self, a: &User, b: &User) -> Ordering {
        let text = |f: fn(&User) -> Option<&str>| cmp_nulls_last(f(a), f(b));
        let number = |f: fn(&User) -> Option<i64>| cmp_nulls_last(f(a), f(b));
        let by_field = match self {
            SortField::CreatedAt => a.created_at.cmp(&b.created_at),
            SortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
            SortField::EmailAddress => text(|u| u.primary_email().map(|e| &*e.value)),
            SortField::Web3Wallet => text(|u| u.primary_wallet().map(|w| &*w.value)),
            SortField::FirstName => text(|u| u.first_name.as_deref()),
            SortField::LastName => text(|u| u.last_name.as_deref()),
            SortField::PhoneNumber => text(|u| u.primary_phone().map(|p| &*p.value)),
            SortField::Username => text(|u| u.username.as_deref()),
            SortField::LastActiveAt => number(|u| u.last_active_at),
            SortField::LastSignInAt => number(|u| u.last_sign_in_at),
        };
        by_field.then_with(|| a.id.cmp(&b.id))
    }
}

/// A page request of `GET /users`.
pub(crate) struct ListRequest {
    filters: Filters,
    field: SortField,
    descending: bool,
    limit: usize,
    offset: usize,
    starting_after: Option<String>,
}

impl ListRequest {
    pub(crate) fn parse(query: &Query) -> Result<ListRequest, Failure> {
        let filters = Filters::parse(query)?;
        let order_by = query.first("order_by").unwrap_or("-created_at");
        let (descending, name) = match order_by.as_bytes().first() {
            Some(b'-') => (true, &order_by[1..]),
            Some(b'+') => (false, &order_by[1..]),
            _ => (false, order_by),
        };
        let field = SortField::parse(name).ok_or_else(|| {
            Failure::value_invalid(
                "order_by",
                format!(
                    "{order_by:?} is not a valid ordering: use created_at, updated_at, email_address, \
                     web3wallet, first_name, last_name, phone_number, username, last_active_at or \
                     last_sign_in_at, with an optional + or - prefix."
                ),
            )
        })?;
        let (limit, offset) = query.limit_offset()?;
        let starting_after = query.first("starting_after").map(str::to_owned);
        if starting_after.is_some() {
            if field != SortField::CreatedAt {
                return Err(Failure::value_invalid(
                    "starting_after",
                    "starting_after can only be used with created_at ordering (order_by omitted, \
                     created_at, +created_at or -created_at).",
                ));
            }
            if offset != 0 {
                return Err(Failure::value_invalid(
                    "starting_after",
                    "starting_after cannot be combined with a non-zero offset.",
                ));
            }
        }
        Ok(ListRequest { filters, field, descending, limit, offset, starting_after })
    }

    /// The slots of the users on the requested page, in order.
    pub(crate) fn page(&self, store: &Store) -> Result<Vec<u32>, Failure> {
        let admitted =
            |slot: &u32| store.get(*slot).is_some_and(|user| self.filters.admits(store, user));
        if self.field == SortField::CreatedAt {
            let order = store.order();
            // The cursor: the page starts right after that user in the ordering.
            let start = match &self.starting_after {
                None => None,
                Some(id) => match store.slot(id).and_then(|slot| store.get(slot)) {
                    Some(user) => Some(store.order_position(store.user_key(user))),
                    None if store.quirks.vanished_cursor == VanishedCursor::EmptyPage => {
                        return Ok(Vec::new());
                    }
                    None => {
                        return Err(Failure::value_invalid(
                            "starting_after",
                            format!("starting_after: no user was found with id {id}."),
                        ));
                    }
                },
            };
            // The order is by created_at: the time bounds are a slice of it, found by binary
            // search, so a window late in a large list does not scan everything before it.
            let created = |slot: &u32| store.get(*slot).map_or(i64::MIN, |user| user.created_at);
            let below = |bound: i64| {
                move |slot: &u32| store.quirks.time_bounds.admits(created(slot), None, Some(bound))
            };
            let not_after = |bound: i64| {
                move |slot: &u32| !store.quirks.time_bounds.admits(created(slot), Some(bound), None)
            };
            let low = self
                .filters
                .created_at_after
                .map_or(0, |after| order.partition_point(not_after(after)));
            let high = self
                .filters
                .created_at_before
                .map_or(order.len(), |before| order.partition_point(below(before)))
                .max(low);
            let walk: Box<dyn Iterator<Item = &u32>> = match (self.descending, start) {
                (false, None) => Box::new(order[low..high].iter()),
                (false, Some(at)) => Box::new(order[(at + 1).clamp(low, high)..high].iter()),
                (true, None) => Box::new(order[low..high].iter().rev()),
                (true, Some(at)) => Box::new(order[low..at.clamp(low, high)].iter().rev()),
            };
            return Ok(walk
                .filter(|slot| admitted(slot))
                .skip(self.offset)
                .take(self.limit)
                .copied()
                .collect());
        }
        let mut slots: Vec<(u32, &User)> = store
            .order()
            .iter()
            .filter_map(|&slot| store.get(slot).map(|user| (slot, user)))
            .filter(|(_, user)| self.filters.admits(store, user))
            .collect();
        let field = self.field;
        if self.descending {
            slots.sort_unstable_by(|(_, a), (_, b)| field.cmp(b, a));
        } else {
            slots.sort_unstable_by(|(_, a), (_, b)| field.cmp(a, b));
        }
        Ok(slots.into_iter().skip(self.offset).take(self.limit).map(|(slot, _)| slot).collect())
    }
}

/// How many users pass `filters`.
pub(crate) fn count(store: &Store, filters: &Filters) -> usize {
    store
        .order()
        .iter()
        .filter_map(|&slot| store.get(slot))
        .filter(|user| filters.admits(store, user))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_repeated_keys_pluses_and_percent_escapes() {
        let query =
            Query::parse("user_id=%2Buser_1&user_id=-user_2&query=ada+lovelace&empty=&flag");
        assert_eq!(query.all("user_id"), ["+user_1", "-user_2"]);
        assert_eq!(query.first("query"), Some("ada lovelace"));
        assert_eq!(query.first("empty"), Some(""));
        assert_eq!(query.first("flag"), Some(""));
        assert_eq!(query.first("missing"), None);
    }

    #[test]
    fn case_insensitive_substrings() {
        assert!(contains("Ada.Lovelace@Example.com", "lovelace@ex"));
        assert!(contains("ÉLODIE", "élo"));
        assert!(!contains("ada", "adam"));
    }

    #[test]
    fn limits_outside_1_to_500_are_refused() {
        for bad in ["0", "501", "-1", "ten"] {
            let query = Query::parse(&format!("limit={bad}"));
            assert_eq!(query.limit_offset().unwrap_err().code, "form_param_value_invalid", "{bad}");
        }
        assert_eq!(Query::parse("").limit_offset().unwrap(), (10, 0));
        assert_eq!(Query::parse("limit=500&offset=7").limit_offset().unwrap(), (500, 7));
    }
}
