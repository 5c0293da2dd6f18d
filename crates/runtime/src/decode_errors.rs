//! Malformed requests are the caller's fault: INVALID_ARGUMENT, not INTERNAL.
//!
//! tonic's prost codec reports a request it cannot decode (for example a
//! `string` field holding invalid UTF-8) as INTERNAL, before any handler
//! runs. This layer rewrites exactly that status, recognised by prost's
//! error text, into INVALID_ARGUMENT with the same message. Streaming
//! handlers meet the same error while reading their input and use
//! [`decode_error_as_invalid_argument`].

use crate::BoxFuture;
use std::task::{Context, Poll};

use tonic::{Code, Status};
use tower::{Layer, Service};

/// How `prost::DecodeError` starts its message (a test keeps it honest).
const DECODE_ERROR_PREFIX: &str = "failed to decode Protobuf message";

/// The status a caller should get for `status`: INVALID_ARGUMENT when it
/// is the codec's INTERNAL for an undecodable request, `status` otherwise.
pub fn decode_error_as_invalid_argument(status: Status) -> Status {
    if is_decode_error(&status) {
        Status::invalid_argument(format!(
            "the request is not a valid message: {}",
            status.message()
        ))
    } else {
        status
    }
}

fn is_decode_error(status: &Status) -> bool {
    status.code() == Code::Internal && status.message().starts_with(DECODE_ERROR_PREFIX)
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DecodeErrorLayer;

impl<S> Layer<S> for DecodeErrorLayer {
    type Service = DecodeErrorService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DecodeErrorService { inner }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct DecodeErrorService<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for DecodeErrorService<S>
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
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            // A failed unary decode is a trailers-only response: the status
            // is in the headers.
            match Status::from_header_map(response.headers()) {
                Some(status) if is_decode_error(&status) => {
                    Ok(decode_error_as_invalid_argument(status).into_http())
                }
                _ => Ok(response),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn prost_decode_errors_start_with_the_prefix_we_match() {
        // A string field (tag 1, length 1) holding a lone continuation byte.
        let error = <String as prost::Message>::decode(&b"\x0a\x01\xff"[..]).unwrap_err();
        assert!(
            error.to_string().starts_with(DECODE_ERROR_PREFIX),
            "{error}"
        );
    }

    #[test]
    fn only_the_codec_error_is_rewritten() {
        let decode = Status::internal(format!("{DECODE_ERROR_PREFIX}: invalid string value"));
        assert_eq!(
            decode_error_as_invalid_argument(decode).code(),
            Code::InvalidArgument
        );
        let other = Status::internal("something else broke");
        assert_eq!(
            decode_error_as_invalid_argument(other).code(),
            Code::Internal
        );
        let unavailable = Status::unavailable(DECODE_ERROR_PREFIX);
        assert_eq!(
            decode_error_as_invalid_argument(unavailable).code(),
            Code::Unavailable
        );
    }
}
