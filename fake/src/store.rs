//! The fake's data: users by slot, the indexes that keep uniqueness checks and the default
//! ordering cheap, and the operations that change them. Creating and updating a user from a
//! request body is in [`write`].

mod write;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use http::StatusCode;
use serde_json::{Map, Value};

use super::error::Failure;
use super::quirks::{Quirks, TieOrder};
use super::time::now_ms;
use super::user::{Membership, OAuthAccount, Org, User};

/// A fast, non-cryptographic hasher (FxHash's rotate-multiply) for the fake's indexes: their keys
/// are the fake's own ids and the test's identifiers, so hash flooding is no concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut last = [0; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ (rest.len() as u64) << 56);
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A string key -> slot index.
type Index = HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>;

/// `value` lowercased, copying only when it has to change.
fn lowercase(value: &str) -> Box<str> {
    if value.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        value.to_lowercase().into_boxed_str()
    } else {
        value.into()
    }
}

/// A user's place in the default ordering: `created_at`, then the tie order.
pub(crate) type OrderKey<'a> = (i64, Tie<'a>);

/// How users of the same millisecond sort; one kind per store, so keys always compare alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tie<'a> {
    Id(&'a str),
    IdDescending(std::cmp::Reverse<&'a str>),
    Inserted(u64),
}

/// Everything the fake holds.
#[derive(Debug)]
pub(crate) struct Store {
    /// Users by slot; a deleted user's slot is `None` until reused.
    slots: Vec<Option<User>>,
    free: Vec<u32>,
    by_id: Index,
    /// Slots ordered by [`Store::key`], oldest first: the default ordering and the cursor.
    order: Vec<u32>,
    /// Users taken in so far, for [`User::inserted`].
    inserted: u64,
    /// How the fake answers what Clerk's docs leave open.
    pub(crate) quirks: Quirks,
    /// Lowercased email address -> slot.
    emails: Index,
    phones: Index,
    /// Lowercased username -> slot.
    usernames: Index,
    external_ids: Index,
    /// Lowercased wallet address -> slot.
    wallets: Index,
    pub(crate) orgs: Vec<Org>,
    org_by_name: HashMap<Box<str>, usize>,
    pub(crate) rng: fastrand::Rng,
    last_ms: i64,
    /// How many users `seed_users` made, so seeded emails stay unique across calls.
    pub(crate) seeded: u64,
    images: u64,
    /// With sequential ids, the number of the last user id made.
    sequential: Option<u64>,
}

impl Store {
    pub(crate) fn new(seed: u64, sequential_ids: bool, quirks: Quirks) -> Store {
        Store {
            slots: Vec::new(),
            free: Vec::new(),
            by_id: Index::default(),
            order: Vec::new(),
            inserted: 0,
            quirks,
            emails: Index::default(),
            phones: Index::default(),
            usernames: Index::default(),
            external_ids: Index::default(),
            wallets: Index::default(),
            orgs: Vec::new(),
            org_by_name: HashMap::new(),
            rng: fastrand::Rng::with_seed(seed),
            last_ms: 0,
            seeded: 0,
            images: 0,
            sequential: sequential_ids.then_some(0),
        }
    }

    /// The server clock: Unix milliseconds, strictly increasing from call to call.
    pub(crate) fn tick(&mut self) -> i64 {
        self.last_ms = now_ms().max(self.last_ms + 1);
        self.last_ms
    }

    /// A random id like Clerk's: `prefix`, then a KSUID-like 27 characters starting with `2`.
    pub(crate) fn random_id(&mut self, prefix: &str) -> Box<str> {
        let mut id = String::with_capacity(prefix.len() + 27);
        id.push_str(prefix);
        id.push('2');
        for _ in 0..26 {
            id.push(self.rng.alphanumeric());
        }
        id.into_boxed_str()
    }

    /// A new user id, unique in the store: random like Clerk's, or `user_000001`, `user_000002`,
    /// … with sequential ids.
    pub(crate) fn new_user_id(&mut self) -> Box<str> {
        loop {
            let id = match &mut self.sequential {
                Some(last) => {
                    *last += 1;
                    format!("user_{last:06}").into_boxed_str()
                }
                None => self.random_id("user_"),
            };
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    pub(crate) fn slot(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The user in `slot`, which must come from this store and not be deleted.
    pub(crate) fn get(&self, slot: u32) -> Option<&User> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, slot: u32) -> Option<&mut User> {
        self.slots.get_mut(slot as usize).and_then(Option::as_mut)
    }

    /// The user with `id`, or 404.
    pub(crate) fn find(&self, id: &str) -> Result<u32, Failure> {
        self.slot(id).ok_or_else(|| Failure::user_not_found(id))
    }

    /// Slots in the default ordering, oldest first.
    pub(crate) fn order(&self) -> &[u32] {
        &self.order
    }

    /// Reserves room for `additional` users.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
        self.order.reserve(additional);
        self.by_id.reserve(additional);
        self.emails.reserve(additional);
        self.phones.reserve(additional / 2);
        self.usernames.reserve(additional / 2);
        self.external_ids.reserve(additional / 4);
    }

    pub(crate) fn email_taken(&self, email: &str) -> bool {
        self.emails.contains_key(email)
    }

    pub(crate) fn phone_taken(&self, phone: &str) -> bool {
        self.phones.contains_key(phone)
    }

    pub(crate) fn username_taken(&self, username: &str) -> bool {
        self.usernames.contains_key(username)
    }

    /// Where the user in `slot` sorts in the default ordering.
    fn key(&self, slot: u32) -> OrderKey<'_> {
        self.get(slot).map_or((i64::MIN, Tie::Inserted(0)), |user| self.user_key(user))
    }

    /// Where `user` sorts in the default ordering: by `created_at`, ties by the tie order.
    pub(crate) fn user_key<'a>(&self, user: &'a User) -> OrderKey<'a> {
        let tie = match self.quirks.tie_order {
            TieOrder::Id => Tie::Id(&user.id),
            TieOrder::IdDescending => Tie::IdDescending(std::cmp::Reverse(&user.id)),
            TieOrder::Insertion => Tie::Inserted(user.inserted),
        };
        (user.created_at, tie)
    }

    /// Where a user with `key` is or would be in the default ordering.
    pub(crate) fn order_position(&self, key: OrderKey<'_>) -> usize {
        self.order.partition_point(|&slot| self.key(slot) < key)
    }

    /// Stores a new user and indexes it. With `append`, the caller promises the user sorts last
    /// (or will call [`Store::sort_order`]).
    pub(crate) fn insert(&mut self, mut user: User, append: bool) -> u32 {
        user.inserted = self.inserted;
        self.inserted += 1;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.index(slot, &user);
        let position =
            if append { self.order.len() } else { self.order_position(self.user_key(&user)) };
        if let Some(entry) = self.slots.get_mut(slot as usize) {
            *entry = Some(user);
        }
        self.order.insert(position, slot);
        slot
    }

    /// Restores the default ordering after appends out of order.
    pub(crate) fn sort_order(&mut self) {
        let mut order = std::mem::take(&mut self.order);
        if !order.is_sorted_by(|a, b| self.key(*a) <= self.key(*b)) {
            order.sort_unstable_by(|a, b| self.key(*a).cmp(&self.key(*b)));
        }
        self.order = order;
    }

    fn index(&mut self, slot: u32, user: &User) {
        self.by_id.insert(user.id.clone(), slot);
        for email in &user.emails {
            self.emails.insert(lowercase(&email.value), slot);
        }
        for phone in &user.phones {
            self.phones.insert(phone.value.clone(), slot);
        }
        for wallet in &user.wallets {
            self.wallets.insert(lowercase(&wallet.value), slot);
        }
        if let Some(username) = &user.username {
            self.usernames.insert(lowercase(username), slot);
        }
        if let Some(external_id) = &user.external_id {
            self.external_ids.insert(external_id.clone(), slot);
        }
    }

    fn unindex(&mut self, user: &User) {
        self.by_id.remove(&user.id);
        for email in &user.emails {
            self.emails.remove(email.value.to_lowercase().as_str());
        }
        for phone in &user.phones {
            self.phones.remove(&phone.value);
        }
        for wallet in &user.wallets {
            self.wallets.remove(wallet.value.to_lowercase().as_str());
        }
        if let Some(username) = &user.username {
            self.usernames.remove(username.to_lowercase().as_str());
        }
        if let Some(external_id) = &user.external_id {
            self.external_ids.remove(external_id);
        }
    }

    /// Deletes the user in `slot`.
    pub(crate) fn remove(&mut self, slot: u32) -> Option<User> {
        self.get(slot)?;
        let position = self.order_position(self.key(slot));
        if self.order.get(position) == Some(&slot) {
            self.order.remove(position);
        } else {
            self.order.retain(|&s| s != slot);
        }
        let user = self.slots.get_mut(slot as usize).and_then(Option::take)?;
        self.unindex(&user);
        self.free.push(slot);
        Some(user)
    }

    /// A URL for a newly uploaded profile image.
    pub(crate) fn new_image_url(&mut self, user_id: &str) -> Box<str> {
        self.images += 1;
        format!("https://img.clerk.com/fake/{user_id}/{}.png", self.images).into_boxed_str()
    }

    /// The organization named `name` in [`Store::orgs`], created on first use.
    pub(crate) fn org_named(&mut self, name: &str) -> usize {
        if let Some(&org) = self.org_by_name.get(name) {
            return org;
        }
        let id = self.random_id("org_");
        let created_at = self.tick();
        self.orgs.push(Org { id, name: name.into(), slug: slug(name), created_at });
        self.org_by_name.insert(name.into(), self.orgs.len() - 1);
        self.orgs.len() - 1
    }

    /// Forgets a deleted web3 wallet's `address` in the index of taken wallets.
    pub(crate) fn unindex_wallet(&mut self, address: &str) {
        self.wallets.remove(&lowercase(address));
    }

    /// `add_membership`: the user joins the organization named `org_name` (created on first use).
    pub(crate) fn add_membership(
        &mut self,
        user_id: &str,
        org_name: &str,
        role: &str,
    ) -> Result<Box<str>, Failure> {
        let slot = self.find(user_id)?;
        let org = self.org_named(org_name);
        if self.get(slot).is_some_and(|user| user.memberships.iter().any(|m| m.org == org)) {
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "already_a_member_in_organization",
                "already a member",
                format!("User {user_id} is already a member of the organization {org_name}."),
            ));
        }
        let id = self.random_id("orgmem_");
        let created_at = self.tick();
        let membership = Membership { id: id.clone(), org, role: role.into(), created_at };
        if let Some(user) = self.get_mut(slot) {
            user.memberships.push(membership);
        }
        Ok(id)
    }

    /// `add_oauth_token`: a new external account of `provider` holding `token`.
    pub(crate) fn add_oauth_token(
        &mut self,
        user_id: &str,
        provider: &str,
        token: &str,
    ) -> Result<Box<str>, Failure> {
        let slot = self.find(user_id)?;
        let id = self.random_id("eac_");
        let identification_id = self.random_id("idn_");
        let provider_user_id: String =
            std::iter::repeat_with(|| self.rng.digit(10)).take(21).collect();
        let created_at = self.tick();
        let account = OAuthAccount {
            id: id.clone(),
            identification_id,
            provider: provider.into(),
            provider_user_id: provider_user_id.into_boxed_str(),
            token: token.into(),
            created_at,
        };
        if let Some(user) = self.get_mut(slot) {
            user.oauth.push(account);
            user.updated_at = created_at;
        }
        Ok(id)
    }

    /// `set_totp_code`: turns TOTP on and sets the code `verify_totp` accepts.
    pub(crate) fn set_totp_code(&mut self, user_id: &str, code: &str) -> Result<(), Failure> {
        let slot = self.find(user_id)?;
        let now = self.tick();
        if let Some(user) = self.get_mut(slot) {
            let was_on = user.two_factor_enabled();
            user.totp = true;
            user.totp_code = Some(code.into());
            user.mfa_turned_on(was_on, now);
            user.updated_at = now;
        }
        Ok(())
    }
}

/// `"Acme Corp"` -> `"acme-corp"`.
fn slug(name: &str) -> Box<str> {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').into()
}

/// Deep-merges `patch` into `target`: objects merge key by key, `null` deletes a key at any
/// depth, anything else replaces.
pub(crate) fn merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.shift_remove(key);
            }
            Value::Object(inner) => {
                let entry = target.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let Value::Object(existing) = entry {
                    merge(existing, inner);
                }
            }
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

/// Compares optional sort keys with absent values last (ascending), as Postgres does.
pub(crate) fn cmp_nulls_last<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_deep_and_null_deletes_at_any_depth() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": 3, "e": "x"});
        let patch = json!({"a": {"b": null, "f": {"g": null, "h": 4}}, "d": null, "e": {"i": 5}});
        let (Value::Object(target_map), Value::Object(patch)) = (&mut target, patch) else {
            unreachable!()
        };
        merge(target_map, &patch);
        assert_eq!(target, json!({"a": {"c": 2, "f": {"h": 4}}, "e": {"i": 5}}));
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(&*slug("Acme Corp, Inc."), "acme-corp-inc");
        assert_eq!(&*slug("  Ünïcode  ok "), "ünïcode-ok");
    }
}
