//! Per-caller token buckets: a signed-in caller is keyed by subject, an anonymous one by IP
//! address. Refusals answer 429 `RATE_LIMITED` with `Retry-After`.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::time::Duration;

/// The limiter (or none when the limit is 0).
pub struct RateLimit {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl RateLimit {
    /// `per_minute` requests a minute on average, `burst` at once; `per_minute == 0` is no limit.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|rate| {
            let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
            DefaultKeyedRateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
        });
        Self {
            limiter,
            clock: DefaultClock::default(),
        }
    }

    /// Takes `cost` tokens from `key`'s bucket, or says how long to wait.
    pub fn take(&self, key: &str, cost: u32) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let cost = NonZeroU32::new(cost).unwrap_or(NonZeroU32::MIN);
        match limiter.check_key_n(&key.to_owned(), cost) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(self.clock.now())),
            // More than the whole bucket at once: wait as long as a full refill takes.
            Err(_) => Err(Duration::from_secs(60)),
        }
    }

    /// Forgets callers whose buckets are full again (run now and then to bound memory).
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}
