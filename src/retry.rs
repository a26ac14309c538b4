//! When a failed request is sent again, and after how long.
//!
//! **A request is repeated only when repeating it is safe.** Clerk answers 429 when an instance
//! or a user is over its rate limit; the request was not processed, so every operation is retried,
//! after what `Retry-After` says. Gateway errors (502, 503, 504), timeouts and connections that
//! fail before a whole response arrived may come after Clerk did the work, so they are retried
//! only for operations whose effect is the same when repeated: reads (`GET`), deletions
//! (`DELETE`), replacements (`PUT`: `replace_user_metadata`), and the POSTs that set a state:
//! `ban_user`, `unban_user`, `users_ban`, `users_unban`, `lock_user`, `unlock_user`,
//! `remove_user_password`, `set_user_password_compromised` and
//! `unset_user_password_compromised`. The README's operations table lists the decision for each. `create_user`, `update_user`, `update_user_metadata`
//! (a deep merge), `verify_password`, `verify_totp`, `adjust_user_billing_credit_balance` and
//! the profile-image upload are never retried on them (the upload is not retried at all: its
//! body is not replayable).
//!
//! `adjust_user_billing_credit_balance` carries an `idempotency_key`, and Clerk answers a
//! repeated key with the original ledger entry, but it does not say for how long it remembers a
//! key, so the client does not bet a double credit on it: resend it yourself, with the same key,
//! when you know it is safe.
//!
//! Waits grow exponentially from [`RetryPolicy::base_delay`] with jitter, capped at
//! [`RetryPolicy::max_delay`]; a `Retry-After` is honoured, with a floor of half the base delay
//! and up to half the base delay of jitter on top (a `Retry-After: 0` must not turn into a burst
//! of back-to-back retries, nor a shared wait into retries in lockstep). A request is sent at most
//! [`RetryPolicy::max_attempts`] times and waits at most [`RetryPolicy::max_total_wait`] in all;
//! then the last error is returned, with its status, `ClerkErrors` and `Retry-After`.
//!
//! A lost response can hide a success: a `DELETE` retried after its response was lost may answer
//! 404, because the first attempt did delete. That 404 is returned as is.
//!
//! reqwest's own `retry` module was the first choice, but in reqwest 0.13 it has no backoff and
//! does not read `Retry-After` (its classifier decides only "again or not", immediately), so the
//! loop lives in the request hook (`src/hooks.rs`), and this module is its pure policy.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// When to send a failed request again; set with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy). See the
/// [module docs](self) for what is retried.
///
/// ```
/// use std::time::Duration;
/// use clerk_users::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(10).max_total_wait(Duration::from_secs(300));
/// let client = clerk_users::Client::builder("sk_test_123").retry_policy(patient).build()?;
/// # Ok::<(), clerk_users::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_total_wait: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waits from 500 ms doubling up to 8 s, at most 60 s of waiting in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(60),
        }
    }
}

/// What became of one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response with this status.
    Status(StatusCode),
    /// No (whole) response: the connection failed or timed out.
    NoResponse,
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent once.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Sets how many times a request may be sent in all, the first included (at least 1).
    ///
    /// Default is 5.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff wait; each next one doubles, with jitter.
    ///
    /// Default is 500 ms.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Caps each backoff wait (not a `Retry-After` wait, which is honoured as given).
    ///
    /// Default is 8 s.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Caps the time spent waiting between attempts of one request; a wait that would go beyond
    /// it is not made, and the last error is returned instead.
    ///
    /// Default is 60 s.
    pub fn max_total_wait(mut self, wait: Duration) -> Self {
        self.max_total_wait = wait;
        self
    }

    /// How long to wait before sending again after `attempts` attempts ended in `outcome`, or
    /// `None` to stop. `idempotent` says whether the operation may be repeated after a failure
    /// that may have come after Clerk did the work; `waited` is the time already waited; `jitter`
    /// is a number in `[0, 1)`.
    pub(crate) fn next_delay(
        &self,
        attempts: u32,
        outcome: Outcome,
        retry_after: Option<Duration>,
        idempotent: bool,
        waited: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let delay = match outcome {
            Outcome::Status(StatusCode::TOO_MANY_REQUESTS) => match retry_after {
                Some(retry_after) => self.after_retry_after(retry_after, jitter),
                None => self.backoff(attempts, jitter),
            },
            Outcome::Status(
                StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT,
            )
            | Outcome::NoResponse
                if idempotent =>
            {
                self.backoff(attempts, jitter)
            }
            _ => return None,
        };
        // `checked_add`: a `Retry-After` of u64::MAX seconds must not overflow.
        waited.checked_add(delay).is_some_and(|total| total <= self.max_total_wait).then_some(delay)
    }

    /// A `Retry-After` wait: at least half the base delay, so `Retry-After: 0` (or a date
    /// already past) cannot make retries fire back to back, plus up to half the base delay of
    /// jitter, so the windows of a concurrent walk told the same wait do not come back in
    /// lockstep.
    fn after_retry_after(&self, retry_after: Duration, jitter: f64) -> Duration {
        let spread = self.base_delay.mul_f64(jitter.clamp(0.0, 1.0) / 2.0);
        retry_after.max(self.base_delay / 2).saturating_add(spread)
    }

    /// Exponential backoff with "equal jitter": half the step is fixed, half random, so waits
    /// spread out but never collapse to zero.
    fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let step = self.base_delay.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)));
        let step = step.min(self.max_delay);
        step / 2 + step.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// The POST operations whose effect is the same when repeated: each sets a state (banned,
/// locked, no password, password flagged) rather than adding or changing by an amount.
pub(crate) const IDEMPOTENT_POSTS: &[&str] = &[
    "ban_user",
    "unban_user",
    "users_ban",
    "users_unban",
    "lock_user",
    "unlock_user",
    "remove_user_password",
    "set_user_password_compromised",
    "unset_user_password_compromised",
];

/// Whether an operation's effect is the same when it is repeated: reads, deletions, replacements
/// and [`IDEMPOTENT_POSTS`]. Decided by operation, not only by method (progenitor's snake-case
/// name of the `operationId`, as the hooks see it).
pub(crate) fn is_idempotent(operation: &str, method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::DELETE | Method::PUT | Method::OPTIONS)
        && operation != "set_user_profile_image"
        || IDEMPOTENT_POSTS.contains(&operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn retries_429_for_every_operation_after_retry_after() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        for idempotent in [true, false] {
            assert_eq!(
                policy().next_delay(1, outcome, Some(3 * SECOND), idempotent, Duration::ZERO, 0.0),
                Some(3 * SECOND)
            );
        }
        // Up to half the base delay (500 ms) of jitter on top, so waits told alike spread out.
        assert_eq!(
            policy().next_delay(1, outcome, Some(3 * SECOND), true, Duration::ZERO, 1.0),
            Some(Duration::from_millis(3250))
        );
    }

    #[test]
    fn retry_after_zero_still_waits_with_a_floor_and_jitter() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        // `Retry-After: 0`, or a date already past (parsed as zero): never back to back.
        for (jitter, wait) in [(0.0, 250), (0.5, 375), (1.0, 500)] {
            assert_eq!(
                policy().next_delay(1, outcome, Some(Duration::ZERO), true, Duration::ZERO, jitter),
                Some(Duration::from_millis(wait)),
                "{jitter}"
            );
        }
        // The floor counts against max_total_wait, and attempts stay bounded by count.
        assert_eq!(policy().next_delay(5, outcome, Some(Duration::ZERO), true, SECOND, 0.0), None);
    }

    #[test]
    fn backs_off_on_429_without_retry_after() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        // 500 ms step, half fixed, half jitter.
        assert_eq!(
            policy().next_delay(1, outcome, None, false, Duration::ZERO, 0.0),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            policy().next_delay(1, outcome, None, false, Duration::ZERO, 1.0),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            policy().next_delay(3, outcome, None, false, Duration::ZERO, 1.0),
            Some(2 * SECOND)
        );
        // Capped at max_delay.
        assert_eq!(
            policy().next_delay(4, outcome, None, false, Duration::ZERO, 1.0),
            Some(4 * SECOND)
        );
        let capped = policy().max_delay(SECOND).max_attempts(20);
        assert_eq!(capped.next_delay(10, outcome, None, false, Duration::ZERO, 1.0), Some(SECOND));
    }

    #[test]
    fn retries_gateway_errors_and_lost_responses_only_when_idempotent() {
        for outcome in [
            Outcome::Status(StatusCode::BAD_GATEWAY),
            Outcome::Status(StatusCode::SERVICE_UNAVAILABLE),
            Outcome::Status(StatusCode::GATEWAY_TIMEOUT),
            Outcome::NoResponse,
        ] {
            assert!(
                policy().next_delay(1, outcome, None, true, Duration::ZERO, 0.5).is_some(),
                "{outcome:?}"
            );
            assert_eq!(
                policy().next_delay(1, outcome, None, false, Duration::ZERO, 0.5),
                None,
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn does_not_retry_other_statuses() {
        for status in [400, 401, 404, 409, 422, 500, 501] {
            let outcome = Outcome::Status(StatusCode::from_u16(status).unwrap());
            assert_eq!(
                policy().next_delay(1, outcome, Some(SECOND), true, Duration::ZERO, 0.5),
                None,
                "{status}"
            );
        }
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(policy().next_delay(4, outcome, Some(SECOND), true, Duration::ZERO, 0.5).is_some());
        assert_eq!(policy().next_delay(5, outcome, Some(SECOND), true, Duration::ZERO, 0.5), None);
        assert_eq!(
            RetryPolicy::none().next_delay(1, outcome, Some(SECOND), true, Duration::ZERO, 0.5),
            None
        );
    }

    #[test]
    fn gives_up_rather_than_wait_past_max_total_wait() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            policy().next_delay(1, outcome, Some(61 * SECOND), true, Duration::ZERO, 0.5),
            None
        );
        assert_eq!(
            policy().next_delay(2, outcome, Some(11 * SECOND), true, 50 * SECOND, 0.5),
            None
        );
        assert_eq!(
            policy().next_delay(2, outcome, Some(10 * SECOND), true, 50 * SECOND, 0.0),
            Some(10 * SECOND)
        );
    }

    #[test]
    fn a_huge_retry_after_does_not_overflow() {
        let outcome = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        let huge = Some(Duration::from_secs(u64::MAX));
        assert_eq!(policy().next_delay(2, outcome, huge, true, SECOND, 0.5), None);
    }

    #[test]
    fn idempotence_is_by_operation() {
        use Method as M;
        // Every operation of the spec, with the decision: a new operation fails this test until
        // someone says whether repeating it is safe.
        let decisions = [
            ("get_user_list", M::GET, true),
            ("get_users_count", M::GET, true),
            ("get_user", M::GET, true),
            ("create_user", M::POST, false),
            ("update_user", M::PATCH, false),
            ("delete_user", M::DELETE, true),
            ("ban_user", M::POST, true),
            ("unban_user", M::POST, true),
            ("users_ban", M::POST, true),
            ("users_unban", M::POST, true),
            ("lock_user", M::POST, true),
            ("unlock_user", M::POST, true),
            ("set_user_profile_image", M::POST, false),
            ("delete_user_profile_image", M::DELETE, true),
            ("update_user_metadata", M::PATCH, false),
            ("replace_user_metadata", M::PUT, true),
            ("get_user_billing_subscription", M::GET, true),
            ("get_user_billing_credit_balance", M::GET, true),
            ("adjust_user_billing_credit_balance", M::POST, false),
            ("get_o_auth_access_token", M::GET, true),
            ("users_get_organization_memberships", M::GET, true),
            ("users_get_organization_invitations", M::GET, true),
            ("verify_password", M::POST, false),
            ("verify_totp", M::POST, false),
            ("disable_mfa", M::DELETE, true),
            ("remove_user_password", M::POST, true),
            ("delete_backup_code", M::DELETE, true),
            ("user_passkey_delete", M::DELETE, true),
            ("list_user_trusted_devices", M::GET, true),
            ("revoke_user_trusted_device", M::DELETE, true),
            ("user_web3_wallet_delete", M::DELETE, true),
            ("delete_totp", M::DELETE, true),
            ("delete_external_account", M::DELETE, true),
            ("set_user_password_compromised", M::POST, true),
            ("unset_user_password_compromised", M::POST, true),
        ];
        for (operation, method, idempotent) in &decisions {
            assert_eq!(is_idempotent(operation, method), *idempotent, "{operation}");
        }
        let decided: std::collections::BTreeSet<&str> =
            decisions.iter().map(|(operation, _, _)| *operation).collect();
        let in_spec: std::collections::BTreeSet<&str> =
            crate::generated::OPERATION_PATHS.iter().map(|(operation, _)| *operation).collect();
        assert_eq!(decided, in_spec, "every operation needs a retry decision here");
    }

    #[test]
    fn the_readme_operations_table_says_what_the_client_does() {
        let readme = include_str!("../README.md");
        let rows: Vec<Vec<&str>> = readme
            .lines()
            .skip_while(|line| !line.starts_with("| operation | builder method |"))
            .skip(2)
            .take_while(|line| line.starts_with("| `"))
            .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
            .collect();
        let mut listed = Vec::new();
        for row in &rows {
            let [_, name, request, _, retried, _] = row[..] else {
                panic!("a row of six cells: {row:?}");
            };
            let name = name.trim_matches('`');
            let (method, path) = request.trim_matches('`').split_once(' ').unwrap();
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(crate::path::template(name), Some(path), "{name}");
            let expected = if is_idempotent(name, &method) { "yes" } else { "no" };
            assert_eq!(retried, expected, "{name}");
            listed.push(name);
        }
        listed.sort_unstable();
        let mut in_spec: Vec<&str> =
            crate::generated::OPERATION_PATHS.iter().map(|(operation, _)| *operation).collect();
        in_spec.sort_unstable();
        assert_eq!(listed, in_spec);
    }
}

/// Fuzzing the retry policy with what a `Retry-After` can say; see `tests/fuzz.rs` for longer
/// runs (`PROPTEST_CASES=100000 cargo test -p clerk-users --lib --release fuzz`).
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn duration() -> impl Strategy<Value = Duration> {
        prop_oneof![
            (0u64..120_000).prop_map(Duration::from_millis),
            (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            (u64::MAX - 1000..=u64::MAX).prop_map(Duration::from_secs),
            Just(Duration::ZERO),
            Just(Duration::MAX),
        ]
    }

    proptest! {
        /// Whatever `Retry-After` said (any duration, up to `Duration::MAX`) and however the
        /// policy is set, the wait is computed without panicking, stays within
        /// `max_total_wait`, and is never shorter than what a 429's `Retry-After` asked.
        #[test]
        fn any_retry_after_gives_a_bounded_wait(
            retry_after in prop::option::of(duration()),
            status in prop_oneof![
                3 => Just(429u16),
                1 => prop::sample::select(vec![500u16, 502, 503, 504, 404]),
            ],
            no_response in prop::bool::weighted(0.2),
            (attempts, max_attempts) in (0u32..4, 0u32..12),
            idempotent in any::<bool>(),
            (base, max, total, waited) in (duration(), duration(), duration(), duration()),
            jitter in prop_oneof![0.0..1.0, Just(0.0), Just(1.0)],
        ) {
            let policy = RetryPolicy::default()
                .max_attempts(max_attempts)
                .base_delay(base)
                .max_delay(max)
                .max_total_wait(total);
            let outcome = match no_response {
                true => Outcome::NoResponse,
                false => Outcome::Status(StatusCode::from_u16(status).unwrap()),
            };
            let Some(delay) =
                policy.next_delay(attempts, outcome, retry_after, idempotent, waited, jitter)
            else {
                return Ok(());
            };
            prop_assert!(waited.checked_add(delay).is_some_and(|all| all <= total));
            if let (Outcome::Status(StatusCode::TOO_MANY_REQUESTS), Some(asked)) =
                (outcome, retry_after)
            {
                prop_assert!(delay >= asked, "{delay:?} < {asked:?}");
            }
        }
    }
}
