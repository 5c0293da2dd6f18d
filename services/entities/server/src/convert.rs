//! Between `copydesk.v1` messages and the engines' types, spans in UTF-8
//! bytes (the request's encoding is handled in `recognize`).

use std::borrow::Cow;

use copydesk_entities as engine;
use copydesk_ner::ModelDescription;
use copydesk_proto::v1;
use copydesk_segmenter as segmenter;

use crate::error::Error;

/// The NER model as responses and Info report it.
pub fn model_info(description: &ModelDescription) -> v1::ModelInfo {
    v1::ModelInfo {
        name: description.name.clone(),
        version: description.version.clone(),
        sha256: description.sha256.clone(),
        service: crate::SERVER_NAME.to_owned(),
    }
}

/// The numeric and temporal rules and the grouping, built into the code.
pub fn rules_info() -> v1::ModelInfo {
    v1::ModelInfo {
        name: "copydesk-entities-rules".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sha256: String::new(),
        service: crate::SERVER_NAME.to_owned(),
    }
}

/// The segmenter's rules, when this service segmented the text itself.
pub fn segmenter_info() -> v1::ModelInfo {
    v1::ModelInfo {
        name: "copydesk-segmenter-rules".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sha256: String::new(),
        service: crate::SERVER_NAME.to_owned(),
    }
}

pub fn language(language: &segmenter::Language) -> v1::Language {
    v1::Language {
        code: language.code.clone(),
        supported: language.supported,
        confidence: language.confidence,
        detected: language.detected,
    }
}

/// The engine's view of a segmentation whose spans are already UTF-8
/// bytes. Spans are checked against `text` by the engine; here only their
/// presence is. `language` is the document's when the message has none.
pub fn segmentation_from_proto(
    text: &str,
    proto: v1::Segmentation,
    language: segmenter::Language,
) -> Result<segmenter::Segmentation<'static>, Error> {
    let span = |span: Option<v1::Span>, owner: &'static str, index: usize| {
        span.map(|s| segmenter::ByteSpan::new(s.begin as usize, s.end as usize))
            .ok_or(Error::MissingSpan { owner, index })
    };
    let tokens = proto
        .tokens
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let span = span(t.span, "tokens", i)?;
            // A caller may leave `norm` empty; the text is then its form.
            let norm = if t.norm.is_empty() {
                text.get(span.start..span.end)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                t.norm
            };
            Ok(segmenter::Token {
                span,
                kind: token_kind(t.kind),
                norm: Cow::Owned(norm),
                space_after: t.space_after,
            })
        })
        .collect::<Result<_, Error>>()?;
    let sentences = proto
        .sentences
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(segmenter::Sentence {
                span: span(s.span, "sentences", i)?,
                token_start: s.token_begin as usize,
                token_end: s.token_end as usize,
                paragraph: s.paragraph as usize,
                kind: sentence_kind(s.kind),
            })
        })
        .collect::<Result<_, Error>>()?;
    let paragraphs = proto
        .paragraphs
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(segmenter::Paragraph {
                span: span(p.span, "paragraphs", i)?,
                sentence_start: p.sentence_begin as usize,
                sentence_end: p.sentence_end as usize,
            })
        })
        .collect::<Result<_, Error>>()?;
    let language = match proto.language {
        Some(l) if !l.code.is_empty() => segmenter::Language {
            code: l.code,
            supported: l.supported,
            confidence: l.confidence,
            detected: l.detected,
        },
        _ => language,
    };
    Ok(segmenter::Segmentation {
        paragraphs,
        sentences,
        tokens,
        language,
    })
}

/// Unknown kinds are read as words: the kind only guides the rules.
fn token_kind(kind: i32) -> segmenter::TokenKind {
    use segmenter::TokenKind as K;
    match v1::TokenKind::try_from(kind) {
        Ok(v1::TokenKind::Number) => K::Number,
        Ok(v1::TokenKind::Punctuation) => K::Punctuation,
        Ok(v1::TokenKind::Symbol) => K::Symbol,
        Ok(v1::TokenKind::Url) => K::Url,
        Ok(v1::TokenKind::Email) => K::Email,
        Ok(v1::TokenKind::Hashtag) => K::Hashtag,
        Ok(v1::TokenKind::Mention) => K::Mention,
        Ok(v1::TokenKind::Emoji) => K::Emoji,
        Ok(v1::TokenKind::Word | v1::TokenKind::Unspecified) | Err(_) => K::Word,
    }
}

fn sentence_kind(kind: i32) -> segmenter::SentenceKind {
    match v1::SentenceKind::try_from(kind) {
        Ok(v1::SentenceKind::Line) => segmenter::SentenceKind::Line,
        Ok(v1::SentenceKind::ListItem) => segmenter::SentenceKind::ListItem,
        Ok(v1::SentenceKind::Sentence | v1::SentenceKind::Unspecified) | Err(_) => {
            segmenter::SentenceKind::Sentence
        }
    }
}

pub fn entity_type(entity_type: engine::EntityType) -> v1::EntityType {
    use engine::EntityType as E;
    match entity_type {
        E::Person => v1::EntityType::Person,
        E::Organization => v1::EntityType::Organization,
        E::Location => v1::EntityType::Location,
        E::Misc => v1::EntityType::Misc,
        E::Date => v1::EntityType::Date,
        E::Time => v1::EntityType::Time,
        E::Money => v1::EntityType::Money,
        E::Percent => v1::EntityType::Percent,
        E::Quantity => v1::EntityType::Quantity,
        E::Cardinal => v1::EntityType::Cardinal,
        E::Ordinal => v1::EntityType::Ordinal,
    }
}

pub fn fine_type(fine_type: engine::fine_types::FineType) -> v1::FineType {
    use engine::fine_types::FineType as F;
    match fine_type {
        F::Norp => v1::FineType::Norp,
        F::Gpe => v1::FineType::Gpe,
        F::Loc => v1::FineType::Loc,
        F::Fac => v1::FineType::Fac,
        F::Event => v1::FineType::Event,
        F::Law => v1::FineType::Law,
        F::Product => v1::FineType::Product,
        F::WorkOfArt => v1::FineType::WorkOfArt,
        F::Language => v1::FineType::Language,
        F::Org => v1::FineType::Org,
    }
}

fn mention_kind(kind: engine::MentionKind) -> v1::MentionKind {
    match kind {
        engine::MentionKind::Proper => v1::MentionKind::Proper,
        engine::MentionKind::Partial => v1::MentionKind::Partial,
        engine::MentionKind::Acronym => v1::MentionKind::Acronym,
        engine::MentionKind::Value => v1::MentionKind::Value,
    }
}

fn origin(source: engine::Source) -> v1::EntityOrigin {
    match source {
        engine::Source::Model => v1::EntityOrigin::OriginModel,
        engine::Source::Rules => v1::EntityOrigin::OriginRules,
    }
}

/// The entities as protobuf, in the engine's order (most salient first),
/// with ids "e1", "e2", ... and byte spans.
pub fn entities(entities: Vec<engine::Entity>) -> Vec<v1::Entity> {
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    entities
        .into_iter()
        .enumerate()
        .map(|(i, e)| v1::Entity {
            id: format!("e{}", i + 1),
            name: e.name,
            r#type: entity_type(e.entity_type) as i32,
            origin: origin(e.entity_type.source()) as i32,
            fine_type: e.fine_type.map_or(v1::FineType::Unspecified, fine_type) as i32,
            salience: e.salience,
            mentions: e
                .mentions
                .into_iter()
                .map(|m| v1::Mention {
                    span: Some(v1::Span {
                        begin: index(m.span.start),
                        end: index(m.span.end),
                    }),
                    text: m.text,
                    kind: mention_kind(m.kind) as i32,
                    sentence: index(m.sentence),
                    sentiment: None,
                })
                .collect(),
            sentiment: None,
            links: Vec::new(),
            metadata: e.metadata.into_iter().collect(),
        })
        .collect()
}

/// Every entity type with what it covers and what finds it.
pub fn entity_types() -> v1::ListEntityTypesResponse {
    v1::ListEntityTypesResponse {
        types: engine::EntityType::ALL
            .into_iter()
            .map(|t| v1::EntityTypeInfo {
                r#type: entity_type(t) as i32,
                description: t.description().to_owned(),
                source: t.source().as_str().to_owned(),
            })
            .collect(),
    }
}
