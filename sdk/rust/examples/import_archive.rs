//! Import an archive directory: every `.txt` file under it, eight calls in
//! flight, each annotation appended to a JSONL file as it arrives. Stop it
//! at any point and run it again: files already in the output are skipped.
//!
//! ```text
//! copydesk up &
//! cargo run -p copydesk-client --example import_archive -- ARCHIVE_DIR annotations.jsonl [http://127.0.0.1:50051]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use copydesk_client::proto::{Document, Features};
use copydesk_client::{Client, resume};
use futures::StreamExt;

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    // Sorted: a resumed run sees the files in the same order.
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            text_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(archive), Some(output)) = (args.next(), args.next()) else {
        eprintln!("usage: import_archive ARCHIVE_DIR OUTPUT.jsonl [GATEWAY]");
        std::process::exit(2);
    };
    let gateway = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:50051".to_owned());

    let mut files = Vec::new();
    text_files(Path::new(&archive), &mut files)?;
    // The output doubles as the resume journal: every line has an "id".
    let done = resume::done_ids(&output)?;
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&output)?;

    let documents = files.into_iter().filter_map(|path| {
        let id = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(Document {
                id,
                text,
                ..Default::default()
            }),
            Err(error) => {
                eprintln!("skipped {id}: {error}");
                None
            }
        }
    });
    let client = Client::connect(gateway).await?;
    let features = Features {
        entities: true,
        document_sentiment: true,
        ..Default::default()
    };
    let mut results = client
        .batch()
        .concurrency(8)
        .features(features)
        .skip(done)
        .run_iter(documents);
    let (mut ok, mut failed) = (0, 0);
    while let Some(item) = results.next().await {
        match item.result {
            Ok(annotation) => {
                let line = serde_json::json!({ "id": item.id, "annotation": annotation });
                writeln!(out, "{line}")?;
                ok += 1;
            }
            // Not written: the next run tries this file again.
            Err(error) => {
                eprintln!("{}: {error}", item.id);
                failed += 1;
            }
        }
    }
    eprintln!("{ok} imported, {failed} failed");
    std::process::exit(if failed > 0 { 1 } else { 0 });
}
