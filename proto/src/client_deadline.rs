//! A client's own deadline, as tonic reports it.
//!
//! tonic's channel enforces a request's `grpc-timeout` on the client side
//! too, and when it fires first the call ends with CANCELLED ("Timeout
//! expired") instead of the DEADLINE_EXCEEDED the server would have sent.
//! Every Copydesk client (the gateway calling the services, the SDK, the
//! load generator) reports that as what it is.

use std::time::Duration;

use tonic::{Code, Status};

/// `status`, with a CANCELLED that came once `timeout` had passed (the
/// channel's own deadline) turned into DEADLINE_EXCEEDED saying `what` did
/// not answer in time.
pub fn deadline_status(status: Status, elapsed: Duration, timeout: Duration, what: &str) -> Status {
    if status.code() == Code::Cancelled && elapsed >= timeout {
        Status::deadline_exceeded(format!("{what} did not answer within {timeout:?}"))
    } else {
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn a_cancel_after_the_timeout_is_the_deadline() {
        let status = deadline_status(
            Status::cancelled("Timeout expired"),
            SECOND,
            SECOND,
            "the gateway",
        );
        assert_eq!(status.code(), Code::DeadlineExceeded);
        assert_eq!(status.message(), "the gateway did not answer within 1s");
    }

    #[test]
    fn other_statuses_and_early_cancels_stay_as_they_are() {
        let early = deadline_status(Status::cancelled("gone"), SECOND / 2, SECOND, "x");
        assert_eq!((early.code(), early.message()), (Code::Cancelled, "gone"));
        let late = deadline_status(Status::unavailable("down"), 2 * SECOND, SECOND, "x");
        assert_eq!(late.code(), Code::Unavailable);
    }
}
