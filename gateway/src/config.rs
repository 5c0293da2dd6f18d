//! The gateway's settings.

use std::path::PathBuf;
use std::time::Duration;

use copydesk_runtime::ServerConfig;
use tonic::transport::{Certificate, ClientTlsConfig, Identity};

use crate::downstream::DownstreamSettings;
use crate::error::Error;
use crate::retry::RetryPolicy;

/// Default largest document: 1 MiB of text, as on the segmenter.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Default address of the segmenter service.
pub const DEFAULT_SEGMENTER_ADDR: &str = "http://127.0.0.1:50052";

/// Default address of the entities service.
pub const DEFAULT_ENTITIES_ADDR: &str = "http://127.0.0.1:50053";

/// Default address of the sentiment service.
pub const DEFAULT_SENTIMENT_ADDR: &str = "http://127.0.0.1:50054";

/// Default address of the knowledge service.
pub const DEFAULT_KNOWLEDGE_ADDR: &str = "http://127.0.0.1:50055";

/// Settings only the gateway has, apart from the addresses of the services
/// it calls (which `copydesk up` decides itself).
#[derive(Clone, Debug, clap::Args)]
pub struct GatewayOptions {
    /// Largest number of documents in one BatchAnnotate request.
    #[arg(long, env = "COPYDESK_MAX_BATCH_DOCUMENTS", default_value_t = 100)]
    pub max_batch_documents: usize,

    /// Documents of one batch or stream annotated at once.
    #[arg(long, env = "COPYDESK_BATCH_CONCURRENCY", default_value_t = 4)]
    pub batch_concurrency: usize,

    /// Largest HTTP/JSON request body, in bytes.
    #[arg(long, env = "COPYDESK_MAX_HTTP_BODY_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_http_body_bytes: usize,

    /// How long a call to another service may take when the caller set no
    /// deadline, in milliseconds.
    #[arg(long, env = "COPYDESK_DOWNSTREAM_TIMEOUT_MS", default_value_t = 30_000)]
    pub downstream_timeout_ms: u64,

    /// Calls in flight at once to each service; beyond it the feature fails
    /// at once with RESOURCE_EXHAUSTED in `errors` instead of queueing.
    /// 0: no limit.
    #[arg(
        long,
        env = "COPYDESK_DOWNSTREAM_MAX_CONCURRENCY",
        default_value_t = 64
    )]
    pub downstream_max_concurrency: usize,

    /// Attempts per call to a service, the first included, when it answers
    /// UNAVAILABLE or the connection breaks under the call (nothing else is
    /// retried). 1: no retries.
    #[arg(long, env = "COPYDESK_RETRY_MAX_ATTEMPTS", default_value_t = 3)]
    pub retry_max_attempts: u32,

    /// Backoff ceiling before the first retry, in milliseconds; doubled for
    /// each next retry, and the actual pause is random below it.
    #[arg(long, env = "COPYDESK_RETRY_INITIAL_BACKOFF_MS", default_value_t = 25)]
    pub retry_initial_backoff_ms: u64,

    /// Largest backoff ceiling, in milliseconds.
    #[arg(long, env = "COPYDESK_RETRY_MAX_BACKOFF_MS", default_value_t = 1000)]
    pub retry_max_backoff_ms: u64,

    /// Retries allowed per service as a percentage of its calls over the
    /// last ten seconds, so that a down service does not multiply the load.
    #[arg(long, env = "COPYDESK_RETRY_BUDGET_PERCENT", default_value_t = 20.0)]
    pub retry_budget_percent: f32,

    /// Retries allowed per service and second whatever the traffic.
    #[arg(long, env = "COPYDESK_RETRY_BUDGET_MIN_PER_SEC", default_value_t = 10)]
    pub retry_budget_min_per_sec: u32,

    /// HTTP/2 PING interval on the connections to the services, in
    /// seconds, so a hung or vanished peer is found without waiting for a
    /// call to time out. 0: no pings.
    #[arg(long, env = "COPYDESK_DOWNSTREAM_KEEPALIVE_SECS", default_value_t = 10)]
    pub downstream_keepalive_secs: u64,

    /// How long a PING may go unanswered before the connection is dropped,
    /// in seconds.
    #[arg(
        long,
        env = "COPYDESK_DOWNSTREAM_KEEPALIVE_TIMEOUT_SECS",
        default_value_t = 5
    )]
    pub downstream_keepalive_timeout_secs: u64,

    /// How often DNS names among the services' addresses are resolved
    /// again, in seconds, to follow replicas that come and go. 0: never.
    #[arg(long, env = "COPYDESK_DOWNSTREAM_RESOLVE_SECS", default_value_t = 10)]
    pub downstream_resolve_secs: u64,

    /// PEM file of the CA that signed the services' certificates, for
    /// `https://` service addresses (services run with a private CA; no public
    /// roots are trusted).
    #[arg(long, env = "COPYDESK_DOWNSTREAM_TLS_CA")]
    pub downstream_tls_ca: Option<PathBuf>,

    /// PEM certificate the gateway shows the services (mutual TLS); needs
    /// --downstream-tls-key.
    #[arg(
        long,
        env = "COPYDESK_DOWNSTREAM_TLS_CERT",
        requires = "downstream_tls_key"
    )]
    pub downstream_tls_cert: Option<PathBuf>,

    /// PEM private key of --downstream-tls-cert.
    #[arg(
        long,
        env = "COPYDESK_DOWNSTREAM_TLS_KEY",
        requires = "downstream_tls_cert"
    )]
    pub downstream_tls_key: Option<PathBuf>,

    /// Bearer token the gateway sends on every call to the services, which
    /// check it when they run with --auth-token (the gateway's own
    /// --auth-token is the one its callers must send). Unset: none sent.
    #[arg(long, env = "COPYDESK_DOWNSTREAM_AUTH_TOKEN", hide_env_values = true)]
    pub downstream_auth_token: Option<String>,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions {
            max_batch_documents: 100,
            batch_concurrency: 4,
            max_http_body_bytes: 32 * 1024 * 1024,
            downstream_timeout_ms: 30_000,
            downstream_max_concurrency: 64,
            retry_max_attempts: 3,
            retry_initial_backoff_ms: 25,
            retry_max_backoff_ms: 1000,
            retry_budget_percent: 20.0,
            retry_budget_min_per_sec: 10,
            downstream_keepalive_secs: 10,
            downstream_keepalive_timeout_secs: 5,
            downstream_resolve_secs: 10,
            downstream_tls_ca: None,
            downstream_tls_cert: None,
            downstream_tls_key: None,
            downstream_auth_token: None,
        }
    }
}

/// Settings of the gateway server.
#[derive(Clone, Debug, clap::Args)]
pub struct GatewayConfig {
    /// Address of the segmenter service; several, comma-separated, or a DNS
    /// name with several addresses, are called in turn (`https://` for TLS).
    #[arg(long = "segmenter", env = "COPYDESK_SEGMENTER_ADDR", default_value = DEFAULT_SEGMENTER_ADDR)]
    pub segmenter_addr: String,

    /// Address of the entities service (comma-separated for several).
    #[arg(long = "entities", env = "COPYDESK_ENTITIES_ADDR", default_value = DEFAULT_ENTITIES_ADDR)]
    pub entities_addr: String,

    /// Address of the sentiment service (comma-separated for several).
    #[arg(long = "sentiment", env = "COPYDESK_SENTIMENT_ADDR", default_value = DEFAULT_SENTIMENT_ADDR)]
    pub sentiment_addr: String,

    /// Address of the knowledge service, which links entities to knowledge
    /// bases (comma-separated for several).
    #[arg(long = "knowledge-addr", env = "COPYDESK_KNOWLEDGE_ADDR", default_value = DEFAULT_KNOWLEDGE_ADDR)]
    pub knowledge_addr: String,

    #[command(flatten)]
    pub gateway: GatewayOptions,

    /// Largest `Document.text` accepted, in UTF-8 bytes; larger documents get
    /// INVALID_ARGUMENT, never a cut.
    #[arg(long, env = "COPYDESK_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    #[command(flatten)]
    pub server: ServerConfig,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            segmenter_addr: DEFAULT_SEGMENTER_ADDR.to_owned(),
            entities_addr: DEFAULT_ENTITIES_ADDR.to_owned(),
            sentiment_addr: DEFAULT_SENTIMENT_ADDR.to_owned(),
            knowledge_addr: DEFAULT_KNOWLEDGE_ADDR.to_owned(),
            gateway: GatewayOptions::default(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            server: ServerConfig::default(),
        }
    }
}

impl GatewayOptions {
    /// How the gateway talks to the services, files read.
    pub fn downstream_settings(
        &self,
        max_message_bytes: usize,
    ) -> Result<DownstreamSettings, Error> {
        let tls = if self.downstream_tls_ca.is_some() || self.downstream_tls_cert.is_some() {
            let mut tls = ClientTlsConfig::new();
            if let Some(ca) = &self.downstream_tls_ca {
                tls = tls.ca_certificate(Certificate::from_pem(read(ca, "CA certificate")?));
            }
            if let (Some(cert), Some(key)) = (&self.downstream_tls_cert, &self.downstream_tls_key) {
                tls = tls.identity(Identity::from_pem(
                    read(cert, "client certificate")?,
                    read(key, "client key")?,
                ));
            }
            Some(tls)
        } else {
            None
        };
        Ok(DownstreamSettings {
            max_message_bytes,
            default_timeout: Duration::from_millis(self.downstream_timeout_ms),
            retry: RetryPolicy {
                max_attempts: self.retry_max_attempts.max(1),
                initial_backoff: Duration::from_millis(self.retry_initial_backoff_ms),
                max_backoff: Duration::from_millis(self.retry_max_backoff_ms),
                budget_percent: self.retry_budget_percent / 100.0,
                budget_min_per_sec: self.retry_budget_min_per_sec,
            },
            max_concurrent: self.downstream_max_concurrency,
            keepalive_interval: Duration::from_secs(self.downstream_keepalive_secs),
            keepalive_timeout: Duration::from_secs(self.downstream_keepalive_timeout_secs),
            resolve_interval: Duration::from_secs(self.downstream_resolve_secs),
            tls,
            authorization: self
                .downstream_auth_token
                .as_deref()
                .map(bearer_header)
                .transpose()?,
        })
    }
}

/// `Bearer <token>` as gRPC metadata, marked sensitive so that it is never
/// logged.
fn bearer_header(
    token: &str,
) -> Result<tonic::metadata::MetadataValue<tonic::metadata::Ascii>, Error> {
    let mut value = format!("Bearer {token}")
        .parse::<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>()
        .map_err(|_| Error::DownstreamToken)?;
    value.set_sensitive(true);
    Ok(value)
}

fn read(path: &std::path::Path, what: &'static str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::TlsFile {
        what,
        path: path.to_owned(),
        source,
    })
}
