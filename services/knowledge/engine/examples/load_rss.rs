//! Loads the shipped default knowledge base and prints the load time, its
//! size and the process's memory (`VmRSS`, `VmHWM` from /proc/self/status).
//!
//!   cargo run --release -p copydesk-knowledge --example load_rss [-- DIR]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use copydesk_knowledge::{Knowledge, KnowledgeBase, load};

fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l[field.len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../models/knowledge/default"
            ))
        },
        PathBuf::from,
    );
    println!("before load: VmRSS {}", memory("VmRSS:"));
    let started = Instant::now();
    let base = load::load_default(&dir, load::DEFAULT_MAX_FILE_BYTES)?;
    let read = started.elapsed();
    let knowledge = Knowledge::new();
    let kb = Arc::new(KnowledgeBase::new(base));
    let keys = kb.index.len();
    let entries = kb.base.entries.len();
    knowledge.install(kb, None, &[]);
    let total = started.elapsed();
    println!(
        "default base {}: {entries} entries, {keys} index keys; read and parsed in {:.0} ms, indexed in {:.0} ms, total {:.0} ms",
        dir.display(),
        read.as_secs_f64() * 1000.0,
        (total - read).as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0
    );
    println!(
        "after load: VmRSS {}, VmHWM (peak) {}",
        memory("VmRSS:"),
        memory("VmHWM:")
    );
    drop(knowledge);
    Ok(())
}
