//! NeuroNER's BiLSTM-CRF trained on CoNLL-2003 English (PER, ORG, LOC,
//! MISC), ported to Rust: model loading and batched inference.
//!
//! The interface below is fixed; the implementation is being written.

#![forbid(unsafe_code)]

use std::path::Path;

/// The four CoNLL-2003 name types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameLabel {
    Person,
    Organization,
    Location,
    Misc,
}

/// A name found by the model: tokens `start..end` of one sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NameSpan {
    /// Index of the first token within the sentence.
    pub start: usize,
    /// One past the index of the last token.
    pub end: usize,
    pub label: NameLabel,
}

/// Which model answered: name, version, SHA-256 of the weights file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelDescription {
    pub name: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("model files in {dir}: {message}")]
    Load { dir: String, message: String },
    #[error("inference failed: {0}")]
    Inference(String),
}

/// The loaded model. Share it between threads behind an `Arc`.
#[derive(Debug)]
pub struct NerModel {
    description: ModelDescription,
}

impl NerModel {
    /// Loads the converted model from `dir` (`models/neuroner-conll2003-en`).
    pub fn load(dir: &Path) -> Result<NerModel, Error> {
        Err(Error::Load {
            dir: dir.display().to_string(),
            message: "inference is not implemented yet".to_owned(),
        })
    }

    pub fn description(&self) -> &ModelDescription {
        &self.description
    }

    /// Tags a batch of sentences, each given as its tokens' normalised
    /// forms; returns the names of each sentence, in order.
    pub fn predict(&self, sentences: &[Vec<&str>]) -> Result<Vec<Vec<NameSpan>>, Error> {
        let _ = sentences;
        Err(Error::Inference("not implemented yet".to_owned()))
    }
}
