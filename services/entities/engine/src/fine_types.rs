//! Finer, OntoNotes-style types for the names the model finds: NORP, GPE,
//! LOC, FAC, EVENT, LAW, PRODUCT, WORK_OF_ART, LANGUAGE, ORG.
//!
//! A multinomial logistic regression over hashed features of an entity's
//! canonical mention and the two words either side of it, trained by
//! `tools/fine_types/train.py` on spaCy's labels of our own spans in BBC
//! News articles (see `models/fine-types/PROVENANCE.md`). The features are
//! computed here and in `tools/fine_types/features.py` from the same
//! tokens, the same way; `tests/fine_type_features.rs` checks that the two
//! give the same indices.
//!
//! The model file (`models/fine-types/weights.txt`) is text:
//!
//! ```text
//! copydesk-fine-types 1
//! version <free text>
//! dim <buckets of the hashing trick>
//! classes NONE <fine type>...
//! threshold <probability below which no fine type is given>
//! allow <coarse type> <fine type>...     (one line per coarse type; a
//!                                         coarse type without one gets none)
//! bias <one weight per class>
//! <bucket> <one weight per class>         (buckets never seen in training
//!                                         are left out: their weights are 0)
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use copydesk_ner::ModelDescription;
use copydesk_segmenter::Segmentation;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::{Entity, EntityType, Mention, MentionKind};

/// Directory of the model under the models root.
pub const MODEL_DIR_NAME: &str = "fine-types";

/// The weights file in [`MODEL_DIR_NAME`].
pub const WEIGHTS_FILE: &str = "weights.txt";

/// First line of a weights file this code reads.
const MAGIC: &str = "copydesk-fine-types 1";

/// What stands for a missing word before the sentence and after it.
const BEFORE_SENTENCE: &str = "<s>";
const AFTER_SENTENCE: &str = "</s>";

/// The finer types (the contract's `FineType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FineType {
    /// Nationalities, religious and political groups.
    Norp,
    /// Countries, cities, states.
    Gpe,
    /// Places that are not political: rivers, seas, mountains, regions.
    Loc,
    /// Buildings, airports, bridges, roads.
    Fac,
    Event,
    Law,
    Product,
    WorkOfArt,
    Language,
    /// Companies, agencies, institutions.
    Org,
}

impl FineType {
    pub const ALL: [FineType; 10] = [
        FineType::Norp,
        FineType::Gpe,
        FineType::Loc,
        FineType::Fac,
        FineType::Event,
        FineType::Law,
        FineType::Product,
        FineType::WorkOfArt,
        FineType::Language,
        FineType::Org,
    ];

    /// The OntoNotes name: `NORP`, `GPE`, ... `WORK_OF_ART`.
    pub fn name(self) -> &'static str {
        match self {
            FineType::Norp => "NORP",
            FineType::Gpe => "GPE",
            FineType::Loc => "LOC",
            FineType::Fac => "FAC",
            FineType::Event => "EVENT",
            FineType::Law => "LAW",
            FineType::Product => "PRODUCT",
            FineType::WorkOfArt => "WORK_OF_ART",
            FineType::Language => "LANGUAGE",
            FineType::Org => "ORG",
        }
    }

    pub fn from_name(name: &str) -> Option<FineType> {
        FineType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The coarse type's name as the features spell it.
pub fn coarse_name(entity_type: EntityType) -> &'static str {
    match entity_type {
        EntityType::Person => "PERSON",
        EntityType::Organization => "ORGANIZATION",
        EntityType::Location => "LOCATION",
        EntityType::Misc => "MISC",
        EntityType::Date => "DATE",
        EntityType::Time => "TIME",
        EntityType::Money => "MONEY",
        EntityType::Percent => "PERCENT",
        EntityType::Quantity => "QUANTITY",
        EntityType::Cardinal => "CARDINAL",
        EntityType::Ordinal => "ORDINAL",
    }
}

/// A name in its sentence, as the classifier sees it: the words are the
/// segmenter's normalised token forms.
#[derive(Clone, Copy, Debug)]
pub struct SpanInput<'a> {
    pub coarse: EntityType,
    pub words: &'a [&'a str],
    /// The word two before the name and the word just before it; `<s>`
    /// where the sentence has none.
    pub before: [&'a str; 2],
    /// The word just after the name and the one after that; `</s>` where
    /// the sentence has none.
    pub after: [&'a str; 2],
}

/// 64-bit FNV-1a of the UTF-8 bytes: simple enough to be written the same
/// in Python, and good enough for bucketing feature strings.
pub fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// ASCII letters lower-cased, everything else as it is: exact in Rust and
/// Python alike, whatever their Unicode versions.
fn lower(word: &str) -> String {
    word.to_ascii_lowercase()
}

/// The word's shape: `X` for A-Z, `x` for a-z, `d` for 0-9, `~` for any
/// character beyond ASCII, other ASCII as it is; a run of one shape
/// character is cut at two ("Heathrow" -> "Xxx", "BBC" -> "XX").
fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let s = match c {
            'A'..='Z' => 'X',
            'a'..='z' => 'x',
            '0'..='9' => 'd',
            c if c.is_ascii() => c,
            _ => '~',
        };
        if s == last {
            run += 1;
        } else {
            last = s;
            run = 1;
        }
        if run <= 2 {
            out.push(s);
        }
    }
    out
}

/// The last `n` characters of `word`, when it has more than `n`.
fn suffix(word: &str, n: usize) -> Option<&str> {
    let count = word.chars().count();
    if count <= n {
        return None;
    }
    word.char_indices().nth(count - n).map(|(i, _)| &word[i..])
}

/// The feature strings of a span, in a fixed order (duplicates kept).
pub fn feature_strings(span: &SpanInput<'_>) -> Vec<String> {
    let t = coarse_name(span.coarse);
    let words: Vec<String> = span.words.iter().map(|w| lower(w)).collect();
    let mut out = vec![format!("t={t}")];
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return out;
    };
    for w in &words {
        out.push(format!("w={w}"));
    }
    let joined = words.join(" ");
    out.push(format!("first={first}"));
    out.push(format!("last={last}"));
    out.push(format!("t|last={t}|{last}"));
    out.push(format!("span={joined}"));
    out.push(format!("t|span={t}|{joined}"));
    let shapes: Vec<String> = span.words.iter().map(|w| shape(w)).collect();
    out.push(format!("shape={}", shapes.join(" ")));
    out.push(format!("len={}", words.len().min(6)));
    for n in [2, 3, 4] {
        if let Some(s) = suffix(last, n) {
            out.push(format!("suf{n}={s}"));
        }
    }
    let [p2, p1] = span.before.map(lower);
    let [n1, n2] = span.after.map(lower);
    out.push(format!("p1={p1}"));
    out.push(format!("p2={p2} {p1}"));
    out.push(format!("t|p1={t}|{p1}"));
    out.push(format!("n1={n1}"));
    out.push(format!("n2={n1} {n2}"));
    out.push(format!("t|n1={t}|{n1}"));
    out
}

/// The buckets of a span's features, in [`feature_strings`]' order.
pub fn feature_indices(span: &SpanInput<'_>, dim: u32) -> Vec<u32> {
    let dim = u64::from(dim.max(1));
    feature_strings(span)
        .iter()
        // The remainder is below `dim`, a u32.
        .map(|f| (fnv1a(f) % dim) as u32)
        .collect()
}

/// The fine-type model, loaded once and shared.
#[derive(Debug)]
pub struct FineTypeModel {
    description: ModelDescription,
    dim: u32,
    /// Class 0 is "no fine type"; the others are fine types.
    classes: Vec<Option<FineType>>,
    threshold: f32,
    /// The fine types each coarse type may take.
    allowed: HashMap<EntityType, Vec<FineType>>,
    bias: Vec<f32>,
    /// Bucket -> weights, one per class.
    rows: HashMap<u32, Box<[f32]>>,
}

/// The model directory: `$COPYDESK_MODELS_DIR/fine-types` when the variable
/// is set, else the repository's `models/fine-types` (tests, benches,
/// examples in a checkout).
pub fn default_dir() -> PathBuf {
    match std::env::var_os(copydesk_ner::MODELS_DIR_ENV) {
        Some(root) if !root.is_empty() => PathBuf::from(root).join(MODEL_DIR_NAME),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../models")
            .join(MODEL_DIR_NAME),
    }
}

impl FineTypeModel {
    /// Reads `weights.txt` from `dir` (`models/fine-types`) and checks it
    /// against the directory's `SHA256SUMS`.
    pub fn load(dir: &Path) -> Result<FineTypeModel, Error> {
        let path = dir.join(WEIGHTS_FILE);
        let shown = path.display().to_string();
        let error = |message: String| Error::FineTypes {
            path: shown.clone(),
            message,
        };
        let bytes = std::fs::read(&path).map_err(|e| error(format!("cannot read: {e}")))?;
        let sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sums_path = dir.join("SHA256SUMS");
        let sums = std::fs::read_to_string(&sums_path)
            .map_err(|e| error(format!("cannot read {}: {e}", sums_path.display())))?;
        let listed = sums.lines().find_map(|line| {
            let (sum, file) = line.split_once(char::is_whitespace)?;
            (file.trim() == WEIGHTS_FILE).then(|| sum.trim().to_ascii_lowercase())
        });
        match listed {
            None => return Err(error(format!("not listed in {}", sums_path.display()))),
            Some(sum) if sum != sha256 => {
                return Err(error(format!(
                    "sha256 {sha256} differs from {sum} in {}",
                    sums_path.display()
                )));
            }
            Some(_) => {}
        }
        let text = String::from_utf8(bytes).map_err(|_| error("not UTF-8 text".to_owned()))?;
        Self::parse(&text, &sha256).map_err(error)
    }

    /// Parses the weights file's text (format in the module docs); the
    /// error is a message naming the line.
    pub fn parse(text: &str, sha256: &str) -> Result<FineTypeModel, String> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, MAGIC)) => {}
            _ => return Err(format!("line 1: expected {MAGIC:?}")),
        }
        let mut version = None;
        let mut dim = None;
        let mut classes: Option<Vec<Option<FineType>>> = None;
        let mut threshold = None;
        let mut allowed = HashMap::new();
        let mut bias = None;
        let mut rows = HashMap::new();
        for (number, line) in lines {
            let bad = |what: String| format!("line {number}: {what}");
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            let n_classes = classes.as_ref().map_or(0, Vec::len);
            let weights = |rest: &str| -> Result<Box<[f32]>, String> {
                let values = rest
                    .split(' ')
                    .map(|v| match v.parse::<f32>() {
                        Ok(x) if x.is_finite() => Ok(x),
                        _ => Err(bad(format!("{v:?} is not a finite number"))),
                    })
                    .collect::<Result<Vec<f32>, String>>()?;
                if values.len() != n_classes || n_classes == 0 {
                    return Err(bad(format!(
                        "{} weights for {n_classes} classes (classes must come first)",
                        values.len()
                    )));
                }
                Ok(values.into_boxed_slice())
            };
            match key {
                "version" => version = Some(rest.to_owned()),
                "dim" => match rest.parse::<u32>() {
                    Ok(d) if d > 0 => dim = Some(d),
                    _ => return Err(bad(format!("dim {rest:?} is not a positive integer"))),
                },
                "classes" => {
                    let names: Vec<&str> = rest.split(' ').collect();
                    if names.first() != Some(&"NONE") {
                        return Err(bad("the first class must be NONE".to_owned()));
                    }
                    let mut parsed = vec![None];
                    for name in &names[1..] {
                        let fine = FineType::from_name(name)
                            .ok_or_else(|| bad(format!("unknown class {name:?}")))?;
                        if parsed.contains(&Some(fine)) {
                            return Err(bad(format!("class {name} twice")));
                        }
                        parsed.push(Some(fine));
                    }
                    classes = Some(parsed);
                }
                "threshold" => match rest.parse::<f32>() {
                    Ok(t) if (0.0..=1.0).contains(&t) => threshold = Some(t),
                    _ => return Err(bad(format!("threshold {rest:?} is not in [0, 1]"))),
                },
                "allow" => {
                    let mut names = rest.split(' ');
                    let coarse = names.next().unwrap_or_default();
                    let coarse = EntityType::ALL
                        .into_iter()
                        .find(|t| coarse_name(*t) == coarse)
                        .ok_or_else(|| bad(format!("unknown coarse type {coarse:?}")))?;
                    let fine = names
                        .filter(|n| !n.is_empty())
                        .map(|n| {
                            FineType::from_name(n)
                                .ok_or_else(|| bad(format!("unknown fine type {n:?}")))
                        })
                        .collect::<Result<Vec<_>, String>>()?;
                    allowed.insert(coarse, fine);
                }
                "bias" => bias = Some(weights(rest)?),
                _ => {
                    let bucket = key
                        .parse::<u32>()
                        .map_err(|_| bad(format!("unknown entry {key:?}")))?;
                    let d = dim.ok_or_else(|| bad("a row before dim".to_owned()))?;
                    if bucket >= d {
                        return Err(bad(format!("bucket {bucket} is not below dim {d}")));
                    }
                    if rows.insert(bucket, weights(rest)?).is_some() {
                        return Err(bad(format!("bucket {bucket} twice")));
                    }
                }
            }
        }
        let missing = |what: &str| format!("no {what} line");
        let classes = classes.ok_or_else(|| missing("classes"))?;
        for fine in allowed.values().flatten() {
            if !classes.contains(&Some(*fine)) {
                return Err(format!("allow names {}, which is not a class", fine.name()));
            }
        }
        Ok(FineTypeModel {
            description: ModelDescription {
                name: MODEL_DIR_NAME.to_owned(),
                version: version.ok_or_else(|| missing("version"))?,
                sha256: sha256.to_owned(),
            },
            dim: dim.ok_or_else(|| missing("dim"))?,
            threshold: threshold.ok_or_else(|| missing("threshold"))?,
            bias: bias.ok_or_else(|| missing("bias"))?.into_vec(),
            classes,
            allowed,
            rows,
        })
    }

    /// Name, version and the weights file's SHA-256.
    pub fn description(&self) -> &ModelDescription {
        &self.description
    }

    /// Number of hash buckets.
    pub fn dim(&self) -> u32 {
        self.dim
    }

    /// The probability of each class (class 0: no fine type; then the
    /// fine types of [`FineTypeModel::classes`]).
    pub fn probabilities(&self, span: &SpanInput<'_>) -> Vec<f32> {
        let mut scores = self.bias.clone();
        for bucket in feature_indices(span, self.dim) {
            if let Some(row) = self.rows.get(&bucket) {
                for (s, w) in scores.iter_mut().zip(row.iter()) {
                    *s += w;
                }
            }
        }
        let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut total = 0.0;
        for s in &mut scores {
            *s = (*s - max).exp();
            total += *s;
        }
        for s in &mut scores {
            *s /= total;
        }
        scores
    }

    /// The classes, in score order; `None` is "no fine type".
    pub fn classes(&self) -> &[Option<FineType>] {
        &self.classes
    }

    /// The fine type of a span: the likeliest class among those its coarse
    /// type allows and "none", when it is a fine type whose probability,
    /// renormalised over those classes, is at least the threshold.
    pub fn classify(&self, span: &SpanInput<'_>) -> Option<FineType> {
        let allowed = self.allowed.get(&span.coarse)?;
        let probabilities = self.probabilities(span);
        let candidates = || {
            self.classes
                .iter()
                .zip(probabilities.iter().copied())
                .filter(|(class, _)| class.is_none_or(|c| allowed.contains(&c)))
        };
        let total: f32 = candidates().map(|(_, p)| p).sum();
        let (best, p) = candidates().max_by(|a, b| a.1.total_cmp(&b.1))?;
        best.filter(|_| total > 0.0 && p / total >= self.threshold)
    }

    /// Sets the fine type of every name entity from its canonical mention
    /// in its sentence. `segmentation` is the one the entities were found in.
    pub fn assign(&self, segmentation: &Segmentation<'_>, entities: &mut [Entity]) {
        for entity in entities.iter_mut().filter(|e| e.entity_type.is_name()) {
            entity.fine_type = canonical_mention(entity)
                .and_then(|m| MentionWords::of(segmentation, m))
                .and_then(|words| self.classify(&words.input(entity.entity_type)));
        }
    }
}

/// The mention the fine type is read from: the first spelled as the
/// entity's name, else the first.
pub fn canonical_mention(entity: &Entity) -> Option<&Mention> {
    entity
        .mentions
        .iter()
        .find(|m| m.kind == MentionKind::Proper && m.text == entity.name)
        .or_else(|| entity.mentions.first())
}

/// A mention's words and the two words either side of it in its sentence.
#[derive(Clone, Debug)]
pub struct MentionWords<'t> {
    pub words: Vec<&'t str>,
    pub before: [&'t str; 2],
    pub after: [&'t str; 2],
}

impl<'t> MentionWords<'t> {
    /// `None` when the mention's tokens or sentence are not in
    /// `segmentation`.
    pub fn of(segmentation: &'t Segmentation<'_>, mention: &Mention) -> Option<Self> {
        let sentence = segmentation.sentences.get(mention.sentence)?;
        let (start, end) = mention.tokens;
        let tokens = &segmentation.tokens;
        let words = tokens.get(start..end)?.iter().map(|t| &*t.norm).collect();
        let word = |i: Option<usize>, edge: &'static str| -> &'t str {
            i.filter(|i| (sentence.token_start..sentence.token_end).contains(i))
                .and_then(|i| tokens.get(i))
                .map_or(edge, |t| &*t.norm)
        };
        Some(MentionWords {
            words,
            before: [
                word(start.checked_sub(2), BEFORE_SENTENCE),
                word(start.checked_sub(1), BEFORE_SENTENCE),
            ],
            after: [
                word(Some(end), AFTER_SENTENCE),
                word(Some(end + 1), AFTER_SENTENCE),
            ],
        })
    }

    /// The classifier's input for a name of type `coarse`.
    pub fn input(&self, coarse: EntityType) -> SpanInput<'_> {
        SpanInput {
            coarse,
            words: &self.words,
            before: self.before,
            after: self.after,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SMALL: &str = "copydesk-fine-types 1\nversion test\ndim 8\n\
        classes NONE NORP GPE\nthreshold 0.5\nallow MISC NORP\nallow LOCATION GPE\n\
        bias 0 0 0\n";

    fn span<'a>(coarse: EntityType, words: &'a [&'a str]) -> SpanInput<'a> {
        SpanInput {
            coarse,
            words,
            before: ["<s>", "<s>"],
            after: ["</s>", "</s>"],
        }
    }

    #[test]
    fn shapes_and_suffixes() {
        assert_eq!(shape("Heathrow"), "Xxx");
        assert_eq!(shape("BBC"), "XX");
        assert_eq!(shape("Zürich-2"), "X~xx-d");
        assert_eq!(suffix("ukrainian", 3), Some("ian"));
        assert_eq!(suffix("zürich", 4), Some("rich"));
        assert_eq!(suffix("abc", 3), None);
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_class_needs_the_threshold_and_the_coarse_type_to_allow_it() {
        // Bucket of every feature: the NORP column wins by a mile.
        let mut text = SMALL.to_owned();
        for b in 0..8 {
            text.push_str(&format!("{b} 0 5 4\n"));
        }
        let model = FineTypeModel::parse(&text, "x").unwrap();
        assert_eq!(
            model.classify(&span(EntityType::Misc, &["Ukrainian"])),
            Some(FineType::Norp)
        );
        // LOCATION may not be NORP: GPE is the likeliest it may take.
        assert_eq!(
            model.classify(&span(EntityType::Location, &["Kyiv"])),
            Some(FineType::Gpe)
        );
        // No allow line for PERSON.
        assert_eq!(model.classify(&span(EntityType::Person, &["Jane"])), None);

        let unsure = SMALL.replace("threshold 0.5", "threshold 1");
        let model = FineTypeModel::parse(&unsure, "x").unwrap();
        assert_eq!(
            model.classify(&span(EntityType::Misc, &["Ukrainian"])),
            None
        );
    }

    #[test]
    fn bad_files_are_errors_naming_the_line() {
        let cases = [
            ("", "line 1"),
            ("copydesk-fine-types 2\n", "line 1"),
            (&SMALL.replace("dim 8", "dim 0"), "line 3"),
            (&SMALL.replace("classes NONE", "classes"), "line 4"),
            (&SMALL.replace("NORP GPE", "NORP PLANET"), "unknown class"),
            (&SMALL.replace("threshold 0.5", "threshold 2"), "line 5"),
            (
                &SMALL.replace("allow MISC NORP", "allow MISC FAC"),
                "not a class",
            ),
            (&SMALL.replace("bias 0 0 0", "bias 0 0"), "line 8"),
            (&format!("{SMALL}8 0 0 0\n"), "not below dim"),
            (&format!("{SMALL}3 0 NaN 0\n"), "finite"),
            (&format!("{SMALL}3 0 0 0\n3 0 0 0\n"), "twice"),
            (&SMALL.replace("version test\n", ""), "no version"),
            (&format!("{SMALL}weights 1 2 3\n"), "unknown entry"),
        ];
        for (text, expected) in cases {
            let error = FineTypeModel::parse(text, "x").unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_missing_or_altered_file_is_an_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("copydesk-fine-types-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = FineTypeModel::load(&dir).unwrap_err().to_string();
        assert!(error.contains("cannot read"), "{error}");

        std::fs::write(dir.join(WEIGHTS_FILE), SMALL).unwrap();
        let error = FineTypeModel::load(&dir).unwrap_err().to_string();
        assert!(error.contains("SHA256SUMS"), "{error}");

        let sum: String = Sha256::digest(SMALL.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        std::fs::write(dir.join("SHA256SUMS"), format!("{sum}  {WEIGHTS_FILE}\n")).unwrap();
        let model = FineTypeModel::load(&dir).unwrap();
        assert_eq!(model.description().sha256, sum);

        std::fs::write(dir.join(WEIGHTS_FILE), SMALL.replace("0.5", "0.6")).unwrap();
        let error = FineTypeModel::load(&dir).unwrap_err().to_string();
        assert!(error.contains("differs"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
