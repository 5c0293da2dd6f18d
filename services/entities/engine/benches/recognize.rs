//! Tokens per second of the whole entity engine on news copy: segmentation,
//! the NER model over every sentence, the numeric and temporal rules, mention
//! groups, salience and fine types; and the fine types alone, per entity.
//!
//! `RAYON_NUM_THREADS=1 taskset -c 0 cargo bench -p copydesk-entities --bench recognize`
//! (one core). The text is the segmenter bench's original news story.

#![allow(clippy::expect_used)] // a benchmark without its model has nothing to measure

use std::hint::black_box;
use std::sync::Arc;

use copydesk_entities::Recognizer;
use copydesk_entities::fine_types::{self, FineTypeModel};
use copydesk_ner::{NerModel, default_model_dir};
use copydesk_segmenter::Segmenter;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const STORY: &str = include_str!("../../../segmenter/engine/benches/data/news_sample.txt");

fn bench(c: &mut Criterion) {
    let model = Arc::new(NerModel::load(&default_model_dir()).expect("the model in models/"));
    let fine = Arc::new(
        FineTypeModel::load(&fine_types::default_dir()).expect("the fine types in models/"),
    );
    let recognizer = Recognizer::new(model).with_fine_types(Arc::clone(&fine));
    let segmenter = Segmenter::new();
    let story = segmenter.segment(STORY, Some("en"));
    let tokens = story.tokens.len();
    let mut entities = recognizer.recognize(STORY, &story).expect("recognize");
    let names = entities.iter().filter(|e| e.entity_type.is_name()).count();
    let mut group = c.benchmark_group("entities");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function(format!("segment + recognize ({tokens} tokens)"), |b| {
        b.iter(|| {
            let segmentation = segmenter.segment(black_box(STORY), Some("en"));
            recognizer
                .recognize(STORY, &segmentation)
                .expect("recognize")
        })
    });
    group.throughput(Throughput::Elements(names as u64));
    group.bench_function(format!("fine types ({names} name entities)"), |b| {
        b.iter(|| fine.assign(black_box(&story), black_box(&mut entities)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
