//! What can go wrong while running a server.

/// Failures of the runtime itself (not of requests: those are `Status`es).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listener could not be read or configured.
    #[error("listener: {0}")]
    Listener(#[from] std::io::Error),
    /// The gRPC/HTTP server failed.
    #[error("server: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The reflection service could not read the descriptor sets.
    #[error("gRPC reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// A TLS certificate or key cannot be read.
    #[error("TLS {what} {path:?}: {source}")]
    TlsFile {
        what: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// A TLS certificate or key cannot be used.
    #[error("TLS {what} {path:?}: {message}")]
    TlsConfig {
        what: &'static str,
        path: std::path::PathBuf,
        message: String,
    },
}

impl From<Error> for tonic::Status {
    fn from(error: Error) -> Self {
        match error {
            Error::Listener(_)
            | Error::Transport(_)
            | Error::TlsFile { .. }
            | Error::TlsConfig { .. } => tonic::Status::unavailable(error.to_string()),
            Error::Reflection(_) => tonic::Status::internal(error.to_string()),
        }
    }
}
