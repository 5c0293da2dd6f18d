//! CoNLL-2003 evaluation of the model, scored like conlleval (entity level).
//!
//!     cargo run --release -p copydesk-ner --example conll_eval -- [--check] DIR
//!
//! DIR holds `valid.txt` and `test.txt` in CoNLL format (token first, BIO
//! label last), e.g. NeuroNER's `neuroner/data/conll2003/en/`;
//! `tools/eval_conll.sh` fetches and extracts them. Sentences are read as
//! NeuroNER reads them (`-DOCSTART-` lines and blank lines end a sentence)
//! and each document is one `predict` batch, as the entity service sends
//! it. `--check` exits non-zero unless test F1 is within 0.002 of 0.9066,
//! the score of an independent NumPy forward pass of the same checkpoint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use copydesk_ner::{NerModel, default_model_dir};

const EXPECTED_TEST_F1: f64 = 0.9066;
const TOLERANCE: f64 = 0.002;

struct Sentence {
    tokens: Vec<String>,
    gold: Vec<String>,
}

/// Documents of sentences, split like NeuroNER's `Dataset._parse_dataset`.
fn read_conll(path: &Path) -> Result<Vec<Vec<Sentence>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut documents: Vec<Vec<Sentence>> = vec![Vec::new()];
    let mut current = Sentence {
        tokens: Vec::new(),
        gold: Vec::new(),
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.trim().split(' ').collect();
        let first = fields.first().copied().unwrap_or("");
        if first.is_empty() || first.contains("-DOCSTART-") {
            if !current.tokens.is_empty() {
                let done = std::mem::replace(
                    &mut current,
                    Sentence {
                        tokens: Vec::new(),
                        gold: Vec::new(),
                    },
                );
                if let Some(doc) = documents.last_mut() {
                    doc.push(done);
                }
            }
            if first.contains("-DOCSTART-") {
                documents.push(Vec::new());
            }
            continue;
        }
        current.tokens.push(first.to_owned());
        current
            .gold
            .push(fields.last().copied().unwrap_or("O").to_owned());
    }
    if !current.tokens.is_empty()
        && let Some(doc) = documents.last_mut()
    {
        doc.push(current);
    }
    documents.retain(|d| !d.is_empty());
    if documents.is_empty() {
        return Err(format!("{}: no sentences", path.display()));
    }
    Ok(documents)
}

/// NeuroNER's `utils_nlp.bioes_to_bio`.
fn bioes_to_bio(tags: &[String]) -> Vec<String> {
    let mut previous = "O".to_owned();
    tags.iter()
        .map(|tag| {
            let bare = if tag == "O" {
                "O"
            } else {
                tag.get(2..).unwrap_or("")
            };
            let out = match tag.get(..2) {
                Some("I-") | Some("E-") if previous == bare => format!("I-{bare}"),
                Some("I-") | Some("E-") | Some("S-") => format!("B-{bare}"),
                _ => tag.clone(),
            };
            previous = bare.to_owned();
            out
        })
        .collect()
}

/// conlleval's chunks of a BIO sequence: (start, end, type).
fn chunks(tags: &[String]) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().map(String::as_str).chain(["O"]).enumerate() {
        let (prefix, kind) = if tag == "O" {
            ("O", "")
        } else {
            (tag.get(..1).unwrap_or("O"), tag.get(2..).unwrap_or(""))
        };
        if let Some((start, open_kind)) = &open
            && (prefix == "B" || prefix == "O" || kind != open_kind)
        {
            found.push((*start, i, open_kind.clone()));
            open = None;
        }
        if prefix == "B" || (prefix == "I" && open.is_none()) {
            open = Some((i, kind.to_owned()));
        }
    }
    found
}

#[derive(Default)]
struct Counts {
    gold: usize,
    found: usize,
    correct: usize,
}

fn prf(c: &Counts) -> (f64, f64, f64) {
    let p = if c.found == 0 {
        0.0
    } else {
        c.correct as f64 / c.found as f64
    };
    let r = if c.gold == 0 {
        0.0
    } else {
        c.correct as f64 / c.gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Scores one file; prints conlleval's report; returns overall F1.
fn evaluate(model: &NerModel, path: &Path) -> Result<f64, String> {
    let documents = read_conll(path)?;
    let mut tokens = 0usize;
    let mut correct_tags = 0usize;
    let mut overall = Counts::default();
    let mut by_type: BTreeMap<String, Counts> = BTreeMap::new();
    let started = std::time::Instant::now();
    for document in &documents {
        let batch: Vec<Vec<&str>> = document
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        // Names through the public API the service uses; tags for accuracy.
        let names = model.predict(&batch).map_err(|e| e.to_string())?;
        let tags = model.predict_tags(&batch).map_err(|e| e.to_string())?;
        for ((sentence, names), tags) in document.iter().zip(&names).zip(&tags) {
            let predicted_bio = bioes_to_bio(tags);
            let predicted = chunks(&predicted_bio);
            let from_api: Vec<(usize, usize, String)> = names
                .iter()
                .map(|n| (n.start, n.end, n.label.conll_name().to_owned()))
                .collect();
            if predicted != from_api {
                return Err(format!(
                    "predict() and predict_tags() disagree on {:?}",
                    sentence.tokens
                ));
            }
            let gold = chunks(&sentence.gold);
            tokens += sentence.tokens.len();
            correct_tags += predicted_bio
                .iter()
                .zip(&sentence.gold)
                .filter(|(a, b)| a == b)
                .count();
            for chunk in &gold {
                overall.gold += 1;
                by_type.entry(chunk.2.clone()).or_default().gold += 1;
            }
            for chunk in &predicted {
                overall.found += 1;
                let counts = by_type.entry(chunk.2.clone()).or_default();
                counts.found += 1;
                if gold.contains(chunk) {
                    overall.correct += 1;
                    counts.correct += 1;
                }
            }
        }
    }
    let elapsed = started.elapsed();
    println!("== {}", path.display());
    println!(
        "processed {tokens} tokens with {} phrases; found: {} phrases; correct: {}.",
        overall.gold, overall.found, overall.correct
    );
    let (p, r, f) = prf(&overall);
    println!(
        "accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}",
        100.0 * correct_tags as f64 / tokens.max(1) as f64,
        100.0 * p,
        100.0 * r,
        100.0 * f
    );
    for (kind, counts) in &by_type {
        let (p, r, f) = prf(counts);
        println!(
            "{kind:>17}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}",
            100.0 * p,
            100.0 * r,
            100.0 * f,
            counts.found
        );
    }
    println!(
        "({} documents, {:.2} s, {:.0} tokens/s, predict + predict_tags)",
        documents.len(),
        elapsed.as_secs_f64(),
        tokens as f64 / elapsed.as_secs_f64()
    );
    Ok(f)
}

fn run() -> Result<bool, String> {
    let mut check = false;
    let mut dir: Option<PathBuf> = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: conll_eval [--check] DIR   (DIR has valid.txt and test.txt)");
                return Ok(true);
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let dir = dir.ok_or("usage: conll_eval [--check] DIR   (DIR has valid.txt and test.txt)")?;
    let model = NerModel::load(&default_model_dir()).map_err(|e| e.to_string())?;
    let d = model.description();
    println!("model {} {} sha256 {}", d.name, d.version, d.sha256);
    let dev = evaluate(&model, &dir.join("valid.txt"))?;
    let test = evaluate(&model, &dir.join("test.txt"))?;
    println!("dev F1 {dev:.4}, test F1 {test:.4}");
    if check {
        let ok = (test - EXPECTED_TEST_F1).abs() <= TOLERANCE;
        println!(
            "check: test F1 {test:.4} vs expected {EXPECTED_TEST_F1} ± {TOLERANCE}: {}",
            if ok { "OK" } else { "FAIL" }
        );
        return Ok(ok);
    }
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
