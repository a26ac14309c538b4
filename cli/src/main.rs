//! `clerk-users`: export, import and bulk actions on the users of a Clerk instance, paced at its
//! rate limit.
//!
//! Every command talks to Clerk when `CLERK_SECRET_KEY` is set, or to a local fake Clerk seeded
//! with demo users with `--demo`; with neither it refuses (exit 2), so a script never mistakes
//! demo data for its own. Data goes to stdout or the named file, progress and messages to stderr.
//!
//! Exit codes: 0 done, 1 failed, 2 usage (bad arguments, no key), 130 interrupted (Ctrl-C).

mod bulk;
mod connect;
mod csv_profiles;
mod error;
mod export;
mod filters;
mod ids;
mod import;
mod lookup;
mod output;
mod progress;
mod tune;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::connect::Connection;
use crate::error::CliError;

/// Export, import and bulk actions on Clerk users, at the rate-limit bound.
#[derive(Parser, Debug)]
#[command(name = "clerk-users", version, about)]
struct Cli {
    #[command(flatten)]
    global: connect::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Export every user (or those matching the filters) as JSON lines or CSV.
    Export(export::Args),
    /// Create users from an export (ours or the Dashboard's) or a plain JSON/CSV file, never
    /// twice.
    Import(import::Args),
    /// Ban users, 50 ids a request.
    Ban(bulk::Args),
    /// Lift the ban of users, 50 ids a request.
    Unban(bulk::Args),
    /// Lock users.
    Lock(bulk::Args),
    /// Unlock users.
    Unlock(bulk::Args),
    /// Delete users (asks for confirmation unless --yes).
    Delete(bulk::Args),
    /// Count the users matching the filters.
    Count(lookup::CountArgs),
    /// Print one user as JSON.
    Get(lookup::GetArgs),
    /// List the users matching the filters, as a table or JSON.
    List(lookup::ListArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = cli.global.quiet;
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // After Ctrl-C, a thread may still be blocked reading the terminal or stdin (a confirmation
    // prompt, ids piped in): exit without waiting for it. `run` waited for everything that writes
    // a file (an export's checkpoints, the import's logs) before it returned.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if !quiet || !matches!(error, CliError::Interrupted { .. }) {
                eprintln!("error: {error}");
            }
            ExitCode::from(error.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let (global, command) = (cli.global, cli.command);
    let connection = Connection::open(&global).await?;
    let c = &connection;
    match command {
        Command::Export(args) => export::run(args, c, &global).await,
        Command::Import(args) => import::run(args, c, &global).await,
        Command::Ban(args) => bulk::run(bulk::Action::Ban, args, c, &global).await,
        Command::Unban(args) => bulk::run(bulk::Action::Unban, args, c, &global).await,
        Command::Lock(args) => bulk::run(bulk::Action::Lock, args, c, &global).await,
        Command::Unlock(args) => bulk::run(bulk::Action::Unlock, args, c, &global).await,
        Command::Delete(args) => bulk::run(bulk::Action::Delete, args, c, &global).await,
        Command::Count(args) => lookup::count(args, c, &global).await,
        Command::Get(args) => lookup::get(args, c, &global).await,
        Command::List(args) => lookup::list(args, c, &global).await,
    }
}
