//! One entity request: checked, segmented (or its segmentation brought to
//! bytes), recognised, converted to the request's encoding.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use copydesk_entities::recognizer::{check_language, check_segmentation};
use copydesk_proto::encoding::{decode_spans, encode_spans};
use copydesk_proto::v1::{
    OffsetEncoding, RecognizeRequest, RecognizeResponse, ResponseMeta, Segmentation, StageTiming,
};
use copydesk_runtime::{StageTimer, check_document, count_tokens, offset_encoding};
use copydesk_segmenter::{Language, Segmenter};

use crate::convert;
use crate::error::Error;
use crate::model_slot::ModelSlot;

/// A request that passed the checks that need no work.
#[derive(Debug)]
pub struct Checked {
    pub document_id: String,
    pub text: String,
    pub language_code: String,
    pub encoding: OffsetEncoding,
    pub segmentation: Option<Segmentation>,
}

/// Checks `request` against the contract and the size limit.
pub fn check(request: RecognizeRequest, max_document_bytes: usize) -> Result<Checked, Error> {
    let encoding = offset_encoding(request.encoding)?;
    let document = check_document(request.document, max_document_bytes)?;
    Ok(Checked {
        document_id: document.id,
        text: document.text,
        language_code: document.language_code,
        encoding,
        segmentation: request.segmentation,
    })
}

fn micros(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Recognises a checked request: CPU-bound, call it where blocking is
/// fine. Every check of the input comes before the model is asked for, so
/// a bad request gets its own error even while the model loads. Stops
/// early once `abandoned` is set.
pub fn recognize_checked(
    slot: &ModelSlot,
    segmenter: &Segmenter,
    request: Checked,
    abandoned: &AtomicBool,
) -> Result<RecognizeResponse, Error> {
    let Checked {
        document_id,
        text,
        language_code,
        encoding,
        segmentation,
    } = request;
    let mut timings = Vec::new();
    let mut models = Vec::new();
    let given = (!language_code.is_empty()).then_some(language_code.as_str());

    let segmentation = match segmentation {
        Some(mut proto) => {
            decode_spans(&mut proto, &text, encoding).map_err(Error::RequestSpan)?;
            let language = match given {
                Some(code) => Language::given(code),
                None => copydesk_segmenter::language::identify(&text),
            };
            convert::segmentation_from_proto(&text, proto, language)?
        }
        None => {
            let started = Instant::now();
            let _stage =
                tracing::info_span!("segmentation", document.bytes = text.len() as i64).entered();
            let _timer = StageTimer::start(crate::SERVER_NAME, "segmentation");
            let own = segmenter.segment(&text, given);
            timings.push(StageTiming {
                stage: "segmenter".to_owned(),
                micros: micros(started),
            });
            models.push(convert::segmenter_info());
            own
        }
    };
    check_language(&segmentation.language)?;
    check_segmentation(&text, &segmentation)?;

    let recognizer = slot.recognizer()?;
    let started = Instant::now();
    // The engine's stages (model inference, rules, grouping) are its
    // children. Counts as i64: tracing-opentelemetry exports a u64 as text.
    let stage = tracing::info_span!(
        "recognition",
        document.bytes = text.len() as i64,
        sentences = segmentation.sentences.len() as i64,
        tokens = segmentation.tokens.len() as i64,
        entities = tracing::field::Empty,
    )
    .entered();
    let timer = StageTimer::start(crate::SERVER_NAME, "recognition");
    let entities = recognizer.recognize_unless(&text, &segmentation, abandoned)?;
    drop(timer);
    stage.record("entities", entities.len() as i64);
    drop(stage);
    count_tokens(crate::SERVER_NAME, segmentation.tokens.len());
    timings.push(StageTiming {
        stage: crate::SERVER_NAME.to_owned(),
        micros: micros(started),
    });
    models.push(convert::model_info(recognizer.model()));
    if let Some(fine_types) = recognizer.fine_types() {
        models.push(convert::model_info(fine_types));
    }
    models.push(convert::rules_info());

    let mut response = RecognizeResponse {
        entities: convert::entities(entities),
        meta: Some(ResponseMeta {
            language: Some(convert::language(&segmentation.language)),
            models,
            timings,
            encoding: encoding as i32,
        }),
        document_id,
    };
    encode_spans(&mut response, &text, encoding).map_err(Error::ResponseSpan)?;
    Ok(response)
}

/// Checks and recognises `request` on a blocking worker thread, so that the
/// executor keeps serving other calls (and health checks) during inference.
pub async fn recognize(
    slot: &ModelSlot,
    segmenter: &Arc<Segmenter>,
    request: RecognizeRequest,
    max_document_bytes: usize,
) -> Result<RecognizeResponse, Error> {
    let checked = check(request, max_document_bytes)?;
    let slot = slot.clone();
    let segmenter = Arc::clone(segmenter);
    // The worker thread works in the request's span: stage spans are its children.
    let span = tracing::Span::current();
    // Dropped with this future when the caller goes away (cancels, or its
    // deadline passes): the worker thread then stops between parts of the
    // inference instead of finishing an answer nobody will read.
    let abandoned = AbandonOnDrop::default();
    let flag = Arc::clone(&abandoned.0);
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| recognize_checked(&slot, &segmenter, checked, &flag))
    })
    .await?
}

/// Sets its flag when dropped.
#[derive(Default)]
struct AbandonOnDrop(Arc<AtomicBool>);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use copydesk_proto::v1::{ContentType, Document, Span, Token};
    use copydesk_runtime::RequestError;

    use super::*;

    fn request(text: &str) -> RecognizeRequest {
        RecognizeRequest {
            document: Some(Document {
                text: text.to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn run(request: RecognizeRequest) -> Result<RecognizeResponse, Error> {
        let checked = check(request, 1 << 20)?;
        recognize_checked(
            &ModelSlot::new(),
            &Segmenter::new(),
            checked,
            &AtomicBool::new(false),
        )
    }

    #[test]
    fn oversized_text_names_the_limit() {
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
    fn html_missing_documents_and_unknown_enums_are_invalid() {
        let mut html = request("<p>x</p>");
        html.document.as_mut().unwrap().content_type = ContentType::Html as i32;
        assert!(matches!(
            check(html, 100),
            Err(Error::Request(RequestError::HtmlNotSupported))
        ));
        let mut encoding = request("x");
        encoding.encoding = 7;
        assert!(matches!(
            check(encoding, 100),
            Err(Error::Request(RequestError::UnknownEnumValue {
                field: "encoding",
                ..
            }))
        ));
        assert!(matches!(
            check(RecognizeRequest::default(), 100),
            Err(Error::Request(RequestError::MissingDocument))
        ));
    }

    #[test]
    fn other_languages_are_refused_by_name_before_the_model_is_needed() {
        let mut french = request("Le président a parlé hier soir à la télévision.");
        french.document.as_mut().unwrap().language_code = "fr".to_owned();
        let status = tonic::Status::from(run(french).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(
            status.message().contains("language fr is not supported"),
            "{}",
            status.message()
        );
    }

    #[test]
    fn bad_request_spans_are_invalid_arguments() {
        let text = "“Moon” spoke.";
        let mut bad = request(text);
        bad.segmentation = Some(Segmentation {
            tokens: vec![Token {
                // Byte 1 is inside the opening quote.
                span: Some(Span { begin: 1, end: 3 }),
                ..Default::default()
            }],
            ..Default::default()
        });
        let status = tonic::Status::from(run(bad).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("token 0"), "{}", status.message());

        let mut missing = request(text);
        missing.segmentation = Some(Segmentation {
            tokens: vec![Token::default()],
            ..Default::default()
        });
        assert!(matches!(run(missing), Err(Error::MissingSpan { .. })));

        let mut past = request("Hi.");
        past.segmentation = Some(Segmentation {
            sentences: vec![copydesk_proto::v1::Sentence {
                span: Some(Span { begin: 0, end: 3 }),
                token_begin: 0,
                token_end: 5,
                ..Default::default()
            }],
            ..Default::default()
        });
        let status = tonic::Status::from(run(past).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
    }

    #[test]
    fn a_good_request_waits_for_the_model() {
        let status = tonic::Status::from(run(request("Moon spoke.")).unwrap_err());
        assert_eq!(status.code(), tonic::Code::Unavailable);
        assert!(status.message().contains("loading"), "{}", status.message());
    }
}
