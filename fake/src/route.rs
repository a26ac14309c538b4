//! The 35 operations by method and path, routed by hand so that every miss is a Clerk-shaped 404.

use http::Method;
use percent_encoding::percent_decode_str;

use super::credentials::Factor;
use super::error::Failure;

/// The operations, with their decoded path parameters.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    List,
    Count,
    Create,
    Get(String),
    Update(String),
    Delete(String),
    Ban(String, bool),
    /// `POST /users/ban` (`true`) and `/users/unban`.
    BulkBan(bool),
    Lock(String, bool),
    SetImage(String),
    DeleteImage(String),
    Metadata(String),
    ReplaceMetadata(String),
    OAuthTokens(String, String),
    Memberships(String),
    Invitations(String),
    VerifyPassword(String),
    VerifyTotp(String),
    DisableMfa(String),
    DeleteFactor(String, Factor),
    RemovePassword(String),
    /// `…/password/set_compromised` (`true`) and `…/unset_compromised`.
    PasswordCompromised(String, bool),
    DeletePasskey(String, String),
    DeleteWallet(String, String),
    DeleteExternalAccount(String, String),
    TrustedDevices(String),
    RevokeTrustedDevice(String, String),
    Subscription(String),
    CreditBalance(String),
    AdjustCredits(String),
}

impl Route {
    /// The route of `method` and `path` (such as `/v1/users/user_2abc/totp`); 404
    /// `resource_not_found` for any other.
    pub(crate) fn parse(method: &Method, path: &str) -> Result<Route, Failure> {
        let rest = path.strip_prefix("/v1/users").ok_or_else(Failure::route_not_found)?;
        let segments: Vec<String> = if rest.is_empty() {
            Vec::new()
        } else {
            let rest = rest.strip_prefix('/').ok_or_else(Failure::route_not_found)?;
            rest.split('/')
                .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
                .collect()
        };
        if segments.iter().any(String::is_empty) {
            return Err(Failure::route_not_found());
        }
        let route = match (segments.as_slice(), method.clone()) {
            ([], Method::GET) => Route::List,
            ([], Method::POST) => Route::Create,
            ([count], Method::GET) if count == "count" => Route::Count,
            // Before the `{user_id}` routes: `GET /users/ban` is the user with id `ban`.
            ([bulk], Method::POST) if bulk == "ban" || bulk == "unban" => {
                Route::BulkBan(bulk == "ban")
            }
            ([id], Method::GET) => Route::Get(id.clone()),
            ([id], Method::PATCH) => Route::Update(id.clone()),
            ([id], Method::DELETE) => Route::Delete(id.clone()),
            ([id, action], method) => Route::action(id.clone(), action, method)?,
            ([id, group, item], method) => Route::item(id.clone(), group, item.clone(), method)?,
            _ => return Err(Failure::route_not_found()),
        };
        Ok(route)
    }

    /// `/users/{id}/{action}`.
    fn action(id: String, action: &str, method: Method) -> Result<Route, Failure> {
        Ok(match (action, method) {
            ("ban", Method::POST) => Route::Ban(id, true),
            ("unban", Method::POST) => Route::Ban(id, false),
            ("lock", Method::POST) => Route::Lock(id, true),
            ("unlock", Method::POST) => Route::Lock(id, false),
            ("profile_image", Method::POST) => Route::SetImage(id),
            ("profile_image", Method::DELETE) => Route::DeleteImage(id),
            ("metadata", Method::PATCH) => Route::Metadata(id),
            ("metadata", Method::PUT) => Route::ReplaceMetadata(id),
            ("organization_memberships", Method::GET) => Route::Memberships(id),
            ("organization_invitations", Method::GET) => Route::Invitations(id),
            ("verify_password", Method::POST) => Route::VerifyPassword(id),
            ("verify_totp", Method::POST) => Route::VerifyTotp(id),
            ("mfa", Method::DELETE) => Route::DisableMfa(id),
            ("totp", Method::DELETE) => Route::DeleteFactor(id, Factor::Totp),
            ("backup_code", Method::DELETE) => Route::DeleteFactor(id, Factor::BackupCodes),
            ("remove_password", Method::POST) => Route::RemovePassword(id),
            ("trusted_devices", Method::GET) => Route::TrustedDevices(id),
            _ => return Err(Failure::route_not_found()),
        })
    }

    /// `/users/{id}/{group}/{item}`.
    fn item(id: String, group: &str, item: String, method: Method) -> Result<Route, Failure> {
        Ok(match (group, item.as_str(), method) {
            ("oauth_access_tokens", _, Method::GET) => Route::OAuthTokens(id, item),
            ("billing", "subscription", Method::GET) => Route::Subscription(id),
            ("billing", "credits", Method::GET) => Route::CreditBalance(id),
            ("billing", "credits", Method::POST) => Route::AdjustCredits(id),
            ("password", "set_compromised", Method::POST) => Route::PasswordCompromised(id, true),
            ("password", "unset_compromised", Method::POST) => {
                Route::PasswordCompromised(id, false)
            }
            ("passkeys", _, Method::DELETE) => Route::DeletePasskey(id, item),
            ("web3_wallets", _, Method::DELETE) => Route::DeleteWallet(id, item),
            ("external_accounts", _, Method::DELETE) => Route::DeleteExternalAccount(id, item),
            ("trusted_devices", _, Method::DELETE) => Route::RevokeTrustedDevice(id, item),
            _ => return Err(Failure::route_not_found()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: Method, path: &str) -> Option<Route> {
        Route::parse(&method, path).ok()
    }

    #[test]
    fn bulk_routes_come_before_the_user_id_routes() {
        assert_eq!(route(Method::POST, "/v1/users/ban"), Some(Route::BulkBan(true)));
        assert_eq!(route(Method::POST, "/v1/users/unban"), Some(Route::BulkBan(false)));
        assert_eq!(route(Method::GET, "/v1/users/ban"), Some(Route::Get("ban".into())));
        assert_eq!(route(Method::DELETE, "/v1/users/unban"), Some(Route::Delete("unban".into())));
        assert_eq!(route(Method::POST, "/v1/users/u1/ban"), Some(Route::Ban("u1".into(), true)));
        assert_eq!(route(Method::PUT, "/v1/users/ban"), None);
    }

    #[test]
    fn every_new_route_parses_with_its_parameters() {
        let u = || "user_1".to_owned();
        for (method, path, expected) in [
            (Method::PUT, "/v1/users/user_1/metadata", Route::ReplaceMetadata(u())),
            (Method::GET, "/v1/users/user_1/billing/subscription", Route::Subscription(u())),
            (Method::GET, "/v1/users/user_1/billing/credits", Route::CreditBalance(u())),
            (Method::POST, "/v1/users/user_1/billing/credits", Route::AdjustCredits(u())),
            (Method::GET, "/v1/users/user_1/organization_invitations", Route::Invitations(u())),
            (Method::POST, "/v1/users/user_1/remove_password", Route::RemovePassword(u())),
            (
                Method::DELETE,
                "/v1/users/user_1/backup_code",
                Route::DeleteFactor(u(), Factor::BackupCodes),
            ),
            (Method::DELETE, "/v1/users/user_1/totp", Route::DeleteFactor(u(), Factor::Totp)),
            (
                Method::DELETE,
                "/v1/users/user_1/passkeys/idn_%32x",
                Route::DeletePasskey(u(), "idn_2x".into()),
            ),
            (Method::GET, "/v1/users/user_1/trusted_devices", Route::TrustedDevices(u())),
            (
                Method::DELETE,
                "/v1/users/user_1/trusted_devices/tdev_1",
                Route::RevokeTrustedDevice(u(), "tdev_1".into()),
            ),
            (
                Method::DELETE,
                "/v1/users/user_1/web3_wallets/idn_w",
                Route::DeleteWallet(u(), "idn_w".into()),
            ),
            (
                Method::DELETE,
                "/v1/users/user_1/external_accounts/eac_1",
                Route::DeleteExternalAccount(u(), "eac_1".into()),
            ),
            (
                Method::POST,
                "/v1/users/user_1/password/set_compromised",
                Route::PasswordCompromised(u(), true),
            ),
            (
                Method::POST,
                "/v1/users/user_1/password/unset_compromised",
                Route::PasswordCompromised(u(), false),
            ),
        ] {
            assert_eq!(route(method.clone(), path), Some(expected), "{method} {path}");
        }
        for (method, path) in [
            (Method::GET, "/v1/users/user_1/totp"),
            (Method::DELETE, "/v1/users/user_1/billing/credits"),
            (Method::GET, "/v1/users/user_1/passkeys/idn_1"),
            (Method::POST, "/v1/users/user_1/password/reset"),
            (Method::DELETE, "/v1/users/user_1/trusted_devices"),
            (Method::DELETE, "/v1/users/user_1/passkeys/"),
            (Method::DELETE, "/v1/users/user_1/passkeys/a/b"),
        ] {
            assert_eq!(route(method.clone(), path), None, "{method} {path}");
        }
    }
}
