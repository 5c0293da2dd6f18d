//! DATE: absolute dates ("July 4, 2019", "4 July", "2019-07-04", "in
//! 2019"), decades ("the 1990s", "the mid-1990s"), relative dates
//! ("yesterday", "last week", "earlier this year", "Monday"), periods and
//! ages ("three years", "10 days ago", "the past two weeks", "30 years
//! old"), centuries and quarters. Ranges ("Monday to Tuesday") are joined
//! by the scanner in `rules`.
//!
//! Metadata: `date` in ISO 8601 when the text fixes it ("2019-07-04",
//! "2019-07", "2019", or "--07-04" without a year), `decade` for decades.

use super::numbers::number_at;
use super::{Match, Words};
use crate::EntityType;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words after which a lone month or year is a date ("in July", "since
/// 2019"); elsewhere "May" may be a verb and "2000" a count.
const DATE_PREPOSITIONS: [&str; 16] = [
    "in", "since", "until", "till", "by", "of", "from", "to", "during", "before", "after",
    "between", "through", "early", "late", "around",
];

/// Periods that follow "last", "next", "this", "past" or a count.
const PERIODS: [&str; 20] = [
    "day",
    "days",
    "week",
    "weeks",
    "weekend",
    "weekends",
    "month",
    "months",
    "year",
    "years",
    "decade",
    "decades",
    "century",
    "centuries",
    "quarter",
    "season",
    "spring",
    "summer",
    "autumn",
    "winter",
];

/// Month number (1-12) of word `i`, written out or abbreviated, capitalised.
fn month(words: &Words<'_>, i: usize) -> Option<u32> {
    if !words.is_capitalised(i) {
        return None;
    }
    let lower = words.lower(i);
    if let Some(m) = MONTHS.iter().position(|m| *m == lower) {
        return Some(m as u32 + 1);
    }
    // Abbreviations; "Mar" and "Jun" only with their period, since
    // without it they are more often names.
    const ABBREVIATIONS: [(&str, u32); 20] = [
        ("jan", 1),
        ("jan.", 1),
        ("feb", 2),
        ("feb.", 2),
        ("mar.", 3),
        ("apr", 4),
        ("apr.", 4),
        ("jun.", 6),
        ("jul.", 7),
        ("aug", 8),
        ("aug.", 8),
        ("sep.", 9),
        ("sept", 9),
        ("sept.", 9),
        ("oct", 10),
        ("oct.", 10),
        ("nov", 11),
        ("nov.", 11),
        ("dec", 12),
        ("dec.", 12),
    ];
    ABBREVIATIONS
        .iter()
        .find(|(a, _)| *a == lower)
        .map(|(_, m)| *m)
}

fn weekday(words: &Words<'_>, i: usize) -> bool {
    words.is_capitalised(i) && WEEKDAYS.contains(&words.lower(i))
}

/// A day of the month: "4" or "4th".
fn day(words: &Words<'_>, i: usize) -> Option<u32> {
    if !words.is_number(i) {
        return None;
    }
    let lower = words.lower(i);
    let digits = lower
        .strip_suffix("st")
        .or_else(|| lower.strip_suffix("nd"))
        .or_else(|| lower.strip_suffix("rd"))
        .or_else(|| lower.strip_suffix("th"))
        .unwrap_or(lower);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u32 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

/// A four-digit year from 1800 to 2100.
fn year(words: &Words<'_>, i: usize) -> Option<u32> {
    if !words.is_number(i) {
        return None;
    }
    year_text(words.norm(i))
}

fn year_text(text: &str) -> Option<u32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: u32 = text.parse().ok()?;
    (1800..=2100).contains(&y).then_some(y)
}

fn date(len: usize) -> Match {
    Match::new(len, EntityType::Date)
}

pub fn date_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let candidates = [
        absolute(words, i),
        with_weekday(words, i),
        relative(words, i),
        period(words, i),
        lone_year(words, i),
        one_token(words, i),
        decade(words, i),
        century_or_quarter(words, i),
        modified(words, i),
    ];
    candidates.into_iter().flatten().max_by_key(|m| m.len)
}

/// "July 4, 2019", "July 4", "Jan. 5", "July 2019", "4 July 2019", "in July".
fn absolute(words: &Words<'_>, i: usize) -> Option<Match> {
    if let Some(m) = month(words, i) {
        if let Some(d) = day(words, i + 1) {
            if words.norm(i + 2) == ","
                && let Some(y) = year(words, i + 3)
            {
                return Some(date(4).with("date", format!("{y:04}-{m:02}-{d:02}")));
            }
            if let Some(y) = year(words, i + 2) {
                return Some(date(3).with("date", format!("{y:04}-{m:02}-{d:02}")));
            }
            return Some(date(2).with("date", format!("--{m:02}-{d:02}")));
        }
        if let Some(y) = year(words, i + 1) {
            return Some(date(2).with("date", format!("{y:04}-{m:02}")));
        }
        let lone_ok = words.lower(i) != "may" || DATE_PREPOSITIONS.contains(&words.before(i));
        return lone_ok.then(|| date(1));
    }
    let d = day(words, i)?;
    let m = month(words, i + 1)?;
    if let Some(y) = year(words, i + 2) {
        return Some(date(3).with("date", format!("{y:04}-{m:02}-{d:02}")));
    }
    Some(date(2).with("date", format!("--{m:02}-{d:02}")))
}

/// "Monday", "Monday, July 4, 2019".
fn with_weekday(words: &Words<'_>, i: usize) -> Option<Match> {
    if !weekday(words, i) {
        return None;
    }
    if words.norm(i + 1) == ","
        && let Some(mut full) = absolute(words, i + 2)
        && full.len > 1
    {
        full.len += 2;
        return Some(full);
    }
    Some(date(1))
}

/// "yesterday", "last week", "this July", "earlier this year", "the past
/// two weeks", "the coming months", "recent years", "the weekend".
fn relative(words: &Words<'_>, i: usize) -> Option<Match> {
    if matches!(words.lower(i), "yesterday" | "today" | "tomorrow") {
        return Some(date(1));
    }
    let mut k = i;
    if words.lower(k) == "the" {
        k += 1;
        if words.lower(k) == "weekend" {
            return Some(date(2));
        }
    }
    if matches!(words.lower(k), "earlier" | "later" | "early" | "late")
        && matches!(words.lower(k + 1), "this" | "next" | "last")
    {
        k += 1;
    }
    if words.lower(k) == "recent" && PERIODS.contains(&words.lower(k + 1)) {
        return Some(date(k + 2 - i));
    }
    if !matches!(
        words.lower(k),
        "last" | "next" | "this" | "past" | "coming" | "previous"
    ) {
        return None;
    }
    k += 1;
    if weekday(words, k) || month(words, k).is_some() || PERIODS.contains(&words.lower(k)) {
        return Some(date(k + 1 - i));
    }
    // "the past two weeks", "the last few years"
    let count = count_len(words, k)?;
    PERIODS
        .contains(&words.lower(k + count))
        .then(|| date(k + count + 1 - i))
}

/// How many words a count before a period takes: "three", "10", "few",
/// "a few", "several", "two million".
fn count_len(words: &Words<'_>, i: usize) -> Option<usize> {
    match (words.lower(i), words.lower(i + 1)) {
        ("few" | "several" | "many", _) => Some(1),
        ("a", "few") => Some(2),
        _ => number_at(words, i).map(|(_, len)| len),
    }
}

/// "three years", "10 days ago", "a year earlier", "30 years old".
fn period(words: &Words<'_>, i: usize) -> Option<Match> {
    let (count, needs_anchor) = match words.lower(i) {
        "a" | "an" => (1, true),
        _ => (count_len(words, i)?, false),
    };
    let unit = words.lower(i + count);
    if !PERIODS.contains(&unit) || unit.starts_with("weekend") || unit == "season" {
        return None;
    }
    let anchored = matches!(
        words.lower(i + count + 1),
        "ago" | "earlier" | "later" | "before" | "after" | "old"
    );
    if anchored {
        return Some(date(count + 2));
    }
    (!needs_anchor).then(|| date(count + 1))
}

/// "in 2019", "2019.", "the 2019 election"; not "2000 troops".
fn lone_year(words: &Words<'_>, i: usize) -> Option<Match> {
    let y = year(words, i)?;
    let next = words.norm(i + 1);
    let counted = next.starts_with(|c: char| c.is_lowercase())
        && next.ends_with('s')
        && !matches!(next, "was" | "has" | "is" | "as" | "its" | "this");
    let approximate = matches!(
        words.before(i),
        "about" | "some" | "nearly" | "around" | "than" | "over" | "almost" | "roughly"
    );
    let preposition = DATE_PREPOSITIONS.contains(&words.before(i));
    (preposition || !(counted || approximate)).then(|| date(1).with("date", format!("{y:04}")))
}

/// Dates in one token: "2019-07-04", "2019-20", "mid-2020", "mid-July",
/// "first-quarter", "Q3".
fn one_token(words: &Words<'_>, i: usize) -> Option<Match> {
    let lower = words.lower(i);
    if let Some(rest) = lower.strip_prefix("mid-") {
        if year_text(rest).is_some() {
            return Some(date(1).with("date", rest.to_owned()));
        }
        let is_decade = decade_text(rest).is_some();
        let is_month = MONTHS.contains(&rest);
        return (is_decade || is_month).then(|| date(1));
    }
    if matches!(
        lower,
        "first-quarter"
            | "second-quarter"
            | "third-quarter"
            | "fourth-quarter"
            | "q1"
            | "q2"
            | "q3"
            | "q4"
    ) {
        return Some(date(1));
    }
    let parts: Vec<&str> = lower.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let y = year_text(y)?;
            let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            let d: u32 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
            Some(date(1).with("date", format!("{y:04}-{m:02}-{d:02}")))
        }
        [from, to] if year_text(from).is_some() && (to.len() == 2 || year_text(to).is_some()) => to
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| date(1).with("date", (*from).to_owned())),
        _ => None,
    }
}

/// "1990s" -> "1990s", "90s"/"'90s" -> "90s".
fn decade_text(text: &str) -> Option<String> {
    let digits = text.strip_prefix('\'').unwrap_or(text).strip_suffix('s')?;
    let ok = (digits.len() == 4 || digits.len() == 2)
        && digits.ends_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{digits}s"))
}

/// "the 1990s", "1990s", "the '90s".
fn decade(words: &Words<'_>, i: usize) -> Option<Match> {
    let (skip, k) = if words.lower(i) == "the" {
        (1, i + 1)
    } else {
        (0, i)
    };
    let mut text = words.lower(k).to_owned();
    let mut len = 1;
    // "'90s" may come as two tokens: "'" and "90s".
    if text == "'" {
        text = format!("'{}", words.lower(k + 1));
        len = 2;
    }
    let decade = decade_text(&text)?;
    Some(date(skip + len).with("decade", decade))
}

/// "the 21st century", "the first quarter", "the third quarter of 2019".
fn century_or_quarter(words: &Words<'_>, i: usize) -> Option<Match> {
    let k = if words.lower(i) == "the" { i + 1 } else { i };
    let rank = words.lower(k);
    let is_rank = super::counts::ordinal_value(rank).is_some();
    if !is_rank {
        return None;
    }
    match words.lower(k + 1) {
        "century" => Some(date(k + 2 - i)),
        "quarter" | "half" => {
            if words.lower(k + 2) == "of" && year(words, k + 3).is_some() {
                return Some(date(k + 4 - i));
            }
            Some(date(k + 2 - i))
        }
        _ => None,
    }
}

/// "early 2019", "the late 1990s", "mid July", "late last year".
fn modified(words: &Words<'_>, i: usize) -> Option<Match> {
    let k = if words.lower(i) == "the" { i + 1 } else { i };
    if !matches!(
        words.lower(k),
        "early" | "late" | "mid" | "end" | "beginning"
    ) {
        return None;
    }
    let k = if matches!(words.lower(k), "end" | "beginning") && words.lower(k + 1) == "of" {
        k + 2
    } else {
        k + 1
    };
    let inner = [
        absolute(words, k),
        lone_year(words, k),
        decade(words, k),
        relative(words, k),
    ]
    .into_iter()
    .flatten()
    .max_by_key(|m| m.len)?;
    let mut m = inner;
    m.len += k - i;
    Some(m)
}
