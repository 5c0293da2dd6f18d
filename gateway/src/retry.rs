//! Retries of calls to another service: only UNAVAILABLE (the call did not
//! reach a working server: connection refused, a replica going away, a
//! draining server), with exponential backoff and full jitter, within the
//! caller's deadline, and only while the service's retry budget allows.
//!
//! The budget is what keeps a down service from turning every request into
//! `max_attempts` requests: retries may add at most `budget_percent` of the
//! calls made over the last ten seconds, plus `budget_min_per_sec`, so a
//! lone failure is still retried when traffic is low.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use tower::retry::budget::{Budget, TpsBudget};

use crate::deadline::MARGIN;

/// How long the budget remembers calls and retries.
const BUDGET_WINDOW: Duration = Duration::from_secs(10);

/// How a service's calls are retried.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts per call, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; doubled for each next one.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// Retries allowed as a fraction of calls (0.2: one retry per five calls).
    pub budget_percent: f32,
    /// Retries allowed per second whatever the traffic.
    pub budget_min_per_sec: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(25),
            max_backoff: Duration::from_secs(1),
            budget_percent: 0.2,
            budget_min_per_sec: 10,
        }
    }
}

impl RetryPolicy {
    /// The budget shared by every call to one service.
    pub fn budget(&self) -> RetryBudget {
        // TpsBudget asserts its bounds; keep the flags inside them.
        let percent = if self.budget_percent.is_finite() {
            self.budget_percent.clamp(0.0, 1000.0)
        } else {
            0.0
        };
        let min_per_sec = self.budget_min_per_sec.min(i32::MAX as u32 - 1);
        RetryBudget(TpsBudget::new(BUDGET_WINDOW, min_per_sec, percent))
    }

    /// The pause before retry number `retry` (0 for the first): a random
    /// time up to the exponential ceiling ("full jitter"), so that callers
    /// that failed together do not come back together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random() % nanos)
    }
}

/// Whether a retry after `backoff` can still finish before `deadline`:
/// without that the caller gets the real failure now rather than a
/// DEADLINE_EXCEEDED later.
pub fn fits_deadline(deadline: Option<Instant>, backoff: Duration) -> bool {
    match deadline {
        None => true,
        Some(deadline) => deadline
            .checked_duration_since(Instant::now())
            .is_some_and(|left| left > backoff + MARGIN * 2),
    }
}

/// One service's retry budget.
pub struct RetryBudget(TpsBudget);

impl std::fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryBudget")
    }
}

impl RetryBudget {
    /// Counts a call, which earns retries.
    pub fn deposit(&self) {
        self.0.deposit();
    }

    /// Takes one retry from the budget; false when it is spent.
    pub fn withdraw(&self) -> bool {
        self.0.withdraw()
    }
}

/// A random number for jitter. The standard library seeds every
/// `RandomState` randomly; jitter needs nothing stronger.
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_up_to_its_ceiling_and_is_jittered() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        for retry in 0..40 {
            let ceiling = Duration::from_millis(10)
                .saturating_mul(2u32.saturating_pow(retry))
                .min(Duration::from_millis(50));
            assert!(policy.backoff(retry) < ceiling);
        }
        let draws: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.backoff(3)).collect();
        assert!(draws.len() > 1, "no jitter: {draws:?}");
    }

    #[test]
    fn the_budget_allows_a_share_of_calls() {
        let budget = RetryPolicy {
            budget_percent: 0.1,
            budget_min_per_sec: 0,
            ..RetryPolicy::default()
        }
        .budget();
        assert!(!budget.withdraw());
        for _ in 0..20 {
            budget.deposit();
        }
        let retries = (0..10).filter(|_| budget.withdraw()).count();
        assert_eq!(retries, 2);
    }

    #[test]
    fn no_retry_that_would_outlive_the_deadline() {
        assert!(fits_deadline(None, Duration::from_secs(100)));
        let soon = Instant::now() + Duration::from_millis(100);
        assert!(!fits_deadline(Some(soon), Duration::from_secs(1)));
        assert!(fits_deadline(
            Some(Instant::now() + Duration::from_secs(10)),
            Duration::from_millis(10)
        ));
    }
}

#[cfg(test)]
mod policy_tests;
