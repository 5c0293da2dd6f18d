//! Admission of work by its count and by its size: a server runs at most
//! `max_requests` pieces of work and `max_bytes` bytes of requests at once.
//!
//! A request holds a [`Ticket`] only while it has work: the shed layer
//! takes one after the request's body has arrived, a streaming call takes
//! one per message while that message is processed. Counting bytes as well
//! as requests is what keeps memory bounded when documents are large: a
//! hundred small documents cost less than ten large ones.
//!
//! One piece of work larger than the whole byte budget still runs when
//! nothing else does, so that no request that fits the message limit is
//! refused forever.
//!
//! Work that cannot finish before its caller's deadline is refused before
//! it starts: starting it would only take time from work that can. How
//! long a document takes is read off the work that finished last (seconds
//! per byte, while the server was as busy as it was), so the estimate
//! grows with the load. An idle server admits anything: an estimate from
//! a busier moment must not refuse work forever.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The shared budget of one server.
#[derive(Debug)]
pub struct Admission {
    max_requests: usize,
    max_bytes: usize,
    in_flight: Mutex<InFlight>,
    released: Notify,
    /// Seconds per byte of recent work, an exponentially weighted mean;
    /// `None` until some work of [`PACE_MIN_BYTES`] or more has finished.
    pace: Mutex<Option<f64>>,
}

/// Work smaller than this neither teaches nor meets the pace: its time is
/// mostly fixed costs, and it is cheap whatever the load.
pub const PACE_MIN_BYTES: usize = 4096;

/// The weight of the newest finished work in the pace.
const PACE_WEIGHT: f64 = 0.2;

#[derive(Debug, Default)]
struct InFlight {
    requests: usize,
    bytes: usize,
}

/// Why work was not admitted: the limit that was reached, worded for the
/// caller.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "server is at its limit of {limit} concurrent requests (--max-concurrent-requests / COPYDESK_MAX_CONCURRENT_REQUESTS); retry later"
    )]
    Requests { limit: usize },
    #[error(
        "server is at its limit of {limit} bytes of requests in progress (--max-inflight-bytes / COPYDESK_MAX_INFLIGHT_BYTES) and this one is {size} bytes; retry later"
    )]
    Bytes { limit: usize, size: usize },
    #[error("no free slot for this document before the call's deadline")]
    Deadline,
    #[error(
        "this request of {size} bytes would take about {needs:?} at the server's current pace and the call's deadline leaves {left:?}; retry with a longer deadline or when the server is less busy"
    )]
    TooLate {
        size: usize,
        needs: Duration,
        left: Duration,
    },
}

impl Admission {
    /// `max_requests` or `max_bytes` 0: that dimension is not limited.
    pub fn new(max_requests: usize, max_bytes: usize) -> Arc<Self> {
        Arc::new(Admission {
            max_requests,
            max_bytes,
            in_flight: Mutex::new(InFlight::default()),
            released: Notify::new(),
            pace: Mutex::new(None),
        })
    }

    /// Admits `size` bytes of work due by `deadline` now, or says why not:
    /// a limit is reached, or the work would not finish in time at the
    /// current pace (checked only while other work runs).
    pub fn try_admit_by(
        self: &Arc<Self>,
        size: usize,
        deadline: Option<Instant>,
    ) -> Result<Ticket, Refusal> {
        if let (Some(deadline), Some(needs)) = (deadline, self.estimate(size)) {
            let left = deadline.saturating_duration_since(Instant::now());
            if needs > left && self.in_flight().0 > 0 {
                return Err(Refusal::TooLate { size, needs, left });
            }
        }
        self.try_admit(size)
    }

    /// How long `size` bytes of work would take at the recent pace.
    pub fn estimate(&self, size: usize) -> Option<Duration> {
        if size < PACE_MIN_BYTES {
            return None;
        }
        let pace = (*self.pace.lock().unwrap_or_else(PoisonError::into_inner))?;
        Duration::try_from_secs_f64(pace * size as f64).ok()
    }

    /// Learns the pace from work of `size` bytes that took `took`.
    pub(crate) fn record(&self, size: usize, took: Duration) {
        if size < PACE_MIN_BYTES {
            return;
        }
        let sample = took.as_secs_f64() / size as f64;
        let mut pace = self.pace.lock().unwrap_or_else(PoisonError::into_inner);
        *pace = Some(match *pace {
            None => sample,
            Some(mean) => mean + PACE_WEIGHT * (sample - mean),
        });
    }

    /// Admits `size` bytes of work now, or says which limit refuses it.
    pub fn try_admit(self: &Arc<Self>, size: usize) -> Result<Ticket, Refusal> {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.max_requests > 0 && in_flight.requests >= self.max_requests {
            return Err(Refusal::Requests {
                limit: self.max_requests,
            });
        }
        // Alone, anything runs: a request over the budget is not refused
        // forever, it waits for a quiet moment like any other.
        if self.max_bytes > 0
            && in_flight.requests > 0
            && in_flight.bytes.saturating_add(size) > self.max_bytes
        {
            return Err(Refusal::Bytes {
                limit: self.max_bytes,
                size,
            });
        }
        in_flight.requests += 1;
        in_flight.bytes = in_flight.bytes.saturating_add(size);
        Ok(Ticket {
            admission: Arc::clone(self),
            size,
            admitted: Instant::now(),
        })
    }

    /// Admits `size` bytes of work, waiting for room until `deadline`
    /// (without one, until there is room). For streams, whose client waits
    /// for each result anyway: waiting here is backpressure, not a queue of
    /// unbounded length, since each stream waits for one message at a time.
    pub async fn admit(
        self: &Arc<Self>,
        size: usize,
        deadline: Option<Instant>,
    ) -> Result<Ticket, Refusal> {
        loop {
            // Registered before the check, so a release between the check
            // and the wait is not missed.
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            match self.try_admit_by(size, deadline) {
                Ok(ticket) => return Ok(ticket),
                Err(too_late @ Refusal::TooLate { .. }) => return Err(too_late),
                Err(_) => {}
            }
            match deadline {
                Some(deadline) => {
                    let deadline = tokio::time::Instant::from_std(deadline);
                    if tokio::time::timeout_at(deadline, released).await.is_err() {
                        return Err(Refusal::Deadline);
                    }
                }
                None => released.await,
            }
        }
    }

    /// Requests and bytes admitted now.
    pub fn in_flight(&self) -> (usize, usize) {
        let in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        (in_flight.requests, in_flight.bytes)
    }
}

/// Work admitted; its share of the budget is given back on drop.
#[derive(Debug)]
#[must_use = "the work is admitted until this is dropped"]
pub struct Ticket {
    admission: Arc<Admission>,
    size: usize,
    admitted: Instant,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        {
            let mut in_flight = self
                .admission
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            in_flight.requests = in_flight.requests.saturating_sub(1);
            in_flight.bytes = in_flight.bytes.saturating_sub(self.size);
        }
        self.admission.record(self.size, self.admitted.elapsed());
        self.admission.released.notify_waiters();
    }
}

/// A ticket ends with the response body that carries its work's answer.
impl crate::body::BodyObserver for Ticket {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;

    #[test]
    fn counts_requests_and_gives_them_back() {
        let admission = Admission::new(2, 0);
        let a = admission.try_admit(10).unwrap();
        let _b = admission.try_admit(10).unwrap();
        assert_eq!(
            admission.try_admit(1).unwrap_err(),
            Refusal::Requests { limit: 2 }
        );
        drop(a);
        assert_eq!(admission.in_flight(), (1, 10));
        let _again = admission.try_admit(1).unwrap();
    }

    #[test]
    fn bounds_bytes_but_lets_one_large_request_run_alone() {
        let admission = Admission::new(0, 100);
        let large = admission.try_admit(500).unwrap();
        assert_eq!(
            admission.try_admit(1).unwrap_err(),
            Refusal::Bytes {
                limit: 100,
                size: 1
            }
        );
        drop(large);
        let sixty = admission.try_admit(60).unwrap();
        assert!(admission.try_admit(41).is_err());
        let _forty = admission.try_admit(40).unwrap();
        drop(sixty);
        assert_eq!(admission.in_flight(), (1, 40));
    }

    #[tokio::test]
    async fn waiting_ends_with_a_release_or_the_deadline() {
        let admission = Admission::new(1, 0);
        let held = admission.try_admit(1).unwrap();
        let soon = Instant::now() + Duration::from_millis(20);
        assert_eq!(
            admission.admit(1, Some(soon)).await.unwrap_err(),
            Refusal::Deadline
        );
        let waiter = {
            let admission = Arc::clone(&admission);
            tokio::spawn(async move { admission.admit(1, None).await.map(|_| ()) })
        };
        tokio::task::yield_now().await;
        drop(held);
        waiter.await.unwrap().unwrap();
        assert_eq!(admission.in_flight(), (0, 0));
    }

    #[test]
    fn work_that_cannot_finish_by_its_deadline_is_refused_while_others_run() {
        let admission = Admission::new(0, 0);
        assert_eq!(admission.estimate(1 << 20), None, "no pace learnt yet");
        admission.record(8192, Duration::from_secs(1));
        admission.record(100, Duration::from_secs(60));
        assert_eq!(admission.estimate(16384), Some(Duration::from_secs(2)));
        assert_eq!(admission.estimate(PACE_MIN_BYTES - 1), None);

        let soon = Some(Instant::now() + Duration::from_secs(1));
        // Idle, anything runs: the pace may be from a busier moment.
        let alone = admission.try_admit_by(16384, soon).unwrap();
        match admission.try_admit_by(16384, soon) {
            Err(Refusal::TooLate { size, needs, left }) => {
                assert_eq!((size, needs), (16384, Duration::from_secs(2)));
                assert!(left <= Duration::from_secs(1));
            }
            other => panic!("expected TooLate, got {other:?}"),
        }
        let later = Some(Instant::now() + Duration::from_secs(3));
        let _in_time = admission.try_admit_by(16384, later).unwrap();
        let _no_deadline = admission.try_admit_by(16384, None).unwrap();
        let _small = admission.try_admit_by(100, soon).unwrap();
        drop(alone);
    }

    #[test]
    fn the_pace_follows_recent_work() {
        let admission = Admission::new(0, 0);
        admission.record(10_000, Duration::from_secs(1));
        for _ in 0..50 {
            admission.record(10_000, Duration::from_millis(100));
        }
        let estimate = admission.estimate(10_000).unwrap();
        assert!(estimate < Duration::from_millis(101), "{estimate:?}");
    }
}
