//! Pacing requests under Clerk's rate limit before Clerk has to answer 429.
//!
//! Clerk allows 1000 requests per 10 s to a production instance and 100 per 10 s to a
//! development one. A bulk job that sends as fast as it can bounces off 429s (the client retries
//! them, but every bounce costs a wait). With a [`RateLimit`] on the client builder, requests wait
//! their turn instead, shared by every clone of the client. The limiter is `governor`'s.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::ConfigError;

/// The longest window a limit may have. governor counts in nanoseconds in a `u64` (about 584
/// years) and panics past it; a year keeps far from that and covers any real quota.
const MAX_WINDOW: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A client-side rate limit: at most `requests` per `window`, paced evenly; set with
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
///
/// Requests are spread so that no window of that length ever holds more than `requests`: a
/// small burst (1% of the limit, at least one request) is allowed, and the steady rate leaves
/// room for it.
///
/// ```
/// use std::time::Duration;
/// use clerk_users::RateLimit;
///
/// let client = clerk_users::Client::builder("sk_live_123")
///     .rate_limit(RateLimit::production_instance())
///     .build()?;
/// let gentle = RateLimit::new(200, Duration::from_secs(10)); // a fifth of production's
/// # Ok::<(), clerk_users::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    window: Duration,
}

impl RateLimit {
    /// At most `requests` per `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        RateLimit { requests, window }
    }

    /// Clerk's limit for a production instance: 1000 requests per 10 s.
    pub fn production_instance() -> Self {
        RateLimit::new(1000, Duration::from_secs(10))
    }

    /// Clerk's limit for a development instance: 100 requests per 10 s.
    pub fn development_instance() -> Self {
        RateLimit::new(100, Duration::from_secs(10))
    }

    /// At most `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        RateLimit::new(requests, Duration::from_secs(1))
    }

    /// The most requests a window may hold.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window the limit counts over.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The limit as a rate, for sizing concurrency (requests in flight = rate × latency);
    /// `0.0` for a limit with no window.
    ///
    /// ```
    /// assert_eq!(clerk_users::RateLimit::production_instance().requests_per_second(), 100.0);
    /// ```
    pub fn requests_per_second(&self) -> f64 {
        let seconds = self.window.as_secs_f64();
        if seconds > 0.0 { f64::from(self.requests) / seconds } else { 0.0 }
    }

    /// The steady interval between requests and the burst, such that `rate × window + burst`
    /// never exceeds `requests`; `None` for a limit that cannot be paced (no requests, no window,
    /// a window over a year).
    fn pacing(&self) -> Option<(Duration, NonZeroU32)> {
        if self.window > MAX_WINDOW {
            return None;
        }
        let burst = (self.requests / 100).max(1);
        let steady = self.requests.checked_sub(burst).filter(|n| *n > 0).unwrap_or(1);
        let interval = self.window.checked_div(steady).filter(|i| !i.is_zero())?;
        Some((interval, NonZeroU32::new(burst)?))
    }

    /// The limiter this limit configures, shared by every clone of a client.
    pub(crate) fn limiter(&self) -> Result<Arc<DefaultDirectRateLimiter>, ConfigError> {
        let invalid =
            || ConfigError::InvalidRateLimit { requests: self.requests, window: self.window };
        let (interval, burst) = self.pacing().filter(|_| self.requests > 0).ok_or_else(invalid)?;
        let quota = Quota::with_period(interval).ok_or_else(invalid)?.allow_burst(burst);
        Ok(Arc::new(RateLimiter::direct(quota)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_stay_within_clerks_limits() {
        // 990 paced over 10 s plus a burst of 10: never more than 1000 in any 10 s.
        let (interval, burst) = RateLimit::production_instance().pacing().unwrap();
        assert_eq!((interval, burst.get()), (Duration::from_secs(10) / 990, 10));
        let (interval, burst) = RateLimit::development_instance().pacing().unwrap();
        assert_eq!((interval, burst.get()), (Duration::from_secs(10) / 99, 1));
    }

    #[test]
    fn a_limit_reads_back_as_given_and_as_a_rate() {
        let limit = RateLimit::new(250, Duration::from_millis(500));
        assert_eq!((limit.requests(), limit.window()), (250, Duration::from_millis(500)));
        assert_eq!(limit.requests_per_second(), 500.0);
        assert_eq!(RateLimit::development_instance().requests_per_second(), 10.0);
        assert_eq!(RateLimit::new(5, Duration::ZERO).requests_per_second(), 0.0);
    }

    #[test]
    fn tiny_limits_still_pace() {
        let (interval, burst) = RateLimit::per_second(1).pacing().unwrap();
        assert_eq!((interval, burst.get()), (Duration::from_secs(1), 1));
    }

    #[test]
    fn empty_or_endless_limits_are_configuration_errors() {
        for limit in [
            RateLimit::per_second(0),
            RateLimit::new(10, Duration::ZERO),
            // governor would panic converting these to nanoseconds.
            RateLimit::new(1, Duration::MAX),
            RateLimit::new(u32::MAX, Duration::MAX),
            RateLimit::new(1, MAX_WINDOW + Duration::from_secs(1)),
        ] {
            assert!(
                matches!(limit.limiter(), Err(ConfigError::InvalidRateLimit { .. })),
                "{limit:?}"
            );
        }
    }
}
