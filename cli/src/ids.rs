//! User ids read from a file or stdin, for the bulk actions.
//!
//! The format is one id per line: surrounding whitespace is trimmed, blank lines are skipped, and
//! `#` starts a comment that runs to the end of the line (a whole line or after an id). A line with
//! two words is refused, so that a wrong file (a CSV export, a table from `list`) is not taken
//! for ids. Repeated ids are kept once, in the order they first appear.
//!
//! `clerk-users ban --dry-run ...` prints its ids in this format (with a `#` line on top), so its
//! output can be read back with `--ids -`.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use crate::error::CliError;

/// The name that stands for stdin, as a positional id or as `--ids -`.
pub const STDIN: &str = "-";

/// Reads the ids in `source`: a file path, or [`STDIN`].
pub fn read(source: &Path) -> Result<Vec<String>, CliError> {
    let (name, text) = if source.as_os_str() == STDIN {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::file(Path::new("stdin"), e))?;
        ("stdin".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(source).map_err(|e| CliError::file(source, e))?;
        (source.display().to_string(), text)
    };
    parse(&text).map_err(|line| {
        CliError::Usage(format!(
            "{name}: line {line} holds more than one word; give one user id per line \
             (`#` starts a comment)"
        ))
    })
}

/// The ids in `text`, one a line, without comments, blanks and repeats; `Err(n)` names the first
/// line (from 1) that holds more than one word.
pub fn parse(text: &str) -> Result<Vec<String>, usize> {
    let mut ids = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split_once('#').map_or(line, |(before, _)| before).trim();
        if line.is_empty() {
            continue;
        }
        if line.split_whitespace().nth(1).is_some() {
            return Err(index + 1);
        }
        ids.push(line.to_owned());
    }
    Ok(dedup(ids))
}

/// `ids` without repeats, in the order they first appear.
pub fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.into_iter().filter(|id| seen.insert(id.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_a_line_without_blanks_comments_whitespace_or_repeats() {
        let text = "# spammers, 2026-05-12\n\n  user_a  \nuser_b # reported twice\r\n\t\nuser_a\n#user_c\nuser_d";
        assert_eq!(parse(text), Ok(vec!["user_a".into(), "user_b".into(), "user_d".into()]));
        assert_eq!(parse(""), Ok(vec![]));
    }

    #[test]
    fn a_line_with_two_words_is_refused_with_its_number() {
        assert_eq!(parse("user_a\nuser_b x\n"), Err(2));
        assert_eq!(parse("\nuser_a\tuser_b"), Err(2));
    }
}
