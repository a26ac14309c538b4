//! A user as the fake stores it: compact structs (strings boxed, absent collections empty), from
//! which the JSON is rendered on demand.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::billing::Billing;
use super::devices::TrustedDevice;
use super::invitations::Invitation;

/// How long a lock through `POST /users/{id}/lock` lasts.
pub(crate) const LOCKOUT_MS: i64 = 3_600_000;
/// How many failed verification attempts a user has before a lockout (rendered, never counted).
pub(crate) const VERIFICATION_ATTEMPTS: i64 = 100;

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

/// A passkey of a user (added with `FakeClerk::add_passkey`; the fake does no WebAuthn).
#[derive(Debug, Clone)]
pub(crate) struct Passkey {
    pub(crate) id: Box<str>,
    pub(crate) name: Box<str>,
    /// When it was added: rendered as `last_used_at`, which the spec requires.
    pub(crate) created_at: i64,
}

/// What few users have, boxed in [`User::extra`] so that a user without any costs one pointer:
/// passkeys, trusted devices, organization invitations and billing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    pub(crate) passkeys: Vec<Passkey>,
    pub(crate) devices: Vec<TrustedDevice>,
    pub(crate) invitations: Vec<Invitation>,
    pub(crate) billing: Billing,
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
    /// Set by `POST /users/{id}/password/set_compromised`, cleared by `unset_compromised` and by
    /// a new or removed password. Not rendered: the spec's `User` has no field for it.
    pub(crate) password_compromised: bool,
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
    /// Passkeys, trusted devices, invitations and billing; `None` until the user has one.
    pub(crate) extra: Option<Box<Extra>>,
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
            password_compromised: false,
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
            extra: None,
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
    pub(crate) fn mfa_turned_on(&mut self, was_on: bool, now: i64) {
        if !was_on && self.two_factor_enabled() {
            self.mfa_enabled_at = Some(now);
        }
    }

    /// Turns every second factor off.
    pub(crate) fn disable_mfa(&mut self, now: i64) {
        self.remove_second_factors(true, true, now);
    }

    /// Removes TOTP and/or the backup codes; records `mfa_disabled_at` when that leaves no second
    /// factor (and there was one), and bumps `updated_at`.
    pub(crate) fn remove_second_factors(&mut self, totp: bool, backup_codes: bool, now: i64) {
        let was_on = self.two_factor_enabled();
        if totp {
            self.totp = false;
            self.totp_code = None;
        }
        if backup_codes {
            self.backup_codes.clear();
        }
        if was_on && !self.two_factor_enabled() {
            self.mfa_disabled_at = Some(now);
        }
        self.updated_at = now;
    }

    /// The user's passkeys, trusted devices, invitations and billing, if any.
    pub(crate) fn extra(&self) -> Option<&Extra> {
        self.extra.as_deref()
    }

    /// The same, made on first use.
    pub(crate) fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// The user's passkeys.
    pub(crate) fn passkeys(&self) -> &[Passkey] {
        self.extra().map_or(&[], |extra| &extra.passkeys)
    }

    /// How many identifications the user has (email addresses, phone numbers, web3 wallets, a
    /// username, external accounts, passkeys): deleting the last one is refused.
    pub(crate) fn identifications(&self) -> usize {
        self.emails.len()
            + self.phones.len()
            + self.wallets.len()
            + usize::from(self.username.is_some())
            + self.oauth.len()
            + self.passkeys().len()
    }

    /// The main identifier, as organization memberships show it.
    pub(crate) fn identifier(&self) -> Option<&str> {
        self.primary_email()
            .or_else(|| self.primary_phone())
            .map(|ident| &*ident.value)
            .or(self.username.as_deref())
    }
}
