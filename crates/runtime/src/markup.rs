//! HTML documents: analysed as the text a reader sees, answered in the
//! markup's own coordinates. The text is extracted once (copydesk-html),
//! the engines work on it, and every span of the answer is mapped back
//! through the extraction's source map before it is converted to the
//! caller's offset encoding, so `html[begin..end]` is the markup that
//! produced what the span covers.

use copydesk_html::SourceMap;
use copydesk_proto::encoding::{HasSpans, SpanError, encode_spans};
use copydesk_proto::v1::{ContentType, Document, OffsetEncoding};

use crate::request::RequestError;

/// The markup a document arrived as, and where its text came from in it.
#[derive(Clone, Debug)]
pub struct Markup {
    /// The document as the caller sent it.
    pub html: String,
    /// From offsets in the extracted text to offsets in `html`.
    pub map: SourceMap,
}

/// When `document` is HTML, replaces its text with the text a reader sees
/// (and its content type with plain text, so services downstream read it
/// as it is now) and returns the markup; plain text is left as it is.
pub fn extract_markup(document: &mut Document) -> Result<Option<Markup>, RequestError> {
    match ContentType::try_from(document.content_type) {
        Ok(ContentType::Html) => {}
        Ok(ContentType::PlainText | ContentType::Unspecified) => return Ok(None),
        Err(_) => {
            return Err(RequestError::UnknownEnumValue {
                field: "document.content_type",
                value: document.content_type,
            });
        }
    }
    let extracted = copydesk_html::extract(&document.text);
    let html = std::mem::replace(&mut document.text, extracted.text);
    document.content_type = ContentType::PlainText as i32;
    Ok(Some(Markup {
        html,
        map: extracted.map,
    }))
}

/// Converts every span of `message`, computed in UTF-8 bytes of `text`,
/// to `encoding`: of the markup when the document was HTML, else of
/// `text`.
pub fn encode_document_spans<M: HasSpans + ?Sized>(
    message: &mut M,
    text: &str,
    markup: Option<&Markup>,
    encoding: OffsetEncoding,
) -> Result<(), SpanError> {
    let Some(markup) = markup else {
        return encode_spans(message, text, encoding);
    };
    message.visit_spans(&mut |span, _owner, _index| {
        let source = markup.map.to_source(span.begin as usize..span.end as usize);
        span.begin = u32::try_from(source.start).unwrap_or(u32::MAX);
        span.end = u32::try_from(source.end).unwrap_or(u32::MAX);
        Ok(())
    })?;
    encode_spans(message, &markup.html, encoding)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use copydesk_proto::v1::{Mention, Span};

    use super::*;

    fn html_document(text: &str) -> Document {
        Document {
            text: text.to_owned(),
            content_type: ContentType::Html as i32,
            ..Default::default()
        }
    }

    #[test]
    fn html_is_read_as_its_text_and_spans_come_back_in_the_markup() {
        let html = "<h1>Typhoon</h1><p><b>Tsai</b> Ing-wen&rsquo;s visit to 東京</p>";
        let mut document = html_document(html);
        let markup = extract_markup(&mut document).unwrap().unwrap();
        assert_eq!(document.text, "Typhoon\n\nTsai Ing-wen’s visit to 東京");
        assert_eq!(document.content_type, ContentType::PlainText as i32);

        let at = |needle: &str| {
            let start = document.text.find(needle).unwrap();
            Span {
                begin: start as u32,
                end: (start + needle.len()) as u32,
            }
        };
        for (needle, markup_text) in [
            ("Tsai Ing-wen", "Tsai</b> Ing-wen"),
            ("’s", "&rsquo;s"),
            ("東京", "東京"),
        ] {
            let mut mention = Mention {
                span: Some(at(needle)),
                ..Default::default()
            };
            encode_document_spans(
                &mut mention,
                &document.text,
                Some(&markup),
                OffsetEncoding::Utf8,
            )
            .unwrap();
            let span = mention.span.unwrap();
            assert_eq!(&html[span.begin as usize..span.end as usize], markup_text);

            // UTF-16 and code points count in the markup too.
            let mut mention = Mention {
                span: Some(at(needle)),
                ..Default::default()
            };
            encode_document_spans(
                &mut mention,
                &document.text,
                Some(&markup),
                OffsetEncoding::Utf32,
            )
            .unwrap();
            let span = mention.span.unwrap();
            let chars: Vec<char> = html.chars().collect();
            let sliced: String = chars[span.begin as usize..span.end as usize]
                .iter()
                .collect();
            assert_eq!(sliced, markup_text);
        }
    }

    #[test]
    fn plain_text_is_left_alone() {
        let mut document = Document {
            text: "<b>not markup</b>".to_owned(),
            ..Default::default()
        };
        assert!(extract_markup(&mut document).unwrap().is_none());
        assert_eq!(document.text, "<b>not markup</b>");
        document.content_type = 42;
        assert!(extract_markup(&mut document).is_err());
    }
}
