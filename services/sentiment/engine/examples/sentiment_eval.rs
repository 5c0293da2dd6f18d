//! Pearson r between human ratings and the scores of this engine, per rated
//! set of the VADER paper's data (run by `tools/sentiment_eval.sh`, which
//! fetches the data with pip download).
//!
//! Usage: sentiment_eval DIR SET...   (DIR holds `<SET>_GroundTruth.txt`)
//!
//! For every set it prints r for: our VADER compound (parity with the
//! reference), the calibrated sentence score on the whole text, and the
//! document score (segmented, weighted mean of sentences) that the service
//! returns.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_segmenter::Segmenter;
use copydesk_sentiment::Analyzer;

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&args[1]);
    let analyzer = Analyzer::embedded().expect("embedded models");
    let segmenter = Segmenter::new();
    for set in &args[2..] {
        let raw = std::fs::read(dir.join(format!("{set}_GroundTruth.txt"))).expect("ground truth");
        let text = String::from_utf8_lossy(&raw);
        let (mut human, mut compound, mut sentence, mut document) =
            (vec![], vec![], vec![], vec![]);
        for line in text.lines() {
            let mut fields = line.splitn(3, '\t');
            let (Some(_), Some(rating), Some(snippet)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            human.push(rating.trim().parse::<f64>().expect("rating"));
            compound.push(analyzer.vader().polarity(snippet).compound);
            sentence.push(analyzer.sentence(snippet).score);
            // The service's path: segment, score sentences, aggregate.
            let (analysis, _) = analyzer
                .analyze_text(&segmenter, snippet, Some("en"), &[])
                .expect("analysis");
            document.push(analysis.document.score);
        }
        println!(
            "{set:22} n={:5}  VADER compound (Rust) r={:.3}  calibrated sentence r={:.3}  document (service) r={:.3}",
            human.len(),
            pearson(&compound, &human),
            pearson(&sentence, &human),
            pearson(&document, &human),
        );
    }
}
