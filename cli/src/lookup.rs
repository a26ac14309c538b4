//! `count`, `get` and `list`: reading users, data on stdout.
//!
//! - `count [filters]` prints the number of matching users.
//! - `get <ID> [--pretty]` prints the user as Clerk sent it: every field, known to this crate or
//!   not, on one line (or indented with `--pretty`).
//! - `list [filters] [--json] [--max N]` prints a table (id, primary email, name, creation time
//!   in UTC, banned/locked), or with `--json` each user as Clerk sent it, one JSON object a line.
//!
//! A user that does not exist is an error (exit 1) whose one line on stderr has the request,
//! the status, Clerk's code (`resource_not_found`) and its trace id. A closed stdout (`| head`)
//! ends a command quietly.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use clerk_users::pagination::RawUser;
use clerk_users::prelude::*;
use futures::StreamExt;
use serde_json::Value;

use crate::connect::{Connection, Global};
use crate::error::CliError;
use crate::filters::UserFilters;
use crate::output::one_line;

/// The end of `--help` of `count`, `get` and `list`: the exit codes.
const AFTER_HELP: &str = "Exit codes: 0 done; 1 failed (no such user, or a request failed: the \
                          error line has Clerk's code and trace id); 2 usage (bad arguments, no \
                          key); 130 interrupted (Ctrl-C)";

/// Options of `count`.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct CountArgs {
    #[command(flatten)]
    filters: UserFilters,
}

/// Options of `get`.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct GetArgs {
    /// The user's id (`user_...`).
    #[arg(value_name = "ID")]
    id: String,
    /// Indent the JSON instead of printing it on one line.
    #[arg(long)]
    pretty: bool,
}

/// Options of `list`.
#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ListArgs {
    #[command(flatten)]
    filters: UserFilters,
    /// Print each user as Clerk sent it, one JSON object a line, instead of a table.
    #[arg(long)]
    json: bool,
    /// Stop after this many users.
    #[arg(long, value_name = "N")]
    max: Option<u64>,
}

/// Runs `count`: prints the number of matching users.
pub async fn count(
    args: CountArgs,
    connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    let count = args.filters.count(&connection.client).send().await?;
    let mut out = std::io::stdout();
    stdout_result(writeln!(out, "{}", count.total_count).and_then(|()| out.flush()))
}

/// Runs `get`: prints the user as Clerk sent it.
pub async fn get(args: GetArgs, connection: &Connection, _global: &Global) -> Result<(), CliError> {
    let user = connection.client.get_user().user_id(args.id.as_str()).send_as::<RawUser>().await?;
    let user = user.into_inner();
    let text = if args.pretty {
        let value = user.to_value().map_err(|e| {
            CliError::Failed(format!("user {} could not be indented: {e}", user.id()))
        })?;
        Cow::Owned(serde_json::to_string_pretty(&value).map_err(|e| {
            CliError::Failed(format!("user {} could not be indented: {e}", user.id()))
        })?)
    } else {
        one_line(user.json())
    };
    let mut out = std::io::stdout();
    stdout_result(writeln!(out, "{text}").and_then(|()| out.flush()))
}

/// Runs `list`: a table of the matching users, or their JSON, one a line.
pub async fn list(
    args: ListArgs,
    connection: &Connection,
    _global: &Global,
) -> Result<(), CliError> {
    if args.max == Some(0) {
        return Ok(());
    }
    let mut walk = args.filters.list(&connection.client).paginate().raw();
    if let Some(max) = args.max {
        walk = walk.max_items(max).page_size(max.min(500));
    }
    let mut users = walk.items();
    let mut out = BufWriter::new(std::io::stdout());
    let mut table = Table::default();
    let mut unreadable = 0usize;
    while let Some(item) = users.next().await {
        match item {
            Ok(user) if args.json => {
                if let Err(error) = writeln!(out, "{}", one_line(user.json())) {
                    return stdout_result(Err(error));
                }
            }
            Ok(user) => table.push(&user),
            Err(error) if error.is_item_level() => {
                unreadable += 1;
                eprintln!("error: {error}");
            }
            Err(error) => {
                // What was listed stays listed; then the walk's one-line error.
                stdout_result(table.write(&mut out).and_then(|()| out.flush()))?;
                return Err(error.into());
            }
        }
    }
    stdout_result(table.write(&mut out).and_then(|()| out.flush()))?;
    if unreadable > 0 {
        return Err(CliError::Failed(format!(
            "{unreadable} users could not be read (each is named above)"
        )));
    }
    Ok(())
}

/// A write to stdout's result: a closed pipe (`| head`) is not an error, anything else is.
pub(crate) fn stdout_result(result: std::io::Result<()>) -> Result<(), CliError> {
    match result {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| CliError::file(std::path::Path::new("stdout"), e)),
    }
}

/// The rows of `list`'s table, aligned when written.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<[String; 5]>,
}

impl Table {
    /// The column titles.
    const HEADER: [&'static str; 5] = ["ID", "EMAIL", "NAME", "CREATED", "STATUS"];

    /// Adds a row for `user`: a field that is missing or not of its type shows as `-`.
    fn push(&mut self, user: &RawUser) {
        let value = user.to_value().unwrap_or(Value::Null);
        let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default();
        let email = value
            .get("email_addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|address| {
                address.get("id").and_then(Value::as_str) == Some(text("primary_email_address_id"))
            })
            .and_then(|address| address.get("email_address"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name = format!("{} {}", text("first_name"), text("last_name"));
        let flag = |key: &str| value.get(key).and_then(Value::as_bool) == Some(true);
        let status = match (flag("banned"), flag("locked")) {
            (true, true) => "banned,locked",
            (true, false) => "banned",
            (false, true) => "locked",
            (false, false) => "",
        };
        self.rows.push([
            cell(user.id()),
            cell(email),
            cell(name.trim()),
            rfc3339_utc(user.created_at()),
            cell(status),
        ]);
    }

    /// Writes the header and the rows, columns aligned, and forgets the rows.
    fn write(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut widths = Self::HEADER.map(|title| title.chars().count());
        for row in &self.rows {
            for (width, text) in widths.iter_mut().zip(row) {
                *width = (*width).max(text.chars().count());
            }
        }
        let header = Self::HEADER.map(str::to_owned);
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (index, (text, width)) in row.iter().zip(widths).enumerate() {
                if index + 1 == row.len() {
                    line.push_str(text);
                } else {
                    let pad = width - text.chars().count();
                    line.push_str(text);
                    line.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        self.rows.clear();
        Ok(())
    }
}

/// A table cell: `-` for nothing, control characters (a name is user-controlled: it could hold
/// a terminal escape or a line break) escaped as `\u{..}`.
fn cell(text: &str) -> String {
    if text.is_empty() {
        return "-".to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Unix milliseconds as an RFC 3339 UTC time to the second: `2026-05-12T09:30:00Z`.
fn rfc3339_utc(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) =
        (second_of_day / 3600, second_of_day % 3600 / 60, second_of_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_on_several_lines_comes_out_on_one_with_strings_untouched() {
        let sent = "{\"id\": \"user_a\",\r\n  \"first_name\": \"Ada \\\" \\\\ \\n x\",\n  \"tags\": [1, 2]\n}";
        assert_eq!(
            one_line(sent),
            "{\"id\":\"user_a\",\"first_name\":\"Ada \\\" \\\\ \\n x\",\"tags\":[1,2]}"
        );
        let single = "{\"id\": \"user_a\", \"n\": 1}";
        assert!(matches!(one_line(single), Cow::Borrowed(s) if s == single));
    }

    #[test]
    fn times_are_utc_dates_to_the_second() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_715_506_200_999), "2024-05-12T09:30:00Z");
        assert_eq!(rfc3339_utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn cells_escape_control_characters_and_show_nothing_as_a_dash() {
        assert_eq!(cell(""), "-");
        assert_eq!(cell("Ada\u{1b}[31m\nX"), "Ada\\u{1b}[31m\\u{a}X");
    }

    #[test]
    fn the_table_aligns_its_columns() {
        let mut table = Table::default();
        table.rows.push(["user_a".into(), "a@x.io".into(), "Ada L".into(), "T".into(), "-".into()]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ID      EMAIL   NAME   CREATED  STATUS\nuser_a  a@x.io  Ada L  T        -\n"
        );
    }
}
