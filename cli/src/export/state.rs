//! The resume state of an interrupted export, saved beside the output as `FILE.resume.json`:
//! where the walk stood (the library's [`ResumeToken`]), what was written (users and bytes of
//! `FILE.partial`), and what the export was (format, filters, kind of walk), so `--resume`
//! continues the same export and nothing else.

use std::io::Write;
use std::path::{Path, PathBuf};

use clerk_users::ResumeToken;
use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// The version of the state file's shape.
const VERSION: u32 = 2;

/// Where an interrupted export stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// The shape of this file ([`VERSION`]).
    pub version: u32,
    /// The output format (`jsonl`, `csv`, `clerk-csv`).
    pub format: String,
    /// A fingerprint of the filters and `--max`, so a resume with others is refused (the values
    /// themselves, emails or names, stay out of the file).
    pub selection: String,
    /// Whether the walk was concurrent (its token resumes only a concurrent walk).
    pub concurrent: bool,
    /// Users written to the partial file.
    pub written: u64,
    /// Bytes of the partial file that hold them (anything after is cut on resume).
    pub bytes: u64,
    /// The count taken at the start of the export.
    pub total_at_start: u64,
    /// Where the walk continues; `None` when it stopped before yielding anything.
    pub token: Option<ResumeToken>,
}

/// The files of an export to `target`.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The output.
    pub target: PathBuf,
    /// What was written so far, while interrupted: `FILE.partial`.
    pub partial: PathBuf,
    /// The resume state: `FILE.resume.json`.
    pub state: PathBuf,
}

impl Paths {
    /// The files of an export to `target`.
    pub fn of(target: &Path) -> Paths {
        let with = |suffix: &str| {
            let mut name = target.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        Paths { target: target.to_owned(), partial: with(".partial"), state: with(".resume.json") }
    }
}

impl State {
    /// A state of this version.
    pub fn new(format: String, selection: String, concurrent: bool, total_at_start: u64) -> State {
        State {
            version: VERSION,
            format,
            selection,
            concurrent,
            written: 0,
            bytes: 0,
            total_at_start,
            token: None,
        }
    }

    /// Reads the state at `path`.
    pub fn read(path: &Path) -> Result<State, CliError> {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::file(path, e))?;
        let state: State = serde_json::from_str(&text).map_err(|e| {
            CliError::Failed(format!("{}: not a resume state of this version: {e}", path.display()))
        })?;
        if state.version != VERSION {
            return Err(CliError::Failed(format!(
                "{}: a resume state of version {}, this program reads version {VERSION}",
                path.display(),
                state.version
            )));
        }
        Ok(state)
    }

    /// Saves the state at `path`: written beside it, readable by its owner only, synced, then
    /// renamed into place.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let json = serde_json::to_vec(self)
            .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".clerk-users-")
            .suffix(".resume")
            .tempfile_in(dir)
            .map_err(|e| CliError::file(path, e))?;
        temp.write_all(&json).map_err(|e| CliError::file(path, e))?;
        temp.as_file().sync_all().map_err(|e| CliError::file(path, e))?;
        temp.persist(path).map_err(|e| CliError::file(path, e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_sit_beside_the_target() {
        let paths = Paths::of(Path::new("out/users.jsonl"));
        assert_eq!(paths.partial, Path::new("out/users.jsonl.partial"));
        assert_eq!(paths.state, Path::new("out/users.jsonl.resume.json"));
    }

    #[test]
    fn a_state_round_trips_and_another_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.jsonl.resume.json");
        let mut state = State::new("jsonl".into(), "filters".into(), true, 10);
        state.written = 4;
        state.save(&path).unwrap();
        let read = State::read(&path).unwrap();
        assert_eq!((read.written, read.total_at_start, read.concurrent), (4, 10, true));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        state.version = 99;
        state.save(&path).unwrap();
        assert!(State::read(&path).unwrap_err().to_string().contains("version 99"));
    }
}
