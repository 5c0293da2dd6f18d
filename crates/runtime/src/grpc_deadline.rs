//! The caller's deadline on gRPC calls, and only on them.
//!
//! A gRPC call whose `grpc-timeout` passes before its response starts ends
//! with DEADLINE_EXCEEDED (the handler's future is dropped, which stops its
//! work and its calls downstream). HTTP/JSON requests have no such header
//! in their contract: it is removed, so that a client sending it anyway
//! still gets JSON, and HTTP clients bound their wait on their side.

use std::task::{Context, Poll};

use tonic::Status;
use tower::{Layer, Service};

use crate::BoxFuture;
use crate::deadline::{GRPC_TIMEOUT, parse_grpc_timeout};
use crate::metrics::is_grpc;

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GrpcDeadlineLayer;

impl<S> Layer<S> for GrpcDeadlineLayer {
    type Service = GrpcDeadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcDeadline { inner }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct GrpcDeadline<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for GrpcDeadline<S>
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

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        if !is_grpc(request.headers()) {
            request.headers_mut().remove(GRPC_TIMEOUT);
            return Box::pin(self.inner.call(request));
        }
        let timeout = request
            .headers()
            .get(GRPC_TIMEOUT)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let future = self.inner.call(request);
        let Some(timeout) = timeout else {
            return Box::pin(future);
        };
        Box::pin(async move {
            match tokio::time::timeout(timeout, future).await {
                Ok(response) => response,
                Err(_) => Ok(Status::deadline_exceeded(format!(
                    "the caller's deadline ({timeout:?}) passed"
                ))
                .into_http()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::convert::Infallible;
    use std::time::Duration;

    use tower::ServiceExt;

    use super::*;

    fn slow() -> impl Service<
        http::Request<()>,
        Response = http::Response<tonic::body::Body>,
        Error = Infallible,
        Future = BoxFuture<http::Response<tonic::body::Body>, Infallible>,
    > + Clone {
        tower::service_fn(|request: http::Request<()>| -> BoxFuture<_, Infallible> {
            let saw = request.headers().contains_key(GRPC_TIMEOUT);
            Box::pin(async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Ok(http::Response::new(tonic::body::Body::new(saw.to_string())))
            })
        })
    }

    #[tokio::test(start_paused = true)]
    async fn grpc_calls_end_at_their_deadline_and_http_requests_never_see_one() {
        let service = GrpcDeadlineLayer.layer(slow());
        let grpc = http::Request::post("/copydesk.v1.Annotator/Annotate")
            .header("content-type", "application/grpc")
            .header(GRPC_TIMEOUT, "1n")
            .body(())
            .unwrap();
        let response = service.clone().oneshot(grpc).await.unwrap();
        let status = Status::from_header_map(response.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);

        let http = http::Request::post("/v1/annotate")
            .header("content-type", "application/json")
            .header(GRPC_TIMEOUT, "1n")
            .body(())
            .unwrap();
        let response = service.oneshot(http).await.unwrap();
        assert!(Status::from_header_map(response.headers()).is_none());
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(&body[..], b"false");
    }
}
