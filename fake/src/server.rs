//! The HTTP side: one axum handler that logs the request, applies the scheduled faults and the
//! knobs (latency, rate limit, failures), checks the key, routes the 35 operations by hand
//! ([`Route`]: every miss is a Clerk-shaped 404), and answers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Multipart, Request, State as AxumState};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use serde::Serialize;
use serde_json::json;
use tokio::sync::watch;
use tokio::time::Instant;

use super::RecordedRequest;
use super::body::Body;
use super::credentials;
use super::error::Failure;
use super::fault::{Fault, Reply, Schedule};
use super::list::{self, Filters, ListRequest, Query};
use super::render::{self, DeletedJson, PageJson};
use super::route::Route;
use super::seed;
use super::store::{Store, merge};
use super::time::now_ms;
use super::user::{Secret, User};
use super::{billing, devices, identities, invitations};

/// Largest request body the fake reads (profile images included).
pub(crate) const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What the server and the [`FakeClerk`](super::FakeClerk) handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) secret_key: String,
    pub(crate) latency: Duration,
    /// `(requests, window)`.
    pub(crate) rate_limit: Option<(u64, Duration)>,
    pub(crate) failure_rate: f64,
    /// Closes when the [`FakeClerk`](super::FakeClerk) and every client it handed out are
    /// dropped: stalled requests and the server stop waiting.
    closed: watch::Receiver<()>,
    state: Mutex<State>,
    /// The body each list path last answered with 200, for [`Fault::RepeatLastPage`]. A lock of
    /// its own, taken while `state` may be held, never the other way round.
    last_pages: Mutex<HashMap<String, Bytes>>,
}

impl State {
    /// Logs a request, forgetting the oldest past the log's capacity.
    fn log(&mut self, arrival: u64, request: RecordedRequest) {
        if self.log_capacity == 0 {
            return;
        }
        if self.requests.len() == self.log_capacity {
            self.requests.pop_front();
        }
        self.requests.push_back((arrival, request));
    }
}

/// What a fake is started with: the builder's knobs.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) secret_key: String,
    pub(crate) latency: Duration,
    pub(crate) rate_limit: Option<(u64, Duration)>,
    pub(crate) failure_rate: f64,
    pub(crate) seed: u64,
    pub(crate) sequential_ids: bool,
    pub(crate) log_capacity: usize,
    pub(crate) quirks: super::quirks::Quirks,
}

/// Everything behind the lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) store: Store,
    /// The request log, in arrival order, each with its arrival number (so an answer finds its
    /// entry even after `clear_requests`).
    pub(crate) requests: VecDeque<(u64, RecordedRequest)>,
    /// How many requests the log keeps: the oldest go first.
    log_capacity: usize,
    /// Requests received so far.
    arrivals: u64,
    pub(crate) faults: Schedule,
    /// The current rate-limit window: its start and the requests admitted in it.
    window: Option<(Instant, u64)>,
    failures: fastrand::Rng,
    traces: u64,
    trace_seed: u64,
}

impl Shared {
    pub(crate) fn new(settings: Settings, closed: watch::Receiver<()>) -> Shared {
        let Settings {
            secret_key,
            latency,
            rate_limit,
            failure_rate,
            seed,
            sequential_ids,
            log_capacity,
            quirks,
        } = settings;
        Shared {
            secret_key,
            latency,
            rate_limit,
            failure_rate,
            closed,
            last_pages: Mutex::new(HashMap::new()),
            state: Mutex::new(State {
                store: Store::new(seed, sequential_ids, quirks),
                requests: VecDeque::new(),
                log_capacity,
                arrivals: 0,
                faults: Schedule::default(),
                window: None,
                failures: fastrand::Rng::with_seed(seed ^ 0x9E37_79B9_7F4A_7C15),
                traces: 0,
                trace_seed: seed,
            }),
        }
    }

    /// The state. A panic while it was held (a bug) does not make the fake unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn last_pages(&self) -> MutexGuard<'_, HashMap<String, Bytes>> {
        self.last_pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Resolves when the fake and every client it handed out are dropped.
    pub(crate) async fn closed(&self) {
        let mut closed = self.closed.clone();
        // An error means the sender is gone, which is what this waits for.
        while closed.changed().await.is_ok() {}
    }
}

impl State {
    /// A new `clerk_trace_id`.
    pub(crate) fn trace_id(&mut self) -> String {
        self.traces += 1;
        let a = splitmix(self.trace_seed ^ self.traces);
        let b = splitmix(a);
        format!("trace_{a:016x}{b:016x}")
    }

    /// Counts a request against `limit` per fixed `window` (windows follow each other from the
    /// first request); 429 beyond it, with the whole seconds until the window ends.
    fn admit(&mut self, limit: u64, window: Duration) -> Result<(), Failure> {
        let now = Instant::now();
        let (start, count) = self.window.get_or_insert((now, 0));
        let elapsed = now.saturating_duration_since(*start);
        if elapsed >= window {
            let into_window = elapsed.as_nanos() % window.as_nanos().max(1);
            *start = now - Duration::from_nanos(u64::try_from(into_window).unwrap_or(0));
            *count = 0;
        }
        if *count >= limit {
            let left =
                start.checked_add(window).map_or(window, |end| end.saturating_duration_since(now));
            let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(Failure::too_many_requests(seconds.max(1)));
        }
        *count += 1;
        Ok(())
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The one handler: every request comes here.
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let (arrival, faults) = {
        let mut state = shared.lock();
        state.arrivals += 1;
        let arrival = state.arrivals;
        let faults = state.faults.take(&method, &path);
        let logged = RecordedRequest { method, path: path.clone(), query, status: None };
        state.log(arrival, logged);
        (arrival, faults)
    };
    let injected = match inject(&shared, &path, faults).await {
        Some(response) => Ok(response),
        None => answer(&shared, request).await,
    };
    let response = match injected {
        Ok(response) => response,
        Err(failure) => {
            let trace_id = shared.lock().trace_id();
            failure.into_response(&trace_id)
        }
    };
    let status = response.status().as_u16();
    let mut state = shared.lock();
    if let Ok(i) = state.requests.binary_search_by_key(&arrival, |(n, _)| *n) {
        state.requests[i].1.status = Some(status);
    }
    response
}

/// Applies the faults that fall on this request, in order; the answer, if one of them decides
/// it.
async fn inject(shared: &Shared, path: &str, faults: Vec<Fault>) -> Option<Response> {
    for fault in faults {
        match fault {
            Fault::Stall(duration) => {
                tokio::select! {
                    () = tokio::time::sleep(duration) => {}
                    () = shared.closed() => return Some(stopped(shared)),
                }
            }
            Fault::Hang => {
                shared.closed().await;
                return Some(stopped(shared));
            }
            Fault::InsertUsers(count) => {
                seed::insert_now(&mut shared.lock().store, count);
            }
            Fault::Respond(reply) => return Some(reply_response(shared, &reply)),
            Fault::RepeatLastPage => {
                if let Some(body) = shared.last_pages().get(path).cloned() {
                    return Some(json_bytes(body));
                }
            }
        }
    }
    None
}

/// The answer to a request held when the fake stops.
fn stopped(shared: &Shared) -> Response {
    reply_response(shared, &Reply::status(503).error("service_unavailable", "The fake stopped."))
}

fn reply_response(shared: &Shared, reply: &Reply) -> Response {
    let trace_id = shared.lock().trace_id();
    let (status, body, headers) = reply.parts(&trace_id);
    let mut response = match body {
        Some((content_type, bytes)) => {
            (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        None => status.into_response(),
    };
    // A reply's headers replace the defaults of the same name (the content type), and keep all
    // their own values (two `.header()` calls with one name send both).
    for name in headers.keys() {
        response.headers_mut().remove(name);
    }
    for (name, value) in headers {
        response.headers_mut().append(name, value.clone());
    }
    response
}

/// 401 unless `Authorization: Bearer <the fake's key>`.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<(), Failure> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    if key == Some(shared.secret_key.as_str()) { Ok(()) } else { Err(Failure::unauthenticated()) }
}

async fn answer(shared: &Shared, request: Request) -> Result<Response, Failure> {
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    {
        let mut state = shared.lock();
        if let Some((limit, window)) = shared.rate_limit {
            state.admit(limit, window)?;
        }
        if shared.failure_rate > 0.0 && state.failures.f64() < shared.failure_rate {
            return Err(Failure::service_unavailable());
        }
    }
    authenticate(shared, request.headers())?;
    let path = request.uri().path().to_owned();
    let route = Route::parse(request.method(), &path)?;
    let query = Query::parse(request.uri().query().unwrap_or_default());
    match route {
        Route::List => {
            let list = ListRequest::parse(&query)?;
            let state = shared.lock();
            let slots = list.page(&state.store)?;
            let now = now_ms();
            let users: Vec<_> = slots
                .iter()
                .filter_map(|&slot| state.store.get(slot))
                .map(|user| render::user(user, now))
                .collect();
            page(shared, path, &users)
        }
        Route::Count => {
            let filters = Filters::parse(&query)?;
            let total = list::count(&shared.lock().store, &filters);
            json(&json!({"object": "total_count", "total_count": total}))
        }
        Route::Create => {
            let body = read_json(request).await?;
            let mut state = shared.lock();
            let slot = state.store.create(&body)?;
            user_response(&state.store, slot)
        }
        Route::Get(id) => {
            let state = shared.lock();
            let slot = state.store.find(&id)?;
            user_response(&state.store, slot)
        }
        Route::Update(id) => {
            let body = read_json(request).await?;
            let mut state = shared.lock();
            let slot = state.store.find(&id)?;
            state.store.update(slot, &body)?;
            user_response(&state.store, slot)
        }
        Route::Delete(id) => {
            let mut state = shared.lock();
            let slot = state.store.find(&id)?;
            let user = state.store.remove(slot).ok_or_else(|| Failure::user_not_found(&id))?;
            json(&DeletedJson::new("user", user.id).external_id(user.external_id))
        }
        Route::Ban(id, banned) => change(shared, &id, |user, _| user.banned = banned),
        Route::BulkBan(banned) => {
            let body = read_json(request).await?;
            let ids = bulk_user_ids(&body)?;
            let mut state = shared.lock();
            let now = state.store.tick();
            let mut slots: Vec<u32> = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(slot) = state.store.slot(id)
                    && !slots.contains(&slot)
                {
                    slots.push(slot);
                }
            }
            for &slot in &slots {
                if let Some(user) = state.store.get_mut(slot) {
                    user.banned = banned;
                    user.updated_at = now;
                }
            }
            let users: Vec<_> = slots
                .iter()
                .filter_map(|&slot| state.store.get(slot))
                .map(|user| render::user(user, now))
                .collect();
            json(&users)
        }
        Route::Lock(id, locked) => {
            change(shared, &id, |user, now| user.locked_at = locked.then_some(now))
        }
        Route::SetImage(id) => {
            shared.lock().store.find(&id)?;
            let has_file = read_image(request).await?;
            if !has_file {
                return Err(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "form_param_missing",
                    "missing required parameter",
                    "file must be included.",
                )
                .param("file"));
            }
            let mut state = shared.lock();
            let slot = state.store.find(&id)?;
            let url = state.store.new_image_url(&id);
            let now = state.store.tick();
            if let Some(user) = state.store.get_mut(slot) {
                user.image_url = Some(url);
                user.updated_at = now;
            }
            user_response(&state.store, slot)
        }
        Route::DeleteImage(id) => change(shared, &id, |user, _| user.image_url = None),
        Route::Metadata(id) => {
            let body = read_json(request).await?;
            body.allow_only(&["public_metadata", "private_metadata", "unsafe_metadata"])?;
            let public = body.object("public_metadata")?;
            let private = body.object("private_metadata")?;
            let unsafe_ = body.object("unsafe_metadata")?;
            change(shared, &id, |user, _| {
                for (target, patch) in [
                    (&mut user.public_metadata, public),
                    (&mut user.private_metadata, private),
                    (&mut user.unsafe_metadata, unsafe_),
                ] {
                    if let Some(patch) = patch {
                        merge(target, patch);
                    }
                }
            })
        }
        Route::ReplaceMetadata(id) => {
            let body = read_json(request).await?;
            body.allow_only(&["public_metadata", "private_metadata", "unsafe_metadata"])?;
            let public = body.object("public_metadata")?;
            let private = body.object("private_metadata")?;
            let unsafe_ = body.object("unsafe_metadata")?;
            change(shared, &id, |user, _| {
                for (target, replacement) in [
                    (&mut user.public_metadata, public),
                    (&mut user.private_metadata, private),
                    (&mut user.unsafe_metadata, unsafe_),
                ] {
                    if let Some(replacement) = replacement {
                        target.clone_from(replacement);
                    }
                }
            })
        }
        Route::OAuthTokens(id, provider) => {
            let paginated = match query.first("paginated") {
                None | Some("false") => false,
                Some("true") => true,
                Some(_) => return Err(Failure::format_invalid("paginated", "true or false")),
            };
            let state = shared.lock();
            let slot = state.store.find(&id)?;
            let user = state.store.get(slot).ok_or_else(|| Failure::user_not_found(&id))?;
            let tokens = user.oauth.iter().filter(|account| *account.provider == *provider);
            if paginated {
                let (limit, offset) = query.limit_offset()?;
                let total_count = tokens.clone().count();
                let data = tokens.skip(offset).take(limit).map(render::oauth_token).collect();
                page(shared, path, &PageJson { data, total_count })
            } else {
                page(shared, path, &tokens.map(render::oauth_token).collect::<Vec<_>>())
            }
        }
        Route::Memberships(id) => {
            let (limit, offset) = query.limit_offset()?;
            let state = shared.lock();
            let slot = state.store.find(&id)?;
            let user = state.store.get(slot).ok_or_else(|| Failure::user_not_found(&id))?;
            // Newest first.
            let data = user
                .memberships
                .iter()
                .rev()
                .skip(offset)
                .take(limit)
                .filter_map(|membership| render::membership(&state.store, user, membership))
                .collect();
            page(shared, path, &PageJson { data, total_count: user.memberships.len() })
        }
        Route::Invitations(id) => {
            let state = shared.lock();
            page(shared, path, &invitations::list(&state.store, &id, &query)?)
        }
        Route::VerifyPassword(id) => {
            let body = read_json(request).await?;
            body.allow_only(&["password"])?;
            let password = body.opt_string("password")?.filter(|p| !p.is_empty());
            let password = password.ok_or_else(|| Failure::missing_param("password"))?;
            let state = shared.lock();
            let slot = state.store.find(&id)?;
            let user = state.store.get(slot).ok_or_else(|| Failure::user_not_found(&id))?;
            match &user.password {
                None => Err(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "no_password_set",
                    "No password set",
                    format!("User {id} has no password."),
                )),
                Some(Secret::Plain(stored)) if **stored == *password => {
                    json(&json!({"verified": true}))
                }
                Some(_) => Err(Failure::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "incorrect_password",
                    "Password is incorrect",
                    "Password is incorrect. Try again, or use another method.",
                )
                .param("password")),
            }
        }
        Route::VerifyTotp(id) => {
            let body = read_json(request).await?;
            body.allow_only(&["code"])?;
            let code = body.opt_string("code")?.filter(|c| !c.is_empty());
            let code = code.ok_or_else(|| Failure::missing_param("code"))?;
            let mut state = shared.lock();
            let slot = state.store.find(&id)?;
            let now = state.store.tick();
            let user = state.store.get_mut(slot).ok_or_else(|| Failure::user_not_found(&id))?;
            if !user.totp && user.backup_codes.is_empty() {
                return Err(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "totp_disabled",
                    "TOTP is disabled",
                    format!("User {id} has no TOTP or backup codes set up."),
                ));
            }
            if user.totp && user.totp_code.as_deref() == Some(code.as_str()) {
                return json(&json!({"verified": true, "code_type": "totp"}));
            }
            if let Some(i) = user.backup_codes.iter().position(|c| **c == *code) {
                // A backup code works once.
                user.backup_codes.remove(i);
                user.updated_at = now;
                return json(&json!({"verified": true, "code_type": "backup_code"}));
            }
            Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "totp_incorrect_code",
                "Incorrect code",
                "The TOTP or backup code is incorrect.",
            )
            .param("code"))
        }
        Route::DisableMfa(id) => {
            let mut state = shared.lock();
            let slot = state.store.find(&id)?;
            let now = state.store.tick();
            if let Some(user) = state.store.get_mut(slot) {
                user.disable_mfa(now);
            }
            json(&json!({"user_id": id}))
        }
        Route::DeleteFactor(id, factor) => {
            json(&credentials::delete_factor(&mut shared.lock().store, &id, factor)?)
        }
        Route::RemovePassword(id) => {
            let body = read_json(request).await?;
            let mut state = shared.lock();
            let slot = credentials::remove_password(&mut state.store, &id, &body)?;
            user_response(&state.store, slot)
        }
        Route::PasswordCompromised(id, compromised) => {
            // `unset_compromised` declares no body: whatever is sent is not read.
            let body = if compromised { Some(read_json(request).await?) } else { None };
            let mut state = shared.lock();
            let slot =
                credentials::set_compromised(&mut state.store, &id, body.as_ref(), compromised)?;
            user_response(&state.store, slot)
        }
        Route::DeletePasskey(id, passkey) => {
            json(&identities::delete_passkey(&mut shared.lock().store, &id, &passkey)?)
        }
        Route::DeleteWallet(id, wallet) => {
            json(&identities::delete_wallet(&mut shared.lock().store, &id, &wallet)?)
        }
        Route::DeleteExternalAccount(id, account) => {
            json(&identities::delete_external_account(&mut shared.lock().store, &id, &account)?)
        }
        Route::TrustedDevices(id) => {
            let state = shared.lock();
            page(shared, path, &devices::list(&state.store, &id)?)
        }
        Route::RevokeTrustedDevice(id, device) => {
            json(&devices::revoke(&mut shared.lock().store, &id, &device)?)
        }
        Route::Subscription(id) => json(&billing::subscription(&shared.lock().store, &id)?),
        Route::CreditBalance(id) => json(&billing::credit_balance(&shared.lock().store, &id)?),
        Route::AdjustCredits(id) => {
            let body = read_json(request).await?;
            json(&billing::adjust(&mut shared.lock().store, &id, &body)?)
        }
    }
}

/// Most ids `POST /users/ban` and `/users/unban` take.
const BULK_MAX: usize = 50;

/// The `user_ids` of a bulk ban or unban: 422 `form_param_missing` without them (or `null`), 422
/// `form_param_format_invalid` for anything but an array of strings, and 400 for none
/// (`form_param_missing`) or more than [`BULK_MAX`] (`form_param_array_size_exceeded`).
fn bulk_user_ids(body: &Body) -> Result<Vec<String>, Failure> {
    body.allow_only(&["user_ids"])?;
    let ids = body.strings("user_ids")?.ok_or_else(|| Failure::missing_param("user_ids"))?;
    if ids.is_empty() {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "form_param_missing",
            "at least one item must be provided",
            "at least one item must be provided for `user_ids`",
        )
        .param("user_ids"));
    }
    if ids.len() > BULK_MAX {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "form_param_array_size_exceeded",
            "exceeds maximum size",
            format!("user_ids should not exceed {BULK_MAX} items; {} were given.", ids.len()),
        )
        .param("user_ids"));
    }
    Ok(ids)
}

/// Applies `apply` to the user `id` (with the server clock), bumps `updated_at`, and answers the
/// user.
fn change(
    shared: &Shared,
    id: &str,
    apply: impl FnOnce(&mut User, i64),
) -> Result<Response, Failure> {
    let mut state = shared.lock();
    let slot = state.store.find(id)?;
    let now = state.store.tick();
    if let Some(user) = state.store.get_mut(slot) {
        apply(user, now);
        user.updated_at = now;
    }
    user_response(&state.store, slot)
}

fn user_response(store: &Store, slot: u32) -> Result<Response, Failure> {
    let user = store.get(slot).ok_or_else(Failure::route_not_found)?;
    json(&render::user(user, now_ms()))
}

/// A 200 with `value` as JSON.
fn json<T: Serialize>(value: &T) -> Result<Response, Failure> {
    to_json(value).map(json_bytes)
}

/// A 200 with the page `value` as JSON, remembered as the last page of `path`.
fn page<T: Serialize>(shared: &Shared, path: String, value: &T) -> Result<Response, Failure> {
    let body = to_json(value)?;
    shared.last_pages().insert(path, body.clone());
    Ok(json_bytes(body))
}

fn to_json<T: Serialize>(value: &T) -> Result<Bytes, Failure> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|error| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_clerk_error",
            "Something went wrong",
            format!("The fake could not render its answer: {error}"),
        )
    })
}

/// A 200 with this JSON body.
fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The request body as a JSON object (an empty body is `{}`).
async fn read_json(request: Request) -> Result<Body, Failure> {
    let too_large = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|length| length > BODY_LIMIT);
    if too_large {
        return Err(Failure::body_too_large());
    }
    let bytes = to_bytes(request.into_body(), BODY_LIMIT)
        .await
        .map_err(|error| Failure::body_invalid(format_args!("it could not be read ({error})")))?;
    Body::parse(&bytes)
}

/// Reads a `multipart/form-data` body; whether it has a part named `file`.
async fn read_image(request: Request) -> Result<bool, Failure> {
    let Ok(mut multipart) = Multipart::from_request(request, &()).await else {
        // Not multipart at all: there is no `file` part.
        return Ok(false);
    };
    let mut found = false;
    loop {
        let field = multipart.next_field().await.map_err(|error| {
            Failure::body_invalid(format_args!("a malformed multipart body ({error})"))
        })?;
        let Some(field) = field else { break };
        let is_file = field.name() == Some("file");
        field.bytes().await.map_err(|error| {
            Failure::body_invalid(format_args!("a malformed multipart body ({error})"))
        })?;
        found |= is_file;
    }
    Ok(found)
}
