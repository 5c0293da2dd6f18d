//! Our name mentions in a set of documents as JSON lines, with what the
//! fine-type classifier reads from each: for `tools/fine_types/` (silver
//! training data against spaCy's labels, and evaluation).
//!
//!     cargo run --release -p copydesk-entities --example fine_type_spans -- [--fine-types] DIR
//!     cargo run --release -p copydesk-entities --example fine_type_spans -- [--fine-types] --jsonl FILE
//!
//! `DIR`: every `*.txt` below it, sorted by path, one document each (UTF-8,
//! else Latin-1, as `bench/spacy_bench.py` reads the BBC articles); the
//! document id is the path under `DIR`. `--jsonl FILE`: one `{"id", "text"}`
//! object a line. Each document is segmented and recognised in-process as
//! the entities service does it; `--fine-types` also loads
//! `models/fine-types` and reports each entity's fine type.
//!
//! One line per name mention: `doc`, `start` and `end` (Unicode code
//! points, end-exclusive), `text`, `coarse` (the entity's type), `words`
//! (the segmenter's normalised tokens), `before` (two words, `<s>` past the
//! sentence start), `after` (two words, `</s>` past its end), `entity` (its
//! index in the document), `canonical` (whether the fine type is read from
//! it) and `fine` (the entity's fine type, or null).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use copydesk_entities::Recognizer;
use copydesk_entities::fine_types::{self, FineTypeModel, MentionWords};
use copydesk_ner::{NerModel, default_model_dir};
use copydesk_segmenter::Segmenter;
use serde_json::json;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fine_type_spans: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: fine_type_spans [--fine-types] (DIR | --jsonl FILE)";

fn run() -> Result<(), String> {
    let mut with_fine_types = false;
    let mut jsonl = None;
    let mut dir = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--fine-types") => with_fine_types = true,
            Some("--jsonl") => jsonl = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            Some(a) if a.starts_with("--") => return Err(USAGE.to_owned()),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let documents = match (jsonl, dir) {
        (Some(file), None) => read_jsonl(&file)?,
        (None, Some(dir)) => read_dir(&dir)?,
        _ => return Err(USAGE.to_owned()),
    };

    let model = NerModel::load(&default_model_dir()).map_err(|e| e.to_string())?;
    let mut recognizer = Recognizer::new(Arc::new(model));
    if with_fine_types {
        let fine = FineTypeModel::load(&fine_types::default_dir()).map_err(|e| e.to_string())?;
        recognizer = recognizer.with_fine_types(Arc::new(fine));
    }
    let segmenter = Segmenter::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (id, text) in documents {
        let segmentation = segmenter.segment(&text, Some("en"));
        let entities = recognizer
            .recognize(&text, &segmentation)
            .map_err(|e| format!("{id}: {e}"))?;
        let chars = |byte: usize| text[..byte].chars().count();
        for (index, entity) in entities.iter().enumerate() {
            if !entity.entity_type.is_name() {
                continue;
            }
            let canonical = fine_types::canonical_mention(entity);
            for mention in &entity.mentions {
                let Some(words) = MentionWords::of(&segmentation, mention) else {
                    return Err(format!("{id}: a mention outside the segmentation"));
                };
                let line = json!({
                    "doc": id,
                    "start": chars(mention.span.start),
                    "end": chars(mention.span.end),
                    "text": mention.text,
                    "coarse": fine_types::coarse_name(entity.entity_type),
                    "words": words.words,
                    "before": words.before,
                    "after": words.after,
                    "entity": index,
                    "canonical": canonical.is_some_and(|c| std::ptr::eq(c, mention)),
                    "fine": entity.fine_type.map(|f| f.name()),
                });
                use std::io::Write;
                writeln!(out, "{line}").map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// UTF-8, else Latin-1 (every byte its code point).
fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let id = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            Ok((id, decode(bytes)))
        })
        .collect()
}

fn read_jsonl(file: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", file.display(), i + 1))?;
            let field = |name: &str| {
                value[name]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{}:{}: no string {name:?}", file.display(), i + 1))
            };
            Ok((field("id")?, field("text")?))
        })
        .collect()
}
