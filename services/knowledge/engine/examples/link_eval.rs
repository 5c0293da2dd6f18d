//! Linking accuracy on the development set (tools/knowledge_eval/dev.jsonl:
//! BBC News mentions judged one by one against the default base).
//!
//! Each article is segmented and its entities found by the real entity
//! engine (the NER model in-process), then linked against the default base
//! with the names the NER missed added, as the server does. A gold mention
//! gets the link of the entity mention with exactly its span (none when no
//! entity mention has that span). Per kind: precision = correct links /
//! links given, coverage = correct links / mentions with a gold link; a
//! link on a gold-null mention is a wrong link.
//!
//! A second table links the gold spans themselves as the entities (type
//! from the gold kind), which measures the linker without the NER's misses.
//! A threshold sweep shows what the confidence threshold trades.
//!
//!   tools/knowledge_eval/eval.sh            (fetches the corpus, runs this)
//!   cargo run --release -p copydesk-knowledge --example link_eval -- CORPUS_DIR [DEV_JSONL]

#[path = "shared/engine_inputs.rs"]
mod engine_inputs;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use copydesk_knowledge::{
    ByteSpan, CoarseType, Document, InputEntity, InputMention, Linked, Options, Snapshot,
};
use copydesk_segmenter::Segmenter;
use engine_inputs::Failure;

struct Gold {
    file: String,
    span: ByteSpan,
    text: String,
    gold: Option<String>,
    kind: String,
}

fn read_dev(path: &Path) -> Result<Vec<Gold>, Failure> {
    let mut out = Vec::new();
    for (n, line) in std::fs::read_to_string(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let offset = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_u64)
                .map(|x| x as usize)
        };
        out.push(Gold {
            file: field("file").ok_or("no file")?,
            span: ByteSpan::new(
                offset("begin").ok_or("no begin")?,
                offset("end").ok_or("no end")?,
            ),
            text: field("text").unwrap_or_default(),
            gold: field("gold_id"),
            kind: field("kind").unwrap_or_default(),
        });
    }
    Ok(out)
}

fn gold_coarse(kind: &str) -> CoarseType {
    match kind {
        "nationality" => CoarseType::Misc,
        "organisation" | "agency" => CoarseType::Organization,
        _ => CoarseType::Location,
    }
}

/// The default-base link (id, score) of every mention span in `linked`.
fn links_by_span(inputs: &[InputEntity], linked: &Linked) -> HashMap<ByteSpan, (String, f32)> {
    let mut out = HashMap::new();
    let default = |links: &[copydesk_knowledge::Link]| {
        links
            .iter()
            .find(|l| !l.base.base.newsroom)
            .and_then(|l| l.entry().map(|e| (e.id.clone(), l.score)))
    };
    for (input, entity) in inputs.iter().zip(&linked.entities) {
        if let Some(link) = default(&entity.links) {
            for m in &input.mentions {
                out.insert(m.span, link.clone());
            }
        }
    }
    for added in &linked.added {
        if let Some(link) = default(&added.links) {
            for m in &added.mentions {
                out.insert(*m, link.clone());
            }
        }
    }
    out
}

/// One document's inputs for the linker, ready to link at any threshold.
struct Prepared {
    file: String,
    text: String,
    tokens: Vec<ByteSpan>,
    ner: Vec<InputEntity>,
    gold_entities: Vec<InputEntity>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    mentions: usize,
    linkable: usize,
    given: usize,
    correct: usize,
}

impl Counts {
    fn add(&mut self, gold: Option<&str>, predicted: Option<&str>) {
        self.mentions += 1;
        self.linkable += usize::from(gold.is_some());
        if let Some(p) = predicted {
            self.given += 1;
            self.correct += usize::from(gold == Some(p));
        }
    }

    fn precision(&self) -> f64 {
        self.correct as f64 / self.given.max(1) as f64
    }

    fn coverage(&self) -> f64 {
        self.correct as f64 / self.linkable.max(1) as f64
    }
}

fn evaluate(
    snapshot: &Snapshot,
    docs: &[Prepared],
    gold: &[Gold],
    threshold: f32,
    use_gold_spans: bool,
    mistakes: Option<&mut Vec<String>>,
) -> BTreeMap<String, Counts> {
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut lines = Vec::new();
    for doc in docs {
        let inputs = if use_gold_spans {
            &doc.gold_entities
        } else {
            &doc.ner
        };
        let linked = copydesk_knowledge::link(
            snapshot,
            &Document {
                text: &doc.text,
                tokens: &doc.tokens,
                entities: inputs,
            },
            &Options {
                threshold,
                bases: &[],
                add_missed: !use_gold_spans,
            },
        );
        let links = links_by_span(inputs, &linked);
        let names: HashMap<ByteSpan, &str> = inputs
            .iter()
            .flat_map(|e| e.mentions.iter().map(move |m| (m.span, e.name.as_str())))
            .collect();
        for g in gold.iter().filter(|g| g.file == doc.file) {
            let predicted = links.get(&g.span);
            let p = predicted.map(|(id, _)| id.as_str());
            for key in [g.kind.clone(), "all".to_owned()] {
                by_kind.entry(key).or_default().add(g.gold.as_deref(), p);
            }
            if p.is_none()
                && g.gold.is_some()
                && let Some(name) = names.get(&g.span)
            {
                lines.push(format!(
                    "  missed  {} {:?} ({}): entity {name:?}, gold {:?}",
                    g.file, g.text, g.kind, g.gold
                ));
            }
            if p.is_some() && p != g.gold.as_deref() {
                lines.push(format!(
                    "  wrong   {} {:?} ({}): gold {:?}, linked {:?} at {:.2}",
                    g.file,
                    g.text,
                    g.kind,
                    g.gold,
                    p,
                    predicted.map_or(0.0, |(_, s)| *s)
                ));
            }
        }
    }
    if let Some(out) = mistakes {
        *out = lines;
    }
    by_kind
}

fn print_table(title: &str, table: &BTreeMap<String, Counts>) {
    println!("{title}");
    println!(
        "  {:<13} {:>8} {:>8} {:>6} {:>8} {:>10} {:>9}",
        "kind", "mentions", "linkable", "given", "correct", "precision", "coverage"
    );
    for (kind, c) in table {
        println!(
            "  {:<13} {:>8} {:>8} {:>6} {:>8} {:>10.3} {:>9.3}",
            kind,
            c.mentions,
            c.linkable,
            c.given,
            c.correct,
            c.precision(),
            c.coverage()
        );
    }
}

fn main() -> Result<(), Failure> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(
        args.next()
            .ok_or("usage: link_eval CORPUS_DIR [DEV_JSONL]")?,
    );
    let dev = args.next().map_or_else(
        || root.join("tools/knowledge_eval/dev.jsonl"),
        PathBuf::from,
    );
    let threshold: f32 = std::env::var("COPYDESK_LINK_THRESHOLD")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(copydesk_knowledge::DEFAULT_THRESHOLD);

    let gold = read_dev(&dev)?;
    let snapshot = engine_inputs::default_snapshot(&root)?;
    let base = &snapshot.get("default").ok_or("no default base")?.base;
    println!(
        "default base {} {} ({} entries)",
        base.name,
        base.version,
        base.entries.len()
    );
    let recognizer = engine_inputs::recognizer(&root)?;
    let segmenter = Segmenter::new();

    let mut files: Vec<&str> = gold.iter().map(|g| g.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(corpus.join(file))
            .map_err(|e| format!("{}: {e}", corpus.join(file).display()))?;
        let segmentation = segmenter.segment(&text, Some("en"));
        let entities = recognizer.recognize(&text, &segmentation)?;
        let ner = engine_inputs::inputs(&entities);
        // Gold spans as entities: one per distinct text and type.
        let mut grouped: BTreeMap<(String, &str), Vec<InputMention>> = BTreeMap::new();
        for g in gold.iter().filter(|g| g.file == file) {
            grouped
                .entry((g.text.clone(), gold_coarse(&g.kind).as_str()))
                .or_default()
                .push(InputMention {
                    span: g.span,
                    text: g.text.clone(),
                });
        }
        let gold_entities = grouped
            .into_iter()
            .map(|((name, t), mentions)| InputEntity {
                name,
                coarse: CoarseType::parse(t),
                mentions,
                salience: 0.1,
            })
            .collect();
        let tokens = engine_inputs::tokens(&segmentation);
        docs.push(Prepared {
            file: file.to_owned(),
            text,
            tokens,
            ner,
            gold_entities,
        });
    }
    println!(
        "{} mentions in {} articles; threshold {threshold}",
        gold.len(),
        docs.len()
    );
    println!();

    let mut mistakes = Vec::new();
    let table = evaluate(
        &snapshot,
        &docs,
        &gold,
        threshold,
        false,
        Some(&mut mistakes),
    );
    print_table(
        "NER entities (copydesk-entities in-process) linked, missed names added:",
        &table,
    );
    println!();
    let oracle = evaluate(&snapshot, &docs, &gold, threshold, true, None);
    print_table("Gold spans as the entities (the linker alone):", &oracle);
    println!();
    println!("Threshold sweep (all kinds: precision / coverage):");
    println!(
        "  {:>9} {:>22} {:>22}",
        "threshold", "NER entities", "gold spans"
    );
    for t in [0.3f32, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9] {
        let a = evaluate(&snapshot, &docs, &gold, t, false, None)["all"];
        let b = evaluate(&snapshot, &docs, &gold, t, true, None)["all"];
        println!(
            "  {:>9.2} {:>10.3} / {:>9.3} {:>10.3} / {:>9.3}",
            t,
            a.precision(),
            a.coverage(),
            b.precision(),
            b.coverage()
        );
    }
    println!();
    println!(
        "Wrong links, and gold-linked mentions the NER found but that got no link (NER entities, threshold {threshold}):"
    );
    for line in &mistakes {
        println!("{line}");
    }
    Ok(())
}
