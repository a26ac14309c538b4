//! The run log (`FILE.import-log.jsonl`): one JSON line per record handled, appended and flushed
//! as each outcome is known, so a run stopped at any point can be continued; and the failures
//! file (`FILE.failures.jsonl`), the same lines for the records that need attention.
//!
//! Each line names where it happened: a fingerprint of the API URL and the key (see
//! [`KeyFingerprint`]), or `demo`. A run trusts only the lines of its own fingerprint, so
//! importing the same file into development and then production creates the users in both, and
//! a `--demo` run (a new fake every time) is never taken for real work.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::connect::KeyFingerprint;
use crate::error::CliError;

/// What became of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Created by this run.
    Created,
    /// A user with the key as `external_id` was already there: not created again.
    Exists,
    /// A create ended without a clear answer (timeout, lost connection, 5xx) and the user was
    /// found afterwards: it is the one that create made.
    Adopted,
    /// Clerk refused it, or it could not be sent; see `codes` and `error`.
    Failed,
    /// The record cannot be imported as it is (no key, a malformed field): see `error`.
    Invalid,
}

impl Outcome {
    /// Whether the record's user is in the instance (a later run skips it).
    pub fn done(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Exists | Outcome::Adopted)
    }
}

/// One line of the run log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Where the record was handled: the [`KeyFingerprint`] of the run, or `demo`.
    #[serde(default)]
    pub key_fingerprint: String,
    /// The record's position in the input (1 for the first).
    pub record: usize,
    /// The record's id in the source.
    pub source_id: Option<String>,
    /// The record's key (its external id, else its source id), the Clerk `external_id`.
    pub key: Option<String>,
    /// The Clerk user id, when there is a user.
    pub clerk_id: Option<String>,
    /// What happened.
    pub outcome: Outcome,
    /// Clerk's error codes, for `failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// The HTTP status, for `failed` with a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Clerk's trace id, for `failed` with a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// What went wrong, for `failed` and `invalid` (no personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the log says of a demo run instead of a fingerprint.
pub const DEMO: &str = "demo";

/// What earlier runs' logs say was done.
#[derive(Debug, Default)]
pub struct Done {
    /// The keys whose users are in the instance of this run's key.
    pub keys: HashSet<String>,
    /// Keys done only with another key or instance (or in a demo): looked up again here.
    pub elsewhere: usize,
}

/// The keys a previous run's log says were imported with the key fingerprinted `here` (`None`:
/// a demo, which trusts nothing). A missing log is an empty set; a line that does not parse (cut
/// short when a run was killed) is skipped.
pub fn done_keys(path: &Path, here: Option<&KeyFingerprint>) -> Result<Done, CliError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Done::default()),
        Err(e) => return Err(CliError::file(path, e)),
    };
    let (mut keys, mut elsewhere) = (HashSet::new(), HashSet::new());
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| CliError::file(path, e))?;
        let Ok(entry) = serde_json::from_str::<Entry>(&line) else { continue };
        let (true, Some(key)) = (entry.outcome.done(), entry.key) else { continue };
        if here.is_some_and(|here| here.as_str() == entry.key_fingerprint) {
            keys.insert(key);
        } else {
            elsewhere.insert(key);
        }
    }
    // A key done here and elsewhere too is simply done.
    let elsewhere = elsewhere.difference(&keys).count();
    Ok(Done { keys, elsewhere })
}

/// Where outcomes go: the run log (appended) and the failures file (this run's).
#[derive(Debug)]
pub struct Writers {
    /// Stamped on every line: the fingerprint, or [`DEMO`].
    key_fingerprint: String,
    log: BufWriter<std::fs::File>,
    log_path: PathBuf,
    failures: BufWriter<std::fs::File>,
    failures_path: PathBuf,
    /// How many lines went to the failures file.
    pub failures_written: usize,
}

impl Writers {
    /// Opens the log to append and the failures file afresh, both readable by their owner only,
    /// for a run with the key fingerprinted `here` (`None`: the demo).
    pub fn open(
        log_path: &Path,
        failures_path: &Path,
        here: Option<&KeyFingerprint>,
    ) -> Result<Writers, CliError> {
        let log = crate::output::append(log_path)?;
        let failures = crate::output::create_private(failures_path)?;
        Ok(Writers {
            key_fingerprint: here.map_or(DEMO, KeyFingerprint::as_str).to_owned(),
            log,
            log_path: log_path.to_owned(),
            failures,
            failures_path: failures_path.to_owned(),
            failures_written: 0,
        })
    }

    /// Writes `entry`, stamped with the key's fingerprint, to the log (flushed at once: the log is what a
    /// continued run trusts), and to the failures file when it needs attention.
    pub fn write(&mut self, mut entry: Entry) -> Result<(), CliError> {
        entry.key_fingerprint.clone_from(&self.key_fingerprint);
        let line = serde_json::to_string(&entry).map_err(|e| CliError::Failed(e.to_string()))?;
        writeln!(self.log, "{line}")
            .and_then(|()| self.log.flush())
            .map_err(|e| CliError::file(&self.log_path, e))?;
        if !entry.outcome.done() {
            writeln!(self.failures, "{line}")
                .and_then(|()| self.failures.flush())
                .map_err(|e| CliError::file(&self.failures_path, e))?;
            self.failures_written += 1;
        }
        Ok(())
    }

    /// Flushes and syncs both files.
    pub fn finish(mut self) -> Result<(), CliError> {
        self.log.flush().map_err(|e| CliError::file(&self.log_path, e))?;
        self.failures.flush().map_err(|e| CliError::file(&self.failures_path, e))?;
        let _ = self.log.get_ref().sync_all();
        let _ = self.failures.get_ref().sync_all();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continued_run_trusts_done_lines_of_its_own_key_only_and_skips_a_cut_line() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("in.import-log.jsonl");
        let failures = dir.path().join("in.failures.jsonl");
        let here = KeyFingerprint::of("https://api.clerk.com/v1", "sk_live_a");
        let there = KeyFingerprint::of("https://api.clerk.com/v1", "sk_test_b");
        let entry = |key: &str, outcome| Entry {
            key_fingerprint: String::new(),
            record: 1,
            source_id: None,
            key: Some(key.into()),
            clerk_id: None,
            outcome,
            codes: vec![],
            status: None,
            trace_id: None,
            error: None,
        };
        let mut writers = Writers::open(&log, &failures, Some(&here)).unwrap();
        writers.write(entry("a", Outcome::Created)).unwrap();
        writers.write(entry("b", Outcome::Failed)).unwrap();
        writers.write(entry("c", Outcome::Adopted)).unwrap();
        writers.finish().unwrap();
        let mut writers = Writers::open(&log, &failures, Some(&there)).unwrap();
        writers.write(entry("d", Outcome::Exists)).unwrap();
        writers.finish().unwrap();
        let mut writers = Writers::open(&log, &failures, None).unwrap();
        writers.write(entry("e", Outcome::Created)).unwrap();
        // Done here too: not counted as done elsewhere.
        writers.write(entry("a", Outcome::Exists)).unwrap();
        writers.finish().unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .unwrap()
            .write_all(b"{\"record\":4,\"key\":\"f\",\"outc")
            .unwrap();

        let done = done_keys(&log, Some(&here)).unwrap();
        assert_eq!(done.keys, HashSet::from(["a".to_owned(), "c".to_owned()]));
        assert_eq!(done.elsewhere, 2, "d on another instance, e on a demo");
        assert_eq!(done_keys(&log, Some(&there)).unwrap().keys, HashSet::from(["d".to_owned()]));
        let demo = done_keys(&log, None).unwrap();
        assert!(demo.keys.is_empty(), "a demo trusts nothing");
        assert_eq!(demo.elsewhere, 4);
        let first = std::fs::read_to_string(&log).unwrap();
        let first: Entry = serde_json::from_str(first.lines().next().unwrap()).unwrap();
        assert_eq!(first.key_fingerprint, here.as_str());
        // The failures file is this run's: the demo run failed nothing.
        assert_eq!(std::fs::read_to_string(&failures).unwrap(), "");
        assert!(done_keys(&dir.path().join("none"), Some(&here)).unwrap().keys.is_empty());
    }
}
