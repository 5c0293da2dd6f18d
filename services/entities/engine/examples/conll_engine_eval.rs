//! CoNLL-2003 through the whole entity engine (the model, then the
//! corrections, headline recasing, trimming and grouping), scored like
//! conlleval at entity level, to check that what the engine adds for news
//! copy costs nothing on CoNLL.
//!
//!     cargo run --release -p copydesk-entities --example conll_engine_eval -- FILE...
//!
//! Each FILE is CoNLL-format (token first, label last; `-DOCSTART-` starts
//! a document; blank lines end sentences). Each document is one text (its
//! tokens joined by spaces, sentences by newlines) with the gold tokens and
//! sentences as its segmentation, so only the names differ from
//! `copydesk-ner`'s `conll_eval` example. `tools/news_ner/conll_engine.sh`
//! fetches the files and runs it. A mention's type is its entity's type.

use std::borrow::Cow;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use copydesk_entities::{EntityType, Recognizer};
use copydesk_ner::{NerModel, default_model_dir};
use copydesk_segmenter::{
    ByteSpan, Paragraph, Segmentation, Sentence, SentenceKind, Token, TokenKind,
};

type Chunk = (usize, usize, String);
/// A document: sentences of (token, gold label).
type Document = Vec<Vec<(String, String)>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("conll_engine_eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        return Err("usage: conll_engine_eval FILE...".into());
    }
    let model = NerModel::load(&default_model_dir()).map_err(|e| e.to_string())?;
    let recognizer = Recognizer::new(Arc::new(model));
    for file in files {
        evaluate(&recognizer, Path::new(&file))?;
    }
    Ok(())
}

/// Documents of sentences of (token, gold label).
fn read(path: &Path) -> Result<Vec<Document>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut documents: Vec<Document> = vec![vec![Vec::new()]];
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(doc) = documents.last_mut() else {
            continue;
        };
        match fields.first() {
            Some(first) if first.contains("-DOCSTART-") => documents.push(vec![Vec::new()]),
            None => doc.push(Vec::new()),
            Some(first) => {
                if let Some(sentence) = doc.last_mut() {
                    let label = fields.last().copied().unwrap_or("O");
                    sentence.push(((*first).to_owned(), label.to_owned()));
                }
            }
        }
    }
    for doc in &mut documents {
        doc.retain(|s| !s.is_empty());
    }
    documents.retain(|d| !d.is_empty());
    Ok(documents)
}

/// conlleval's chunks of a BIO or IOB1 sequence.
fn chunks(tags: &[&str]) -> Vec<Chunk> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().copied().chain(["O"]).enumerate() {
        let (prefix, kind) = if tag == "O" {
            ("O", "")
        } else {
            (tag.get(..1).unwrap_or("O"), tag.get(2..).unwrap_or(""))
        };
        if let Some((start, open_kind)) = &open
            && (prefix == "B" || prefix == "O" || kind != open_kind)
        {
            found.push((*start, i, open_kind.clone()));
            open = None;
        }
        if prefix == "B" || (prefix == "I" && open.is_none()) {
            open = Some((i, kind.to_owned()));
        }
    }
    found
}

fn kind_of(word: &str) -> TokenKind {
    if word.chars().any(char::is_alphabetic) {
        TokenKind::Word
    } else if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        TokenKind::Number
    } else {
        TokenKind::Punctuation
    }
}

fn evaluate(recognizer: &Recognizer, path: &Path) -> Result<(), String> {
    let documents = read(path)?;
    let (mut gold_n, mut found_n, mut correct) = (0usize, 0usize, 0usize);
    for document in &documents {
        let mut text = String::new();
        let mut spans = Vec::new();
        let mut sentences = Vec::new();
        let mut gold: Vec<Chunk> = Vec::new();
        for sentence in document {
            if !text.is_empty() {
                text.push('\n');
            }
            let token_start = spans.len();
            for (word, _) in sentence {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push(' ');
                }
                spans.push(ByteSpan::new(text.len(), text.len() + word.len()));
                text.push_str(word);
            }
            let labels: Vec<&str> = sentence.iter().map(|(_, l)| l.as_str()).collect();
            gold.extend(
                chunks(&labels)
                    .into_iter()
                    .map(|(s, e, t)| (s + token_start, e + token_start, t)),
            );
            sentences.push(Sentence {
                span: ByteSpan::new(spans[token_start].start, spans[spans.len() - 1].end),
                token_start,
                token_end: spans.len(),
                paragraph: 0,
                kind: SentenceKind::Sentence,
            });
        }
        let tokens: Vec<Token<'_>> = spans
            .iter()
            .map(|span| {
                let word = &text[span.start..span.end];
                Token {
                    span: *span,
                    kind: kind_of(word),
                    norm: Cow::Borrowed(word),
                    space_after: true,
                }
            })
            .collect();
        let segmentation = Segmentation {
            paragraphs: vec![Paragraph {
                span: ByteSpan::new(0, text.len()),
                sentence_start: 0,
                sentence_end: sentences.len(),
            }],
            sentences,
            tokens,
            language: Default::default(),
        };
        let entities = recognizer
            .recognize(&text, &segmentation)
            .map_err(|e| e.to_string())?;
        let mut predicted: Vec<Chunk> = Vec::new();
        for entity in &entities {
            let label = match entity.entity_type {
                EntityType::Person => "PER",
                EntityType::Organization => "ORG",
                EntityType::Location => "LOC",
                EntityType::Misc => "MISC",
                _ => continue,
            };
            for m in &entity.mentions {
                predicted.push((m.tokens.0, m.tokens.1, label.to_owned()));
            }
        }
        gold_n += gold.len();
        found_n += predicted.len();
        correct += predicted.iter().filter(|c| gold.contains(c)).count();
    }
    let p = correct as f64 / found_n.max(1) as f64;
    let r = correct as f64 / gold_n.max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    println!(
        "{}: {} documents, gold {gold_n}, found {found_n}, correct {correct}; precision {p:.4} recall {r:.4} F1 {f:.4}",
        path.display(),
        documents.len()
    );
    Ok(())
}
