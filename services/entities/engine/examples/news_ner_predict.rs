//! The entity engine's names on a directory of documents, for
//! `tools/news_ner/eval.sh`.
//!
//!     cargo run --release -p copydesk-entities --example news_ner_predict -- DIR
//!
//! Each `DIR/*.txt` is one document (UTF-8), segmented and recognised as the
//! entities service does it. Prints one line per name mention, tab-separated:
//! file stem, start and end byte, type (PER, ORG, LOC, MISC), and the index
//! of its entity in the document (mentions of one entity share it).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use copydesk_entities::{EntityType, Recognizer};
use copydesk_ner::{NerModel, default_model_dir};
use copydesk_segmenter::Segmenter;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("news_ner_predict: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: news_ner_predict DIR")?
        .into();
    let model = NerModel::load(&default_model_dir()).map_err(|e| e.to_string())?;
    let recognizer = Recognizer::new(Arc::new(model));
    let segmenter = Segmenter::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let segmentation = segmenter.segment(&text, Some("en"));
        let entities = recognizer
            .recognize(&text, &segmentation)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for (index, entity) in entities.iter().enumerate() {
            let label = match entity.entity_type {
                EntityType::Person => "PER",
                EntityType::Organization => "ORG",
                EntityType::Location => "LOC",
                EntityType::Misc => "MISC",
                _ => continue,
            };
            for m in &entity.mentions {
                println!("{stem}\t{}\t{}\t{label}\t{index}", m.span.start, m.span.end);
            }
        }
    }
    Ok(())
}
