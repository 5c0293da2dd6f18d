//! Rule-based numeric and temporal entities over the segmenter's tokens:
//! DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL, ORDINAL.
//!
//! Every rule looks at the words from one position and says how many it
//! takes; at each position the longest match wins (ties go to the rule
//! listed first in [`RULES`], the more specific one), and the scan goes on
//! after it. Names the model found are never crossed: the rules only see
//! the stretches of a sentence between names.
//!
//! - [`numbers`]: exact decimal values of "100,000", "1.13bn", "two million";
//! - [`money`]: currencies before or after the number;
//! - [`measures`]: PERCENT, QUANTITY and hyphenated forms ("10-fold");
//! - [`dates`]: absolute, relative and decade dates, durations;
//! - [`times`]: clock times, parts of the day, short durations;
//! - [`counts`]: CARDINAL and ORDINAL.

pub mod counts;
pub mod dates;
pub mod measures;
pub mod money;
pub mod numbers;
pub mod times;

use copydesk_segmenter::{Token, TokenKind};

use crate::EntityType;

/// A numeric or temporal expression found in a sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueMatch {
    /// Its first token, an index into the tokens the rules were given.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    pub entity_type: EntityType,
    /// Normalised values ("value", "currency", "date", "time", "unit").
    pub metadata: Vec<(&'static str, String)>,
}

/// What one rule found at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// How many words it spans.
    pub len: usize,
    pub entity_type: EntityType,
    pub metadata: Vec<(&'static str, String)>,
}

impl Match {
    pub fn new(len: usize, entity_type: EntityType) -> Self {
        Match {
            len,
            entity_type,
            metadata: Vec::new(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.metadata.push((key, value.into()));
        self
    }
}

type Rule = fn(&Words<'_>, usize) -> Option<Match>;

/// The rules, most specific first: on a tie in length the earlier wins.
const RULES: [Rule; 8] = [
    money::money_at,
    measures::percent_at,
    measures::quantity_at,
    times::time_at,
    dates::date_at,
    measures::hyphenated_at,
    counts::ordinal_at,
    counts::cardinal_at,
];

/// Words that join two dates or times into one range ("Monday to Tuesday").
const RANGE_WORDS: [&str; 6] = ["to", "through", "until", "till", "-", "--"];

/// The words of one stretch of a sentence, with their lower-case forms.
#[derive(Debug)]
pub struct Words<'t> {
    tokens: &'t [Token<'t>],
    lower: Vec<String>,
}

impl<'t> Words<'t> {
    pub fn new(tokens: &'t [Token<'t>]) -> Self {
        let lower = tokens.iter().map(|t| t.norm.to_lowercase()).collect();
        Words { tokens, lower }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The normalised form of word `i` ("" past the end).
    pub fn norm(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.norm.as_ref())
    }

    /// The lower-case form of word `i` ("" past the end).
    pub fn lower(&self, i: usize) -> &str {
        self.lower.get(i).map_or("", String::as_str)
    }

    pub fn get_lower(&self, i: usize) -> Option<&str> {
        self.lower.get(i).map(String::as_str)
    }

    /// The word before `i`, lower case ("" at the start).
    pub fn before(&self, i: usize) -> &str {
        i.checked_sub(1).map_or("", |p| self.lower(p))
    }

    pub fn is_number(&self, i: usize) -> bool {
        self.kind(i) == Some(TokenKind::Number)
    }

    pub fn kind(&self, i: usize) -> Option<TokenKind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    pub fn is_capitalised(&self, i: usize) -> bool {
        self.norm(i).starts_with(|c: char| c.is_uppercase())
    }

    /// Whether word `i` ends the stretch or is punctuation.
    pub fn is_boundary(&self, i: usize) -> bool {
        matches!(self.kind(i), None | Some(TokenKind::Punctuation))
    }
}

/// Finds the numeric and temporal expressions of one sentence. `blocked`
/// marks the tokens that belong to names; no expression touches them.
pub fn find_values(tokens: &[Token<'_>], blocked: &[bool]) -> Vec<ValueMatch> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        if blocked.get(start).copied().unwrap_or(false) {
            start += 1;
            continue;
        }
        let end = (start..tokens.len())
            .find(|&i| blocked.get(i).copied().unwrap_or(false))
            .unwrap_or(tokens.len());
        scan(&tokens[start..end], start, &mut found);
        start = end;
    }
    found
}

/// Scans one stretch free of names, left to right, longest match first.
fn scan(tokens: &[Token<'_>], offset: usize, found: &mut Vec<ValueMatch>) {
    let words = Words::new(tokens);
    let mut i = 0;
    while i < words.len() {
        let Some(mut best) = best_at(&words, i) else {
            i += 1;
            continue;
        };
        extend_range(&words, i, &mut best);
        found.push(ValueMatch {
            start: offset + i,
            end: offset + i + best.len,
            entity_type: best.entity_type,
            metadata: best.metadata,
        });
        i += best.len;
    }
}

/// The longest match of any rule at `i`; the earlier rule on a tie.
fn best_at(words: &Words<'_>, i: usize) -> Option<Match> {
    let mut best: Option<Match> = None;
    for rule in RULES {
        if let Some(m) = rule(words, i) {
            // A rule may not run past the stretch it was given.
            if m.len == 0 || i + m.len > words.len() {
                continue;
            }
            if best.as_ref().is_none_or(|b| m.len > b.len) {
                best = Some(m);
            }
        }
    }
    best
}

/// "Monday to Tuesday", "9 a.m. to 5 p.m.": a date or time, a range word
/// and another of the same type make one expression.
fn extend_range(words: &Words<'_>, i: usize, found: &mut Match) {
    if !matches!(found.entity_type, EntityType::Date | EntityType::Time) {
        return;
    }
    let joint = i + found.len;
    let joins = RANGE_WORDS.contains(&words.lower(joint))
        || (words.lower(joint) == "and" && words.before(i) == "between");
    if !joins {
        return;
    }
    let Some(second) = best_at(words, joint + 1) else {
        return;
    };
    if second.entity_type != found.entity_type {
        return;
    }
    for (key, value) in second.metadata {
        let key = match key {
            "date" => "end_date",
            "time" => "end_time",
            _ => continue,
        };
        found.metadata.push((key, value));
    }
    found.len += 1 + second.len;
}
