//! Settings every server takes, as flags and environment variables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;

use crate::error::Error;

/// Default of --max-message-bytes: 64 MiB. A segmentation takes up to
/// about 21 bytes per byte of text (1 MB of commas: 21 MB), so this carries
/// the requests and answers of the largest document the default
/// --max-document-bytes (1 MiB) admits, with room.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// Default of --max-inflight-bytes: 1 MiB of document text.
pub const DEFAULT_MAX_INFLIGHT_BYTES: usize = 1024 * 1024;

/// Settings shared by every Copydesk server.
#[derive(Clone, Debug, clap::Args)]
pub struct ServerConfig {
    /// Largest gRPC message accepted or sent, in bytes. A segmentation
    /// takes up to about 21 bytes per byte of text, so keep this over 21
    /// times --max-document-bytes, or answers of the largest documents are
    /// refused (RESOURCE_EXHAUSTED naming this flag).
    #[arg(long, env = "COPYDESK_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,

    /// Requests handled at once; beyond it new requests are refused at once
    /// with RESOURCE_EXHAUSTED (HTTP 429) instead of queueing. 0: no limit.
    /// Health, reflection, Info and /metrics are never refused. A request
    /// counts from the end of its body to the end of its answer; a stream
    /// counts while one of its messages is being processed.
    #[arg(long, env = "COPYDESK_MAX_CONCURRENT_REQUESTS", default_value_t = 64)]
    pub max_concurrent_requests: usize,

    /// Bytes of document text handled at once (of the whole message or
    /// HTTP body for requests without documents); beyond it new requests
    /// are refused like over --max-concurrent-requests. A request larger
    /// than this runs when nothing else does. Memory follows the text
    /// being analysed, not the number of requests: in an overload run of
    /// 100 KB documents on two cores the entities server peaked at 1.0 GB
    /// with 1 MiB in flight, 1.8 GB with 2 MiB and 2.6 GB with 4 MiB, at
    /// the same throughput (CPU-bound). Raise it with the cores. 0: no
    /// limit.
    #[arg(long, env = "COPYDESK_MAX_INFLIGHT_BYTES", default_value_t = DEFAULT_MAX_INFLIGHT_BYTES)]
    pub max_inflight_bytes: usize,

    /// How long a unary call's message or an HTTP request's body may take
    /// to arrive once its headers have, in seconds; a slower one gets
    /// DEADLINE_EXCEEDED (HTTP 408) and never holds a slot while it waits.
    #[arg(long, env = "COPYDESK_REQUEST_BODY_TIMEOUT_SECS", default_value_t = 10)]
    pub request_body_timeout_secs: u64,

    /// How long a new connection may take to send its first complete
    /// request head, in seconds (TLS handshake included); a connection that
    /// sends nothing, or only the HTTP/2 preface, is closed after it.
    #[arg(
        long,
        env = "COPYDESK_FIRST_REQUEST_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub first_request_timeout_secs: u64,

    /// HTTP/2 PING interval on client connections, in seconds, so that
    /// half-open and unresponsive peers are found and closed. 0: no pings.
    #[arg(long, env = "COPYDESK_HTTP2_KEEPALIVE_SECS", default_value_t = 30)]
    pub http2_keepalive_secs: u64,

    /// How long a PING may go unanswered before the connection is closed,
    /// in seconds.
    #[arg(
        long,
        env = "COPYDESK_HTTP2_KEEPALIVE_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub http2_keepalive_timeout_secs: u64,

    /// Age after which a client connection is asked to go away (HTTP/2
    /// GOAWAY; calls on it finish, clients reconnect), in seconds, so that
    /// idle connections kept alive by pings do not pile up. 0: never.
    #[arg(long, env = "COPYDESK_MAX_CONNECTION_AGE_SECS", default_value_t = 600)]
    pub max_connection_age_secs: u64,

    /// How long in-flight calls may run on after shutdown begins, in
    /// seconds; connections still open after it are closed.
    #[arg(long, env = "COPYDESK_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,

    /// PEM certificate (chain) to serve TLS with; needs --tls-key. Unset:
    /// plain TCP. With TLS the port speaks HTTP/2 only (ALPN h2), so
    /// HTTP/JSON clients must offer h2, as curl and browsers do.
    #[arg(long, env = "COPYDESK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "COPYDESK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// PEM CA certificate clients must present a certificate from (mutual
    /// TLS). Unset: clients are not asked for one.
    #[arg(long, env = "COPYDESK_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,

    /// Bearer token every call must carry (gRPC `authorization: Bearer
    /// <token>`, HTTP `Authorization` header); health, reflection, Info,
    /// /metrics and the gateway's public pages stay open. On the services
    /// behind a gateway, give the gateway the same token as
    /// --downstream-auth-token. Unset: no authentication.
    #[arg(long, env = "COPYDESK_AUTH_TOKEN", hide_env_values = true)]
    pub auth_token: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_concurrent_requests: 64,
            max_inflight_bytes: DEFAULT_MAX_INFLIGHT_BYTES,
            request_body_timeout_secs: 10,
            first_request_timeout_secs: 10,
            http2_keepalive_secs: 30,
            http2_keepalive_timeout_secs: 10,
            max_connection_age_secs: 600,
            shutdown_grace_secs: 10,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            auth_token: None,
        }
    }
}

impl ServerConfig {
    /// The drain period after a shutdown signal.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// --request-body-timeout-secs.
    pub fn request_body_timeout(&self) -> Duration {
        Duration::from_secs(self.request_body_timeout_secs)
    }

    /// --first-request-timeout-secs.
    pub fn first_request_timeout(&self) -> Duration {
        Duration::from_secs(self.first_request_timeout_secs)
    }
}

impl ServerConfig {
    /// The listener's TLS (HTTP/2 only, by ALPN), files read; `None`
    /// without --tls-cert.
    pub fn tls_acceptor(&self) -> Result<Option<TlsAcceptor>, Error> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let bad = |what: &'static str, path: &Path, message: String| Error::TlsConfig {
            what,
            path: path.to_owned(),
            message,
        };
        let chain = CertificateDer::pem_slice_iter(&read(cert, "certificate")?)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad("certificate", cert, e.to_string()))?;
        let private_key = PrivateKeyDer::from_pem_slice(&read(key, "private key")?)
            .map_err(|e| bad("private key", key, e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| bad("certificate", cert, e.to_string()))?;
        let builder = match &self.tls_client_ca {
            None => builder.with_no_client_auth(),
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for root in CertificateDer::pem_slice_iter(&read(ca, "client CA")?) {
                    let root = root.map_err(|e| bad("client CA", ca, e.to_string()))?;
                    roots
                        .add(root)
                        .map_err(|e| bad("client CA", ca, e.to_string()))?;
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| bad("client CA", ca, e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut tls = builder
            .with_single_cert(chain, private_key)
            .map_err(|e| bad("certificate", cert, e.to_string()))?;
        tls.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Some(TlsAcceptor::from(Arc::new(tls))))
    }
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::TlsFile {
        what,
        path: path.to_owned(),
        source,
    })
}
