//! The gateway's fan-out for one document, as the design draws it:
//!
//! ```text
//! segment ─┬─► entities ─┬─► links (knowledge)
//!          │             └─► entity sentiment (when the tone towards each entity is wanted)
//!          └─► sentiment (document and sentence tone, unless it waits for the entities)
//! ```
//!
//! Segmentation comes first, once; entities and sentiment then run at the
//! same time, both handed that segmentation; when the caller wants the tone
//! towards each entity, sentiment waits for the entities instead. Links
//! start as soon as the entities are known, alongside whatever sentiment
//! is still doing. Only the services the requested features need are
//! called. A service that fails costs its features (named in `errors`),
//! never the whole answer; offsets are converted to the caller's encoding
//! once, at the end.

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use copydesk_proto::v1::{
    AnalyzeResponse, AnnotateRequest, AnnotateResponse, Document, Entity, FeatureError, FineType,
    LinkResponse, OffsetEncoding, RecognizeResponse, ResponseMeta, Segmentation, StageTiming,
};
use copydesk_runtime::{
    Markup, RequestError, check_size, encode_document_spans, extract_markup, offset_encoding,
};
use tonic::{Code, Status};

use crate::config::{GatewayConfig, GatewayOptions};
use crate::downstream::Downstream;
use crate::entities_client::EntitiesClient;
use crate::error::Error;
use crate::features::{self, Feature};
use crate::knowledge_client::KnowledgeClient;
use crate::segmenter_client::SegmenterClient;
use crate::sentiment_client::SentimentClient;

/// Annotates documents by calling the other services.
#[derive(Debug)]
pub struct Annotator {
    segmenter: SegmenterClient,
    entities: EntitiesClient,
    sentiment: SentimentClient,
    knowledge: KnowledgeClient,
    max_document_bytes: usize,
    /// The largest answer gRPC can send (`--max-message-bytes`).
    max_answer_bytes: usize,
    options: GatewayOptions,
}

/// Which services the requested features need, and in which order.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Entities are found (asked for, or needed by entity sentiment).
    entities: bool,
    /// The sentiment service is called.
    tone: bool,
    /// Sentiment waits for the entities, to give the tone towards each.
    tone_after_entities: bool,
    /// The entities are linked to the knowledge bases.
    links: bool,
}

impl Plan {
    fn new(features: &[Feature]) -> Self {
        let wants = |f: Feature| features.contains(&f);
        Plan {
            entities: wants(Feature::Entities)
                || wants(Feature::EntitySentiment)
                || wants(Feature::Links),
            tone: wants(Feature::DocumentSentiment)
                || wants(Feature::SentenceSentiment)
                || wants(Feature::EntitySentiment),
            tone_after_entities: wants(Feature::EntitySentiment),
            links: wants(Feature::Links),
        }
    }
}

/// One call to a service: its answer and how long it took.
struct Called<T> {
    result: Result<T, Status>,
    elapsed: Duration,
}

async fn timed<T>(call: impl Future<Output = Result<T, Status>>) -> Called<T> {
    let started = Instant::now();
    let result = call.await;
    Called {
        result,
        elapsed: started.elapsed(),
    }
}

/// Runs `call` only when `wanted`.
async fn when<F: Future>(wanted: bool, call: impl FnOnce() -> F) -> Option<F::Output> {
    match wanted {
        true => Some(call().await),
        false => None,
    }
}

/// What the services answered after the segmentation.
struct Analyses {
    recognized: Option<Called<RecognizeResponse>>,
    toned: Option<Called<AnalyzeResponse>>,
    linked: Option<Called<LinkResponse>>,
}

impl Annotator {
    pub fn new(config: &GatewayConfig) -> Result<Self, Error> {
        let settings = config
            .gateway
            .downstream_settings(config.server.max_message_bytes)?;
        let connect = |name, address: &str| Downstream::connect_lazy(name, address, &settings);
        Ok(Annotator {
            segmenter: SegmenterClient::new(connect("segmenter", &config.segmenter_addr)?),
            entities: EntitiesClient::new(connect("entities", &config.entities_addr)?),
            sentiment: SentimentClient::new(connect("sentiment", &config.sentiment_addr)?),
            knowledge: KnowledgeClient::new(connect("knowledge", &config.knowledge_addr)?),
            max_document_bytes: config.max_document_bytes,
            max_answer_bytes: config.server.max_message_bytes,
            options: config.gateway.clone(),
        })
    }

    pub fn options(&self) -> &GatewayOptions {
        &self.options
    }

    /// The largest answer a gRPC call can carry.
    pub fn max_answer_bytes(&self) -> usize {
        self.max_answer_bytes
    }

    /// Annotates one request. `deadline` is when the caller stops waiting.
    pub async fn annotate(
        &self,
        request: AnnotateRequest,
        deadline: Option<Instant>,
    ) -> Result<AnnotateResponse, Error> {
        let encoding = offset_encoding(request.encoding)?;
        let features = features::requested(request.features.as_ref())?;
        self.annotate_document(request.document, &features, encoding, deadline)
            .await
    }

    /// Annotates one document whose request was already checked.
    pub(crate) async fn annotate_document(
        &self,
        document: Option<Document>,
        features: &[Feature],
        encoding: OffsetEncoding,
        deadline: Option<Instant>,
    ) -> Result<AnnotateResponse, Error> {
        let started = Instant::now();
        let mut document = document.ok_or(RequestError::MissingDocument)?;
        // The limit is on the document as sent, markup included.
        check_size(&document.text, self.max_document_bytes)?;
        // HTML is read once, here: every service gets the text a reader
        // sees, and the answer's spans are mapped back to the markup.
        let markup = extract_markup(&mut document)?;
        let mut answer = Answer::new(&document, markup, features, encoding);

        let Some(segmentation) = self.segment(&document, deadline, &mut answer).await? else {
            return answer.finish(&document.text, started);
        };
        if answer.refuse_language(&segmentation) {
            answer.add_segmentation(segmentation);
            return answer.finish(&document.text, started);
        }
        let analyses = self
            .analyze(&document, &segmentation, Plan::new(features), deadline)
            .await;
        answer.add_analyses(analyses, &document.text);
        answer.add_segmentation(segmentation);
        answer.finish(&document.text, started)
    }

    /// Stage 1: the segmentation every other analysis builds on. `None`
    /// when the segmenter failed, which the answer then says for every
    /// feature; an error when it refused the document itself.
    async fn segment(
        &self,
        document: &Document,
        deadline: Option<Instant>,
        answer: &mut Answer,
    ) -> Result<Option<Segmentation>, Error> {
        let segmented = timed(self.segmenter.segment(document, deadline)).await;
        answer.timing("segmenter", segmented.elapsed);
        match segmented.result {
            Ok(segmented) => {
                if let Some(meta) = segmented.meta {
                    answer.meta.models.extend(meta.models);
                    answer.meta.language = meta.language;
                }
                Ok(Some(segmented.segmentation.unwrap_or_default()))
            }
            // The segmenter refused the document itself: so would every
            // other service, and the caller must fix the request.
            Err(status) if status.code() == Code::InvalidArgument => {
                Err(Error::RejectedDownstream {
                    service: "segmenter",
                    status,
                })
            }
            Err(status) => {
                for feature in answer.features.clone() {
                    let message = match feature {
                        Feature::Segmentation => format!("segmenter: {}", status.message()),
                        _ => format!(
                            "needs the segmentation, which failed: segmenter: {}",
                            status.message()
                        ),
                    };
                    answer.fail(feature, status.code(), message);
                }
                Ok(None)
            }
        }
    }

    /// Stages 2 and 3: entities and, unless it waits for them, sentiment at
    /// the same time; then, once the entities are known, links and
    /// sentiment with the entities (when their tone is wanted) at the same
    /// time.
    async fn analyze(
        &self,
        document: &Document,
        segmentation: &Segmentation,
        plan: Plan,
        deadline: Option<Instant>,
    ) -> Analyses {
        let tone_now = when(plan.tone && !plan.tone_after_entities, || {
            self.sentiment_of(document, segmentation, &[], deadline)
        });
        let entities_then = async {
            let recognized = when(plan.entities, || {
                self.entities_of(document, segmentation, deadline)
            })
            .await;
            // Without entities (the service failed), sentiment still gives
            // the tone of the document and its sentences.
            let found = recognized
                .as_ref()
                .and_then(|r| r.result.as_ref().ok())
                .map_or(&[][..], |r| &r.entities[..]);
            let entities_known = recognized.as_ref().is_some_and(|r| r.result.is_ok());
            let (linked, toned) = tokio::join!(
                when(plan.links && entities_known, || {
                    self.links_of(document, segmentation, found, deadline)
                }),
                when(plan.tone_after_entities, || {
                    self.sentiment_of(document, segmentation, found, deadline)
                }),
            );
            (recognized, linked, toned)
        };
        let (tone_now, (recognized, linked, tone_later)) = tokio::join!(tone_now, entities_then);
        Analyses {
            recognized,
            toned: tone_now.or(tone_later),
            linked,
        }
    }

    /// The knowledge service on the document, its segmentation and its
    /// entities.
    async fn links_of(
        &self,
        document: &Document,
        segmentation: &Segmentation,
        entities: &[Entity],
        deadline: Option<Instant>,
    ) -> Called<LinkResponse> {
        timed(
            self.knowledge
                .link(document, Some(segmentation), entities, deadline),
        )
        .await
    }

    /// The entities service on the document and its segmentation.
    async fn entities_of(
        &self,
        document: &Document,
        segmentation: &Segmentation,
        deadline: Option<Instant>,
    ) -> Called<RecognizeResponse> {
        timed(
            self.entities
                .recognize(document, Some(segmentation), deadline),
        )
        .await
    }

    /// The sentiment service on the document, its segmentation and
    /// `entities` (none: no entity tone).
    async fn sentiment_of(
        &self,
        document: &Document,
        segmentation: &Segmentation,
        entities: &[Entity],
        deadline: Option<Instant>,
    ) -> Called<AnalyzeResponse> {
        timed(
            self.sentiment
                .analyze(document, Some(segmentation), entities, deadline),
        )
        .await
    }
}

/// The answer being assembled.
struct Answer {
    features: Vec<Feature>,
    response: AnnotateResponse,
    meta: ResponseMeta,
    /// The markup when the document came as HTML: spans are answered in it.
    markup: Option<Markup>,
}

impl Answer {
    fn new(
        document: &Document,
        markup: Option<Markup>,
        features: &[Feature],
        encoding: OffsetEncoding,
    ) -> Self {
        Answer {
            features: features.to_vec(),
            response: AnnotateResponse {
                document_id: document.id.clone(),
                ..Default::default()
            },
            markup,
            meta: ResponseMeta {
                encoding: encoding as i32,
                ..Default::default()
            },
        }
    }

    fn wants(&self, feature: Feature) -> bool {
        self.features.contains(&feature)
    }

    fn timing(&mut self, stage: &str, elapsed: Duration) {
        self.meta.timings.push(stage_timing(stage, elapsed));
    }

    fn models_from(&mut self, meta: Option<ResponseMeta>) {
        if let Some(meta) = meta {
            self.meta.models.extend(meta.models);
        }
    }

    /// Records why `feature` failed; the first reason stands (entity
    /// sentiment that lost its entities also loses the later sentiment call).
    fn fail(&mut self, feature: Feature, code: Code, message: String) {
        if self
            .response
            .errors
            .iter()
            .any(|e| e.feature == feature.name())
        {
            return;
        }
        crate::metrics::feature_degraded(feature.name(), code);
        self.response.errors.push(FeatureError {
            feature: feature.name().to_owned(),
            code: code as i32,
            message,
        });
    }

    /// Fails each of `features` the request asked for with `status`.
    fn fail_with(&mut self, features: &[Feature], service: &str, status: &Status) {
        for &feature in features {
            if self.wants(feature) {
                self.fail(
                    feature,
                    status.code(),
                    format!("{service}: {}", status.message()),
                );
            }
        }
    }

    /// Entities and sentiment model English only, for now: says so for
    /// every analysis asked for, instead of sending text the models were
    /// not trained on. True when the language is refused.
    fn refuse_language(&mut self, segmentation: &Segmentation) -> bool {
        let language = segmentation.language.clone().unwrap_or_default();
        let analyses: Vec<Feature> = self
            .features
            .iter()
            .copied()
            .filter(|f| *f != Feature::Segmentation)
            .collect();
        if language.supported || analyses.is_empty() {
            return false;
        }
        for feature in analyses {
            self.fail(
                feature,
                Code::FailedPrecondition,
                format!(
                    "language {:?} is not supported (supported: en)",
                    language.code
                ),
            );
        }
        true
    }

    /// The first failure's message when every requested feature failed
    /// with DEADLINE_EXCEEDED.
    fn all_out_of_time(&self) -> Option<String> {
        let errors = &self.response.errors;
        let every_feature_failed = self
            .features
            .iter()
            .all(|f| errors.iter().any(|e| e.feature == f.name()));
        let all_timed_out = errors
            .iter()
            .all(|e| e.code == Code::DeadlineExceeded as i32);
        (every_feature_failed && all_timed_out)
            .then(|| errors.first().map(|e| e.message.clone()))
            .flatten()
    }

    fn add_segmentation(&mut self, segmentation: Segmentation) {
        if self.wants(Feature::Segmentation) {
            self.response.segmentation = Some(segmentation);
        }
    }

    /// Takes what the services found after the segmentation.
    fn add_analyses(&mut self, analyses: Analyses, text: &str) {
        let mut entities = Vec::new();
        if let Some(recognized) = analyses.recognized {
            self.timing("entities", recognized.elapsed);
            match recognized.result {
                Ok(found) => {
                    self.models_from(found.meta);
                    entities = found.entities;
                }
                Err(status) => self.fail_with(
                    &[Feature::Entities, Feature::EntitySentiment, Feature::Links],
                    "entities",
                    &status,
                ),
            }
        }
        if let Some(toned) = analyses.toned {
            self.timing("sentiment", toned.elapsed);
            match toned.result {
                Ok(tone) => self.add_tone(tone, &mut entities),
                Err(status) => self.fail_with(
                    &[
                        Feature::DocumentSentiment,
                        Feature::SentenceSentiment,
                        Feature::EntitySentiment,
                    ],
                    "sentiment",
                    &status,
                ),
            }
        }
        if let Some(linked) = analyses.linked {
            self.timing("knowledge", linked.elapsed);
            match linked.result {
                Ok(linked) => entities = self.add_links(linked, entities, text),
                Err(status) => self.fail_with(&[Feature::Links], "knowledge", &status),
            }
        }
        if self.wants(Feature::Entities)
            || self.wants(Feature::EntitySentiment)
            || self.wants(Feature::Links)
        {
            self.response.entities = entities;
        }
    }

    /// Takes what sentiment found: document and sentence tone as asked, and
    /// the tone towards each entity onto the entities themselves.
    fn add_tone(&mut self, tone: AnalyzeResponse, entities: &mut [Entity]) {
        self.models_from(tone.meta);
        if self.wants(Feature::DocumentSentiment) {
            self.response.document_sentiment = tone.document_sentiment;
        }
        if self.wants(Feature::SentenceSentiment) {
            self.response.sentences = tone.sentences;
        }
        if self.wants(Feature::EntitySentiment) {
            for entity_tone in tone.entities {
                let Some(entity) = entities.iter_mut().find(|e| e.id == entity_tone.entity_id)
                else {
                    continue;
                };
                entity.sentiment = entity_tone.sentiment;
                for (mention, sentiment) in entity.mentions.iter_mut().zip(entity_tone.mentions) {
                    mention.sentiment = Some(sentiment);
                }
            }
        }
    }

    /// Takes what the knowledge service found: links and finer types onto
    /// the entities, the entities it added, the topics. An answer that does
    /// not fit the text fails the feature and leaves the entities as they
    /// were.
    fn add_links(
        &mut self,
        linked: LinkResponse,
        entities: Vec<Entity>,
        text: &str,
    ) -> Vec<Entity> {
        if let Err(message) = check_added(&entities, &linked.entities, text) {
            self.fail(
                Feature::Links,
                Code::Internal,
                format!("knowledge: {message}"),
            );
            return entities;
        }
        self.models_from(linked.meta);
        self.response.topics = linked.topics;
        merge_links(entities, linked.entities)
    }

    /// The last stage: offsets into the caller's encoding, the total time.
    /// A call in which every requested feature ran out of time fails with
    /// DEADLINE_EXCEEDED; a partial answer stands.
    fn finish(mut self, text: &str, started: Instant) -> Result<AnnotateResponse, Error> {
        if let Some(message) = self.all_out_of_time() {
            return Err(Error::DeadlineExceeded(message));
        }
        let encoding = OffsetEncoding::try_from(self.meta.encoding).unwrap_or_default();
        encode_document_spans(&mut self.response, text, self.markup.as_ref(), encoding)?;
        if self.markup.is_some() {
            self.response.plain_text = text.to_owned();
        }
        self.timing("total", started.elapsed());
        self.response.meta = Some(self.meta);
        Ok(self.response)
    }
}

fn stage_timing(stage: &str, elapsed: Duration) -> StageTiming {
    StageTiming {
        stage: stage.to_owned(),
        micros: u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
    }
}

/// Checks the entities the knowledge service added (those whose ids are
/// not among `ours`): unique ids, and mention spans on character
/// boundaries of `text`, which the offsets' conversion needs.
fn check_added(ours: &[Entity], linked: &[Entity], text: &str) -> Result<(), String> {
    let mut seen: HashSet<&str> = ours.iter().map(|e| e.id.as_str()).collect();
    for entity in linked.iter().filter(|e| !ours.iter().any(|o| o.id == e.id)) {
        if !seen.insert(&entity.id) {
            return Err(format!("added entity id {:?} is not unique", entity.id));
        }
        for mention in &entity.mentions {
            let span = mention.span.unwrap_or_default();
            let fits = |offset: u32| {
                usize::try_from(offset).is_ok_and(|offset| text.is_char_boundary(offset))
            };
            if span.begin > span.end || !fits(span.begin) || !fits(span.end) {
                return Err(format!(
                    "added entity {:?} has a mention at {}..{}, which is not a span of the text",
                    entity.id, span.begin, span.end
                ));
            }
        }
    }
    Ok(())
}

/// The entities with what the knowledge service said about them, in its
/// order (by salience, renormalised when it added entities): each of
/// `ours` takes its links, its finer type when one was found, its type
/// when the service retyped it, and its new salience, and keeps its own
/// mentions and sentiment; entities it added
/// come as they are. One of ours the answer lacks is kept, unlinked, at the
/// end: linking never loses an entity.
fn merge_links(ours: Vec<Entity>, linked: Vec<Entity>) -> Vec<Entity> {
    let mut ours: Vec<Option<Entity>> = ours.into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(linked.len().max(ours.len()));
    for found in linked {
        let mine = ours
            .iter_mut()
            .find(|e| e.as_ref().is_some_and(|e| e.id == found.id))
            .and_then(Option::take);
        match mine {
            Some(mut entity) => {
                entity.links = found.links;
                // A name the knowledge service retyped (a place or an
                // organisation the NER typed otherwise; the metadata keeps
                // the NER's type).
                if found.r#type != entity.r#type {
                    entity.r#type = found.r#type;
                    entity.metadata.extend(found.metadata);
                }
                if found.fine_type != FineType::Unspecified as i32 {
                    entity.fine_type = found.fine_type;
                }
                entity.salience = found.salience;
                merged.push(entity);
            }
            None => merged.push(found),
        }
    }
    merged.extend(ours.into_iter().flatten());
    merged
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use copydesk_proto::v1::{
        EntityLink, EntityOrigin, EntityType, Mention, ModelInfo, Sentiment, Span, Topic,
    };

    use super::*;

    const TEXT: &str = "Taipei said Ukrainian grain reached Kaohsiung. Taïwan agreed.";

    fn entity(id: &str, name: &str, salience: f32) -> Entity {
        let begin = TEXT.find(name).unwrap();
        Entity {
            id: id.to_owned(),
            name: name.to_owned(),
            salience,
            mentions: vec![Mention {
                span: Some(Span {
                    begin: begin as u32,
                    end: (begin + name.len()) as u32,
                }),
                text: name.to_owned(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn link(id: &str, name: &str, kind: &str) -> EntityLink {
        EntityLink {
            source: "default".to_owned(),
            id: id.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            score: 0.9,
            ..Default::default()
        }
    }

    /// Ours: Taipei (with its tone) and Ukrainian (NORP from the entities
    /// service). The answer: Ukrainian first, linked, no finer type;
    /// Taipei linked as a GPE; Kaohsiung added.
    fn ours_and_linked() -> (Vec<Entity>, Vec<Entity>) {
        let mut taipei = entity("e1", "Taipei", 0.6);
        taipei.sentiment = Some(Sentiment {
            score: 0.4,
            magnitude: 0.4,
            label: 3,
        });
        let mut ukrainian = entity("e2", "Ukrainian", 0.4);
        ukrainian.fine_type = FineType::Norp as i32;
        let ours = vec![taipei, ukrainian];

        let mut ukrainian = entity("e2", "Ukrainian", 0.5);
        ukrainian.links = vec![link("geonames:690791", "Ukraine", "nationality")];
        // The service's copy of the mentions is not what the gateway keeps.
        ukrainian.mentions.clear();
        let mut taipei = entity("e1", "Taipei", 0.3);
        taipei.links = vec![link("geonames:1668341", "Taipei", "city")];
        taipei.fine_type = FineType::Gpe as i32;
        let mut kaohsiung = entity("e3", "Kaohsiung", 0.2);
        kaohsiung.links = vec![link("geonames:1673820", "Kaohsiung", "city")];
        kaohsiung.origin = EntityOrigin::OriginKnowledgeBase as i32;
        (ours, vec![ukrainian, taipei, kaohsiung])
    }

    #[test]
    fn links_fine_types_and_salience_merge_onto_our_entities_in_the_linkers_order() {
        let (ours, linked) = ours_and_linked();
        let merged = merge_links(ours.clone(), linked);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e2", "e1", "e3"]);

        let ukrainian = &merged[0];
        assert_eq!(ukrainian.links[0].name, "Ukraine");
        assert_eq!(ukrainian.salience, 0.5);
        assert_eq!(
            ukrainian.fine_type,
            FineType::Norp as i32,
            "an unspecified finer type from the linker keeps ours"
        );
        assert_eq!(ukrainian.mentions, ours[1].mentions, "our mentions stay");

        let taipei = &merged[1];
        assert_eq!(taipei.links[0].id, "geonames:1668341");
        assert_eq!(taipei.fine_type, FineType::Gpe as i32);
        assert_eq!(taipei.sentiment, ours[0].sentiment, "our tone stays");

        let kaohsiung = &merged[2];
        assert_eq!(kaohsiung.origin, EntityOrigin::OriginKnowledgeBase as i32);
        assert_eq!(kaohsiung.mentions.len(), 1);
    }

    #[test]
    fn a_name_the_linker_placed_takes_its_type_and_says_what_it_was() {
        let mut ours = entity("e1", "Taipei", 0.6);
        ours.r#type = EntityType::Organization as i32;
        ours.metadata.insert("acronym".to_owned(), "TPE".to_owned());
        let mut placed = ours.clone();
        placed.r#type = EntityType::Location as i32;
        placed.metadata = [("ner_type".to_owned(), "ORGANIZATION".to_owned())].into();
        placed.links = vec![link("geonames:1668341", "Taipei", "city")];
        let merged = merge_links(vec![ours.clone()], vec![placed]);
        assert_eq!(merged[0].r#type, EntityType::Location as i32);
        assert_eq!(merged[0].metadata["ner_type"], "ORGANIZATION");
        assert_eq!(merged[0].metadata["acronym"], "TPE", "our metadata stays");
        // Same type: nothing of the linker's metadata comes over.
        let mut same = ours.clone();
        same.metadata = [("other".to_owned(), "x".to_owned())].into();
        let merged = merge_links(vec![ours], vec![same]);
        assert!(!merged[0].metadata.contains_key("other"));
    }

    #[test]
    fn an_entity_the_answer_lacks_is_kept_unlinked_at_the_end() {
        let (ours, mut linked) = ours_and_linked();
        linked.retain(|e| e.id != "e1");
        let merged = merge_links(ours, linked);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e2", "e3", "e1"]);
        assert!(merged[2].links.is_empty());
        assert_eq!(merged[2].salience, 0.6);
    }

    #[test]
    fn added_entities_must_have_unique_ids_and_spans_of_the_text() {
        let (ours, linked) = ours_and_linked();
        assert_eq!(check_added(&ours, &linked, TEXT), Ok(()));

        let mut twice = linked.clone();
        twice.push(entity("e3", "Taïwan", 0.1));
        let error = check_added(&ours, &twice, TEXT).unwrap_err();
        assert!(error.contains("\"e3\" is not unique"), "{error}");

        // "Taïwan": the ï is two bytes; an end inside it is no span.
        let mut inside = entity("e4", "Taïwan", 0.1);
        let begin = inside.mentions[0].span.unwrap().begin;
        inside.mentions[0].span = Some(Span {
            begin,
            end: begin + 3,
        });
        let mut bad = linked.clone();
        bad.push(inside);
        let error = check_added(&ours, &bad, TEXT).unwrap_err();
        assert!(error.contains("\"e4\""), "{error}");

        let mut past = entity("e5", "Taipei", 0.1);
        past.mentions[0].span = Some(Span {
            begin: 0,
            end: TEXT.len() as u32 + 1,
        });
        let mut bad = linked;
        bad.push(past);
        assert!(check_added(&ours, &bad, TEXT).is_err());
    }

    fn answer() -> Answer {
        Answer::new(
            &Document::default(),
            None,
            &[Feature::Entities, Feature::Links],
            OffsetEncoding::Utf8,
        )
    }

    #[test]
    fn a_good_answer_brings_links_topics_and_the_bases_used() {
        let (ours, linked) = ours_and_linked();
        let mut answer = answer();
        let topic = Topic {
            source: "default".to_owned(),
            id: "geonames:690791".to_owned(),
            name: "Ukraine".to_owned(),
            kind: "country".to_owned(),
            salience: 0.5,
            entity_ids: vec!["e2".to_owned()],
            url: String::new(),
        };
        let merged = answer.add_links(
            LinkResponse {
                entities: linked,
                topics: vec![topic.clone()],
                meta: Some(ResponseMeta {
                    models: vec![ModelInfo {
                        service: "knowledge".to_owned(),
                        name: "default".to_owned(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                document_id: String::new(),
            },
            ours,
            TEXT,
        );
        assert_eq!(merged.len(), 3);
        assert_eq!(answer.response.topics, [topic]);
        assert_eq!(answer.meta.models[0].name, "default");
        assert!(answer.response.errors.is_empty());
    }

    #[test]
    fn an_answer_that_does_not_fit_the_text_fails_links_and_keeps_the_entities() {
        let (ours, mut linked) = ours_and_linked();
        linked[2].mentions[0].span = Some(Span {
            begin: 0,
            end: 10_000,
        });
        let mut answer = answer();
        let kept = answer.add_links(
            LinkResponse {
                entities: linked,
                ..Default::default()
            },
            ours.clone(),
            TEXT,
        );
        assert_eq!(kept, ours);
        assert!(answer.response.topics.is_empty());
        let error = &answer.response.errors[0];
        assert_eq!(error.feature, "links");
        assert_eq!(error.code, Code::Internal as i32);
        assert!(error.message.starts_with("knowledge: "), "{error:?}");
    }

    #[test]
    fn a_call_fails_with_deadline_exceeded_only_when_no_feature_finished_in_time() {
        let late = Status::deadline_exceeded("timed out");
        let mut late_answer = answer();
        late_answer.fail_with(&[Feature::Entities, Feature::Links], "entities", &late);
        let error = late_answer.finish("", Instant::now()).unwrap_err();
        assert_eq!(Status::from(error).code(), Code::DeadlineExceeded);

        // Entities in time, links late: the entities are the answer.
        let mut late_answer = answer();
        late_answer.fail_with(&[Feature::Links], "knowledge", &late);
        let partial = late_answer.finish("", Instant::now()).unwrap();
        assert_eq!(partial.errors.len(), 1);

        // Every feature failed, not all for lack of time: the answer says why.
        let mut late_answer = answer();
        late_answer.fail_with(
            &[Feature::Entities],
            "entities",
            &Status::unavailable("down"),
        );
        late_answer.fail_with(&[Feature::Links], "knowledge", &late);
        let failed = late_answer.finish("", Instant::now()).unwrap();
        assert_eq!(failed.errors.len(), 2);
    }
}
