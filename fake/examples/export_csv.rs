//! Export every user as CSV: id, primary email, name, creation and last sign-in times.
//!
//! ```text
//! cargo run -p clerk-users-fake --example export_csv > users.csv
//! ```
//!
//! It runs on a local fake Clerk seeded with demo users; `export_csv` is the part to copy (the
//! `clerk-users export` command does the same at the rate limit, resumably).

use std::io::Write;

use clerk_users::Client;
use clerk_users::prelude::*;
use clerk_users_fake::FakeClerk;
use futures::TryStreamExt;

#[tokio::main]
pub async fn main() -> anyhow::Result<()> {
    let fake = FakeClerk::start().await;
    fake.seed_users(100);

    let rows = export_csv(&fake.client(), std::io::stdout().lock()).await?;
    eprintln!("exported {rows} users");
    Ok(())
}

/// Writes a header and one row per user to `out`, walking every page; returns the row count.
pub async fn export_csv(client: &Client, out: impl Write) -> anyhow::Result<usize> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["id", "email", "name", "created_at", "last_sign_in_at"])?;
    let mut users = client.get_user_list().paginate().items();
    let mut rows = 0;
    while let Some(user) = users.try_next().await? {
        let millis = |t: Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
        csv.write_record([
            user.id.as_str(),
            user.primary_email_address().unwrap_or(""),
            user.full_name().as_deref().unwrap_or(""),
            &user.created_at.to_string(),
            &millis(user.last_sign_in_at),
        ])?;
        rows += 1;
    }
    csv.flush()?;
    Ok(rows)
}
