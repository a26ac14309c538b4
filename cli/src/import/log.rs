//! The run log (`FILE.import-log.jsonl`): one JSON line per record handled, appended and flushed
//! as each outcome is known, so a run stopped at any point can be continued; and the failures
//! file (`FILE.failures.jsonl`), the same lines for the records that need attention.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// The keys a previous run's log says are in the instance. A missing log is an empty set; a
/// line that does not parse (cut short when a run was killed) is skipped.
pub fn done_keys(path: &Path) -> Result<HashSet<String>, CliError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(CliError::file(path, e)),
    };
    let mut keys = HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| CliError::file(path, e))?;
        if let Ok(entry) = serde_json::from_str::<Entry>(&line)
            && let (true, Some(key)) = (entry.outcome.done(), entry.key)
        {
            keys.insert(key);
        }
    }
    Ok(keys)
}

/// Where outcomes go: the run log (appended) and the failures file (this run's).
#[derive(Debug)]
pub struct Writers {
    log: BufWriter<std::fs::File>,
    log_path: PathBuf,
    failures: BufWriter<std::fs::File>,
    failures_path: PathBuf,
    /// How many lines went to the failures file.
    pub failures_written: usize,
}

impl Writers {
    /// Opens the log to append and the failures file afresh, both readable by their owner only.
    pub fn open(log_path: &Path, failures_path: &Path) -> Result<Writers, CliError> {
        let log = crate::output::append(log_path)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let failures = options
            .open(failures_path)
            .map(BufWriter::new)
            .map_err(|e| CliError::file(failures_path, e))?;
        Ok(Writers {
            log,
            log_path: log_path.to_owned(),
            failures,
            failures_path: failures_path.to_owned(),
            failures_written: 0,
        })
    }

    /// Writes `entry` to the log (flushed at once: the log is what a continued run trusts), and
    /// to the failures file when it needs attention.
    pub fn write(&mut self, entry: &Entry) -> Result<(), CliError> {
        let line = serde_json::to_string(entry).map_err(|e| CliError::Failed(e.to_string()))?;
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
    fn a_continued_run_trusts_done_lines_only_and_skips_a_cut_line() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("in.import-log.jsonl");
        let failures = dir.path().join("in.failures.jsonl");
        let mut writers = Writers::open(&log, &failures).unwrap();
        let entry = |key: &str, outcome| Entry {
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
        writers.write(&entry("a", Outcome::Created)).unwrap();
        writers.write(&entry("b", Outcome::Failed)).unwrap();
        writers.write(&entry("c", Outcome::Adopted)).unwrap();
        writers.finish().unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .unwrap()
            .write_all(b"{\"record\":4,\"key\":\"d\",\"outc")
            .unwrap();
        let keys = done_keys(&log).unwrap();
        assert_eq!(keys, HashSet::from(["a".to_owned(), "c".to_owned()]));
        assert_eq!(std::fs::read_to_string(&failures).unwrap().lines().count(), 1);
        assert!(done_keys(&dir.path().join("none")).unwrap().is_empty());
    }
}
