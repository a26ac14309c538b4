//! Files with personal data: created readable by their owner only, JSON written one record a
//! line, and fingerprints for what a file must recognize without holding.
//!
//! An export is written as `FILE.partial` and renamed into place when complete (see
//! [`crate::export`]); these are the pieces it and the import's logs share.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::error::CliError;

/// A fingerprint of `parts` (64 bits of a SHA-256, in hex), for files that must tell values
/// apart without holding them: a key, the filters of an export. `purpose` keeps fingerprints of
/// different things apart.
pub fn fingerprint(purpose: &str, parts: &[&str]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(purpose.as_bytes());
    for part in parts {
        // A separator no part holds: ("ab", "c") and ("a", "bc") differ.
        hasher.update(b"\0");
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect()
}

/// Creates `path` afresh, readable and writable by its owner only (0600 on Unix). A file already
/// at `path` is removed first: truncating it would keep its mode, which may let others read.
pub fn create_private(path: &Path) -> Result<BufWriter<File>, CliError> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(CliError::file(path, e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(BufWriter::new).map_err(|e| CliError::file(path, e))
}

/// Opens `path` to append to it (a resumed export, a continued import's log), creating it
/// readable by its owner only.
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
    std::borrow::Cow::Owned(compact(json))
}

/// Valid JSON without the whitespace between its tokens; keys, their order and numbers stay
/// exactly as sent.
pub fn compact(json: &str) -> String {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn fingerprints_tell_parts_and_purposes_apart() {
        let one = fingerprint("key", &["https://api.clerk.com/v1", "sk_live_a"]);
        assert_eq!(one.len(), 16);
        assert_eq!(one, fingerprint("key", &["https://api.clerk.com/v1", "sk_live_a"]));
        assert_ne!(one, fingerprint("key", &["https://api.clerk.com/v", "1sk_live_a"]));
        assert_ne!(one, fingerprint("selection", &["https://api.clerk.com/v1", "sk_live_a"]));
    }

    #[test]
    fn a_private_file_replaces_an_open_one_and_only_its_owner_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.jsonl.partial");
        std::fs::write(&path, "old, readable by all").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let mut file = create_private(&path).unwrap();
        file.write_all(b"{}\n").unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n");
        let mut file = append(&path).unwrap();
        file.write_all(b"[]\n").unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n[]\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
