//! Numbers as news writes them: "100,000", "2.63", "1.13bn", "20m", "two",
//! "1.5 billion", kept exact (decimal, not floating point) so that
//! "$1.13bn" normalises to "1130000000", not "1129999999.9999998".

use super::Words;

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    mantissa: u128,
    scale: u32,
}

impl Decimal {
    pub fn from_integer(value: u64) -> Self {
        Decimal {
            mantissa: u128::from(value),
            scale: 0,
        }
    }

    /// Parses "100,000", "2.63", "45": digits, thousands commas, one point.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (whole, fraction) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        if whole.is_empty() || !whole.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if whole.contains(',') && !thousands_grouped(whole) {
            return None;
        }
        let mut mantissa: u128 = 0;
        let mut scale = 0u32;
        for c in whole.chars().filter(|c| *c != ',') {
            let digit = c.to_digit(10)?;
            mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(digit))?;
        }
        if let Some(fraction) = fraction {
            if fraction.is_empty() {
                return None;
            }
            for c in fraction.chars() {
                let digit = c.to_digit(10)?;
                mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(digit))?;
                scale += 1;
            }
        }
        Some(Decimal { mantissa, scale })
    }

    /// `self * 10^exponent`.
    pub fn times_pow10(self, exponent: u32) -> Option<Decimal> {
        if exponent <= self.scale {
            return Some(Decimal {
                mantissa: self.mantissa,
                scale: self.scale - exponent,
            });
        }
        let factor = 10u128.checked_pow(exponent - self.scale)?;
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(factor)?,
            scale: 0,
        })
    }
}

impl std::fmt::Display for Decimal {
    /// Plain notation without trailing zeros: "1130000000", "45.2".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.mantissa.to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            f.write_str(whole)
        } else {
            write!(f, "{whole}.{fraction}")
        }
    }
}

/// "1,000,000" yes, "1,00" or "10,0000" no (that is a list, not a number).
fn thousands_grouped(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// The power of ten a scale word or suffix stands for.
pub fn magnitude(word: &str) -> Option<u32> {
    match word {
        "hundred" => Some(2),
        "thousand" | "k" => Some(3),
        "million" | "mn" | "mln" | "m" => Some(6),
        "billion" | "bn" | "bln" => Some(9),
        "trillion" | "tn" | "trn" => Some(12),
        _ => None,
    }
}

/// Numbers spelled as words, up to ninety-nine, plus "dozen".
pub fn word_number(word: &str) -> Option<u64> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if word == "dozen" {
        return Some(12);
    }
    if let Some(i) = UNITS.iter().position(|u| *u == word) {
        return Some(i as u64);
    }
    if let Some(i) = TENS.iter().position(|t| *t == word) {
        return Some(20 + 10 * i as u64);
    }
    let (tens, unit) = word.split_once('-')?;
    let tens = TENS.iter().position(|t| *t == tens)?;
    let unit = UNITS[1..10].iter().position(|u| *u == unit)?;
    Some(20 + 10 * tens as u64 + 1 + unit as u64)
}

/// A number token's value: "100,000", "2.63", or with a scale suffix glued
/// on, "1.13bn", "20m", "5k".
pub fn number_token(norm: &str) -> Option<Decimal> {
    if let Some(value) = Decimal::parse(norm) {
        return Some(value);
    }
    let split = norm.find(|c: char| c.is_ascii_alphabetic())?;
    let (digits, suffix) = norm.split_at(split);
    let exponent = magnitude(&suffix.to_ascii_lowercase())?;
    Decimal::parse(digits)?.times_pow10(exponent)
}

/// The number starting at word `i`: a numeric token or a number word,
/// followed by any scale words ("1.5 billion", "two million", "3 hundred
/// thousand"). Returns its value and how many words it spans.
pub fn number_at(words: &Words<'_>, i: usize) -> Option<(Decimal, usize)> {
    let mut value = if words.is_number(i) {
        number_token(words.norm(i))?
    } else {
        Decimal::from_integer(word_number(words.lower(i))?)
    };
    let mut len = 1;
    // A glued suffix ("20m") is already a scale; a word may still follow
    // ("20m people" is not "20 million million").
    while let Some(exponent) = words.get_lower(i + len).and_then(magnitude_word) {
        value = value.times_pow10(exponent)?;
        len += 1;
    }
    Some((value, len))
}

/// Scale words that may follow a number as separate words: the one-letter
/// suffixes ("m", "k") only count glued on.
fn magnitude_word(word: &str) -> Option<u32> {
    match word {
        "m" | "k" => None,
        other => magnitude(other),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn decimals_stay_exact() {
        let bn = number_token("1.13bn").unwrap();
        assert_eq!(bn.to_string(), "1130000000");
        assert_eq!(number_token("20m").unwrap().to_string(), "20000000");
        assert_eq!(Decimal::parse("45.20").unwrap().to_string(), "45.2");
        assert_eq!(Decimal::parse("0.5").unwrap().to_string(), "0.5");
        assert_eq!(Decimal::parse("100,000").unwrap().to_string(), "100000");
        assert_eq!(
            Decimal::parse("2.63")
                .unwrap()
                .times_pow10(6)
                .unwrap()
                .to_string(),
            "2630000"
        );
        assert_eq!(Decimal::parse("1,00"), None);
        assert_eq!(Decimal::parse("1.2.3"), None);
        assert_eq!(Decimal::parse("10:30"), None);
    }

    #[test]
    fn words_spell_numbers() {
        assert_eq!(word_number("seven"), Some(7));
        assert_eq!(word_number("forty"), Some(40));
        assert_eq!(word_number("twenty-five"), Some(25));
        assert_eq!(word_number("twenty-zero"), None);
        assert_eq!(word_number("people"), None);
    }
}
