//! One server span per request, child of the trace context the caller sent
//! (`traceparent` in the gRPC metadata or HTTP headers), so that a request
//! through the gateway is one trace across every server.

use crate::BoxFuture;
use std::task::{Context, Poll};

use tower::{Layer, Service};
use tracing::Instrument;

/// Paths that get no span: probes and scrapes, polled every few seconds,
/// would bury the requests in traces nobody reads.
const UNTRACED: &[&str] = &["/grpc.health.v1.Health/", "/grpc.reflection.", "/metrics"];

#[derive(Clone, Debug)]
pub(crate) struct TraceLayer {
    server: &'static str,
}

impl TraceLayer {
    pub(crate) fn new(server: &'static str) -> Self {
        TraceLayer { server }
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = TraceService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TraceService {
            inner,
            server: self.server,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TraceService<S> {
    inner: S,
    server: &'static str,
}

impl<S, B, R> Service<http::Request<B>> for TraceService<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<R>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        if UNTRACED.iter().any(|p| path.starts_with(p)) {
            return Box::pin(self.inner.call(request));
        }
        let span = copydesk_telemetry::server_span(self.server, path, request.headers());
        // The handler's synchronous part runs in `call`: inside the span too.
        let future = span.in_scope(|| self.inner.call(request));
        let record = span.clone();
        Box::pin(
            async move {
                let response = future.await?;
                // A failed call answers with its status in the headers
                // (trailers-only); a streamed answer's comes later.
                let code: Option<i32> = response
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                if let Some(code) = code {
                    copydesk_telemetry::record_status(&record, code);
                }
                // Logged inside the span, so the line carries the trace id
                // that finds the request in the trace backend.
                let http = response.status();
                match code {
                    Some(code) if code != 0 => tracing::info!(grpc.code = code, "call failed"),
                    None if !http.is_success() => {
                        tracing::info!(http.status = http.as_u16(), "request failed");
                    }
                    _ => tracing::debug!("answered"),
                }
                Ok(response)
            }
            .instrument(span),
        )
    }
}
