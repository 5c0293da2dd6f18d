//! Why a gateway call fails as a whole. Failures of one feature are not
//! errors: they are `FeatureError`s in the answer.

use copydesk_proto::encoding::SpanError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request breaks the contract every service checks.
    #[error(transparent)]
    Request(#[from] copydesk_runtime::RequestError),
    /// `features` is set with every field false.
    #[error(
        "features: no analysis requested; leave `features` unset for all of them or set at least one to true"
    )]
    NoFeatures,
    /// A batch holds more documents than allowed.
    #[error(
        "documents: {count} documents, over this server's limit of {limit} per batch (--max-batch-documents / COPYDESK_MAX_BATCH_DOCUMENTS)"
    )]
    TooManyDocuments { count: usize, limit: usize },
    /// A service refused the request itself (too large, malformed): the
    /// caller's request is at fault, so the whole call fails.
    #[error("{service}: {}", status.message())]
    RejectedDownstream {
        service: &'static str,
        status: Status,
    },
    /// Every feature the caller asked for ran out of time: an answer with
    /// nothing in it is not a success.
    #[error("no feature finished in time: {0}")]
    DeadlineExceeded(String),
    /// Converting offsets to the requested encoding failed: a bug, since
    /// spans come from the services in UTF-8 bytes of this very text.
    #[error("offset conversion: {0}")]
    Offsets(#[from] SpanError),
    /// A configured address is not a URI.
    #[error("address of the {service} service {address:?}: {source}")]
    Address {
        service: &'static str,
        address: String,
        source: crate::downstream::BadAddress,
    },
    /// A TLS file cannot be read.
    #[error("{what} {path:?}: {source}")]
    TlsFile {
        what: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The downstream token cannot be sent as a header.
    #[error(
        "--downstream-auth-token / COPYDESK_DOWNSTREAM_AUTH_TOKEN: a token must be visible ASCII without line breaks"
    )]
    DownstreamToken,
    /// The server itself failed.
    #[error(transparent)]
    Runtime(#[from] copydesk_runtime::Error),
}

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::Request(request) => Status::from(request),
            Error::NoFeatures | Error::TooManyDocuments { .. } => Status::invalid_argument(message),
            Error::RejectedDownstream { status, .. } => Status::new(status.code(), message),
            Error::DeadlineExceeded(_) => Status::deadline_exceeded(message),
            Error::Offsets(_) => Status::internal(message),
            Error::Address { .. } | Error::TlsFile { .. } | Error::DownstreamToken => {
                Status::failed_precondition(message)
            }
            Error::Runtime(runtime) => runtime.into(),
        }
    }
}
