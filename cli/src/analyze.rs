//! `copydesk analyze`: send a text to a gateway and show what came back.

use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, Document, EntityType, Features, OffsetEncoding, Sentiment,
    SentimentLabel,
};
use tonic::transport::Endpoint;

/// Responses carry every token; allow far more than the default 4 MiB.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The text file to analyse; "-" or nothing: standard input.
    file: Option<PathBuf>,

    /// The gateway's address.
    #[arg(long, env = "COPYDESK_ADDR", default_value = "http://127.0.0.1:50051")]
    addr: String,

    /// Print the response as proto3 JSON instead of a readable summary.
    #[arg(long)]
    json: bool,

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
}

pub async fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let text = read_text(args.file.as_ref())?;
    let request = AnnotateRequest {
        document: Some(Document {
            id: String::new(),
            text: text.clone(),
            language_code: args.language.clone().unwrap_or_default(),
            content_type: 0,
        }),
        features: features(&args.features),
        encoding: match args.encoding {
            EncodingArg::Utf8 => OffsetEncoding::Utf8,
            EncodingArg::Utf16 => OffsetEncoding::Utf16,
            EncodingArg::Utf32 => OffsetEncoding::Utf32,
        } as i32,
    };
    let channel = Endpoint::from_shared(args.addr.clone())
        .with_context(|| format!("bad address {:?}", args.addr))?
        .connect()
        .await
        .with_context(|| format!("cannot reach the gateway at {}", args.addr))?;
    let mut client = AnnotatorClient::new(channel).max_decoding_message_size(MAX_RESPONSE_BYTES);
    let response = client
        .annotate(request)
        .await
        .map_err(|status| anyhow::anyhow!("{:?}: {}", status.code(), status.message()))?
        .into_inner();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
    } else {
        print!("{}", summary(&response, args.tokens));
    }
    Ok(())
}

fn read_text(file: Option<&PathBuf>) -> anyhow::Result<String> {
    match file {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {} as UTF-8 text", path.display())),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input as UTF-8 text")?;
            Ok(text)
        }
    }
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
    })
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

/// The response for people: language and tone, then paragraphs with their
/// numbered sentences and each sentence's tone, then the entities, then
/// what could not be done.
fn summary(response: &AnnotateResponse, show_tokens: bool) -> String {
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
            .map(|s| format!("  [{}]", tone(s.sentiment.as_ref())))
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
            let _ = writeln!(
                out,
                "{:>4}. {}{}",
                number + 1,
                sentence.text.replace('\n', " "),
                sentence_tone(number)
            );
            if show_tokens {
                let tokens = segmentation
                    .tokens
                    .get(sentence.token_begin as usize..sentence.token_end as usize)
                    .unwrap_or_default();
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
            let _ = writeln!(
                out,
                "  {kind:<12} {:<28} {:.2}  {}×: {}{entity_tone}",
                entity.name,
                entity.salience,
                entity.mentions.len(),
                mentions.join(" · ")
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
        let text = summary(&response, true);
        assert!(text.contains("¶ 1\n   1. One.\n      One | .\n"), "{text}");
        assert!(text.contains("¶ 2\n   2. Two."), "{text}");
        assert!(text.contains("entities: Unimplemented: not yet"), "{text}");
    }

    #[test]
    fn no_features_means_all_of_them() {
        assert_eq!(features(&[]), None);
        let some = features(&[FeatureArg::Entities]).unwrap_or_default();
        assert!(some.entities && !some.segmentation);
    }
}
