//! `import`: creates users from a file, never one twice, paced under the instance's rate limit.
//!
//! ```text
//! clerk-users import users.jsonl                  # our export: one Clerk user object a line
//! clerk-users import dashboard.csv                # Clerk Dashboard's user export
//! clerk-users import people.json --dry-run        # check everything, create nothing
//! clerk-users import people.csv --concurrency 20
//! ```
//!
//! # Never twice
//!
//! Each record has a **key**: its own `external_id` when it has one (the application's link to
//! the user, kept as it is), else its id in the source. The key becomes the Clerk
//! `external_id`. Before creating, the keys are looked up in the instance, 100 a request
//! (`GET /users?external_id=…`; a key that itself starts with `+` or `-`, which Clerk reads as
//! include/exclude, is sent as `+key` in a request of its own and matched literally): a key that
//! has a user already is not created again (`exists`). A create that ends in a timeout, a lost
//! connection or a 5xx may have happened all the same, so it is never simply sent again: the key
//! is looked up, the user adopted if it is there (`adopted`), and created only if it is not. A
//! create refused because an identifier is taken is looked up the same way.
//!
//! # Run log, continuing, failures
//!
//! Every outcome is appended (and flushed) to the run log, `FILE.import-log.jsonl` beside the
//! input unless `--log` says otherwise: one JSON line per record, `{"record": 12, "source_id":
//! "user_2x…", "key": "user_2x…", "clerk_id": "user_2y…", "outcome": "created"}`, with `codes`,
//! `status`, `trace_id` and `error` for `failed` and `invalid`. Outcomes: `created`, `exists`,
//! `adopted`, `failed`, `invalid`. Running the same command again continues where it stopped:
//! keys the log has as `created`, `exists` or `adopted` are skipped without a request, and the
//! rest are looked up again (a run killed mid-create finds its user in the instance). The
//! failures file (`FILE.failures.jsonl`, or `--failures`) has this run's `failed` and `invalid`
//! lines: what needs attention. Both files are readable by their owner only.
//!
//! # Input shapes
//!
//! `--format auto` (the default) goes by the extension (`.jsonl`/`.ndjson`, `.json`, `.csv`, and
//! for a CSV whether its header is exactly the Dashboard's), else by the first character (`[`
//! JSON, `{` JSON lines, anything else CSV).
//!
//! - `jsonl`: our export, one user object a line exactly as Clerk sends it. Read: `id`,
//!   `external_id`, names, `username`, `locale`, `email_addresses` and `phone_numbers` (the
//!   primary first; verified when `verification.status` is `verified`, else created
//!   `reserved`), the three metadata maps, `created_at` (Unix ms, sent as RFC 3339), `banned`,
//!   `locked`, and `password_digest`, `password_hasher`, `totp_secret`, `backup_codes` when a
//!   source has them.
//! - `clerk-csv`: Clerk Dashboard's user export, exactly its header: `id, first_name,
//!   last_name, username, primary_email_address, primary_phone_number, verified_email_addresses,
//!   unverified_email_addresses, verified_phone_numbers, unverified_phone_numbers, totp_secret,
//!   password_digest, password_hasher`; lists comma-joined in one cell.
//! - `csv` (plain CSV): a header row naming any of the Dashboard's columns and `external_id`,
//!   `locale`, `email_address` (one unverified address), `backup_codes` (comma-joined),
//!   `created_at` (Unix ms or RFC 3339), `banned`, `locked`, `skip_password_checks`,
//!   `skip_legal_checks` (`true`/`false`), `public_metadata`, `private_metadata`,
//!   `unsafe_metadata` (a JSON object in the cell), in any order. The columns of
//!   `export --format csv` that Clerk sets (`updated_at`, `last_sign_in_at`, `last_active_at`,
//!   `password_enabled`, `two_factor_enabled`) are read and ignored; any other column is an
//!   error (a typo must not drop data silently).
//! - `json` (plain JSON): an array of objects with the fields `id` (string or number),
//!   `external_id`, `first_name`, `last_name`, `username`, `locale`, `emails` (`[{"address":
//!   "ada@example.com", "verified": true}]`, the primary first; `verified` false when left
//!   out), `phones` (`[{"number": "+15555550100", "verified": false}]`), `email_address` (one
//!   unverified address), `password_digest`, `password_hasher`, `totp_secret`, `backup_codes`,
//!   `public_metadata`, `private_metadata`, `unsafe_metadata` (objects), `created_at` (Unix ms
//!   or RFC 3339), `banned`, `locked`, `skip_password_checks`, `skip_legal_checks`. Any other
//!   field makes the record invalid. An element that is a Clerk user object (it has
//!   `email_addresses` or `"object": "user"`) is read as in `jsonl`.
//!
//! In every shape an address is created verified only when the source says it is verified;
//! anything else is created `reserved` (unverified, held for the user). CSV cells lose the
//! spreadsheet guard (one leading tab before `=`, `+`, `-`, `@`, tab or carriage return), which
//! both CSV exports write. `password_hasher` is passed on as it is: any hasher Clerk accepts
//! (`bcrypt`, `argon2id`, `scrypt_firebase`, `phpass`, …).
//!
//! # Pace
//!
//! Creates run concurrently, paced by the client's rate limiter under the instance's limit
//! (1,000 requests per 10 s in production, 100 in development): by default enough are in flight
//! to keep the limiter busy (the rate times the latency measured on the look-ups, three times
//! over, and at least one second's worth); `--concurrency` overrides. A progress bar on stderr,
//! a summary at the end; exit 1 if any record failed or is invalid, 130 on Ctrl-C (run the same
//! command again to continue).

mod instance;
mod log;
mod read;
mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clerk_users::RateLimit;
use futures::StreamExt;

use self::log::{Entry, Outcome, Writers};
use self::read::Format;
use self::record::{Defaults, Record};
use crate::connect::{Connection, Global};
use crate::error::CliError;

/// Options of `import`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file to import: our JSON lines export, a Dashboard CSV export, or plain JSON/CSV.
    pub file: PathBuf,
    /// The input format; `auto` goes by the extension and the first bytes or CSV header.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Check every record and look the keys up in the instance, but create nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Creates in flight at once (default: chosen from the rate limit and the latency).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: Option<u16>,
    /// The run log (default: FILE.import-log.jsonl beside the input).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Where this run's failed and invalid records are listed (default: FILE.failures.jsonl).
    #[arg(long, value_name = "FILE")]
    pub failures: Option<PathBuf>,
    /// Seconds one create may take, its wait for a turn under the rate limit included, before
    /// the user is looked up to learn whether it was created.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,
    /// Send `skip_password_checks` for every user (records may also say it themselves).
    #[arg(long)]
    pub skip_password_checks: bool,
    /// Send `skip_password_requirement` for every user (for users without a password on an
    /// instance that requires one).
    #[arg(long)]
    pub skip_password_requirement: bool,
    /// Send `skip_legal_checks` for every user.
    #[arg(long)]
    pub skip_legal_checks: bool,
}

/// `path` with `suffix` appended to its file name: `users.csv` → `users.csv.import-log.jsonl`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The default concurrency: enough creates in flight to keep the limiter busy (Little's law:
/// rate × latency), three times over for slower creates, and at least one second's worth.
fn default_concurrency(limit: &RateLimit, latency: Option<Duration>) -> usize {
    let rate = limit.requests_per_second();
    let latency = latency.unwrap_or(Duration::from_millis(300)).as_secs_f64();
    let in_flight = (rate * latency * 3.0).max(rate).ceil();
    // `as` on a finite value clamped to a small range.
    in_flight.clamp(1.0, 500.0) as usize
}

/// Counts for the summary.
#[derive(Debug, Default)]
struct Tally {
    created: usize,
    exists: usize,
    adopted: usize,
    failed: usize,
    invalid: usize,
    from_log: usize,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Exists => self.exists += 1,
            Outcome::Adopted => self.adopted += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Invalid => self.invalid += 1,
        }
    }
}

fn entry(record: &Record, outcome: Outcome) -> Entry {
    Entry {
        key_fingerprint: String::new(),
        record: record.position,
        source_id: record.source_id.clone(),
        key: record.key().map(str::to_owned),
        clerk_id: None,
        outcome,
        codes: Vec::new(),
        status: None,
        trace_id: None,
        error: None,
    }
}

/// Runs `import`.
pub async fn run(args: Args, connection: &Connection, global: &Global) -> Result<(), CliError> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(CliError::Usage("--timeout must be a positive number of seconds".to_owned()));
    }
    let timeout = Duration::from_secs_f64(args.timeout.min(86_400.0));
    let say = |message: String| {
        if !global.quiet {
            eprintln!("{message}");
        }
    };
    let log_path = args.log.clone().unwrap_or_else(|| beside(&args.file, ".import-log.jsonl"));
    let failures_path =
        args.failures.clone().unwrap_or_else(|| beside(&args.file, ".failures.jsonl"));
    let (format, records) = read::read(&args.file, args.format)?;
    let defaults = Defaults {
        skip_password_checks: args.skip_password_checks,
        skip_password_requirement: args.skip_password_requirement,
        skip_legal_checks: args.skip_legal_checks,
    };

    // Check every record; a key used twice in the input is imported once.
    let mut invalid: Vec<(&Record, String)> = Vec::new();
    let mut valid: Vec<&Record> = Vec::new();
    let mut first_with_key: HashMap<&str, usize> = HashMap::new();
    for record in &records {
        if let Some(problem) = record.problem() {
            invalid.push((record, problem));
        } else if let Some(key) = record.key() {
            match first_with_key.get(key) {
                Some(first) => {
                    invalid.push((record, format!("the same key as record {first}: imported once")))
                }
                None => {
                    first_with_key.insert(key, record.position);
                    valid.push(record);
                }
            }
        }
    }

    // Continue: keys the log has as done need no request.
    let here = connection.key_fingerprint.as_ref();
    let done = if args.dry_run { Default::default() } else { log::done_keys(&log_path, here)? };
    if done.elsewhere > 0 {
        say(format!(
            "import: the log has {} users imported with another key or instance (or in a demo); \
             they are looked up here again",
            done.elsewhere
        ));
    }
    let mut tally = Tally { from_log: 0, ..Tally::default() };
    let pending: Vec<&Record> = valid
        .into_iter()
        .filter(|r| {
            let skip = r.key().is_some_and(|k| done.keys.contains(k));
            tally.from_log += usize::from(skip);
            !skip
        })
        .collect();
    say(format!(
        "import: {} records read from {} ({format:?}): {} to check, {} already imported by an \
         earlier run (log {}), {} invalid",
        records.len(),
        args.file.display(),
        pending.len(),
        tally.from_log,
        log_path.display(),
        invalid.len()
    ));

    // Which keys have a user already: 100 a request, a few requests at once.
    let bar = crate::progress::bar(pending.len() as u64, "users", global.quiet);
    bar.set_message("looking up");
    let keys: Vec<String> = pending.iter().filter_map(|r| r.key().map(str::to_owned)).collect();
    let client = &connection.client;
    let lookup_concurrency = args.concurrency.map_or(8, usize::from).min(8);
    let started = Instant::now();
    let mut lookups = futures::stream::iter(keys.chunks(instance::LOOKUP_BATCH))
        .map(|batch| async move {
            let sent = Instant::now();
            instance::lookup(client, batch).await.map(|found| (found, sent.elapsed()))
        })
        .buffer_unordered(lookup_concurrency);
    let mut existing: HashMap<String, String> = HashMap::new();
    let mut latencies = Vec::new();
    while let Some(result) = lookups.next().await {
        let (found, latency) = result?;
        latencies.push(latency);
        existing.extend(found);
    }
    drop(lookups);
    latencies.sort();
    let latency = latencies.get(latencies.len() / 2).copied();

    if args.dry_run {
        bar.finish_and_clear();
        for (record, problem) in &invalid {
            say(format!(
                "invalid: record {} (key {}): {problem}",
                record.position,
                record.key().unwrap_or("none")
            ));
        }
        let to_create = pending.len()
            - pending.iter().filter(|r| r.key().is_some_and(|k| existing.contains_key(k))).count();
        say(format!(
            "dry run: {} records, {to_create} would be created, {} exist already (skipped), {} \
             invalid; nothing was created ({} look-ups in {:.1} s)",
            records.len(),
            existing.len(),
            invalid.len(),
            keys.len().div_ceil(instance::LOOKUP_BATCH),
            started.elapsed().as_secs_f64()
        ));
        if !invalid.is_empty() {
            return Err(CliError::Failed(format!("{} invalid records", invalid.len())));
        }
        return Ok(());
    }

    let mut writers = Writers::open(&log_path, &failures_path, here)?;
    for (record, problem) in &invalid {
        let mut line = entry(record, Outcome::Invalid);
        line.error = Some(problem.clone());
        writers.write(line)?;
        tally.add(Outcome::Invalid);
    }
    let mut to_create = Vec::new();
    for record in pending {
        match record.key().and_then(|k| existing.get(k)) {
            Some(id) => {
                let mut line = entry(record, Outcome::Exists);
                line.clerk_id = Some(id.clone());
                writers.write(line)?;
                tally.add(Outcome::Exists);
                bar.inc(1);
            }
            None => to_create.push(record),
        }
    }

    let concurrency = args
        .concurrency
        .map_or_else(|| default_concurrency(&connection.rate_limit, latency), usize::from);
    say(format!("import: creating {} users, {concurrency} in flight", to_create.len()));
    bar.set_message(format!("creating, {concurrency} in flight"));
    let creating = Instant::now();
    let creates = futures::stream::iter(to_create)
        .map(|record| async move {
            let key = record.key().unwrap_or_default();
            let body = record.body(defaults);
            (record, instance::create(client, key, &body, timeout).await)
        })
        .buffer_unordered(concurrency);
    futures::pin_mut!(creates);
    let ctrl_c = tokio::signal::ctrl_c();
    futures::pin_mut!(ctrl_c);
    let mut interrupted = false;
    loop {
        let next = tokio::select! {
            next = creates.next() => next,
            _ = &mut ctrl_c => {
                interrupted = true;
                None
            }
        };
        let Some((record, created)) = next else { break };
        let line = match created {
            instance::CreateResult::Created(id) => with_id(entry(record, Outcome::Created), id),
            instance::CreateResult::Exists(id) => with_id(entry(record, Outcome::Exists), id),
            instance::CreateResult::Adopted(id) => with_id(entry(record, Outcome::Adopted), id),
            instance::CreateResult::Failed(failure) => {
                let mut line = entry(record, Outcome::Failed);
                line.codes = failure.codes;
                line.status = failure.status;
                line.trace_id = failure.trace_id;
                line.error = Some(failure.message);
                line
            }
        };
        tally.add(line.outcome);
        writers.write(line)?;
        bar.inc(1);
    }
    let create_secs = creating.elapsed().as_secs_f64();
    bar.finish_and_clear();
    writers.finish()?;

    say(format!(
        "import: {} created, {} existed already, {} adopted after an unclear create, {} failed, \
         {} invalid, {} skipped as imported by an earlier run; {:.1} creates/s; log {}",
        tally.created,
        tally.exists,
        tally.adopted,
        tally.failed,
        tally.invalid,
        tally.from_log,
        if create_secs > 0.0 { (tally.created + tally.adopted) as f64 / create_secs } else { 0.0 },
        log_path.display()
    ));
    if interrupted {
        return Err(CliError::Interrupted {
            next: Some("run the same command again to continue where it stopped".to_owned()),
        });
    }
    if tally.failed + tally.invalid > 0 {
        return Err(CliError::Failed(format!(
            "{} records failed and {} are invalid; they are listed in {}",
            tally.failed,
            tally.invalid,
            failures_path.display()
        )));
    }
    Ok(())
}

fn with_id(mut line: Entry, id: String) -> Entry {
    line.clerk_id = Some(id);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_go_beside_the_input_and_concurrency_follows_the_limit() {
        assert_eq!(
            beside(Path::new("dir/users.csv"), ".import-log.jsonl"),
            Path::new("dir/users.csv.import-log.jsonl")
        );
        let production = RateLimit::production_instance();
        assert_eq!(default_concurrency(&production, Some(Duration::from_millis(100))), 100);
        assert_eq!(default_concurrency(&production, Some(Duration::from_millis(800))), 240);
        assert_eq!(default_concurrency(&RateLimit::development_instance(), None), 10);
    }
}
