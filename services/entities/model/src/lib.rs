//! NeuroNER's BiLSTM-CRF trained on CoNLL-2003 English (PER, ORG, LOC,
//! MISC), ported to Rust: model loading and batched inference.
//!
//! The weights come from `pyneuroner==1.0.8`, converted by
//! `tools/neuroner_convert/convert.py` into `models/neuroner-conll2003-en/`
//! (see its `PROVENANCE.md`). The forward pass mirrors NeuroNER exactly:
//! character BiLSTM (final states) + token embedding → token BiLSTM → tanh
//! layer → label scores → Viterbi with NeuroNER's added start/end states →
//! BIOES tags, read as BIO the way NeuroNER's evaluation does.
//!
//! Differences from the original, both deliberate:
//! - an unknown character uses embedding row 1 (`e`, the most frequent
//!   character) where NeuroNER draws a random known character on every call;
//! - tanh and sigmoid use a rational approximation (Eigen's, which TensorFlow
//!   itself used on CPU) instead of libm: it vectorises; max error ~1e-7.

#![forbid(unsafe_code)]

mod crf;
mod forward;
mod load;

use std::path::{Path, PathBuf};

/// Directory name of the converted model under the models root.
pub const MODEL_DIR_NAME: &str = "neuroner-conll2003-en";

/// Environment variable naming the models root (the directory that holds
/// [`MODEL_DIR_NAME`]).
pub const MODELS_DIR_ENV: &str = "COPYDESK_MODELS_DIR";

/// The four CoNLL-2003 name types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameLabel {
    Person,
    Organization,
    Location,
    Misc,
}

impl NameLabel {
    /// The CoNLL-2003 type name: `PER`, `ORG`, `LOC` or `MISC`.
    pub fn conll_name(self) -> &'static str {
        match self {
            NameLabel::Person => "PER",
            NameLabel::Organization => "ORG",
            NameLabel::Location => "LOC",
            NameLabel::Misc => "MISC",
        }
    }

    /// Parses a CoNLL-2003 type name (`PER`, `ORG`, `LOC`, `MISC`).
    pub fn from_conll_name(name: &str) -> Option<NameLabel> {
        match name {
            "PER" => Some(NameLabel::Person),
            "ORG" => Some(NameLabel::Organization),
            "LOC" => Some(NameLabel::Location),
            "MISC" => Some(NameLabel::Misc),
            _ => None,
        }
    }
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

/// The model directory: `$COPYDESK_MODELS_DIR/neuroner-conll2003-en` when the
/// variable is set (deployments), else the repository's
/// `models/neuroner-conll2003-en` found from this crate's manifest directory
/// (tests, benches, `cargo run` in a checkout).
pub fn default_model_dir() -> PathBuf {
    match std::env::var_os(MODELS_DIR_ENV) {
        Some(root) if !root.is_empty() => PathBuf::from(root).join(MODEL_DIR_NAME),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../models")
            .join(MODEL_DIR_NAME),
    }
}

/// The loaded model. Share it between threads behind an `Arc`.
#[derive(Debug)]
pub struct NerModel {
    description: ModelDescription,
    weights: forward::Weights,
    vocab: load::Vocab,
}

impl NerModel {
    /// Loads the converted model from `dir` (`models/neuroner-conll2003-en`).
    ///
    /// Verifies every file it reads against the directory's `SHA256SUMS`
    /// and every tensor's shape; any problem is an [`Error::Load`] naming
    /// the file.
    pub fn load(dir: &Path) -> Result<NerModel, Error> {
        let files = load::read_files(dir)?;
        let vocab = load::Vocab::parse(dir, &files)?;
        let weights = forward::Weights::from_safetensors(&files.model, &vocab)
            .map_err(|message| load::error(dir, message))?;
        Ok(NerModel {
            description: ModelDescription {
                name: MODEL_DIR_NAME.to_owned(),
                version: load::MODEL_VERSION.to_owned(),
                sha256: files.model_sha256,
            },
            weights,
            vocab,
        })
    }

    pub fn description(&self) -> &ModelDescription {
        &self.description
    }

    /// Tags a batch of sentences, each given as its tokens' normalised
    /// forms; returns the names of each sentence, in order.
    ///
    /// Tokens are matched exactly (case-sensitive) against the CoNLL-2003
    /// vocabulary, as NeuroNER does; pass the words as they appear in the
    /// text (PTB-style tokens: `Inc.`, `'s`, `n't`). All sentences are run
    /// as one batch, so pass a whole document at once for speed. An empty
    /// sentence gets no names.
    pub fn predict(&self, sentences: &[Vec<&str>]) -> Result<Vec<Vec<NameSpan>>, Error> {
        let scores = self.label_scores(sentences)?;
        let n_labels = self.vocab.labels.len();
        let mut offset = 0;
        let mut out = Vec::with_capacity(sentences.len());
        let mut decoder = crf::Decoder::new(n_labels);
        for sentence in sentences {
            let rows = &scores[offset * n_labels..(offset + sentence.len()) * n_labels];
            offset += sentence.len();
            let path = decoder.viterbi(rows, &self.weights.transitions);
            out.push(crf::spans(path, &self.vocab.labels));
        }
        Ok(out)
    }

    /// The BIOES tag of every token (labels as in `labels.txt`), by the same
    /// Viterbi decoding as [`NerModel::predict`]. For evaluation and tests.
    pub fn predict_tags(&self, sentences: &[Vec<&str>]) -> Result<Vec<Vec<String>>, Error> {
        let scores = self.label_scores(sentences)?;
        let n_labels = self.vocab.labels.len();
        let mut offset = 0;
        let mut out = Vec::with_capacity(sentences.len());
        let mut decoder = crf::Decoder::new(n_labels);
        for sentence in sentences {
            let rows = &scores[offset * n_labels..(offset + sentence.len()) * n_labels];
            offset += sentence.len();
            let path = decoder.viterbi(rows, &self.weights.transitions);
            out.push(
                path.iter()
                    .map(|&i| self.vocab.label_names[i].clone())
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The unary label scores (before the CRF) of every token of every
    /// sentence, concatenated: `[total tokens × labels]`, row-major. For
    /// parity tests against the reference implementation.
    pub fn label_scores(&self, sentences: &[Vec<&str>]) -> Result<Vec<f32>, Error> {
        forward::label_scores(&self.weights, &self.vocab, sentences)
    }

    /// How common `token` (exact, case-sensitive) was in the model's
    /// training text: its rank in the vocabulary, 1 for the most frequent
    /// word, `None` for a word the model does not know. The entity engine
    /// uses it to choose between "Forces" and "forces" when it recases a
    /// headline.
    pub fn vocabulary_rank(&self, token: &str) -> Option<u32> {
        self.vocab.tokens.get(token).copied()
    }

    /// The label names in score-column order (BIOES, as in `labels.txt`).
    pub fn label_names(&self) -> &[String] {
        &self.vocab.label_names
    }
}
