//! Exports every user of a Clerk instance, losslessly, as JSON lines (or CSV).
//!
//! ```text
//! cargo run -p clerk-users-fake --example export_users -- --demo --out users.jsonl
//! cargo run -p clerk-users-fake --example export_users -- --demo --out users.csv --format csv --banned true
//! CLERK_SECRET_KEY=sk_live_… cargo run -p clerk-users-fake --release --example export_users -- --out users.jsonl --concurrency 8
//! ```
//!
//! With `CLERK_SECRET_KEY` it exports from the real API, paced under the instance's rate limit
//! (production for `sk_live_` keys, development for `sk_test_`). With `--demo` it exports from a
//! local fake Clerk seeded with demo users instead (never from Clerk), and says so. Without
//! either it refuses. JSON lines keep every field Clerk sent, even
//! fields this crate's types do not know yet. A progress bar is sized from `get_users_count`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use clerk_users::pagination::RawUser;
use clerk_users::prelude::*;
use clerk_users::{Client, Paginator, RateLimit};
use clerk_users_fake::FakeClerk;
use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};

/// Users seeded into the local fake when there is no key.
const DEMO_USERS: usize = 25_000;

#[derive(Parser, Debug)]
#[command(about = "Export every Clerk user as JSON lines or CSV")]
struct Args {
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// JSON lines (every field, lossless) or CSV (the main columns).
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Requests in flight at once; 1 walks a single cursor.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Only banned (true) or not banned (false) users.
    #[arg(long)]
    banned: Option<bool>,
    /// Only users matching this text (id, email, name, username).
    #[arg(long)]
    query: Option<String>,
    /// Only users created after this time (Unix ms).
    #[arg(long)]
    created_after: Option<i64>,
    /// Only users created before this time (Unix ms).
    #[arg(long)]
    created_before: Option<i64>,
    /// Stop after this many users.
    #[arg(long)]
    max: Option<u64>,
    /// No progress bar (for scripts and benchmarks).
    #[arg(long)]
    quiet: bool,
    /// Export from a local fake Clerk seeded with demo users, not from Clerk.
    #[arg(long)]
    demo: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprint!(": {cause}");
                source = cause.source();
            }
            eprintln!();
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the export ends: dropping it stops the fake.
    let mut _fake = None;
    let client = if args.demo {
        let fake = FakeClerk::start().await;
        fake.seed_users(DEMO_USERS);
        eprintln!(
            "--demo: exporting from a local fake Clerk at {} seeded with {DEMO_USERS} demo users",
            fake.url()
        );
        let client = fake.client();
        _fake = Some(fake);
        client
    } else {
        let Ok(key) = std::env::var("CLERK_SECRET_KEY") else {
            return Err(
                "CLERK_SECRET_KEY is not set: set it to export from Clerk, or pass --demo \
                        to export from a local fake Clerk seeded with demo users"
                    .into(),
            );
        };
        let limit = if key.starts_with("sk_live_") {
            RateLimit::production_instance()
        } else {
            RateLimit::development_instance()
        };
        clerk_users::ClientBuilder::from_env()?.rate_limit(limit).build()?
    };

    let paginator = paginator(&client, &args);
    let total = paginator.total_count().await?;
    let total = args.max.map_or(total, |max| max.min(total));
    let progress = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(total) };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} users, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let started = Instant::now();
    let mut out = Output::create(&args.out, args.format)?;
    let mut users = paginator.items();
    let mut written = 0u64;
    loop {
        let user = match users.try_next().await {
            Ok(Some(user)) => user,
            Ok(None) => break,
            Err(error) => {
                out.finish()?;
                progress.abandon();
                if let Some(token) = error.resume_token() {
                    eprintln!(
                        "stopped after {} users; resume token: {}",
                        token.items_yielded(),
                        serde_json::to_string(token)?
                    );
                }
                return Err(error.into());
            }
        };
        out.write(&user)?;
        written += 1;
        progress.inc(1);
    }
    out.finish()?;
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "exported {written} users to {} in {seconds:.1} s ({:.0} users/s)",
        args.out.display(),
        written as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// The raw user walk with the filters from the command line.
fn paginator(client: &Client, args: &Args) -> Paginator<RawUser> {
    let mut list = client.get_user_list();
    if let Some(banned) = args.banned {
        list = list.banned(banned);
    }
    if let Some(query) = &args.query {
        list = list.query(query.clone());
    }
    if let Some(after) = args.created_after {
        list = list.created_at_after(after);
    }
    if let Some(before) = args.created_before {
        list = list.created_at_before(before);
    }
    let mut paginator = list.paginate().raw().concurrency(args.concurrency);
    if let Some(max) = args.max {
        paginator = paginator.max_items(max);
    }
    paginator
}

/// Where users go: JSON lines (each user exactly as Clerk sent it) or CSV rows.
enum Output {
    Jsonl(BufWriter<File>),
    Csv(Box<csv::Writer<File>>),
}

const CSV_COLUMNS: [&str; 10] = [
    "id",
    "primary_email_address",
    "first_name",
    "last_name",
    "username",
    "external_id",
    "created_at",
    "last_sign_in_at",
    "banned",
    "locked",
];

impl Output {
    fn create(path: &PathBuf, format: Format) -> Result<Output, Box<dyn std::error::Error>> {
        let file = File::create(path)?;
        Ok(match format {
            Format::Jsonl => Output::Jsonl(BufWriter::new(file)),
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(file);
                csv.write_record(CSV_COLUMNS)?;
                Output::Csv(Box::new(csv))
            }
        })
    }

    fn write(&mut self, user: &RawUser) -> Result<(), Box<dyn std::error::Error>> {
        match self {
            // Exactly the bytes Clerk sent.
            Output::Jsonl(out) => {
                out.write_all(user.json().as_bytes())?;
                out.write_all(b"\n")?;
            }
            Output::Csv(out) => out.write_record(csv_row(&user.to_value()?))?,
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        match self {
            Output::Jsonl(out) => out.flush(),
            Output::Csv(out) => out.flush(),
        }
    }
}

/// The CSV columns of a user; the email is the primary one.
fn csv_row(user: &serde_json::Value) -> Vec<String> {
    let primary = user["primary_email_address_id"].as_str();
    let email = user["email_addresses"]
        .as_array()
        .and_then(|emails| emails.iter().find(|e| e["id"].as_str() == primary).or(emails.first()))
        .and_then(|e| e["email_address"].as_str())
        .unwrap_or("");
    CSV_COLUMNS
        .iter()
        .map(|column| match (*column, &user[*column]) {
            ("primary_email_address", _) => email.to_owned(),
            (_, serde_json::Value::Null) => String::new(),
            (_, serde_json::Value::String(text)) => text.clone(),
            (_, other) => other.to_string(),
        })
        .collect()
}
