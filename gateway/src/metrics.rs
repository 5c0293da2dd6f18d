//! What the gateway tells operators about the services behind it: every
//! failed downstream call, retry, ejection and local refusal, per service,
//! and every feature an answer lacks. Each is a counter on `/metrics` and a
//! log line, because a degraded answer is still a gRPC OK: without these a
//! dead service shows nowhere but in the answers' `errors`.

use tonic::{Code, Status};

/// Downstream calls that failed after their retries, by service and code.
pub const DOWNSTREAM_FAILURES: &str = "copydesk_downstream_failures_total";
/// Attempts repeated on another address, by service.
pub const DOWNSTREAM_RETRIES: &str = "copydesk_downstream_retries_total";
/// Addresses taken out of rotation after a failed attempt, by service.
pub const DOWNSTREAM_EJECTIONS: &str = "copydesk_downstream_ejections_total";
/// Calls the gateway refused itself at its per-service concurrency limit.
pub const DOWNSTREAM_SHED: &str = "copydesk_downstream_shed_total";
/// Features missing from an answer, by feature and code.
pub const DEGRADED_FEATURES: &str = "copydesk_degraded_features_total";

/// Describes the counters on `/metrics` (in the recorder the runtime
/// installs: descriptions given before it exists are lost).
pub(crate) fn describe() {
    copydesk_runtime::install_metrics();
    metrics::describe_counter!(
        DOWNSTREAM_FAILURES,
        "Calls to a service that failed after their retries, by service and gRPC code"
    );
    metrics::describe_counter!(
        DOWNSTREAM_RETRIES,
        "Calls to a service repeated after UNAVAILABLE or a broken connection, by service"
    );
    metrics::describe_counter!(
        DOWNSTREAM_EJECTIONS,
        "Addresses of a service taken out of rotation after a failed attempt, by service"
    );
    metrics::describe_counter!(
        DOWNSTREAM_SHED,
        "Calls to a service the gateway refused at --downstream-max-concurrency, by service"
    );
    metrics::describe_counter!(
        DEGRADED_FEATURES,
        "Features an answer lacks (listed in its errors), by feature and gRPC code"
    );
}

/// The snake-case name of a gRPC code, as labels carry it.
pub fn code_label(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "cancelled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

/// A call to `service` failed for good.
pub fn downstream_failed(service: &'static str, status: &Status) {
    let code = code_label(status.code());
    metrics::counter!(DOWNSTREAM_FAILURES, "service" => service, "code" => code).increment(1);
    tracing::warn!(service, code, error = %status.message(), "call to a service failed");
}

/// A call to `service` is tried again.
pub fn retried(service: &'static str) {
    metrics::counter!(DOWNSTREAM_RETRIES, "service" => service).increment(1);
}

/// `address` of `service` is out of rotation for a while.
pub fn ejected(service: &'static str, address: &http::Uri, status: &Status) {
    metrics::counter!(DOWNSTREAM_EJECTIONS, "service" => service).increment(1);
    tracing::warn!(service, %address, code = code_label(status.code()), error = %status.message(), "address ejected");
}

/// The gateway refused a call to `service` itself.
pub fn shed(service: &'static str) {
    metrics::counter!(DOWNSTREAM_SHED, "service" => service).increment(1);
    tracing::warn!(
        service,
        "call refused at the gateway's limit for the service"
    );
}

/// An answer goes out without `feature`.
pub fn feature_degraded(feature: &'static str, code: Code) {
    metrics::counter!(DEGRADED_FEATURES, "feature" => feature, "code" => code_label(code))
        .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_labels_are_distinct_snake_case() {
        let labels: std::collections::BTreeSet<&str> =
            (0..=16).map(|n| code_label(Code::from_i32(n))).collect();
        assert_eq!(labels.len(), 17);
        assert!(
            labels
                .iter()
                .all(|l| l.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        assert_eq!(code_label(Code::Unavailable), "unavailable");
    }
}
