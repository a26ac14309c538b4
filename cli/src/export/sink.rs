//! Where exported users go, one record at a time: JSON lines (Clerk's bytes, one user per line)
//! or a CSV profile, into the partial file (new or resumed) or stdout; counting the bytes
//! so a resume can cut what was written after the last saved state.

use std::fs::File;
use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::csv_profiles::Profile;
use crate::error::CliError;
use crate::output::{compact, one_line};

/// The bytes' destination.
#[derive(Debug)]
pub enum Sink {
    /// `FILE.partial`: new, or being resumed.
    File(BufWriter<File>),
    /// Standard output.
    Stdout(BufWriter<Stdout>),
}

impl Sink {
    /// The file under the buffer (for a checkpoint's sync), `None` for stdout.
    pub fn file(&self) -> Option<&File> {
        match self {
            Sink::File(file) => Some(file.get_ref()),
            Sink::Stdout(_) => None,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(file) => file.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(file) => file.flush(),
            Sink::Stdout(out) => out.flush(),
        }
    }
}

/// A writer that counts the bytes through it.
#[derive(Debug)]
struct Counting {
    inner: Sink,
    bytes: u64,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The record format.
#[derive(Debug)]
enum Records {
    /// One user's JSON a line.
    Jsonl(Counting),
    /// CSV rows of a profile.
    Csv(Box<csv::Writer<Counting>>, Profile),
}

/// Users written one at a time in a format; see the [module docs](self).
#[derive(Debug)]
pub struct Output {
    records: Records,
    /// Named in errors: the file, or `stdout`.
    name: PathBuf,
    /// CSV rows of users whose JSON a tree could not hold whole (see [`tree`]).
    pub approximated: u64,
}

impl Output {
    /// Writes `profile` CSV (with its header when `header`), or JSON lines (`None`), into
    /// `sink`, whose `bytes` are already written.
    pub fn new(
        sink: Sink,
        name: &Path,
        profile: Option<Profile>,
        header: bool,
        bytes: u64,
    ) -> Result<Output, CliError> {
        let counting = Counting { inner: sink, bytes };
        let records = match profile {
            None => Records::Jsonl(counting),
            Some(profile) => {
                let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(counting);
                if header {
                    csv.write_record(profile.header()).map_err(|e| csv_error(name, e))?;
                }
                Records::Csv(Box::new(csv), profile)
            }
        };
        Ok(Output { records, name: name.to_owned(), approximated: 0 })
    }

    /// Writes one user, from its JSON as Clerk sent it (`id` names it if the JSON cannot be read
    /// as a tree for a CSV row).
    pub fn write(&mut self, json: &str, id: Option<&str>) -> Result<(), CliError> {
        match &mut self.records {
            Records::Jsonl(out) => {
                let line = one_line(json);
                out.write_all(line.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(|e| CliError::file(&self.name, e))
            }
            Records::Csv(csv, profile) => {
                let (user, whole) = tree(json, id);
                self.approximated += u64::from(!whole);
                csv.write_record(profile.row(&user)).map_err(|e| csv_error(&self.name, e))
            }
        }
    }

    /// Flushes what was written; returns the bytes written in all.
    pub fn flush(&mut self) -> Result<u64, CliError> {
        let flushed = match &mut self.records {
            Records::Jsonl(out) => out.flush().map(|()| out.bytes),
            Records::Csv(csv, _) => csv.flush().map(|()| csv.get_ref().bytes),
        };
        flushed.map_err(|e| CliError::file(&self.name, e))
    }

    /// The file being written (for a checkpoint's sync), `None` for stdout.
    pub fn file(&self) -> Option<&File> {
        match &self.records {
            Records::Jsonl(out) => out.inner.file(),
            Records::Csv(csv, _) => csv.get_ref().inner.file(),
        }
    }

    /// Flushes and gives back the sink, with the bytes written in all.
    pub fn into_sink(self) -> Result<(Sink, u64), CliError> {
        let counting = match self.records {
            Records::Jsonl(mut out) => {
                out.flush().map_err(|e| CliError::file(&self.name, e))?;
                out
            }
            Records::Csv(csv, _) => {
                csv.into_inner().map_err(|e| CliError::file(&self.name, e.into_error()))?
            }
        };
        Ok((counting.inner, counting.bytes))
    }
}

/// A user's JSON as a tree for a CSV row, and whether the tree holds all of it.
///
/// A tree is stricter than JSON text: a number beyond 64-bit floating point (`1e400`) or nesting
/// deeper than 128 levels does not parse. Then each top-level field is read on its own, and a
/// field that does not parse is kept as its JSON text, which is exactly what a JSON cell (the
/// metadata columns) holds anyway; a list column reading such a field comes out empty. A user
/// whose top level cannot be read at all keeps its `id` cell. The row is written either way:
/// rather a row that says less than no row.
fn tree(json: &str, id: Option<&str>) -> (Value, bool) {
    if let Ok(user) = serde_json::from_str::<Value>(json) {
        return (user, true);
    }
    // The order of the fields does not matter to a row, which reads them by name.
    type Fields = std::collections::HashMap<String, Box<serde_json::value::RawValue>>;
    let Ok(fields) = serde_json::from_str::<Fields>(json) else {
        return (serde_json::json!({ "id": id.unwrap_or_default() }), false);
    };
    let user = fields
        .into_iter()
        .map(|(name, raw)| {
            let value = serde_json::from_str(raw.get())
                .unwrap_or_else(|_| Value::String(compact(raw.get())));
            (name, value)
        })
        .collect();
    (Value::Object(user), false)
}

/// A CSV error as a file error.
fn csv_error(name: &Path, error: csv::Error) -> CliError {
    CliError::file(name, std::io::Error::other(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_json_stays_byte_for_byte() {
        let json = r#"{"id": "user_1",  "b":[1, 2]}"#;
        assert!(matches!(one_line(json), std::borrow::Cow::Borrowed(j) if j == json));
    }

    #[test]
    fn a_user_beyond_a_tree_keeps_its_fields_and_its_metadata_as_sent() {
        let json = r#"{"id":"user_1","first_name":"Ada","public_metadata":{"big": 1e400},
            "email_addresses":[{"email_address":"ada@example.com"}]}"#;
        let (user, whole) = tree(json, Some("user_1"));
        assert!(!whole);
        assert_eq!(user["first_name"], "Ada");
        assert_eq!(user["public_metadata"], r#"{"big":1e400}"#);
        assert_eq!(user["email_addresses"][0]["email_address"], "ada@example.com");
        let row = Profile::Ours.row(&user);
        assert!(row.contains(&r#"{"big":1e400}"#.to_owned()), "{row:?}");
        assert!(row.contains(&"Ada".to_owned()), "{row:?}");

        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let (user, whole) = tree(&deep, Some("user_2"));
        assert!(!whole);
        assert_eq!(user, serde_json::json!({"id": "user_2"}));
        assert_eq!(tree(r#"{"id":"user_3"}"#, None), (serde_json::json!({"id": "user_3"}), true));
    }

    #[test]
    fn pretty_json_is_compacted_losslessly() {
        let json = "{\n  \"id\": \"user_1\",\r\n  \"z\": \"a \\\" b\\n\\\\\",\n  \"a\": [1e400, \
                    -0.10],\n  \"s\": \" x { \"\n}";
        let line = one_line(json);
        assert_eq!(line, r#"{"id":"user_1","z":"a \" b\n\\","a":[1e400,-0.10],"s":" x { "}"#);
        assert!(!line.contains('\n'));
    }
}
