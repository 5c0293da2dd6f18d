//! Throughput of the segmenter on news copy, in bytes per second on one core.
//!
//! `cargo bench -p copydesk-segmenter --bench segment`. The default input is
//! an original news story in `benches/data/`; set `COPYDESK_BENCH_TEXT` to a
//! file to measure on other text (the BBC News corpus, say).

use std::hint::black_box;

use copydesk_segmenter::{Segmenter, tokenizer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn news_text() -> String {
    match std::env::var("COPYDESK_BENCH_TEXT") {
        Ok(path) => {
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
        }
        Err(_) => include_str!("data/news_sample.txt").to_owned(),
    }
}

fn bench(c: &mut Criterion) {
    let text = news_text();
    let segmenter = Segmenter::new();
    let mut group = c.benchmark_group("news");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("tokenize", |b| {
        b.iter(|| tokenizer::tokenize(black_box(&text)))
    });
    group.bench_function("segment (tokens, sentences, paragraphs)", |b| {
        b.iter(|| segmenter.segment(black_box(&text), Some("en")))
    });
    group.bench_function("segment with language identification", |b| {
        b.iter(|| segmenter.segment(black_box(&text), None))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
