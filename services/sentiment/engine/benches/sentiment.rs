//! Sentences per second on one core: VADER (the reference's compound) and
//! the calibrated sentence score, over a fixed mix of news-like sentences.
//!
//! cargo bench -p copydesk-sentiment --bench sentiment

use std::hint::black_box;

use copydesk_sentiment::{Analyzer, Scratch, vader};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SENTENCES: &[&str] = &[
    "The central bank raised interest rates by half a percentage point on Wednesday, its sharpest increase in two decades.",
    "Officials said the attack killed at least 12 people and wounded dozens more.",
    "Critics praised Smith but condemned Jones.",
    "The company reported strong earnings, beating analysts' expectations.",
    "Residents were not happy with the council's decision to close the library.",
    "\"This is a tragedy for our community,\" the mayor said.",
    "Shares fell 3 percent in early trading.",
    "The new vaccine is remarkably effective, according to the study.",
    "Lawmakers failed to reach a deal before the deadline, raising fears of a shutdown.",
    "The team celebrated a hard-won victory!",
];

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::embedded().unwrap_or_else(|e| panic!("models: {e}"));
    let mut group = c.benchmark_group("sentences");
    group.throughput(Throughput::Elements(SENTENCES.len() as u64));
    let mut vader_scratch = vader::Scratch::default();
    group.bench_function("vader_compound", |b| {
        b.iter(|| {
            for s in SENTENCES {
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
            for s in SENTENCES {
                black_box(analyzer.sentence_with(black_box(s), &mut scratch));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
