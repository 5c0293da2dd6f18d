//! The VADER lexicon: word -> mean human valence (-4..4), plus the
//! booster/dampener and negation word lists of the reference implementation,
//! the words VADER's rules test for, and (for the news scorer) the ids of the
//! calibration's unigrams, folded into one table so that a word costs one
//! hash lookup however many of those roles it plays.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::Error;

/// The lexicon file shipped in `models/vader/`, embedded so that the engine
/// works without a models directory (see `models/vader/PROVENANCE.md`).
pub const EMBEDDED_LEXICON: &str = include_str!("../../../../models/vader/vader_lexicon.txt");

/// The file name of the lexicon inside a models directory.
pub const LEXICON_FILE: &str = "vader/vader_lexicon.txt";

/// Mean intensity change a booster adds (the reference's `B_INCR`).
pub const B_INCR: f64 = 0.293;
/// Mean intensity change a dampener adds (the reference's `B_DECR`).
pub const B_DECR: f64 = -0.293;

/// Single-word boosters and dampeners of the reference implementation
/// (its `BOOSTER_DICT`; the two-word entries are matched as n-grams in
/// `vader.rs`).
const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

/// Negation words of the reference implementation (its `NEGATE`). Any word
/// containing "n't" negates too; that test is made where it is needed.
const NEGATIONS: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// Marks for the words VADER's rules name ("no", "but", "least", ...), so
/// that the rules test a bit of the word's [`WordInfo`] instead of comparing
/// strings. Each mark is set on exactly the word(s) its name says.
pub mod mark {
    pub const NO: u32 = 1 << 0;
    pub const OR_NOR: u32 = 1 << 1;
    pub const NEVER: u32 = 1 << 2;
    pub const SO_THIS: u32 = 1 << 3;
    pub const WITHOUT: u32 = 1 << 4;
    pub const DOUBT: u32 = 1 << 5;
    pub const LEAST: u32 = 1 << 6;
    pub const AT: u32 = 1 << 7;
    pub const VERY: u32 = 1 << 8;
    pub const BUT: u32 = 1 << 9;
    pub const KIND: u32 = 1 << 10;
    pub const OF: u32 = 1 << 11;
    /// Any word of a special-case phrase or two-word dampener
    /// (`vader::SPECIAL_CASES`, `vader::BIGRAM_DAMPENERS`): a phrase can
    /// only match where every word has this mark.
    pub const IDIOM: u32 = 1 << 12;
}

/// The words each mark is set on.
const RULE_WORDS: &[(&str, u32)] = &[
    ("no", mark::NO),
    ("or", mark::OR_NOR),
    ("nor", mark::OR_NOR),
    ("never", mark::NEVER),
    ("so", mark::SO_THIS),
    ("this", mark::SO_THIS),
    ("without", mark::WITHOUT),
    ("doubt", mark::DOUBT),
    ("least", mark::LEAST),
    ("at", mark::AT),
    ("very", mark::VERY),
    ("but", mark::BUT),
    ("kind", mark::KIND),
    ("of", mark::OF),
];

/// Bits of [`WordInfo`] beside the [`mark`]s.
const IN_LEXICON: u32 = 1 << 24;
const NEGATION: u32 = 1 << 25;
const BOOSTER: u32 = 1 << 26;
const DAMPENER: u32 = 1 << 27;
/// [`WordInfo`]'s `unigram` for a word that is not a unigram.
const NO_UNIGRAM: u32 = u32::MAX;

/// What the scorer needs to know about one lower-cased word: 16 bytes, so
/// that the table's entries stay small (it is read once per word).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordInfo {
    /// Lexicon valence; meaningful with [`IN_LEXICON`].
    valence: f64,
    /// The word's id among the news calibration's unigrams, or
    /// [`NO_UNIGRAM`] (see [`Lexicon::with_unigrams`]).
    unigram: u32,
    /// [`mark`]s, [`IN_LEXICON`], [`NEGATION`], [`BOOSTER`], [`DAMPENER`].
    bits: u32,
}

impl Default for WordInfo {
    fn default() -> Self {
        WordInfo {
            valence: 0.0,
            unigram: NO_UNIGRAM,
            bits: 0,
        }
    }
}

impl WordInfo {
    /// Lexicon valence, if the word is in the lexicon.
    #[inline]
    pub fn valence(&self) -> Option<f64> {
        (self.bits & IN_LEXICON != 0).then_some(self.valence)
    }

    /// Booster (> 0) or dampener (< 0) increment; 0 for other words.
    #[inline]
    pub fn booster(&self) -> f64 {
        if self.bits & BOOSTER != 0 {
            B_INCR
        } else if self.bits & DAMPENER != 0 {
            B_DECR
        } else {
            0.0
        }
    }

    /// Whether the word is one of the listed negations.
    #[inline]
    pub fn negation(&self) -> bool {
        self.bits & NEGATION != 0
    }

    /// Whether the word has `mark` (one of [`mark`]).
    #[inline]
    pub fn has(&self, mark: u32) -> bool {
        self.bits & mark != 0
    }

    /// The word's id among the news calibration's unigrams, if it is one.
    #[inline]
    pub fn unigram(&self) -> Option<u32> {
        (self.unigram != NO_UNIGRAM).then_some(self.unigram)
    }

    fn set_valence(&mut self, valence: f64) {
        self.valence = valence;
        self.bits |= IN_LEXICON;
    }
}

/// FxHash (the rustc hasher): the table is fixed after loading and lookups
/// are the hot path, so a fast non-keyed hash is the right trade; a caller
/// cannot grow the table, so collision flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The lexicon with the word lists folded in.
#[derive(Clone, Debug)]
pub struct Lexicon {
    words: FxMap<Box<str>, WordInfo>,
    entries: usize,
    /// Whether some words carry a calibration unigram id.
    unigrams: bool,
    sha256: String,
}

impl Lexicon {
    /// The lexicon embedded in the crate.
    pub fn embedded() -> Self {
        // The embedded file is checked by the tests; parsing it cannot fail
        // at run time, but an error would still be better than a panic, so
        // an empty lexicon is the (never reached) fallback.
        Self::parse(EMBEDDED_LEXICON).unwrap_or_else(|_| Self::from_entries(Vec::new(), ""))
    }

    /// Reads `vader/vader_lexicon.txt` under `models_dir`.
    pub fn from_models_dir(models_dir: &Path) -> Result<Self, Error> {
        let path = models_dir.join(LEXICON_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::LexiconIo {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses the lexicon format: `word TAB valence TAB ...` per line, as the
    /// reference reads it (first two fields, surrounding whitespace removed).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut entries = Vec::with_capacity(8_000);
        for (number, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let mut fields = line.trim().split('\t');
            let word = fields.next().unwrap_or_default();
            let measure = fields.next().ok_or_else(|| Error::LexiconFormat {
                line: number + 1,
                reason: "no tab-separated valence".to_owned(),
            })?;
            let valence: f64 = measure.parse().map_err(|_| Error::LexiconFormat {
                line: number + 1,
                reason: format!("valence {measure:?} is not a number"),
            })?;
            entries.push((word.to_owned(), valence));
        }
        let digest = Sha256::digest(text.as_bytes());
        let sha256 = digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Self::from_entries(entries, &sha256))
    }

    fn from_entries(entries: Vec<(String, f64)>, sha256: &str) -> Self {
        let count = entries.len();
        let mut words: FxMap<Box<str>, WordInfo> = FxMap::default();
        words.reserve(count + BOOSTERS.len() + NEGATIONS.len());
        for (word, valence) in entries {
            // Later lines win, as in the reference's dict.
            words
                .entry(word.into_boxed_str())
                .or_default()
                .set_valence(valence);
        }
        for &(word, booster) in BOOSTERS {
            words.entry(word.into()).or_default().bits |=
                if booster > 0.0 { BOOSTER } else { DAMPENER };
        }
        for &word in NEGATIONS {
            words.entry(word.into()).or_default().bits |= NEGATION;
        }
        for &(word, mark) in RULE_WORDS {
            words.entry(word.into()).or_default().bits |= mark;
        }
        for word in crate::vader::idiom_words() {
            words.entry(word.into()).or_default().bits |= mark::IDIOM;
        }
        Lexicon {
            words,
            entries: count,
            unigrams: false,
            sha256: sha256.to_owned(),
        }
    }

    /// This lexicon with the valences of some words set (added or
    /// replaced) as the reference's `lexicon[word] = valence` would; a
    /// valence of 0 keeps the word in the lexicon with no tone. For the
    /// news scorer's domain adjustments; plain VADER keeps the reference
    /// lexicon. The SHA-256 stays that of the file read.
    pub fn with_valences<'a>(mut self, valences: impl IntoIterator<Item = (&'a str, f64)>) -> Self {
        for (word, valence) in valences {
            self.words
                .entry(word.into())
                .or_default()
                .set_valence(valence);
        }
        self
    }

    /// This lexicon with the news calibration's unigrams numbered in the
    /// order given, so that VADER's one lookup per word also finds the
    /// word's unigram id. Words that are not VADER words get an entry with
    /// no valence, which VADER treats as it treats an unknown word.
    pub fn with_unigrams<'a>(mut self, unigrams: impl IntoIterator<Item = &'a str>) -> Self {
        for (id, word) in unigrams.into_iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            self.words.entry(word.into()).or_default().unigram = id;
            self.unigrams = true;
        }
        self
    }

    /// Whether [`Lexicon::with_unigrams`] numbered any words.
    #[inline]
    pub fn has_unigrams(&self) -> bool {
        self.unigrams
    }

    /// What the scorer knows about `lower` (a lower-cased word).
    #[inline]
    pub fn get(&self, lower: &str) -> WordInfo {
        self.words.get(lower).copied().unwrap_or_default()
    }

    /// The lexicon valence of `lower`, if it has one.
    #[inline]
    pub fn valence(&self, lower: &str) -> Option<f64> {
        self.words.get(lower).and_then(|info| info.valence())
    }

    /// Number of lexicon lines read.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// SHA-256 of the lexicon file, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::embedded()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn embedded_lexicon_is_the_pinned_file() {
        let lexicon = Lexicon::parse(EMBEDDED_LEXICON).unwrap();
        assert_eq!(lexicon.len(), 7_520);
        assert_eq!(
            lexicon.sha256(),
            "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"
        );
        assert_eq!(lexicon.valence("good"), Some(1.9));
        assert_eq!(lexicon.get("very").booster(), B_INCR);
        assert_eq!(lexicon.get("barely").booster(), B_DECR);
        assert!(lexicon.get("never").negation());
        assert!(lexicon.get("but").has(mark::BUT) && !lexicon.get("butter").has(mark::BUT));
        assert_eq!(lexicon.get("qwertyuiop"), WordInfo::default());
    }

    #[test]
    fn valences_can_be_set_without_touching_the_original() {
        let lexicon = Lexicon::embedded();
        let news = lexicon
            .clone()
            .with_valences([("security", 0.0), ("fell", -1.0)]);
        assert_eq!(news.valence("security"), Some(0.0));
        assert_eq!(news.valence("fell"), Some(-1.0));
        assert_eq!(news.get("very").booster(), B_INCR);
        assert_eq!(lexicon.valence("security"), Some(1.4));
        assert_eq!(lexicon.valence("fell"), None);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let error = Lexicon::parse("good\t1.9\nbad\tx\n").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
    }
}
