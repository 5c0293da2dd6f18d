//! Why a sentiment request fails.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request has no `document`.
    #[error("document is required")]
    MissingDocument,
    /// The text is larger than the configured limit.
    #[error(
        "document.text is {size} bytes, over this server's limit of {limit} bytes (--max-document-bytes / COPYDESK_MAX_DOCUMENT_BYTES)"
    )]
    DocumentTooLarge { size: usize, limit: usize },
    /// `content_type` is HTML.
    #[error("document.content_type HTML is not supported yet; send PLAIN_TEXT")]
    HtmlNotSupported,
    /// An enum field holds a number the contract does not define.
    #[error("{field}: unknown value {value}")]
    UnknownEnumValue { field: &'static str, value: i32 },
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
            Error::MissingDocument
            | Error::DocumentTooLarge { .. }
            | Error::HtmlNotSupported
            | Error::UnknownEnumValue { .. }
            | Error::RequestSpan { .. } => Status::invalid_argument(message),
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
