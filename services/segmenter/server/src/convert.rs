//! The engine's output as `copydesk.v1` messages, spans in UTF-8 bytes.

use copydesk_proto::v1;
use copydesk_segmenter as engine;

use crate::error::Error;

/// The rule set this service runs.
pub fn model_info() -> v1::ModelInfo {
    v1::ModelInfo {
        name: "copydesk-segmenter-rules".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sha256: String::new(),
        service: crate::SERVER_NAME.to_owned(),
    }
}

pub fn language(language: &engine::Language) -> v1::Language {
    v1::Language {
        code: language.code.clone(),
        supported: language.supported,
        confidence: language.confidence,
        detected: language.detected,
    }
}

/// The protobuf segmentation of `text`, with byte spans. Every span is
/// checked against the text, so a faulty engine gives an error, not a panic.
pub fn segmentation(
    text: &str,
    segmentation: &engine::Segmentation<'_>,
) -> Result<v1::Segmentation, Error> {
    let slice = |span: engine::ByteSpan| -> Result<(&str, v1::Span), Error> {
        let invalid = || Error::EngineSpan {
            start: span.start,
            end: span.end,
            len: text.len(),
        };
        let piece = text.get(span.start..span.end).ok_or_else(invalid)?;
        let begin = u32::try_from(span.start).map_err(|_| invalid())?;
        let end = u32::try_from(span.end).map_err(|_| invalid())?;
        Ok((piece, v1::Span { begin, end }))
    };
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);

    let paragraphs = segmentation
        .paragraphs
        .iter()
        .map(|p| {
            let (_, span) = slice(p.span)?;
            Ok(v1::Paragraph {
                span: Some(span),
                sentence_begin: index(p.sentence_start),
                sentence_end: index(p.sentence_end),
            })
        })
        .collect::<Result<_, Error>>()?;
    let sentences = segmentation
        .sentences
        .iter()
        .map(|s| {
            let (piece, span) = slice(s.span)?;
            Ok(v1::Sentence {
                span: Some(span),
                text: piece.to_owned(),
                token_begin: index(s.token_start),
                token_end: index(s.token_end),
                paragraph: index(s.paragraph),
                kind: sentence_kind(s.kind) as i32,
            })
        })
        .collect::<Result<_, Error>>()?;
    let tokens = segmentation
        .tokens
        .iter()
        .map(|t| {
            let (piece, span) = slice(t.span)?;
            Ok(v1::Token {
                span: Some(span),
                text: piece.to_owned(),
                norm: t.norm.clone().into_owned(),
                kind: token_kind(t.kind) as i32,
                space_after: t.space_after,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(v1::Segmentation {
        paragraphs,
        sentences,
        tokens,
        language: Some(language(&segmentation.language)),
    })
}

fn token_kind(kind: engine::TokenKind) -> v1::TokenKind {
    match kind {
        engine::TokenKind::Word => v1::TokenKind::Word,
        engine::TokenKind::Number => v1::TokenKind::Number,
        engine::TokenKind::Punctuation => v1::TokenKind::Punctuation,
        engine::TokenKind::Symbol => v1::TokenKind::Symbol,
        engine::TokenKind::Url => v1::TokenKind::Url,
        engine::TokenKind::Email => v1::TokenKind::Email,
        engine::TokenKind::Hashtag => v1::TokenKind::Hashtag,
        engine::TokenKind::Mention => v1::TokenKind::Mention,
        engine::TokenKind::Emoji => v1::TokenKind::Emoji,
    }
}

fn sentence_kind(kind: engine::SentenceKind) -> v1::SentenceKind {
    match kind {
        engine::SentenceKind::Sentence => v1::SentenceKind::Sentence,
        engine::SentenceKind::Line => v1::SentenceKind::Line,
        engine::SentenceKind::ListItem => v1::SentenceKind::ListItem,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::borrow::Cow;

    use super::*;

    #[test]
    fn tokens_and_sentences_carry_their_text() {
        let text = "Hi “you”.";
        let tokens = [
            (0, 2, engine::TokenKind::Word),
            (3, 6, engine::TokenKind::Punctuation),
            (6, 9, engine::TokenKind::Word),
        ]
        .into_iter()
        .map(|(start, end, kind)| engine::Token {
            span: engine::ByteSpan::new(start, end),
            kind,
            norm: Cow::Borrowed(&text[start..end]),
            space_after: end == 2,
        })
        .collect();
        let engine_output = engine::Segmentation {
            paragraphs: vec![engine::Paragraph {
                span: engine::ByteSpan::new(0, 9),
                sentence_start: 0,
                sentence_end: 1,
            }],
            sentences: vec![engine::Sentence {
                span: engine::ByteSpan::new(0, 9),
                token_start: 0,
                token_end: 3,
                paragraph: 0,
                kind: engine::SentenceKind::Sentence,
            }],
            tokens,
            language: engine::Language::given("en"),
        };
        let proto = segmentation(text, &engine_output).unwrap();
        assert_eq!(proto.tokens[1].text, "“");
        assert_eq!(proto.tokens[1].kind, v1::TokenKind::Punctuation as i32);
        assert!(proto.tokens[0].space_after);
        assert_eq!(proto.sentences[0].text, "Hi “you");
        assert_eq!(
            (proto.sentences[0].token_begin, proto.sentences[0].token_end),
            (0, 3)
        );
        assert_eq!(proto.language.unwrap().code, "en");
    }

    #[test]
    fn a_span_inside_a_character_is_an_error_not_a_panic() {
        let text = "“x”";
        let engine_output = engine::Segmentation {
            tokens: vec![engine::Token {
                span: engine::ByteSpan::new(1, 4),
                kind: engine::TokenKind::Word,
                norm: Cow::Borrowed("x"),
                space_after: false,
            }],
            ..Default::default()
        };
        assert!(matches!(
            segmentation(text, &engine_output),
            Err(Error::EngineSpan { .. })
        ));
    }
}
