//! Markup as CMSs write it, made from known text, for tests and benchmarks
//! of the extraction and of everything that reads HTML: inline tags around
//! and inside words, character references for some characters, block tags
//! around paragraphs, comments, scripts, reflowed whitespace. What a reader
//! sees of it is the text it was made from.

/// A small deterministic generator, so that a failure reproduces.
#[derive(Clone, Debug)]
pub struct Lcg(pub u64);

impl Lcg {
    pub fn number(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.number() % items.len()]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.number() % 100 < percent
    }
}

const INLINE: &[&str] = &["b", "i", "em", "strong", "span", "a", "small", "mark"];

const BLOCK: &[&str] = &["p", "div", "li", "h2", "blockquote", "figcaption", "td"];

/// Appends `words`, one paragraph, to `html` in a random block element;
/// read back, it is the words joined by single spaces.
pub fn render_paragraph(words: &[&str], rng: &mut Lcg, html: &mut String) {
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
        render_word(word, rng, html);
        if rng.chance(3) {
            html.push_str("<script>if (a < b) { x = '</p>'; }</script>");
        }
    }
    html.push_str(&format!("</{block}>"));
    if rng.chance(30) {
        html.push('\n');
    }
}

fn render_word(word: &str, rng: &mut Lcg, html: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    // Sometimes a tag inside the word: "Ts<span>ai</span>".
    let split = (chars.len() > 2 && rng.chance(10)).then(|| 1 + rng.number() % (chars.len() - 1));
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
