//! MONEY: a currency before the number ("US$1.5 billion", "NT$300",
//! "$1.13bn", "€20m", "USD 5 million") or after it ("300 yuan", "5 million
//! U.S. dollars"). Metadata: `currency` (ISO 4217) and `value`.

use super::numbers::number_at;
use super::{Match, Words};
use crate::EntityType;

/// A bare "$" is read as US dollars, as in most English-language news; a
/// story about another dollar writes its prefix ("NT$", "HK$"). A bare "¥"
/// is read as yen for the same reason.
fn symbol_currency(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        "$" | "US$" | "U.S.$" => "USD",
        "NT$" => "TWD",
        "HK$" => "HKD",
        "A$" | "AU$" => "AUD",
        "C$" | "CA$" | "CAN$" => "CAD",
        "S$" => "SGD",
        "NZ$" => "NZD",
        "R$" => "BRL",
        "MX$" => "MXN",
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        "₩" => "KRW",
        "₹" | "Rs" | "Rs." => "INR",
        "₽" => "RUB",
        "₺" => "TRY",
        _ => return None,
    })
}

/// Currency codes written before or after the number.
const CODES: [&str; 16] = [
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "KRW", "TWD", "HKD", "INR", "AUD", "CAD", "CHF",
    "RUB", "BRL", "SGD",
];

fn code_currency(word: &str) -> Option<&'static str> {
    let code = CODES.iter().find(|c| **c == word)?;
    Some(if *code == "RMB" { "CNY" } else { code })
}

/// Currency words after the number. "pounds" is left out: after a number
/// in news it is as often a weight.
fn word_currency(word: &str) -> Option<&'static str> {
    Some(match word {
        "dollar" | "dollars" => "USD",
        "euro" | "euros" => "EUR",
        "yen" => "JPY",
        "yuan" | "renminbi" => "CNY",
        "won" => "KRW",
        "rupee" | "rupees" => "INR",
        "ruble" | "rubles" | "rouble" | "roubles" => "RUB",
        "sterling" => "GBP",
        _ => return None,
    })
}

/// Words before "dollars" that say whose dollar it is.
fn dollar_country(words: &Words<'_>, i: usize) -> Option<(&'static str, usize)> {
    let two = (words.lower(i), words.lower(i + 1));
    let currency = match two {
        ("hong", "kong") => return Some(("HKD", 2)),
        ("new", "taiwan") => return Some(("TWD", 2)),
        ("new", "zealand") => return Some(("NZD", 2)),
        ("u.s.", _) | ("us", _) | ("american", _) => "USD",
        ("taiwan", _) | ("taiwanese", _) => "TWD",
        ("australian", _) => "AUD",
        ("canadian", _) => "CAD",
        ("singapore", _) => "SGD",
        _ => return None,
    };
    Some((currency, 1))
}

pub fn money_at(words: &Words<'_>, i: usize) -> Option<Match> {
    prefixed(words, i).or_else(|| suffixed(words, i))
}

/// "$1.13bn", "US$1.5 billion", "US $5", "USD 5 million".
fn prefixed(words: &Words<'_>, i: usize) -> Option<Match> {
    let (currency, skip) = if let Some(c) = symbol_currency(words.norm(i)) {
        (c, 1)
    } else if words.norm(i) == "US" && words.norm(i + 1) == "$" {
        ("USD", 2)
    } else if let Some(c) = code_currency(words.norm(i)) {
        (c, 1)
    } else {
        return None;
    };
    let (value, len) = number_at(words, i + skip)?;
    Some(
        Match::new(skip + len, EntityType::Money)
            .with("currency", currency)
            .with("value", value.to_string()),
    )
}

/// "300 yuan", "5 million U.S. dollars", "20 million euros", "50 cents".
fn suffixed(words: &Words<'_>, i: usize) -> Option<Match> {
    let (value, len) = number_at(words, i)?;
    let next = i + len;
    if let Some(currency) = code_currency(words.norm(next)) {
        return Some(money(len + 1, currency, value.to_string()));
    }
    if words.lower(next) == "cents" {
        let text = cents_to_dollars(&value.to_string());
        return Some(money(len + 1, "USD", text));
    }
    if let Some((currency, country)) = dollar_country(words, next)
        && matches!(words.lower(next + country), "dollar" | "dollars")
    {
        return Some(money(len + country + 1, currency, value.to_string()));
    }
    if words.lower(next) == "pounds" && words.lower(next + 1) == "sterling" {
        return Some(money(len + 2, "GBP", value.to_string()));
    }
    let currency = word_currency(words.lower(next))?;
    Some(money(len + 1, currency, value.to_string()))
}

fn money(len: usize, currency: &str, value: String) -> Match {
    Match::new(len, EntityType::Money)
        .with("currency", currency)
        .with("value", value)
}

/// "50" cents is "0.5" dollars: shift the decimal point two places left.
fn cents_to_dollars(cents: &str) -> String {
    let (whole, fraction) = cents.split_once('.').unwrap_or((cents, ""));
    let padded = format!("{whole:0>3}");
    let (dollars, rest) = padded.split_at(padded.len() - 2);
    let fraction = format!("{rest}{fraction}");
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        dollars.to_owned()
    } else {
        format!("{dollars}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_become_dollars() {
        assert_eq!(cents_to_dollars("50"), "0.5");
        assert_eq!(cents_to_dollars("5"), "0.05");
        assert_eq!(cents_to_dollars("250"), "2.5");
        assert_eq!(cents_to_dollars("300"), "3");
    }
}
