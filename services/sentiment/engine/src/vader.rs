//! The VADER scorer (Hutto and Gilbert, ICWSM 2014), written to give the same
//! compound score as the reference Python implementation (`vaderSentiment`
//! 3.3.2) on any text without emoji, including its quirks: those quirks are
//! what the published ratings were fitted with, and parity is what lets us
//! check this code against the reference at all.
//!
//! Differences from the reference, on purpose:
//! - emoji are not translated to their descriptions (the reference does that
//!   from a second lexicon; news copy has next to no emoji);
//! - scores are not rounded (the reference rounds compound to 4 decimals).

use crate::lexicon::{B_DECR, Lexicon, WordInfo};

/// Emphasis an ALL-CAPS word adds when the rest of the text is not in caps
/// (the reference's `C_INCR`).
pub const C_INCR: f64 = 0.733;
/// Factor for a negated word (the reference's `N_SCALAR`).
pub const N_SCALAR: f64 = -0.74;
/// `normalize`'s alpha: the raw sum at which compound reaches ~0.5 is
/// sqrt(alpha / 3).
pub const ALPHA: f64 = 15.0;

/// Phrases whose valence replaces the word's (the reference's
/// `SPECIAL_CASES`; its one-word entry "badass" can never match a sequence,
/// as in the reference).
const SPECIAL_CASES: &[(&[&str], f64)] = &[
    (&["the", "shit"], 3.0),
    (&["the", "bomb"], 3.0),
    (&["bad", "ass"], 1.5),
    (&["bus", "stop"], 0.0),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["beating", "heart"], 3.5),
];

/// Two-word dampeners (the multi-word entries of the reference's
/// `BOOSTER_DICT`).
const BIGRAM_DAMPENERS: &[[&str; 2]] = &[["just", "enough"], ["kind", "of"], ["sort", "of"]];

/// One whitespace-separated word of the text, as the reference sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordScore {
    /// Byte offset of the word (punctuation stripped as the reference
    /// strips it) in the scored text.
    pub start: usize,
    /// End of the word, exclusive.
    pub end: usize,
    /// Its final valence after every rule, including "but".
    pub valence: f64,
}

/// The reference's scores plus the sums they are made from (the features
/// of the news calibration).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Polarity {
    /// Normalised score in [-1, 1] (the reference's `compound`).
    pub compound: f64,
    /// Share of positive weight (the reference's `pos`).
    pub pos: f64,
    /// Share of negative weight (the reference's `neg`).
    pub neg: f64,
    /// Share of neutral words (the reference's `neu`).
    pub neu: f64,
    /// Sum of word valences, before punctuation emphasis.
    pub sum: f64,
    /// Punctuation emphasis (! and ?), >= 0.
    pub punctuation: f64,
    /// Sum of positive word valences.
    pub positive: f64,
    /// Sum of negative word valences (<= 0).
    pub negative: f64,
    /// Words with a nonzero valence.
    pub sentiment_words: usize,
    /// Words in the text.
    pub words: usize,
}

/// Normalises a raw valence sum to (-1, 1) as the reference does.
#[inline]
pub fn normalize(score: f64) -> f64 {
    (score / (score * score + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// Whitespace as Python's `str.split()` sees it: Unicode White_Space plus
/// the ASCII information separators U+001C..U+001F.
#[inline]
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.isupper()`: at least one cased character, none lower case.
#[inline]
fn is_upper(word: &str) -> bool {
    let mut cased = false;
    if word.is_ascii() {
        for b in word.bytes() {
            if b.is_ascii_lowercase() {
                return false;
            }
            cased |= b.is_ascii_uppercase();
        }
        return cased;
    }
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// A word of the text with what the rules need to know about it.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    lower_start: usize,
    lower_end: usize,
    upper: bool,
    info: WordInfo,
}

/// Reusable buffers, so that scoring a sentence does not allocate once they
/// have grown.
#[derive(Debug, Default)]
pub struct Scratch {
    words: Vec<Word>,
    lower: String,
    sentiments: Vec<f64>,
}

/// The words of one text, lower-cased once.
struct Words<'s> {
    words: &'s [Word],
    lower: &'s str,
}

impl Words<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.words.len()
    }

    #[inline]
    fn lower(&self, i: usize) -> &str {
        let w = &self.words[i];
        &self.lower[w.lower_start..w.lower_end]
    }

    #[inline]
    fn is(&self, i: usize, word: &str) -> bool {
        self.lower(i) == word
    }

    #[inline]
    fn in_lexicon(&self, i: usize) -> bool {
        self.words[i].info.valence.is_some()
    }

    /// The reference's `negated([word])`.
    #[inline]
    fn negated(&self, i: usize) -> bool {
        self.words[i].info.negation || self.lower(i).contains("n't")
    }

    /// Whether the words from `from` spell `phrase`.
    fn spells(&self, from: usize, phrase: &[&str]) -> bool {
        from + phrase.len() <= self.len()
            && phrase
                .iter()
                .enumerate()
                .all(|(k, word)| self.is(from + k, word))
    }
}

/// The VADER scorer over a lexicon.
#[derive(Clone, Debug, Default)]
pub struct Vader {
    lexicon: Lexicon,
}

impl Vader {
    pub fn new(lexicon: Lexicon) -> Self {
        Vader { lexicon }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Scores `text` like the reference's `polarity_scores`.
    pub fn polarity(&self, text: &str) -> Polarity {
        let mut scratch = Scratch::default();
        self.polarity_with(text, &mut scratch, None)
    }

    /// Scores `text`, reusing `scratch`; with `word_scores`, also reports
    /// every word's final valence (for clause-level entity tone).
    pub fn polarity_with(
        &self,
        text: &str,
        scratch: &mut Scratch,
        word_scores: Option<&mut Vec<WordScore>>,
    ) -> Polarity {
        self.split(text, scratch);
        let Scratch {
            words,
            lower,
            sentiments,
        } = scratch;
        let words = Words {
            words,
            lower: lower.as_str(),
        };
        let n = words.len();
        if n == 0 {
            return Polarity::default();
        }
        let upper_count = words.words.iter().filter(|w| w.upper).count();
        // Caps emphasise a word only when some, not all, words are in caps.
        let cap_diff = upper_count > 0 && upper_count < n;

        sentiments.clear();
        for i in 0..n {
            let info = words.words[i].info;
            if info.booster != 0.0 || (i + 1 < n && words.is(i, "kind") && words.is(i + 1, "of")) {
                // Modifiers carry no valence of their own.
                sentiments.push(0.0);
                continue;
            }
            sentiments.push(self.valence(&words, i, cap_diff));
        }
        but_check(&words, sentiments);

        if let Some(out) = word_scores {
            out.clear();
            out.extend(
                words
                    .words
                    .iter()
                    .zip(sentiments.iter())
                    .map(|(w, &v)| WordScore {
                        start: w.start,
                        end: w.end,
                        valence: v,
                    }),
            );
        }
        score(sentiments, text)
    }

    /// Splits `text` on whitespace, strips punctuation as the reference does
    /// and looks every word up once.
    fn split(&self, text: &str, scratch: &mut Scratch) {
        scratch.words.clear();
        scratch.lower.clear();
        let base = text.as_ptr() as usize;
        for token in text.split(is_py_space).filter(|t| !t.is_empty()) {
            let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
            // Two characters or fewer left: likely an emoticon, kept whole.
            let short = if stripped.is_ascii() {
                stripped.len() <= 2
            } else {
                stripped.chars().nth(2).is_none()
            };
            let word = if short { token } else { stripped };
            let start = word.as_ptr() as usize - base;
            let lower_start = scratch.lower.len();
            if word.is_ascii() {
                scratch
                    .lower
                    .extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                scratch.lower.push_str(&word.to_lowercase());
            }
            let lower_end = scratch.lower.len();
            let info = self.lexicon.get(&scratch.lower[lower_start..lower_end]);
            scratch.words.push(Word {
                start,
                end: start + word.len(),
                lower_start,
                lower_end,
                upper: is_upper(word),
                info,
            });
        }
    }

    /// The reference's `sentiment_valence` for word `i`.
    fn valence(&self, words: &Words<'_>, i: usize, cap_diff: bool) -> f64 {
        let Some(base) = words.words[i].info.valence else {
            return 0.0;
        };
        let n = words.len();
        let mut valence = base;
        // "no" right before a lexicon word negates it instead of counting.
        if words.is(i, "no") && i + 1 < n && words.in_lexicon(i + 1) {
            valence = 0.0;
        }
        if (i > 0 && words.is(i - 1, "no"))
            || (i > 1 && words.is(i - 2, "no"))
            || (i > 2 && words.is(i - 3, "no") && matches!(words.lower(i - 1), "or" | "nor"))
        {
            valence = base * N_SCALAR;
        }
        if words.words[i].upper && cap_diff {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        for start_i in 0..3 {
            if i > start_i && !words.in_lexicon(i - (start_i + 1)) {
                let mut s = scalar_inc_dec(&words.words[i - (start_i + 1)], valence, cap_diff);
                if start_i == 1 && s != 0.0 {
                    s *= 0.95;
                }
                if start_i == 2 && s != 0.0 {
                    s *= 0.9;
                }
                valence += s;
                valence = negation_check(valence, words, start_i, i);
                if start_i == 2 {
                    valence = special_idioms(valence, words, i);
                }
            }
        }
        least_check(valence, words, i)
    }
}

/// The reference's `scalar_inc_dec`: what a preceding booster adds.
#[inline]
fn scalar_inc_dec(word: &Word, valence: f64, cap_diff: bool) -> f64 {
    let mut scalar = word.info.booster;
    if scalar == 0.0 {
        return 0.0;
    }
    if valence < 0.0 {
        scalar = -scalar;
    }
    if word.upper && cap_diff {
        scalar += if valence > 0.0 { C_INCR } else { -C_INCR };
    }
    scalar
}

/// The reference's `_negation_check` for the word `start_i + 1` before `i`.
fn negation_check(valence: f64, words: &Words<'_>, start_i: usize, i: usize) -> f64 {
    let so_or_this = |k: usize| matches!(words.lower(k), "so" | "this");
    match start_i {
        0 => {
            if words.negated(i - 1) {
                return valence * N_SCALAR;
            }
        }
        1 => {
            if words.is(i - 2, "never") && so_or_this(i - 1) {
                return valence * 1.25;
            } else if words.is(i - 2, "without") && words.is(i - 1, "doubt") {
                return valence;
            } else if words.negated(i - 2) {
                return valence * N_SCALAR;
            }
        }
        _ => {
            // The reference's condition reads `never and (so or this) or (so
            // or this one word back)`; Python's precedence makes the second
            // part stand alone, and so it does here.
            if (words.is(i - 3, "never") && so_or_this(i - 2)) || so_or_this(i - 1) {
                return valence * 1.25;
            } else if words.is(i - 3, "without")
                && (words.is(i - 2, "doubt") || words.is(i - 1, "doubt"))
            {
                return valence;
            } else if words.negated(i - 3) {
                return valence * N_SCALAR;
            }
        }
    }
    valence
}

/// The reference's `_special_idioms_check` (called with `i >= 3`).
fn special_idioms(mut valence: f64, words: &Words<'_>, i: usize) -> f64 {
    // The reference tries these windows in this order and takes the first
    // that is a special case: (i-1, i), (i-2..=i), (i-2, i-1), (i-3..=i-1),
    // (i-3, i-2).
    let windows: [(usize, usize); 5] = [(i - 1, 2), (i - 2, 3), (i - 2, 2), (i - 3, 3), (i - 3, 2)];
    'windows: for (from, len) in windows {
        for &(phrase, value) in SPECIAL_CASES {
            if phrase.len() == len && words.spells(from, phrase) {
                valence = value;
                break 'windows;
            }
        }
    }
    // Phrases starting at the word override whatever came before.
    let n = words.len();
    for len in [2, 3] {
        if n > i + len - 1 {
            for &(phrase, value) in SPECIAL_CASES {
                if phrase.len() == len && words.spells(i, phrase) {
                    valence = value;
                }
            }
        }
    }
    // Two-word dampeners before the word ("kind of good"): the reference
    // checks (i-3..=i-1), (i-3, i-2) and (i-2, i-1); only two-word
    // dampeners exist, so the three-word window never matches.
    for from in [i - 3, i - 2] {
        if BIGRAM_DAMPENERS.iter().any(|p| words.spells(from, p)) {
            valence += B_DECR;
        }
    }
    valence
}

/// The reference's `_least_check`: "least good" negates, "at least" and
/// "very least" do not.
fn least_check(valence: f64, words: &Words<'_>, i: usize) -> f64 {
    if i > 1 && !words.in_lexicon(i - 1) && words.is(i - 1, "least") {
        if !words.is(i - 2, "at") && !words.is(i - 2, "very") {
            return valence * N_SCALAR;
        }
    } else if i > 0 && !words.in_lexicon(i - 1) && words.is(i - 1, "least") {
        return valence * N_SCALAR;
    }
    valence
}

/// The reference's `_but_check`: words before the first "but" count half,
/// words after it one and a half times.
///
/// The reference finds each word's position with `list.index(value)`, which
/// returns the first word with an equal valence; so when two words have the
/// same valence, the first is scaled twice and the second not at all. The
/// ratings were fitted with that behaviour, and parity needs it, so it is
/// reproduced here. Zeros are skipped: scaling 0 changes nothing.
fn but_check(words: &Words<'_>, sentiments: &mut [f64]) {
    let Some(bi) = (0..words.len()).find(|&i| words.is(i, "but")) else {
        return;
    };
    for k in 0..sentiments.len() {
        let value = sentiments[k];
        if value == 0.0 {
            continue;
        }
        // `k` itself holds `value`, so a first equal position exists.
        let si = sentiments[..=k]
            .iter()
            .position(|&v| v == value)
            .unwrap_or(k);
        if si < bi {
            sentiments[si] = value * 0.5;
        } else if si > bi {
            sentiments[si] = value * 1.5;
        }
    }
}

/// Punctuation emphasis: up to four "!" at 0.292 each; two or three "?" at
/// 0.18 each, more at 0.96.
fn punctuation_emphasis(text: &str) -> f64 {
    let mut exclamations = 0usize;
    let mut questions = 0usize;
    for b in text.bytes() {
        match b {
            b'!' => exclamations += 1,
            b'?' => questions += 1,
            _ => {}
        }
    }
    let ep = exclamations.min(4) as f64 * 0.292;
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

/// The reference's `score_valence`.
fn score(sentiments: &[f64], text: &str) -> Polarity {
    let sum: f64 = sentiments.iter().sum();
    let punctuation = punctuation_emphasis(text);
    let emphasised = if sum > 0.0 {
        sum + punctuation
    } else if sum < 0.0 {
        sum - punctuation
    } else {
        sum
    };
    let compound = normalize(emphasised);

    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0f64, 0.0f64, 0usize);
    let (mut positive, mut negative, mut sentiment_words) = (0.0f64, 0.0f64, 0usize);
    for &s in sentiments {
        if s > 0.0 {
            // +1 compensates for neutral words being counted as 1.
            pos_sum += s + 1.0;
            positive += s;
            sentiment_words += 1;
        } else if s < 0.0 {
            neg_sum += s - 1.0;
            negative += s;
            sentiment_words += 1;
        } else {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punctuation;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punctuation;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    Polarity {
        compound,
        pos: (pos_sum / total).abs(),
        neg: (neg_sum / total).abs(),
        neu: (neu_count as f64 / total).abs(),
        sum,
        punctuation,
        positive,
        negative,
        sentiment_words,
        words: sentiments.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound(text: &str) -> f64 {
        Vader::default().polarity(text).compound
    }

    /// Reference values printed by vaderSentiment 3.3.2 (rounded to 4
    /// decimals) for the examples in its own `__main__`.
    #[test]
    fn reference_examples() {
        let cases = [
            ("VADER is smart, handsome, and funny.", 0.8316),
            ("VADER is smart, handsome, and funny!", 0.8439),
            ("VADER is very smart, handsome, and funny.", 0.8545),
            ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            (
                "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
                0.9469,
            ),
            ("VADER is not smart, handsome, nor funny.", -0.7424),
            ("The book was good.", 0.4404),
            ("At least it isn't a horrible book.", 0.431),
            ("The book was only kind of good.", 0.3832),
            (
                "The plot was good, but the characters are uncompelling and the dialog is not great.",
                -0.7042,
            ),
            ("Today SUX!", -0.5461),
            ("Today only kinda sux! But I'll get by, lol", 0.5249),
            ("Make sure you :) or :D today!", 0.8633),
            ("Not bad at all", 0.431),
        ];
        for (text, expected) in cases {
            let got = compound(text);
            assert!((got - expected).abs() < 5e-5, "{text}: {got} vs {expected}");
        }
    }

    #[test]
    fn empty_and_whitespace_text_is_neutral() {
        assert_eq!(Vader::default().polarity(""), Polarity::default());
        assert_eq!(compound(" \n\t "), 0.0);
    }

    #[test]
    fn word_scores_point_into_the_text() {
        let text = "  Critics praised Smith, but condemned Jones.";
        let mut scores = Vec::new();
        Vader::default().polarity_with(text, &mut Scratch::default(), Some(&mut scores));
        let words: Vec<&str> = scores.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(
            words,
            ["Critics", "praised", "Smith", "but", "condemned", "Jones"]
        );
        assert!(scores[1].valence > 0.0 && scores[4].valence < 0.0);
    }
}
