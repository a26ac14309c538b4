//! Writing a file safely: into a temporary file beside the target, readable by its owner only
//! (exports are personal data), flushed and synced, then renamed into place, so a reader never
//! sees half a file and an existing file is never overwritten unless asked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::CliError;

/// A file being written; [`SafeFile::commit`] puts it in place, dropping it leaves nothing.
#[derive(Debug)]
pub struct SafeFile {
    target: PathBuf,
    temp: BufWriter<NamedTempFile>,
}

impl SafeFile {
    /// Starts writing `target`. Refuses an existing `target` unless `force`.
    pub fn create(target: &Path, force: bool) -> Result<SafeFile, CliError> {
        if !force && target.exists() {
            return Err(CliError::Usage(format!(
                "{} exists; pass --force to replace it",
                target.display()
            )));
        }
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // tempfile creates the file readable and writable by its owner only (0600 on Unix),
        // and the rename keeps that.
        let temp = tempfile::Builder::new()
            .prefix(".clerk-users-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| CliError::file(target, e))?;
        Ok(SafeFile { target: target.to_owned(), temp: BufWriter::new(temp) })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<(), CliError> {
        let target = self.target;
        let temp = self.temp.into_inner().map_err(|e| CliError::file(&target, e.into_error()))?;
        temp.as_file().sync_all().map_err(|e| CliError::file(&target, e))?;
        temp.persist(&target).map_err(|e| CliError::file(&target, e.error))?;
        Ok(())
    }
}

impl Write for SafeFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

/// Opens `path` to append to it (a resumed export), creating it readable by its owner only.
pub fn append(path: &Path) -> Result<BufWriter<File>, CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(BufWriter::new).map_err(|e| CliError::file(path, e))
}

/// The JSON on one line: as it is when it has no line break (nearly always), else with the
/// whitespace between tokens removed (the JSON is valid, so no line break is inside a string;
/// keys, their order and numbers stay exactly as sent).
pub fn one_line(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_on_commit_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("users.jsonl");
        let mut file = SafeFile::create(&target, false).unwrap();
        file.write_all(b"{}\n").unwrap();
        assert!(!target.exists());
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Not replaced without --force; replaced with it.
        let error = SafeFile::create(&target, false).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().ends_with("users.jsonl exists; pass --force to replace it"));
        let mut file = SafeFile::create(&target, true).unwrap();
        file.write_all(b"[]\n").unwrap();
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "[]\n");
    }

    #[test]
    fn a_dropped_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("users.csv");
        let mut file = SafeFile::create(&target, false).unwrap();
        file.write_all(b"id\n").unwrap();
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
