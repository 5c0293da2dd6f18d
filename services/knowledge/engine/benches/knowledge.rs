//! Criterion benches of the knowledge engine on the shipped default base:
//! loading it, linking a typical article's entities, and Lookup on the
//! prefixes an editor types.
//!
//!   cargo bench -p copydesk-knowledge --bench knowledge

use std::path::PathBuf;
use std::sync::Arc;

use copydesk_knowledge::{
    ByteSpan, CoarseType, Document, InputEntity, InputMention, Knowledge, KnowledgeBase, Options,
    Query, Snapshot, load, lookup,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn base_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../models/knowledge/default"
    ))
}

fn snapshot() -> Arc<Snapshot> {
    let base = load::load_default(&base_dir(), load::DEFAULT_MAX_FILE_BYTES)
        .unwrap_or_else(|e| panic!("the default base: {e}"));
    let knowledge = Knowledge::new();
    knowledge.install(Arc::new(KnowledgeBase::new(base)), None, &[]);
    knowledge.snapshot()
}

const ARTICLE: &str = include_str!("article.txt");

/// The article's names as the NER would give them (type, name), each with
/// a mention wherever the name occurs.
const NAMES: &[(CoarseType, &str)] = &[
    (CoarseType::Location, "Ukraine"),
    (CoarseType::Misc, "Ukrainian"),
    (CoarseType::Location, "Kyiv"),
    (CoarseType::Location, "Odesa"),
    (CoarseType::Location, "Istanbul"),
    (CoarseType::Misc, "Turkish"),
    (CoarseType::Organization, "United Nations"),
    (CoarseType::Location, "Egypt"),
    (CoarseType::Location, "Indonesia"),
    (CoarseType::Location, "Black Sea"),
    (CoarseType::Misc, "Russian"),
    (CoarseType::Location, "Moscow"),
    (CoarseType::Organization, "Kremlin"),
    (CoarseType::Organization, "World Food Programme"),
    (CoarseType::Location, "Rome"),
    (CoarseType::Location, "Chicago"),
    (CoarseType::Location, "London"),
    (CoarseType::Location, "Geneva"),
    (CoarseType::Location, "Poland"),
    (CoarseType::Location, "Romania"),
    (CoarseType::Misc, "Polish"),
    (CoarseType::Location, "Gdansk"),
    (CoarseType::Location, "Washington"),
    (CoarseType::Organization, "State Department"),
    (CoarseType::Location, "United States"),
    (CoarseType::Organization, "European Union"),
    (CoarseType::Location, "Brussels"),
    (CoarseType::Location, "Turkey"),
    (CoarseType::Location, "Russia"),
    (CoarseType::Location, "Chornomorsk"),
    (CoarseType::Location, "Pivdennyi"),
];

fn entities(text: &str) -> Vec<InputEntity> {
    NAMES
        .iter()
        .map(|(coarse, name)| InputEntity {
            name: (*name).to_owned(),
            coarse: Some(*coarse),
            mentions: text
                .match_indices(name)
                .map(|(at, _)| InputMention {
                    span: ByteSpan::new(at, at + name.len()),
                    text: (*name).to_owned(),
                })
                .collect(),
            salience: 1.0 / NAMES.len() as f32,
        })
        .collect()
}

/// The segmenter's tokens, as the knowledge server receives them.
fn tokens(text: &str) -> Vec<ByteSpan> {
    copydesk_segmenter::tokenizer::tokenize(text)
        .iter()
        .map(|token| ByteSpan::new(token.span.start, token.span.end))
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("default base (read, parse, index)", |b| {
        b.iter(|| {
            let base = load::load_default(&base_dir(), load::DEFAULT_MAX_FILE_BYTES)
                .unwrap_or_else(|e| panic!("{e}"));
            KnowledgeBase::new(base)
        })
    });
    group.finish();

    let snapshot = snapshot();
    let entities = entities(ARTICLE);
    let tokens = tokens(ARTICLE);
    let document = Document {
        text: ARTICLE,
        tokens: &tokens,
        entities: &entities,
    };
    for add_missed in [false, true] {
        let options = Options {
            threshold: copydesk_knowledge::DEFAULT_THRESHOLD,
            bases: &[],
            add_missed,
        };
        let name = format!(
            "link article ({} words, {} entities{})",
            ARTICLE.split_whitespace().count(),
            entities.len(),
            if add_missed { ", missed names" } else { "" }
        );
        c.bench_function(&name, |b| {
            b.iter(|| copydesk_knowledge::link(&snapshot, &document, &options))
        });
    }

    let mut group = c.benchmark_group("lookup");
    for query in ["s", "ka", "kaoh", "new y", "springfield", "ukrainian"] {
        group.bench_function(format!("prefix {query:?}, 10"), |b| {
            b.iter(|| {
                lookup(
                    &snapshot,
                    &Query {
                        text: query,
                        coarse: None,
                        bases: &[],
                        limit: 10,
                        prefix: true,
                    },
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
