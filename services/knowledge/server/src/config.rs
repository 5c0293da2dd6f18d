//! The knowledge server's settings.

use std::path::PathBuf;

use copydesk_runtime::ServerConfig;

/// Default largest document: 1 MiB of text, as for the other servers.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// The shipped base under the models directory.
pub const DEFAULT_BASE_DIR: &str = "knowledge/default";

/// Settings of the knowledge server.
#[derive(Clone, Debug, clap::Args)]
pub struct KnowledgeConfig {
    /// Largest `Document.text` accepted, in UTF-8 bytes; larger documents get
    /// INVALID_ARGUMENT, never a cut.
    #[arg(long, env = "COPYDESK_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    /// Directory holding the model directories; the default knowledge base
    /// is read from its `knowledge/default` subdirectory unless
    /// --knowledge-dir says otherwise.
    #[arg(long, env = "COPYDESK_MODELS_DIR", default_value = "models")]
    pub models_dir: PathBuf,

    /// Directory of the shipped default base (`manifest.json`, its JSONL
    /// files, `SHA256SUMS`). Unset: `knowledge/default` under --models-dir.
    /// Health is NOT_SERVING until it has loaded.
    #[arg(long, env = "COPYDESK_KNOWLEDGE_DIR")]
    pub knowledge_dir: Option<PathBuf>,

    /// A newsroom's own base (JSON Lines, one entry a line); repeat the flag
    /// for several. Searched before the default base, and reloaded when the
    /// file changes or on SIGHUP; a file with errors keeps the previous copy
    /// serving.
    #[arg(
        long = "newsroom-base",
        env = "COPYDESK_NEWSROOM_BASES",
        value_delimiter = ','
    )]
    pub newsroom_bases: Vec<PathBuf>,

    /// How often to look for changed base files (size and modification
    /// time), in seconds; 0: only on SIGHUP.
    #[arg(
        long,
        env = "COPYDESK_KNOWLEDGE_RELOAD_INTERVAL_SECS",
        default_value_t = 5
    )]
    pub reload_interval_secs: u64,

    /// Links below this confidence (0 to 1) are not given: a wrong
    /// confident link is worse than none.
    #[arg(long, env = "COPYDESK_LINK_THRESHOLD", default_value_t = copydesk_knowledge::DEFAULT_THRESHOLD)]
    pub link_threshold: f32,

    /// Largest base file read, in bytes; a larger one is refused whole.
    #[arg(long, env = "COPYDESK_MAX_BASE_BYTES", default_value_t = copydesk_knowledge::load::DEFAULT_MAX_FILE_BYTES)]
    pub max_base_bytes: u64,

    #[command(flatten)]
    pub server: ServerConfig,
}

impl Default for KnowledgeConfig {
    fn default() -> Self {
        KnowledgeConfig {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            models_dir: PathBuf::from("models"),
            knowledge_dir: None,
            newsroom_bases: Vec::new(),
            reload_interval_secs: 5,
            link_threshold: copydesk_knowledge::DEFAULT_THRESHOLD,
            max_base_bytes: copydesk_knowledge::load::DEFAULT_MAX_FILE_BYTES,
            server: ServerConfig::default(),
        }
    }
}

impl KnowledgeConfig {
    /// Where the default base is.
    pub fn default_base_dir(&self) -> PathBuf {
        self.knowledge_dir
            .clone()
            .unwrap_or_else(|| self.models_dir.join(DEFAULT_BASE_DIR))
    }
}
