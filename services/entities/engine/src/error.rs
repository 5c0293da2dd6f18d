//! Why recognising a document fails.

/// Failures of the entity engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The document's language has no model: only English is supported.
    #[error("language {code} is not supported for entities; supported: en")]
    UnsupportedLanguage { code: String },
    /// The segmentation handed in does not fit the text: a span outside it
    /// or inside a character, or a sentence over tokens that do not exist.
    #[error("segmentation does not fit the text: {0}")]
    Segmentation(String),
    /// The model returned a name over tokens its sentence does not have.
    #[error("the NER model returned tokens {start}..{end} for sentence {sentence} of {len} tokens")]
    ModelSpan {
        sentence: usize,
        start: usize,
        end: usize,
        len: usize,
    },
    /// The model returned a different number of sentences than it was given.
    #[error("the NER model answered {got} sentences for {sent}")]
    ModelSentences { sent: usize, got: usize },
    /// The fine-type model's file is missing, altered or malformed.
    #[error("the fine-type model {path}: {message}")]
    FineTypes { path: String, message: String },
    /// The model failed.
    #[error(transparent)]
    Model(#[from] copydesk_ner::Error),
    /// The caller went away before the answer was ready; the rest of the
    /// work was skipped.
    #[error("recognition abandoned: the caller went away")]
    Abandoned,
}
