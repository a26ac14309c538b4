//! Merge metadata into every user created in the last 30 days.
//!
//! ```text
//! cargo run -p clerk-users-fake --example merge_recent_metadata
//! ```
//!
//! It runs on a local fake Clerk seeded with demo users created over two years up to now;
//! `merge_into_recent_users` is the part to copy.

use std::time::{Duration, SystemTime};

use clerk_users::Client;
use clerk_users::prelude::*;
use clerk_users_fake::FakeClerk;
use futures::TryStreamExt;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", demo().await?);
    Ok(())
}

/// The demonstration: a fake with 500 demo users, then [`merge_into_recent_users`] for the last
/// 30 days.
pub async fn demo() -> anyhow::Result<String> {
    let fake = FakeClerk::start().await;
    fake.seed_users(500);

    let since = SystemTime::now() - Duration::from_secs(30 * 24 * 60 * 60);
    let patch = json!({"onboarding": {"cohort": "winter", "survey_sent": true}});
    let updated = merge_into_recent_users(&fake.client(), since, &patch).await?;
    Ok(format!("merged {patch} into the public metadata of {updated} users created in 30 days"))
}

/// Deep-merges `patch` into the public metadata of every user created after `since`, and returns
/// how many were updated.
pub async fn merge_into_recent_users(
    client: &Client,
    since: SystemTime,
    patch: &serde_json::Value,
) -> anyhow::Result<usize> {
    let mut recent = client.get_user_list().created_at_after(since).paginate().items();
    let mut updated = 0;
    while let Some(user) = recent.try_next().await? {
        client
            .update_user_metadata()
            .user_id(&user.id)
            .body_map(|body| body.public_metadata(patch))
            .send()
            .await?;
        updated += 1;
    }
    Ok(updated)
}
