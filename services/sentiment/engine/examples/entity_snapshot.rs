//! Prints the full analysis (document, sentences, entities with every
//! mention) of each line of a file, so that two builds can be compared
//! byte for byte when a change must leave the output unchanged.
//!
//! Each line is one document. Every capitalised word is a mention of the
//! entity named by that word; a capitalised word followed by another also
//! gets a mention spanning both (overlapping mentions), and every other
//! entity lists its mentions last to first (unsorted input).
//!
//! cargo run -p copydesk-sentiment --example entity_snapshot -- FILE > before.txt

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use copydesk_segmenter::Segmenter;
use copydesk_sentiment::{Analyzer, ByteSpan};

/// The capitalised words of `text` as entities (see the module comment).
fn mentions(text: &str) -> Vec<Vec<ByteSpan>> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let capital = |&(s, _): &(usize, usize)| text[s..].starts_with(char::is_uppercase);
    let mut entities: BTreeMap<&str, Vec<ByteSpan>> = BTreeMap::new();
    for (k, word) in words.iter().enumerate() {
        if !capital(word) {
            continue;
        }
        let spans = entities.entry(&text[word.0..word.1]).or_default();
        spans.push(ByteSpan::new(word.0, word.1));
        if let Some(next) = words.get(k + 1).filter(|w| capital(w)) {
            spans.push(ByteSpan::new(word.0, next.1));
        }
    }
    entities
        .into_values()
        .enumerate()
        .map(|(k, mut spans)| {
            if k % 2 == 1 {
                spans.reverse();
            }
            spans
        })
        .collect()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: entity_snapshot FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let analyzer = Analyzer::embedded().expect("embedded models");
    let segmenter = Segmenter::new();
    for (line, document) in text.lines().enumerate() {
        let entities = mentions(document);
        let (analysis, _) = analyzer
            .analyze_text(&segmenter, document, Some("en"), &entities)
            .expect("analysis");
        println!("{line}: {analysis:?}");
    }
}
