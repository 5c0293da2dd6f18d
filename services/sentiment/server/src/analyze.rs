//! One request: checked, spans brought to bytes, analysed, converted back.

use std::sync::Arc;
use std::time::Instant;

use copydesk_proto::encoding::encode_spans;
use copydesk_proto::v1::{
    self, AnalyzeRequest, AnalyzeResponse, EntitySentiment, OffsetEncoding, ResponseMeta,
    SentenceSentiment, StageTiming,
};
use copydesk_runtime::{
    StageTimer, check_document, count_tokens, decode_request_spans, offset_encoding,
};
use copydesk_segmenter::Segmenter;
use copydesk_sentiment::{Analyzer, ByteSpan, check_language};

use crate::convert;
use crate::error::Error;

/// Texts up to this size are analysed on the async executor: handing them
/// to a worker thread would cost more than analysing them.
const INLINE_BYTES: usize = 16 * 1024;

/// The engines a request needs.
#[derive(Debug)]
pub struct Engines {
    pub analyzer: Analyzer,
    pub segmenter: Segmenter,
}

/// A request that passed every check, spans in UTF-8 bytes.
#[derive(Debug)]
pub struct Checked {
    pub document_id: String,
    pub text: String,
    pub language_code: String,
    pub encoding: OffsetEncoding,
    pub segmentation: Option<v1::Segmentation>,
    pub entities: Vec<v1::Entity>,
}

/// Checks `request` against the contract and the size limit, and converts
/// its spans from the request's encoding to bytes.
pub fn check(request: AnalyzeRequest, max_document_bytes: usize) -> Result<Checked, Error> {
    let encoding = offset_encoding(request.encoding)?;
    let document = check_document(request.document, max_document_bytes)?;
    let mut segmentation = request.segmentation;
    let mut entities = request.entities;
    decode_request_spans(
        &document.text,
        encoding,
        segmentation.as_mut(),
        &mut entities,
    )
    .map_err(|e| Error::RequestSpan {
        field: e.field,
        source: e.source,
    })?;
    Ok(Checked {
        document_id: document.id,
        text: document.text,
        language_code: document.language_code,
        encoding,
        segmentation,
        entities,
    })
}

fn span(span: Option<&v1::Span>) -> ByteSpan {
    span.map(|s| ByteSpan::new(s.begin as usize, s.end as usize))
        .unwrap_or_default()
}

/// Analyses a checked request: CPU-bound, call it where blocking is fine.
pub fn analyze_checked(engines: &Engines, request: &Checked) -> Result<AnalyzeResponse, Error> {
    let started = Instant::now();
    let text = request.text.as_str();
    let mentions: Vec<Vec<ByteSpan>> = request
        .entities
        .iter()
        .map(|e| e.mentions.iter().map(|m| span(m.span.as_ref())).collect())
        .collect();
    let given_language =
        (!request.language_code.is_empty()).then_some(request.language_code.as_str());
    // Counts as i64: tracing-opentelemetry would export a u64 as text.
    let stage = tracing::info_span!(
        "scoring",
        document.bytes = text.len() as i64,
        entities = request.entities.len() as i64,
        sentences = tracing::field::Empty,
        tokens = tracing::field::Empty,
    )
    .entered();
    let timer = StageTimer::start(crate::SERVER_NAME, "scoring");
    let (analysis, language) = match &request.segmentation {
        Some(segmentation) => {
            // The caller segmented: trust its language, else the
            // document's, else identify it here.
            let language = match (given_language, &segmentation.language) {
                (Some(code), _) => copydesk_segmenter::Language::given(code),
                (None, Some(l)) if !l.code.is_empty() => copydesk_segmenter::Language {
                    code: l.code.clone(),
                    supported: l.supported,
                    confidence: l.confidence,
                    detected: l.detected,
                },
                _ => copydesk_segmenter::language::identify(text),
            };
            check_language(&language.code, language.supported)?;
            let sentences: Vec<ByteSpan> = segmentation
                .sentences
                .iter()
                .map(|s| span(s.span.as_ref()))
                .collect();
            (
                engines.analyzer.analyze(text, &sentences, &mentions)?,
                language,
            )
        }
        None => {
            engines
                .analyzer
                .analyze_text(&engines.segmenter, text, given_language, &mentions)?
        }
    };

    drop(timer);
    stage.record("sentences", analysis.sentences.len() as i64);
    // Tokens are known when the caller segmented (the gateway always does).
    if let Some(segmentation) = &request.segmentation {
        stage.record("tokens", segmentation.tokens.len() as i64);
        count_tokens(crate::SERVER_NAME, segmentation.tokens.len());
    }
    drop(stage);
    let sentences = analysis
        .sentences
        .iter()
        .enumerate()
        .map(|(i, (s, sentiment))| SentenceSentiment {
            sentence: u32::try_from(i).unwrap_or(u32::MAX),
            span: Some(v1::Span {
                begin: u32::try_from(s.start).unwrap_or(u32::MAX),
                end: u32::try_from(s.end).unwrap_or(u32::MAX),
            }),
            text: text.get(s.start..s.end).unwrap_or_default().to_owned(),
            sentiment: Some(convert::sentiment(sentiment)),
        })
        .collect();
    let entities = request
        .entities
        .iter()
        .zip(&analysis.entities)
        .map(|(entity, tone)| EntitySentiment {
            entity_id: entity.id.clone(),
            sentiment: Some(convert::sentiment(&tone.sentiment)),
            mentions: tone.mentions.iter().map(convert::sentiment).collect(),
        })
        .collect();
    let mut response = AnalyzeResponse {
        document_sentiment: Some(convert::sentiment(&analysis.document)),
        sentences,
        entities,
        meta: None,
        document_id: request.document_id.clone(),
    };
    encode_spans(&mut response, text, request.encoding).map_err(Error::ResponseSpan)?;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    response.meta = Some(ResponseMeta {
        language: Some(v1::Language {
            code: language.code,
            supported: language.supported,
            confidence: language.confidence,
            detected: language.detected,
        }),
        models: convert::model_infos(&engines.analyzer),
        timings: vec![StageTiming {
            stage: crate::SERVER_NAME.to_owned(),
            micros,
        }],
        encoding: request.encoding as i32,
    });
    Ok(response)
}

/// Checks and analyses `request`; large texts on a blocking worker thread
/// so that the executor keeps serving other calls (and health checks).
pub async fn analyze(
    engines: &Arc<Engines>,
    request: AnalyzeRequest,
    max_document_bytes: usize,
) -> Result<AnalyzeResponse, Error> {
    let checked = check(request, max_document_bytes)?;
    if checked.text.len() <= INLINE_BYTES {
        return analyze_checked(engines, &checked);
    }
    let engines = Arc::clone(engines);
    // The worker thread works in the request's span: stage spans are its children.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| analyze_checked(&engines, &checked)))
        .await?
}
