//! Where sentences end, decided on the tokens.
//!
//! A sentence ends:
//! - at "!" or "?", or at a full stop, unless the next word is lower-case
//!   ("Yahoo! in", "“This is great.” she said");
//! - at an abbreviation only where the next word usually opens a sentence
//!   ("in the U.S. The ..." but "the U.S. Government"; "Mr." never);
//! - after the closing quotes and brackets that follow its full stop;
//! - at an ellipsis before a capital, but never at ". . ." or "[...]";
//! - at the end of a line that has no final punctuation (headlines,
//!   kickers, decks, datelines, credits), unless the next line carries on
//!   in lower case or the line ends mid-phrase;
//! - after an all-capitals kicker and its colon ("UNRELENTING: Fires ...");
//! - before a bullet or a numbered or lettered list item ("1.", "2)", "b.");
//! - at a blank line, which also ends the paragraph.

use std::collections::HashMap;

use crate::abbreviations::{
    AbbreviationClass, follows_time, is_am_pm, is_speech_verb, lookup, opens_sentence,
    opens_time_phrase,
};
use crate::paragraphs::{Gap, gap, has_blank_line};
use crate::{ByteSpan, Paragraph, Sentence, SentenceKind, Token, TokenKind};

/// Groups `tokens` of `text` into sentences and paragraphs.
pub fn split(text: &str, tokens: &[Token<'_>]) -> (Vec<Paragraph>, Vec<Sentence>) {
    if tokens.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let doc = Doc::new(text, tokens);
    let mut out = Builder::new(tokens, !has_blank_line(text));
    let n = tokens.len();
    let mut start = 0;
    let mut marker_end = 0; // tokens before this belong to a list marker
    let mut i = 0;
    while i < n {
        let bullet_before = i == start + 1 && doc.is_bullet(start); // "• 9. The first item"
        if i > start && !bullet_before && (doc.is_bullet(i) || doc.markers[i] > 0) {
            out.close(
                start,
                i - 1,
                doc.kind_of(start, i - 1, SentenceKind::Sentence),
                Gap::Inline,
            );
            start = i;
        }
        if doc.markers[i] > 0 {
            marker_end = i + doc.markers[i];
        }
        if i + 1 == n {
            out.close(
                start,
                i,
                doc.kind_of(start, i, SentenceKind::Sentence),
                Gap::BlankLine,
            );
            break;
        }
        if doc.gaps[i] == Gap::BlankLine {
            out.close(
                start,
                i,
                doc.kind_of(start, i, SentenceKind::Sentence),
                Gap::BlankLine,
            );
            start = i + 1;
            i += 1;
            continue;
        }
        if i >= marker_end
            && let Some((last, kind)) = doc.sentence_end(start, i)
        {
            let gap = if last + 1 == n {
                Gap::BlankLine
            } else {
                doc.gaps[last]
            };
            out.close(start, last, doc.kind_of(start, last, kind), gap);
            start = last + 1;
            i = last + 1;
            continue;
        }
        i += 1;
    }
    out.finish()
}

/// Collects sentences and paragraphs as the walk closes them.
struct Builder<'t, 'a> {
    tokens: &'t [Token<'a>],
    lines_are_paragraphs: bool,
    sentences: Vec<Sentence>,
    paragraphs: Vec<Paragraph>,
    paragraph_first_sentence: usize,
}

impl<'t, 'a> Builder<'t, 'a> {
    fn new(tokens: &'t [Token<'a>], lines_are_paragraphs: bool) -> Self {
        Builder {
            tokens,
            lines_are_paragraphs,
            sentences: Vec::new(),
            paragraphs: Vec::new(),
            paragraph_first_sentence: 0,
        }
    }

    /// Closes the sentence of tokens `first..=last`, followed by `gap`.
    fn close(&mut self, first: usize, last: usize, kind: SentenceKind, gap: Gap) {
        self.sentences.push(Sentence {
            span: ByteSpan::new(self.tokens[first].span.start, self.tokens[last].span.end),
            token_start: first,
            token_end: last + 1,
            paragraph: self.paragraphs.len(),
            kind,
        });
        let ends_paragraph =
            gap == Gap::BlankLine || (self.lines_are_paragraphs && gap == Gap::LineBreak);
        if ends_paragraph {
            let first_sentence = self.paragraph_first_sentence;
            let start = self.sentences[first_sentence].span.start;
            self.paragraphs.push(Paragraph {
                span: ByteSpan::new(start, self.tokens[last].span.end),
                sentence_start: first_sentence,
                sentence_end: self.sentences.len(),
            });
            self.paragraph_first_sentence = self.sentences.len();
        }
    }

    fn finish(self) -> (Vec<Paragraph>, Vec<Sentence>) {
        (self.paragraphs, self.sentences)
    }
}

/// The tokens with what the rules ask of them.
struct Doc<'t, 'a> {
    text: &'t str,
    tokens: &'t [Token<'a>],
    /// The whitespace after each token (the last: `Inline`).
    gaps: Vec<Gap>,
    /// For each token, how many tokens of a list marker start there (0: none).
    markers: Vec<usize>,
}

/// What kind of sentence-ending token a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Terminal {
    /// "!", "?", "?!", "!!".
    Exclamation,
    /// A full stop on its own.
    FullStop,
    /// "...", "…", "....".
    Ellipsis,
    /// ". . ." (never ends a sentence).
    SpacedEllipsis,
    /// "。", "！", "？": no space follows in Chinese or Japanese.
    Ideographic,
    /// A word that kept its period: "Mr.", "U.S.", "E.".
    Abbreviation,
}

impl<'t, 'a> Doc<'t, 'a> {
    fn new(text: &'t str, tokens: &'t [Token<'a>]) -> Self {
        let gaps = (0..tokens.len())
            .map(|i| match tokens.get(i + 1) {
                Some(next) if tokens[i].space_after => {
                    gap(&text[tokens[i].span.end..next.span.start])
                }
                _ => Gap::Inline,
            })
            .collect();
        let mut doc = Doc {
            text,
            tokens,
            gaps,
            markers: Vec::new(),
        };
        doc.markers = doc.list_markers();
        doc
    }

    fn raw(&self, i: usize) -> &'t str {
        let span = self.tokens[i].span;
        &self.text[span.start..span.end]
    }

    fn norm(&self, i: usize) -> &str {
        &self.tokens[i].norm
    }

    /// Lower-case initial, as words that carry on a sentence have; brand
    /// names with a capital inside ("eBay", "iPhone") can open one.
    fn starts_lower(&self, i: usize) -> bool {
        let raw = self.raw(i);
        raw.chars().next().is_some_and(char::is_lowercase)
            && !raw.chars().skip(1).any(char::is_uppercase)
    }

    fn starts_upper(&self, i: usize) -> bool {
        self.raw(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn is_word_like(&self, i: usize) -> bool {
        !matches!(
            self.tokens[i].kind,
            TokenKind::Punctuation | TokenKind::Symbol
        )
    }

    /// Whether the token begins a line (or the text).
    fn at_line_start(&self, i: usize) -> bool {
        i == 0 || self.gaps[i - 1] != Gap::Inline
    }

    fn terminal(&self, i: usize) -> Option<Terminal> {
        let raw = self.raw(i);
        match self.tokens[i].kind {
            TokenKind::Punctuation => match self.norm(i) {
                "." => Some(Terminal::FullStop),
                n if n.starts_with('.') && n.bytes().all(|b| b == b'.') => {
                    Some(if raw.contains(' ') {
                        if n.len() == 3 {
                            Terminal::SpacedEllipsis
                        } else {
                            Terminal::Ellipsis
                        }
                    } else {
                        Terminal::Ellipsis
                    })
                }
                n if n.bytes().all(|b| b == b'!' || b == b'?') => Some(Terminal::Exclamation),
                _ if matches!(raw, "。" | "！" | "？" | "｡") => Some(Terminal::Ideographic),
                _ => None,
            },
            TokenKind::Word if raw.len() > 1 && raw.ends_with('.') => Some(Terminal::Abbreviation),
            _ => None,
        }
    }

    /// Closing quotes and brackets that stay with the sentence before them.
    fn is_closing(&self, i: usize) -> bool {
        matches!(
            self.raw(i),
            "\"" | "'" | "”" | "’" | ")" | "]" | "}" | "»" | "」" | "』" | "）"
        )
    }

    /// Bullets: "•" anywhere, and "-", "*" or a dash opening a line.
    fn is_bullet(&self, i: usize) -> bool {
        if self.tokens[i].kind == TokenKind::Word || self.tokens[i].kind == TokenKind::Number {
            return false; // most tokens: skip the string comparisons
        }
        match self.raw(i) {
            "•" | "⁃" | "‣" | "◦" | "▪" | "■" | "□" | "●" | "○" | "►" | "➢" => {
                true
            }
            "-" | "*" | "–" | "—" => self.at_line_start(i) && self.tokens[i].space_after,
            _ => false,
        }
    }

    /// The first word or number after token `i` in the same paragraph,
    /// looking past opening quotes, brackets and dashes.
    fn next_word(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        while j < self.tokens.len() && j <= i + 4 {
            if self.is_word_like(j) {
                return Some(j);
            }
            if self.gaps[j] == Gap::BlankLine {
                return None;
            }
            j += 1;
        }
        None
    }

    /// If a sentence that began at `start` ends at token `i` (or at the
    /// closing quotes and brackets right after it), the index of its last
    /// token and what kind of segment it is.
    fn sentence_end(&self, start: usize, i: usize) -> Option<(usize, SentenceKind)> {
        if let Some(terminal) = self.terminal(i) {
            return self
                .ends_at_terminal(start, i, terminal)
                .map(|last| (last, SentenceKind::Sentence));
        }
        if self.gaps[i] == Gap::LineBreak && !self.line_carries_on(i) {
            return Some((i, SentenceKind::Line));
        }
        if self.is_kicker(start, i) {
            return Some((i, SentenceKind::Line));
        }
        None
    }

    fn ends_at_terminal(&self, start: usize, i: usize, terminal: Terminal) -> Option<usize> {
        let n = self.tokens.len();
        let mut last = i;
        loop {
            if last + 1 < n && !self.tokens[last].space_after && self.is_closing(last + 1) {
                last += 1;
            } else if let Some(end) = self.citation_after(last) {
                last = end; // "martyr.[1] The emperor"
            } else if last + 1 < n
                && self.tokens[last + 1].kind == TokenKind::Emoji
                && self.gaps[last] == Gap::Inline
            {
                last += 1; // "What a day! 😀 See you"
            } else {
                break;
            }
        }
        let lost_space = terminal == Terminal::FullStop
            && last == i
            && self
                .tokens
                .get(i + 1)
                .is_some_and(|t| t.kind == TokenKind::Word)
            && self.starts_upper(i + 1); // "world.Today"
        if !self.tokens[last].space_after && terminal != Terminal::Ideographic && !lost_space {
            return None; // "Jr.'s", "that....She"
        }
        let next = self.next_word(last)?;
        let ends = match terminal {
            Terminal::Exclamation
                if is_exclamation_name(
                    &self.text[self.tokens[start.max(i.saturating_sub(1))].span.start
                        ..self.tokens[i].span.end],
                ) =>
            {
                false
            }
            // "“Why now?” Trump asked." A quotation that ends in a full stop
            // is followed by a new sentence: news copy closes a quotation
            // with a comma when the attribution follows ("“We won,” he said").
            Terminal::Exclamation => {
                let attribution = last > i && self.is_attribution(next);
                !self.starts_lower(next) && !attribution
            }
            Terminal::FullStop => !self.starts_lower(next),
            // "“No.” He left.": a closing quote after the period settles it.
            Terminal::Abbreviation if last > i => !self.starts_lower(next),
            Terminal::Ideographic => true,
            Terminal::SpacedEllipsis => false,
            Terminal::Ellipsis => {
                let in_brackets = i > 0
                    && !self.tokens[i - 1].space_after
                    && matches!(self.raw(i - 1), "[" | "(");
                !in_brackets && self.starts_upper(next)
            }
            Terminal::Abbreviation => self.abbreviation_ends(start, i, next, self.gaps[last]),
        };
        ends.then_some(last)
    }

    /// The last token of a citation mark ("[1]", "[12]") attached to token
    /// `i`, if one follows.
    fn citation_after(&self, i: usize) -> Option<usize> {
        let close = i + 3;
        let attached = |j: usize| !self.tokens[j - 1].space_after;
        (close < self.tokens.len()
            && self.raw(i + 1) == "["
            && attached(i + 1)
            && self.tokens[i + 2].kind == TokenKind::Number
            && attached(i + 2)
            && self.raw(close) == "]"
            && attached(close))
        .then_some(close)
    }

    /// "Trump asked", "Mr. Smith said" after a closing quote.
    fn is_attribution(&self, next: usize) -> bool {
        let n = self.tokens.len();
        let mut j = next + 1;
        if self.starts_upper(next) && j < n && self.starts_upper(j) {
            j += 1; // "Gov. Newsom", "Jane Smith"
        }
        j < n && is_speech_verb(self.raw(j))
    }

    /// Whether the abbreviation at `i`, followed by the word at `next`, ends
    /// its sentence.
    fn abbreviation_ends(&self, start: usize, i: usize, next: usize, gap: Gap) -> bool {
        if self.starts_lower(next) || self.tokens[next].kind == TokenKind::Number {
            return false;
        }
        let raw = self.raw(i);
        let word = &raw[..raw.len() - 1];
        let next_raw = self.raw(next);
        if is_am_pm(word) {
            // "At 5 a.m. Mr. Smith went ..." against "... at 6 P.M. Mr. Smith then ...".
            let fronted = i - start <= 3 && opens_time_phrase(self.raw(start));
            return !fronted && self.starts_upper(next) && !follows_time(next_raw);
        }
        let single_letter = word.chars().count() == 1;
        if single_letter {
            // An initial follows a name or another initial ("Albert I. Jones");
            // "you and I. Did ..." ends.
            let after_name = i == start || {
                let prev = i - 1;
                self.starts_upper(prev) && self.is_word_like(prev)
            };
            return opens_sentence(next_raw) || (!after_name && self.starts_upper(next));
        }
        match lookup(word) {
            Some(AbbreviationClass::Title) => false,
            // A capital on the next line after "U.S." or "Inc." starts anew:
            // hard-wrapped copy rarely breaks a line inside a name.
            _ => opens_sentence(next_raw) || (gap == Gap::LineBreak && self.starts_upper(next)),
        }
    }

    /// Whether an unpunctuated line ending at token `i` carries on into the
    /// next line: hard-wrapped copy, not a headline.
    fn line_carries_on(&self, i: usize) -> bool {
        let next = i + 1;
        if next < self.tokens.len() && self.starts_lower(next) {
            return true;
        }
        let raw = self.raw(i);
        matches!(
            self.norm(i),
            "," | ";" | "-" | "--" | "&" | "(" | "[" | "/" | "\""
        ) && raw != "”"
            || matches!(
                raw,
                "a" | "an"
                    | "the"
                    | "and"
                    | "or"
                    | "but"
                    | "of"
                    | "to"
                    | "in"
                    | "on"
                    | "at"
                    | "for"
                    | "by"
                    | "with"
                    | "from"
                    | "that"
                    | "as"
                    | "is"
                    | "was"
                    | "are"
                    | "were"
            )
    }

    /// "UNRELENTING:" or "BREAKING NEWS:" opening a line, then a capital.
    fn is_kicker(&self, start: usize, i: usize) -> bool {
        let words = i - start;
        if self.raw(i) != ":" || !(1..=4).contains(&words) || !self.at_line_start(start) {
            return false;
        }
        if !self.tokens[i].space_after || !self.next_word(i).is_some_and(|n| self.starts_upper(n)) {
            return false;
        }
        let mut letters = 0;
        for t in start..i {
            let raw = self.raw(t);
            if self.tokens[t].kind != TokenKind::Word
                || raw.chars().any(char::is_lowercase)
                || !raw.chars().any(char::is_uppercase)
            {
                return false;
            }
            letters += raw.chars().filter(|c| c.is_alphabetic()).count();
        }
        letters >= 4
    }

    /// The kind of the segment `first..=last`: a list item if it opens with a
    /// bullet or marker, a line if it lacks final punctuation.
    fn kind_of(&self, first: usize, last: usize, ended_as: SentenceKind) -> SentenceKind {
        if self.is_bullet(first) || self.markers[first] > 0 {
            return SentenceKind::ListItem;
        }
        if ended_as != SentenceKind::Sentence {
            return ended_as;
        }
        let mut end = last;
        while end > first && self.is_closing(end) {
            end -= 1;
        }
        if self.terminal(end).is_some() {
            SentenceKind::Sentence
        } else {
            SentenceKind::Line
        }
    }

    /// Finds list markers ("1.", "2)", "3.)", "(4)", "a.", "b.") that belong to
    /// a run of consecutive numbers or letters within one paragraph, so that a
    /// lone "2." after a number or an initial is not mistaken for one.
    fn list_markers(&self) -> Vec<usize> {
        let n = self.tokens.len();
        let mut markers = vec![0; n];
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut block = 0;
        for i in 0..n {
            if let Some(c) = self.marker_candidate(i, block) {
                candidates.push(c);
            }
            if self.gaps[i] == Gap::BlankLine {
                block += 1;
            }
        }
        // Where each (paragraph, kind, value) first and last occurs, so that
        // a candidate's chain partners are found without comparing all pairs.
        let mut seen: HashMap<(usize, bool, u32), (usize, usize)> = HashMap::new();
        for (k, c) in candidates.iter().enumerate() {
            seen.entry((c.block, c.letters, c.value))
                .and_modify(|(_, last)| *last = k)
                .or_insert((k, k));
        }
        for (k, c) in candidates.iter().enumerate() {
            let later_successor = seen
                .get(&(c.block, c.letters, c.value + 1))
                .is_some_and(|&(_, last)| last > k);
            let earlier_predecessor = c.value > 0
                && seen
                    .get(&(c.block, c.letters, c.value - 1))
                    .is_some_and(|&(first, _)| first < k);
            if later_successor || earlier_predecessor {
                markers[c.at] = c.len;
            }
        }
        markers
    }

    fn marker_candidate(&self, i: usize, block: usize) -> Option<Candidate> {
        let n = self.tokens.len();
        let after_space = i == 0 || self.tokens[i - 1].space_after || self.is_bullet(i - 1);
        if !after_space {
            return None;
        }
        let attached = |j: usize| j < n && j > 0 && !self.tokens[j - 1].space_after;
        let number = |j: usize| -> Option<u32> {
            let raw = self.raw(j);
            (self.tokens[j].kind == TokenKind::Number
                && raw.len() <= 2
                && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| raw.parse().ok())
            .flatten()
        };
        let (value, letters, len) = if let Some(v) = number(i) {
            // "1." "1)" "1.)"
            let close = i + 1;
            if !attached(close) || !matches!(self.raw(close), "." | ")") {
                return None;
            }
            if self.raw(close) == "." && attached(close + 1) && self.raw(close + 1) == ")" {
                (v, false, 3)
            } else {
                (v, false, 2)
            }
        } else if self.raw(i) == "("
            && i + 2 < n
            && attached(i + 1)
            && attached(i + 2)
            && self.raw(i + 2) == ")"
        {
            // "(1)" "(a)"
            match number(i + 1) {
                Some(v) => (v, false, 3),
                None => (letter_value(self.raw(i + 1))?, true, 3),
            }
        } else {
            // "a." "b."
            let raw = self.raw(i);
            let letter = raw.strip_suffix('.')?;
            (letter_value(letter)?, true, 1)
        };
        let end = i + len - 1;
        if !self.tokens[end].space_after || end + 1 >= n || !self.starts_upper(end + 1) {
            return None;
        }
        Some(Candidate {
            at: i,
            len,
            value,
            letters,
            block,
        })
    }
}

/// Names that end in an exclamation mark ("Yahoo! Inc.").
fn is_exclamation_name(words: &str) -> bool {
    matches!(words, "Yahoo!" | "Jeopardy!" | "Oklahoma!" | "Wham!")
}

/// A possible list marker.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    at: usize,
    len: usize,
    value: u32,
    letters: bool,
    block: usize,
}

/// "a" -> 1, "B" -> 2: a single ASCII letter's place in the alphabet.
fn letter_value(s: &str) -> Option<u32> {
    let &[b] = s.as_bytes() else { return None };
    b.is_ascii_alphabetic()
        .then(|| u32::from(b.to_ascii_lowercase() - b'a') + 1)
}
