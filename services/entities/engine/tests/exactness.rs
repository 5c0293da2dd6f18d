//! Inference in parts (so that an abandoned call stops early) gives the
//! same names as one batch: sentences are scored independently.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use copydesk_entities::{Error, Recognizer};
use copydesk_ner::{NerModel, default_model_dir};
use copydesk_segmenter::Segmenter;

/// The news NER development set's stories three times over, one long
/// document (about 8,600 tokens: several inference parts).
fn long_document() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tools/news_ner/dev.jsonl"
    );
    let lines = std::fs::read_to_string(path).unwrap();
    let stories: Vec<String> = lines
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            row["text"].as_str().unwrap().to_owned()
        })
        .collect();
    [
        stories.join("\n\n"),
        stories.join("\n\n"),
        stories.join("\n\n"),
    ]
    .join("\n\n")
}

#[test]
fn scoring_sentences_in_parts_changes_no_name() {
    let model = NerModel::load(&default_model_dir()).unwrap();
    let text = long_document();
    let segmentation = Segmenter::new().segment(&text, Some("en"));
    let batch: Vec<Vec<&str>> = segmentation
        .sentences
        .iter()
        .filter(|s| s.token_start < s.token_end)
        .map(|s| {
            segmentation.tokens[s.token_start..s.token_end]
                .iter()
                .map(|t| t.norm.as_ref())
                .collect()
        })
        .collect();
    let tokens: usize = batch.iter().map(Vec::len).sum();
    assert!(
        tokens > 3 * copydesk_entities::recognizer::INFERENCE_PART_TOKENS,
        "{tokens} tokens"
    );
    let whole = model.predict(&batch).unwrap();
    for part in [1, 7, 64] {
        let mut pieces = Vec::new();
        for chunk in batch.chunks(part) {
            pieces.extend(model.predict(chunk).unwrap());
        }
        assert_eq!(pieces, whole, "parts of {part} sentences");
    }
}

#[test]
fn an_abandoned_call_stops_and_an_unabandoned_one_is_unchanged() {
    let recognizer = Recognizer::new(Arc::new(NerModel::load(&default_model_dir()).unwrap()));
    let text = long_document();
    let segmentation = Segmenter::new().segment(&text, Some("en"));
    let abandoned = AtomicBool::new(true);
    assert!(matches!(
        recognizer.recognize_unless(&text, &segmentation, &abandoned),
        Err(Error::Abandoned)
    ));
    let entities = recognizer
        .recognize_unless(&text, &segmentation, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(
        entities,
        recognizer.recognize(&text, &segmentation).unwrap()
    );
    assert!(entities.len() > 100, "{}", entities.len());
}
