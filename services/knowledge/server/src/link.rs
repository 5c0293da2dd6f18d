//! One `Link` request: checked, spans brought to bytes, linked, converted
//! back to the request's encoding.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use copydesk_knowledge::{ByteSpan, Document, InputEntity, InputMention, Options, Snapshot};
use copydesk_proto::encoding::encode_spans;
use copydesk_proto::v1::{self, LinkRequest, LinkResponse, ResponseMeta, StageTiming};
use copydesk_runtime::{StageTimer, check_document, decode_request_spans, offset_encoding};
use copydesk_segmenter::Segmenter;

use crate::convert;
use crate::error::Error;
use crate::sources::{Sources, model_info};

/// Texts up to this size are linked on the async executor: handing them to
/// a worker thread would cost more than linking them.
const INLINE_BYTES: usize = 16 * 1024;

/// What a request needs besides itself.
#[derive(Debug)]
pub struct Linker {
    pub sources: Arc<Sources>,
    pub segmenter: Segmenter,
    pub threshold: f32,
    pub max_document_bytes: usize,
}

impl Linker {
    /// The bases serving now, or why there are none.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, Error> {
        let snapshot = self.sources.knowledge().snapshot();
        if !snapshot.bases.iter().any(|b| !b.base.newsroom) {
            return Err(Error::NotLoaded(self.sources.default_error()));
        }
        Ok(snapshot)
    }
}

/// Refuses names of bases that are not loaded.
pub fn check_bases(snapshot: &Snapshot, names: &[String]) -> Result<(), Error> {
    for name in names {
        if snapshot.get(name).is_none() {
            let known: Vec<&str> = snapshot.bases.iter().map(|b| b.name()).collect();
            return Err(Error::InvalidArgument(format!(
                "knowledge_bases: no base named {name:?} (loaded: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// A request that passed every check, spans in UTF-8 bytes.
#[derive(Debug)]
pub struct Checked {
    document_id: String,
    text: String,
    language_code: String,
    encoding: v1::OffsetEncoding,
    segmentation: Option<v1::Segmentation>,
    entities: Vec<v1::Entity>,
    bases: Vec<String>,
    add_missed: bool,
}

pub fn check(request: LinkRequest, max_document_bytes: usize) -> Result<Checked, Error> {
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
        bases: request.knowledge_bases,
        add_missed: request.add_missed_entities.unwrap_or(true),
    })
}

fn span(span: Option<&v1::Span>) -> ByteSpan {
    span.map(|s| ByteSpan::new(s.begin as usize, s.end as usize))
        .unwrap_or_default()
}

fn proto_span(span: ByteSpan) -> v1::Span {
    v1::Span {
        begin: u32::try_from(span.start).unwrap_or(u32::MAX),
        end: u32::try_from(span.end).unwrap_or(u32::MAX),
    }
}

/// Links a checked request: CPU-bound, call it where blocking is fine.
pub fn link_checked(
    linker: &Linker,
    snapshot: &Snapshot,
    request: Checked,
) -> Result<LinkResponse, Error> {
    let started = Instant::now();
    let text = request.text.as_str();
    let stage = tracing::info_span!(
        "linking",
        document.bytes = text.len() as i64,
        entities = request.entities.len() as i64,
    )
    .entered();
    let timer = StageTimer::start(crate::SERVER_NAME, "linking");

    // Tokens and sentences: the caller's segmentation, else our own.
    let (tokens, sentences, language) = match &request.segmentation {
        Some(s) => (
            s.tokens
                .iter()
                .map(|t| span(t.span.as_ref()))
                .collect::<Vec<_>>(),
            s.sentences
                .iter()
                .map(|t| span(t.span.as_ref()))
                .collect::<Vec<_>>(),
            s.language.clone(),
        ),
        None => {
            let given =
                (!request.language_code.is_empty()).then_some(request.language_code.as_str());
            let s = linker.segmenter.segment(text, given);
            (
                s.tokens
                    .iter()
                    .map(|t| ByteSpan::new(t.span.start, t.span.end))
                    .collect(),
                s.sentences
                    .iter()
                    .map(|t| ByteSpan::new(t.span.start, t.span.end))
                    .collect(),
                Some(v1::Language {
                    code: s.language.code.clone(),
                    supported: s.language.supported,
                    confidence: s.language.confidence,
                    detected: s.language.detected,
                }),
            )
        }
    };
    let inputs: Vec<InputEntity> = request
        .entities
        .iter()
        .map(|e| InputEntity {
            name: e.name.clone(),
            coarse: convert::coarse(e.r#type),
            mentions: e
                .mentions
                .iter()
                .map(|m| {
                    let s = span(m.span.as_ref());
                    InputMention {
                        span: s,
                        text: text.get(s.start..s.end).unwrap_or(&m.text).to_owned(),
                    }
                })
                .collect(),
            salience: e.salience,
        })
        .collect();
    let linked = copydesk_knowledge::link(
        snapshot,
        &Document {
            text,
            tokens: &tokens,
            entities: &inputs,
        },
        &Options {
            threshold: linker.threshold,
            bases: &request.bases,
            add_missed: request.add_missed,
        },
    );
    drop(timer);
    drop(stage);

    let mut entities = request.entities;
    for (entity, linked) in entities.iter_mut().zip(&linked.entities) {
        entity.links = linked.links.iter().map(convert::link).collect();
        if let Some(coarse) = linked.coarse {
            // The text and the bases retype a name the NER typed otherwise
            // (a place, an organisation): what it was stays visible.
            let was = v1::EntityType::try_from(entity.r#type).map_or_else(
                |_| entity.r#type.to_string(),
                |t| t.as_str_name().to_owned(),
            );
            entity.metadata.insert("ner_type".to_owned(), was);
            entity.r#type = convert::entity_type(coarse) as i32;
        }
        if let Some(fine) = linked.fine_type {
            entity.fine_type = convert::fine_type(fine) as i32;
        }
        entity.salience = linked.salience;
    }
    let mut used: HashSet<String> = entities.iter().map(|e| e.id.clone()).collect();
    let mut next = 1;
    let mut ids: Vec<String> = entities.iter().map(|e| e.id.clone()).collect();
    for added in &linked.added {
        let id = loop {
            let id = format!("k{next}");
            next += 1;
            if used.insert(id.clone()) {
                break id;
            }
        };
        ids.push(id.clone());
        entities.push(v1::Entity {
            id,
            name: added.name.clone(),
            r#type: convert::entity_type(added.coarse) as i32,
            salience: added.salience,
            mentions: added
                .mentions
                .iter()
                .map(|m| v1::Mention {
                    span: Some(proto_span(*m)),
                    text: text.get(m.start..m.end).unwrap_or_default().to_owned(),
                    kind: v1::MentionKind::Proper as i32,
                    sentence: sentences
                        .partition_point(|s| s.end <= m.start)
                        .try_into()
                        .unwrap_or(u32::MAX),
                    sentiment: None,
                })
                .collect(),
            sentiment: None,
            links: added.links.iter().map(convert::link).collect(),
            metadata: Default::default(),
            fine_type: added
                .fine_type
                .map_or(v1::FineType::Unspecified, convert::fine_type)
                as i32,
            origin: v1::EntityOrigin::OriginKnowledgeBase as i32,
        });
    }
    let topics = linked
        .topics
        .iter()
        .map(|t| {
            let entity_ids = t
                .entities
                .iter()
                .filter_map(|i| ids.get(*i).cloned())
                .collect();
            convert::topic(t, entity_ids)
        })
        .collect();
    // Stable: equal saliences keep request order, added entities last.
    entities.sort_by(|a, b| b.salience.total_cmp(&a.salience));
    encode_spans(&mut entities, text, request.encoding).map_err(Error::ResponseSpan)?;

    let bases: Vec<_> = snapshot
        .selected(&request.bases)
        .map(|b| model_info(b))
        .collect();
    Ok(LinkResponse {
        entities,
        topics,
        meta: Some(ResponseMeta {
            language,
            models: bases,
            timings: vec![StageTiming {
                stage: crate::SERVER_NAME.to_owned(),
                micros: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            }],
            encoding: request.encoding as i32,
        }),
        document_id: request.document_id,
    })
}

/// Checks and links `request`; large texts on a blocking worker thread so
/// that the executor keeps serving other calls (and health checks).
pub async fn link(linker: &Arc<Linker>, request: LinkRequest) -> Result<LinkResponse, Error> {
    let checked = check(request, linker.max_document_bytes)?;
    let snapshot = linker.snapshot()?;
    check_bases(&snapshot, &checked.bases)?;
    if checked.text.len() <= INLINE_BYTES {
        return link_checked(linker, &snapshot, checked);
    }
    let linker = Arc::clone(linker);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| link_checked(&linker, &snapshot, checked)))
        .await?
}
