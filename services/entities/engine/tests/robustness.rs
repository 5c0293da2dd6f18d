//! The whole engine (model, corrections, headline recasing, grouping) on
//! text that stresses it: documents in capitals, one-token documents,
//! 10,000 names in a row, random text from news words, and random "model"
//! spans over random text. Nothing panics, every mention lies on character
//! boundaries inside the text, and no two mentions overlap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use copydesk_entities::{Entity, Recognizer, assemble};
use copydesk_ner::{NameLabel, NameSpan, NerModel, default_model_dir};
use copydesk_segmenter::Segmenter;

fn recognizer() -> &'static Recognizer {
    static RECOGNIZER: OnceLock<Recognizer> = OnceLock::new();
    RECOGNIZER.get_or_init(|| {
        let model = NerModel::load(&default_model_dir()).expect("the model in models/");
        Recognizer::new(Arc::new(model))
    })
}

fn check(text: &str, entities: &[Entity]) {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for e in entities {
        for m in &e.mentions {
            assert!(
                m.span.start < m.span.end && m.span.end <= text.len(),
                "{m:?}"
            );
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            assert_eq!(m.text, text[m.span.start..m.span.end]);
            spans.push((m.span.start, m.span.end));
        }
    }
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "overlapping mentions {pair:?} in {text:?}"
        );
    }
}

fn recognize(text: &str) -> Vec<Entity> {
    let segmentation = Segmenter::new().segment(text, Some("en"));
    let entities = recognizer().recognize(text, &segmentation).unwrap();
    check(text, &entities);
    entities
}

const STORY: &str = "Floods Cut Off Villages In Yunlin County\n\n\
    By LIN MEI-HUA and Tom Baker\n\n\
    TAIPEI, Sat (CNA) -- Minister of the Interior Chen Wen-tsung said on Saturday that \
    the Ministry of Health and Welfare and the National Fire Agency would send help to \
    Douliu and Huwei. Chen said the Executive Yuan had approved NT$50 million. \
    Wen-tsung Chen also met the Fed and the Federal Reserve Bank of New York on the S&P 500. \
    Photo: Reuters\n\nUpdated Sat 10:15";

#[test]
fn a_story_in_capitals_is_recognised() {
    let upper = STORY.to_uppercase();
    let entities = recognize(&upper);
    assert!(!entities.is_empty());
    recognize(STORY);
}

#[test]
fn one_token_documents_are_recognised() {
    for text in [
        "Taipei", "TAIPEI", "Fed", "By", "Photo", "Photo:", "Updated", "Wed", "Minister", "and",
        ".", "S&P", "500", "Ji-hoon", "The", "Ministry", "of", "\"", "--", "X",
    ] {
        recognize(text);
    }
}

#[test]
fn ten_thousand_names_in_a_row_are_recognised() {
    let names = [
        "Chen Wei-lin",
        "Park Ji-hoon",
        "Minister Lee",
        "Taichung and Hsinchu",
        "Ministry of Health and Welfare",
        "FED",
        "S&P 500",
    ];
    let mut text = String::new();
    for i in 0..10_000 {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(names[i % names.len()]);
    }
    text.push('.');
    let entities = recognize(&text);
    assert!(!entities.is_empty());
    // And in capitals, one line per name (10,000 short lines).
    let lines: String = text.to_uppercase().replace(", ", "\n");
    recognize(&lines);
}

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

/// Words that trigger every correction: credits, titles, portfolios,
/// institution heads, conjunctions, index names, hyphenated names, days.
const WORDS: &[&str] = &[
    "By",
    "BY",
    "Photo",
    ":",
    "Updated",
    "Wed",
    "Mon",
    "Minister",
    "of",
    "the",
    "Economic",
    "Affairs",
    "and",
    "Ministry",
    "Council",
    "Yuan",
    "Executive",
    "in",
    "between",
    "S&P",
    "500",
    "FTSE",
    "100",
    "Park",
    "Ji-hoon",
    "Jihoon",
    "Lee",
    "said",
    "Fed",
    "Federal",
    "Reserve",
    ",",
    ".",
    "\n",
    "\n\n",
    "TAIPEI",
    "(",
    ")",
    "--",
    "\"",
    "Chen",
    "Wei-lin",
    "Wei-Lin",
    "Taichung",
    "Hsinchu",
    "Bank",
    "Japan",
    "BOJ",
    "TSMC",
    "Taiwan",
    "Semiconductor",
    "Manufacturing",
    "Co",
    "'s",
    "KMT",
    "Kuomintang",
    "President",
    "Prime",
    "of",
    "é",
    "首",
    "Mayor",
    "Nov",
    "3",
];

fn random_text(rng: &mut Lcg, words: usize) -> String {
    let mut text = String::new();
    for _ in 0..words {
        let w = WORDS[rng.next() % WORDS.len()];
        if !text.is_empty() && !w.starts_with('\n') {
            text.push(' ');
        }
        text.push_str(w);
    }
    text
}

#[test]
fn random_news_words_are_recognised() {
    let mut rng = Lcg(14);
    for round in 0..300 {
        let text = random_text(&mut rng, 1 + round % 60);
        recognize(&text);
    }
}

#[test]
fn random_model_spans_over_random_text_are_assembled() {
    let mut rng = Lcg(2026);
    let labels = [
        NameLabel::Person,
        NameLabel::Organization,
        NameLabel::Location,
        NameLabel::Misc,
    ];
    for round in 0..2_000 {
        let text = random_text(&mut rng, 1 + round % 40);
        let segmentation = Segmenter::new().segment(&text, Some("en"));
        // Disjoint spans inside each sentence, as the model gives them.
        let names: Vec<Vec<NameSpan>> = segmentation
            .sentences
            .iter()
            .map(|s| {
                let len = s.token_end - s.token_start;
                let mut spans = Vec::new();
                let mut at = 0;
                while at < len {
                    at += rng.next() % 3;
                    let width = 1 + rng.next() % 4;
                    if at + width > len {
                        break;
                    }
                    if rng.next().is_multiple_of(2) {
                        spans.push(NameSpan {
                            start: at,
                            end: at + width,
                            label: labels[rng.next() % labels.len()],
                        });
                    }
                    at += width;
                }
                spans
            })
            .collect();
        let entities = assemble(&text, &segmentation, &names).unwrap();
        check(&text, &entities);
    }
}
