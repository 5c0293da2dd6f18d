//! A sentence score for news on top of VADER's features, fitted by
//! `tools/sentiment_train/train.py` on development data only (never on the
//! NYT editorial snippets, the held-out news test, nor on EmoBank's test
//! split):
//!
//! 1. VADER runs with a news lexicon: the reference lexicon with about a
//!    hundred valences set by hand for news copy (`lexicon:` lines:
//!    "security", "shares", "interest" carry no tone in news; "fell",
//!    "layoffs", "sanctions", "wounded" do). Plain VADER keeps the reference
//!    lexicon;
//! 2. a linear model of the human rating on six of its features, the
//!    distinct unigrams of the sentence, and `shift` (a bad quantity that
//!    falls is good news, one that rises bad). It is a blend, folded into
//!    one set of coefficients, of two ridge fits: 0.3 of one on the review
//!    and tweet sets of vaderSentiment 3.3.2 reweighted on the fit part of
//!    an original set of rated news sentences
//!    (`tools/sentiment_train/news_dev.tsv`), and 0.7 of one on EmoBank
//!    train (sentences rated by several readers and writers; news weighted
//!    three times), mapped onto VADER's rating scale. The file is CC BY-SA
//!    4.0, derived from EmoBank (`models/sentiment-news/PROVENANCE.md`).
//!
//! Why not just compound: compound saturates (sum/sqrt(sum^2+15)) and sees
//! only lexicon words; the unigram weights learn the tone of words the
//! lexicon lacks, and how far news readers follow the lexicon's.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::lexicon::FxMap;
use crate::vader::{ALPHA, Polarity};

/// The calibration file shipped in `models/sentiment-news/`, embedded.
pub const EMBEDDED_CALIBRATION: &str =
    include_str!("../../../../models/sentiment-news/news_calibration.tsv");

/// The file name of the calibration inside a models directory.
pub const CALIBRATION_FILE: &str = "sentiment-news/news_calibration.tsv";

/// Dense features, in the order of the file's `dense:` lines.
const DENSE: [&str; 6] = [
    "compound",
    "pos_share",
    "neg_share",
    "pos_norm",
    "neg_norm",
    "log1p_words",
];

/// Ratings run from -4 to 4; a model prediction this far from the neutral
/// point maps to a score of +-1 (predictions beyond are clamped; they are
/// rare because ridge shrinks).
const RATING_RANGE: f64 = 3.0;

/// Words in the sentence used for the neutral point: a typical news
/// sentence. The model's word-count term is mildly negative, so the neutral
/// point depends on length; fixing it at a typical length keeps short and
/// long neutral sentences near 0.
const NEUTRAL_WORDS: f64 = 20.0;

/// The fitted model.
#[derive(Clone, Debug)]
pub struct Calibration {
    intercept: f64,
    dense: [f64; 6],
    /// The unigrams, their position being their id.
    words: Vec<(Box<str>, WordWeight)>,
    /// Weight of [`UnigramScratch`]'s shift: +1 when a bad quantity falls,
    /// -1 when it rises.
    shift: f64,
    /// The news lexicon's valences (`lexicon:` lines), in file order.
    valences: Vec<(Box<str>, f64)>,
    sha256: String,
}

/// Word classes of the shift feature.
const BAD: u8 = 1;
const DOWN: u8 = 2;
const UP: u8 = 4;

/// A unigram's weight and shift classes.
#[derive(Clone, Copy, Debug, Default)]
struct WordWeight {
    weight: f64,
    /// [`BAD`], [`DOWN`], [`UP`] or a mix; 0 for most words.
    class: u8,
}

/// Which unigrams the sentence being scored has counted: a stamp per
/// unigram id, so that each check costs the same however long the sentence
/// (a list of the ids seen made a one-sentence megabyte take seconds).
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// Per unigram id, the number of the sentence that last counted it.
    stamps: Vec<u32>,
    sentence: u32,
}

impl Seen {
    /// Starts a sentence over `vocabulary` unigram ids.
    fn start(&mut self, vocabulary: usize) {
        self.sentence = self.sentence.wrapping_add(1);
        if self.sentence == 0 {
            // The numbers went round: old stamps could match again.
            self.stamps.fill(0);
            self.sentence = 1;
        }
        if self.stamps.len() < vocabulary {
            self.stamps.resize(vocabulary, 0);
        }
    }

    /// Whether `id` is counted for the first time in this sentence.
    fn first(&mut self, id: usize) -> bool {
        let first = self.stamps[id] != self.sentence;
        self.stamps[id] = self.sentence;
        first
    }
}

/// `word`'s entry, numbered in the order the file first names it.
fn word_entry<'a>(
    ids: &mut FxMap<Box<str>, usize>,
    words: &'a mut Vec<(Box<str>, WordWeight)>,
    word: &str,
) -> &'a mut WordWeight {
    let id = *ids.entry(word.into()).or_insert_with(|| {
        words.push((word.into(), WordWeight::default()));
        words.len() - 1
    });
    &mut words[id].1
}

impl Calibration {
    /// The calibration embedded in the crate.
    pub fn embedded() -> Result<Self, Error> {
        Self::parse(EMBEDDED_CALIBRATION)
    }

    /// Reads `sentiment-news/news_calibration.tsv` under `models_dir`.
    pub fn from_models_dir(models_dir: &Path) -> Result<Self, Error> {
        let path = models_dir.join(CALIBRATION_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::ModelIo {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses `name TAB value` lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |line: usize, reason: String| Error::CalibrationFormat { line, reason };
        let mut intercept = None;
        let mut dense = [None; 6];
        let mut ids: FxMap<Box<str>, usize> = FxMap::default();
        let mut words = Vec::new();
        let mut shift = 0.0;
        let mut valences = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) = line
                .split_once('\t')
                .ok_or_else(|| bad(number + 1, "no tab".to_owned()))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| bad(number + 1, format!("{value:?} is not a number")))?;
            let class = match name.split_once(':') {
                Some(("bad", word)) => Some((BAD, word)),
                Some(("down", word)) => Some((DOWN, word)),
                Some(("up", word)) => Some((UP, word)),
                _ => None,
            };
            if name == "intercept" {
                intercept = Some(value);
            } else if name == "shift" {
                shift = value;
            } else if let Some((class, word)) = class {
                word_entry(&mut ids, &mut words, word).class |= class;
            } else if let Some(word) = name.strip_prefix("lexicon:") {
                valences.push((word.into(), value));
            } else if let Some(feature) = name.strip_prefix("dense:") {
                let index = DENSE
                    .iter()
                    .position(|&d| d == feature)
                    .ok_or_else(|| bad(number + 1, format!("unknown feature {feature:?}")))?;
                dense[index] = Some(value);
            } else if let Some(word) = name.strip_prefix("word:") {
                word_entry(&mut ids, &mut words, word).weight = value;
            } else {
                return Err(bad(number + 1, format!("unknown entry {name:?}")));
            }
        }
        let intercept = intercept.ok_or_else(|| bad(0, "no intercept".to_owned()))?;
        let mut coefficients = [0.0; 6];
        for (k, value) in dense.iter().enumerate() {
            coefficients[k] =
                value.ok_or_else(|| bad(0, format!("no coefficient for {}", DENSE[k])))?;
        }
        let digest = Sha256::digest(text.as_bytes());
        Ok(Calibration {
            intercept,
            dense: coefficients,
            words,
            shift,
            valences,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// SHA-256 of the calibration file, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The news lexicon's valences: words whose VADER valence the news
    /// scorer sets (see [`crate::Lexicon::with_valences`]).
    pub fn valences(&self) -> impl Iterator<Item = (&str, f64)> {
        self.valences.iter().map(|(w, v)| (&**w, *v))
    }

    /// Unigram weights in the model.
    pub fn vocabulary(&self) -> usize {
        self.words.len()
    }

    /// The unigrams in id order, for [`crate::Lexicon::with_unigrams`]: the
    /// news VADER's lexicon finds a word's id in the lookup it makes anyway.
    pub fn unigram_words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|(word, _)| &**word)
    }

    /// The predicted human rating (about -4..4) of a text with VADER
    /// features `polarity` and unigram ids `unigrams`, both from VADER with
    /// the news lexicon numbered by [`Calibration::unigram_words`]
    /// ([`crate::vader::Scratch::unigrams`]). `seen` is a buffer.
    pub fn rating(&self, polarity: &Polarity, unigrams: &[u32], seen: &mut Seen) -> f64 {
        let norm = |x: f64| x / (x * x + ALPHA).sqrt();
        let features = [
            polarity.compound,
            polarity.pos,
            polarity.neg,
            norm(polarity.positive),
            norm(-polarity.negative),
            (polarity.words as f64).ln_1p(),
        ];
        let mut rating = self.intercept;
        for (c, x) in self.dense.iter().zip(features) {
            rating += c * x;
        }
        rating + self.unigram_sum(unigrams, seen)
    }

    /// Sum of the weights of the distinct unigrams, each counted once as
    /// the trainer's binary features are; plus the shift term.
    fn unigram_sum(&self, unigrams: &[u32], seen: &mut Seen) -> f64 {
        seen.start(self.words.len());
        let mut sum = 0.0;
        let mut classes = 0u8;
        for &id in unigrams {
            let id = id as usize;
            let Some((_, w)) = self.words.get(id) else {
                continue;
            };
            if seen.first(id) {
                sum += w.weight;
                classes |= w.class;
            }
        }
        if classes & BAD != 0 {
            let down = f64::from(u8::from(classes & DOWN != 0));
            let up = f64::from(u8::from(classes & UP != 0));
            sum += self.shift * (down - up);
        }
        sum
    }

    /// The rating of a neutral sentence of typical length: the zero point of
    /// the score.
    pub fn neutral_rating(&self) -> f64 {
        self.intercept + self.dense[5] * NEUTRAL_WORDS.ln_1p()
    }

    /// Score in [-1, 1] for a predicted rating.
    pub fn score(&self, rating: f64) -> f64 {
        ((rating - self.neutral_rating()) / RATING_RANGE).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::Analyzer;

    #[test]
    fn embedded_calibration_parses_and_orders_obvious_cases() {
        let calibration = Calibration::embedded().unwrap();
        assert!(calibration.vocabulary() > 1_000);
        // The features the service feeds it: VADER with the news valences.
        let analyzer = Analyzer::embedded().unwrap();
        let vader = analyzer.news_vader();
        let mut scratch = crate::vader::Scratch::default();
        let mut seen = Seen::default();
        let mut rate = |text: &str| {
            let polarity = vader.polarity_with(text, &mut scratch, None);
            calibration.rating(&polarity, scratch.unigrams(), &mut seen)
        };
        let good = rate("The new hospital is a wonderful success for the town.");
        let flat = rate("The council meets on Tuesday at the town hall.");
        let bad = rate("The attack killed twelve people and wounded dozens.");
        assert!(good > flat && flat > bad, "{good} {flat} {bad}");
    }

    #[test]
    fn seen_counts_each_unigram_once_per_sentence() {
        let mut seen = Seen::default();
        seen.start(3);
        assert!(seen.first(2) && !seen.first(2) && seen.first(0));
        seen.start(3);
        assert!(seen.first(2) && seen.first(0));
        // When the sentence numbers go round, old stamps are wiped.
        seen.sentence = u32::MAX;
        seen.start(3);
        assert!(seen.first(2) && !seen.first(2) && seen.first(1));
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(Calibration::parse("intercept\t0\n").is_err());
        assert!(Calibration::parse("bogus\t1\n").is_err());
    }
}
