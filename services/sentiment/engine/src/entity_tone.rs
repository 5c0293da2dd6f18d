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
}
