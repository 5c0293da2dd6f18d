//! Name folding: the key a name is indexed and looked up under, so that
//! "the Côte d’Ivoire's", "Cote d'Ivoire" and "CÔTE D'IVOIRE" meet, as do
//! "Moon Jae-in" and "Moon Jae in", "U.S." and "US".
//!
//! Folding: canonical decomposition with the combining marks dropped
//! (diacritics), lower case, a possessive "'s" dropped, apostrophes and
//! periods dropped inside words ("O'Brien" -> "obrien", "U.S." -> "us"),
//! every other non-alphanumeric character a word break (hyphens, slashes,
//! commas, brackets), words joined by one space, and a leading "the"
//! dropped unless it is the whole name.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The folded form of `name`; empty when `name` has no letter or digit.
pub fn fold(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut chars = name.nfd().filter(|c| !is_combining_mark(*c)).peekable();
    while let Some(c) = chars.next() {
        if is_apostrophe(c) {
            // "'s" ending a word is a possessive; other apostrophes join
            // the word's halves.
            let next_is_s = matches!(chars.peek(), Some('s' | 'S'));
            if next_is_s {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek().is_none_or(|c| !c.is_alphanumeric()) {
                    chars.next();
                }
            }
            continue;
        }
        if c == '.' {
            continue;
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words.join(" ")
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// Whether a word of the text starts with a capital letter or a digit, as
/// names in English news do.
pub fn is_capitalised(word: &str) -> bool {
    word.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_diacritics_and_apostrophes_fold_away() {
        assert_eq!(fold("Côte d’Ivoire"), "cote divoire");
        assert_eq!(fold("CÔTE D'IVOIRE"), "cote divoire");
        assert_eq!(fold("São Paulo"), "sao paulo");
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("O'Brien"), "obrien");
    }

    #[test]
    fn the_possessives_periods_and_hyphens() {
        assert_eq!(fold("the Philippines"), "philippines");
        assert_eq!(fold("The Hague"), "hague");
        assert_eq!(fold("The"), "the");
        assert_eq!(fold("Taiwan's"), "taiwan");
        assert_eq!(fold("Taiwan’s"), "taiwan");
        assert_eq!(fold("Reuters'"), "reuters");
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("St. Louis"), "st louis");
        assert_eq!(fold("Moon Jae-in"), "moon jae in");
        assert_eq!(fold("Moon  Jae in"), "moon jae in");
        assert_eq!(fold("Guinea-Bissau"), fold("Guinea Bissau"));
        assert_eq!(fold("  --  "), "");
        // An "'s" inside a word is not a possessive.
        assert_eq!(fold("Xi's sister"), "xi sister");
        assert_eq!(fold("Ma'said"), "masaid");
    }

    #[test]
    fn capitalised_words() {
        assert!(is_capitalised("Taiwan"));
        assert!(is_capitalised("\"Taiwan"));
        assert!(!is_capitalised("taiwan"));
        assert!(!is_capitalised("--"));
    }
}
