//! Why an entity request fails.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks the contract every service checks.
    #[error(transparent)]
    Request(#[from] copydesk_runtime::RequestError),
    /// A span of the request's segmentation is not a stretch of the text in
    /// the request's encoding.
    #[error("segmentation: {0}")]
    RequestSpan(SpanError),
    /// A span of the request's segmentation is missing.
    #[error("segmentation.{owner}[{index}].span is required")]
    MissingSpan { owner: &'static str, index: usize },
    /// The document or its segmentation cannot be analysed: an unsupported
    /// language, a sentence over tokens that do not exist.
    #[error(transparent)]
    Engine(#[from] copydesk_entities::Error),
    /// The model is still loading.
    #[error("the NER model is still loading; health turns SERVING when it is ready")]
    ModelLoading,
    /// The model could not be loaded.
    #[error("the NER model is not available: {0}")]
    ModelUnavailable(String),
    /// Converting the answer's offsets failed: a bug, since the engine's
    /// spans come from checked tokens.
    #[error("offset conversion of the answer: {0}")]
    ResponseSpan(SpanError),
    /// The worker thread running the engine panicked or was cancelled.
    #[error("entity worker failed: {0}")]
    Worker(#[from] tokio::task::JoinError),
    /// The server itself failed.
    #[error(transparent)]
    Runtime(#[from] copydesk_runtime::Error),
}

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        use copydesk_entities::Error as Engine;
        let message = error.to_string();
        match error {
            Error::Request(request) => Status::from(request),
            Error::RequestSpan(_) | Error::MissingSpan { .. } => Status::invalid_argument(message),
            Error::Engine(engine) => match engine {
                Engine::UnsupportedLanguage { .. } | Engine::Segmentation(_) => {
                    Status::invalid_argument(message)
                }
                Engine::ModelSpan { .. }
                | Engine::ModelSentences { .. }
                | Engine::Model(_)
                | Engine::FineTypes { .. } => Status::internal(message),
                // Nobody is waiting for this status: the call was dropped.
                Engine::Abandoned => Status::cancelled(message),
            },
            // A load that failed will not succeed by retrying this call,
            // but the service as a whole is down, as UNAVAILABLE says.
            Error::ModelLoading | Error::ModelUnavailable(_) => Status::unavailable(message),
            Error::ResponseSpan(_) | Error::Worker(_) => Status::internal(message),
            Error::Runtime(runtime) => runtime.into(),
        }
    }
}
