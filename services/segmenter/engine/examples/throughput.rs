//! Segments a file (default: the bench's news story) over and over for a few
//! seconds and prints MB/s: a quick check between criterion runs, and a
//! target for profilers. `cargo run --release -p copydesk-segmenter --example throughput [FILE]`.

use std::time::{Duration, Instant};

use copydesk_segmenter::Segmenter;

fn main() -> std::io::Result<()> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => include_str!("../benches/data/news_sample.txt").to_owned(),
    };
    let segmenter = Segmenter::new();
    let start = Instant::now();
    let mut bytes = 0usize;
    let mut tokens = 0usize;
    while start.elapsed() < Duration::from_secs(3) {
        let seg = segmenter.segment(&text, None);
        tokens += seg.tokens.len();
        bytes += text.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{:.1} MB/s, {:.0} tokens/s ({} bytes per pass)",
        bytes as f64 / secs / 1e6,
        tokens as f64 / secs,
        text.len()
    );
    Ok(())
}
