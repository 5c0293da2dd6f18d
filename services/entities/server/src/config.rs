//! The entities server's settings.

use std::path::PathBuf;

use copydesk_runtime::ServerConfig;

/// Default largest document: 1 MiB of text, as for the segmenter, so that
/// the gateway can hand on whatever the segmenter accepted.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The NER model's directory under `--models-dir`.
pub const NER_MODEL: &str = "neuroner-conll2003-en";

/// The fine-type model's directory under `--models-dir`.
pub const FINE_TYPES_MODEL: &str = copydesk_entities::fine_types::MODEL_DIR_NAME;

/// Settings of the entities server.
#[derive(Clone, Debug, clap::Args)]
pub struct EntitiesConfig {
    /// Largest `Document.text` accepted, in UTF-8 bytes; larger documents get
    /// INVALID_ARGUMENT, never a cut.
    #[arg(long, env = "COPYDESK_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    /// Directory holding the model directories; the NER model is read from
    /// its `neuroner-conll2003-en` subdirectory and the fine-type model from
    /// `fine-types`, in the background: health is NOT_SERVING until both
    /// have loaded.
    #[arg(long, env = "COPYDESK_MODELS_DIR", default_value = "models")]
    pub models_dir: PathBuf,

    #[command(flatten)]
    pub server: ServerConfig,
}

impl Default for EntitiesConfig {
    fn default() -> Self {
        EntitiesConfig {
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            models_dir: PathBuf::from("models"),
            server: ServerConfig::default(),
        }
    }
}

impl EntitiesConfig {
    /// Where the NER model is.
    pub fn ner_model_dir(&self) -> PathBuf {
        self.models_dir.join(NER_MODEL)
    }

    /// Where the fine-type model is.
    pub fn fine_types_dir(&self) -> PathBuf {
        self.models_dir.join(FINE_TYPES_MODEL)
    }
}
