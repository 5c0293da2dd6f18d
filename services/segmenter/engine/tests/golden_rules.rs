//! The 48 English "Golden Rules" of sentence segmentation (from pySBD's
//! benchmark of pragmatic_segmenter's rules), in `shared/eval/`.

use std::path::PathBuf;

use copydesk_segmenter::Segmenter;

fn golden_rules_path() -> PathBuf {
    if let Ok(dir) = std::env::var("COPYDESK_SHARED") {
        return PathBuf::from(dir).join("eval/golden_rules_en.json");
    }
    // The repository's checkout sits next to `shared/`.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/eval/golden_rules_en.json")
}

#[test]
fn all_golden_rules_pass() {
    let path = golden_rules_path();
    let raw = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let rules: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let cases = rules["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 48);
    let segmenter = Segmenter::new();
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let expected: Vec<&str> = case["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let got: Vec<&str> = segmenter
            .segment(text, Some("en"))
            .sentences
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect();
        if got != expected {
            failures.push(format!(
                "rule {}: {text:?}\n  expected {expected:?}\n  got      {got:?}",
                case["id"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 48 rules fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
