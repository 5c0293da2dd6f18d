//! Random stories rendered to HTML the way CMSs write it (inline tags
//! around and inside words, character references for some characters,
//! block tags between paragraphs, comments, scripts, reflowed whitespace):
//! the extracted text is the story, and every word-aligned span maps to
//! markup whose own text is that span.

#![allow(clippy::unwrap_used)]

use copydesk_html::extract;

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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.next() % 100 < percent
    }
}

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

const INLINE: &[&str] = &["b", "i", "em", "strong", "span", "a", "small", "mark"];

const BLOCK: &[&str] = &["p", "div", "li", "h2", "blockquote", "figcaption", "td"];

/// Markup for one character of text: as it is, or as a reference.
fn render_char(c: char, rng: &mut Lcg, html: &mut String) {
    match c {
        '&' => html.push_str(rng.pick(&["&amp;", "&#38;", "&#x26;"])),
        '<' => html.push_str(rng.pick(&["&lt;", "&#60;"])),
        '>' => html.push_str(rng.pick(&["&gt;", ">"])),
        '“' if rng.chance(50) => html.push_str(rng.pick(&["&ldquo;", "&#8220;"])),
        '”' if rng.chance(50) => html.push_str("&rdquo;"),
        '’' if rng.chance(50) => html.push_str(rng.pick(&["&rsquo;", "&#x2019;"])),
        '—' if rng.chance(50) => html.push_str("&mdash;"),
        'ï' if rng.chance(50) => html.push_str("&iuml;"),
        c => html.push(c),
    }
}

fn render_word(word: &str, rng: &mut Lcg, html: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    // Sometimes a tag inside the word: "Ts<span>ai</span>".
    let split = (chars.len() > 2 && rng.chance(10)).then(|| 1 + rng.next() % (chars.len() - 1));
    let wrap = rng.chance(20).then(|| rng.pick(INLINE));
    if let Some(tag) = wrap {
        html.push_str(&format!("<{tag} class=\"x\">"));
    }
    for (i, &c) in chars.iter().enumerate() {
        if split == Some(i) {
            html.push_str("<span>");
        }
        render_char(c, rng, html);
    }
    if split.is_some() {
        html.push_str("</span>");
    }
    if let Some(tag) = wrap {
        html.push_str(&format!("</{tag}>"));
    }
}

/// A story (paragraphs of words) and its markup.
fn story(rng: &mut Lcg) -> (String, String) {
    let mut paragraphs = Vec::new();
    let mut html = String::new();
    for _ in 0..1 + rng.next() % 5 {
        let words: Vec<&str> = (0..1 + rng.next() % 25).map(|_| rng.pick(WORDS)).collect();
        let block = rng.pick(BLOCK);
        if rng.chance(20) {
            html.push_str("<!-- wp:paragraph -->\n");
        }
        html.push_str(&format!("<{block}>"));
        if rng.chance(30) {
            html.push_str("\n  ");
        }
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                html.push_str(rng.pick(&[" ", " ", "\n", "  ", "\t", " \n "]));
            }
            render_word(word, rng, &mut html);
            if rng.chance(3) {
                html.push_str("<script>if (a < b) { x = '</p>'; }</script>");
            }
        }
        html.push_str(&format!("</{block}>"));
        if rng.chance(30) {
            html.push('\n');
        }
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
            let a = starts[rng.next() % starts.len()];
            let b = starts[rng.next() % starts.len()];
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
