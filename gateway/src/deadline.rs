//! The caller's deadline, read from `grpc-timeout` and handed on to the
//! services the gateway calls, less a margin so that the gateway still has
//! time to answer (with whatever it has) before its caller gives up.

use std::time::{Duration, Instant};

/// Time kept back for the gateway's own work after a downstream call.
pub const MARGIN: Duration = Duration::from_millis(20);

/// When the caller stops waiting, if it said.
pub fn from_metadata(metadata: &tonic::metadata::MetadataMap) -> Option<Instant> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    parse_grpc_timeout(value).map(|timeout| Instant::now() + timeout)
}

pub use copydesk_runtime::parse_grpc_timeout;

/// The timeout to give a downstream call: the caller's remaining time less
/// [`MARGIN`], or `default` without a caller deadline. `None`: no time left.
pub fn downstream_timeout(deadline: Option<Instant>, default: Duration) -> Option<Duration> {
    match deadline {
        None => Some(default),
        Some(deadline) => deadline
            .checked_duration_since(Instant::now())
            .and_then(|left| left.checked_sub(MARGIN))
            .filter(|left| !left.is_zero())
            .map(|left| left.min(default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downstream_gets_the_remaining_time_less_the_margin() {
        let default = Duration::from_secs(30);
        assert_eq!(downstream_timeout(None, default), Some(default));
        let soon = Instant::now() + Duration::from_secs(2);
        let timeout = downstream_timeout(Some(soon), default).unwrap_or_default();
        assert!(timeout <= Duration::from_secs(2) - MARGIN && timeout > Duration::from_secs(1));
        assert_eq!(downstream_timeout(Some(Instant::now()), default), None);
    }
}
