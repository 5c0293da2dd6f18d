//! Random stories rendered to HTML the way CMSs write it (inline tags
//! around and inside words, character references for some characters,
//! block tags between paragraphs, comments, scripts, reflowed whitespace):
//! the extracted text is the story, and every word-aligned span maps to
//! markup whose own text is that span.

#![allow(clippy::unwrap_used)]

use copydesk_html::extract;
use copydesk_html::sample::{Lcg, render_paragraph};

const WORDS: &[&str] = &[
    "Tsai",
    "Ing-wen",
    "Lai",
    "Ching-te",
    "Kaohsiung",
    "said",
    "the",
    "Ministry",
    "of",
    "Health",
    "AT&T",
    "R&D",
    "“quoted”",
    "it’s",
    "5%",
    "$1.5",
    "billion",
    "Taipei",
    "—",
    "naïve",
    "東京",
    "😀",
    "a<b",
    "x>y",
    "[sic]",
    "Moon",
    "Jae-in",
    "on",
    "Monday.",
    "(CNA)",
    "e.g.",
    "’90s",
];

/// A story (paragraphs of words) and its markup.
fn story(rng: &mut Lcg) -> (String, String) {
    let mut paragraphs = Vec::new();
    let mut html = String::new();
    for _ in 0..1 + rng.number() % 5 {
        let words: Vec<&str> = (0..1 + rng.number() % 25)
            .map(|_| rng.pick(WORDS))
            .collect();
        render_paragraph(&words, rng, &mut html);
        paragraphs.push(words.join(" "));
    }
    (paragraphs.join("\n\n"), html)
}

#[test]
fn random_stories_round_trip() {
    let mut rng = Lcg(0x00C0_FFEE);
    for case in 0..2_000 {
        let (text, html) = story(&mut rng);
        let extracted = extract(&html);
        assert_eq!(extracted.text, text, "case {case}: {html:?}");
        // Word-aligned spans, as mentions and tokens are.
        let starts: Vec<usize> = word_starts(&text);
        for _ in 0..20 {
            let a = starts[rng.number() % starts.len()];
            let b = starts[rng.number() % starts.len()];
            let (from, to) = (a.min(b), a.max(b));
            let end = word_end(&text, to);
            let span = from..end;
            let source = extracted.map.to_source(span.clone());
            let markup = &html[source];
            assert_eq!(
                extract(markup).text,
                text[span.clone()],
                "case {case}: span {span:?} maps to {markup:?} in {html:?}"
            );
        }
    }
}

fn word_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            let next = i + c.len_utf8();
            if text[next..].starts_with(|c: char| !c.is_whitespace()) {
                starts.push(next);
            }
        }
    }
    starts
}

fn word_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| start + i)
}
