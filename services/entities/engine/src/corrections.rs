//! Corrections to the model's names where a rule is exact: the shapes of
//! news copy the CoNLL-2003 model never saw (Reuters, 1996) or gets wrong
//! in a way a few words decide.
//!
//! - credits: "Updated", "Photo:" and day abbreviations in datelines are
//!   not names; a byline's names are people; a photo credit's are
//!   agencies, not places;
//! - titles: "Minister of Economic Affairs <Name>" is an office and a
//!   person, not an organisation; titles are cut from the front of names;
//! - institutions: "Ministry of ..." and "... Council" named in full, two
//!   institutions joined by "and the" split;
//! - coordination: "X and Y" after a preposition is two names;
//! - indices: "S&P 500", "FTSE 100" whole;
//! - surnames: a sentence that opens with the surname of a person named in
//!   full earlier in the document; a romanised name written in the other
//!   order or without its hyphen.
//!
//! Every rule works on the spans of one document, in token indices of the
//! segmentation, and keeps them sorted and disjoint. The word lists are
//! closed classes (titles, portfolios, institution heads, credit words),
//! not names.

use std::collections::{HashMap, HashSet};

use copydesk_ner::{NameLabel, NameSpan};
use copydesk_segmenter::{Segmentation, Token, TokenKind};

/// A name over document tokens `start..end`, in sentence `sentence`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Span {
    start: usize,
    end: usize,
    label: NameLabel,
    sentence: usize,
}

/// Words that open a credit or a time stamp and are never part of a name.
const CREDIT_WORDS: [&str; 12] = [
    "updated",
    "photo",
    "photos",
    "picture",
    "pictures",
    "image",
    "video",
    "source",
    "credit",
    "graphic",
    "illustration",
    "file",
];

/// Day abbreviations of datelines and time stamps.
const DAY_ABBREVIATIONS: [&str; 10] = [
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

const MONTHS: [&str; 24] = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Offices that put a person's name after them.
const TITLES: [&str; 36] = [
    "president",
    "premier",
    "minister",
    "chancellor",
    "mayor",
    "governor",
    "senator",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "secretary",
    "director",
    "commissioner",
    "magistrate",
    "ambassador",
    "speaker",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "legislator",
    "lawmaker",
    "councillor",
    "councilor",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "ceo",
    "officer",
    "executive",
    "pitcher",
    "coach",
    "whip",
];

/// Words that qualify a title ("Prime Minister", "Deputy Foreign
/// Minister", "Chief Executive").
const TITLE_MODIFIERS: [&str; 36] = [
    "prime",
    "vice",
    "deputy",
    "chief",
    "acting",
    "former",
    "foreign",
    "finance",
    "interior",
    "defence",
    "defense",
    "health",
    "economy",
    "economic",
    "trade",
    "labour",
    "labor",
    "justice",
    "education",
    "culture",
    "housing",
    "transport",
    "environment",
    "energy",
    "treasury",
    "home",
    "external",
    "affairs",
    "county",
    "city",
    "state",
    "general",
    "financial",
    "operating",
    "caucus",
    "party",
];

/// Words of a ministerial portfolio ("Minister of Economic and Digital
/// Affairs"): what follows "Minister of" up to the person's name.
const PORTFOLIO_WORDS: [&str; 48] = [
    "affairs",
    "economic",
    "economy",
    "digital",
    "foreign",
    "interior",
    "home",
    "national",
    "defense",
    "defence",
    "finance",
    "health",
    "welfare",
    "labor",
    "labour",
    "culture",
    "education",
    "justice",
    "transportation",
    "transport",
    "communications",
    "agriculture",
    "environment",
    "environmental",
    "trade",
    "industry",
    "commerce",
    "energy",
    "state",
    "security",
    "development",
    "science",
    "technology",
    "information",
    "social",
    "public",
    "works",
    "veterans",
    "overseas",
    "community",
    "indigenous",
    "peoples",
    "sports",
    "tourism",
    "maritime",
    "fisheries",
    "infrastructure",
    "planning",
];

/// The head word of an institution's name: "Ministry of ...", "... Yuan",
/// "... Council".
const INSTITUTION_HEADS: [&str; 34] = [
    "ministry",
    "department",
    "bureau",
    "office",
    "council",
    "commission",
    "committee",
    "agency",
    "administration",
    "authority",
    "bank",
    "court",
    "institute",
    "institution",
    "university",
    "college",
    "academy",
    "museum",
    "board",
    "federation",
    "association",
    "organisation",
    "organization",
    "service",
    "corporation",
    "yuan",
    "assembly",
    "parliament",
    "government",
    "headquarters",
    "centre",
    "center",
    "centers",
    "centres",
];

/// Prepositions after which "X and Y" is two places or two people.
const COORDINATION_CUES: [&str; 9] = [
    "in", "between", "from", "to", "at", "across", "near", "with", "and",
];

/// Market indices named with a number ("S&P 500", "FTSE 100").
const INDEX_WORDS: [&str; 10] = [
    "s&p", "ftse", "nikkei", "russell", "stoxx", "dax", "cac", "asx", "nifty", "kospi",
];

fn lower(token: &Token<'_>) -> String {
    token.norm.to_lowercase()
}

fn is_word(token: &Token<'_>) -> bool {
    token.kind == TokenKind::Word
}

fn capitalised(token: &Token<'_>) -> bool {
    token.norm.chars().next().is_some_and(char::is_uppercase)
}

fn in_list(token: &Token<'_>, list: &[&str]) -> bool {
    let word = lower(token);
    list.contains(&word.as_str())
}

/// Applies every correction to the model's names of one document
/// (`names[i]`: token indices within sentence `i`) and returns them in the
/// same form. Spans out of their sentence are left for the caller to
/// refuse.
pub fn correct(segmentation: &Segmentation<'_>, names: &[Vec<NameSpan>]) -> Vec<Vec<NameSpan>> {
    let sentences = &segmentation.sentences;
    let tokens = &segmentation.tokens;
    let mut spans: Vec<Span> = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let len = sentence.token_end.saturating_sub(sentence.token_start);
        for span in names.get(i).map_or(&[][..], Vec::as_slice) {
            if span.start >= span.end || span.end > len {
                // Invalid: returned untouched below for the caller to refuse.
                return names.to_vec();
            }
            spans.push(Span {
                start: sentence.token_start + span.start,
                end: sentence.token_start + span.end,
                label: span.label,
                sentence: i,
            });
        }
    }
    spans.sort_by_key(|s| s.start);
    let mut doc = Document {
        segmentation,
        tokens,
        spans,
        pending: Vec::new(),
    };
    doc.credits();
    doc.titles();
    doc.institutions();
    doc.coordination();
    doc.indices();
    doc.surnames();

    let mut out = vec![Vec::new(); sentences.len()];
    for span in doc.spans {
        let offset = sentences[span.sentence].token_start;
        out[span.sentence].push(NameSpan {
            start: span.start - offset,
            end: span.end - offset,
            label: span.label,
        });
    }
    out
}

struct Document<'s, 't> {
    segmentation: &'s Segmentation<'t>,
    tokens: &'s [Token<'t>],
    /// Sorted by start, disjoint.
    spans: Vec<Span>,
    pending: Vec<Span>,
}

impl Document<'_, '_> {
    fn sentence_range(&self, sentence: usize) -> (usize, usize) {
        let s = &self.segmentation.sentences[sentence];
        (s.token_start, s.token_end)
    }

    /// Spans added by a rule, merged in by [`Document::flush`].
    fn add(&mut self, span: Span) {
        self.pending.push(span);
    }

    /// Merges the added spans in: each replaces every span it overlaps;
    /// of two added spans that overlap, the first added wins. Linear in
    /// the tokens and spans, so a rule that adds many is not quadratic.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut added = std::mem::take(&mut self.pending);
        let mut owner = vec![false; self.tokens.len()];
        added.retain(|s| {
            let free =
                s.start < s.end && s.end <= owner.len() && !owner[s.start..s.end].contains(&true);
            if free {
                owner[s.start..s.end].fill(true);
            }
            free
        });
        let mut merged: Vec<Span> = self
            .spans
            .iter()
            .copied()
            .filter(|s| !owner[s.start..s.end].contains(&true))
            .collect();
        merged.extend(added);
        merged.sort_by_key(|s| s.start);
        self.spans = merged;
    }

    /// The indices of the spans that start in `from..to`.
    fn spans_in(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let a = self.spans.partition_point(|s| s.start < from);
        let b = self.spans.partition_point(|s| s.start < to);
        a..b
    }

    /// The first word token of a sentence, skipping opening quotes and
    /// brackets.
    fn first_word(&self, sentence: usize) -> Option<usize> {
        let (start, end) = self.sentence_range(sentence);
        (start..end).find(|&i| !matches!(self.tokens[i].kind, TokenKind::Punctuation))
    }

    fn credits(&mut self) {
        let tokens = self.tokens;
        // "Updated Mon", "Photo": credit words come off the front of a name;
        // a day abbreviation in a time stamp or dateline is no name.
        let mut kept = Vec::with_capacity(self.spans.len());
        for mut span in std::mem::take(&mut self.spans) {
            while span.start < span.end
                && in_list(&tokens[span.start], &CREDIT_WORDS)
                && (lower(&tokens[span.start]) == "updated"
                    || tokens.get(span.start + 1).is_some_and(|t| t.norm == ":"))
            {
                span.start += 1;
                while span.start < span.end && tokens[span.start].kind == TokenKind::Punctuation {
                    span.start += 1;
                }
            }
            if span.start >= span.end {
                continue;
            }
            if span.end - span.start == 1 && is_day_stamp(tokens, span.start) {
                continue;
            }
            kept.push(span);
        }
        self.spans = kept;

        for sentence in 0..self.segmentation.sentences.len() {
            let (start, end) = self.sentence_range(sentence);
            let Some(first) = self.first_word(sentence) else {
                continue;
            };
            let word = lower(&tokens[first]);
            if word == "by" && end - start <= 16 {
                self.byline(first + 1, end, sentence);
            } else if in_list(&tokens[first], &CREDIT_WORDS)
                && tokens.get(first + 1).is_some_and(|t| t.norm == ":")
                && end - start <= 12
            {
                self.photo_credit(first + 2, end, sentence);
            }
        }
        self.flush();
    }

    /// "By JANE ROE and JOHN DOE in Nairobi": the names up to the first
    /// other word are people.
    fn byline(&mut self, from: usize, end: usize, sentence: usize) {
        let tokens = self.tokens;
        let mut i = from;
        while i < end {
            let t = &tokens[i];
            let l = lower(t);
            if l == "and" || t.norm == "," || t.norm == "&" {
                i += 1;
                continue;
            }
            if is_word(t) && capitalised(t) {
                let run_start = i;
                while i < end && is_word(&tokens[i]) && capitalised(&tokens[i]) {
                    let l = lower(&tokens[i]);
                    if l == "and" {
                        break;
                    }
                    i += 1;
                }
                self.add(Span {
                    start: run_start,
                    end: i,
                    label: NameLabel::Person,
                    sentence,
                });
                continue;
            }
            break;
        }
    }

    /// "Photo: Reuters": a credited name is an agency or a person, never a
    /// place; a credited name the model missed is an agency.
    fn photo_credit(&mut self, from: usize, end: usize, sentence: usize) {
        let mut found = false;
        for k in self.spans_in(from, end) {
            let span = &mut self.spans[k];
            found = true;
            if span.label == NameLabel::Location {
                span.label = NameLabel::Organization;
            }
        }
        if !found {
            let run_end = (from..end)
                .find(|&i| !(is_word(&self.tokens[i]) && capitalised(&self.tokens[i])))
                .unwrap_or(end);
            if run_end > from {
                self.add(Span {
                    start: from,
                    end: run_end,
                    label: NameLabel::Organization,
                    sentence,
                });
            }
        }
    }

    fn titles(&mut self) {
        let tokens = self.tokens;
        let mut out: Vec<Span> = Vec::with_capacity(self.spans.len());
        for span in std::mem::take(&mut self.spans) {
            // The portfolio after "Minister of (the)": not an organisation;
            // a name after it is the minister's.
            if follows_office_of(tokens, span.start, self.sentence_range(span.sentence).0) {
                let mut k = span.start;
                while k < span.end
                    && (in_list(&tokens[k], &PORTFOLIO_WORDS)
                        || matches!(lower(&tokens[k]).as_str(), "and" | "&" | ","))
                {
                    k += 1;
                }
                if k > span.start {
                    if k < span.end && capitalised(&tokens[k]) {
                        out.push(Span {
                            start: k,
                            label: NameLabel::Person,
                            ..span
                        });
                    }
                    continue;
                }
            }
            // "Minister Kuo", "Prime Minister X" as one name: the title
            // comes off.
            let mut k = span.start;
            let mut titled = false;
            while k < span.end
                && (in_list(&tokens[k], &TITLES) || in_list(&tokens[k], &TITLE_MODIFIERS))
            {
                titled |= in_list(&tokens[k], &TITLES);
                k += 1;
            }
            // "Executive Yuan", "Security Council": an institution keeps
            // its words.
            let institution = in_list(&tokens[span.end - 1], &INSTITUTION_HEADS);
            if titled && k < span.end && k > span.start && !institution {
                out.push(Span {
                    start: k,
                    label: if span.label == NameLabel::Organization && span.end - k >= 2 {
                        NameLabel::Person
                    } else {
                        span.label
                    },
                    ..span
                });
                continue;
            }
            out.push(span);
        }
        self.spans = out;
    }

    fn institutions(&mut self) {
        let tokens = self.tokens;
        // Two institutions joined by "and the" are two names.
        let mut split = Vec::with_capacity(self.spans.len());
        for span in std::mem::take(&mut self.spans) {
            let mut start = span.start;
            for i in span.start + 1..span.end.saturating_sub(2) {
                if lower(&tokens[i]) == "and"
                    && lower(&tokens[i + 1]) == "the"
                    && capitalised(&tokens[i + 2])
                    && i > start
                {
                    split.push(Span {
                        start,
                        end: i,
                        ..span
                    });
                    start = i + 2;
                }
            }
            split.push(Span { start, ..span });
        }
        self.spans = split;

        // One pass in text order: a span that grows to the left takes the
        // spans it reaches off the end of `out`; one that grows to the
        // right swallows the next ones.
        let spans = std::mem::take(&mut self.spans);
        let mut out: Vec<Span> = Vec::with_capacity(spans.len());
        let mut next = 0;
        while next < spans.len() {
            let mut span = spans[next];
            next += 1;
            while let Some(grown) = self.grow_institution(span) {
                span = grown;
            }
            while out.last().is_some_and(|last| last.end > span.start) {
                out.pop();
            }
            while next < spans.len() && spans[next].start < span.end {
                next += 1;
            }
            out.push(span);
        }
        self.spans = out;
    }

    /// The span one institution rule makes of `span`, if one applies.
    fn grow_institution(&self, span: Span) -> Option<Span> {
        let tokens = self.tokens;
        let (sentence_start, sentence_end) = self.sentence_range(span.sentence);
        let capitalised_word = |i: usize| {
            is_word(&tokens[i]) && capitalised(&tokens[i]) && !self.is_sentence_initial(i)
        };
        // "Ministry of [Health and Welfare]": the head and "of" join.
        if span.start >= sentence_start + 2
            && lower(&tokens[span.start - 1]) == "of"
            && in_list(&tokens[span.start - 2], &INSTITUTION_HEADS)
            && capitalised(&tokens[span.start - 2])
        {
            let mut start = span.start - 2;
            while start > sentence_start && capitalised_word(start - 1) {
                start -= 1;
            }
            return Some(Span {
                start,
                label: NameLabel::Organization,
                ..span
            });
        }
        let head = in_list(&tokens[span.end - 1], &INSTITUTION_HEADS);
        // "[Mainland] [Affairs Council]", "the Mainland [Affairs Council]":
        // capitalised words right before an institution's head join it.
        if head
            && span.start > sentence_start
            && capitalised_word(span.start - 1)
            && !in_list(&tokens[span.start - 1], &DAY_ABBREVIATIONS)
            && !in_list(&tokens[span.start - 1], &TITLES)
        {
            let mut start = span.start - 1;
            while start > sentence_start && capitalised_word(start - 1) {
                start -= 1;
            }
            return Some(Span {
                start,
                label: NameLabel::Organization,
                ..span
            });
        }
        // "[Council] of [State]": an institution's head followed by "of"
        // and capitalised words.
        if head
            && span.end + 1 < sentence_end
            && lower(&tokens[span.end]) == "of"
            && is_word(&tokens[span.end + 1])
            && capitalised(&tokens[span.end + 1])
        {
            let mut end = span.end + 1;
            while end < sentence_end
                && is_word(&tokens[end])
                && (capitalised(&tokens[end])
                    || (lower(&tokens[end]) == "and"
                        && tokens.get(end + 1).is_some_and(|t| capitalised(t))))
            {
                end += 1;
            }
            return Some(Span {
                end,
                label: NameLabel::Organization,
                ..span
            });
        }
        None
    }

    fn is_sentence_initial(&self, i: usize) -> bool {
        let sentences = &self.segmentation.sentences;
        let at = sentences.partition_point(|s| s.token_start < i);
        sentences.get(at).is_some_and(|s| s.token_start == i)
            || (i > 0 && matches!(self.tokens[i - 1].norm.as_ref(), "\"" | "'" | "(" | "--"))
    }

    fn coordination(&mut self) {
        let tokens = self.tokens;
        let mut out = Vec::with_capacity(self.spans.len());
        for span in std::mem::take(&mut self.spans) {
            let (sentence_start, _) = self.sentence_range(span.sentence);
            let ands: Vec<usize> = (span.start + 1..span.end.saturating_sub(1))
                .filter(|&i| lower(&tokens[i]) == "and")
                .collect();
            let cue =
                span.start > sentence_start && in_list(&tokens[span.start - 1], &COORDINATION_CUES);
            let institution = (span.start..span.end)
                .any(|i| in_list(&tokens[i], &INSTITUTION_HEADS) || lower(&tokens[i]) == "of");
            if ands.len() != 1 || !cue || institution {
                out.push(span);
                continue;
            }
            let at = ands[0];
            let parts = [(span.start, at), (at + 1, span.end)];
            if parts
                .iter()
                .any(|&(s, e)| s >= e || !(s..e).all(|k| capitalised(&tokens[k])))
            {
                out.push(span);
                continue;
            }
            // Two people if both parts are two words or more (first name
            // and surname); two places after a preposition otherwise.
            let people = parts.iter().all(|&(s, e)| e - s >= 2);
            let label = if people {
                NameLabel::Person
            } else {
                NameLabel::Location
            };
            for (start, end) in parts {
                out.push(Span {
                    start,
                    end,
                    label,
                    ..span
                });
            }
        }
        self.spans = out;
    }

    fn indices(&mut self) {
        let tokens = self.tokens;
        for span in &mut self.spans {
            let (_, sentence_end) = {
                let s = &self.segmentation.sentences[span.sentence];
                (s.token_start, s.token_end)
            };
            if in_list(&tokens[span.end - 1], &INDEX_WORDS)
                && span.end < sentence_end
                && tokens[span.end].kind == TokenKind::Number
            {
                span.end += 1;
                span.label = NameLabel::Misc;
            }
        }
        // "The S&P energy index" in a story about the S&P 500 is the
        // index too.
        let indexed: HashSet<String> = self
            .spans
            .iter()
            .filter(|s| s.end - s.start == 2 && tokens[s.end - 1].kind == TokenKind::Number)
            .filter(|s| in_list(&tokens[s.start], &INDEX_WORDS))
            .map(|s| lower(&tokens[s.start]))
            .collect();
        if !indexed.is_empty() {
            for span in &mut self.spans {
                if span.end - span.start == 1 && indexed.contains(&lower(&tokens[span.start])) {
                    span.label = NameLabel::Misc;
                }
            }
        }
        // Extending may have reached the next span.
        let mut kept: Vec<Span> = Vec::with_capacity(self.spans.len());
        for span in std::mem::take(&mut self.spans) {
            if kept.last().is_some_and(|last| last.end > span.start) {
                continue;
            }
            kept.push(span);
        }
        self.spans = kept;
    }

    fn surnames(&mut self) {
        let tokens = self.tokens;
        // Full names of people, in text order.
        let people: Vec<Span> = self
            .spans
            .iter()
            .copied()
            .filter(|s| s.label == NameLabel::Person && s.end - s.start >= 2)
            .collect();
        if people.is_empty() {
            return;
        }
        // A romanised name written the other way round or without its
        // hyphen: "Ji-hoon Park" for "Park Ji-hoon". Names are keyed by
        // their folded words in sorted order; every window of two or three
        // capitalised tokens is looked up once.
        let key = |start: usize, end: usize| {
            let mut words: Vec<String> = (start..end).map(|i| folded(&tokens[i].norm)).collect();
            words.sort();
            words.join(" ")
        };
        let romanised: HashSet<String> = people
            .iter()
            .filter(|p| {
                p.end - p.start <= 3 && (p.start..p.end).any(|i| tokens[i].norm.contains('-'))
            })
            .map(|p| key(p.start, p.end))
            .collect();
        let person_at: HashSet<(usize, usize)> = self
            .spans
            .iter()
            .filter(|s| s.label == NameLabel::Person)
            .map(|s| (s.start, s.end))
            .collect();
        if !romanised.is_empty() {
            for start in 0..tokens.len() {
                for n in 2..=3 {
                    let end = start + n;
                    if end > tokens.len()
                        || !(start..end).all(|i| is_word(&tokens[i]) && capitalised(&tokens[i]))
                        || person_at.contains(&(start, end))
                        || !romanised.contains(&key(start, end))
                    {
                        continue;
                    }
                    let sentence = self.sentence_of(start);
                    if self.sentence_of(end - 1) == sentence {
                        self.add(Span {
                            start,
                            end,
                            label: NameLabel::Person,
                            sentence,
                        });
                    }
                }
            }
            self.flush();
        }
        // A sentence opening with the surname (or the first word) of a
        // person named in full earlier: "Park said ...".
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        for p in &people {
            for i in [p.start, p.end - 1] {
                first_seen.entry(tokens[i].norm.as_ref()).or_insert(p.start);
            }
        }
        let mut covered = vec![false; tokens.len()];
        for s in &self.spans {
            covered[s.start..s.end].fill(true);
        }
        for sentence in 0..self.segmentation.sentences.len() {
            let Some(first) = self.first_word(sentence) else {
                continue;
            };
            if covered[first] || !capitalised(&tokens[first]) {
                continue;
            }
            let next_lower = tokens.get(first + 1).is_some_and(|t| {
                t.norm == ","
                    || t.norm == "'s"
                    || (is_word(t) && t.norm.chars().next().is_some_and(char::is_lowercase))
            });
            let named = first_seen
                .get(tokens[first].norm.as_ref())
                .is_some_and(|&at| at < first);
            if next_lower && named {
                self.add(Span {
                    start: first,
                    end: first + 1,
                    label: NameLabel::Person,
                    sentence,
                });
            }
        }
        self.flush();
    }

    fn sentence_of(&self, token: usize) -> usize {
        self.segmentation
            .sentences
            .partition_point(|s| s.token_end <= token)
    }
}

/// A name word without case or hyphens: "Ji-hoon" and "Jihoon" are one.
fn folded(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `i` (a day abbreviation) stands in a time stamp or a dateline:
/// next to a number, a month, a comma, a bracket or the end of its line,
/// or after "Updated".
fn is_day_stamp(tokens: &[Token<'_>], i: usize) -> bool {
    if !in_list(&tokens[i], &DAY_ABBREVIATIONS) {
        return false;
    }
    let next = tokens.get(i + 1);
    let after_ok = next.is_none_or(|t| {
        t.kind == TokenKind::Number
            || in_list(t, &MONTHS)
            || matches!(t.norm.as_ref(), "," | ")" | ":" | "--" | "-" | "." | "(")
    });
    let before_ok = i > 0
        && (lower(&tokens[i - 1]) == "updated"
            || matches!(tokens[i - 1].norm.as_ref(), "," | "(" | ":"));
    after_ok || before_ok
}

/// Whether the name at `start` follows "<title> of (the)": "Minister of
/// [Economic Affairs]".
fn follows_office_of(tokens: &[Token<'_>], start: usize, sentence_start: usize) -> bool {
    let mut i = start;
    if i > sentence_start && lower(&tokens[i - 1]) == "the" {
        i -= 1;
    }
    i >= sentence_start + 2
        && matches!(lower(&tokens[i - 1]).as_str(), "of" | "for")
        && in_list(&tokens[i - 2], &TITLES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_segmenter::Segmenter;

    /// The names `correct` makes of `text` when the model found `found`
    /// (the first occurrence of each phrase, whole tokens).
    fn corrected(text: &str, found: &[(&str, NameLabel)]) -> Vec<(String, NameLabel)> {
        let seg = Segmenter::new().segment(text, Some("en"));
        let mut names = vec![Vec::new(); seg.sentences.len()];
        for (phrase, label) in found {
            let begin = text.find(phrase).expect("phrase in text");
            let end = begin + phrase.len();
            let first = seg.tokens.iter().position(|t| t.span.start == begin);
            let last = seg.tokens.iter().position(|t| t.span.end == end);
            let (Some(first), Some(last)) = (first, last) else {
                panic!("{phrase:?} is not whole tokens");
            };
            let sentence = seg
                .sentences
                .iter()
                .position(|s| s.token_start <= first && last < s.token_end)
                .expect("phrase in one sentence");
            let offset = seg.sentences[sentence].token_start;
            names[sentence].push(NameSpan {
                start: first - offset,
                end: last + 1 - offset,
                label: *label,
            });
        }
        for sentence in &mut names {
            sentence.sort_by_key(|s| s.start);
        }
        correct(&seg, &names)
            .iter()
            .zip(&seg.sentences)
            .flat_map(|(spans, sentence)| {
                spans.iter().map(|s| {
                    let start = seg.tokens[sentence.token_start + s.start].span.start;
                    let end = seg.tokens[sentence.token_start + s.end - 1].span.end;
                    (text[start..end].to_owned(), s.label)
                })
            })
            .collect()
    }

    fn owned(names: &[(&str, NameLabel)]) -> Vec<(String, NameLabel)> {
        names.iter().map(|(n, l)| ((*n).to_owned(), *l)).collect()
    }

    use NameLabel::{Location as Loc, Organization as Org, Person as Per};

    #[test]
    fn an_office_before_a_name_is_cut_off_and_the_person_kept() {
        let text = "Minister of Economic Affairs Kuo Jyh-huei said on Monday that prices rose.";
        let found = [("Economic Affairs Kuo Jyh-huei", Org)];
        assert_eq!(corrected(text, &found), owned(&[("Kuo Jyh-huei", Per)]));
    }

    #[test]
    fn a_photo_credit_is_an_agency_not_a_place() {
        let text = "Rain fell all day.\n\nPhoto: Reuters";
        assert_eq!(
            corrected(text, &[("Reuters", Loc)]),
            owned(&[("Reuters", Org)])
        );
    }

    #[test]
    fn a_ministry_is_named_in_full() {
        let text = "Officials of the Ministry of Health and Welfare met on Monday.";
        assert_eq!(
            corrected(text, &[("Health and Welfare", Org)]),
            owned(&[("Ministry of Health and Welfare", Org)])
        );
    }

    #[test]
    fn a_bylines_names_are_people_and_time_stamps_are_no_names() {
        let text = "By JANE DOE\n\nUpdated Wed 10:15\n\nThe river rose.";
        let found = [("JANE DOE", Org), ("Updated", Org), ("Wed", Org)];
        assert_eq!(corrected(text, &found), owned(&[("JANE DOE", Per)]));
    }

    #[test]
    fn coordinated_places_after_a_preposition_are_two_names() {
        let text = "Heavy rain fell in Tainan and Kaohsiung on Sunday.";
        let got = corrected(text, &[("Tainan and Kaohsiung", Org)]);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Tainan", "Kaohsiung"]);
    }

    #[test]
    fn an_index_is_named_with_its_number() {
        let text = "The S&P 500 fell on Monday.";
        assert_eq!(
            corrected(text, &[("S&P", Org)]),
            owned(&[("S&P 500", NameLabel::Misc)])
        );
    }

    #[test]
    fn a_sentence_opening_with_a_known_surname_names_the_person() {
        let text = "President Lai Ching-te spoke in Taipei. Lai on Monday said talks would resume.";
        let got = corrected(text, &[("Lai Ching-te", Per), ("Taipei", Loc)]);
        assert_eq!(
            got,
            owned(&[("Lai Ching-te", Per), ("Taipei", Loc), ("Lai", Per)])
        );
    }
}
