//! What the import asks the instance: which keys already have a user (by `external_id`, 100 a
//! request), and creating one user without ever creating it twice.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use clerk_users::Client;
use clerk_users::types::CreateUserBody;
use serde::Deserialize;

/// The most values one list filter takes (Clerk: "Accepts up to 100").
pub const LOOKUP_BATCH: usize = 100;

/// What the import reads of a user: its id and external id (nothing else has to decode).
#[derive(Debug, Deserialize)]
struct Found {
    id: String,
    #[serde(default)]
    external_id: Option<String>,
}

/// The value to send in the `external_id` filter for `key`. Clerk reads a leading `+` as
/// "include" and `-` as "exclude"; a key that itself starts with one of them is sent with a `+`
/// in front, so it is included literally (`+-abc` includes `-abc`). Other keys go as they are.
pub fn filter_value(key: &str) -> String {
    if key.starts_with(['+', '-']) { format!("+{key}") } else { key.to_owned() }
}

/// The Clerk ids of the users whose `external_id` is one of `keys`, by key. Keys with a `+`/`-`
/// of their own are asked in requests of their own (so a server that reads the prefixes some
/// other way cannot turn a whole batch into an exclusion), and every answer is matched
/// literally against the keys asked: a user comes back only for its exact key.
pub async fn lookup(
    client: &Client,
    keys: &[String],
) -> Result<HashMap<String, String>, clerk_users::Error> {
    let (prefixed, plain): (Vec<&String>, Vec<&String>) =
        keys.iter().partition(|k| k.starts_with(['+', '-']));
    let mut found = HashMap::new();
    for group in [plain, prefixed] {
        for batch in group.chunks(LOOKUP_BATCH) {
            let asked: HashSet<&str> = batch.iter().map(|k| k.as_str()).collect();
            let values: Vec<String> = batch.iter().map(|k| filter_value(k)).collect();
            let users = client
                .get_user_list()
                .external_id(values)
                .limit(std::num::NonZeroU64::MIN.saturating_add(499))
                .send_as::<Vec<Found>>()
                .await?
                .into_inner();
            for user in users {
                if let Some(external_id) = user.external_id
                    && asked.contains(external_id.as_str())
                {
                    found.insert(external_id, user.id);
                }
            }
        }
    }
    Ok(found)
}

/// Why a record failed, as the log says it: no personal data (Clerk's codes, the status, the
/// trace id, and the client's one-line message, which names the request by method and path).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    /// HTTP status, if a response came.
    pub status: Option<u16>,
    /// Clerk's error codes.
    pub codes: Vec<String>,
    /// Clerk's trace id.
    pub trace_id: Option<String>,
    /// One line.
    pub message: String,
}

impl Failure {
    fn of(error: &clerk_users::Error) -> Failure {
        Failure {
            status: error.status().map(|s| s.as_u16()),
            codes: error.codes().into_iter().map(str::to_owned).collect(),
            trace_id: error.trace_id().map(str::to_owned),
            message: error.to_string(),
        }
    }
}

/// What became of one create.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateResult {
    /// Created; the new user's id.
    Created(String),
    /// Clerk said the key was taken, and the user with it was found: it was already there.
    Exists(String),
    /// A create ended without a clear answer and the user was found afterwards.
    Adopted(String),
    /// Not created (or not known to be: see the message); a later run checks again.
    Failed(Failure),
}

/// Whether a failed create may have created the user all the same: no whole response (timeout,
/// lost connection), a 5xx, or a success whose body did not decode.
fn ambiguous(error: &clerk_users::Error) -> bool {
    match error.status() {
        Some(status) => status.is_server_error(),
        None => {
            matches!(error, clerk_users::Error::Transport { .. } | clerk_users::Error::Decode(_))
        }
    }
}

/// Whether Clerk refused the create because an identifier (perhaps the external id) is taken.
fn identifier_taken(error: &clerk_users::Error) -> bool {
    error.codes().contains(&"form_identifier_exists")
}

/// How many times a create is sent for one record when each attempt ends without a clear
/// answer and the user is not found after it.
const CREATE_ATTEMPTS: u32 = 3;
/// How many times the look-up after an unclear create is tried before giving up (the record is
/// then `failed`, never created blindly; a later run looks again).
const LOOKUP_ATTEMPTS: u32 = 4;

/// Creates the user of `body` (whose `external_id` is `key`), never twice: a create that ends in
/// a timeout (`timeout`, waiting for a turn under the rate limit included), a lost connection or
/// a 5xx is not sent again as it is; the user is looked up by `external_id` first, and adopted
/// if it is there. A create refused because an identifier is taken is looked up the same way.
pub async fn create(
    client: &Client,
    key: &str,
    body: &CreateUserBody,
    timeout: Duration,
) -> CreateResult {
    let mut unclear = false;
    let mut last = Failure::default();
    for attempt in 1..=CREATE_ATTEMPTS {
        let sent = tokio::time::timeout(
            timeout,
            client.create_user().body(body.clone()).send_as::<Found>(),
        )
        .await;
        let taken = match sent {
            Ok(Ok(user)) => return CreateResult::Created(user.into_inner().id),
            Ok(Err(error)) if ambiguous(&error) => {
                unclear = true;
                last = Failure::of(&error);
                false
            }
            Ok(Err(error)) if identifier_taken(&error) => {
                last = Failure::of(&error);
                true
            }
            Ok(Err(error)) => return CreateResult::Failed(Failure::of(&error)),
            Err(_) => {
                unclear = true;
                last = Failure {
                    message: format!(
                        "POST /v1/users: no answer within {} s (the user may have been created; \
                         a later run looks it up)",
                        timeout.as_secs_f64()
                    ),
                    ..Failure::default()
                };
                false
            }
        };
        match find(client, key).await {
            Ok(Some(id)) if unclear => return CreateResult::Adopted(id),
            Ok(Some(id)) => return CreateResult::Exists(id),
            // Taken, but not by a user with this key: another identifier (an email) is taken.
            Ok(None) if taken => return CreateResult::Failed(last),
            Ok(None) => {
                // Not there: the create did not happen; send it again (a new create, with the
                // same check after it).
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
            }
            Err(error) => {
                let mut failure = Failure::of(&error);
                failure.message = format!(
                    "the create ended without a clear answer ({}) and the look-up after it \
                     failed: {}; a later run looks the user up again",
                    last.message, failure.message
                );
                return CreateResult::Failed(failure);
            }
        }
    }
    CreateResult::Failed(last)
}

/// The user with `key` as its `external_id`, looked up a few times (with waits) if the look-up
/// itself fails.
async fn find(client: &Client, key: &str) -> Result<Option<String>, clerk_users::Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match lookup(client, &[key.to_owned()]).await {
            Ok(mut found) => return Ok(found.remove(key)),
            Err(error) if attempt < LOOKUP_ATTEMPTS => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
            }
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_keys_are_asked_literally() {
        assert_eq!(filter_value("user_1"), "user_1");
        assert_eq!(filter_value("+1555"), "++1555");
        assert_eq!(filter_value("-legacy"), "+-legacy");
    }
}
