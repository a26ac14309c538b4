//! Ban every user with an email address on a domain.
//!
//! ```text
//! cargo run -p clerk-users-fake --example ban_domain -- spam.example.net
//! ```
//!
//! It runs on a local fake Clerk seeded with demo users and a few on the domain, so it changes
//! nothing of yours; `ban_domain` is the part to copy.

use clerk_users::Client;
use clerk_users::prelude::*;
use clerk_users_fake::FakeClerk;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", demo(std::env::args().nth(1)).await?);
    Ok(())
}

/// The demonstration: a fake with 200 demo users and three on `domain`, then [`ban_domain`].
pub async fn demo(domain: Option<String>) -> anyhow::Result<String> {
    let domain = domain.unwrap_or_else(|| "spam.example.net".to_owned());
    let fake = FakeClerk::start().await;
    fake.seed_users(200);
    for name in ["bot1", "bot2", "bot3"] {
        fake.add_user(json!({"email_address": [format!("{name}@{domain}")]}))?;
    }

    let banned = ban_domain(&fake.client(), &domain).await?;
    Ok(format!("banned {} users on {domain}: {}", banned.len(), banned.join(", ")))
}

/// Bans every user with an address on `domain` (the part after `@`, any case; subdomains are
/// other domains) and returns their ids.
pub async fn ban_domain(client: &Client, domain: &str) -> anyhow::Result<Vec<String>> {
    // Clerk matches `email_address_query` anywhere in the address, so the search can return
    // `x@notspam.example.net` for `spam.example.net`: the exact domain is checked here.
    let candidates = client
        .get_user_list()
        .email_address_query(format!("@{domain}"))
        .paginate()
        .collect_all()
        .await?;
    let ids: Vec<String> = candidates
        .into_iter()
        .filter(|user| {
            user.email_addresses.iter().any(|e| on_domain(e.email_address.as_deref(), domain))
        })
        .map(|user| user.id)
        .collect();

    let outcome = client.ban_users(ids).await;
    if let Some(batch) = outcome.failed.first() {
        anyhow::bail!("{} users not banned: {}", outcome.failed_ids().count(), batch.error);
    }
    Ok(outcome.succeeded.into_iter().map(|user| user.id).collect())
}

/// Whether `address` is on exactly `domain`.
fn on_domain(address: Option<&str>, domain: &str) -> bool {
    let host = address.and_then(|a| a.rsplit_once('@')).map(|(_, host)| host);
    host.is_some_and(|host| host.eq_ignore_ascii_case(domain))
}
