//! A response body that keeps something alive until the response has been
//! sent, and lets it see the trailers: load-shedding permits and request
//! metrics both end with the body, not with the handler, because a streaming
//! call is still running after its handler returned.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Told about the end of a response body.
pub(crate) trait BodyObserver: Send + Unpin + 'static {
    /// The body's trailers, where gRPC puts `grpc-status`.
    fn on_trailers(&mut self, _trailers: &http::HeaderMap) {}
    /// The body was sent completely.
    fn on_end(&mut self) {}
}

/// Holding a permit until the end is all a permit needs.
impl BodyObserver for tokio::sync::OwnedSemaphorePermit {}

pub(crate) struct ObservedBody<O> {
    inner: tonic::body::Body,
    observer: O,
    ended: bool,
}

impl<O: BodyObserver> ObservedBody<O> {
    pub(crate) fn wrap(inner: tonic::body::Body, observer: O) -> tonic::body::Body {
        tonic::body::Body::new(ObservedBody {
            inner,
            observer,
            ended: false,
        })
    }
}

impl<O: BodyObserver> Body for ObservedBody<O> {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    this.observer.on_trailers(trailers);
                }
            }
            Poll::Ready(None) if !this.ended => {
                this.ended = true;
                this.observer.on_end();
            }
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
