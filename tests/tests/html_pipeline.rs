//! A story sent as HTML gets the same analysis as the same story sent as
//! text: random stories rendered to markup as the extraction's own property
//! test renders them (inline tags also inside words, character references,
//! reflowed whitespace, comments, scripts), with a head, through the whole
//! suite. Sentences, entities (types, fine
//! types, links, mentions) and the reader's text are equal, and every
//! mention's span slices markup that reads as the mention.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_e2e::start_suite;
use copydesk_html::sample::{Lcg, render_paragraph};
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

/// Paragraphs of sentences: the plain text and the same as a CMS page
/// (`copydesk_html::sample`), with a head and a script a reader never sees.
fn story(rng: &mut Lcg) -> (String, String) {
    let paragraphs: Vec<String> = (0..1 + rng.number() % 3)
        .map(|_| {
            (0..1 + rng.number() % 3)
                .map(|_| rng.pick(SENTENCES))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut html = String::from(
        "<!doctype html><html><head><title>Kim Jong-un</title><script>var x = 'Berlin';</script></head><body>\n",
    );
    for paragraph in &paragraphs {
        let words: Vec<&str> = paragraph.split(' ').collect();
        render_paragraph(&words, rng, &mut html);
    }
    html.push_str("</body></html>\n");
    (paragraphs.join("\n\n"), html)
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
    let mut rng = Lcg(0x5eed_cafe_f00d);
    let mut mentions = 0;
    for n in 0..12 {
        let (text, html) = story(&mut rng);
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
