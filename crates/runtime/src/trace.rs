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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::convert::Infallible;
    use std::sync::{Arc, Mutex};

    use tower::ServiceExt;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};

    use super::*;

    /// What the spans made during a test said: each span's target, and the
    /// fields recorded on it after it was made.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<(String, Fieldset)>>>);

    /// Name and debug-printed value of each field.
    type Fieldset = Vec<(String, String)>;

    struct Fields<'a>(&'a mut Fieldset);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Seen {
        fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: LayerContext<'_, S>) {
            let target = attrs.metadata().target().to_owned();
            self.0.lock().unwrap().push((target, Vec::new()));
        }

        fn on_record(&self, _: &Id, values: &Record<'_>, _: LayerContext<'_, S>) {
            // The tests make one span at most.
            if let Some((_, fields)) = self.0.lock().unwrap().last_mut() {
                values.record(&mut Fields(fields));
            }
        }
    }

    /// Answers with `status` as a trailers-only gRPC answer (or a plain
    /// HTTP 200 when None), saying whether it ran inside a span, both in
    /// `call` and in its future.
    fn answering(
        status: Option<i32>,
        inside: Arc<Mutex<Vec<bool>>>,
    ) -> impl Service<
        http::Request<()>,
        Response = http::Response<()>,
        Error = Infallible,
        Future = BoxFuture<http::Response<()>, Infallible>,
    > + Clone {
        tower::service_fn(move |_: http::Request<()>| -> BoxFuture<_, Infallible> {
            inside
                .lock()
                .unwrap()
                .push(!tracing::Span::current().is_none());
            let inside = Arc::clone(&inside);
            Box::pin(async move {
                inside
                    .lock()
                    .unwrap()
                    .push(!tracing::Span::current().is_none());
                let mut response = http::Response::new(());
                if let Some(code) = status {
                    response.headers_mut().insert("grpc-status", code.into());
                }
                Ok(response)
            })
        })
    }

    async fn call(path: &str, status: Option<i32>) -> (Seen, Vec<bool>) {
        let seen = Seen::default();
        let subscriber = tracing_subscriber::registry().with(seen.clone().with_filter(
            tracing_subscriber::filter::filter_fn(|m| m.target().starts_with("copydesk::server")),
        ));
        let inside = Arc::new(Mutex::new(Vec::new()));
        let service = TraceLayer::new("segmenter").layer(answering(status, Arc::clone(&inside)));
        let request = http::Request::builder().uri(path).body(()).unwrap();
        // The test runtime has one thread: the subscriber stays for the call.
        let _subscriber = tracing::subscriber::set_default(subscriber);
        service.oneshot(request).await.unwrap();
        let inside = inside.lock().unwrap().clone();
        (seen, inside)
    }

    #[tokio::test]
    async fn a_call_runs_inside_its_servers_span_with_its_status() {
        let (seen, inside) = call("/copydesk.v1.Segmenter/Segment", Some(3)).await;
        assert_eq!(inside, [true, true]);
        let spans = seen.0.lock().unwrap().clone();
        assert_eq!(spans.len(), 1, "{spans:?}");
        let (target, fields) = &spans[0];
        assert_eq!(target, "copydesk::server::segmenter");
        assert!(
            fields.contains(&("rpc.grpc.status_code".into(), "3".into())),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("otel.status_code".into(), "\"ERROR\"".into())),
            "{fields:?}"
        );
    }

    #[tokio::test]
    async fn an_ok_call_is_not_an_error_and_http_has_no_grpc_status() {
        let (seen, _) = call("/copydesk.v1.Segmenter/Segment", Some(0)).await;
        let fields = seen.0.lock().unwrap()[0].1.clone();
        assert!(
            fields.contains(&("rpc.grpc.status_code".into(), "0".into())),
            "{fields:?}"
        );
        assert!(
            !fields.iter().any(|(name, _)| name == "otel.status_code"),
            "{fields:?}"
        );
        let (seen, inside) = call("/v1/annotate", None).await;
        assert_eq!(inside, [true, true]);
        let fields = seen.0.lock().unwrap()[0].1.clone();
        assert!(
            !fields.iter().any(|(name, _)| name.starts_with("rpc.")),
            "{fields:?}"
        );
    }

    #[tokio::test]
    async fn probes_and_scrapes_get_no_span() {
        for path in [
            "/grpc.health.v1.Health/Check",
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "/metrics",
        ] {
            let (seen, inside) = call(path, Some(0)).await;
            assert!(seen.0.lock().unwrap().is_empty(), "{path}");
            assert_eq!(inside, [false, false], "{path}");
        }
    }
}
