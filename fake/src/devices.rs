//! Trusted devices: `GET /users/{id}/trusted_devices` (the active ones) and
//! `DELETE /users/{id}/trusted_devices/{device_id}` (revokes one and answers it). Devices enroll
//! from Clerk's mobile SDKs, not through the Users API: tests add them with
//! `FakeClerk::add_trusted_device`.

use http::StatusCode;
use serde::Serialize;

use super::error::Failure;
use super::render::PageJson;
use super::store::Store;

/// The platform of a trusted device, for
/// [`FakeClerk::add_trusted_device`](crate::FakeClerk::add_trusted_device).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DevicePlatform {
    /// `ios`, with the app identifier `ABCDE12345.com.example.app`.
    Ios,
    /// `android`, with the app identifier `com.example.app`.
    Android,
}

impl DevicePlatform {
    fn as_str(self) -> &'static str {
        match self {
            DevicePlatform::Ios => "ios",
            DevicePlatform::Android => "android",
        }
    }

    fn app_identifier(self) -> &'static str {
        match self {
            DevicePlatform::Ios => "ABCDE12345.com.example.app",
            DevicePlatform::Android => "com.example.app",
        }
    }
}

/// A trusted device of a user.
#[derive(Debug, Clone)]
pub(crate) struct TrustedDevice {
    id: Box<str>,
    platform: DevicePlatform,
    name: Option<Box<str>>,
    created_at: i64,
    updated_at: i64,
    /// When it was revoked; `None` while it is active.
    revoked_at: Option<i64>,
}

/// A `TrustedDevice`, with every field.
#[derive(Serialize)]
pub(crate) struct TrustedDeviceJson<'a> {
    object: &'static str,
    id: &'a str,
    platform: &'static str,
    app_identifier: &'static str,
    name: Option<&'a str>,
    algorithm: &'static str,
    status: &'static str,
    created_at: i64,
    updated_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

fn device(device: &TrustedDevice) -> TrustedDeviceJson<'_> {
    TrustedDeviceJson {
        object: "trusted_device",
        id: &device.id,
        platform: device.platform.as_str(),
        app_identifier: device.platform.app_identifier(),
        name: device.name.as_deref(),
        algorithm: "ES256",
        status: if device.revoked_at.is_some() { "revoked" } else { "active" },
        created_at: device.created_at,
        updated_at: device.updated_at,
        last_used_at: None,
        revoked_at: device.revoked_at,
    }
}

/// `FakeClerk::add_trusted_device`: an active device; its id.
pub(crate) fn add(
    store: &mut Store,
    user_id: &str,
    platform: DevicePlatform,
    name: Option<&str>,
) -> Result<Box<str>, Failure> {
    let slot = store.find(user_id)?;
    let id = store.random_id("tdev_");
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    user.extra_mut().devices.push(TrustedDevice {
        id: id.clone(),
        platform,
        name: name.map(Box::from),
        created_at: now,
        updated_at: now,
        revoked_at: None,
    });
    Ok(id)
}

/// `GET /users/{id}/trusted_devices`: the active devices, newest first, and how many there are.
pub(crate) fn list<'a>(
    store: &'a Store,
    user_id: &str,
) -> Result<PageJson<TrustedDeviceJson<'a>>, Failure> {
    let user = store.get(store.find(user_id)?).ok_or_else(|| Failure::user_not_found(user_id))?;
    let devices = user.extra().map_or(&[][..], |extra| &extra.devices);
    let data: Vec<_> =
        devices.iter().rev().filter(|d| d.revoked_at.is_none()).map(device).collect();
    Ok(PageJson { total_count: data.len(), data })
}

/// `DELETE /users/{id}/trusted_devices/{device_id}`: revokes an active device and answers it;
/// 404 `resource_not_found` for a device the user does not have or that is already revoked.
pub(crate) fn revoke<'a>(
    store: &'a mut Store,
    user_id: &str,
    device_id: &str,
) -> Result<TrustedDeviceJson<'a>, Failure> {
    let slot = store.find(user_id)?;
    let now = store.tick();
    let user = store.get_mut(slot).ok_or_else(|| Failure::user_not_found(user_id))?;
    let active = user.extra.as_deref_mut().and_then(|extra| {
        extra.devices.iter_mut().find(|d| *d.id == *device_id && d.revoked_at.is_none())
    });
    let Some(active) = active else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No active trusted device was found with id {device_id}"),
        )
        .param("trusted_device_id"));
    };
    active.revoked_at = Some(now);
    active.updated_at = now;
    Ok(device(active))
}
