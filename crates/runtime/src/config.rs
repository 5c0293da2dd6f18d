//! Settings every server takes, as flags and environment variables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tonic::transport::{Certificate, Identity, ServerTlsConfig};

use crate::error::Error;

/// Settings shared by every Copydesk server.
#[derive(Clone, Debug, clap::Args)]
pub struct ServerConfig {
    /// Largest gRPC message accepted or sent, in bytes. A segmentation is
    /// several times larger than its text, so keep this well above the
    /// largest document.
    #[arg(long, env = "COPYDESK_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,

    /// Requests handled at once; beyond it new requests are refused at once
    /// with RESOURCE_EXHAUSTED (HTTP 429) instead of queueing. 0: no limit.
    /// Health, reflection, Info and /metrics are never refused.
    #[arg(long, env = "COPYDESK_MAX_CONCURRENT_REQUESTS", default_value_t = 64)]
    pub max_concurrent_requests: usize,

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
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_message_bytes: 16 * 1024 * 1024,
            max_concurrent_requests: 64,
            shutdown_grace_secs: 10,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
        }
    }
}

impl ServerConfig {
    /// The drain period after a shutdown signal.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

impl ServerConfig {
    /// The listener's TLS settings, files read; `None` without --tls-cert.
    pub fn tls(&self) -> Result<Option<ServerTlsConfig>, Error> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(
            read(cert, "certificate")?,
            read(key, "private key")?,
        ));
        if let Some(ca) = &self.tls_client_ca {
            tls = tls.client_ca_root(Certificate::from_pem(read(ca, "client CA")?));
        }
        Ok(Some(tls))
    }
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::TlsFile {
        what,
        path: path.to_owned(),
        source,
    })
}
