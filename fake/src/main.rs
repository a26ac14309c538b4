//! `clerk-users-fake`: serves a [`FakeClerk`] on loopback until Ctrl-C, for tools in any language.
//!
//! ```text
//! $ cargo run -p clerk-users-fake -- --port 8080 --seed-users 1000
//! CLERK_API_URL=http://127.0.0.1:8080/v1 CLERK_SECRET_KEY=sk_test_fake
//! ```
//!
//! The one line on stdout is the environment a client needs (`eval "$(…)"` in a shell, or read
//! it from a test); everything else goes to stderr.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use clerk_users_fake::{
    DEFAULT_SECRET_KEY, DEFAULT_SEED, FakeClerk, TieOrder, TimeBounds, VanishedCursor,
};

/// Serve an in-memory fake of Clerk's Users API on 127.0.0.1 until Ctrl-C.
///
/// Prints `CLERK_API_URL=… CLERK_SECRET_KEY=…` on one line on stdout once it listens.
#[derive(Parser, Debug)]
#[command(name = "clerk-users-fake", version)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Realistic users to create at startup: created over the two years up to now (the newest
    /// within the hour), with emails on several example.* domains.
    #[arg(long, default_value_t = 0)]
    seed_users: usize,
    /// The secret key the fake accepts.
    #[arg(long, default_value = DEFAULT_SECRET_KEY)]
    secret_key: String,
    /// The seed of the random generator behind ids and seeded users.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Milliseconds to wait before each answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Whether the time filters of the user list include their boundary millisecond.
    #[arg(long, value_enum, default_value_t = Bounds::Exclusive)]
    time_bounds: Bounds,
    /// How users created in the same millisecond are ordered.
    #[arg(long, value_enum, default_value_t = Ties::Id)]
    tie_order: Ties,
    /// What `starting_after` answers when no user has the id.
    #[arg(long, value_enum, default_value_t = Vanished::Error)]
    vanished_cursor: Vanished,
}

/// `--time-bounds`; see [`TimeBounds`].
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Bounds {
    Exclusive,
    Inclusive,
}

/// `--tie-order`; see [`TieOrder`].
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Ties {
    Id,
    IdDescending,
    Insertion,
}

/// `--vanished-cursor`; see [`VanishedCursor`].
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Vanished {
    /// 422 `form_param_value_invalid`.
    Error,
    /// An empty page.
    EmptyPage,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !args.secret_key.starts_with("sk_") {
        eprintln!("error: --secret-key must start with sk_ (clients refuse other keys)");
        return ExitCode::FAILURE;
    }
    let started = FakeClerk::builder()
        .port(args.port)
        .secret_key(args.secret_key)
        .seed(args.seed)
        .latency(Duration::from_millis(args.latency_ms))
        .time_bounds(match args.time_bounds {
            Bounds::Exclusive => TimeBounds::Exclusive,
            Bounds::Inclusive => TimeBounds::Inclusive,
        })
        .tie_order(match args.tie_order {
            Ties::Id => TieOrder::Id,
            Ties::IdDescending => TieOrder::IdDescending,
            Ties::Insertion => TieOrder::Insertion,
        })
        .vanished_cursor(match args.vanished_cursor {
            Vanished::Error => VanishedCursor::Error,
            Vanished::EmptyPage => VanishedCursor::EmptyPage,
        })
        .try_start()
        .await;
    let fake = match started {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {error}", args.port);
            return ExitCode::FAILURE;
        }
    };
    fake.seed_users(args.seed_users);
    // Flushed at once: whoever started us reads this line before making requests.
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", fake.env_line()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    eprintln!("serving {} users at {}; Ctrl-C stops", fake.user_count(), fake.url());
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    eprintln!("stopped");
    ExitCode::SUCCESS
}
