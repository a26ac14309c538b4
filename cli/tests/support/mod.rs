//! What the import tests read back from a fake: its users, its creates, a user's addresses.

// Each test file uses its own part of these.
#![allow(dead_code)]

use clerk_users_fake::FakeClerk;
use serde_json::Value;

/// Every user of a fake (at most 500), as Clerk sends it.
pub async fn users(fake: &FakeClerk) -> Vec<Value> {
    fake.client()
        .get_user_list()
        .limit(std::num::NonZeroU64::new(500).unwrap())
        .send_as::<Vec<Value>>()
        .await
        .unwrap()
        .into_inner()
}

/// How many `POST /v1/users` the fake received.
pub fn creates(fake: &FakeClerk) -> usize {
    fake.requests().iter().filter(|r| r.method == "POST" && r.path == "/v1/users").count()
}

/// `(address, verified)` of a user's emails, the primary first, the rest in order.
pub fn emails(user: &Value) -> Vec<(String, bool)> {
    identifications(user, "email_addresses", "email_address", "primary_email_address_id")
}

/// `(number, verified)` of a user's phone numbers, the primary first, the rest in order.
pub fn phones(user: &Value) -> Vec<(String, bool)> {
    identifications(user, "phone_numbers", "phone_number", "primary_phone_number_id")
}

/// `(value, verified)` of the entries of a user's `list`, the one `primary` names first.
fn identifications(user: &Value, list: &str, field: &str, primary: &str) -> Vec<(String, bool)> {
    let items = user[list].as_array().unwrap();
    let mut out: Vec<(String, bool)> = items
        .iter()
        .map(|item| {
            let verified = item["verification"]["status"] == "verified";
            (item[field].as_str().unwrap().to_owned(), verified)
        })
        .collect();
    if let Some(i) = items.iter().position(|item| item["id"] == user[primary]) {
        let first = out.remove(i);
        out.insert(0, first);
    }
    out
}
