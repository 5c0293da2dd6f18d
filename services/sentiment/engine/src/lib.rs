//! Copydesk's sentiment engine: the tone of documents, sentences and
//! entities in news text. A plain library, no gRPC: the sentiment service,
//! the CLI, the tests and the benchmarks call [`Analyzer`] in-process.
//!
//! - [`lexicon`]: the VADER lexicon and word lists;
//! - [`vader`]: a VADER scorer with the reference implementation's compound
//!   score (parity checked in `tests/parity.rs`);
//! - [`news_calibration`]: a sentence score for news, learned on the
//!   development data only;
//! - [`aggregate`]: score, magnitude and label; documents as weighted means
//!   of sentences, so they do not saturate;
//! - [`entity_tone`]: the clauses that talk about an entity.

#![forbid(unsafe_code)]

pub mod aggregate;
pub mod entity_tone;
pub mod lexicon;
pub mod news_calibration;
pub mod vader;

use std::collections::HashMap;
use std::path::Path;

pub use aggregate::{Label, Sentiment};
pub use copydesk_segmenter::ByteSpan;
pub use lexicon::Lexicon;
pub use news_calibration::Calibration;
pub use vader::{Polarity, Vader};

/// Why the engine could not be set up or could not analyse a text.
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
    /// The calibration file could not be read.
    #[error("cannot read the news calibration {path}: {source}")]
    ModelIo {
        path: String,
        source: std::io::Error,
    },
    /// The calibration file is malformed.
    #[error("news calibration, line {line}: {reason}")]
    CalibrationFormat { line: usize, reason: String },
    /// A sentence span is not a stretch of the text.
    #[error(
        "sentence {index}: span {start}..{end} is not a stretch of the {len}-byte text on character boundaries"
    )]
    SentenceSpan {
        index: usize,
        start: usize,
        end: usize,
        len: usize,
    },
    /// A mention span is not a stretch of the text.
    #[error(
        "entity {entity}, mention {mention}: span {start}..{end} is not a stretch of the {len}-byte text on character boundaries"
    )]
    MentionSpan {
        entity: usize,
        mention: usize,
        start: usize,
        end: usize,
        len: usize,
    },
    /// The text is in a language the lexicon does not cover.
    #[error("unsupported language {code:?}: sentiment analysis supports English (\"en\") only")]
    UnsupportedLanguage { code: String },
}

/// The tone of one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// The whole document: weighted mean of its sentences.
    pub document: Sentiment,
    /// Every sentence, in the order given, with its span.
    pub sentences: Vec<(ByteSpan, Sentiment)>,
    /// Every entity, in the order given.
    pub entities: Vec<EntityTone>,
}

/// The tone towards one entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityTone {
    /// Over all its mentions.
    pub sentiment: Sentiment,
    /// Around each mention, in the order given.
    pub mentions: Vec<Sentiment>,
}

/// Reusable buffers for scoring many sentences without allocating.
#[derive(Debug, Default)]
pub struct Scratch {
    vader: vader::Scratch,
    /// The calibration's buffer of unigrams already counted.
    seen: news_calibration::Seen,
    work: Work,
}

impl Scratch {
    /// The work entity tone has done with this scratch so far.
    pub fn work(&self) -> Work {
        self.work
    }
}

/// Counts of the steps entity tone takes, which tests compare across input
/// sizes to check that the work grows linearly with the text (a count, not
/// a clock, so the check is deterministic).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Bytes of sentences scanned for clause boundaries.
    pub clause_scan_bytes: u64,
    /// Mentions looked at (each mention of each entity once) plus covered
    /// ranges visited while blanking mentions out of clauses.
    pub mention_steps: u64,
    /// Bytes of clauses copied, blanked and scored.
    pub clause_bytes_scored: u64,
}

/// VADER plus the news calibration.
#[derive(Clone, Debug)]
pub struct Analyzer {
    /// Plain VADER, the reference lexicon.
    vader: Vader,
    /// VADER with the calibration's news lexicon: what the scores use.
    news: Vader,
    calibration: Calibration,
}

impl Analyzer {
    pub fn new(vader: Vader, calibration: Calibration) -> Self {
        let news = Vader::new(
            vader
                .lexicon()
                .clone()
                .with_valences(calibration.valences())
                .with_unigrams(calibration.unigram_words()),
        );
        Analyzer {
            vader,
            news,
            calibration,
        }
    }

    /// The lexicon and calibration embedded in the crate.
    pub fn embedded() -> Result<Self, Error> {
        Ok(Analyzer::new(
            Vader::new(Lexicon::parse(lexicon::EMBEDDED_LEXICON)?),
            Calibration::embedded()?,
        ))
    }

    /// The lexicon and calibration under a models directory
    /// (`vader/vader_lexicon.txt`, `sentiment-news/news_calibration.tsv`).
    pub fn from_models_dir(models_dir: &Path) -> Result<Self, Error> {
        Ok(Analyzer::new(
            Vader::new(Lexicon::from_models_dir(models_dir)?),
            Calibration::from_models_dir(models_dir)?,
        ))
    }

    /// Plain VADER: the reference's compound (parity with vaderSentiment).
    pub fn vader(&self) -> &Vader {
        &self.vader
    }

    /// VADER with the news lexicon, whose features the calibration reads.
    pub fn news_vader(&self) -> &Vader {
        &self.news
    }

    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The tone of one sentence (or any short text).
    pub fn sentence(&self, text: &str) -> Sentiment {
        self.sentence_with(text, &mut Scratch::default())
    }

    /// The tone of one sentence, reusing `scratch`.
    pub fn sentence_with(&self, text: &str, scratch: &mut Scratch) -> Sentiment {
        let polarity = self.news.polarity_with(text, &mut scratch.vader, None);
        if polarity.words == 0 {
            return Sentiment::default();
        }
        let rating =
            self.calibration
                .rating(&polarity, scratch.vader.unigrams(), &mut scratch.seen);
        aggregate::sentence(self.calibration.score(rating), &polarity)
    }

    /// Analyses `text` with its sentences given as byte spans; `entities`
    /// holds the byte spans of each entity's mentions.
    pub fn analyze(
        &self,
        text: &str,
        sentences: &[ByteSpan],
        entities: &[Vec<ByteSpan>],
    ) -> Result<Analysis, Error> {
        self.analyze_with(text, sentences, entities, &mut Scratch::default())
    }

    /// [`Analyzer::analyze`], reusing `scratch` (which counts the work).
    pub fn analyze_with(
        &self,
        text: &str,
        sentences: &[ByteSpan],
        entities: &[Vec<ByteSpan>],
        scratch: &mut Scratch,
    ) -> Result<Analysis, Error> {
        for (index, span) in sentences.iter().enumerate() {
            if text.get(span.start..span.end).is_none() {
                return Err(Error::SentenceSpan {
                    index,
                    start: span.start,
                    end: span.end,
                    len: text.len(),
                });
            }
        }
        for (entity, mentions) in entities.iter().enumerate() {
            for (mention, span) in mentions.iter().enumerate() {
                if span.start > span.end || text.get(span.start..span.end).is_none() {
                    return Err(Error::MentionSpan {
                        entity,
                        mention,
                        start: span.start,
                        end: span.end,
                        len: text.len(),
                    });
                }
            }
        }
        let scored: Vec<(ByteSpan, Sentiment)> = sentences
            .iter()
            .map(|&span| {
                let sentiment = self.sentence_with(&text[span.start..span.end], scratch);
                (span, sentiment)
            })
            .collect();
        let document = aggregate::combine(scored.iter().map(|(_, s)| s));
        // Each sentence's clause boundaries, found when a mention first
        // falls in it and shared by every mention and entity after that.
        let mut clauses: Vec<Option<entity_tone::Clauses>> = vec![None; sentences.len()];
        let entities = entities
            .iter()
            .map(|mentions| self.entity(text, sentences, &mut clauses, mentions, scratch))
            .collect();
        Ok(Analysis {
            document,
            sentences: scored,
            entities,
        })
    }

    /// Segments `text` with the segmenter library, refuses languages other
    /// than English, and analyses it.
    pub fn analyze_text(
        &self,
        segmenter: &copydesk_segmenter::Segmenter,
        text: &str,
        language_code: Option<&str>,
        entities: &[Vec<ByteSpan>],
    ) -> Result<(Analysis, copydesk_segmenter::Language), Error> {
        let segmentation = segmenter.segment(text, language_code);
        check_language(&segmentation.language.code, segmentation.language.supported)?;
        let spans: Vec<ByteSpan> = segmentation.sentences.iter().map(|s| s.span).collect();
        let analysis = self.analyze(text, &spans, entities)?;
        Ok((analysis, segmentation.language))
    }

    fn entity(
        &self,
        text: &str,
        sentences: &[ByteSpan],
        clauses: &mut [Option<entity_tone::Clauses>],
        mentions: &[ByteSpan],
        scratch: &mut Scratch,
    ) -> EntityTone {
        let covered = entity_tone::Covered::of(mentions.iter().map(|m| (m.start, m.end)));
        // Mentions in the same clause have the same tone (every mention of
        // the entity is blanked out of it): score each clause once.
        let mut by_clause: HashMap<(usize, usize), Sentiment> = HashMap::new();
        let tones: Vec<Sentiment> = mentions
            .iter()
            .map(|mention| {
                scratch.work.mention_steps += 1;
                let Some((start, end)) = Self::clause(text, sentences, clauses, *mention, scratch)
                else {
                    return Sentiment::default();
                };
                *by_clause
                    .entry((start, end))
                    .or_insert_with(|| self.blanked(text, start, end, &covered, scratch))
            })
            .collect();
        EntityTone {
            sentiment: aggregate::combine(&tones),
            mentions: tones,
        }
    }

    /// The document range of the clause around `mention`. A mention
    /// outside every sentence (whitespace, or a segmentation that skips
    /// text) has no clause and so no tone.
    fn clause(
        text: &str,
        sentences: &[ByteSpan],
        clauses: &mut [Option<entity_tone::Clauses>],
        mention: ByteSpan,
        scratch: &mut Scratch,
    ) -> Option<(usize, usize)> {
        // The sentence holding the mention's first byte.
        let index = sentences.partition_point(|s| s.end <= mention.start);
        let sentence = sentences
            .get(index)
            .filter(|s| s.start <= mention.start && mention.start < s.end.max(s.start + 1))?;
        let found = clauses.get_mut(index)?.get_or_insert_with(|| {
            scratch.work.clause_scan_bytes += sentence.len() as u64;
            entity_tone::Clauses::of(&text[sentence.start..sentence.end])
        });
        Some(found.around(sentence.start, mention.start))
    }

    /// The tone of the clause `start..end` with every byte `covered` by
    /// the entity's mentions blanked out.
    fn blanked(
        &self,
        text: &str,
        start: usize,
        end: usize,
        covered: &entity_tone::Covered,
        scratch: &mut Scratch,
    ) -> Sentiment {
        scratch.work.clause_bytes_scored += (end - start) as u64;
        let mut clause = text[start..end].to_owned();
        for (from, to) in covered.within(start, end) {
            scratch.work.mention_steps += 1;
            // Spaces for the mention's bytes keep the string valid UTF-8
            // (whole characters are replaced) and its length unchanged.
            clause.replace_range(from - start..to - start, &" ".repeat(to - from));
        }
        self.sentence_with(&clause, scratch)
    }
}

/// Refuses text identified as a language other than English. Undetermined
/// text ("und": empty, numbers, one short word) is scored: it is neutral or
/// close to it, and refusing it would make one-word input an error.
pub fn check_language(code: &str, supported: bool) -> Result<(), Error> {
    if supported || code.is_empty() || code == "und" {
        Ok(())
    } else {
        Err(Error::UnsupportedLanguage {
            code: code.to_owned(),
        })
    }
}
