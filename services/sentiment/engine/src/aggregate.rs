//! Score, magnitude and label of a sentence, and of a document or an
//! entity as a combination of sentences or clauses.
//!
//! VADER's compound over a whole article saturates (most hard news ends
//! near -1) because it normalises one ever-growing sum. Here every
//! sentence is scored on its own and the document score is a weighted mean
//! of sentence scores, so it stays in the range of a sentence's; the
//! document's total emotional weight goes to `magnitude` instead, which
//! grows with the amount of emotional text, as in Google's API.

use crate::vader::{ALPHA, Polarity};

/// |score| at or above which a text is POSITIVE or NEGATIVE.
pub const POLAR_THRESHOLD: f64 = 0.15;

/// Below [`POLAR_THRESHOLD`], a text whose positive and negative weights are
/// both at least this is MIXED (one clearly positive and one clearly
/// negative word each give about 0.45); otherwise NEUTRAL.
pub const MIXED_MIN_SIDE: f64 = 0.3;

/// Weight of a sentence with a score of 0 in the document mean: neutral
/// sentences dilute the tone a little, emotional ones carry it. Chosen on
/// the development sets (multi-sentence tweets: 0.856 against 0.840 for a
/// plain mean).
pub const NEUTRAL_WEIGHT: f64 = 0.1;

/// The tone of one stretch of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    Negative,
    Neutral,
    Positive,
    Mixed,
}

/// Score, magnitude, label, and the positive and negative weights the label
/// is decided from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sentiment {
    /// From -1 (negative) to 1 (positive).
    pub score: f64,
    /// Total emotional weight, >= 0; up to 1 per sentence, summed over
    /// sentences.
    pub magnitude: f64,
    /// NEGATIVE, NEUTRAL, POSITIVE or MIXED.
    pub label: Label,
    /// Positive weight: normalised sum of positive valences, summed over
    /// sentences.
    pub positive: f64,
    /// Negative weight, >= 0, likewise.
    pub negative: f64,
}

impl Default for Sentiment {
    fn default() -> Self {
        Sentiment {
            score: 0.0,
            magnitude: 0.0,
            label: Label::Neutral,
            positive: 0.0,
            negative: 0.0,
        }
    }
}

/// The label of a score with its positive and negative weights.
pub fn label(score: f64, positive: f64, negative: f64) -> Label {
    if score >= POLAR_THRESHOLD {
        Label::Positive
    } else if score <= -POLAR_THRESHOLD {
        Label::Negative
    } else if positive >= MIXED_MIN_SIDE && negative >= MIXED_MIN_SIDE {
        Label::Mixed
    } else {
        Label::Neutral
    }
}

/// A sentence's sentiment from its calibrated score and VADER features.
pub fn sentence(score: f64, polarity: &Polarity) -> Sentiment {
    let norm = |x: f64| x / (x * x + ALPHA).sqrt();
    let positive = norm(polarity.positive);
    let negative = norm(-polarity.negative);
    let magnitude = if polarity.sentiment_words == 0 {
        0.0
    } else {
        norm(polarity.positive - polarity.negative + polarity.punctuation)
    };
    Sentiment {
        score,
        magnitude,
        label: label(score, positive, negative),
        positive,
        negative,
    }
}

/// Combines sentences (or clauses): the score is their mean weighted by
/// `|score| + NEUTRAL_WEIGHT`; magnitude and weights add up.
pub fn combine<'a>(parts: impl IntoIterator<Item = &'a Sentiment>) -> Sentiment {
    let (mut weighted, mut weights) = (0.0, 0.0);
    let (mut magnitude, mut positive, mut negative) = (0.0, 0.0, 0.0);
    for part in parts {
        let w = part.score.abs() + NEUTRAL_WEIGHT;
        weighted += w * part.score;
        weights += w;
        magnitude += part.magnitude;
        positive += part.positive;
        negative += part.negative;
    }
    let score = if weights > 0.0 {
        weighted / weights
    } else {
        0.0
    };
    Sentiment {
        score,
        magnitude,
        label: label(score, positive, negative),
        positive,
        negative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(score: f64, magnitude: f64, positive: f64, negative: f64) -> Sentiment {
        Sentiment {
            score,
            magnitude,
            label: label(score, positive, negative),
            positive,
            negative,
        }
    }

    #[test]
    fn documents_do_not_saturate_and_magnitude_adds_up() {
        let negative = part(-0.6, 0.7, 0.0, 0.7);
        let many = vec![negative; 50];
        let document = combine(&many);
        assert!((document.score - -0.6).abs() < 1e-9);
        assert!((document.magnitude - 35.0).abs() < 1e-9);
        assert_eq!(document.label, Label::Negative);
    }

    #[test]
    fn labels_follow_the_documented_thresholds() {
        assert_eq!(label(0.2, 0.5, 0.0), Label::Positive);
        assert_eq!(label(-0.2, 0.0, 0.5), Label::Negative);
        assert_eq!(label(0.05, 0.5, 0.45), Label::Mixed);
        assert_eq!(label(0.05, 0.1, 0.0), Label::Neutral);
        assert_eq!(combine(&[]), Sentiment::default());
    }
}
