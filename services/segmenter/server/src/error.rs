//! Why a segmentation request fails.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks the contract every service checks.
    #[error(transparent)]
    Request(#[from] copydesk_runtime::RequestError),
    /// The engine produced a span that is not a stretch of the text: a bug.
    #[error("the segmenter produced an invalid span {start}..{end} for a text of {len} bytes")]
    EngineSpan {
        start: usize,
        end: usize,
        len: usize,
    },
    /// Converting offsets to the requested encoding failed: a bug, since
    /// the engine's spans are checked first.
    #[error("offset conversion: {0}")]
    Offsets(#[from] SpanError),
    /// The worker thread running the engine panicked or was cancelled.
    #[error("segmentation worker failed: {0}")]
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
            Error::EngineSpan { .. } | Error::Offsets(_) | Error::Worker(_) => {
                Status::internal(message)
            }
            Error::Runtime(runtime) => runtime.into(),
        }
    }
}
