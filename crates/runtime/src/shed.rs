//! Load shedding: a fixed number of requests run at once and the next one is
//! refused immediately with RESOURCE_EXHAUSTED (HTTP 429). A queue would
//! only turn overload into timeouts; a fast refusal lets the caller retry
//! elsewhere or later.

use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Semaphore;
use tonic::Status;
use tower::{Layer, Service};

use crate::BoxFuture;
use crate::body::ObservedBody;
use crate::metrics::{SHED, is_grpc};

/// Services that must answer even when the server is full: probes and
/// introspection are how operators find out that it is full.
const NEVER_SHED: &[&str] = &[
    "/grpc.health.v1.Health/",
    "/grpc.reflection.",
    "/copydesk.v1.Info/",
    "/metrics",
];

#[derive(Clone, Debug)]
pub(crate) struct ShedLayer {
    server: &'static str,
    limit: usize,
    permits: Option<Arc<Semaphore>>,
}

impl ShedLayer {
    /// `limit` 0 means no limit.
    pub(crate) fn new(server: &'static str, limit: usize) -> Self {
        let permits = (limit > 0).then(|| Arc::new(Semaphore::new(limit)));
        ShedLayer {
            server,
            limit,
            permits,
        }
    }
}

impl<S> Layer<S> for ShedLayer {
    type Service = ShedService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ShedService {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ShedService<S> {
    inner: S,
    layer: ShedLayer,
}

impl<S, B> Service<http::Request<B>> for ShedService<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        let permits = match &self.layer.permits {
            Some(permits) if !NEVER_SHED.iter().any(|p| path.starts_with(p)) => permits,
            _ => return Box::pin(self.inner.call(request)),
        };
        match Arc::clone(permits).try_acquire_owned() {
            Ok(permit) => {
                let future = self.inner.call(request);
                Box::pin(async move {
                    let response = future.await?;
                    Ok(response.map(|body| ObservedBody::wrap(body, permit)))
                })
            }
            Err(_) => {
                metrics::counter!(SHED, "server" => self.layer.server).increment(1);
                let refusal = refusal(self.layer.limit, is_grpc(request.headers()));
                Box::pin(async move { Ok(refusal) })
            }
        }
    }
}

fn refusal(limit: usize, grpc: bool) -> http::Response<tonic::body::Body> {
    let message = format!("server is at its limit of {limit} concurrent requests; retry later");
    if grpc {
        return Status::resource_exhausted(message).into_http();
    }
    let body =
        serde_json::json!({ "code": tonic::Code::ResourceExhausted as i32, "message": message })
            .to_string();
    let mut response = http::Response::new(tonic::body::Body::new(body));
    *response.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
