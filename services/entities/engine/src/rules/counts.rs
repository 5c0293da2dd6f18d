//! CARDINAL ("100,000", "two million", "dozens") and ORDINAL ("first",
//! "5th", "21st"): the numbers no other rule claims.
//!
//! Metadata: `value` where the text fixes it.

use super::numbers::number_at;
use super::{Match, Words};
use crate::EntityType;

const ORDINAL_WORDS: [&str; 20] = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

/// The rank a word stands for: "first" -> 1, "5th" -> 5, "22nd" -> 22.
pub fn ordinal_value(word: &str) -> Option<u64> {
    if let Some(i) = ORDINAL_WORDS.iter().position(|w| *w == word) {
        return Some(i as u64 + 1);
    }
    let split = word.find(|c: char| !c.is_ascii_digit())?;
    let (digits, suffix) = word.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let expected = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    (suffix == expected).then_some(n)
}

pub fn ordinal_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let lower = words.lower(i);
    let value = ordinal_value(lower)?;
    // "a second", "per second": a unit of time, not a rank, unless a noun
    // follows ("a second term").
    if lower == "second"
        && matches!(words.before(i), "a" | "per" | "one" | "split" | "every")
        && words.is_boundary(i + 1)
    {
        return None;
    }
    Some(Match::new(1, EntityType::Ordinal).with("value", value.to_string()))
}

pub fn cardinal_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let lower = words.lower(i);
    if matches!(
        lower,
        "dozens" | "hundreds" | "thousands" | "millions" | "billions"
    ) && words.lower(i + 1) == "of"
    {
        return Some(Match::new(1, EntityType::Cardinal));
    }
    // "one" as a pronoun ("no one", "one another", "the one") is no count.
    if lower == "one"
        && (matches!(
            words.before(i),
            "no" | "any" | "every" | "some" | "each" | "the" | "this" | "that" | "which"
        ) || matches!(words.lower(i + 1), "another" | "'s"))
    {
        return None;
    }
    if lower == "zero" {
        return None;
    }
    let (value, len) = number_at(words, i)?;
    Some(Match::new(len, EntityType::Cardinal).with("value", value.to_string()))
}
