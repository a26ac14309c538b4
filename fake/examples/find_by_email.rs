//! Look a user up by email address and print what most programs want to know.
//!
//! ```text
//! cargo run -p clerk-users-fake --example find_by_email -- ada@example.com
//! ```
//!
//! It runs on a local fake Clerk with demo users and Ada; `find_by_email` is the part to copy.

use clerk_users::{Client, types};
use clerk_users_fake::FakeClerk;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", demo(std::env::args().nth(1)).await?);
    Ok(())
}

/// The demonstration: a fake with 100 demo users and Ada, then [`find_by_email`].
pub async fn demo(email: Option<String>) -> anyhow::Result<String> {
    let email = email.unwrap_or_else(|| "ada@example.com".to_owned());
    let fake = FakeClerk::start().await;
    fake.seed_users(100);
    fake.add_user(json!({
        "email_address": ["ada@example.com"],
        "phone_number": ["+15555550100"],
        "first_name": "Ada",
        "last_name": "Lovelace",
    }))?;

    Ok(match find_by_email(&fake.client(), &email).await? {
        Some(user) => describe(&user),
        None => format!("no user has the address {email}"),
    })
}

/// The user with the address `email`, if any (Clerk matches addresses exactly, ignoring case).
pub async fn find_by_email(client: &Client, email: &str) -> anyhow::Result<Option<types::User>> {
    let users = client.get_user_list().email_address([email]).limit(1).send().await?;
    Ok(users.into_iter().next())
}

/// One line about a user: id, name, primary email and whether it is verified, phone, sign-ups.
pub fn describe(user: &types::User) -> String {
    let name = user.full_name().unwrap_or_else(|| "(no name)".to_owned());
    let email = match user.primary_email() {
        Some(email) if email.is_verified() => format!("{} (verified)", text(&email.email_address)),
        Some(email) => format!("{} (not verified)", text(&email.email_address)),
        None => "no primary email".to_owned(),
    };
    let phone = user.primary_phone_number().unwrap_or("no phone");
    let created = httpdate::fmt_http_date(user.created());
    let last_sign_in = match user.last_sign_in() {
        Some(time) => format!("last signed in {}", httpdate::fmt_http_date(time)),
        None => "never signed in".to_owned(),
    };
    format!("{}: {name}, {email}, {phone}, created {created}, {last_sign_in}", user.id)
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}
