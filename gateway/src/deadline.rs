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

/// Parses the gRPC `TimeoutValue TimeoutUnit` form: up to eight digits and
/// one of H, M, S, m, u, n.
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let split = value.len().checked_sub(1)?;
    let (digits, unit) = value.split_at(split);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

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
    fn parses_every_unit_and_rejects_junk() {
        assert_eq!(parse_grpc_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout(""), None);
        assert_eq!(parse_grpc_timeout("S"), None);
        assert_eq!(parse_grpc_timeout("123456789S"), None);
        assert_eq!(parse_grpc_timeout("5s"), None);
        assert_eq!(parse_grpc_timeout("-5S"), None);
    }

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
