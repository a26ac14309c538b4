//! Helpers on the generated data types for what most programs derive from them: a user's primary
//! email address, phone number and wallet (found by id), which identifications are verified, a
//! display name, and Clerk's timestamps as [`SystemTime`](std::time::SystemTime)s.
//!
//! They are inherent methods of the types in [`crate::types`], next to the public fields they
//! read, and borrow from the value (`Option<&EmailAddress>`, `impl Iterator`), as the model
//! accessors of octocrab and the AWS SDK do. None of them panics, whatever Clerk sent.
//!
//! Times: Clerk sends integer milliseconds since the Unix epoch, and the methods read every
//! timestamp so. Older objects (stored exports, old API versions) may carry seconds instead
//! (`1620000000`), which read as a moment in January 1970: the fields keep the integer as sent,
//! and the client does not guess the unit. A value `SystemTime` cannot hold on the platform (on
//! Linux and macOS it holds every `i64` of milliseconds) reads as `None`, or as the Unix epoch
//! from [`User::created`], the one time that is not optional.

use std::time::{Duration, SystemTime};

use crate::types::{
    EmailAddress, EnterpriseAccount, ExternalAccountWithVerification, OrganizationMembership,
    OrganizationMembershipPublicUserData, Passkey, PhoneNumber, SamlAccount, TrustedDevice, User,
    Web3Wallet,
};

/// The moment `millis` milliseconds after the Unix epoch (before it when negative), or `None` when
/// `SystemTime` cannot represent it on this platform.
fn from_unix_millis(millis: i64) -> Option<SystemTime> {
    let offset = Duration::from_millis(millis.unsigned_abs());
    if millis < 0 {
        SystemTime::UNIX_EPOCH.checked_sub(offset)
    } else {
        SystemTime::UNIX_EPOCH.checked_add(offset)
    }
}

/// An optional timestamp field as a time; `None` when the field is, or when it is out of range.
fn time(millis: Option<i64>) -> Option<SystemTime> {
    millis.and_then(from_unix_millis)
}

/// First and last name, each trimmed, joined by a space; `None` when both are absent or blank.
fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// # Identifications, names and times
///
/// ```
/// use clerk_users::types::User;
///
/// let user: User = serde_json::from_str(r#"{
///     "id": "user_1", "created_at": 1717000000000, "last_sign_in_at": null,
///     "first_name": "Ada", "last_name": "Lovelace",
///     "primary_email_address_id": "idn_2",
///     "email_addresses": [
///         {"id": "idn_1", "email_address": "old@example.com", "verification": null},
///         {"id": "idn_2", "email_address": "ada@example.com",
///          "verification": {"status": "verified", "strategy": "email_code"}}
///     ]
/// }"#)?;
///
/// assert_eq!(user.primary_email_address(), Some("ada@example.com"));
/// assert!(user.primary_email().is_some_and(|email| email.is_verified()));
/// assert_eq!(user.verified_emails().count(), 1);
/// assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
/// assert_eq!(
///     user.created(),
///     std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_717_000_000_000),
/// );
/// assert_eq!(user.last_sign_in(), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl User {
    /// The primary email address: the one whose `id` is `primary_email_address_id`. `None` when
    /// the user has no primary address, or when none of `email_addresses` has that id (an address
    /// without an id never matches).
    pub fn primary_email(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses.iter().find(|email| email.id.as_deref() == Some(id))
    }

    /// The text of the [primary email address](Self::primary_email), such as `ada@example.com`.
    pub fn primary_email_address(&self) -> Option<&str> {
        self.primary_email()?.email_address.as_deref()
    }

    /// The primary phone number: the one whose `id` is `primary_phone_number_id`, as for
    /// [`primary_email`](Self::primary_email).
    pub fn primary_phone(&self) -> Option<&PhoneNumber> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers.iter().find(|phone| phone.id.as_deref() == Some(id))
    }

    /// The text of the [primary phone number](Self::primary_phone), such as `+15555550123`.
    pub fn primary_phone_number(&self) -> Option<&str> {
        self.primary_phone()?.phone_number.as_deref()
    }

    /// The primary Web3 wallet: the one whose `id` is `primary_web3_wallet_id`, as for
    /// [`primary_email`](Self::primary_email).
    pub fn primary_web3_wallet(&self) -> Option<&Web3Wallet> {
        let id = self.primary_web3_wallet_id.as_deref()?;
        self.web3_wallets.iter().find(|wallet| wallet.id.as_deref() == Some(id))
    }

    /// The email addresses that are [verified](EmailAddress::is_verified), in Clerk's order.
    pub fn verified_emails(&self) -> impl Iterator<Item = &EmailAddress> {
        self.email_addresses.iter().filter(|email| email.is_verified())
    }

    /// The phone numbers that are [verified](PhoneNumber::is_verified), in Clerk's order.
    pub fn verified_phones(&self) -> impl Iterator<Item = &PhoneNumber> {
        self.phone_numbers.iter().filter(|phone| phone.is_verified())
    }

    /// First and last name, each trimmed, joined by a space (`"Ada Lovelace"`, or `"Ada"` alone);
    /// `None` when both are absent or blank.
    pub fn full_name(&self) -> Option<String> {
        full_name(self.first_name.as_deref(), self.last_name.as_deref())
    }

    /// When the user was created (`created_at`). A value `SystemTime` cannot hold on this
    /// platform, which no real user has, reads as the Unix epoch.
    pub fn created(&self) -> SystemTime {
        from_unix_millis(self.created_at).unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// When the user was last updated (`updated_at`); `None` if Clerk left it out.
    pub fn updated(&self) -> Option<SystemTime> {
        time(self.updated_at)
    }

    /// When the user last signed in (`last_sign_in_at`); `None` if never.
    pub fn last_sign_in(&self) -> Option<SystemTime> {
        time(self.last_sign_in_at)
    }

    /// When the user was last active (`last_active_at`); `None` if unknown.
    pub fn last_active(&self) -> Option<SystemTime> {
        time(self.last_active_at)
    }

    /// When the user accepted the legal terms (`legal_accepted_at`); `None` if they have not.
    pub fn legal_accepted(&self) -> Option<SystemTime> {
        time(self.legal_accepted_at)
    }

    /// When the password was last set (`password_last_updated_at`); `None` if never or unknown.
    pub fn password_last_updated(&self) -> Option<SystemTime> {
        time(self.password_last_updated_at)
    }

    /// How long until the lockout ends (`lockout_expires_in_seconds`); `None` when the user is not
    /// locked out. A negative count, which Clerk does not send, reads as zero.
    pub fn lockout_expires_in(&self) -> Option<Duration> {
        let seconds = self.lockout_expires_in_seconds?;
        Some(Duration::from_secs(seconds.max(0).unsigned_abs()))
    }
}

/// Adds `is_verified()` to types whose `verification` is a union with a `status()`.
macro_rules! is_verified {
    ($($ty:ident: $what:literal),* $(,)?) => {$(
        impl $ty {
            #[doc = concat!("Whether ", $what, " is verified: its verification's status is ",
                "`verified`, whatever kind of verification it is (one this client does not know ",
                "included). `false` without a verification, or with any other status ",
                "(`unverified`, `expired`, a status added later).")]
            pub fn is_verified(&self) -> bool {
                self.verification.as_ref().and_then(|verification| verification.status())
                    == Some("verified")
            }
        }
    )*};
}

is_verified! {
    EmailAddress: "the address",
    PhoneNumber: "the number",
    Web3Wallet: "the wallet",
    Passkey: "the passkey",
    ExternalAccountWithVerification: "the account",
    SamlAccount: "the account",
    EnterpriseAccount: "the account",
}

/// Adds methods returning optional timestamp fields as times.
macro_rules! times {
    ($ty:ident { $($method:ident = $field:ident: $what:literal),* $(,)? }) => {
        impl $ty {$(
            #[doc = concat!("When ", $what, " (`", stringify!($field), "`); `None` if Clerk sent ",
                "none, or a value `SystemTime` cannot hold.")]
            pub fn $method(&self) -> Option<SystemTime> {
                time(self.$field)
            }
        )*}
    };
}

times!(EmailAddress {
    created = created_at: "the address was added",
    updated = updated_at: "the address last changed",
});
times!(PhoneNumber {
    created = created_at: "the number was added",
    updated = updated_at: "the number last changed",
});
times!(Web3Wallet {
    created = created_at: "the wallet was added",
    updated = updated_at: "the wallet last changed",
});
times!(Passkey { last_used = last_used_at: "the passkey was last used" });
times!(ExternalAccountWithVerification {
    created = created_at: "the account was connected",
    updated = updated_at: "the account last changed",
});
times!(SamlAccount {
    last_authenticated = last_authenticated_at: "the user last signed in with it",
});
times!(EnterpriseAccount {
    last_authenticated = last_authenticated_at: "the user last signed in with it",
});
times!(OrganizationMembership {
    created = created_at: "the user joined the organization",
    updated = updated_at: "the membership last changed",
});
times!(TrustedDevice {
    created = created_at: "the device was trusted",
    last_used = last_used_at: "the device was last used",
    revoked = revoked_at: "the device's trust was revoked",
});

impl OrganizationMembership {
    /// The id of the organization (`organization.id`); `None` if Clerk left the organization out.
    pub fn organization_id(&self) -> Option<&str> {
        self.organization.as_ref().map(|organization| organization.id.as_str())
    }

    /// The id of the member (`public_user_data.user_id`); `None` if Clerk left it out.
    pub fn user_id(&self) -> Option<&str> {
        self.public_user_data.as_ref()?.user_id.as_deref()
    }

    /// Whether the membership grants `permission` (such as `org:sys_memberships:manage`), exactly
    /// as listed in `permissions`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|granted| granted == permission)
    }
}

impl OrganizationMembershipPublicUserData {
    /// The member's first and last name, as [`User::full_name`] joins them.
    pub fn full_name(&self) -> Option<String> {
        full_name(self.first_name.as_deref(), self.last_name.as_deref())
    }
}
