//! Users and their parts as Clerk's JSON, rendered on demand from the compact structs: views that
//! borrow from the store and serialize straight to bytes, with every field the response schemas
//! require (nullable ones as `null`, collections as `[]`), in Clerk's field order.

use serde::Serialize;
use serde_json::{Map, Value};

use super::identities::{self, PasskeyJson};
use super::store::Store;
use super::user::{Ident, Membership, OAuthAccount, Org, User, VERIFICATION_ATTEMPTS, Verified};

/// How long a one-time code stays valid, for rendered `expire_at`s.
const CODE_TTL_MS: i64 = 600_000;
/// The image of a user who never uploaded one.
pub(crate) const DEFAULT_IMAGE_URL: &str = "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9";

const NO_ITEMS: [(); 0] = [];

#[derive(Serialize)]
pub(crate) struct UserJson<'a> {
    id: &'a str,
    object: &'static str,
    external_id: Option<&'a str>,
    primary_email_address_id: Option<&'a str>,
    primary_phone_number_id: Option<&'a str>,
    primary_web3_wallet_id: Option<&'a str>,
    username: Option<&'a str>,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    locale: Option<&'a str>,
    profile_image_url: &'a str,
    image_url: &'a str,
    has_image: bool,
    public_metadata: &'a Map<String, Value>,
    private_metadata: &'a Map<String, Value>,
    unsafe_metadata: &'a Map<String, Value>,
    email_addresses: Vec<EmailJson<'a>>,
    phone_numbers: Vec<PhoneJson<'a>>,
    web3_wallets: Vec<WalletJson<'a>>,
    passkeys: Vec<PasskeyJson<'a>>,
    password_enabled: bool,
    two_factor_enabled: bool,
    totp_enabled: bool,
    backup_code_enabled: bool,
    mfa_enabled_at: Option<i64>,
    mfa_disabled_at: Option<i64>,
    password_last_updated_at: Option<i64>,
    external_accounts: Vec<ExternalAccountJson<'a>>,
    saml_accounts: [(); 0],
    enterprise_accounts: [(); 0],
    organization_memberships: [(); 0],
    last_sign_in_at: Option<i64>,
    banned: bool,
    locked: bool,
    deprovisioned: bool,
    lockout_expires_in_seconds: Option<i64>,
    verification_attempts_remaining: Option<i64>,
    updated_at: i64,
    created_at: i64,
    delete_self_enabled: bool,
    create_organization_enabled: bool,
    create_organizations_limit: Option<i64>,
    last_active_at: Option<i64>,
    legal_accepted_at: Option<i64>,
    bypass_client_trust: bool,
    /// SCIM directories are not modelled: always `null`.
    scim: Option<()>,
}

/// `verification_admin`, `verification_otp` or `verification_web3`, with every field.
#[derive(Serialize)]
struct VerificationJson {
    object: &'static str,
    status: &'static str,
    strategy: &'static str,
    attempts: Option<i64>,
    expire_at: Option<i64>,
    verified_at_client: Option<()>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<Option<()>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Option<()>>,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct EmailJson<'a> {
    id: &'a str,
    object: &'static str,
    email_address: &'a str,
    reserved: bool,
    verification: Option<VerificationJson>,
    linked_to: Vec<LinkJson<'a>>,
    matches_sso_connection: bool,
    created_at: i64,
    updated_at: i64,
}

#[derive(Serialize)]
struct PhoneJson<'a> {
    id: &'a str,
    object: &'static str,
    phone_number: &'a str,
    reserved_for_second_factor: bool,
    default_second_factor: bool,
    reserved: bool,
    verification: Option<VerificationJson>,
    linked_to: [(); 0],
    backup_codes: Option<()>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Serialize)]
struct WalletJson<'a> {
    id: &'a str,
    object: &'static str,
    web3_wallet: &'a str,
    verification: Option<VerificationJson>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Serialize)]
struct OAuthVerificationJson<'a> {
    object: &'static str,
    status: &'static str,
    strategy: &'a str,
    expire_at: i64,
    attempts: Option<i64>,
    error: Option<()>,
    verified_at_client: Option<()>,
}

#[derive(Serialize)]
struct ExternalAccountJson<'a> {
    object: &'static str,
    id: &'a str,
    provider: &'a str,
    identification_id: &'a str,
    provider_user_id: &'a str,
    approved_scopes: &'static str,
    email_address: &'a str,
    email_address_verified: bool,
    first_name: &'a str,
    last_name: &'a str,
    avatar_url: &'static str,
    image_url: Option<()>,
    username: Option<()>,
    phone_number: Option<()>,
    public_metadata: Map<String, Value>,
    label: Option<()>,
    created_at: i64,
    updated_at: i64,
    verification: OAuthVerificationJson<'a>,
}

fn verification(ident: &Ident, kind: IdentKind) -> Option<VerificationJson> {
    if ident.reserved {
        return None;
    }
    let expire_at = ident.created_at + CODE_TTL_MS;
    Some(match (ident.verified, kind) {
        (Verified::Admin, _) => VerificationJson {
            object: "verification_admin",
            status: "verified",
            strategy: "admin",
            attempts: None,
            expire_at: None,
            verified_at_client: None,
            channel: None,
            nonce: None,
            message: None,
        },
        (Verified::Code, IdentKind::Email | IdentKind::Phone) => VerificationJson {
            object: "verification_otp",
            status: "verified",
            strategy: if kind == IdentKind::Email { "email_code" } else { "phone_code" },
            attempts: Some(1),
            expire_at: Some(expire_at),
            verified_at_client: None,
            channel: Some((kind == IdentKind::Phone).then_some("sms")),
            nonce: None,
            message: None,
        },
        (Verified::Code, IdentKind::Wallet) => VerificationJson {
            object: "verification_web3",
            status: "verified",
            strategy: "web3_metamask_signature",
            attempts: Some(1),
            expire_at: Some(expire_at),
            verified_at_client: None,
            channel: None,
            nonce: Some(None),
            message: Some(None),
        },
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum IdentKind {
    Email,
    Phone,
    Wallet,
}

/// The profile image URL of `user`.
pub(crate) fn image_url(user: &User) -> &str {
    user.image_url.as_deref().unwrap_or(DEFAULT_IMAGE_URL)
}

/// The `User` object for `user`, as of `now` (for the lockout).
pub(crate) fn user(user: &User, now: i64) -> UserJson<'_> {
    let lock = user.lock(now);
    let primary_email = user.primary_email().map_or("", |email| &*email.value);
    UserJson {
        id: &user.id,
        object: "user",
        external_id: user.external_id.as_deref(),
        primary_email_address_id: user.primary_email().map(|e| &*e.id),
        primary_phone_number_id: user.primary_phone().map(|p| &*p.id),
        primary_web3_wallet_id: user.primary_wallet().map(|w| &*w.id),
        username: user.username.as_deref(),
        first_name: user.first_name.as_deref(),
        last_name: user.last_name.as_deref(),
        locale: user.locale.as_deref(),
        profile_image_url: image_url(user),
        image_url: image_url(user),
        has_image: user.image_url.is_some(),
        public_metadata: &user.public_metadata,
        private_metadata: &user.private_metadata,
        unsafe_metadata: &user.unsafe_metadata,
        email_addresses: user
            .emails
            .iter()
            .enumerate()
            .map(|(i, email)| EmailJson {
                id: &email.id,
                object: "email_address",
                email_address: &email.value,
                reserved: email.reserved,
                verification: verification(email, IdentKind::Email),
                // The primary address is the one OAuth accounts link to.
                linked_to: if user.primary_email == Some(i) {
                    user.oauth
                        .iter()
                        .map(|account| LinkJson {
                            kind: &account.provider,
                            id: &account.identification_id,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                matches_sso_connection: false,
                created_at: email.created_at,
                updated_at: email.created_at,
            })
            .collect(),
        phone_numbers: user
            .phones
            .iter()
            .map(|phone| PhoneJson {
                id: &phone.id,
                object: "phone_number",
                phone_number: &phone.value,
                reserved_for_second_factor: false,
                default_second_factor: false,
                reserved: phone.reserved,
                verification: verification(phone, IdentKind::Phone),
                linked_to: NO_ITEMS,
                backup_codes: None,
                created_at: phone.created_at,
                updated_at: phone.created_at,
            })
            .collect(),
        web3_wallets: user
            .wallets
            .iter()
            .map(|wallet| WalletJson {
                id: &wallet.id,
                object: "web3_wallet",
                web3_wallet: &wallet.value,
                verification: verification(wallet, IdentKind::Wallet),
                created_at: wallet.created_at,
                updated_at: wallet.created_at,
            })
            .collect(),
        passkeys: user.passkeys().iter().map(identities::passkey).collect(),
        password_enabled: user.password.is_some(),
        two_factor_enabled: user.two_factor_enabled(),
        totp_enabled: user.totp,
        backup_code_enabled: !user.backup_codes.is_empty(),
        mfa_enabled_at: user.mfa_enabled_at,
        mfa_disabled_at: user.mfa_disabled_at,
        password_last_updated_at: user.password_updated_at,
        external_accounts: user
            .oauth
            .iter()
            .map(|account| ExternalAccountJson {
                object: "external_account",
                id: &account.id,
                provider: &account.provider,
                identification_id: &account.identification_id,
                provider_user_id: &account.provider_user_id,
                approved_scopes: "email profile openid",
                email_address: primary_email,
                email_address_verified: true,
                first_name: user.first_name.as_deref().unwrap_or(""),
                last_name: user.last_name.as_deref().unwrap_or(""),
                avatar_url: "",
                image_url: None,
                username: None,
                phone_number: None,
                public_metadata: Map::new(),
                label: None,
                created_at: account.created_at,
                updated_at: account.created_at,
                verification: OAuthVerificationJson {
                    object: "verification_oauth",
                    status: "verified",
                    strategy: &account.provider,
                    expire_at: account.created_at + CODE_TTL_MS,
                    attempts: None,
                    error: None,
                    verified_at_client: None,
                },
            })
            .collect(),
        saml_accounts: NO_ITEMS,
        enterprise_accounts: NO_ITEMS,
        organization_memberships: NO_ITEMS,
        last_sign_in_at: user.last_sign_in_at,
        banned: user.banned,
        locked: lock.is_some(),
        deprovisioned: false,
        lockout_expires_in_seconds: lock,
        verification_attempts_remaining: Some(VERIFICATION_ATTEMPTS),
        updated_at: user.updated_at,
        created_at: user.created_at,
        delete_self_enabled: user.delete_self_enabled,
        create_organization_enabled: user.create_organization_enabled,
        create_organizations_limit: user.create_organizations_limit,
        last_active_at: user.last_active_at,
        legal_accepted_at: user.legal_accepted_at,
        bypass_client_trust: user.bypass_client_trust,
        scim: None,
    }
}

#[derive(Serialize)]
pub(crate) struct OrganizationJson<'a> {
    object: &'static str,
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    image_url: &'static str,
    has_image: bool,
    max_allowed_memberships: i64,
    admin_delete_enabled: bool,
    public_metadata: Map<String, Value>,
    private_metadata: Map<String, Value>,
    created_at: i64,
    updated_at: i64,
    role_set_key: Option<()>,
}

#[derive(Serialize)]
struct PublicUserDataJson<'a> {
    user_id: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    profile_image_url: &'a str,
    image_url: &'a str,
    has_image: bool,
    identifier: Option<&'a str>,
    username: Option<&'a str>,
    banned: bool,
    deprovisioned: bool,
}

#[derive(Serialize)]
pub(crate) struct MembershipJson<'a> {
    id: &'a str,
    object: &'static str,
    role: &'a str,
    role_name: String,
    permissions: &'static [&'static str],
    public_metadata: Map<String, Value>,
    private_metadata: Map<String, Value>,
    organization: OrganizationJson<'a>,
    public_user_data: PublicUserDataJson<'a>,
    created_at: i64,
    updated_at: i64,
}

const ADMIN_PERMISSIONS: &[&str] = &[
    "org:sys_domains:manage",
    "org:sys_domains:read",
    "org:sys_memberships:manage",
    "org:sys_memberships:read",
    "org:sys_profile:delete",
    "org:sys_profile:manage",
];
const MEMBER_PERMISSIONS: &[&str] = &["org:sys_memberships:read"];

/// `"org:billing_admin"` -> `"Billing admin"`.
pub(crate) fn role_name(role: &str) -> String {
    let key = role.strip_prefix("org:").unwrap_or(role).replace('_', " ");
    let mut chars = key.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn organization(org: &Org) -> OrganizationJson<'_> {
    OrganizationJson {
        object: "organization",
        id: &org.id,
        name: &org.name,
        slug: &org.slug,
        image_url: DEFAULT_IMAGE_URL,
        has_image: false,
        max_allowed_memberships: 5,
        admin_delete_enabled: true,
        public_metadata: Map::new(),
        private_metadata: Map::new(),
        created_at: org.created_at,
        updated_at: org.created_at,
        role_set_key: None,
    }
}

/// An `OrganizationMembership` of `user`; `None` if its organization is unknown (never).
pub(crate) fn membership<'a>(
    store: &'a Store,
    user: &'a User,
    membership: &'a Membership,
) -> Option<MembershipJson<'a>> {
    let org = store.orgs.get(membership.org)?;
    Some(MembershipJson {
        id: &membership.id,
        object: "organization_membership",
        role: &membership.role,
        role_name: role_name(&membership.role),
        permissions: match &*membership.role {
            "org:admin" => ADMIN_PERMISSIONS,
            "org:member" => MEMBER_PERMISSIONS,
            _ => &[],
        },
        public_metadata: Map::new(),
        private_metadata: Map::new(),
        organization: organization(org),
        public_user_data: PublicUserDataJson {
            user_id: &user.id,
            first_name: user.first_name.as_deref(),
            last_name: user.last_name.as_deref(),
            profile_image_url: image_url(user),
            image_url: image_url(user),
            has_image: user.image_url.is_some(),
            identifier: user.identifier(),
            username: user.username.as_deref(),
            banned: user.banned,
            deprovisioned: false,
        },
        created_at: membership.created_at,
        updated_at: membership.created_at,
    })
}

#[derive(Serialize)]
pub(crate) struct OAuthTokenJson<'a> {
    object: &'static str,
    external_account_id: &'a str,
    provider_user_id: &'a str,
    token: &'a str,
    expires_at: Option<()>,
    provider: &'a str,
    public_metadata: Map<String, Value>,
    label: Option<()>,
    scopes: &'static [&'static str],
}

pub(crate) fn oauth_token(account: &OAuthAccount) -> OAuthTokenJson<'_> {
    OAuthTokenJson {
        object: "oauth_access_token",
        external_account_id: &account.id,
        provider_user_id: &account.provider_user_id,
        token: &account.token,
        expires_at: None,
        provider: &account.provider,
        public_metadata: Map::new(),
        label: None,
        scopes: &["email", "profile", "openid"],
    }
}

/// A `DeletedObject`.
#[derive(Serialize)]
pub(crate) struct DeletedJson {
    object: &'static str,
    id: Box<str>,
    deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<Box<str>>,
}

impl DeletedJson {
    /// `{"object": object, "id": id, "deleted": true}`.
    pub(crate) fn new(object: &'static str, id: Box<str>) -> DeletedJson {
        DeletedJson { object, id, deleted: true, external_id: None }
    }

    /// Adds `external_id` (a deleted user's, when it had one).
    pub(crate) fn external_id(mut self, external_id: Option<Box<str>>) -> DeletedJson {
        self.external_id = external_id;
        self
    }
}

/// A `{data, total_count}` page.
#[derive(Serialize)]
pub(crate) struct PageJson<T> {
    pub(crate) data: Vec<T>,
    pub(crate) total_count: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_readable() {
        assert_eq!(role_name("org:admin"), "Admin");
        assert_eq!(role_name("org:billing_admin"), "Billing admin");
        assert_eq!(role_name(""), "");
    }
}
