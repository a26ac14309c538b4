//! `ban`, `unban`, `lock`, `unlock`, `delete`: one action on many users.
//!
//! # Which users
//!
//! - ids as arguments (`clerk-users ban user_a user_b`), from a file (`--ids spammers.txt`) or
//!   from stdin (`--ids -`, or `-` as an argument), one a line ([`ids`] has the format); ids given
//!   several ways are joined, repeats dropped;
//! - or the users matching filters (the same as `list` and `export`: `--query`, `--email`,
//!   `--banned`, `--created-before`, ...), found by walking the user list before anything is
//!   changed;
//! - or every user of the instance with `--all`.
//!
//! One source is required: with no ids, no filter and no `--all` the command refuses (exit 2)
//! instead of acting on everyone. Ids and filters do not mix (exit 2): `--user-id` is the filter
//! for "these ids, if they exist". An empty id file does nothing and succeeds.
//!
//! # How
//!
//! `ban` and `unban` go through Clerk's bulk endpoints, 50 ids a request
//! ([`Client::ban_users`], [`Client::unban_users`]); `lock`, `unlock` and `delete` send one
//! request per user. Up to `--concurrency` requests are in flight (default 4 bulk requests, or 16
//! one-user requests), and the client's rate limiter paces them under the instance's limit
//! whatever the concurrency.
//!
//! `--dry-run` finds the users and prints, on stdout, a `#` line saying what would be done and
//! then the ids, one a line (which `--ids -` reads back), and changes nothing. `delete` asks on
//! the terminal (`delete N users? type yes`) unless `--yes`; when it cannot ask (stdin is not a
//! terminal, or the ids came from stdin) it refuses without `--yes` (exit 2) and deletes nothing.
//! An answer other than `yes` deletes nothing (exit 1).
//!
//! # Report
//!
//! stderr gets a progress bar (hidden with `--quiet` or when stderr is not a terminal), one line
//! per user not done (`user_x: not found`, or `user_x: ` and the error's one line, with Clerk's
//! code and trace id), and a summary: `ban: 118 done, 2 not found, 0 failed`. Exit codes: 0 when
//! every user was done; 1 when a user failed or was not found (`--ignore-not-found` makes the
//! latter fine: re-running a `delete` that was cut short); 2 for usage errors, before anything is
//! sent; 130 on Ctrl-C, after the requests in flight are dropped and the summary is printed
//! (running the same command again finishes the job).

use std::future::Future;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clerk_users::bulk::MAX_IDS_PER_REQUEST;
use clerk_users::prelude::*;
use clerk_users::{BulkOutcome, Client};
use futures::{Stream, StreamExt, stream};
use serde::de::IgnoredAny;

use crate::connect::{Connection, Global};
use crate::error::CliError;
use crate::filters::UserFilters;
use crate::ids;
use crate::lookup::stdout_result;

/// Which bulk action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Ban.
    Ban,
    /// Unban.
    Unban,
    /// Lock.
    Lock,
    /// Unlock.
    Unlock,
    /// Delete.
    Delete,
}

impl Action {
    /// The command's name: `ban`.
    fn verb(self) -> &'static str {
        match self {
            Action::Ban => "ban",
            Action::Unban => "unban",
            Action::Lock => "lock",
            Action::Unlock => "unlock",
            Action::Delete => "delete",
        }
    }

    /// Whether the action goes through Clerk's bulk endpoints (50 ids a request).
    fn is_bulk(self) -> bool {
        matches!(self, Action::Ban | Action::Unban)
    }
}

/// The end of `--help` of the bulk actions: the exit codes.
const AFTER_HELP: &str = "Exit codes: 0 every user done; 1 a user failed or was not found (see \
                          --ignore-not-found), or a request failed; 2 usage (bad arguments, no \
                          key, delete without --yes and no terminal), nothing sent; 130 \
                          interrupted (Ctrl-C)";

/// Options of the bulk actions.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Ids of the users; `-` reads ids from stdin, one a line.
    #[arg(value_name = "ID")]
    ids: Vec<String>,
    /// Read ids from this file, one a line (blank lines and `#` comments are skipped); `-` reads
    /// stdin.
    #[arg(long = "ids", value_name = "FILE")]
    ids_file: Option<PathBuf>,
    #[command(flatten)]
    filters: UserFilters,
    /// Act on every user of the instance (required when neither ids nor filters are given).
    #[arg(long)]
    all: bool,
    /// Print the ids that would be acted on (stdout) and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not ask before deleting.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Ids of users that do not exist are not an error (they are still counted).
    #[arg(long)]
    ignore_not_found: bool,
    /// Requests in flight at once (default 4 for ban/unban, 50 ids each; 16 for the others). The
    /// rate limit paces them whatever this says.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: Option<u16>,
}

/// Where the users come from.
#[derive(Debug)]
enum Source {
    /// Ids given as arguments, in files or on stdin (at least one of them).
    Ids {
        /// The ids given as arguments (without `-`).
        listed: Vec<String>,
        /// The files to read, [`ids::STDIN`] for stdin (at most once).
        files: Vec<PathBuf>,
    },
    /// The users the filters match (every user with `--all` and no filter).
    Filters(Box<UserFilters>),
}

impl Source {
    /// The source the arguments name; a usage error for none, or for ids and filters together.
    fn from_args(args: &Args) -> Result<Source, CliError> {
        // Comparing with the default catches every filter, including ones added later.
        let filtered = format!("{:?}", args.filters) != format!("{:?}", UserFilters::default());
        let mut files = Vec::new();
        let listed: Vec<String> = args.ids.iter().filter(|id| *id != ids::STDIN).cloned().collect();
        if listed.len() < args.ids.len() {
            files.push(PathBuf::from(ids::STDIN));
        }
        if let Some(file) = &args.ids_file
            && !files.contains(file)
        {
            files.push(file.clone());
        }
        let has_ids = !args.ids.is_empty() || !files.is_empty();
        match (has_ids, filtered, args.all) {
            (true, false, false) => Ok(Source::Ids { listed, files }),
            (false, _, true) | (false, true, false) => {
                Ok(Source::Filters(Box::new(args.filters.clone())))
            }
            (true, _, _) => Err(CliError::Usage(
                "give ids (arguments, --ids FILE or -) or filters (or --all), not both; \
                 --user-id is the filter for given ids"
                    .to_owned(),
            )),
            (false, false, false) => Err(CliError::Usage(
                "which users? give ids (arguments, --ids FILE, or - for stdin), filters \
                 (--query, --email, --banned, ...), or --all for every user"
                    .to_owned(),
            )),
        }
    }

    /// Whether the ids are read from stdin.
    fn reads_stdin(&self) -> bool {
        matches!(self, Source::Ids { files, .. } if files.iter().any(|f| f.as_os_str() == ids::STDIN))
    }

    /// The ids of the users to act on: read, or found by walking the user list.
    async fn gather(self, client: &Client, global: &Global) -> Result<Vec<String>, CliError> {
        match self {
            Source::Ids { mut listed, files } => {
                for file in files {
                    // Off the runtime: stdin may be a terminal or a pipe that never ends, and
                    // Ctrl-C must still stop the command.
                    let read = tokio::task::spawn_blocking(move || ids::read(Path::new(&file)));
                    let read =
                        read.await.map_err(|e| CliError::Failed(format!("reading ids: {e}")));
                    listed.extend(read??);
                }
                Ok(ids::dedup(listed))
            }
            Source::Filters(filters) => {
                let mut users = filters.list(client).paginate().raw().items();
                let mut found = Vec::new();
                while let Some(user) = users.next().await {
                    // A user the walk cannot read stops the command before it changes anything:
                    // acting on part of a selection is worse than not acting.
                    found.push(user?.id().to_owned());
                }
                if !global.quiet {
                    eprintln!("{} users match", found.len());
                }
                Ok(found)
            }
        }
    }
}

/// What became of one user.
#[derive(Debug)]
enum Outcome {
    /// Done.
    Done,
    /// No user has the id (for ban/unban: Clerk did not answer it, which is what it does for
    /// unknown ids).
    NotFound,
    /// The request failed: the error's one line.
    Failed(String),
}

/// Runs a bulk action; see the [module docs](self).
pub async fn run(
    action: Action,
    args: Args,
    connection: &Connection,
    global: &Global,
) -> Result<(), CliError> {
    let source = Source::from_args(&args)?;
    let confirm = action == Action::Delete && !args.yes && !args.dry_run;
    if confirm && (source.reads_stdin() || !std::io::stdin().is_terminal()) {
        return Err(CliError::Usage(
            "refusing to delete without --yes: there is no terminal to ask on (stdin is not \
             one, or holds the ids); nothing was deleted"
                .to_owned(),
        ));
    }
    let client = &connection.client;
    let ids = interruptible(source.gather(client, global)).await??;
    let verb = action.verb();
    if args.dry_run {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let written = (|| {
            writeln!(out, "# would {verb} {} users (dry run: nothing was sent)", ids.len())?;
            for id in &ids {
                writeln!(out, "{id}")?;
            }
            out.flush()
        })();
        return stdout_result(written);
    }
    if ids.is_empty() {
        if !global.quiet {
            eprintln!("{verb}: no users, nothing to do");
        }
        return Ok(());
    }
    if confirm && !interruptible(ask(ids.len())).await?? {
        return Err(CliError::Failed("not confirmed: nothing was deleted".to_owned()));
    }

    let bar = crate::progress::bar(ids.len() as u64, "users", global.quiet);
    let outcomes = if action.is_bulk() {
        let concurrency = args.concurrency.map_or(4, usize::from);
        let batches: Vec<(usize, Vec<String>)> = ids
            .chunks(MAX_IDS_PER_REQUEST)
            .enumerate()
            .map(|(n, batch)| (n * MAX_IDS_PER_REQUEST, batch.to_vec()))
            .collect();
        let answers = stream::iter(batches)
            .map(|(first, batch)| async move {
                let request = match action {
                    Action::Ban => client.ban_users(batch.iter().cloned()),
                    _ => client.unban_users(batch.iter().cloned()),
                };
                let outcome = request.concurrency(1).await;
                sort_batch(first, &batch, outcome)
            })
            .buffer_unordered(concurrency);
        drive(answers, ids.len(), &bar).await
    } else {
        let concurrency = args.concurrency.map_or(16, usize::from);
        let answers = stream::iter(ids.iter().enumerate())
            .map(|(index, id)| async move { vec![(index, one(client, action, id).await)] })
            .buffer_unordered(concurrency);
        drive(answers, ids.len(), &bar).await
    };
    bar.finish_and_clear();
    report(action, &args, &ids, outcomes, global)
}

/// Each user of a bulk batch whose first id is the `first`-th of the run, with its outcome.
fn sort_batch(first: usize, batch: &[String], outcome: BulkOutcome) -> Vec<(usize, Outcome)> {
    let index = |id: &str| first + batch.iter().position(|b| b == id).unwrap_or_default();
    let mut sorted: Vec<(usize, Outcome)> = Vec::with_capacity(batch.len());
    sorted.extend(outcome.succeeded_ids().map(|id| (index(id), Outcome::Done)));
    sorted.extend(outcome.not_answered.iter().map(|id| (index(id), Outcome::NotFound)));
    for failed in &outcome.failed {
        let message = failed.error.to_string();
        sorted
            .extend(failed.user_ids.iter().map(|id| (index(id), Outcome::Failed(message.clone()))));
    }
    sorted
}

/// Locks, unlocks or deletes one user.
async fn one(client: &Client, action: Action, id: &str) -> Outcome {
    // The answer's body is not needed: a 2xx is the action done, whatever the body holds.
    let result = match action {
        Action::Lock => client.lock_user().user_id(id).send_as::<IgnoredAny>().await,
        Action::Unlock => client.unlock_user().user_id(id).send_as::<IgnoredAny>().await,
        Action::Delete => client.delete_user().user_id(id).send_as::<IgnoredAny>().await,
        Action::Ban => client.ban_user().user_id(id).send_as::<IgnoredAny>().await,
        Action::Unban => client.unban_user().user_id(id).send_as::<IgnoredAny>().await,
    };
    match result {
        Ok(_) => Outcome::Done,
        Err(error) if error.is_not_found() => Outcome::NotFound,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

/// What a run did: each user's outcome by its place in the ids, and the number not reached.
#[derive(Debug)]
struct Outcomes {
    /// `(index in the ids, outcome)`, in the order they arrived.
    known: Vec<(usize, Outcome)>,
    /// Whether Ctrl-C stopped the run (the users without an outcome were not reached, or their
    /// request was dropped in flight).
    interrupted: bool,
}

/// Gathers the answers, advancing the bar, until they are all in or Ctrl-C.
async fn drive(
    answers: impl Stream<Item = Vec<(usize, Outcome)>>,
    total: usize,
    bar: &indicatif::ProgressBar,
) -> Outcomes {
    let mut answers = std::pin::pin!(answers);
    let mut interrupt = std::pin::pin!(ctrl_c());
    let mut known = Vec::with_capacity(total);
    loop {
        tokio::select! {
            biased;
            () = &mut interrupt => return Outcomes { known, interrupted: true },
            answer = answers.next() => match answer {
                Some(answer) => {
                    bar.inc(answer.len() as u64);
                    known.extend(answer);
                }
                None => return Outcomes { known, interrupted: false },
            },
        }
    }
}

/// Prints the users not done and the summary, and says how the run ends.
fn report(
    action: Action,
    args: &Args,
    ids: &[String],
    outcomes: Outcomes,
    global: &Global,
) -> Result<(), CliError> {
    let Outcomes { mut known, interrupted } = outcomes;
    known.sort_by_key(|(index, _)| *index);
    let (mut done, mut not_found, mut failed) = (0usize, 0usize, 0usize);
    let mut stderr = std::io::stderr().lock();
    for (index, outcome) in &known {
        let id = ids.get(*index).map_or("?", String::as_str);
        // Writing to stderr can only fail when it is closed; there is nowhere left to say so.
        let _ = match outcome {
            Outcome::Done => {
                done += 1;
                Ok(())
            }
            Outcome::NotFound => {
                not_found += 1;
                if args.ignore_not_found && global.quiet {
                    Ok(())
                } else {
                    writeln!(stderr, "{id}: not found")
                }
            }
            Outcome::Failed(message) => {
                failed += 1;
                writeln!(stderr, "{id}: {message}")
            }
        };
    }
    let verb = action.verb();
    let unreached = ids.len() - known.len();
    if !global.quiet {
        let mut summary = format!("{verb}: {done} done, {not_found} not found, {failed} failed");
        if interrupted {
            summary.push_str(&format!(", {unreached} not reached"));
        }
        let _ = writeln!(stderr, "{summary}");
    }
    if interrupted {
        let next = match action {
            Action::Delete => "run the same command again with --ignore-not-found to finish",
            _ => "run the same command again to finish",
        };
        return Err(CliError::Interrupted { next: Some(next.to_owned()) });
    }
    let not_found_fails = if args.ignore_not_found { 0 } else { not_found };
    if failed + not_found_fails > 0 {
        return Err(CliError::Failed(format!(
            "{verb}: {} of {} users not done ({failed} failed, {not_found} not found)",
            failed + not_found_fails,
            ids.len()
        )));
    }
    Ok(())
}

/// Asks on the terminal whether to delete `count` users: `true` for `yes`.
async fn ask(count: usize) -> Result<bool, CliError> {
    eprint!("delete {count} users? type yes to confirm: ");
    let _ = std::io::stderr().flush();
    // Read off the runtime, so that Ctrl-C (watched by `interruptible`) still ends the wait.
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| CliError::Failed(format!("reading the answer failed: {e}")))?
    .map_err(|e| CliError::file(Path::new("stdin"), e))?;
    Ok(answer.trim() == "yes")
}

/// Runs `work` unless Ctrl-C comes first (then [`CliError::Interrupted`]: nothing was changed).
async fn interruptible<T>(work: impl Future<Output = T>) -> Result<T, CliError> {
    tokio::select! {
        biased;
        () = ctrl_c() => Err(CliError::Interrupted { next: None }),
        value = work => Ok(value),
    }
}

/// Resolves on Ctrl-C; never, when the signal cannot be watched.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn source(line: &[&str]) -> Result<Source, CliError> {
        let cli = Cli::try_parse_from(std::iter::once("ban").chain(line.iter().copied())).unwrap();
        Source::from_args(&cli.args)
    }

    #[test]
    fn one_source_of_users_is_required_and_ids_and_filters_do_not_mix() {
        assert!(matches!(
            source(&["user_a", "-", "--ids", "x.txt"]),
            Ok(Source::Ids { listed, files }) if listed == ["user_a"] && files == [PathBuf::from("-"), PathBuf::from("x.txt")]
        ));
        assert!(
            matches!(source(&["-", "--ids", "-"]), Ok(Source::Ids { files, .. }) if files.len() == 1)
        );
        assert!(
            matches!(source(&["--banned", "true"]), Ok(Source::Filters(f)) if f.banned == Some(true))
        );
        assert!(matches!(source(&["--all"]), Ok(Source::Filters(_))));
        for refused in [&[][..], &["user_a", "--query", "x"], &["user_a", "--all"]] {
            assert_eq!(source(refused).unwrap_err().exit_code(), 2, "{refused:?}");
        }
    }
}
