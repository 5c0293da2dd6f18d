//! Statuses a tonic client makes on its own side, read for what they are.
//! Every Copydesk client (the gateway calling the services, the SDK, the
//! load generator) reads them the same way.
//!
//! - tonic's channel enforces a request's `grpc-timeout` itself, and when
//!   it fires first the call ends with CANCELLED ("Timeout expired")
//!   instead of the DEADLINE_EXCEEDED the server would have sent.
//! - A call queued on a connection that closes before it is sent (a server
//!   closing connections at their maximum age, or restarting) ends with
//!   CANCELLED ("operation was canceled"); one whose stream the closing
//!   connection refuses with INTERNAL ("h2 protocol error"); one whose
//!   connection breaks under it with UNKNOWN ("transport error"). All carry
//!   the transport error as their source, which a status received from the
//!   server never does.

use std::fmt::Display;
use std::time::Duration;

use tonic::{Code, Status};

/// `status`, with a CANCELLED that came once `timeout` had passed (the
/// channel's own deadline) turned into DEADLINE_EXCEEDED saying `what` did
/// not answer in time.
pub fn deadline_status(
    status: Status,
    elapsed: Duration,
    timeout: Duration,
    what: &dyn Display,
) -> Status {
    if status.code() == Code::Cancelled && elapsed >= timeout {
        not_answered(what, timeout)
    } else {
        status
    }
}

/// DEADLINE_EXCEEDED: `what` did not answer within `timeout`.
pub fn not_answered(what: &dyn Display, timeout: Duration) -> Status {
    Status::deadline_exceeded(format!("{what} did not answer within {timeout:?}"))
}

/// Whether `status` was made on this side from a transport failure (a
/// connection that closed or broke), rather than received from the server.
fn transport_failed(status: &Status) -> bool {
    std::error::Error::source(status).is_some_and(|source| source.is::<tonic::transport::Error>())
}

/// Whether a failed call may be sent again: UNAVAILABLE, which says the
/// server did not act on it, or any status this side made from a
/// transport failure (a connection that closed before the call was sent,
/// went away under it, or refused its stream while shutting down: CANCELLED,
/// UNKNOWN or INTERNAL as tonic maps them). Safe because every Copydesk call
/// only computes an answer and changes nothing. Nothing else is: INVALID_ARGUMENT
/// would fail again, DEADLINE_EXCEEDED has used the caller's time and
/// RESOURCE_EXHAUSTED asks for less load, not more.
pub fn is_retryable(status: &Status) -> bool {
    status.code() == Code::Unavailable || transport_failed(status)
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
            &"the gateway",
        );
        assert_eq!(status.code(), Code::DeadlineExceeded);
        assert_eq!(status.message(), "the gateway did not answer within 1s");
    }

    #[test]
    fn other_statuses_and_early_cancels_stay_as_they_are() {
        let early = deadline_status(Status::cancelled("gone"), SECOND / 2, SECOND, &"x");
        assert_eq!((early.code(), early.message()), (Code::Cancelled, "gone"));
        let late = deadline_status(Status::unavailable("down"), 2 * SECOND, SECOND, &"x");
        assert_eq!(late.code(), Code::Unavailable);
    }

    #[test]
    fn statuses_from_the_server_are_not_transport_failures() {
        assert!(is_retryable(&Status::unavailable("down")));
        for status in [
            Status::cancelled("the service gave up"),
            Status::unknown("the service's own failure"),
            Status::deadline_exceeded("late"),
            Status::resource_exhausted("busy"),
            Status::invalid_argument("bad"),
            Status::internal("bug"),
            Status::unauthenticated("who"),
            Status::new(Code::Aborted, ""),
            Status::new(Code::DataLoss, ""),
            Status::new(Code::NotFound, ""),
        ] {
            assert!(!transport_failed(&status));
            assert!(!is_retryable(&status), "{status:?}");
        }
        // Made on this side, but from something other than the transport.
        let local = Status::from_error(Box::new(std::io::Error::other("not a transport error")));
        assert_eq!(local.code(), Code::Unknown);
        assert!(!is_retryable(&local));
    }
}
