//! `export`: every user (or those the filters match) as JSON lines or CSV, at the rate-limit
//! bound, into a file that appears only when complete, resumable when interrupted.
//!
//! - Formats: `jsonl` (default: each user exactly as Clerk sent it, one per line; a user whose
//!   JSON spans lines is put on one line without changing a key, its order or a number), `csv`
//!   (our profile) and `clerk-csv` (the Dashboard export's header); see [`crate::csv_profiles`]
//!   for the columns and the spreadsheet guard.
//! - The file: written as `FILE.partial` (readable by its owner only) and renamed to `FILE` when
//!   complete, after a flush and a sync; an existing `FILE` is refused unless `--force`.
//!   `--out -` writes to stdout instead (nothing to resume then: an interrupted export to stdout
//!   starts again).
//! - Interrupted (an error, or Ctrl-C): what was written stays in `FILE.partial`, the walk's
//!   position goes to `FILE.resume.json`, and the one-line message names the command that
//!   continues (the same with `--resume`); exit 1, or 130 for Ctrl-C. `--resume` appends the rest
//!   without repeats (the library's resume token guarantees it), renames the file into place and
//!   removes the state. A new export over a waiting state needs `--force`.
//! - Killed outright (`kill -9`, a crash): the export checkpoints itself every 100 ms or so
//!   ([`checkpoint`]: the partial file synced, then the state saved), so `--resume` continues
//!   from the last checkpoint; a resume repeats nothing, since bytes past the state are cut.
//! - At the end the users written are compared with the count taken at the start (users created
//!   or deleted meanwhile, or a walk cut short, make them differ), on stderr.
//! - Speed: without `--concurrency`, the requests in flight come from the rate limit and the
//!   latency of a first page ([`crate::tune`]), and the choice is printed on stderr. That page,
//!   the count and the oldest user are asked for in one round trip, and give the concurrent walk
//!   its `created_at` range, so it starts without asking again.

mod checkpoint;
mod sink;
mod state;

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clerk_users::pagination::RawUser;
use clerk_users::prelude::*;
use clerk_users::{Paginator, ResumeToken, WalkError};
use futures::StreamExt;

use crate::connect::{Connection, Global};
use crate::csv_profiles::Profile;
use crate::error::CliError;
use crate::filters::UserFilters;
use crate::tune;
use checkpoint::Checkpoints;
use sink::{Output, Sink};
use state::{Paths, State};

/// The page size of every walk: Clerk's largest, the fewest requests.
const PAGE_SIZE: u64 = 500;

/// The output format.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON lines: every field of every user, exactly as Clerk sent it, one user a line.
    Jsonl,
    /// CSV, our columns: ids, names, emails and phones by verification state, timestamps,
    /// flags, metadata.
    Csv,
    /// CSV with exactly the columns of Clerk's Dashboard user export.
    ClerkCsv,
}

impl Format {
    /// The name on the command line.
    fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::ClerkCsv => "clerk-csv",
        }
    }

    /// The CSV profile, `None` for JSON lines.
    fn profile(self) -> Option<Profile> {
        match self {
            Format::Jsonl => None,
            Format::Csv => Some(Profile::Ours),
            Format::ClerkCsv => Some(Profile::Dashboard),
        }
    }
}

/// Options of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file to write, created readable by its owner only; `-` writes to stdout (then an
    /// interrupted export cannot be resumed).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// JSON lines (lossless), our CSV columns, or the Dashboard export's CSV columns.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Replace FILE if it exists (and start over if an interrupted export of it is waiting).
    #[arg(long)]
    force: bool,
    /// Continue the interrupted export of FILE (same format and filters).
    #[arg(long)]
    resume: bool,
    /// Requests in flight (1 walks a single cursor); default: chosen from the rate limit and the
    /// latency measured on the first request.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: Option<u16>,
    /// Stop after this many users.
    #[arg(long, value_name = "N")]
    max: Option<u64>,
    #[command(flatten)]
    filters: UserFilters,
}

/// Runs `export`.
pub async fn run(args: Args, connection: &Connection, global: &Global) -> Result<(), CliError> {
    let to_stdout = args.out.as_os_str() == "-";
    if to_stdout && args.resume {
        return Err(CliError::Usage(
            "--resume needs a file: an export to stdout (--out -) keeps no resume state".into(),
        ));
    }
    let paths = Paths::of(&args.out);
    // Only compared, so only a fingerprint is kept: filter values (emails, names) stay out of
    // the state file.
    let selection = crate::output::fingerprint(
        "export selection",
        &[&format!("{:?}", args.filters), &format!("{:?}", args.max)],
    );
    // The files are checked before any request.
    let previous = if args.resume { Some(resumable(&args, &paths, &selection)?) } else { None };
    if !to_stdout && !args.resume {
        check_fresh(&args, &paths)?;
    }

    let client = &connection.client;
    let started = Instant::now();
    // The count taken at the start (the first export's, on resume), and a first look at the
    // list when the concurrency is to be chosen, all in one round trip.
    let probe_wanted = args.concurrency.is_none();
    let (total, probed) = match &previous {
        // A resumed walk has its range in its token: only the latency is wanted.
        Some(state) => (state.total_at_start, probe(&args, client, probe_wanted, false).await?),
        None => {
            let counted = args.filters.list(client).paginate();
            let count = counted.total_count();
            let probe = probe(&args, client, probe_wanted, true);
            let (total, probed) = tokio::join!(count, probe);
            (total?, probed?)
        }
    };
    let latency = probed.map(|probed| probed.latency);
    let expected = args.max.map_or(total, |max| max.min(total));
    let concurrency = match (args.concurrency, latency) {
        (Some(n), _) => usize::from(n),
        (None, latency) => {
            let rps = connection.rate_limit.requests_per_second();
            let pages = expected.div_ceil(PAGE_SIZE);
            let choice = tune::concurrency(rps, latency.unwrap_or_default(), pages);
            if !global.quiet {
                eprintln!("concurrency: {choice}");
            }
            choice.concurrency
        }
    };
    // A resumed walk keeps its kind: its token resumes only the same kind of walk.
    let concurrent = previous.as_ref().map_or(concurrency > 1, |state| state.concurrent);
    let concurrency = if concurrent { concurrency.max(2) } else { 1 };

    let mut state = previous.clone().unwrap_or_else(|| {
        State::new(args.format.name().to_owned(), selection.clone(), concurrent, total)
    });
    let name: &Path = if to_stdout { Path::new("stdout") } else { &paths.partial };
    let sink = if to_stdout {
        Sink::Stdout(BufWriter::new(std::io::stdout()))
    } else if previous.is_some() {
        Sink::File(open_partial(&paths.partial, state.bytes)?)
    } else {
        // `check_fresh` refused what --force did not allow; a stale partial file goes.
        Sink::File(crate::output::create_private(&paths.partial)?)
    };
    let mut output =
        Output::new(sink, name, args.format.profile(), previous.is_none(), state.bytes)?;
    // A new CSV file starts with its header: a resume keeps it.
    state.bytes = output.flush()?;

    let mut paginator = args.filters.list(client).paginate().raw().page_size(PAGE_SIZE);
    if let Some(max) = args.max {
        paginator = paginator.max_items(max);
    }
    if let Some(token) = state.token.clone() {
        paginator = paginator.resume(token);
    }
    if concurrent {
        paginator = paginator.concurrency(concurrency);
        // The probe found the range: the walk need not ask again (a resumed walk has its own).
        if let Some((oldest, newest)) = probed.and_then(|probed| probed.range) {
            paginator = paginator.known_created_range(oldest, newest);
        }
    }
    let progress = crate::progress::bar(expected, "users", global.quiet);
    progress.set_position(state.written);

    let mut checkpoints =
        (!to_stdout).then(|| Checkpoints::new(&paths.partial, &paths.state, checkpoint::EVERY));
    let walked = walk(paginator, &mut output, &mut state, &mut checkpoints, &progress).await;
    // First of all, before any return: a late checkpoint must not write the state after it is
    // saved or removed below. Its own error is moot: the end syncs every byte again, and a stop
    // saves the state itself.
    if let Some(checkpoints) = &mut checkpoints {
        let _ = checkpoints.settle().await;
    }
    // On a stop, `state.bytes` stays at the last page written whole: a resume cuts the rest.
    let (sink, _) = output.into_sink()?;

    let Err(stop) = walked else {
        progress.finish_and_clear();
        finish(sink, &paths, args.force)?;
        if !global.quiet {
            let seconds = started.elapsed().as_secs_f64();
            let target =
                if to_stdout { "stdout".to_owned() } else { paths.target.display().to_string() };
            eprintln!(
                "exported {} users to {target} in {seconds:.1} s ({:.0} users/s)",
                state.written,
                state.written as f64 / seconds.max(1e-9)
            );
        }
        // Said even with --quiet: the file is not what the count promised.
        if state.written != expected {
            eprintln!("{}", mismatch(state.written, total, args.max));
        }
        return Ok(());
    };

    // Interrupted: keep what was written, and where the walk stood.
    progress.abandon();
    let next = if to_stdout {
        drop(sink);
        None
    } else {
        keep_partial(sink, &paths.partial)?;
        state.save(&paths.state)?;
        Some(format!(
            "kept {} users in {}; continue with: {}",
            state.written,
            paths.partial.display(),
            continue_command()
        ))
    };
    match stop {
        Stop::Interrupted => Err(CliError::Interrupted { next }),
        Stop::Failed(error) => Err(CliError::Failed(match next {
            Some(next) => format!("{error}; {next}"),
            None => format!("{error}; nothing to resume from stdout: run the export again"),
        })),
    }
}

/// Why a walk stopped before its end.
enum Stop {
    /// Ctrl-C.
    Interrupted,
    /// A request failed, the server repeated itself, or the file could not be written.
    Failed(String),
}

/// Walks the pages into `output` until the end, an error or Ctrl-C; `state` follows what was
/// written (users, and the token of the last page written).
async fn walk(
    paginator: Paginator<RawUser>,
    output: &mut Output,
    state: &mut State,
    checkpoints: &mut Option<Checkpoints>,
    progress: &indicatif::ProgressBar,
) -> Result<(), Stop> {
    let mut pages = paginator.pages();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut undecodable = 0u64;
    let outcome = loop {
        let page = tokio::select! {
            biased;
            _ = &mut ctrl_c => break Err(Stop::Interrupted),
            page = pages.next() => page,
        };
        let page = match page {
            None => break Ok(()),
            Some(Ok(page)) => page,
            Some(Err(error)) => break Err(walk_stopped(&error, state)),
        };
        let mut written = 0u64;
        let users = page.items.iter().map(|user| (user.json(), Some(user.id())));
        // Users that did not decode as users are written as Clerk sent them too: lossless.
        let odd = page.undecodable.iter().map(|item| (item.json(), item.id()));
        for (json, id) in users.chain(odd) {
            if let Err(error) = output.write(json, id) {
                // What the page wrote partly is cut on resume: the state keeps the last page.
                return Err(Stop::Failed(error.to_string()));
            }
            written += 1;
        }
        undecodable += page.undecodable.len() as u64;
        // The token covers the page only once all of it is written.
        match output.flush() {
            Ok(bytes) => state.bytes = bytes,
            Err(error) => return Err(Stop::Failed(error.to_string())),
        }
        state.written += written;
        state.token = Some(page.resume);
        progress.inc(written);
        if let (Some(checkpoints), Some(file)) = (checkpoints.as_mut(), output.file())
            && let Err(error) = checkpoints.after_page(file, state).await
        {
            return Err(Stop::Failed(error.to_string()));
        }
    };
    if undecodable > 0 {
        eprintln!(
            "note: {undecodable} users did not read as Clerk users; written as Clerk sent them"
        );
    }
    if output.approximated > 0 {
        eprintln!(
            "note: {} users hold values a CSV row cannot read whole (a number beyond 64-bit \
             floating point, or nesting deeper than 128 levels): metadata cells keep them as \
             Clerk sent them, other cells holding them are empty; --format jsonl keeps every \
             user exactly",
            output.approximated
        );
    }
    outcome
}

/// The stop for a walk error; a token in it (past everything yielded, which was written) goes
/// into the state.
fn walk_stopped(error: &WalkError, state: &mut State) -> Stop {
    if let Some(token) = error.resume_token() {
        state.token = Some(ResumeToken::clone(token));
    }
    Stop::Failed(error.to_string())
}

/// What a first look at the list found.
#[derive(Debug, Clone, Copy)]
struct Probed {
    /// The latency of a full page.
    latency: Duration,
    /// The `created_at` of the oldest and the newest matching user; `None` for no users.
    range: Option<(i64, i64)>,
}

/// When the concurrency is to be chosen (`wanted`: no `--concurrency` given), a first look at
/// the list, in one round trip: the newest page (its latency is what the choice needs; its users
/// are dropped, the walk fetches them again) and, when `range` is wanted, the oldest user: both
/// give the concurrent walk its range. Otherwise none.
async fn probe(
    args: &Args,
    client: &clerk_users::Client,
    wanted: bool,
    range: bool,
) -> Result<Option<Probed>, CliError> {
    if !wanted {
        return Ok(None);
    }
    let newest_page = async {
        let started = Instant::now();
        let newest = args.filters.list(client).order_by("-created_at");
        let mut first = newest.paginate().raw().max_items(PAGE_SIZE).pages();
        let page = first.next().await.transpose();
        (started.elapsed(), page)
    };
    let oldest_page = async {
        if !range {
            return Ok(None);
        }
        let oldest = args.filters.list(client).order_by("+created_at");
        oldest.paginate().raw().page_size(1).max_items(1).pages().next().await.transpose()
    };
    let ((latency, newest), oldest) = tokio::join!(newest_page, oldest_page);
    let (newest, oldest) = (newest?, oldest?);
    let newest = newest.as_ref().and_then(created_range).map(|(_, newest)| newest);
    let oldest = oldest.as_ref().and_then(created_range).map(|(oldest, _)| oldest);
    let range = match (oldest, newest) {
        (Some(oldest), Some(newest)) if oldest <= newest => Some((oldest, newest)),
        _ => None,
    };
    Ok(Some(Probed { latency, range }))
}

/// The oldest and newest `created_at` of a page's users, those that did not decode as users
/// included; `None` for an empty page, or when one of them has no `created_at` to read (it may
/// be the edge: then the walk finds the range itself, or fails as it should).
fn created_range(page: &clerk_users::pagination::Page<RawUser>) -> Option<(i64, i64)> {
    let users = page.items.iter().map(|user| Some(user.created_at()));
    let odd = page.undecodable.iter().map(|item| item.created_at());
    let created: Option<Vec<i64>> = users.chain(odd).collect();
    let created = created?;
    Some((*created.iter().min()?, *created.iter().max()?))
}

/// For a new export: refuses an existing FILE, or a waiting resume state, unless `--force`
/// (which removes the state: the export starts over). A state without its partial file (an
/// export killed between putting its file in place and removing its state) is removed.
fn check_fresh(args: &Args, paths: &Paths) -> Result<(), CliError> {
    if paths.state.exists() && !paths.partial.exists() {
        std::fs::remove_file(&paths.state).map_err(|e| CliError::file(&paths.state, e))?;
    }
    if paths.state.exists() {
        if !args.force {
            return Err(CliError::Usage(format!(
                "{} holds an interrupted export of {}: add --resume to continue it, or --force to \
                 start over",
                paths.state.display(),
                paths.target.display()
            )));
        }
        std::fs::remove_file(&paths.state).map_err(|e| CliError::file(&paths.state, e))?;
    }
    if !args.force && paths.target.exists() {
        return Err(CliError::Usage(format!(
            "{} exists; pass --force to replace it",
            paths.target.display()
        )));
    }
    Ok(())
}

/// For `--resume`: the waiting state, if it is one of this export.
fn resumable(args: &Args, paths: &Paths, selection: &str) -> Result<State, CliError> {
    if !paths.state.exists() {
        return Err(CliError::Usage(format!(
            "nothing to resume: {} does not exist (run the export without --resume)",
            paths.state.display()
        )));
    }
    if !paths.partial.exists() {
        return Err(CliError::Usage(format!(
            "nothing to resume: {} is gone (the export finished, or the file was removed); run \
             the export without --resume",
            paths.partial.display()
        )));
    }
    let state = State::read(&paths.state)?;
    if state.format != args.format.name() || state.selection != selection {
        return Err(CliError::Usage(format!(
            "{} is an export in format {} with other filters or --max: resume it with the same \
             options",
            paths.state.display(),
            state.format
        )));
    }
    if !args.force && paths.target.exists() {
        return Err(CliError::Usage(format!(
            "{} exists; pass --force to replace it",
            paths.target.display()
        )));
    }
    Ok(state)
}

/// Opens the partial file of an interrupted export to append to it, cut to the `bytes` its
/// state covers (a page written after the state was saved would be a repeat).
fn open_partial(path: &Path, bytes: u64) -> Result<BufWriter<std::fs::File>, CliError> {
    let file =
        std::fs::OpenOptions::new().write(true).open(path).map_err(|e| CliError::file(path, e))?;
    let len = file.metadata().map_err(|e| CliError::file(path, e))?.len();
    if len < bytes {
        return Err(CliError::Failed(format!(
            "{}: shorter than its resume state says ({len} of {bytes} bytes); start over with \
             --force",
            path.display()
        )));
    }
    file.set_len(bytes).map_err(|e| CliError::file(path, e))?;
    drop(file);
    crate::output::append(path)
}

/// Puts a complete export in place: the partial file synced and renamed, and the resume state
/// removed.
fn finish(sink: Sink, paths: &Paths, force: bool) -> Result<(), CliError> {
    match sink {
        Sink::Stdout(_) => return Ok(()),
        Sink::File(file) => sync(file, &paths.partial)?,
    }
    // Checked at the start too; a file that appeared meanwhile is not replaced either.
    if !force && paths.target.exists() {
        return Err(CliError::Failed(format!(
            "{} appeared during the export and was left alone; the complete export is in {} \
             (rename it, or export again with --force)",
            paths.target.display(),
            paths.partial.display()
        )));
    }
    std::fs::rename(&paths.partial, &paths.target).map_err(|e| CliError::file(&paths.target, e))?;
    match std::fs::remove_file(&paths.state) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::file(&paths.state, e)),
    }
}

/// Keeps what an interrupted export wrote in the partial file, synced.
fn keep_partial(sink: Sink, partial: &Path) -> Result<(), CliError> {
    match sink {
        Sink::File(file) => sync(file, partial),
        Sink::Stdout(_) => Ok(()),
    }
}

/// Flushes and syncs the partial file (the checkpoints synced most of it already).
fn sync(file: BufWriter<std::fs::File>, path: &Path) -> Result<(), CliError> {
    let file = file.into_inner().map_err(|e| CliError::file(path, e.into_error()))?;
    file.sync_all().map_err(|e| CliError::file(path, e))
}

/// The line said when the users written differ from the count at the start.
fn mismatch(written: u64, total: u64, max: Option<u64>) -> String {
    let limit = match max {
        Some(max) if max < total => format!(" (--max {max})"),
        _ => String::new(),
    };
    format!(
        "note: wrote {written} users but {total} matched when the export started{limit}: users \
         were created or deleted meanwhile"
    )
}

/// Options whose values are personal data (emails, phones, names, free text): an error message
/// does not repeat them.
const PERSONAL_OPTIONS: &[&str] =
    &["--query", "--email", "--phone", "--username", "--external-id", "--user-id"];

/// The command line that continues this export: the same arguments, with `--resume`. When the
/// command filters on personal data, it says so instead of repeating the values.
fn continue_command() -> String {
    // Lossy: an argument that is not UTF-8 (a path) is shown with replacement characters, never
    // a panic.
    let mut words: Vec<String> =
        std::env::args_os().map(|word| word.to_string_lossy().into_owned()).collect();
    let personal = words.iter().any(|word| {
        PERSONAL_OPTIONS.iter().any(|option| {
            word == option || word.strip_prefix(option).is_some_and(|rest| rest.starts_with('='))
        })
    });
    if personal {
        return "the same command with --resume added".to_owned();
    }
    if let Some(program) = words.first_mut() {
        // The name the user knows, not the path the shell found.
        *program = "clerk-users".to_owned();
    }
    if !words.iter().any(|w| w == "--resume") {
        words.push("--resume".to_owned());
    }
    words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_quote("--out"), "--out");
        assert_eq!(shell_quote("my users.jsonl"), "'my users.jsonl'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn the_mismatch_says_both_counts() {
        assert_eq!(
            mismatch(9, 10, None),
            "note: wrote 9 users but 10 matched when the export started: users were created or \
             deleted meanwhile"
        );
        assert!(mismatch(5, 10, Some(5)).contains("(--max 5)"));
    }
}
