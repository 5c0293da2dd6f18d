//! Sentences per second on one core: VADER (the reference's compound) and
//! the calibrated sentence score, over a fixed mix of news-like sentences.
//!
//! cargo bench -p copydesk-sentiment --bench sentiment

use std::hint::black_box;

use copydesk_sentiment::{Analyzer, Scratch, vader};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// News-like sentences, one per line; `tools/vader_parity/python_speed.py`
/// and the `speed` example read the same file.
const SENTENCES: &str = include_str!("sentences.txt");

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::embedded().unwrap_or_else(|e| panic!("models: {e}"));
    let sentences: Vec<&str> = SENTENCES.lines().collect();
    let mut group = c.benchmark_group("sentences");
    group.throughput(Throughput::Elements(sentences.len() as u64));
    let mut vader_scratch = vader::Scratch::default();
    group.bench_function("vader_compound", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(
                    analyzer
                        .vader()
                        .polarity_with(black_box(s), &mut vader_scratch, None)
                        .compound,
                );
            }
        })
    });
    let mut scratch = Scratch::default();
    group.bench_function("calibrated_sentence", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(analyzer.sentence_with(black_box(s), &mut scratch));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
