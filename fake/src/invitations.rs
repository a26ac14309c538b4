//! Organization invitations of a user: `GET /users/{id}/organization_invitations` with the
//! `status` filter and `limit`/`offset` paging. Invitations are made through the Organizations
//! API, not the Users API: tests add them with `FakeClerk::add_organization_invitation`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Failure;
use super::list::Query;
use super::render::{self, DEFAULT_IMAGE_URL, PageJson};
use super::store::Store;
use super::user::User;

/// How long an invitation is valid: `expires_at` is this long after `created_at`.
const INVITATION_TTL_MS: i64 = 30 * 24 * 3_600_000;

/// The status of an organization invitation, and the values of the list's `status` filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvitationStatus {
    /// Sent and not answered yet (the default).
    #[default]
    Pending,
    /// Accepted by the user.
    Accepted,
    /// Revoked by the organization.
    Revoked,
    /// Not answered in time.
    Expired,
}

impl InvitationStatus {
    fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }

    fn parse(value: &str) -> Option<InvitationStatus> {
        [
            InvitationStatus::Pending,
            InvitationStatus::Accepted,
            InvitationStatus::Revoked,
            InvitationStatus::Expired,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }
}

/// An organization invitation to add with
/// [`FakeClerk::add_organization_invitation`](crate::FakeClerk::add_organization_invitation):
/// the organization (by name, created on first use), and optionally the role (default
/// `org:member`), the status (default pending), the email address (default the user's primary
/// one) and the inviter (default none: `inviter_id` and `public_inviter_data` are `null`).
///
/// ```
/// use clerk_users_fake::{InvitationStatus, NewInvitation};
///
/// let invitation = NewInvitation::new("Acme Corp")
///     .role("org:admin")
///     .status(InvitationStatus::Accepted)
///     .email_address("ada@acme.example");
/// # let _ = invitation;
/// ```
#[derive(Debug, Clone)]
#[must_use = "an invitation does nothing until it is added"]
pub struct NewInvitation {
    org_name: String,
    role: String,
    status: InvitationStatus,
    email_address: Option<String>,
    inviter_id: Option<String>,
}

impl NewInvitation {
    /// A pending `org:member` invitation to the organization named `org_name`.
    pub fn new(org_name: impl Into<String>) -> NewInvitation {
        NewInvitation {
            org_name: org_name.into(),
            role: "org:member".to_owned(),
            status: InvitationStatus::Pending,
            email_address: None,
            inviter_id: None,
        }
    }

    /// The role the invitation offers, such as `org:admin`.
    pub fn role(mut self, role: impl Into<String>) -> NewInvitation {
        self.role = role.into();
        self
    }

    /// The invitation's status.
    pub fn status(mut self, status: InvitationStatus) -> NewInvitation {
        self.status = status;
        self
    }

    /// The address the invitation was sent to, instead of the user's primary email address.
    pub fn email_address(mut self, email_address: impl Into<String>) -> NewInvitation {
        self.email_address = Some(email_address.into());
        self
    }

    /// The id of the user who sent it: rendered as `inviter_id` and `public_inviter_data`
    /// (`null` again if that user is deleted).
    pub fn inviter(mut self, user_id: impl Into<String>) -> NewInvitation {
        self.inviter_id = Some(user_id.into());
        self
    }
}

/// An organization invitation of a user.
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    id: Box<str>,
    /// An index into [`Store::orgs`].
    org: usize,
    email_address: Box<str>,
    role: Box<str>,
    status: InvitationStatus,
    inviter_id: Option<Box<str>>,
    created_at: i64,
}

/// An `OrganizationInvitationWithPublicOrganizationData`, with every field.
#[derive(Serialize)]
pub(crate) struct InvitationJson<'a> {
    object: &'static str,
    id: &'a str,
    email_address: &'a str,
    role: &'a str,
    role_name: String,
    organization_id: &'a str,
    inviter_id: Option<&'a str>,
    public_inviter_data: Option<InviterJson<'a>>,
    status: &'static str,
    public_metadata: Map<String, Value>,
    private_metadata: Map<String, Value>,
    url: Option<()>,
    expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    public_organization_data: PublicOrganizationJson<'a>,
}

/// An `OrganizationInvitationPublicUserData`.
#[derive(Serialize)]
struct InviterJson<'a> {
    user_id: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    image_url: &'a str,
    has_image: bool,
    identifier: &'a str,
}

/// An `OrganizationInvitationPublicOrganizationData`.
#[derive(Serialize)]
struct PublicOrganizationJson<'a> {
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    image_url: &'static str,
    has_image: bool,
}

fn inviter(user: &User) -> InviterJson<'_> {
    InviterJson {
        user_id: &user.id,
        first_name: user.first_name.as_deref(),
        last_name: user.last_name.as_deref(),
        image_url: render::image_url(user),
        has_image: user.image_url.is_some(),
        identifier: user.identifier().unwrap_or_default(),
    }
}

/// The JSON of `invitation`; `None` if its organization is unknown (never).
fn invitation<'a>(store: &'a Store, invitation: &'a Invitation) -> Option<InvitationJson<'a>> {
    let org = store.orgs.get(invitation.org)?;
    let inviter_id = invitation.inviter_id.as_deref();
    let inviter_user = inviter_id.and_then(|id| store.get(store.slot(id)?));
    Some(InvitationJson {
        object: "organization_invitation",
        id: &invitation.id,
        email_address: &invitation.email_address,
        role: &invitation.role,
        role_name: render::role_name(&invitation.role),
        organization_id: &org.id,
        inviter_id,
        public_inviter_data: inviter_user.map(inviter),
        status: invitation.status.as_str(),
        public_metadata: Map::new(),
        private_metadata: Map::new(),
        url: None,
        expires_at: Some(invitation.created_at + INVITATION_TTL_MS),
        created_at: invitation.created_at,
        updated_at: invitation.created_at,
        public_organization_data: PublicOrganizationJson {
            id: &org.id,
            name: &org.name,
            slug: &org.slug,
            image_url: DEFAULT_IMAGE_URL,
            has_image: false,
        },
    })
}

/// `FakeClerk::add_organization_invitation`: its id.
pub(crate) fn add(
    store: &mut Store,
    user_id: &str,
    new: NewInvitation,
) -> Result<Box<str>, Failure> {
    let slot = store.find(user_id)?;
    if let Some(inviter_id) = &new.inviter_id {
        store.find(inviter_id)?;
    }
    let user = store.get(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let email_address = match new.email_address {
        Some(address) => address.into_boxed_str(),
        None => match user.primary_email() {
            Some(email) => email.value.clone(),
            None => return Err(Failure::missing_param("email_address")),
        },
    };
    let org = store.org_named(&new.org_name);
    let id = store.random_id("orginv_");
    let created_at = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    user.extra_mut().invitations.push(Invitation {
        id: id.clone(),
        org,
        email_address,
        role: new.role.into_boxed_str(),
        status: new.status,
        inviter_id: new.inviter_id.map(String::into_boxed_str),
        created_at,
    });
    Ok(id)
}

/// `GET /users/{id}/organization_invitations`: newest first, filtered by `status`, paged with
/// `limit`/`offset`; `total_count` counts every invitation the filter keeps. 422
/// `form_param_value_invalid` for a status other than the four.
pub(crate) fn list<'a>(
    store: &'a Store,
    user_id: &str,
    query: &Query,
) -> Result<PageJson<InvitationJson<'a>>, Failure> {
    let (limit, offset) = query.limit_offset()?;
    let status = match query.first("status") {
        None => None,
        Some(value) => Some(InvitationStatus::parse(value).ok_or_else(|| {
            Failure::value_invalid(
                "status",
                format!(
                    "status must be one of pending, accepted, revoked or expired; got {value:?}."
                ),
            )
        })?),
    };
    let user = store.get(store.find(user_id)?).ok_or_else(|| Failure::user_not_found(user_id))?;
    let invitations = user.extra().map_or(&[][..], |extra| &extra.invitations);
    let kept = invitations.iter().rev().filter(|i| status.is_none_or(|status| i.status == status));
    let data = kept.clone().skip(offset).take(limit).filter_map(|i| invitation(store, i)).collect();
    Ok(PageJson { data, total_count: kept.count() })
}
