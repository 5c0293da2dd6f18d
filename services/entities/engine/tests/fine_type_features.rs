//! The fine-type features computed here are those `tools/fine_types/features.py`
//! trained the model with: the fixture holds invented spans with the
//! feature strings and buckets the Python side gives them
//! (`python3 tools/fine_types/fixture.py` writes it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_entities::EntityType;
use copydesk_entities::fine_types::{SpanInput, coarse_name, feature_indices, feature_strings};

const FIXTURE: &str = include_str!("data/fine_type_features.jsonl");

fn words(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect()
}

#[test]
fn rust_features_equal_the_python_ones() {
    let mut checked = 0;
    for line in FIXTURE.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let coarse = EntityType::ALL
            .into_iter()
            .find(|t| coarse_name(*t) == case["coarse"])
            .unwrap();
        let span_words = words(&case["words"]);
        let before = words(&case["before"]);
        let after = words(&case["after"]);
        let span = SpanInput {
            coarse,
            words: &span_words,
            before: [before[0], before[1]],
            after: [after[0], after[1]],
        };
        assert_eq!(
            feature_strings(&span),
            words(&case["strings"]),
            "strings of {span_words:?}"
        );
        let dim = u32::try_from(case["dim"].as_u64().unwrap()).unwrap();
        let expected: Vec<u32> = case["indices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| u32::try_from(i.as_u64().unwrap()).unwrap())
            .collect();
        assert_eq!(
            feature_indices(&span, dim),
            expected,
            "buckets of {span_words:?}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} spans in the fixture");
}
