//! Whatever the text, segmentation never panics, every offset falls on a
//! character boundary, tokens cover every non-space character once, and
//! sentences and paragraphs tile the tokens in order.

use copydesk_segmenter::Segmenter;

/// Characters that stress the rules: punctuation of every kind, quotes,
/// dashes, bullets, digits, letters, CJK, emoji, joiners and line breaks.
const PALETTE: &[&str] = &[
    "a", "B", "z", "Mr", "U", "S", "e", "I", "1", "9", "0", ".", ".", ".", ",", ";", ":", "!", "?",
    "'", "’", "\"", "“", "”", "(", ")", "[", "]", "-", "—", "–", "…", "$", "%", "&", "@", "#", "/",
    "•", "⁃", "°", " ", " ", " ", "\n", "\n", "\r\n", "\t", "\u{a0}", "\u{200b}", "\u{feff}", "首",
    "。", "😀", "\u{200d}", "\u{fe0f}", "👩", "é", "\u{301}", "n't", "'s", "http://", "www.",
    "a@b.co", ". . .", "1.", "2)", "a.", "ß", "İ",
];

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn check(text: &str, language: Option<&str>) {
    let seg = Segmenter::new().segment(text, language);
    let mut covered = 0;
    for t in &seg.tokens {
        assert!(t.span.start < t.span.end, "empty token in {text:?}");
        assert!(t.span.start >= covered, "overlapping tokens in {text:?}");
        assert!(
            text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end),
            "{text:?}"
        );
        assert!(
            text[covered..t.span.start]
                .chars()
                .all(|c| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')),
            "text skipped between tokens in {text:?}: {:?}",
            &text[covered..t.span.start]
        );
        covered = t.span.end;
    }
    assert!(
        text[covered..]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}'))
    );
    let mut next_token = 0;
    for (i, s) in seg.sentences.iter().enumerate() {
        assert_eq!(s.token_start, next_token, "{text:?}");
        assert!(s.token_end > s.token_start);
        next_token = s.token_end;
        let p = &seg.paragraphs[s.paragraph];
        assert!((p.sentence_start..p.sentence_end).contains(&i));
    }
    assert_eq!(next_token, seg.tokens.len());
    let mut next_sentence = 0;
    for p in &seg.paragraphs {
        assert_eq!(p.sentence_start, next_sentence);
        assert!(p.sentence_end > p.sentence_start);
        next_sentence = p.sentence_end;
    }
    assert_eq!(next_sentence, seg.sentences.len());
}

#[test]
fn random_texts_segment_consistently() {
    let mut rng = Lcg(0x5EED);
    for round in 0..20_000 {
        let len = rng.next() % 40;
        let text: String = (0..len)
            .map(|_| PALETTE[rng.next() % PALETTE.len()])
            .collect();
        // Language identification is exercised on a share of the texts: it
        // dominates the run time in unoptimised test builds.
        check(&text, if round % 16 == 0 { None } else { Some("en") });
    }
}

#[test]
fn pathological_runs_segment_consistently() {
    for piece in [
        ".",
        "!",
        "?",
        "-",
        "'",
        "\n",
        "(",
        ")",
        "“",
        "a.",
        "1.",
        ". ",
        "😀\u{200d}",
    ] {
        check(&piece.repeat(10_000), None);
    }
}
