//! Entity tone when one entity is mentioned many times: "Paris is nice. "
//! repeated to the given size, every "Paris" a mention of one entity, as
//! the entities service sends it. Also two one-sentence variants, where
//! every mention shares one clause ("Paris and ...") or one sentence of
//! many clauses ("Paris is nice; ..."). Prints how long the analysis takes.
//!
//! cargo run --release -p copydesk-sentiment --example many_mentions -- [BYTES]   (default 524288)

use std::time::Instant;

use copydesk_segmenter::Segmenter;
use copydesk_sentiment::{Analyzer, ByteSpan};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 512 * 1024,
    };
    let analyzer = Analyzer::embedded()?;
    let segmenter = Segmenter::new();
    for unit in ["Paris is nice. ", "Paris and ", "Paris is nice; "] {
        let text = unit.repeat(bytes / unit.len());
        let mentions: Vec<ByteSpan> = text
            .match_indices("Paris")
            .map(|(at, name)| ByteSpan::new(at, at + name.len()))
            .collect();
        let started = Instant::now();
        let (analysis, _) = analyzer.analyze_text(
            &segmenter,
            &text,
            Some("en"),
            std::slice::from_ref(&mentions),
        )?;
        println!(
            "{unit:?} x {}: {} bytes, {} sentences, {} mentions: {:?}, entity score {:.4}",
            text.len() / unit.len(),
            text.len(),
            analysis.sentences.len(),
            mentions.len(),
            started.elapsed(),
            analysis.entities[0].sentiment.score
        );
    }
    Ok(())
}
