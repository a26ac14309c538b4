//! `POST /users` and `PATCH /users/{id}`: Clerk's checks on a request body, then the change.

use std::borrow::Cow;

use super::{Failure, Store};
use crate::body::{Body, Field};
use crate::user::{Ident, Secret, User, Verified};

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

impl Store {
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
            user.password_compromised = false;
        } else if digest.is_some() {
            user.password = Some(Secret::Opaque);
            user.password_updated_at = Some(now);
            user.password_compromised = false;
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
