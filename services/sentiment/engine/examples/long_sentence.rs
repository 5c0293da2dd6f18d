//! The worst case of one sentence: N times "good", then "but fine", scored
//! as one sentence (a document without full stops reaches the scorer so).
//! VADER's "but" rule and the calibration's unigram count were quadratic
//! in it once; this prints how long it takes now.
//!
//! cargo run --release -p copydesk-sentiment --example long_sentence -- [N]   (default 200000: 1 MB)

use std::time::Instant;

use copydesk_sentiment::{Analyzer, Scratch};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let words: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 200_000,
    };
    let analyzer = Analyzer::embedded()?;
    let text = format!("{}but fine", "good ".repeat(words));
    let started = Instant::now();
    let sentiment = analyzer.sentence_with(&text, &mut Scratch::default());
    println!(
        "{} bytes, {} words: {:?}, score {:.4}",
        text.len(),
        words + 2,
        started.elapsed(),
        sentiment.score
    );
    Ok(())
}
