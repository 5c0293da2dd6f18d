//! The Rust model against tools/neuroner_convert/reference.py, a NumPy
//! forward pass straight from NeuroNER's checkpoint (tests/data/reference.json).

// Test helpers outside #[test] fns: a failure here should abort the test.
#![allow(clippy::unwrap_used)]

use copydesk_ner::{NameLabel, NerModel, default_model_dir};

#[derive(serde::Deserialize)]
struct Reference {
    labels: Vec<String>,
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    tokens: Vec<String>,
    scores: Vec<Vec<f32>>,
    tags: Vec<String>,
    spans: Vec<(usize, usize, String)>,
}

fn reference() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn model() -> NerModel {
    NerModel::load(&default_model_dir()).unwrap()
}

/// The JSON rounds scores to 1e-5; f32 summation order (gemm kernels differ
/// between CPUs) and the tanh/sigmoid approximation add ~1e-6. Observed:
/// 8e-6 at most.
const TOLERANCE: f32 = 5e-5;

#[test]
fn scores_tags_and_spans_match_the_reference_one_sentence_at_a_time() {
    let reference = reference();
    let model = model();
    assert_eq!(model.label_names(), reference.labels.as_slice());
    let mut worst = 0f32;
    for case in &reference.cases {
        let sentence: Vec<&str> = case.tokens.iter().map(String::as_str).collect();
        let batch = vec![sentence];
        let scores = model.label_scores(&batch).unwrap();
        let expected: Vec<f32> = case.scores.iter().flatten().copied().collect();
        assert_eq!(scores.len(), expected.len());
        for (i, (got, want)) in scores.iter().zip(&expected).enumerate() {
            worst = worst.max((got - want).abs());
            assert!(
                (got - want).abs() <= TOLERANCE,
                "{:?}: score {i}: {got} vs {want}",
                case.tokens
            );
        }
        assert_eq!(model.predict_tags(&batch).unwrap()[0], case.tags);
        let spans: Vec<(usize, usize, String)> = model.predict(&batch).unwrap()[0]
            .iter()
            .map(|s| (s.start, s.end, s.label.conll_name().to_owned()))
            .collect();
        assert_eq!(spans, case.spans, "{:?}", case.tokens);
    }
    eprintln!("largest score difference from the reference: {worst:e}");
}

#[test]
fn a_batch_gives_the_same_names_as_single_sentences() {
    let reference = reference();
    let model = model();
    // Mixed lengths, an empty sentence and an empty token in the middle.
    let mut batch: Vec<Vec<&str>> = reference
        .cases
        .iter()
        .map(|c| c.tokens.iter().map(String::as_str).collect())
        .collect();
    batch.insert(3, Vec::new());
    batch.push(vec!["", "Paris"]);
    let together = model.predict(&batch).unwrap();
    assert_eq!(together.len(), batch.len());
    assert!(together[3].is_empty());
    for (sentence, names) in batch.iter().zip(&together) {
        assert_eq!(
            &model.predict(std::slice::from_ref(sentence)).unwrap()[0],
            names
        );
    }
    let batch_scores = model.label_scores(&batch).unwrap();
    let mut single = Vec::new();
    for sentence in &batch {
        single.extend(model.label_scores(std::slice::from_ref(sentence)).unwrap());
    }
    for (a, b) in batch_scores.iter().zip(&single) {
        assert!((a - b).abs() <= 1e-5, "{a} vs {b}");
    }
}

#[test]
fn description_and_empty_input() {
    let model = model();
    let d = model.description();
    assert_eq!(d.name, "neuroner-conll2003-en");
    assert_eq!(d.sha256.len(), 64);
    assert!(model.predict(&[]).unwrap().is_empty());
    let names = model
        .predict(&[vec!["Angela", "Merkel", "visited", "Paris", "."]])
        .unwrap();
    assert_eq!(names[0].len(), 2);
    assert_eq!(names[0][0].label, NameLabel::Person);
    assert_eq!(names[0][1].label, NameLabel::Location);
}

#[test]
fn load_errors_are_errors_not_panics() {
    let missing = std::env::temp_dir().join("copydesk-ner-no-such-dir");
    let err = NerModel::load(&missing).unwrap_err();
    assert!(matches!(err, copydesk_ner::Error::Load { .. }), "{err}");

    // A copy of the model with one vocabulary line changed fails its checksum.
    let dir = std::env::temp_dir().join(format!("copydesk-ner-tampered-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = default_model_dir();
    for name in [
        "model.safetensors",
        "tokens.txt",
        "characters.txt",
        "labels.txt",
        "SHA256SUMS",
    ] {
        std::fs::copy(src.join(name), dir.join(name)).unwrap();
    }
    let labels = std::fs::read_to_string(dir.join("labels.txt")).unwrap();
    std::fs::write(dir.join("labels.txt"), labels.replace("B-LOC", "B-XYZ")).unwrap();
    let err = NerModel::load(&dir).unwrap_err().to_string();
    assert!(
        err.contains("labels.txt") && err.contains("sha256"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_model_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<NerModel>();
}
