//! Checkpoints of a running export: every so often, in the background, `FILE.partial` is synced
//! and the resume state saved beside it. So an export that is killed outright (`kill -9`, a
//! crash) resumes like one stopped by an error or Ctrl-C, and the sync before the final rename
//! has only the last moments' bytes left to write.
//!
//! The order matters: the state names the bytes it covers, and it is saved only once those
//! bytes are on disk. Bytes written after it are cut on resume, so a checkpoint never promises
//! more than the file holds.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use super::state::State;
use crate::error::CliError;

/// The least time between two checkpoints. Short, so the file is synced nearly as fast as it is
/// written and the sync before the rename has little left (measured with `bench_cli`: the export
/// to a file ends about half as far behind the one to stdout as with 500 ms). A checkpoint starts
/// only after a page, once the one before has finished: a slow disk spaces them further.
pub const EVERY: Duration = Duration::from_millis(100);

/// The checkpoints of one export to a file.
#[derive(Debug)]
pub struct Checkpoints {
    /// `FILE.partial` (named in errors) and `FILE.resume.json`.
    partial: PathBuf,
    state: PathBuf,
    /// The least time between two checkpoints ([`EVERY`]).
    every: Duration,
    /// When the last checkpoint started; `None` before the first.
    last: Option<Instant>,
    /// The checkpoint being written, if any.
    running: Option<JoinHandle<Result<(), CliError>>>,
}

impl Checkpoints {
    /// Checkpoints of the export writing `partial`, saving its state at `state`, at least `every`
    /// apart.
    pub fn new(partial: &Path, state: &Path, every: Duration) -> Checkpoints {
        Checkpoints {
            partial: partial.to_owned(),
            state: state.to_owned(),
            every,
            last: None,
            running: None,
        }
    }

    /// Called after a page is written whole and flushed to `file`, with the `state` that covers
    /// it: starts a checkpoint in the background when none is running and `every` has passed
    /// since the last (the first page always gets one). Fails with the error of a checkpoint
    /// that failed.
    pub async fn after_page(&mut self, file: &File, state: &State) -> Result<(), CliError> {
        if self.running.as_ref().is_some_and(|running| !running.is_finished()) {
            return Ok(());
        }
        self.settle().await?;
        if self.last.is_some_and(|last| last.elapsed() < self.every) {
            return Ok(());
        }
        let file = file.try_clone().map_err(|e| CliError::file(&self.partial, e))?;
        let (partial, path, state) = (self.partial.clone(), self.state.clone(), state.clone());
        self.last = Some(Instant::now());
        self.running = Some(tokio::task::spawn_blocking(move || {
            file.sync_data().map_err(|e| CliError::file(&partial, e))?;
            state.save(&path)
        }));
        Ok(())
    }

    /// Waits for the checkpoint being written, if any: before the export saves or removes the
    /// state itself, which a late checkpoint must not overwrite.
    pub async fn settle(&mut self) -> Result<(), CliError> {
        let Some(running) = self.running.take() else { return Ok(()) };
        running
            .await
            .map_err(|e| CliError::Failed(format!("{}: checkpoint: {e}", self.state.display())))?
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[tokio::test]
    async fn a_checkpoint_saves_the_state_of_bytes_already_on_disk_and_then_waits_its_turn() {
        let dir = tempfile::tempdir().unwrap();
        let (partial, state_path) = (dir.path().join("u.partial"), dir.path().join("u.resume"));
        let mut file = crate::output::create_private(&partial).unwrap();
        file.write_all(b"{\"id\":\"user_1\"}\n").unwrap();
        file.flush().unwrap();
        let mut state = State::new("jsonl".into(), "all".into(), false, 2);
        (state.written, state.bytes) = (1, 16);

        let mut checkpoints = Checkpoints::new(&partial, &state_path, Duration::from_secs(3600));
        checkpoints.after_page(file.get_ref(), &state).await.unwrap();
        checkpoints.settle().await.unwrap();
        let saved = State::read(&state_path).unwrap();
        assert_eq!((saved.written, saved.bytes), (1, 16));

        // Another page within the hour: too soon for a second checkpoint.
        state.written = 2;
        checkpoints.after_page(file.get_ref(), &state).await.unwrap();
        checkpoints.settle().await.unwrap();
        assert_eq!(State::read(&state_path).unwrap().written, 1);
    }

    #[tokio::test]
    async fn a_checkpoint_that_cannot_save_fails_the_export() {
        let dir = tempfile::tempdir().unwrap();
        let partial = dir.path().join("u.partial");
        let file = crate::output::create_private(&partial).unwrap();
        let unwritable = dir.path().join("no such dir").join("u.resume");
        let mut checkpoints = Checkpoints::new(&partial, &unwritable, EVERY);
        let state = State::new("jsonl".into(), "all".into(), false, 0);
        checkpoints.after_page(file.get_ref(), &state).await.unwrap();
        let error = checkpoints.settle().await.unwrap_err();
        assert!(error.to_string().contains("no such dir"), "{error}");
    }
}
