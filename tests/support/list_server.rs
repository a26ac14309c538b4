//! A stateful user list on a mock server, for pagination tests: it answers `GET /v1/users` like
//! Clerk (ordering, `limit`, `offset`, `starting_after`) and `GET /v1/users/count`, logs every
//! query it receives, and can insert users, fail, or repeat itself on a given request.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{Value, json};

/// A user with every required field and nothing else.
pub fn lean_user(id: &str, email: &str, created_at: i64) -> Value {
    json!({
        "id": id, "object": "user", "external_id": null, "primary_email_address_id": null,
        "primary_phone_number_id": null, "primary_web3_wallet_id": null, "username": null,
        "first_name": null, "last_name": null, "has_image": false, "public_metadata": {},
        "email_addresses": [{"id": format!("idn_{id}"), "object": "email_address", "email_address": email,
            "reserved": false, "verification": null, "linked_to": [], "created_at": created_at, "updated_at": created_at}],
        "phone_numbers": [], "web3_wallets": [], "passkeys": [], "password_enabled": false,
        "two_factor_enabled": false, "totp_enabled": false, "backup_code_enabled": false,
        "mfa_enabled_at": null, "mfa_disabled_at": null, "external_accounts": [], "saml_accounts": [],
        "enterprise_accounts": [], "last_sign_in_at": null, "banned": false, "locked": false,
        "lockout_expires_in_seconds": null, "verification_attempts_remaining": null,
        "updated_at": created_at, "created_at": created_at, "delete_self_enabled": true,
        "create_organization_enabled": true, "last_active_at": null, "legal_accepted_at": null
    })
}

/// What the server does on one request (counted from 1).
#[derive(Clone, Debug)]
pub enum Event {
    /// Before answering, add `count` new users (newest, with emails sorting first).
    Insert { count: usize },
    /// Answer 503 with a ClerkErrors body.
    Fail,
    /// Answer with the first page again, whatever was asked.
    RepeatFirstPage,
}

#[derive(Default)]
struct State {
    /// Newest first.
    users: Vec<Value>,
    next_id: usize,
    queries: Vec<String>,
    events: Vec<(usize, Event)>,
    first_page: Option<Value>,
}

/// The server and its state.
pub struct ListServer {
    pub server: MockServer,
    state: Arc<Mutex<State>>,
}

impl ListServer {
    /// A server holding `count` users, `user_000001` the oldest.
    pub async fn start(count: usize) -> ListServer {
        let state = Arc::new(Mutex::new(State::default()));
        {
            let mut state = state.lock().unwrap();
            for _ in 0..count {
                state.add_newest();
            }
        }
        let server = MockServer::start_async().await;
        let list = Arc::clone(&state);
        server
            .mock_async(|when, then| {
                when.method(httpmock::Method::GET).path("/v1/users");
                then.respond_with(move |request| list.lock().unwrap().answer_list(request));
            })
            .await;
        let count_state = Arc::clone(&state);
        server
            .mock_async(|when, then| {
                when.method(httpmock::Method::GET).path("/v1/users/count");
                then.respond_with(move |request| {
                    let mut state = count_state.lock().unwrap();
                    state.queries.push(format!("count?{}", request.uri().query().unwrap_or("")));
                    json_response(
                        200,
                        &json!({"object": "total_count", "total_count": state.users.len()}),
                    )
                });
            })
            .await;
        ListServer { server, state }
    }

    /// Schedules `event` for the `request`-th list request (from 1).
    pub fn on_request(&self, request: usize, event: Event) {
        self.state.lock().unwrap().events.push((request, event));
    }

    /// The query strings received, in order (`count?…` for count requests).
    pub fn queries(&self) -> Vec<String> {
        self.state.lock().unwrap().queries.clone()
    }

    /// The ids of every user the server holds, newest first.
    pub fn ids(&self) -> Vec<String> {
        let state = self.state.lock().unwrap();
        state.users.iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
    }
}

impl State {
    fn add_newest(&mut self) {
        self.next_id += 1;
        let n = self.next_id;
        // Emails sort newest first too, so inserts land at the top of an email ordering as well.
        let email = format!("{:06}@example.com", 1_000_000 - n);
        self.users
            .insert(0, lean_user(&format!("user_{n:06}"), &email, 1_700_000_000_000 + n as i64));
    }

    fn answer_list(&mut self, request: &HttpMockRequest) -> HttpMockResponse {
        let query = request.uri().query().unwrap_or("").to_owned();
        self.queries.push(query.clone());
        let number = self.queries.iter().filter(|q| !q.starts_with("count?")).count();
        let events: Vec<Event> =
            self.events.iter().filter(|(at, _)| *at == number).map(|(_, e)| e.clone()).collect();
        for event in events {
            match event {
                Event::Insert { count } => (0..count).for_each(|_| self.add_newest()),
                Event::Fail => {
                    return json_response(
                        503,
                        &json!({"errors": [{"code": "service_unavailable", "message": "try later", "long_message": "try later"}]}),
                    );
                }
                Event::RepeatFirstPage => {
                    if let Some(page) = &self.first_page {
                        return json_response(200, page);
                    }
                }
            }
        }
        let pairs: Vec<(String, String)> = reqwest::Url::parse(&format!("http://x/?{query}"))
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let limit: usize = get("limit").map_or(10, |l| l.parse().unwrap());
        let offset: usize = get("offset").map_or(0, |o| o.parse().unwrap());
        let mut ordered: Vec<&Value> = self.users.iter().collect();
        match get("order_by").unwrap_or("-created_at") {
            "-created_at" => {}
            "+created_at" | "created_at" => ordered.reverse(),
            "+email_address" => ordered.sort_by_key(|u| {
                u["email_addresses"][0]["email_address"].as_str().unwrap().to_owned()
            }),
            other => panic!("the test server does not order by {other}"),
        }
        if let Some(after) = get("starting_after") {
            let at = ordered.iter().position(|u| u["id"] == after).expect("a known cursor");
            ordered.drain(..=at);
        }
        let page: Vec<Value> = ordered.into_iter().skip(offset).take(limit).cloned().collect();
        let page = Value::Array(page);
        self.first_page.get_or_insert_with(|| page.clone());
        json_response(200, &page)
    }
}

fn json_response(status: u16, body: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
