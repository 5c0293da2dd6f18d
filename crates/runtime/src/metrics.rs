//! Request metrics and their Prometheus text.
//!
//! One recorder per process (the `metrics` facade has one global recorder),
//! shared by every server in it; the `server` label tells them apart when
//! `copydesk up` runs several in one process.

use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tonic::Code;
use tower::{Layer, Service};

use crate::BoxFuture;
use crate::body::{BodyObserver, ObservedBody};

const REQUESTS: &str = "copydesk_requests_total";
const DURATION: &str = "copydesk_request_duration_seconds";
const IN_FLIGHT: &str = "copydesk_requests_in_flight";
pub(crate) const SHED: &str = "copydesk_requests_shed_total";
const STAGE_DURATION: &str = "copydesk_stage_duration_seconds";
const TOKENS: &str = "copydesk_tokens_processed_total";

/// Latency buckets from half a millisecond (a short sentence) to ten
/// seconds (a large document on a loaded server).
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = match builder
            .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(STAGE_DURATION.to_owned()), BUCKETS))
        {
            Ok(builder) => builder,
                // Only an empty bucket list fails, and ours is not empty.
                Err(error) => {
                    tracing::warn!(%error, "latency buckets rejected; reporting summaries");
                    PrometheusBuilder::new()
                }
            };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics will be empty");
        }
        metrics::describe_counter!(
            REQUESTS,
            "Requests finished, by server, method and status code"
        );
        metrics::describe_histogram!(
            DURATION,
            metrics::Unit::Seconds,
            "Time from request to the end of its response"
        );
        metrics::describe_gauge!(IN_FLIGHT, "Requests being handled");
        metrics::describe_histogram!(
            STAGE_DURATION,
            metrics::Unit::Seconds,
            "Time spent in one stage of a request (segmentation, inference, scoring, a downstream call)"
        );
        metrics::describe_counter!(TOKENS, "Tokens of the documents analysed, by server");
        metrics::describe_counter!(
            SHED,
            "Requests refused before any work: reason=capacity (a concurrency or in-flight byte limit) or reason=deadline (it would not finish before the caller's deadline)"
        );
        handle
    })
}

/// Installs the process's metrics recorder (once), so that metrics recorded
/// before the first scrape are kept, and descriptions given after this are.
pub fn install() {
    handle();
}

/// The Prometheus text exposition of every metric of this process.
pub fn prometheus_text() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

pub(crate) async fn metrics_endpoint() -> impl axum::response::IntoResponse {
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus_text(),
    )
}

/// Times one stage of a request, by server and stage; recorded when
/// dropped, so an early return is timed too.
#[derive(Debug)]
#[must_use = "the stage is timed until this is dropped"]
pub struct StageTimer {
    server: &'static str,
    stage: &'static str,
    start: Instant,
}

impl StageTimer {
    pub fn start(server: &'static str, stage: &'static str) -> Self {
        StageTimer {
            server,
            stage,
            start: Instant::now(),
        }
    }
}

impl Drop for StageTimer {
    fn drop(&mut self) {
        metrics::histogram!(STAGE_DURATION, "server" => self.server, "stage" => self.stage)
            .record(self.start.elapsed().as_secs_f64());
    }
}

/// Counts the tokens of a document `server` analysed: throughput in the
/// unit the models work in, which bytes and requests are not.
pub fn count_tokens(server: &'static str, tokens: usize) {
    metrics::counter!(TOKENS, "server" => server).increment(tokens as u64);
}

/// Which paths get their own `method` label; anything else is "other", so
/// that scanners probing random paths cannot grow the label set.
#[derive(Debug, Default)]
pub(crate) struct KnownPaths {
    pub(crate) grpc_services: Vec<String>,
    pub(crate) http_paths: Vec<String>,
}

impl KnownPaths {
    fn method_label(&self, path: &str) -> String {
        let grpc = path
            .strip_prefix('/')
            .and_then(|p| p.split_once('/'))
            .is_some_and(|(service, _)| self.grpc_services.iter().any(|s| s == service));
        if grpc || self.http_paths.iter().any(|p| p == path) {
            path.to_owned()
        } else {
            "other".to_owned()
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MetricsLayer {
    server: &'static str,
    paths: Arc<KnownPaths>,
}

impl MetricsLayer {
    pub(crate) fn new(server: &'static str, paths: KnownPaths) -> Self {
        install();
        MetricsLayer {
            server,
            paths: Arc::new(paths),
        }
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MetricsService<S> {
    inner: S,
    layer: MetricsLayer,
}

impl<S, B> Service<http::Request<B>> for MetricsService<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let grpc = is_grpc(request.headers());
        let method = self.layer.paths.method_label(request.uri().path());
        let mut record = Record::start(self.layer.server, method, grpc);
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            record.on_head(&response);
            Ok(response.map(|body| ObservedBody::wrap(body, record)))
        })
    }
}

pub(crate) fn is_grpc(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}

/// One request being measured; recorded when dropped, which is when its
/// response body is done or the call was abandoned.
struct Record {
    server: &'static str,
    method: String,
    grpc: bool,
    start: Instant,
    code: Option<String>,
}

impl Record {
    fn start(server: &'static str, method: String, grpc: bool) -> Self {
        metrics::gauge!(IN_FLIGHT, "server" => server).increment(1.0);
        Record {
            server,
            method,
            grpc,
            start: Instant::now(),
            code: None,
        }
    }

    fn on_head(&mut self, response: &http::Response<tonic::body::Body>) {
        if !self.grpc {
            self.code = Some(response.status().as_u16().to_string());
        } else if let Some(code) = grpc_status(response.headers()) {
            // Trailers-only response: the status came with the headers.
            self.code = Some(code);
        }
    }
}

fn grpc_status(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get("grpc-status")?.to_str().ok()?;
    let code = Code::from_i32(value.parse().ok()?);
    Some(code_name(code).to_owned())
}

impl BodyObserver for Record {
    fn on_trailers(&mut self, trailers: &http::HeaderMap) {
        if self.grpc && self.code.is_none() {
            self.code = grpc_status(trailers);
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        // No status at all: the caller went away before the answer ended.
        let code = self
            .code
            .take()
            .unwrap_or_else(|| code_name(Code::Cancelled).to_owned());
        let server = self.server;
        let method = std::mem::take(&mut self.method);
        metrics::gauge!(IN_FLIGHT, "server" => server).decrement(1.0);
        metrics::histogram!(DURATION, "server" => server, "method" => method.clone())
            .record(self.start.elapsed().as_secs_f64());
        metrics::counter!(REQUESTS, "server" => server, "method" => method, "code" => code)
            .increment(1);
    }
}

/// The canonical google.rpc.Code name, as other gRPC servers label metrics.
pub(crate) fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_paths_share_one_label() {
        let paths = KnownPaths {
            grpc_services: vec!["copydesk.v1.Segmenter".to_owned()],
            http_paths: vec!["/v1/annotate".to_owned()],
        };
        assert_eq!(
            paths.method_label("/copydesk.v1.Segmenter/Segment"),
            "/copydesk.v1.Segmenter/Segment"
        );
        assert_eq!(paths.method_label("/v1/annotate"), "/v1/annotate");
        assert_eq!(paths.method_label("/wp-login.php"), "other");
        assert_eq!(paths.method_label("/evil.Service/X"), "other");
    }
}
