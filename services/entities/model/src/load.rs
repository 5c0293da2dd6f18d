//! Reading and verifying the converted model directory.

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::crf::Tag;

/// Version of the source package the weights were converted from.
pub(crate) const MODEL_VERSION: &str = "pyneuroner-1.0.8";

const MODEL_FILE: &str = "model.safetensors";
const TOKENS_FILE: &str = "tokens.txt";
const CHARACTERS_FILE: &str = "characters.txt";
const LABELS_FILE: &str = "labels.txt";
const SUMS_FILE: &str = "SHA256SUMS";

/// Embedding row used for characters the model never saw. NeuroNER draws a
/// random known character (`random.randint(1, max)`) on every call, which
/// makes its output non-deterministic; we fix it to row 1, `e`, the most
/// frequent character, so that an unseen accented letter reads as a letter.
pub(crate) const UNKNOWN_CHARACTER_INDEX: u8 = 1;

pub(crate) fn error(dir: &Path, message: impl Into<String>) -> Error {
    Error::Load {
        dir: dir.display().to_string(),
        message: message.into(),
    }
}

/// The raw files, each already checked against `SHA256SUMS`.
pub(crate) struct Files {
    pub model: Vec<u8>,
    pub model_sha256: String,
    pub tokens: String,
    pub characters: String,
    pub labels: String,
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(crate) fn read_files(dir: &Path) -> Result<Files, Error> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| error(dir, format!("reading {name}: {e}")))
    };
    let sums = String::from_utf8(read(SUMS_FILE)?)
        .map_err(|_| error(dir, format!("{SUMS_FILE} is not UTF-8")))?;
    let expected: HashMap<&str, &str> = sums
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(digest, name)| (name, digest)))
        .collect();
    // Every file we use must be listed and match: a truncated download or a
    // hand-edited vocabulary would otherwise give silently wrong names.
    let verified = |name: &str| -> Result<(Vec<u8>, String), Error> {
        let bytes = read(name)?;
        let actual = hex(&Sha256::digest(&bytes));
        match expected.get(name) {
            None => Err(error(dir, format!("{name} is not listed in {SUMS_FILE}"))),
            Some(&want) if want != actual => Err(error(
                dir,
                format!("{name}: sha256 {actual} does not match {SUMS_FILE} ({want})"),
            )),
            Some(_) => Ok((bytes, actual)),
        }
    };
    let text = |name: &str| -> Result<String, Error> {
        String::from_utf8(verified(name)?.0).map_err(|_| error(dir, format!("{name} is not UTF-8")))
    };
    let (model, model_sha256) = verified(MODEL_FILE)?;
    Ok(Files {
        model,
        model_sha256,
        tokens: text(TOKENS_FILE)?,
        characters: text(CHARACTERS_FILE)?,
        labels: text(LABELS_FILE)?,
    })
}

/// Vocabularies and labels.
#[derive(Debug)]
pub(crate) struct Vocab {
    /// Exact token string → embedding row; absent tokens use row 0 (UNK).
    pub tokens: HashMap<String, u32>,
    pub n_token_rows: usize,
    /// ASCII fast path: embedding row per byte, 0 = not in the alphabet.
    pub ascii: [u8; 128],
    /// Non-ASCII characters in the alphabet (none in this model, kept general).
    pub other_chars: HashMap<char, u8>,
    pub n_char_rows: usize,
    pub labels: Vec<Tag>,
    pub label_names: Vec<String>,
}

impl Vocab {
    pub(crate) fn parse(dir: &Path, files: &Files) -> Result<Vocab, Error> {
        let mut tokens = HashMap::new();
        let mut n_token_rows = 0;
        for (row, token) in files.tokens.lines().enumerate() {
            // Row 0 is "UNK", the fallback; it needs no entry.
            if row > 0 {
                let row = u32::try_from(row)
                    .map_err(|_| error(dir, format!("{TOKENS_FILE} has too many lines")))?;
                tokens.insert(token.to_owned(), row);
            }
            n_token_rows += 1;
        }

        let mut ascii = [0u8; 128];
        let mut other_chars = HashMap::new();
        let mut n_char_rows = 0;
        for (row, line) in files.characters.lines().enumerate() {
            n_char_rows += 1;
            if row == 0 {
                continue; // padding row: no character
            }
            let row = u8::try_from(row)
                .map_err(|_| error(dir, format!("{CHARACTERS_FILE}: more than 255 characters")))?;
            let mut chars = line.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(error(
                    dir,
                    format!("{CHARACTERS_FILE}: line {} is not one character", row),
                ));
            };
            if c.is_ascii() {
                ascii[c as usize] = row;
            } else {
                other_chars.insert(c, row);
            }
        }
        if n_char_rows <= usize::from(UNKNOWN_CHARACTER_INDEX) {
            return Err(error(dir, format!("{CHARACTERS_FILE} is too short")));
        }

        let mut labels = Vec::new();
        let mut label_names = Vec::new();
        for line in files.labels.lines() {
            let tag = Tag::parse(line)
                .ok_or_else(|| error(dir, format!("{LABELS_FILE}: unknown label {line:?}")))?;
            labels.push(tag);
            label_names.push(line.to_owned());
        }
        if labels.is_empty() {
            return Err(error(dir, format!("{LABELS_FILE} is empty")));
        }
        Ok(Vocab {
            tokens,
            n_token_rows,
            ascii,
            other_chars,
            n_char_rows,
            labels,
            label_names,
        })
    }

    #[inline]
    pub(crate) fn token_row(&self, token: &str) -> u32 {
        self.tokens.get(token).copied().unwrap_or(0)
    }

    #[inline]
    pub(crate) fn char_row(&self, c: char) -> u8 {
        let row = if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other_chars.get(&c).copied().unwrap_or(0)
        };
        if row == 0 {
            UNKNOWN_CHARACTER_INDEX
        } else {
            row
        }
    }
}
