//! The gateway's settings.

use copydesk_runtime::ServerConfig;

/// Default largest document: 1 MiB of text, as on the segmenter.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Default address of the segmenter service.
pub const DEFAULT_SEGMENTER_ADDR: &str = "http://127.0.0.1:50052";

/// Default address of the entities service.
pub const DEFAULT_ENTITIES_ADDR: &str = "http://127.0.0.1:50053";

/// Default address of the sentiment service.
pub const DEFAULT_SENTIMENT_ADDR: &str = "http://127.0.0.1:50054";

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
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions {
            max_batch_documents: 100,
            batch_concurrency: 4,
            max_http_body_bytes: 32 * 1024 * 1024,
            downstream_timeout_ms: 30_000,
        }
    }
}

/// Settings of the gateway server.
#[derive(Clone, Debug, clap::Args)]
pub struct GatewayConfig {
    /// Address of the segmenter service.
    #[arg(long = "segmenter", env = "COPYDESK_SEGMENTER_ADDR", default_value = DEFAULT_SEGMENTER_ADDR)]
    pub segmenter_addr: String,

    /// Address of the entities service.
    #[arg(long = "entities", env = "COPYDESK_ENTITIES_ADDR", default_value = DEFAULT_ENTITIES_ADDR)]
    pub entities_addr: String,

    /// Address of the sentiment service.
    #[arg(long = "sentiment", env = "COPYDESK_SENTIMENT_ADDR", default_value = DEFAULT_SENTIMENT_ADDR)]
    pub sentiment_addr: String,

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
            gateway: GatewayOptions::default(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            server: ServerConfig::default(),
        }
    }
}
