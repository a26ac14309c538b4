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
async fn main() -> anyhow::Result<()> {
    let rows = demo(std::io::stdout().lock()).await?;
    eprintln!("exported {rows} users");
    Ok(())
}

/// The demonstration: a fake with 1,000 demo users, exported by [`export_csv`] to `out`.
pub async fn demo(out: impl Write) -> anyhow::Result<usize> {
    let fake = FakeClerk::start().await;
    fake.seed_users(1_000);
    export_csv(&fake.client(), out).await
}

/// Writes a header and one row per user to `out`, walking every page; returns the row count.
pub async fn export_csv(client: &Client, out: impl Write) -> anyhow::Result<usize> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["id", "email", "name", "created_at", "last_sign_in_at"])?;
    let mut users = client.get_user_list().paginate().items();
    let mut rows = 0;
    while let Some(user) = users.try_next().await? {
        let millis = |t: Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
        let name = user.full_name().unwrap_or_default();
        csv.write_record([
            user.id.as_str(),
            &spreadsheet_safe(user.primary_email_address().unwrap_or("")),
            &spreadsheet_safe(&name),
            &user.created_at.to_string(),
            &millis(user.last_sign_in_at),
        ])?;
        rows += 1;
    }
    csv.flush()?;
    Ok(rows)
}

/// `text`, with a leading tab when a spreadsheet would run it as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return): names and addresses are whatever users typed.
fn spreadsheet_safe(text: &str) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("\t{text}"),
        false => text.to_owned(),
    }
}
