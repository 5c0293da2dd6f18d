//! PERCENT ("45.2%", "10 percent", "3 percentage points"), QUANTITY ("12
//! km", "2.63 million times per day") and the hyphenated forms that carry
//! their unit in one token ("10-fold", "12-km", "30-year-old").

use super::numbers::{Decimal, number_at, word_number};
use super::{Match, Words};
use crate::EntityType;

pub fn percent_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let (value, len) = number_at(words, i)?;
    let next = i + len;
    let unit_len = match (words.lower(next), words.lower(next + 1)) {
        ("%" | "percent" | "pct" | "pct." | "per-cent", _) => 1,
        ("per", "cent") | ("percentage", "point" | "points") => 2,
        _ => return None,
    };
    Some(Match::new(len + unit_len, EntityType::Percent).with("value", value.to_string()))
}

/// Units of measure after a number, with the name metadata gives them.
fn unit(word: &str) -> Option<&'static str> {
    Some(match word {
        "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => "km",
        "mile" | "miles" => "mile",
        "metre" | "metres" | "meter" | "meters" => "m",
        "cm" | "centimetres" | "centimeters" => "cm",
        "mm" | "millimetres" | "millimeters" => "mm",
        "foot" | "feet" | "ft" => "ft",
        "inch" | "inches" => "in",
        "yard" | "yards" => "yd",
        "kg" | "kilogram" | "kilograms" | "kilo" | "kilos" => "kg",
        "gram" | "grams" => "g",
        "lb" | "lbs" | "pound" | "pounds" => "lb",
        "tonne" | "tonnes" | "ton" | "tons" => "t",
        "litre" | "litres" | "liter" | "liters" => "l",
        "gallon" | "gallons" => "gal",
        "barrel" | "barrels" => "barrel",
        "bpd" => "barrels per day",
        "acre" | "acres" => "acre",
        "hectare" | "hectares" => "ha",
        "degree" | "degrees" => "degree",
        "mph" => "mph",
        "km/h" | "kph" => "km/h",
        "knots" => "knot",
        "kw" | "kilowatts" => "kW",
        "mw" | "megawatts" => "MW",
        "gw" | "gigawatts" => "GW",
        "kwh" => "kWh",
        "mb" | "megabytes" => "MB",
        "gb" | "gigabytes" => "GB",
        "tb" | "terabytes" => "TB",
        "calories" => "kcal",
        _ => return None,
    })
}

/// Units of time a rate is counted in ("times per day").
fn rate_period(word: &str) -> bool {
    matches!(
        word,
        "second" | "minute" | "hour" | "day" | "week" | "month" | "year"
    )
}

pub fn quantity_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let (value, len) = number_at(words, i)?;
    let mut next = i + len;
    let mut name = String::new();
    if words.lower(next) == "square" || words.lower(next) == "cubic" {
        name.push_str(words.lower(next));
        name.push(' ');
        next += 1;
    }
    if let Some(u) = unit(words.lower(next)) {
        name.push_str(u);
        next += 1;
    } else if words.lower(next) == "times" && name.is_empty() {
        // "2.63 million times" counts; only a rate makes it a measurement.
        name.push_str("times");
        next += 1;
        if !per_period(words, next) {
            return None;
        }
    } else {
        return None;
    }
    if per_period(words, next) {
        name.push_str(" per ");
        name.push_str(words.lower(next + 1));
        next += 2;
    }
    Some(
        Match::new(next - i, EntityType::Quantity)
            .with("value", value.to_string())
            .with("unit", name),
    )
}

/// "per day", "a week", "each year".
fn per_period(words: &Words<'_>, i: usize) -> bool {
    matches!(words.lower(i), "per" | "a" | "an" | "each" | "every")
        && rate_period(words.lower(i + 1))
}

/// One token holding a number, a hyphen and a unit: "10-fold" (CARDINAL),
/// "12-km" (QUANTITY), "10-year" and "30-year-old" (DATE, as durations and
/// ages are), "five-hour" (TIME).
pub fn hyphenated_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let lower = words.lower(i);
    let (number, rest) = lower.split_once('-')?;
    let value =
        Decimal::parse(number).or_else(|| word_number(number).map(Decimal::from_integer))?;
    let value = value.to_string();
    let (unit_word, old) = match rest.strip_suffix("-old") {
        Some(u) => (u, true),
        None => (rest, false),
    };
    let found = match unit_word {
        "fold" => Match::new(1, EntityType::Cardinal).with("value", value),
        "day" | "week" | "month" | "year" | "decade" | "century" => {
            let m = Match::new(1, EntityType::Date).with("value", value);
            if old {
                m.with("unit", "age in years")
            } else {
                m.with("unit", unit_word)
            }
        }
        "hour" | "minute" | "second" => Match::new(1, EntityType::Time)
            .with("value", value)
            .with("unit", unit_word),
        other => {
            let u = unit(other)?;
            Match::new(1, EntityType::Quantity)
                .with("value", value)
                .with("unit", u)
        }
    };
    Some(found)
}
