//! `copydesk analyze`: send a text to a gateway and show what came back.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use copydesk_client::{Client, ClientOptions, resume};
use copydesk_proto::v1::{
    AnnotateResponse, ContentType, Document, Entity, EntityOrigin, EntityType, Features, Mention,
    OffsetEncoding, Sentence, Sentiment, SentimentLabel, Token,
};
use futures::StreamExt;

use crate::inputs::{self, Input};

/// Exit codes scripts can rely on.
pub mod exit {
    /// Every document was analysed (feature errors inside a response, such
    /// as a service that is down, do not count: they are in the output).
    pub const OK: u8 = 0;
    /// At least one document failed (unreadable, refused by the gateway,
    /// or the connection broke during the run); the others were written.
    pub const SOME_FAILED: u8 = 1;
    /// Nothing was analysed: bad arguments, no input found, or the gateway
    /// could not be reached at the start.
    pub const USAGE_OR_CONNECTION: u8 = 2;
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 every document analysed; 1 some documents failed (the \
others were written); 2 usage error or gateway unreachable, nothing analysed."
)]
pub struct AnalyzeArgs {
    /// Files, directories (read recursively, hidden files skipped), glob
    /// patterns (quote them: 'archive/**/*.txt') or "-" for standard input.
    /// Nothing: standard input.
    inputs: Vec<String>,

    /// The gateway's address.
    #[arg(long, env = "COPYDESK_ADDR", default_value = "http://127.0.0.1:50051")]
    addr: String,

    /// Bearer token sent to the gateway.
    #[arg(long, env = "COPYDESK_TOKEN", hide_env_values = true)]
    token: Option<String>,

    /// Print proto3 JSON instead of a readable summary (one document:
    /// indented; several: as --jsonl).
    #[arg(long)]
    json: bool,

    /// One JSON object per line and document: {"id": PATH,
    /// "input_encoding": "windows-1252", "annotation": {...}} or {"id":
    /// PATH, "input_encoding": ..., "error": {"code", "message"}}.
    /// "input_encoding" is the encoding the file was read in (null when it
    /// could not be read); offsets index the decoded text, not the file.
    #[arg(long)]
    jsonl: bool,

    /// The encoding of the input files, a WHATWG label (utf-8,
    /// windows-1252, latin1, iso-8859-15, shift_jis, ...). Default: UTF-8
    /// when a file is valid UTF-8 or has a byte order mark, otherwise the
    /// encoding detected (chardetng), per file.
    #[arg(long, value_parser = inputs::encoding_label)]
    input_encoding: Option<&'static encoding_rs::Encoding>,

    /// What the input holds. html: markup, such as a CMS stores a story
    /// body; the text a reader sees is analysed, and every offset in the
    /// JSON output counts in the markup as sent ("plainText" holds the
    /// text). text: plain text. auto: HTML for .html and .htm files and
    /// for input that starts with `<!doctype html` or `<html` (after any
    /// comments), text otherwise; per file.
    #[arg(long, value_enum, default_value_t = ContentTypeArg::Auto)]
    content_type: ContentTypeArg,

    /// Skip documents whose id is already in this JSONL file, such as the
    /// --jsonl output of an interrupted run (append to it: `>> FILE`);
    /// lines with an "error" are retried.
    #[arg(long)]
    resume: Option<PathBuf>,

    /// Calls to the gateway in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,

    /// Documents per BatchAnnotate call when there are several.
    #[arg(long, default_value_t = 16)]
    batch_size: usize,

    /// Colours in the readable summary.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,

    /// The unit of offsets in the response.
    #[arg(long, value_enum, default_value_t = EncodingArg::Utf8)]
    encoding: EncodingArg,

    /// The analyses to ask for, comma-separated; default: all of them.
    #[arg(long, value_enum, value_delimiter = ',')]
    features: Vec<FeatureArg>,

    /// Also list every sentence's tokens.
    #[arg(long)]
    tokens: bool,

    /// The text's BCP-47 language code, if known; otherwise it is identified.
    #[arg(long)]
    language: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ContentTypeArg {
    Auto,
    Text,
    Html,
}

impl ContentTypeArg {
    /// The content type to send for `input`, whose text is `text`.
    fn of(self, input: &Input, text: &str) -> ContentType {
        let html = match self {
            ContentTypeArg::Html => true,
            ContentTypeArg::Text => false,
            ContentTypeArg::Auto => inputs::looks_like_html(input, text),
        };
        if html {
            ContentType::Html
        } else {
            ContentType::PlainText
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum EncodingArg {
    Utf8,
    Utf16,
    Utf32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FeatureArg {
    Segmentation,
    Entities,
    DocumentSentiment,
    SentenceSentiment,
    EntitySentiment,
    Links,
}

pub async fn run(args: AnalyzeArgs) -> ExitCode {
    match analyze(args).await {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("copydesk: {message}");
            ExitCode::from(exit::USAGE_OR_CONNECTION)
        }
    }
}

async fn analyze(args: AnalyzeArgs) -> Result<u8, String> {
    let mut inputs = inputs::expand(&args.inputs)?;
    if let Some(path) = &args.resume {
        let done = resume::done_ids(path).map_err(|e| e.to_string())?;
        inputs.retain(|input| !done.contains(&input.id()));
    }
    let options = ClientOptions::new(args.addr.clone())
        .with_retries(2)
        .with_timeout(None);
    let options = match &args.token {
        Some(token) => options.with_token(token.clone()),
        None => options,
    };
    let client = Client::connect_with(options)
        .await
        .map_err(|e| e.to_string())?;
    let encoding = match args.encoding {
        EncodingArg::Utf8 => OffsetEncoding::Utf8,
        EncodingArg::Utf16 => OffsetEncoding::Utf16,
        EncodingArg::Utf32 => OffsetEncoding::Utf32,
    };
    let colour = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let style = Style {
        colour,
        byte_offsets: encoding == OffsetEncoding::Utf8,
        tokens: args.tokens,
    };
    let lines = args.jsonl || (args.json && inputs.len() > 1);
    if inputs.len() == 1 && !lines {
        return one(&client, &args, &inputs[0], encoding, &style).await;
    }
    many(&client, &args, inputs, encoding, lines, &style).await
}

/// One document, the whole answer on standard output.
async fn one(
    client: &Client,
    args: &AnalyzeArgs,
    input: &Input,
    encoding: OffsetEncoding,
    style: &Style,
) -> Result<u8, String> {
    let text = input
        .read(args.input_encoding)
        .map_err(|e| format!("{}: {e}", input.id()))?
        .text;
    let content_type = args.content_type.of(input, &text);
    let mut request = client
        .request(text)
        .content_type(content_type)
        .encoding(encoding);
    if let Some(features) = features(&args.features) {
        request = request.features(features);
    }
    if let Some(language) = &args.language {
        request = request.language(language.clone());
    }
    match request.send().await {
        Ok(response) if args.json => match serde_json::to_string_pretty(&response) {
            Ok(json) => {
                println!("{json}");
                Ok(exit::OK)
            }
            Err(error) => Err(format!("response to JSON: {error}")),
        },
        Ok(response) => {
            print!("{}", summary(&response, style));
            Ok(exit::OK)
        }
        Err(error) => {
            eprintln!("copydesk: {}: {error}", input.id());
            Ok(exit::SOME_FAILED)
        }
    }
}

/// Many documents through BatchAnnotate, N calls in flight, printed in
/// input order as they come.
async fn many(
    client: &Client,
    args: &AnalyzeArgs,
    inputs: Vec<Input>,
    encoding: OffsetEncoding,
    lines: bool,
    style: &Style,
) -> Result<u8, String> {
    let total = inputs.len() as u64;
    let bar = progress_bar(total);
    let failed = Arc::new(AtomicUsize::new(0));
    let language = args.language.clone().unwrap_or_default();
    let forced = args.input_encoding;
    let content_type = args.content_type;
    // The encoding of each document sent, in order: the batch answers in
    // the same order, so each line names the encoding of its file.
    let read_in = Arc::new(Mutex::new(VecDeque::new()));
    // Files are read as the batch pulls them, so a large archive is never
    // all in memory; one that cannot be read is reported and left out.
    let documents = {
        let failed = Arc::clone(&failed);
        let bar = bar.clone();
        let read_in = Arc::clone(&read_in);
        inputs
            .into_iter()
            .filter_map(move |input| match input.read(forced) {
                Ok(decoded) => {
                    lock(&read_in).push_back(decoded.encoding.name());
                    let content_type = content_type.of(&input, &decoded.text);
                    Some(Document {
                        id: input.id(),
                        content_type: content_type as i32,
                        text: decoded.text,
                        language_code: language.clone(),
                    })
                }
                Err(message) => {
                    failed.fetch_add(1, Ordering::Relaxed);
                    bar.inc(1);
                    bar.suspend(|| report_failure(&input.id(), None, &message, lines));
                    None
                }
            })
    };
    let mut batch = client
        .batch()
        .concurrency(args.concurrency)
        .documents_per_call(args.batch_size)
        .encoding(encoding);
    if let Some(features) = features(&args.features) {
        batch = batch.features(features);
    }
    let mut results = std::pin::pin!(batch.run_iter(documents));
    while let Some(item) = results.next().await {
        bar.inc(1);
        let input_encoding = lock(&read_in).pop_front();
        match item.result {
            Ok(response) if lines => {
                match jsonl_line(&item.id, input_encoding, "annotation", &response) {
                    Ok(line) => bar.suspend(|| println!("{line}")),
                    Err(error) => return Err(format!("response to JSON: {error}")),
                }
            }
            Ok(response) => {
                let text = format!("== {}\n{}\n", item.id, summary(&response, style));
                bar.suspend(|| print!("{text}"));
            }
            Err(error) => {
                failed.fetch_add(1, Ordering::Relaxed);
                let code = error.code().map(|c| c as i32);
                let message = match &error {
                    copydesk_client::Error::Status(status) => status.message().to_owned(),
                    other => other.to_string(),
                };
                bar.suspend(|| {
                    report_failure_read_in(&item.id, input_encoding, code, &message, lines);
                });
            }
        }
    }
    bar.finish_and_clear();
    let failed = failed.load(Ordering::Relaxed);
    if failed > 0 {
        eprintln!("copydesk: {failed} of {total} documents failed");
        return Ok(exit::SOME_FAILED);
    }
    Ok(exit::OK)
}

/// The queue of encodings, even if a thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A document that could not be read: as [`report_failure_read_in`], with
/// no encoding.
fn report_failure(id: &str, code: Option<i32>, message: &str, lines: bool) {
    report_failure_read_in(id, None, code, message, lines);
}

/// A failed document: on standard error, and as a JSONL line (without the
/// "annotation" key) so the output stays one line per document.
fn report_failure_read_in(
    id: &str,
    input_encoding: Option<&str>,
    code: Option<i32>,
    message: &str,
    lines: bool,
) {
    eprintln!("copydesk: {id}: {message}");
    if lines {
        let error = serde_json::json!({
            "code": code.unwrap_or(tonic::Code::Unknown as i32),
            "message": message,
        });
        if let Ok(line) = jsonl_line(id, input_encoding, "error", &error) {
            println!("{line}");
        }
    }
}

/// `{"id": ..., "input_encoding": ..., key: value}` with the id first, so
/// `head` and `grep` show which document a line is about without scrolling
/// past the annotation.
fn jsonl_line<T: serde::Serialize>(
    id: &str,
    input_encoding: Option<&str>,
    key: &str,
    value: &T,
) -> serde_json::Result<String> {
    Ok(format!(
        "{{\"id\":{},\"input_encoding\":{},\"{key}\":{}}}",
        serde_json::to_string(id)?,
        serde_json::to_string(&input_encoding)?,
        serde_json::to_string(value)?
    ))
}

/// Rate and ETA on standard error, only for a person watching: hidden when
/// standard error is not a terminal or there is a single document.
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    if total < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos}/{len} documents  {rate}  ETA {eta}",
    ) {
        // indicatif's {per_sec} prints four decimals; one is plenty.
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", rate(state.per_sec()));
            },
        ));
    }
    bar
}

/// "12.3 documents/s".
fn rate(per_sec: f64) -> String {
    format!("{per_sec:.1} documents/s")
}

fn features(wanted: &[FeatureArg]) -> Option<Features> {
    if wanted.is_empty() {
        return None;
    }
    let has = |f| wanted.contains(&f);
    Some(Features {
        segmentation: has(FeatureArg::Segmentation),
        entities: has(FeatureArg::Entities),
        document_sentiment: has(FeatureArg::DocumentSentiment),
        sentence_sentiment: has(FeatureArg::SentenceSentiment),
        entity_sentiment: has(FeatureArg::EntitySentiment),
        links: has(FeatureArg::Links),
    })
}

/// How the readable summary looks.
struct Style {
    /// ANSI colours (a terminal, and NO_COLOR unset, or --color always),
    /// entities highlighted inside the sentences among them.
    colour: bool,
    /// Offsets are UTF-8 bytes, so a plain text's sentence can be sliced
    /// by them to highlight its entities.
    byte_offsets: bool,
    /// Every sentence's tokens listed under it.
    tokens: bool,
}

const RESET: &str = "\x1b[0m";

/// One colour per entity type, the same family as the /viz page.
fn type_colour(kind: i32) -> &'static str {
    match EntityType::try_from(kind) {
        Ok(EntityType::Person) => "\x1b[1;36m",
        Ok(EntityType::Organization) => "\x1b[1;35m",
        Ok(EntityType::Location) => "\x1b[1;32m",
        Ok(EntityType::Misc) => "\x1b[1;33m",
        Ok(EntityType::Date | EntityType::Time) => "\x1b[34m",
        _ => "\x1b[94m",
    }
}

/// Red for negative, green for positive, plain for neutral or mixed.
fn tone_colour(sentiment: Option<&Sentiment>) -> &'static str {
    match sentiment {
        Some(s) if s.score <= -0.25 => "\x1b[31m",
        Some(s) if s.score >= 0.25 => "\x1b[32m",
        _ => "",
    }
}

/// The mentions in sentence `number`, with their entity's type.
fn mentions_in(
    response: &AnnotateResponse,
    number: usize,
) -> impl Iterator<Item = (&Mention, i32)> {
    response
        .entities
        .iter()
        .flat_map(|e| e.mentions.iter().map(move |m| (m, e.r#type)))
        .filter(move |(m, _)| m.sentence as usize == number)
}

/// The sentence with every entity mention wrapped in its type's colour.
/// Offsets are UTF-8 bytes of the document; a span that does not fall on
/// the sentence's character boundaries is left plain rather than cut.
fn highlight(response: &AnnotateResponse, number: usize, text: &str, begin: u32) -> String {
    let marks = mentions_in(response, number)
        .filter_map(|(m, kind)| {
            let span = m.span?;
            let from = span.begin.checked_sub(begin)? as usize;
            let to = span.end.checked_sub(begin)? as usize;
            (text.is_char_boundary(from) && text.get(from..to).is_some())
                .then_some((from, to, kind))
        })
        .collect();
    paint(text, marks)
}

/// As [`highlight`], for a document sent as HTML: the spans count in the
/// markup but the sentence's text is what a reader sees, so no offset
/// arithmetic relates them. The sentence's tokens do: each has a span in
/// the markup and its text in the sentence, in order, so a mention that
/// starts where a token starts and ends where one ends is placed by them,
/// in any offset encoding. Any other mention is left plain rather than
/// misplaced.
fn highlight_markup(
    response: &AnnotateResponse,
    number: usize,
    sentence: &Sentence,
    tokens: &[Token],
) -> String {
    let text = sentence.text.as_str();
    let mut placed = Vec::with_capacity(tokens.len());
    let mut at = 0;
    for token in tokens {
        let (Some(span), Some(found)) = (
            token.span,
            text.get(at..).and_then(|rest| rest.find(&token.text)),
        ) else {
            return text.to_owned();
        };
        let from = at + found;
        at = from + token.text.len();
        placed.push((span, from, at));
    }
    let marks = mentions_in(response, number)
        .filter_map(|(m, kind)| {
            let span = m.span?;
            let from = placed.iter().find(|(t, _, _)| t.begin == span.begin)?.1;
            let to = placed.iter().find(|(t, _, _)| t.end == span.end)?.2;
            (from < to).then_some((from, to, kind))
        })
        .collect();
    paint(text, marks)
}

/// `text` with each `(from, to, type)` byte range wrapped in its type's
/// colour; of overlapping ranges the first wins.
fn paint(text: &str, mut marks: Vec<(usize, usize, i32)>) -> String {
    marks.sort_unstable();
    let mut out = String::with_capacity(text.len() + marks.len() * 12);
    let mut at = 0;
    for (from, to, kind) in marks {
        if from < at {
            continue; // overlapping mentions: the first one wins
        }
        out.push_str(&text[at..from]);
        out.push_str(type_colour(kind));
        out.push_str(&text[from..to]);
        out.push_str(RESET);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}

/// "negative -0.42": a tone in a few characters.
fn tone(sentiment: Option<&Sentiment>) -> String {
    match sentiment {
        Some(s) => {
            let label = SentimentLabel::try_from(s.label)
                .map(|l| l.as_str_name().to_ascii_lowercase())
                .unwrap_or_else(|_| "?".to_owned());
            format!("{label} {:+.2}", s.score)
        }
        None => String::new(),
    }
}

/// An entity's knowledge-base links, for the end of its line: "  →
/// default:geonames:690791 nationality (Ukraine)", the canonical name only
/// where it differs from the entity's; "added" for an entity the model
/// missed and a base knew.
fn links(entity: &Entity) -> String {
    let mut out = String::new();
    for link in &entity.links {
        let _ = write!(out, "  → {}:{} {}", link.source, link.id, link.kind);
        if link.name != entity.name {
            let _ = write!(out, " ({})", link.name);
        }
    }
    if entity.origin == EntityOrigin::OriginKnowledgeBase as i32 {
        out.push_str("  [added from the knowledge base]");
    }
    out
}

/// The response for people: language and tone, then paragraphs with their
/// numbered sentences and each sentence's tone, then the entities, then
/// what could not be done.
fn summary(response: &AnnotateResponse, style: &Style) -> String {
    let mut out = String::new();
    if let Some(language) = response.meta.as_ref().and_then(|m| m.language.as_ref()) {
        let how = if language.detected {
            format!("identified, confidence {:.2}", language.confidence)
        } else {
            "given".to_owned()
        };
        let support = if language.supported {
            "supported"
        } else {
            "segmentation only"
        };
        let _ = writeln!(out, "language: {} ({how}; {support})", language.code);
    }
    if let Some(document) = &response.document_sentiment {
        let _ = writeln!(
            out,
            "tone: {} (magnitude {:.2})",
            tone(Some(document)),
            document.magnitude
        );
    }
    let sentence_tone = |index: usize| {
        response
            .sentences
            .iter()
            .find(|s| s.sentence as usize == index)
            .map(|s| {
                let sentiment = s.sentiment.as_ref();
                if style.colour {
                    format!("  {}[{}]{RESET}", tone_colour(sentiment), tone(sentiment))
                } else {
                    format!("  [{}]", tone(sentiment))
                }
            })
            .unwrap_or_default()
    };
    if let Some(segmentation) = &response.segmentation {
        let _ = writeln!(
            out,
            "{} paragraphs, {} sentences, {} tokens",
            segmentation.paragraphs.len(),
            segmentation.sentences.len(),
            segmentation.tokens.len()
        );
        let mut paragraph = None;
        for (number, sentence) in segmentation.sentences.iter().enumerate() {
            if paragraph != Some(sentence.paragraph) {
                paragraph = Some(sentence.paragraph);
                let _ = writeln!(out, "\n¶ {}", sentence.paragraph + 1);
            }
            let tokens = segmentation
                .tokens
                .get(sentence.token_begin as usize..sentence.token_end as usize)
                .unwrap_or_default();
            // plain_text is set only for HTML (and empty only when the
            // markup has no text, so no sentence either).
            let html = !response.plain_text.is_empty();
            let text = match sentence.span {
                _ if style.colour && html => highlight_markup(response, number, sentence, tokens),
                Some(span) if style.colour && style.byte_offsets => {
                    highlight(response, number, &sentence.text, span.begin)
                }
                _ => sentence.text.clone(),
            };
            let _ = writeln!(
                out,
                "{:>4}. {}{}",
                number + 1,
                text.replace('\n', " "),
                sentence_tone(number)
            );
            if style.tokens {
                let texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
                let _ = writeln!(out, "      {}", texts.join(" | "));
            }
        }
    }
    if !response.entities.is_empty() {
        let _ = writeln!(out, "\nentities, most salient first:");
        for entity in &response.entities {
            let kind = EntityType::try_from(entity.r#type)
                .map(|t| t.as_str_name())
                .unwrap_or("?");
            let mut mentions: Vec<&str> = Vec::new();
            for m in &entity.mentions {
                if !mentions.contains(&m.text.as_str()) {
                    mentions.push(&m.text);
                }
            }
            let entity_tone = entity
                .sentiment
                .as_ref()
                .map(|s| format!("  [{}]", tone(Some(s))))
                .unwrap_or_default();
            let (on, off) = if style.colour {
                (type_colour(entity.r#type), RESET)
            } else {
                ("", "")
            };
            let _ = writeln!(
                out,
                "  {on}{kind:<12}{off} {:<28} {:.2}  {}×: {}{entity_tone}{}",
                entity.name,
                entity.salience,
                entity.mentions.len(),
                mentions.join(" · "),
                links(entity)
            );
        }
    }
    if !response.topics.is_empty() {
        let _ = writeln!(out, "\ntopics, most salient first:");
        for topic in &response.topics {
            let _ = writeln!(
                out,
                "  {:<12} {:<28} {:.2}  {}:{}  ({})",
                topic.kind,
                topic.name,
                topic.salience,
                topic.source,
                topic.id,
                topic.entity_ids.join(", ")
            );
        }
    }
    if !response.errors.is_empty() {
        let _ = writeln!(out, "\nnot available:");
        for error in &response.errors {
            let code = tonic::Code::from_i32(error.code);
            let _ = writeln!(out, "  {}: {:?}: {}", error.feature, code, error.message);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use copydesk_proto::v1::{FeatureError, Segmentation, Sentence, Token};

    use super::*;

    #[test]
    fn the_summary_numbers_sentences_under_their_paragraphs() {
        let response = AnnotateResponse {
            segmentation: Some(Segmentation {
                sentences: vec![
                    Sentence {
                        text: "One.".to_owned(),
                        token_begin: 0,
                        token_end: 2,
                        paragraph: 0,
                        ..Default::default()
                    },
                    Sentence {
                        text: "Two.".to_owned(),
                        token_begin: 2,
                        token_end: 4,
                        paragraph: 1,
                        ..Default::default()
                    },
                ],
                tokens: ["One", ".", "Two", "."]
                    .iter()
                    .map(|t| Token {
                        text: (*t).to_owned(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            errors: vec![FeatureError {
                feature: "entities".to_owned(),
                code: 12,
                message: "not yet".to_owned(),
            }],
            ..Default::default()
        };
        let style = Style {
            colour: false,
            byte_offsets: true,
            tokens: true,
        };
        let text = summary(&response, &style);
        assert!(text.contains("¶ 1\n   1. One.\n      One | .\n"), "{text}");
        assert!(text.contains("¶ 2\n   2. Two."), "{text}");
        assert!(text.contains("entities: Unimplemented: not yet"), "{text}");
    }

    #[test]
    fn mentions_are_coloured_inside_their_sentence() {
        use copydesk_proto::v1::Span;
        let mention = |begin, end, sentence| Mention {
            span: Some(Span { begin, end }),
            sentence,
            ..Default::default()
        };
        let response = AnnotateResponse {
            entities: vec![Entity {
                r#type: EntityType::Person as i32,
                // "Zoë" in the second sentence, which starts at byte 10;
                // the first mention is in another sentence.
                mentions: vec![mention(0, 3, 0), mention(15, 19, 1)],
                ..Default::default()
            }],
            ..Default::default()
        };
        let text = highlight(&response, 1, "Yes, Zoë said.", 10);
        assert_eq!(text, "Yes, \x1b[1;36mZoë\x1b[0m said.");
        // A span off the character boundaries is left plain.
        assert_eq!(highlight(&response, 1, "Yes, Zoë", 11), "Yes, Zoë");
    }

    /// What the gateway answers for `html`, a sentence of one paragraph:
    /// tokens and mentions with spans in the markup and the text a reader
    /// sees. Each token is given by its markup and its text.
    fn html_response(
        html: &str,
        tokens: &[(&str, &str)],
        mentions: &[(&str, EntityType)],
        encoding: OffsetEncoding,
    ) -> AnnotateResponse {
        use copydesk_proto::v1::{Segmentation, Span};
        let units = |byte: usize| match encoding {
            OffsetEncoding::Utf16 => html[..byte].encode_utf16().count() as u32,
            _ => byte as u32,
        };
        let span = |markup: &str| {
            let begin = html.find(markup).unwrap();
            Some(Span {
                begin: units(begin),
                end: units(begin + markup.len()),
            })
        };
        let tokens: Vec<Token> = tokens
            .iter()
            .map(|(markup, text)| Token {
                span: span(markup),
                text: (*text).to_owned(),
                ..Default::default()
            })
            .collect();
        let text = "Yes, Zoë said \u{201c}Paris\u{201d} to Angela Merkel.";
        AnnotateResponse {
            segmentation: Some(Segmentation {
                sentences: vec![Sentence {
                    span: Some(Span {
                        begin: tokens[0].span.unwrap_or_default().begin,
                        end: tokens[tokens.len() - 1].span.unwrap_or_default().end,
                    }),
                    text: text.to_owned(),
                    token_begin: 0,
                    token_end: tokens.len() as u32,
                    ..Default::default()
                }],
                tokens,
                ..Default::default()
            }),
            entities: mentions
                .iter()
                .map(|(markup, kind)| Entity {
                    r#type: *kind as i32,
                    mentions: vec![Mention {
                        span: span(markup),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
            plain_text: text.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn html_mentions_are_coloured_in_the_text_a_reader_sees() {
        let html = "<p>Yes, <i>Zoë</i> said &ldquo;Paris&rdquo; to <b>Angela</b> Merkel.</p>";
        let tokens = [
            ("Yes", "Yes"),
            (",", ","),
            ("Zoë", "Zoë"),
            ("said", "said"),
            ("&ldquo;", "\u{201c}"),
            ("Paris", "Paris"),
            ("&rdquo;", "\u{201d}"),
            ("to", "to"),
            ("Angela", "Angela"),
            ("Merkel", "Merkel"),
            (".", "."),
        ];
        let mentions = [
            ("Zoë", EntityType::Person),
            ("Paris", EntityType::Location),
            ("Angela</b> Merkel", EntityType::Person),
            // Not on a token's edges: left plain, never misplaced.
            ("erke", EntityType::Misc),
        ];
        let expected = "Yes, \x1b[1;36mZoë\x1b[0m said \u{201c}\x1b[1;32mParis\x1b[0m\u{201d} \
                        to \x1b[1;36mAngela Merkel\x1b[0m.";
        // UTF-16 offsets too: only the markup's spans are compared.
        for encoding in [OffsetEncoding::Utf8, OffsetEncoding::Utf16] {
            let response = html_response(html, &tokens, &mentions, encoding);
            let style = Style {
                colour: true,
                byte_offsets: encoding == OffsetEncoding::Utf8,
                tokens: false,
            };
            let text = summary(&response, &style);
            assert!(
                text.contains(&format!("   1. {expected}\n")),
                "{encoding:?}: {text}"
            );
        }
        // Tokens that are not in the sentence's text: nothing is coloured.
        let mut response = html_response(html, &tokens, &mentions, OffsetEncoding::Utf8);
        if let Some(segmentation) = response.segmentation.as_mut() {
            segmentation.tokens[5].text = "London".to_owned();
        }
        let segmentation = response.segmentation.as_ref().unwrap();
        let sentence = &segmentation.sentences[0];
        assert_eq!(
            highlight_markup(&response, 0, sentence, &segmentation.tokens),
            sentence.text
        );
    }

    #[test]
    fn entities_show_their_links_and_the_topics_follow() {
        use copydesk_proto::v1::{EntityLink, Topic};
        let link = |id: &str, name: &str, kind: &str| EntityLink {
            source: "default".to_owned(),
            id: id.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            ..Default::default()
        };
        let response = AnnotateResponse {
            entities: vec![
                Entity {
                    name: "Ukrainian".to_owned(),
                    r#type: EntityType::Misc as i32,
                    links: vec![link("geonames:690791", "Ukraine", "nationality")],
                    ..Default::default()
                },
                Entity {
                    name: "Kyiv".to_owned(),
                    r#type: EntityType::Location as i32,
                    links: vec![link("geonames:703448", "Kyiv", "city")],
                    origin: EntityOrigin::OriginKnowledgeBase as i32,
                    ..Default::default()
                },
                Entity {
                    name: "Olena".to_owned(),
                    r#type: EntityType::Person as i32,
                    ..Default::default()
                },
            ],
            topics: vec![Topic {
                source: "default".to_owned(),
                id: "geonames:690791".to_owned(),
                name: "Ukraine".to_owned(),
                kind: "country".to_owned(),
                salience: 0.75,
                entity_ids: vec!["e1".to_owned(), "e4".to_owned()],
                url: String::new(),
            }],
            ..Default::default()
        };
        let style = Style {
            colour: false,
            byte_offsets: true,
            tokens: false,
        };
        let text = summary(&response, &style);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[2].starts_with("  MISC         Ukrainian")
                && lines[2].ends_with("  → default:geonames:690791 nationality (Ukraine)"),
            "{text}"
        );
        assert!(
            lines[3].ends_with("  → default:geonames:703448 city  [added from the knowledge base]"),
            "the name is not repeated when it is the entity's: {text}"
        );
        assert!(lines[4].ends_with("0×: "), "no link, nothing added: {text}");
        assert!(
            text.contains(
                "\ntopics, most salient first:\n  country      Ukraine                      0.75  default:geonames:690791  (e1, e4)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn lines_name_the_input_encoding_and_the_rate_has_one_decimal() {
        let line = jsonl_line("a.txt", Some("windows-1252"), "error", &1).unwrap_or_default();
        assert_eq!(
            line,
            r#"{"id":"a.txt","input_encoding":"windows-1252","error":1}"#
        );
        let unread = jsonl_line("b.txt", None, "error", &1).unwrap_or_default();
        assert_eq!(unread, r#"{"id":"b.txt","input_encoding":null,"error":1}"#);
        assert_eq!(rate(12.345_678), "12.3 documents/s");
    }

    #[test]
    fn no_features_means_all_of_them() {
        assert_eq!(features(&[]), None);
        let some = features(&[FeatureArg::Entities]).unwrap_or_default();
        assert!(some.entities && !some.segmentation);
    }
}
