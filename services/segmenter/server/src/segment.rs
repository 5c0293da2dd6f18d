//! One segmentation request: checked, segmented, converted.

use std::sync::Arc;
use std::time::Instant;

use copydesk_proto::v1::{
    OffsetEncoding, ResponseMeta, SegmentRequest, SegmentResponse, StageTiming,
};
use copydesk_runtime::{
    Markup, StageTimer, check_document, check_size, count_tokens, encode_document_spans,
    extract_markup, offset_encoding,
};
use copydesk_segmenter::Segmenter;

use crate::convert;
use crate::error::Error;

/// Texts up to this size are segmented on the async executor: handing
/// them to a worker thread would cost more than segmenting them.
const INLINE_BYTES: usize = 16 * 1024;

/// A request that passed every check.
#[derive(Debug)]
pub struct Checked {
    pub document_id: String,
    pub text: String,
    pub language_code: String,
    pub encoding: OffsetEncoding,
    /// The markup, when the document came as HTML: `text` is then what a
    /// reader sees and every span is answered in the markup.
    pub markup: Option<Markup>,
}

/// Checks `request` against the contract and the size limit (of the
/// document as sent, markup included); reads HTML as its text.
pub fn check(mut request: SegmentRequest, max_document_bytes: usize) -> Result<Checked, Error> {
    let encoding = offset_encoding(request.encoding)?;
    let markup = match request.document.as_mut() {
        Some(document) => {
            check_size(&document.text, max_document_bytes)?;
            extract_markup(document)?
        }
        None => None,
    };
    let document = check_document(request.document, max_document_bytes)?;
    Ok(Checked {
        document_id: document.id,
        text: document.text,
        language_code: document.language_code,
        encoding,
        markup,
    })
}

/// Segments a checked request: CPU-bound, call it where blocking is fine.
pub fn segment_checked(segmenter: &Segmenter, request: &Checked) -> Result<SegmentResponse, Error> {
    let started = Instant::now();
    let language = (!request.language_code.is_empty()).then_some(request.language_code.as_str());
    // Counts as i64: tracing-opentelemetry would export a u64 as text.
    let stage = tracing::info_span!(
        "segmentation",
        document.bytes = request.text.len() as i64,
        sentences = tracing::field::Empty,
        tokens = tracing::field::Empty,
    )
    .entered();
    let timer = StageTimer::start(crate::SERVER_NAME, "segmentation");
    let output = segmenter.segment(&request.text, language);
    drop(timer);
    stage.record("sentences", output.sentences.len() as i64);
    stage.record("tokens", output.tokens.len() as i64);
    count_tokens(crate::SERVER_NAME, output.tokens.len());
    let mut segmentation = convert::segmentation(&request.text, &output)?;
    encode_document_spans(
        &mut segmentation,
        &request.text,
        request.markup.as_ref(),
        request.encoding,
    )?;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    Ok(SegmentResponse {
        meta: Some(ResponseMeta {
            language: segmentation.language.clone(),
            models: vec![convert::model_info()],
            timings: vec![StageTiming {
                stage: crate::SERVER_NAME.to_owned(),
                micros,
            }],
            encoding: request.encoding as i32,
        }),
        segmentation: Some(segmentation),
        document_id: request.document_id.clone(),
        plain_text: match request.markup {
            Some(_) => request.text.clone(),
            None => String::new(),
        },
    })
}

/// Checks and segments `request`; large texts on a blocking worker thread so
/// that the executor keeps serving other calls (and health checks).
pub async fn segment(
    segmenter: &Arc<Segmenter>,
    request: SegmentRequest,
    max_document_bytes: usize,
) -> Result<SegmentResponse, Error> {
    let checked = check(request, max_document_bytes)?;
    if checked.text.len() <= INLINE_BYTES {
        return segment_checked(segmenter, &checked);
    }
    let segmenter = Arc::clone(segmenter);
    // The worker thread works in the request's span: stage spans are its children.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| segment_checked(&segmenter, &checked)))
        .await?
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use copydesk_proto::v1::{ContentType, Document};
    use copydesk_runtime::RequestError;

    use super::*;

    fn request(text: &str) -> SegmentRequest {
        SegmentRequest {
            document: Some(Document {
                text: text.to_owned(),
                ..Default::default()
            }),
            encoding: 0,
        }
    }

    #[test]
    fn oversized_text_names_the_limit_and_the_size() {
        let error = check(request("0123456789"), 4).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("10 bytes") && message.contains("limit of 4 bytes"),
            "{message}"
        );
        assert_eq!(
            tonic::Status::from(error).code(),
            tonic::Code::InvalidArgument
        );
    }

    #[test]
    fn unknown_enums_and_missing_documents_are_invalid_arguments() {
        let mut encoding = request("x");
        encoding.encoding = 9;
        assert!(matches!(
            check(encoding, 100),
            Err(Error::Request(RequestError::UnknownEnumValue {
                field: "encoding",
                ..
            }))
        ));
        let mut content_type = request("x");
        content_type.document.as_mut().unwrap().content_type = 7;
        assert!(matches!(
            check(content_type, 100),
            Err(Error::Request(RequestError::UnknownEnumValue {
                field: "document.content_type",
                ..
            }))
        ));
        assert!(matches!(
            check(SegmentRequest::default(), 100),
            Err(Error::Request(RequestError::MissingDocument))
        ));
    }

    #[tokio::test]
    async fn html_is_segmented_as_its_text_with_spans_in_the_markup() {
        let html = "<h2>Typhoon nears Taitung</h2><p>Premier <b>Cho</b> Jung-tai spoke. &ldquo;We are ready,&rdquo; he said.</p>";
        let mut req = request(html);
        req.document.as_mut().unwrap().content_type = ContentType::Html as i32;
        let segmenter = Arc::new(Segmenter::new());
        let response = segment(&segmenter, req, 1 << 20).await.unwrap();
        assert_eq!(
            response.plain_text,
            "Typhoon nears Taitung\n\nPremier Cho Jung-tai spoke. “We are ready,” he said."
        );
        let segmentation = response.segmentation.unwrap();
        let slice = |span: Option<copydesk_proto::v1::Span>| {
            let span = span.unwrap();
            &html[span.begin as usize..span.end as usize]
        };
        let sentences: Vec<&str> = segmentation
            .sentences
            .iter()
            .map(|s| slice(s.span))
            .collect();
        assert_eq!(
            sentences,
            [
                "Typhoon nears Taitung",
                "Premier <b>Cho</b> Jung-tai spoke.",
                "&ldquo;We are ready,&rdquo; he said."
            ]
        );
        let quote = segmentation.tokens.iter().find(|t| t.text == "“").unwrap();
        assert_eq!(slice(quote.span), "&ldquo;");
    }

    #[test]
    fn the_size_limit_applies_to_the_html_as_sent() {
        let mut req = request(&format!("<p>{}</p>", " ".repeat(50)));
        req.document.as_mut().unwrap().content_type = ContentType::Html as i32;
        assert!(matches!(
            check(req, 20),
            Err(Error::Request(RequestError::DocumentTooLarge {
                size: 57,
                limit: 20
            }))
        ));
    }

    #[tokio::test]
    async fn empty_and_large_texts_segment_without_failing() {
        let segmenter = Arc::new(Segmenter::new());
        let empty = segment(&segmenter, request(""), 100).await.unwrap();
        let segmentation = empty.segmentation.unwrap();
        assert!(segmentation.tokens.is_empty() && segmentation.sentences.is_empty());
        let large = "Words follow words. ".repeat(2_000);
        let response = segment(&segmenter, request(&large), 1 << 20).await.unwrap();
        assert_eq!(
            response.meta.unwrap().models[0].name,
            "copydesk-segmenter-rules"
        );
    }
}
