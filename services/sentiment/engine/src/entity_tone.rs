//! Tone towards entities: the tone of the clause around each mention, then
//! combined over the mentions like sentences in a document.
//!
//! A clause, not the sentence, because news sentences often judge two
//! parties at once ("Critics praised Smith but condemned Jones."): the
//! sentence's tone would give both the same score. Clauses end at ; : and
//! dashes and before contrast words ("but", "while", "although", ...). The
//! mention's own words are blanked before scoring, so that a name that is
//! also a lexicon word ("Best Buy", "Justice Department") does not colour
//! its own tone.

/// Words that open a contrasting clause.
const CONTRAST: &[&str] = &[
    "but",
    "however",
    "although",
    "though",
    "whereas",
    "while",
    "yet",
    "meanwhile",
    "nevertheless",
];

/// The clause of `sentence` (a slice of the document starting at byte
/// `offset`) that holds the byte `at` of the document, as a document range.
pub fn clause_around(sentence: &str, offset: usize, at: usize) -> (usize, usize) {
    Clauses::of(sentence).around(offset, at)
}

/// The clause boundaries of one sentence, found in one pass, so that the
/// clause of each of many mentions is a binary search, not a scan of the
/// sentence up to the mention.
#[derive(Clone, Debug, Default)]
pub struct Clauses {
    /// Per boundary, in sentence order: where the clause before it ends.
    before: Vec<usize>,
    /// Per boundary: the furthest byte where a clause after it, or after
    /// an earlier one, starts (a running maximum).
    reach: Vec<usize>,
    /// The sentence's length in bytes.
    len: usize,
}

impl Clauses {
    /// The boundaries of `sentence`: ; : and dashes, and before contrast
    /// words.
    pub fn of(sentence: &str) -> Self {
        let mut clauses = Clauses {
            len: sentence.len(),
            ..Clauses::default()
        };
        let mut reach = 0;
        for (i, c) in sentence.char_indices() {
            let boundary = match c {
                ';' | ':' | '\u{2014}' | '\u{2013}' => Some((i, i + c.len_utf8())),
                '-' if sentence[i..].starts_with("--") => Some((i, i + 2)),
                c if c.is_alphabetic() && is_contrast_at(sentence, i) => Some((i, i)),
                _ => None,
            };
            if let Some((before, after)) = boundary {
                reach = after.max(reach);
                clauses.before.push(before);
                clauses.reach.push(reach);
            }
        }
        clauses
    }

    /// The clause holding the byte `at` of the document, the sentence
    /// starting at byte `offset`, as a document range: from the last
    /// boundary at or before `at` to the first one after it.
    pub fn around(&self, offset: usize, at: usize) -> (usize, usize) {
        let index = self.before.partition_point(|&before| offset + before <= at);
        let start = index.checked_sub(1).map_or(0, |last| self.reach[last]);
        let end = self.before.get(index).copied().unwrap_or(self.len);
        (offset + start, offset + end.max(start))
    }
}

/// The bytes an entity's mentions cover, as sorted, disjoint ranges, so
/// that blanking the mentions inside a clause visits only the ranges that
/// meet it, not every mention of the entity.
#[derive(Clone, Debug, Default)]
pub struct Covered {
    ranges: Vec<(usize, usize)>,
}

impl Covered {
    /// The union of `spans` (each `start <= end`); empty spans cover
    /// nothing.
    pub fn of(spans: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut spans: Vec<(usize, usize)> = spans.into_iter().filter(|(s, e)| s < e).collect();
        spans.sort_unstable();
        let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match ranges.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => ranges.push((start, end)),
            }
        }
        Covered { ranges }
    }

    /// The covered parts of the range `start..end`, in order.
    pub fn within(&self, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self.ranges.partition_point(|r| r.1 <= start);
        self.ranges[first..]
            .iter()
            .take_while(move |r| r.0 < end)
            .map(move |r| (r.0.max(start), r.1.min(end)))
            .filter(|(from, to)| from < to)
    }
}

/// Whether a contrast word starts at byte `i` of `text` as a whole word.
fn is_contrast_at(text: &str, i: usize) -> bool {
    if text[..i]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return false;
    }
    let rest = &text[i..];
    CONTRAST.iter().any(|word| {
        rest.len() >= word.len()
            && rest.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
            && !rest[word.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_at_contrast_words_and_punctuation() {
        let s = "Critics praised Smith but condemned Jones.";
        let smith = s.find("Smith").unwrap_or(0);
        let jones = s.find("Jones").unwrap_or(0);
        let (a, b) = clause_around(s, 0, smith);
        assert_eq!(&s[a..b], "Critics praised Smith ");
        let (a, b) = clause_around(s, 0, jones);
        assert_eq!(&s[a..b], "but condemned Jones.");
        let t = "Sales rose; Acme's butler quit -- sadly.";
        let (a, b) = clause_around(t, 10, 10 + t.find("Acme").unwrap_or(0));
        assert_eq!(&t[a - 10..b - 10], " Acme's butler quit ");
    }

    /// The clause by a scan of the sentence up to it, as it was found
    /// before the boundaries were indexed.
    fn clause_by_scan(sentence: &str, offset: usize, at: usize) -> (usize, usize) {
        let mut start = 0usize;
        let mut end = sentence.len();
        for (i, c) in sentence.char_indices() {
            let boundary = match c {
                ';' | ':' | '\u{2014}' | '\u{2013}' => Some((i, i + c.len_utf8())),
                '-' if sentence[i..].starts_with("--") => Some((i, i + 2)),
                c if c.is_alphabetic() && is_contrast_at(sentence, i) => Some((i, i)),
                _ => None,
            };
            let Some((before, after)) = boundary else {
                continue;
            };
            if offset + before <= at {
                start = after.max(start);
            } else {
                end = before;
                break;
            }
        }
        (offset + start, offset + end.max(start))
    }

    #[test]
    fn indexed_clauses_equal_the_scan_at_every_byte() {
        let pieces = [
            "Acme ", "but ", "-", "--", "---", ";", ":", "\u{2014}", "\u{2013}", "while", "x", " ",
            "However,", "é", "yet", "Yet ", "butler ", "though-",
        ];
        // Every sentence of up to three pieces, and a longer one.
        let mut sentences = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = sentences
                .iter()
                .flat_map(|s| pieces.iter().map(move |p| format!("{s}{p}")))
                .collect();
            sentences.extend(longer);
            sentences.dedup();
        }
        sentences.push(pieces.concat().repeat(3));
        for sentence in &sentences {
            let clauses = Clauses::of(sentence);
            for (at, _) in sentence.char_indices() {
                assert_eq!(
                    clauses.around(7, 7 + at),
                    clause_by_scan(sentence, 7, 7 + at),
                    "{sentence:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn covered_ranges_are_the_union_of_the_spans() {
        let covered = Covered::of([(10, 14), (3, 5), (12, 20), (5, 6), (30, 30), (25, 27)]);
        let within: Vec<_> = covered.within(4, 26).collect();
        assert_eq!(within, [(4, 6), (10, 20), (25, 26)]);
        assert_eq!(covered.within(20, 25).count(), 0);
        assert_eq!(Covered::of([(30, 30)]).within(0, 100).count(), 0);
    }
}
