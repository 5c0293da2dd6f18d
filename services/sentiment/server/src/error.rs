//! Why a sentiment request fails.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks the contract every service checks.
    #[error(transparent)]
    Request(#[from] copydesk_runtime::RequestError),
    /// A span of the request (segmentation or mention) is not a stretch of
    /// the text in the request's encoding.
    #[error("{field}: {source}")]
    RequestSpan {
        field: &'static str,
        source: SpanError,
    },
    /// The engine refused the input (bad span, unsupported language).
    #[error(transparent)]
    Engine(#[from] copydesk_sentiment::Error),
    /// Converting the response's offsets failed: a bug, since every span
    /// comes from the checked request or the segmenter.
    #[error("offset conversion of the response: {0}")]
    ResponseSpan(SpanError),
    /// The worker thread running the engine panicked or was cancelled.
    #[error("sentiment worker failed: {0}")]
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
            Error::RequestSpan { .. } => Status::invalid_argument(message),
            Error::Engine(engine) => match engine {
                copydesk_sentiment::Error::SentenceSpan { .. }
                | copydesk_sentiment::Error::MentionSpan { .. }
                | copydesk_sentiment::Error::UnsupportedLanguage { .. } => {
                    Status::invalid_argument(message)
                }
                // Models are loaded before serving; reaching these here
                // would mean the server runs without them.
                copydesk_sentiment::Error::LexiconIo { .. }
                | copydesk_sentiment::Error::LexiconFormat { .. }
                | copydesk_sentiment::Error::ModelIo { .. }
                | copydesk_sentiment::Error::CalibrationFormat { .. } => {
                    Status::failed_precondition(message)
                }
            },
            Error::ResponseSpan(_) | Error::Worker(_) => Status::internal(message),
            Error::Runtime(runtime) => runtime.into(),
        }
    }
}
