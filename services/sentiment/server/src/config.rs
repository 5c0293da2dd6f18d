//! The sentiment server's settings.

use std::path::PathBuf;

use copydesk_runtime::ServerConfig;

/// Default largest document: 1 MiB of text, far beyond any news story.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Settings of the sentiment server.
#[derive(Clone, Debug, clap::Args)]
pub struct SentimentConfig {
    /// Largest `Document.text` accepted, in UTF-8 bytes; larger documents get
    /// INVALID_ARGUMENT, never a cut.
    #[arg(long, env = "COPYDESK_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    /// Directory holding `vader/vader_lexicon.txt` and
    /// `sentiment-news/news_calibration.tsv` (the repository's `models/`).
    /// Unset: the copies of those files built into the binary.
    #[arg(long, env = "COPYDESK_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,

    #[command(flatten)]
    pub server: ServerConfig,
}

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            models_dir: None,
            server: ServerConfig::default(),
        }
    }
}
