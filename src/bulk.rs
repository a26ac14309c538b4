//! Banning and unbanning any number of users: [`Client::ban_users`] and
//! [`Client::unban_users`], on top of Clerk's bulk operations (`users_ban`, `users_unban`), which
//! take 1 to 50 ids a request.

use std::collections::HashSet;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use futures::{StreamExt, stream};

use crate::{Client, Error, types};

/// The most ids Clerk takes in one `users_ban` or `users_unban` request.
pub const MAX_IDS_PER_REQUEST: usize = 50;

/// Batches in flight at once unless [`BulkBan::concurrency`] says otherwise. The client's rate
/// limiter still paces every request.
const DEFAULT_CONCURRENCY: usize = 4;

impl Client {
    /// Bans every user in `user_ids`, however many: they are sent in batches of
    /// [`MAX_IDS_PER_REQUEST`] with `users_ban`, a few batches at once under the client's rate
    /// limit. Await the builder; it never fails as a whole: the [`BulkOutcome`] says which users
    /// were banned and which batches failed, with what.
    ///
    /// Repeated ids are sent once; no id at all sends nothing. A batch that meets a gateway error
    /// is retried like any idempotent request (see [`RetryPolicy`](crate::RetryPolicy)).
    ///
    /// ```no_run
    /// # async fn run(client: clerk_users::Client) {
    /// let ids = vec!["user_2abc".to_owned(), "user_2def".to_owned()];
    /// let outcome = client.ban_users(ids).await;
    /// for user in &outcome.succeeded {
    ///     println!("banned {}", user.id);
    /// }
    /// for id in outcome.failed_ids() {
    ///     eprintln!("not banned: {id}");
    /// }
    /// # }
    /// ```
    pub fn ban_users<I>(&self, user_ids: I) -> BulkBan<'_>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        BulkBan::new(self, Action::Ban, user_ids)
    }

    /// Lifts the ban of every user in `user_ids`, however many, as [`Client::ban_users`] bans
    /// them (batches of [`MAX_IDS_PER_REQUEST`] with `users_unban`).
    pub fn unban_users<I>(&self, user_ids: I) -> BulkBan<'_>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        BulkBan::new(self, Action::Unban, user_ids)
    }
}

/// Which bulk operation a [`BulkBan`] sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Ban,
    Unban,
}

/// A bulk ban or unban, from [`Client::ban_users`] or [`Client::unban_users`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a bulk ban does nothing until it is awaited"]
pub struct BulkBan<'a> {
    client: &'a Client,
    action: Action,
    user_ids: Vec<String>,
    concurrency: usize,
}

impl<'a> BulkBan<'a> {
    fn new<I>(client: &'a Client, action: Action, user_ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let mut seen = HashSet::new();
        let user_ids =
            user_ids.into_iter().map(Into::into).filter(|id| seen.insert(id.clone())).collect();
        Self { client, action, user_ids, concurrency: DEFAULT_CONCURRENCY }
    }

    /// Sends up to `batches` requests at once (default 4; `0` counts as 1). The client's rate
    /// limiter paces them whatever this says.
    pub fn concurrency(mut self, batches: usize) -> Self {
        self.concurrency = batches.max(1);
        self
    }

    /// Sends every batch and gathers what each answered.
    async fn run(self) -> BulkOutcome {
        let Self { client, action, user_ids, concurrency } = self;
        let batches: Vec<Vec<String>> =
            user_ids.chunks(MAX_IDS_PER_REQUEST).map(<[String]>::to_vec).collect();
        let answers: Vec<(Vec<String>, crate::Result<Vec<types::User>>)> = stream::iter(batches)
            .map(|batch| async move {
                let answer = send(client, action, batch.clone()).await;
                (batch, answer)
            })
            .buffered(concurrency)
            .collect()
            .await;
        let mut outcome = BulkOutcome::default();
        for (batch, answer) in answers {
            match answer {
                Ok(users) => outcome.add_answer(&batch, users),
                Err(error) => outcome.failed.push(FailedBatch { user_ids: batch, error }),
            }
        }
        outcome
    }
}

impl<'a> IntoFuture for BulkBan<'a> {
    type Output = BulkOutcome;
    type IntoFuture = Pin<Box<dyn Future<Output = BulkOutcome> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// One request of at most [`MAX_IDS_PER_REQUEST`] ids.
async fn send(
    client: &Client,
    action: Action,
    user_ids: Vec<String>,
) -> crate::Result<Vec<types::User>> {
    let answer = match action {
        Action::Ban => client.users_ban().body_map(|body| body.user_ids(user_ids)).send().await?,
        Action::Unban => {
            client.users_unban().body_map(|body| body.user_ids(user_ids)).send().await?
        }
    };
    Ok(answer.into_inner())
}

/// What a bulk ban or unban did, batch by batch.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct BulkOutcome {
    /// The users Clerk answered, as it answered them (banned, or no longer banned), batch by
    /// batch in the order of the ids given.
    pub succeeded: Vec<types::User>,
    /// Ids of batches Clerk accepted whose user it did not answer: Clerk does not document why,
    /// most likely no user has that id.
    pub not_answered: Vec<String>,
    /// The batches whose request failed, each with its ids and the error.
    pub failed: Vec<FailedBatch>,
}

/// A batch of a bulk ban or unban whose request failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct FailedBatch {
    /// The ids the request carried. After an error status Clerk changed none of them; after an
    /// answer that did not decode ([`Error::Decode`]), Clerk did the work and only its answer
    /// could not be read; after a lost connection nobody knows (sending them again is safe:
    /// banning is idempotent).
    pub user_ids: Vec<String>,
    /// Why the request failed (after the retries the client's policy allows).
    pub error: Error,
}

impl BulkOutcome {
    /// Whether every id was answered: nothing failed and nothing went unanswered.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.not_answered.is_empty()
    }

    /// The ids of the users Clerk answered.
    pub fn succeeded_ids(&self) -> impl Iterator<Item = &str> {
        self.succeeded.iter().map(|user| user.id.as_str())
    }

    /// The ids that were not changed: those of failed batches, then those not answered.
    pub fn failed_ids(&self) -> impl Iterator<Item = &str> {
        self.failed
            .iter()
            .flat_map(|batch| batch.user_ids.iter())
            .chain(&self.not_answered)
            .map(String::as_str)
    }

    /// Sorts one batch's answer: the users it asked for, in the order asked, and the ids it did
    /// not answer. A user it did not ask for is not counted.
    fn add_answer(&mut self, batch: &[String], users: Vec<types::User>) {
        let mut by_id: std::collections::HashMap<String, types::User> =
            users.into_iter().map(|user| (user.id.clone(), user)).collect();
        for id in batch {
            match by_id.remove(id) {
                Some(user) => self.succeeded.push(user),
                None => self.not_answered.push(id.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> types::User {
        serde_json::from_value(serde_json::json!({"id": id, "created_at": 1})).unwrap()
    }

    #[test]
    fn an_answer_is_sorted_into_asked_and_unanswered_in_the_order_asked() {
        let mut outcome = BulkOutcome::default();
        let batch = ["a", "b", "c"].map(String::from);
        outcome.add_answer(&batch, vec![user("c"), user("stranger"), user("a")]);
        assert_eq!(outcome.succeeded_ids().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(outcome.not_answered, ["b"]);
        assert_eq!(outcome.failed_ids().collect::<Vec<_>>(), ["b"]);
        assert!(!outcome.is_complete());
    }
}
