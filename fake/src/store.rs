//! The fake's data: users as compact structs (JSON is rendered on demand), the indexes that keep
//! uniqueness checks and the default ordering cheap, and the operations that change them.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use http::StatusCode;
use serde_json::{Map, Value};

use super::error::Failure;
use super::quirks::{Quirks, TieOrder};

/// How long a lock through `POST /users/{id}/lock` lasts.
pub(crate) const LOCKOUT_MS: i64 = 3_600_000;
/// How many failed verification attempts a user has before a lockout (rendered, never counted).
pub(crate) const VERIFICATION_ATTEMPTS: i64 = 100;

/// The wall clock in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

/// How an email address, phone number or wallet was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verified {
    /// Created through the Backend API: `verification_admin`.
    Admin,
    /// Verified by the user with a one-time code: `verification_otp` (or `verification_web3`).
    Code,
}

/// An email address, phone number or web3 wallet of a user.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    pub(crate) id: Box<str>,
    pub(crate) value: Box<str>,
    /// Reserved: unverified, rendered with a null verification.
    pub(crate) reserved: bool,
    pub(crate) verified: Verified,
    pub(crate) created_at: i64,
}

/// A user's password.
#[derive(Debug, Clone)]
pub(crate) enum Secret {
    /// A plaintext password the fake can check.
    Plain(Box<str>),
    /// A password the fake cannot check (an imported digest, a seeded user's): every check fails.
    Opaque,
}

/// A membership of a user in an organization of [`Store::orgs`].
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub(crate) id: Box<str>,
    pub(crate) org: usize,
    pub(crate) role: Box<str>,
    pub(crate) created_at: i64,
}

/// An organization, created by the first membership naming it.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: Box<str>,
    pub(crate) name: Box<str>,
    pub(crate) slug: Box<str>,
    pub(crate) created_at: i64,
}

/// An OAuth external account of a user, with its access token.
#[derive(Debug, Clone)]
pub(crate) struct OAuthAccount {
    pub(crate) id: Box<str>,
    pub(crate) identification_id: Box<str>,
    pub(crate) provider: Box<str>,
    pub(crate) provider_user_id: Box<str>,
    pub(crate) token: Box<str>,
    pub(crate) created_at: i64,
}

/// One user. Strings are boxed and absent collections empty, so a seeded user costs a few
/// hundred bytes.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: Box<str>,
    pub(crate) external_id: Option<Box<str>>,
    pub(crate) username: Option<Box<str>>,
    /// Borrowed for seeded users (names from a list), owned otherwise.
    pub(crate) first_name: Option<Cow<'static, str>>,
    pub(crate) last_name: Option<Cow<'static, str>>,
    pub(crate) locale: Option<Box<str>>,
    pub(crate) emails: Vec<Ident>,
    pub(crate) phones: Vec<Ident>,
    pub(crate) wallets: Vec<Ident>,
    pub(crate) primary_email: Option<usize>,
    pub(crate) primary_phone: Option<usize>,
    pub(crate) primary_wallet: Option<usize>,
    pub(crate) password: Option<Secret>,
    pub(crate) password_updated_at: Option<i64>,
    pub(crate) totp: bool,
    /// The code `verify_totp` accepts as a TOTP code (see `FakeClerk::set_totp_code`).
    pub(crate) totp_code: Option<Box<str>>,
    pub(crate) backup_codes: Vec<Box<str>>,
    pub(crate) mfa_enabled_at: Option<i64>,
    pub(crate) mfa_disabled_at: Option<i64>,
    pub(crate) public_metadata: Map<String, Value>,
    pub(crate) private_metadata: Map<String, Value>,
    pub(crate) unsafe_metadata: Map<String, Value>,
    pub(crate) banned: bool,
    /// When the user was locked; the lock ends [`LOCKOUT_MS`] later.
    pub(crate) locked_at: Option<i64>,
    /// The uploaded profile image, if any.
    pub(crate) image_url: Option<Box<str>>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) last_sign_in_at: Option<i64>,
    pub(crate) last_active_at: Option<i64>,
    pub(crate) legal_accepted_at: Option<i64>,
    pub(crate) delete_self_enabled: bool,
    pub(crate) create_organization_enabled: bool,
    pub(crate) create_organizations_limit: Option<i64>,
    pub(crate) bypass_client_trust: bool,
    pub(crate) memberships: Vec<Membership>,
    pub(crate) oauth: Vec<OAuthAccount>,
    /// When the store took the user in (0, 1, 2, …): the tie order [`TieOrder::Insertion`].
    pub(crate) inserted: u64,
}

impl User {
    /// A user with nothing but an id and timestamps.
    pub(crate) fn blank(id: Box<str>, created_at: i64) -> User {
        User {
            id,
            external_id: None,
            username: None,
            first_name: None,
            last_name: None,
            locale: None,
            emails: Vec::new(),
            phones: Vec::new(),
            wallets: Vec::new(),
            primary_email: None,
            primary_phone: None,
            primary_wallet: None,
            password: None,
            password_updated_at: None,
            totp: false,
            totp_code: None,
            backup_codes: Vec::new(),
            mfa_enabled_at: None,
            mfa_disabled_at: None,
            public_metadata: Map::new(),
            private_metadata: Map::new(),
            unsafe_metadata: Map::new(),
            banned: false,
            locked_at: None,
            image_url: None,
            created_at,
            updated_at: created_at,
            last_sign_in_at: None,
            last_active_at: None,
            legal_accepted_at: None,
            delete_self_enabled: true,
            create_organization_enabled: true,
            create_organizations_limit: None,
            bypass_client_trust: false,
            memberships: Vec::new(),
            oauth: Vec::new(),
            inserted: 0,
        }
    }

    pub(crate) fn primary_email(&self) -> Option<&Ident> {
        self.primary_email.and_then(|i| self.emails.get(i))
    }

    pub(crate) fn primary_phone(&self) -> Option<&Ident> {
        self.primary_phone.and_then(|i| self.phones.get(i))
    }

    pub(crate) fn primary_wallet(&self) -> Option<&Ident> {
        self.primary_wallet.and_then(|i| self.wallets.get(i))
    }

    /// Whether the user is locked at `now`, and the seconds left if so.
    pub(crate) fn lock(&self, now: i64) -> Option<i64> {
        // The server clock may run a little ahead of the wall clock.
        let left = (self.locked_at? + LOCKOUT_MS - now).min(LOCKOUT_MS);
        (left > 0).then(|| (left + 999) / 1000)
    }

    pub(crate) fn two_factor_enabled(&self) -> bool {
        self.totp || !self.backup_codes.is_empty()
    }

    /// Records that a second factor was turned on (keeps the first time while it stays on).
    fn mfa_turned_on(&mut self, was_on: bool, now: i64) {
        if !was_on && self.two_factor_enabled() {
            self.mfa_enabled_at = Some(now);
        }
    }

    /// Turns every second factor off.
    pub(crate) fn disable_mfa(&mut self, now: i64) {
        if self.two_factor_enabled() {
            self.mfa_disabled_at = Some(now);
        }
        self.totp = false;
        self.totp_code = None;
        self.backup_codes.clear();
        self.updated_at = now;
    }

    /// The main identifier, as organization memberships show it.
    pub(crate) fn identifier(&self) -> Option<&str> {
        self.primary_email()
            .or_else(|| self.primary_phone())
            .map(|ident| &*ident.value)
            .or(self.username.as_deref())
    }
}

/// A field of a JSON request body.
pub(crate) enum Field<T> {
    Absent,
    Null,
    Set(T),
}

/// A JSON request body, read field by field with Clerk's errors for the wrong types.
pub(crate) struct Body(pub(crate) Map<String, Value>);

impl Body {
    /// Parses a body; an empty one is `{}`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Body, Failure> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        match serde_json::from_slice(bytes) {
            Ok(value) => Body::from_value(value),
            Err(error) => Err(Failure::body_invalid(format_args!("not JSON ({error})"))),
        }
    }

    pub(crate) fn from_value(value: Value) -> Result<Body, Failure> {
        match value {
            Value::Object(map) => Ok(Body(map)),
            _ => Err(Failure::body_invalid("it must be a JSON object")),
        }
    }

    /// 422 `form_param_unknown` for the first field not in `known`.
    pub(crate) fn allow_only(&self, known: &[&str]) -> Result<(), Failure> {
        match self.0.keys().find(|key| !known.contains(&key.as_str())) {
            Some(unknown) => Err(Failure::unknown_param(unknown)),
            None => Ok(()),
        }
    }

    pub(crate) fn string(&self, name: &str) -> Result<Field<String>, Failure> {
        match self.0.get(name) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(Value::String(s)) => Ok(Field::Set(s.clone())),
            Some(_) => Err(Failure::format_invalid(name, "a string")),
        }
    }

    /// A string where null means "not given".
    pub(crate) fn opt_string(&self, name: &str) -> Result<Option<String>, Failure> {
        Ok(match self.string(name)? {
            Field::Set(s) => Some(s),
            Field::Absent | Field::Null => None,
        })
    }

    /// A boolean where null means "not given".
    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Failure::format_invalid(name, "a boolean")),
        }
    }

    pub(crate) fn int(&self, name: &str) -> Result<Field<i64>, Failure> {
        match self.0.get(name) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(value) => value
                .as_i64()
                .map(Field::Set)
                .ok_or_else(|| Failure::format_invalid(name, "an integer")),
        }
    }

    /// An array of strings where null means "not given".
    pub(crate) fn strings(&self, name: &str) -> Result<Option<Vec<String>>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| Failure::format_invalid(name, "an array of strings")),
            Some(_) => Err(Failure::format_invalid(name, "an array of strings")),
        }
    }

    /// An object where null means "not given".
    pub(crate) fn object(&self, name: &str) -> Result<Option<&Map<String, Value>>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(Failure::format_invalid(name, "an object")),
        }
    }

    /// An RFC 3339 date-time, in Unix milliseconds; null means "not given".
    pub(crate) fn time(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.opt_string(name)? {
            None => Ok(None),
            Some(text) => parse_rfc3339(&text).map(Some).ok_or_else(|| {
                Failure::format_invalid(
                    name,
                    "an RFC 3339 date-time such as 2012-10-20T07:15:20.902Z",
                )
            }),
        }
    }
}

/// The fields `POST /users` accepts.
const CREATE_FIELDS: &[&str] = &[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "email_address",
    "email_address_identification_status",
    "phone_number",
    "phone_number_identification_status",
    "web3_wallet",
    "username",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "skip_password_requirement",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "delete_self_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "skip_user_requirement",
    "create_organization_enabled",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
    "banned",
    "locked",
];

/// The fields `PATCH /users/{id}` accepts.
const UPDATE_FIELDS: &[&str] = &[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "primary_email_address_id",
    "notify_primary_email_address_changed",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
    "username",
    "profile_image_id",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "sign_out_of_other_sessions",
    "totp_secret",
    "backup_codes",
    "delete_self_enabled",
    "create_organization_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
];

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

    /// `POST /users`: validates `body` like Clerk and stores the user.
    pub(crate) fn create(&mut self, body: &Body) -> Result<u32, Failure> {
        body.allow_only(CREATE_FIELDS)?;
        let skip_checks = body.bool("skip_password_checks")?.unwrap_or(false);
        let password = body.opt_string("password")?;
        if let Some(password) = &password
            && !skip_checks
        {
            check_password(password)?;
        }
        let digest = body.opt_string("password_digest")?;
        if digest.is_some() && body.opt_string("password_hasher")?.is_none() {
            return Err(Failure::missing_param("password_hasher"));
        }
        for flag in ["skip_password_requirement", "skip_legal_checks", "skip_user_requirement"] {
            body.bool(flag)?;
        }

        let emails = self.new_identifiers(body, "email_address", true)?;
        let phones = self.new_identifiers(body, "phone_number", false)?;
        let wallets = {
            let values = body.strings("web3_wallet")?.unwrap_or_default();
            let mut seen = Vec::new();
            for wallet in &values {
                let key = wallet.trim().to_lowercase();
                if key.is_empty() {
                    return Err(Failure::format_invalid("web3_wallet", "a wallet address"));
                }
                if self.wallets.contains_key(key.as_str()) || seen.contains(&key) {
                    return Err(Failure::identifier_exists("web3_wallet"));
                }
                seen.push(key);
            }
            values.into_iter().map(|w| (w.trim().to_owned(), false)).collect::<Vec<_>>()
        };
        let username = match body.opt_string("username")? {
            Some(name) if !name.is_empty() => {
                if self.usernames.contains_key(name.to_lowercase().as_str()) {
                    return Err(Failure::identifier_exists("username"));
                }
                Some(name)
            }
            _ => None,
        };
        let external_id = match body.opt_string("external_id")? {
            Some(id) if !id.is_empty() => {
                if self.external_ids.contains_key(id.as_str()) {
                    return Err(Failure::identifier_exists("external_id"));
                }
                Some(id)
            }
            _ => None,
        };
        let first_name = non_empty(body.opt_string("first_name")?);
        let last_name = non_empty(body.opt_string("last_name")?);
        let locale = non_empty(body.opt_string("locale")?);
        let totp = body.opt_string("totp_secret")?.is_some();
        let backup_codes = body.strings("backup_codes")?.unwrap_or_default();
        let public_metadata = body.object("public_metadata")?.cloned().unwrap_or_default();
        let private_metadata = body.object("private_metadata")?.cloned().unwrap_or_default();
        let unsafe_metadata = body.object("unsafe_metadata")?.cloned().unwrap_or_default();
        let legal_accepted_at = body.time("legal_accepted_at")?;
        let created_at = body.time("created_at")?;
        let create_organizations_limit = match body.int("create_organizations_limit")? {
            Field::Set(limit) if limit < 0 => {
                return Err(Failure::value_invalid(
                    "create_organizations_limit",
                    "create_organizations_limit must be 0 or more.",
                ));
            }
            Field::Set(limit) => Some(limit),
            Field::Absent | Field::Null => None,
        };
        let delete_self_enabled = body.bool("delete_self_enabled")?;
        let create_organization_enabled = body.bool("create_organization_enabled")?;
        let bypass_client_trust = body.bool("bypass_client_trust")?;
        let banned = body.bool("banned")?.unwrap_or(false);
        let locked = body.bool("locked")?.unwrap_or(false);

        // Everything is valid: build the user.
        let now = self.tick();
        let id = self.new_user_id();
        let mut user = User::blank(id, created_at.unwrap_or(now));
        user.updated_at = now;
        user.emails = self.make_idents(emails, Verified::Admin, now);
        user.phones = self.make_idents(phones, Verified::Admin, now);
        user.wallets = self.make_idents(wallets, Verified::Admin, now);
        user.primary_email = user.emails.iter().position(|e| !e.reserved);
        user.primary_phone = user.phones.iter().position(|p| !p.reserved);
        user.primary_wallet = (!user.wallets.is_empty()).then_some(0);
        user.username = username.map(String::into_boxed_str);
        user.external_id = external_id.map(String::into_boxed_str);
        user.first_name = first_name.map(name);
        user.last_name = last_name.map(name);
        user.locale = locale;
        user.password = match (password, digest) {
            (Some(password), _) => Some(Secret::Plain(password.into_boxed_str())),
            (None, Some(_)) => Some(Secret::Opaque),
            (None, None) => None,
        };
        user.password_updated_at = user.password.is_some().then_some(now);
        user.totp = totp;
        user.backup_codes = backup_codes.into_iter().map(String::into_boxed_str).collect();
        user.mfa_turned_on(false, now);
        user.public_metadata = public_metadata;
        user.private_metadata = private_metadata;
        user.unsafe_metadata = unsafe_metadata;
        user.legal_accepted_at = legal_accepted_at;
        user.create_organizations_limit = create_organizations_limit;
        user.delete_self_enabled = delete_self_enabled.unwrap_or(true);
        user.create_organization_enabled = create_organization_enabled.unwrap_or(true);
        user.bypass_client_trust = bypass_client_trust.unwrap_or(false);
        user.banned = banned;
        user.locked_at = locked.then_some(now);
        Ok(self.insert(user, false))
    }

    /// Reads `name` (emails or phone numbers) and its `_identification_status` array, checking
    /// uniqueness; returns `(value, reserved)` pairs.
    fn new_identifiers(
        &self,
        body: &Body,
        name: &str,
        email: bool,
    ) -> Result<Vec<(String, bool)>, Failure> {
        let values = body.strings(name)?.unwrap_or_default();
        let status_name = format!("{name}_identification_status");
        let statuses = body.strings(&status_name)?.unwrap_or_default();
        if !statuses.is_empty() && statuses.len() != values.len() {
            return Err(Failure::value_invalid(
                &status_name,
                format!("{status_name} must have one item per {name}."),
            ));
        }
        let mut out: Vec<(String, bool)> = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let reserved = match statuses.get(i).map(String::as_str) {
                None | Some("verified") => false,
                Some("reserved") => true,
                Some(other) => {
                    return Err(Failure::value_invalid(
                        &status_name,
                        format!(
                            "{other} is not a valid identification status (verified or reserved)."
                        ),
                    ));
                }
            };
            let value = if email { value.trim().to_lowercase() } else { value.trim().to_owned() };
            let valid = if email {
                value.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && !domain.is_empty() && !value.contains(char::is_whitespace)
                })
            } else {
                value.len() > 1 && value.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c))
            };
            if !valid {
                let what = if email { "a valid email address" } else { "a valid phone number" };
                return Err(Failure::format_invalid(name, what));
            }
            let taken = if email {
                self.emails.contains_key(value.as_str())
            } else {
                self.phones.contains_key(value.as_str())
            };
            if taken || out.iter().any(|(v, _)| *v == value) {
                return Err(Failure::identifier_exists(name));
            }
            out.push((value, reserved));
        }
        Ok(out)
    }

    fn make_idents(
        &mut self,
        values: Vec<(String, bool)>,
        verified: Verified,
        now: i64,
    ) -> Vec<Ident> {
        values
            .into_iter()
            .map(|(value, reserved)| Ident {
                id: self.random_id("idn_"),
                value: value.into_boxed_str(),
                reserved,
                verified,
                created_at: now,
            })
            .collect()
    }

    /// `PATCH /users/{id}`: validates everything first, then applies it.
    pub(crate) fn update(&mut self, slot: u32, body: &Body) -> Result<(), Failure> {
        body.allow_only(UPDATE_FIELDS)?;
        let user = self.get(slot).ok_or_else(Failure::route_not_found)?;
        let primary = |name: &str, idents: &[Ident]| -> Result<Option<usize>, Failure> {
            match body.opt_string(name)? {
                None => Ok(None),
                Some(id) => match idents.iter().position(|i| *i.id == *id) {
                    Some(i) if !idents[i].reserved => Ok(Some(i)),
                    Some(_) => Err(Failure::value_invalid(
                        name,
                        format!("{id} is not verified, so it cannot be made primary."),
                    )),
                    None => Err(Failure::value_invalid(
                        name,
                        format!("{id} is not an identification of user {}.", user.id),
                    )),
                },
            }
        };
        let primary_email = primary("primary_email_address_id", &user.emails)?;
        let primary_phone = primary("primary_phone_number_id", &user.phones)?;
        let primary_wallet = primary("primary_web3_wallet_id", &user.wallets)?;
        // Empty string or null removes the username.
        let username = match body.string("username")? {
            Field::Absent => None,
            Field::Null => Some(None),
            Field::Set(name) if name.is_empty() => Some(None),
            Field::Set(name) => {
                let key = name.to_lowercase();
                if self.usernames.get(key.as_str()).is_some_and(|&s| s != slot) {
                    return Err(Failure::identifier_exists("username"));
                }
                Some(Some(name))
            }
        };
        let external_id = match body.opt_string("external_id")? {
            None => None,
            Some(id) if id.is_empty() => Some(None),
            Some(id) => {
                if self.external_ids.get(id.as_str()).is_some_and(|&s| s != slot) {
                    return Err(Failure::identifier_exists("external_id"));
                }
                Some(Some(id))
            }
        };
        let skip_checks = body.bool("skip_password_checks")?.unwrap_or(false);
        let password = body.opt_string("password")?;
        if let Some(password) = &password
            && !skip_checks
        {
            check_password(password)?;
        }
        let digest = body.opt_string("password_digest")?;
        if digest.is_some() && body.opt_string("password_hasher")?.is_none() {
            return Err(Failure::missing_param("password_hasher"));
        }
        for flag in ["notify_primary_email_address_changed", "sign_out_of_other_sessions"] {
            body.bool(flag)?;
        }
        body.bool("skip_legal_checks")?;
        body.opt_string("profile_image_id")?;
        let first_name = body.opt_string("first_name")?;
        let last_name = body.opt_string("last_name")?;
        let locale = body.opt_string("locale")?;
        let totp = body.opt_string("totp_secret")?.is_some();
        let backup_codes = body.strings("backup_codes")?;
        let delete_self_enabled = body.bool("delete_self_enabled")?;
        let create_organization_enabled = body.bool("create_organization_enabled")?;
        let bypass_client_trust = body.bool("bypass_client_trust")?;
        let legal_accepted_at = body.time("legal_accepted_at")?;
        let created_at = body.time("created_at")?;
        let create_organizations_limit = match body.int("create_organizations_limit")? {
            Field::Set(limit) if limit < 0 => {
                return Err(Failure::value_invalid(
                    "create_organizations_limit",
                    "create_organizations_limit must be 0 or more.",
                ));
            }
            Field::Set(limit) => Some(limit),
            Field::Absent | Field::Null => None,
        };

        // Valid: apply.
        let now = self.tick();
        if let Some(username) = &username {
            if let Some(old) = self.get_mut(slot).and_then(|user| user.username.take()) {
                self.usernames.remove(old.to_lowercase().as_str());
            }
            if let Some(name) = username {
                self.usernames.insert(name.to_lowercase().into(), slot);
            }
        }
        if let Some(external_id) = &external_id {
            if let Some(old) = self.get_mut(slot).and_then(|user| user.external_id.take()) {
                self.external_ids.remove(&old);
            }
            if let Some(id) = external_id {
                self.external_ids.insert(id.clone().into_boxed_str(), slot);
            }
        }
        let moved = created_at.filter(|&at| self.get(slot).is_some_and(|u| u.created_at != at));
        let position = moved.and_then(|_| {
            let position = self.order_position(self.key(slot));
            (self.order.get(position) == Some(&slot)).then_some(position)
        });
        if let Some(position) = position {
            self.order.remove(position);
        }
        let Some(user) = self.get_mut(slot) else {
            return Err(Failure::route_not_found());
        };
        if let Some(username) = username {
            user.username = username.map(String::into_boxed_str);
        }
        if let Some(external_id) = external_id {
            user.external_id = external_id.map(String::into_boxed_str);
        }
        if let Some(first_name) = first_name {
            user.first_name = non_empty(Some(first_name)).map(name);
        }
        if let Some(last_name) = last_name {
            user.last_name = non_empty(Some(last_name)).map(name);
        }
        if let Some(locale) = locale {
            user.locale = non_empty(Some(locale));
        }
        if let Some(i) = primary_email {
            user.primary_email = Some(i);
        }
        if let Some(i) = primary_phone {
            user.primary_phone = Some(i);
        }
        if let Some(i) = primary_wallet {
            user.primary_wallet = Some(i);
        }
        if let Some(password) = password {
            user.password = Some(Secret::Plain(password.into_boxed_str()));
            user.password_updated_at = Some(now);
        } else if digest.is_some() {
            user.password = Some(Secret::Opaque);
            user.password_updated_at = Some(now);
        }
        let mfa_was_on = user.two_factor_enabled();
        if totp {
            user.totp = true;
        }
        if let Some(codes) = backup_codes {
            user.backup_codes = codes.into_iter().map(String::into_boxed_str).collect();
        }
        user.mfa_turned_on(mfa_was_on, now);
        if let Some(enabled) = delete_self_enabled {
            user.delete_self_enabled = enabled;
        }
        if let Some(enabled) = create_organization_enabled {
            user.create_organization_enabled = enabled;
        }
        if let Some(bypass) = bypass_client_trust {
            user.bypass_client_trust = bypass;
        }
        if let Some(at) = legal_accepted_at {
            user.legal_accepted_at = Some(at);
        }
        if let Some(limit) = create_organizations_limit {
            user.create_organizations_limit = Some(limit);
        }
        if let Some(at) = moved {
            user.created_at = at;
        }
        user.updated_at = now;
        if position.is_some() {
            let position = self.order_position(self.key(slot));
            self.order.insert(position, slot);
        }
        Ok(())
    }

    /// `add_membership`: the user joins the organization named `org_name` (created on first use).
    pub(crate) fn add_membership(
        &mut self,
        user_id: &str,
        org_name: &str,
        role: &str,
    ) -> Result<Box<str>, Failure> {
        let slot = self.find(user_id)?;
        let org = match self.org_by_name.get(org_name) {
            Some(&org) => org,
            None => {
                let id = self.random_id("org_");
                let created_at = self.tick();
                self.orgs.push(Org { id, name: org_name.into(), slug: slug(org_name), created_at });
                self.org_by_name.insert(org_name.into(), self.orgs.len() - 1);
                self.orgs.len() - 1
            }
        };
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

/// 422 `form_password_length_too_short` under 8 characters.
fn check_password(password: &str) -> Result<(), Failure> {
    if password.chars().count() < 8 { Err(Failure::password_too_short()) } else { Ok(()) }
}

/// A first or last name from a request.
fn name(value: Box<str>) -> Cow<'static, str> {
    Cow::Owned(value.into_string())
}

fn non_empty(value: Option<String>) -> Option<Box<str>> {
    value.filter(|s| !s.is_empty()).map(String::into_boxed_str)
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

/// Parses an RFC 3339 date-time (`2012-10-20T07:15:20.902Z`, `…+02:00`) into Unix milliseconds.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    };
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && rest.is_ascii()
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.get(3..4) == Some(":") =>
        {
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (hours * 60 + minutes)
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc3339_dates_parse_to_unix_milliseconds() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2012-10-20T07:15:20.902Z"), Some(1_350_717_320_902));
        assert_eq!(parse_rfc3339("2012-10-20T09:15:20.9+02:00"), Some(1_350_717_320_900));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        assert_eq!(parse_rfc3339("2012-13-20T07:15:20Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2012-10-20T07:15:20"), None);
        // Never a panic on what a request sends.
        for text in [
            "2012-10-20T07:15:20+0é:0",
            "2012-10-20T07:15:2é",
            "é012-10-20T07:15:20Z",
            "2012-10-20T07:15:20.é",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }

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
