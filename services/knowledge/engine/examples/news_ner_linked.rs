//! The names a gateway answer holds for a directory of documents: the
//! entity engine's, then the knowledge stage's with the default base (the
//! names the NER missed but the base knows without ambiguity added, names
//! the text places typed as places, names of known organisations typed as
//! organisations), for
//! `tools/news_ner/eval.sh --pipeline`. Same output as the entity engine's
//! `news_ner_predict`: one line per name mention, tab-separated: file stem,
//! start and end byte, type (PER, ORG, LOC, MISC), entity index.
//!
//!     cargo run --release -p copydesk-knowledge --example news_ner_linked -- DIR

#[path = "shared/engine_inputs.rs"]
mod engine_inputs;

use std::path::PathBuf;

use copydesk_knowledge::{ByteSpan, CoarseType, Document, Options};
use copydesk_segmenter::Segmenter;
use engine_inputs::Failure;

fn label(coarse: CoarseType) -> &'static str {
    match coarse {
        CoarseType::Person => "PER",
        CoarseType::Organization => "ORG",
        CoarseType::Location => "LOC",
        CoarseType::Misc => "MISC",
    }
}

fn main() -> Result<(), Failure> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: news_ner_linked DIR")?,
    );
    let snapshot = engine_inputs::default_snapshot(&root)?;
    let recognizer = engine_inputs::recognizer(&root)?;
    let segmenter = Segmenter::new();

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let segmentation = segmenter.segment(&text, Some("en"));
        let entities = recognizer.recognize(&text, &segmentation)?;
        let inputs = engine_inputs::inputs(&entities);
        let tokens = engine_inputs::tokens(&segmentation);
        let linked = copydesk_knowledge::link(
            &snapshot,
            &Document {
                text: &text,
                tokens: &tokens,
                entities: &inputs,
            },
            &Options {
                threshold: copydesk_knowledge::DEFAULT_THRESHOLD,
                bases: &[],
                add_missed: true,
            },
        );
        // With the type the knowledge stage gave, when it retyped a name.
        let found = inputs.iter().zip(&linked.entities).filter_map(|(e, l)| {
            let coarse = l.coarse.or(e.coarse)?;
            Some((coarse, e.mentions.iter().map(|m| m.span).collect()))
        });
        let added = linked.added.iter().map(|a| (a.coarse, a.mentions.clone()));
        let all: Vec<(CoarseType, Vec<ByteSpan>)> = found.chain(added).collect();
        for (index, (coarse, mentions)) in all.iter().enumerate() {
            for span in mentions {
                println!(
                    "{stem}\t{}\t{}\t{}\t{index}",
                    span.start,
                    span.end,
                    label(*coarse)
                );
            }
        }
    }
    Ok(())
}
