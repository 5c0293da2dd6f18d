//! A story sent as HTML gets the same analysis as the same story sent as
//! text: random stories rendered to markup with random inline tags (also
//! inside words), character references, reflowed whitespace, a head and a
//! script, through the whole suite. Sentences, entities (types, fine
//! types, links, mentions) and the reader's text are equal, and every
//! mention's span slices markup that reads as the mention.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_e2e::start_suite;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{AnnotateRequest, AnnotateResponse, ContentType, Document};

/// Invented news sentences with names, sums, an ampersand and curly quotes.
const SENTENCES: &[&str] = &[
    "Tsai Ing-wen visited Kaohsiung on Monday.",
    "The Ministry of Health and Welfare said 1,200 people were treated.",
    "Angela Merkel met Emmanuel Macron in Paris to discuss the budget.",
    "Shares of Nintendo rose 3% in Tokyo after the results.",
    "The United Nations called for calm in Sudan on Tuesday.",
    "AT&T said its profit rose to US$4.2 billion in the quarter.",
    "Prime Minister Keir Starmer spoke to reporters in London’s parliament.",
    "Ukrainian officials flew home from Heathrow Airport on Sunday.",
    "“We will not give up,” said Moon Jae-in in Seoul.",
    "Fishermen in Penghu said the waves were the highest in a decade.",
];

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Paragraphs of sentences: the plain text and the same as a CMS page.
fn story(random: &mut Random) -> (String, String) {
    let paragraphs: Vec<Vec<&str>> = (0..1 + random.below(3))
        .map(|_| {
            (0..1 + random.below(3))
                .map(|_| SENTENCES[random.below(SENTENCES.len())])
                .collect()
        })
        .collect();
    let text = paragraphs
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut html = String::from(
        "<!doctype html><html><head><title>Kim Jong-un</title><script>var x = 'Berlin';</script></head><body>\n",
    );
    for paragraph in &paragraphs {
        html.push_str("<p>");
        let joined = paragraph.join(" ");
        let words: Vec<&str> = joined.split(' ').collect();
        let mut open: Option<(&str, usize)> = None;
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                // Whitespace as an editor leaves it: collapsed by a reader.
                html.push_str(if random.chance(15) { "\n   " } else { " " });
            }
            if open.is_none() && random.chance(25) {
                let tag = ["b", "i", "em", "a href=\"/x\"", "span class=\"k\""][random.below(5)];
                html.push_str(&format!("<{tag}>"));
                open = Some((tag.split(' ').next().unwrap(), 1 + random.below(3)));
            }
            html.push_str(&word_markup(word, random));
            if let Some((tag, left)) = open {
                if left == 1 {
                    html.push_str(&format!("</{tag}>"));
                    open = None;
                } else {
                    open = Some((tag, left - 1));
                }
            }
        }
        if let Some((tag, _)) = open {
            html.push_str(&format!("</{tag}>"));
        }
        html.push_str("</p>\n");
    }
    html.push_str("</body></html>\n");
    (text, html)
}

/// One word as markup: references for what needs or may have one, and
/// sometimes an inline tag inside it ("Kaoh<i>siung</i>").
fn word_markup(word: &str, random: &mut Random) -> String {
    let chars: Vec<char> = word.chars().collect();
    let split = (chars.len() > 3 && random.chance(10)).then(|| 1 + random.below(chars.len() - 2));
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if Some(i) == split {
            out.push_str("<span>");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '’' if random.chance(50) => out.push_str("&rsquo;"),
            '“' if random.chance(50) => out.push_str("&#8220;"),
            'e' if random.chance(5) => out.push_str("&#101;"),
            _ => out.push(*c),
        }
    }
    if split.is_some() {
        out.push_str("</span>");
    }
    out
}

/// What must not depend on how the story was sent.
fn analysis(response: &AnnotateResponse) -> (Vec<String>, Vec<String>) {
    let segmentation = response.segmentation.as_ref().unwrap();
    let sentences = segmentation
        .sentences
        .iter()
        .map(|s| format!("{} {}", s.paragraph, s.text))
        .collect();
    let mut entities: Vec<String> = response
        .entities
        .iter()
        .map(|e| {
            let mentions: Vec<&str> = e.mentions.iter().map(|m| m.text.as_str()).collect();
            let links: Vec<&str> = e.links.iter().map(|l| l.id.as_str()).collect();
            format!(
                "{} {:?} {:?} {:?} {mentions:?} {links:?} {:.4}",
                e.name, e.r#type, e.fine_type, e.origin, e.salience
            )
        })
        .collect();
    entities.sort();
    (sentences, entities)
}

#[tokio::test]
async fn html_and_text_of_one_story_get_the_same_analysis() {
    let suite = start_suite().await;
    let mut client = AnnotatorClient::new(suite.gateway.channel().await);
    let mut random = Random(0x5eed_cafe_f00d);
    let mut mentions = 0;
    for n in 0..12 {
        let (text, html) = story(&mut random);
        let mut answers = Vec::new();
        for (body, content_type) in [(&text, ContentType::PlainText), (&html, ContentType::Html)] {
            let request = AnnotateRequest {
                document: Some(Document {
                    id: format!("story-{n}"),
                    text: body.clone(),
                    content_type: content_type as i32,
                    ..Default::default()
                }),
                features: None,
                encoding: 0,
            };
            let response = client.annotate(request).await.unwrap().into_inner();
            assert!(response.errors.is_empty(), "{:?}", response.errors);
            answers.push(response);
        }
        let (plain, markup) = (&answers[0], &answers[1]);
        assert_eq!(markup.plain_text, text, "story {n}: {html}");
        assert_eq!(analysis(markup), analysis(plain), "story {n}: {html}");
        assert!(!markup.entities.is_empty(), "story {n}");
        for mention in markup.entities.iter().flat_map(|e| &e.mentions) {
            let span = mention.span.unwrap();
            let source = &html[span.begin as usize..span.end as usize];
            let read = copydesk_html::extract(source).text;
            assert_eq!(read, mention.text, "story {n}: {source:?} in {html}");
            mentions += 1;
        }
    }
    assert!(mentions > 50, "only {mentions} mentions checked");
}
