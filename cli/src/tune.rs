//! How many requests to keep in flight so a walk runs at the rate limit, not at the latency.
//!
//! Little's law: a pipeline that completes `rate` requests a second, each taking `latency`, holds
//! `rate × latency` requests in flight. With fewer, the walk waits on the network (latency
//! bound); with more, requests only queue in the client's rate limiter, and a concurrent walk
//! cuts the list into more windows, each ending with a partial page (more requests for the same
//! users). So the choice is `rate × latency × headroom`, the headroom covering latency that
//! varies from request to request, clamped to [`MIN`]..=[`MAX`] and to the number of pages.

use std::time::Duration;

/// The fewest requests in flight: one walks a single cursor.
pub const MIN: usize = 1;

/// The most requests in flight the tuning picks: 64 × 100 ms covers 640 requests a second, far
/// above any Clerk limit; more only adds windows and partial pages.
pub const MAX: usize = 64;

/// The margin over Little's law for latency that varies.
pub const HEADROOM: f64 = 1.25;

/// What the tuning chose, and from what: printed on stderr.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Requests to keep in flight.
    pub concurrency: usize,
    /// The rate limit, in requests a second.
    pub requests_per_second: f64,
    /// The latency measured.
    pub latency: Duration,
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests in flight ({:.0} requests/s x {} ms latency x {HEADROOM} headroom)",
            self.concurrency,
            self.requests_per_second,
            self.latency.as_millis()
        )
    }
}

/// Requests in flight for `requests_per_second` at `latency`, with [`HEADROOM`], for a walk of
/// `pages` pages (more in flight than pages is pointless): at least [`MIN`], at most [`MAX`].
pub fn concurrency(requests_per_second: f64, latency: Duration, pages: u64) -> Choice {
    let in_flight = requests_per_second * latency.as_secs_f64() * HEADROOM;
    // NaN and negatives (a nonsensical rate) come out as the minimum.
    let wanted = if in_flight.is_finite() && in_flight > 0.0 {
        in_flight.ceil().min(MAX as f64) as usize
    } else {
        MIN
    };
    let pages = usize::try_from(pages).unwrap_or(usize::MAX).max(MIN);
    let concurrency = wanted.clamp(MIN, MAX).min(pages);
    Choice { concurrency, requests_per_second, latency }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn in_flight_is_rate_times_latency_with_headroom_rounded_up() {
        // Production (100/s) at 100 ms: 10 in flight, 12.5 with headroom.
        assert_eq!(concurrency(100.0, ms(100), 1000).concurrency, 13);
        assert_eq!(concurrency(100.0, ms(40), 1000).concurrency, 5);
        // Development (10/s) at 100 ms: 1.25, so 2.
        assert_eq!(concurrency(10.0, ms(100), 1000).concurrency, 2);
        // Fast local servers: one cursor is enough.
        assert_eq!(concurrency(100.0, ms(2), 1000).concurrency, 1);
    }

    #[test]
    fn the_choice_is_clamped_to_the_bounds_and_the_pages() {
        assert_eq!(concurrency(100.0, Duration::ZERO, 1000).concurrency, MIN);
        assert_eq!(concurrency(100.0, Duration::from_secs(10), 1000).concurrency, MAX);
        assert_eq!(concurrency(f64::NAN, ms(100), 1000).concurrency, MIN);
        assert_eq!(concurrency(-5.0, ms(100), 1000).concurrency, MIN);
        assert_eq!(concurrency(f64::INFINITY, ms(100), 1000).concurrency, MIN);
        // Three pages need at most three requests at once; an empty list one.
        assert_eq!(concurrency(100.0, ms(100), 3).concurrency, 3);
        assert_eq!(concurrency(100.0, ms(100), 0).concurrency, 1);
    }

    #[test]
    fn the_choice_says_where_it_comes_from() {
        let choice = concurrency(100.0, ms(100), 1000);
        assert_eq!(
            choice.to_string(),
            "13 requests in flight (100 requests/s x 100 ms latency x 1.25 headroom)"
        );
    }
}
