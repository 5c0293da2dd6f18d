//! Why a knowledge request fails.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks the contract every service checks.
    #[error(transparent)]
    Request(#[from] copydesk_runtime::RequestError),
    /// A span of the request is not a stretch of the text in the request's
    /// encoding.
    #[error("{field}: {source}")]
    RequestSpan {
        field: &'static str,
        source: SpanError,
    },
    /// A field is out of its bounds (query length, limit, base names).
    #[error("{0}")]
    InvalidArgument(String),
    /// The default base has not loaded (yet, or at all).
    #[error("the default knowledge base is not loaded: {0}")]
    NotLoaded(String),
    /// Converting the response's offsets failed: a bug, since every span
    /// comes from the checked request or the tokens.
    #[error("offset conversion of the response: {0}")]
    ResponseSpan(SpanError),
    /// The worker thread running the engine panicked or was cancelled.
    #[error("knowledge worker failed: {0}")]
    Worker(#[from] tokio::task::JoinError),
    /// The server itself failed.
    #[error(transparent)]
    Runtime(#[from] copydesk_runtime::Error),
}

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::Request(request) => Status::from(request),
            Error::RequestSpan { .. } | Error::InvalidArgument(_) => {
                Status::invalid_argument(message)
            }
            Error::NotLoaded(_) => Status::unavailable(message),
            Error::ResponseSpan(_) | Error::Worker(_) => Status::internal(message),
            Error::Runtime(runtime) => runtime.into(),
        }
    }
}
