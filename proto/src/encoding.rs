//! Converts every `Span` of a `copydesk.v1` message between UTF-8 bytes,
//! which the services work in, and the `OffsetEncoding` a client asks for.
//!
//! Services always compute in UTF-8 bytes and convert once, at the edge, with
//! [`encode_spans`]; a message whose spans a client sent in its own unit is
//! brought back to bytes with [`decode_spans`]. A span that does not fall on
//! character boundaries of the text is an error, never a panic or a silently
//! shifted offset.

use std::fmt;

use copydesk_offsets::{OffsetError, OffsetMapper, Unit};

use crate::v1::{
    AnalyzeResponse, AnnotateResponse, Entity, Mention, OffsetEncoding, RecognizeResponse,
    SegmentResponse, Segmentation, SentenceSentiment, Span,
};

/// The unit of [`copydesk_offsets`] that an `OffsetEncoding` counts in.
pub fn unit_of(encoding: OffsetEncoding) -> Unit {
    match encoding {
        OffsetEncoding::Utf8 => Unit::Utf8,
        OffsetEncoding::Utf16 => Unit::Utf16,
        OffsetEncoding::Utf32 => Unit::CodePoint,
    }
}

/// A span that cannot be converted: one of its offsets is inside a character
/// or beyond the end of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanError {
    /// What the span belongs to ("token", "sentence", "mention", ...).
    pub owner: &'static str,
    /// Position of the owner in its list.
    pub index: usize,
    /// The offending offset.
    pub offset: OffsetError,
}

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "span of {} {}: {}", self.owner, self.index, self.offset)
    }
}

impl std::error::Error for SpanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.offset)
    }
}

/// Something that holds spans. The visitor gets each span with the name and
/// index of what it belongs to, so that an error can say where it is.
pub trait HasSpans {
    fn visit_spans(
        &mut self,
        visit: &mut dyn FnMut(&mut Span, &'static str, usize) -> Result<(), SpanError>,
    ) -> Result<(), SpanError>;
}

/// Converts every span of `message` from UTF-8 byte offsets into `text` to
/// `encoding`.
pub fn encode_spans<M: HasSpans + ?Sized>(
    message: &mut M,
    text: &str,
    encoding: OffsetEncoding,
) -> Result<(), SpanError> {
    let mapper = OffsetMapper::new(text, unit_of(encoding));
    message.visit_spans(&mut |span, owner, index| {
        let wrap = |offset| SpanError {
            owner,
            index,
            offset,
        };
        let begin = mapper.to_units(span.begin as usize).map_err(wrap)?;
        let end = mapper.to_units(span.end as usize).map_err(wrap)?;
        *span = Span { begin, end };
        Ok(())
    })
}

/// Converts every span of `message` from `encoding` back to UTF-8 byte
/// offsets into `text`.
pub fn decode_spans<M: HasSpans + ?Sized>(
    message: &mut M,
    text: &str,
    encoding: OffsetEncoding,
) -> Result<(), SpanError> {
    let mapper = OffsetMapper::new(text, unit_of(encoding));
    message.visit_spans(&mut |span, owner, index| {
        let wrap = |offset| SpanError {
            owner,
            index,
            offset,
        };
        let to_u32 = |byte: usize| u32::try_from(byte).unwrap_or(u32::MAX);
        let begin = mapper.to_bytes(span.begin).map_err(wrap)?;
        let end = mapper.to_bytes(span.end).map_err(wrap)?;
        *span = Span {
            begin: to_u32(begin),
            end: to_u32(end),
        };
        Ok(())
    })
}

type Visitor<'v> = &'v mut dyn FnMut(&mut Span, &'static str, usize) -> Result<(), SpanError>;

fn visit_one(
    span: &mut Option<Span>,
    owner: &'static str,
    index: usize,
    visit: Visitor<'_>,
) -> Result<(), SpanError> {
    match span {
        Some(span) => visit(span, owner, index),
        None => Ok(()),
    }
}

impl HasSpans for Segmentation {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        for (i, p) in self.paragraphs.iter_mut().enumerate() {
            visit_one(&mut p.span, "paragraph", i, visit)?;
        }
        for (i, s) in self.sentences.iter_mut().enumerate() {
            visit_one(&mut s.span, "sentence", i, visit)?;
        }
        for (i, t) in self.tokens.iter_mut().enumerate() {
            visit_one(&mut t.span, "token", i, visit)?;
        }
        Ok(())
    }
}

impl HasSpans for Mention {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        visit_one(&mut self.span, "mention", 0, visit)
    }
}

impl HasSpans for Entity {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        for (i, m) in self.mentions.iter_mut().enumerate() {
            visit_one(&mut m.span, "mention", i, visit)?;
        }
        Ok(())
    }
}

impl HasSpans for SentenceSentiment {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        let index = self.sentence as usize;
        visit_one(&mut self.span, "sentence sentiment", index, visit)
    }
}

impl<T: HasSpans> HasSpans for [T] {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.iter_mut().try_for_each(|item| item.visit_spans(visit))
    }
}

impl<T: HasSpans> HasSpans for Vec<T> {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.as_mut_slice().visit_spans(visit)
    }
}

impl<T: HasSpans> HasSpans for Option<T> {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.as_mut()
            .map_or(Ok(()), |inner| inner.visit_spans(visit))
    }
}

impl HasSpans for AnnotateResponse {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.segmentation.visit_spans(visit)?;
        self.entities.visit_spans(visit)?;
        self.sentences.visit_spans(visit)
    }
}

impl HasSpans for SegmentResponse {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.segmentation.visit_spans(visit)
    }
}

impl HasSpans for RecognizeResponse {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.entities.visit_spans(visit)
    }
}

impl HasSpans for AnalyzeResponse {
    fn visit_spans(&mut self, visit: Visitor<'_>) -> Result<(), SpanError> {
        self.sentences.visit_spans(visit)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::v1::{Paragraph, Sentence, Token};

    const TEXT: &str = "“Moon Jae-in” — said 😀 in 首尔.";

    fn span_of(text: &str, needle: &str) -> Span {
        let begin = text.find(needle).unwrap();
        Span {
            begin: begin as u32,
            end: (begin + needle.len()) as u32,
        }
    }

    /// What a client would compute: the needle's position in its own unit.
    fn expected(text: &str, needle: &str, encoding: OffsetEncoding) -> Span {
        let begin = text.find(needle).unwrap();
        let count = |s: &str| -> u32 {
            match encoding {
                OffsetEncoding::Utf8 => s.len() as u32,
                OffsetEncoding::Utf16 => s.encode_utf16().count() as u32,
                OffsetEncoding::Utf32 => s.chars().count() as u32,
            }
        };
        let b = count(&text[..begin]);
        Span {
            begin: b,
            end: b + count(needle),
        }
    }

    fn response(needles: &[&str]) -> AnnotateResponse {
        let tokens = needles
            .iter()
            .map(|n| Token {
                span: Some(span_of(TEXT, n)),
                text: (*n).to_owned(),
                ..Default::default()
            })
            .collect();
        AnnotateResponse {
            segmentation: Some(Segmentation {
                paragraphs: vec![Paragraph {
                    span: Some(Span {
                        begin: 0,
                        end: TEXT.len() as u32,
                    }),
                    ..Default::default()
                }],
                sentences: vec![Sentence {
                    span: Some(Span {
                        begin: 0,
                        end: TEXT.len() as u32,
                    }),
                    ..Default::default()
                }],
                tokens,
                language: None,
            }),
            entities: vec![Entity {
                mentions: vec![Mention {
                    span: Some(span_of(TEXT, "首尔")),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            sentences: vec![SentenceSentiment {
                span: Some(span_of(TEXT, "said")),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    const NEEDLES: &[&str] = &["“", "Moon", "”", "—", "said", "😀", "in", "首尔", "."];

    #[test]
    fn every_span_converts_to_each_encoding_and_back() {
        for encoding in [
            OffsetEncoding::Utf8,
            OffsetEncoding::Utf16,
            OffsetEncoding::Utf32,
        ] {
            let original = response(NEEDLES);
            let mut converted = original.clone();
            encode_spans(&mut converted, TEXT, encoding).unwrap();
            let segmentation = converted.segmentation.as_ref().unwrap();
            for (token, needle) in segmentation.tokens.iter().zip(NEEDLES) {
                assert_eq!(
                    token.span,
                    Some(expected(TEXT, needle, encoding)),
                    "{needle} in {encoding:?}"
                );
            }
            let whole = expected(TEXT, TEXT, encoding);
            assert_eq!(segmentation.paragraphs[0].span, Some(whole));
            assert_eq!(segmentation.sentences[0].span, Some(whole));
            assert_eq!(
                converted.entities[0].mentions[0].span,
                Some(expected(TEXT, "首尔", encoding))
            );
            assert_eq!(
                converted.sentences[0].span,
                Some(expected(TEXT, "said", encoding))
            );

            decode_spans(&mut converted, TEXT, encoding).unwrap();
            assert_eq!(converted, original, "round trip in {encoding:?}");
        }
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_one_code_point() {
        let mut seg = Segmentation {
            tokens: vec![Token {
                span: Some(span_of(TEXT, "😀")),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut utf16 = seg.clone();
        encode_spans(&mut utf16, TEXT, OffsetEncoding::Utf16).unwrap();
        let span = utf16.tokens[0].span.unwrap();
        assert_eq!(span.end - span.begin, 2);
        encode_spans(&mut seg, TEXT, OffsetEncoding::Utf32).unwrap();
        let span = seg.tokens[0].span.unwrap();
        assert_eq!(span.end - span.begin, 1);
    }

    #[test]
    fn a_span_inside_a_character_is_an_error_naming_its_owner() {
        // Byte 1 is inside the opening curly quote (3 bytes).
        let mut seg = Segmentation {
            tokens: vec![
                Token {
                    span: Some(Span { begin: 0, end: 3 }),
                    ..Default::default()
                },
                Token {
                    span: Some(Span { begin: 1, end: 3 }),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let error = encode_spans(&mut seg, TEXT, OffsetEncoding::Utf16).unwrap_err();
        assert_eq!((error.owner, error.index), ("token", 1));
        assert!(error.to_string().contains("inside a character"), "{error}");
    }

    #[test]
    fn a_span_past_the_end_is_an_error_in_every_encoding() {
        for encoding in [
            OffsetEncoding::Utf8,
            OffsetEncoding::Utf16,
            OffsetEncoding::Utf32,
        ] {
            let end = TEXT.len() as u32 + 1;
            let mut seg = Segmentation {
                sentences: vec![Sentence {
                    span: Some(Span { begin: 0, end }),
                    ..Default::default()
                }],
                ..Default::default()
            };
            let error = encode_spans(&mut seg, TEXT, encoding).unwrap_err();
            assert_eq!(error.owner, "sentence");
            assert!(error.to_string().contains("beyond the end"), "{error}");
            let mut seg = Segmentation {
                sentences: vec![Sentence {
                    span: Some(Span {
                        begin: 0,
                        end: 10_000,
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            };
            assert!(decode_spans(&mut seg, TEXT, encoding).is_err());
        }
    }

    #[test]
    fn decoding_a_utf16_offset_between_surrogates_is_an_error() {
        let emoji = expected(TEXT, "😀", OffsetEncoding::Utf16);
        let mut seg = Segmentation {
            tokens: vec![Token {
                span: Some(Span {
                    begin: emoji.begin + 1,
                    end: emoji.end,
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(decode_spans(&mut seg, TEXT, OffsetEncoding::Utf16).is_err());
    }

    #[test]
    fn missing_spans_and_empty_text_are_fine() {
        let mut response = AnnotateResponse {
            segmentation: Some(Segmentation {
                tokens: vec![Token::default()],
                ..Default::default()
            }),
            ..Default::default()
        };
        response.segmentation.as_mut().unwrap().tokens[0].span = None;
        encode_spans(&mut response, "", OffsetEncoding::Utf16).unwrap();
        let mut empty = AnnotateResponse::default();
        encode_spans(&mut empty, "", OffsetEncoding::Utf32).unwrap();
    }
}
