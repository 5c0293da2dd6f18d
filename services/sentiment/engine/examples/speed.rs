//! Sentences per second on one thread, measured the way
//! `tools/vader_parity/python_speed.py` measures Python VADER (best of
//! 5 runs of 2 s over the sentences of `benches/sentences.txt`), so that
//! `tools/sentiment_speed.sh` can put the two side by side in one run.
//!
//! cargo run --release -p copydesk-sentiment --example speed

use std::hint::black_box;
use std::time::{Duration, Instant};

use copydesk_sentiment::{Analyzer, Scratch, vader};

const SENTENCES: &str = include_str!("../benches/sentences.txt");

/// Best rate over five 2-second runs of `score` over `sentences`.
fn best_rate(sentences: &[&str], mut score: impl FnMut(&str)) -> f64 {
    for s in sentences {
        score(s);
    }
    let mut best = 0.0f64;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0usize;
        while start.elapsed() < Duration::from_secs(2) {
            for s in sentences {
                score(black_box(s));
            }
            n += sentences.len();
        }
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    best
}

fn main() -> Result<(), copydesk_sentiment::Error> {
    let analyzer = Analyzer::embedded()?;
    let sentences: Vec<&str> = SENTENCES.lines().collect();
    let mut vader_scratch = vader::Scratch::default();
    let vader = best_rate(&sentences, |s| {
        black_box(
            analyzer
                .vader()
                .polarity_with(s, &mut vader_scratch, None)
                .compound,
        );
    });
    println!("Rust VADER compound: {vader:.0} sentences/s (best of 5 x 2 s, one thread)");
    let mut scratch = Scratch::default();
    let calibrated = best_rate(&sentences, |s| {
        black_box(analyzer.sentence_with(s, &mut scratch));
    });
    println!(
        "Rust calibrated news score: {calibrated:.0} sentences/s (best of 5 x 2 s, one thread)"
    );
    Ok(())
}
