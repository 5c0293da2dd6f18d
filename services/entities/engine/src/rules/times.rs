//! TIME: clock times ("10:30 a.m.", "9 p.m. GMT", "14:00"), parts of the
//! day ("tonight", "this morning", "Monday night", "noon") and durations
//! under a day ("five hours", "the past 24 hours", "30 minutes ago").
//!
//! Metadata: `time` as 24-hour "HH:MM" when the text fixes it.

use super::numbers::number_at;
use super::{Match, Words};
use crate::EntityType;

const DAY_PARTS: [&str; 4] = ["morning", "afternoon", "evening", "night"];
const SHORT_UNITS: [&str; 6] = ["hour", "hours", "minute", "minutes", "second", "seconds"];
const ZONES: [&str; 14] = [
    "GMT", "UTC", "ET", "EST", "EDT", "CT", "CST", "CDT", "PT", "PST", "PDT", "BST", "CET", "KST",
];

fn time(len: usize) -> Match {
    Match::new(len, EntityType::Time)
}

pub fn time_at(words: &Words<'_>, i: usize) -> Option<Match> {
    [clock(words, i), day_part(words, i), duration(words, i)]
        .into_iter()
        .flatten()
        .max_by_key(|m| m.len)
}

/// Whether word `i` is "a.m." (Some(false)) or "p.m." (Some(true)).
fn meridiem(words: &Words<'_>, i: usize) -> Option<bool> {
    match words.lower(i) {
        "a.m." | "a.m" | "am" => Some(false),
        "p.m." | "p.m" | "pm" => Some(true),
        _ => None,
    }
}

/// "10:30 a.m.", "9 p.m.", "14:00", "10:30 a.m. local time".
fn clock(words: &Words<'_>, i: usize) -> Option<Match> {
    if !words.is_number(i) {
        return None;
    }
    let text = words.norm(i);
    let (hour, minute) = match text.split_once(':') {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        Some(_) => return None,
        None => (text.parse::<u32>().ok()?, 0),
    };
    if hour > 23 || minute > 59 {
        return None;
    }
    let mut len = 1;
    let mut hour24 = hour;
    match meridiem(words, i + 1) {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour24 = match (pm, hour) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
            len += 1;
        }
        // A bare "9" is no time; a bare "10:30" is.
        None if !text.contains(':') => return None,
        None => {}
    }
    if ZONES.contains(&words.norm(i + len)) {
        len += 1;
    } else if words.lower(i + len) == "local" && words.lower(i + len + 1) == "time" {
        len += 2;
    }
    Some(time(len).with("time", format!("{hour24:02}:{minute:02}")))
}

/// "tonight", "noon", "this morning", "last night", "Monday evening".
fn day_part(words: &Words<'_>, i: usize) -> Option<Match> {
    match words.lower(i) {
        "tonight" | "overnight" | "midnight" => return Some(time(1)),
        "noon" | "midday" => return Some(time(1).with("time", "12:00")),
        _ => {}
    }
    let qualifier = matches!(
        words.lower(i),
        "this" | "yesterday" | "tomorrow" | "last" | "early" | "late" | "that"
    ) || (words.is_capitalised(i)
        && matches!(
            words.lower(i),
            "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
        ));
    (qualifier && DAY_PARTS.contains(&words.lower(i + 1))).then(|| time(2))
}

/// "five hours", "30 minutes ago", "the past 24 hours", "the last hour".
fn duration(words: &Words<'_>, i: usize) -> Option<Match> {
    let mut k = i;
    let mut framed = false;
    if words.lower(k) == "the" && matches!(words.lower(k + 1), "past" | "last" | "next") {
        k += 2;
        framed = true;
    }
    let count = match number_at(words, k) {
        Some((_, len)) => len,
        None if framed => 0,
        None => return None,
    };
    let unit = words.lower(k + count);
    if !SHORT_UNITS.contains(&unit) {
        return None;
    }
    let mut end = k + count + 1;
    if matches!(words.lower(end), "ago" | "earlier" | "later") {
        end += 1;
    }
    Some(time(end - i))
}
