//! Edge cases of the retry policy: flags outside what tower's budget
//! accepts, budgets above one retry per call and the deadline's margins.
//! (Which statuses are retried: copydesk_proto::client_status.)

#![allow(clippy::unwrap_used)]

use super::*;

fn policy(budget_percent: f32, budget_min_per_sec: u32) -> RetryPolicy {
    RetryPolicy {
        budget_percent,
        budget_min_per_sec,
        ..RetryPolicy::default()
    }
}

#[test]
fn flags_outside_the_budgets_bounds_make_a_budget_not_a_panic() {
    // TpsBudget::new asserts 0 <= percent <= 1000 and a sane floor.
    for percent in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -1.0, 1e9] {
        let budget = policy(percent, u32::MAX).budget();
        budget.deposit();
        assert!(budget.withdraw(), "{percent}");
    }
    // Not a number: no share of calls, only the floor (here none).
    let budget = policy(f32::NAN, 0).budget();
    for _ in 0..100 {
        budget.deposit();
    }
    assert!(!budget.withdraw());
}

#[test]
fn a_budget_above_one_retry_per_call() {
    let budget = policy(2.0, 0).budget();
    for _ in 0..5 {
        budget.deposit();
    }
    assert_eq!((0..20).filter(|_| budget.withdraw()).count(), 10);
}

#[test]
fn the_floor_allows_retries_with_no_calls() {
    // One a second over the ten-second window.
    let budget = policy(0.0, 1).budget();
    assert_eq!((0..20).filter(|_| budget.withdraw()).count(), 10);
}

#[test]
fn no_backoff_when_the_policy_sets_none() {
    let policy = RetryPolicy {
        initial_backoff: Duration::ZERO,
        ..RetryPolicy::default()
    };
    assert_eq!(policy.backoff(0), Duration::ZERO);
    assert_eq!(policy.backoff(u32::MAX), Duration::ZERO);
    // A ceiling past u64 nanoseconds saturates instead of overflowing.
    let policy = RetryPolicy {
        initial_backoff: Duration::MAX,
        max_backoff: Duration::MAX,
        ..RetryPolicy::default()
    };
    assert!(policy.backoff(u32::MAX) < Duration::MAX);
}

#[test]
fn a_retry_needs_its_backoff_and_both_margins_before_the_deadline() {
    assert!(!fits_deadline(Some(Instant::now()), Duration::ZERO));
    let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap();
    assert!(!fits_deadline(Some(past), Duration::ZERO));
    // Less than the two margins left: no retry even without a pause.
    let soon = Instant::now() + MARGIN * 2;
    assert!(!fits_deadline(Some(soon), Duration::ZERO));
    let later = Instant::now() + Duration::from_secs(5);
    assert!(fits_deadline(Some(later), Duration::from_secs(1)));
    assert!(!fits_deadline(Some(later), Duration::from_secs(5)));
}
