//! Copydesk's sentiment engine: the tone of documents, sentences and
//! entities in news text. A plain library, no gRPC.
//!
//! - [`lexicon`]: the VADER lexicon and word lists;
//! - [`vader`]: a VADER scorer with the reference implementation's compound
//!   score (parity checked in `tests/parity.rs`);
//! - [`news_calibration`]: a sentence score for news, learned on the
//!   development data only;
//! - [`aggregate`]: document score, magnitude and label;
//! - [`entity_tone`]: tone of the clauses that mention each entity.

#![forbid(unsafe_code)]

pub mod lexicon;
pub mod vader;

pub use lexicon::Lexicon;
pub use vader::{Polarity, Vader};

/// Why the engine could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The lexicon file could not be read.
    #[error("cannot read the sentiment lexicon {path}: {source}")]
    LexiconIo {
        path: String,
        source: std::io::Error,
    },
    /// A line of the lexicon is malformed.
    #[error("sentiment lexicon, line {line}: {reason}")]
    LexiconFormat { line: usize, reason: String },
}
