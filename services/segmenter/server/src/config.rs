//! The segmenter server's settings.

use copydesk_runtime::ServerConfig;

/// Default largest document: 1 MiB of text, far beyond any news story.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Settings of the segmenter server.
#[derive(Clone, Debug, clap::Args)]
pub struct SegmenterConfig {
    /// Largest `Document.text` accepted, in UTF-8 bytes; larger documents get
    /// INVALID_ARGUMENT, never a cut.
    #[arg(long, env = "COPYDESK_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    #[command(flatten)]
    pub server: ServerConfig,
}

impl Default for SegmenterConfig {
    fn default() -> Self {
        SegmenterConfig {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            server: ServerConfig::default(),
        }
    }
}
