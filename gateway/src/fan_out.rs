//! The gateway's fan-out for one document, as the design draws it:
//!
//! ```text
//! segment ──► entities ──► entity sentiment (when the tone towards each entity is wanted)
//!         └─► sentiment (document and sentence tone, unless it waits for the entities)
//! ```
//!
//! Segmentation comes first, once; entities and sentiment then run at the
//! same time, both handed that segmentation; when the caller wants the tone
//! towards each entity, sentiment waits for the entities instead. Only the
//! services the requested features need are called. A service that fails
//! costs its features (named in `errors`), never the whole answer; offsets
//! are converted to the caller's encoding once, at the end.

use std::future::Future;
use std::time::{Duration, Instant};

use copydesk_proto::encoding::encode_spans;
use copydesk_proto::v1::{
    AnalyzeResponse, AnnotateRequest, AnnotateResponse, Document, Entity, FeatureError,
    OffsetEncoding, RecognizeResponse, ResponseMeta, Segmentation, StageTiming,
};
use copydesk_runtime::{RequestError, check_size, offset_encoding};
use tonic::{Code, Status};

use crate::config::{GatewayConfig, GatewayOptions};
use crate::downstream::Downstream;
use crate::entities_client::EntitiesClient;
use crate::error::Error;
use crate::features::{self, Feature};
use crate::segmenter_client::SegmenterClient;
use crate::sentiment_client::SentimentClient;

/// Annotates documents by calling the other services.
#[derive(Debug)]
pub struct Annotator {
    segmenter: SegmenterClient,
    entities: EntitiesClient,
    sentiment: SentimentClient,
    max_document_bytes: usize,
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
            max_document_bytes: config.max_document_bytes,
            options: config.gateway.clone(),
        })
    }

    pub fn options(&self) -> &GatewayOptions {
        &self.options
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
        let document = document.ok_or(RequestError::MissingDocument)?;
        // The content type is left to the segmenter, which decides what it
        // can read; its refusal fails the whole call, naming it.
        check_size(&document.text, self.max_document_bytes)?;
        let mut answer = Answer::new(&document, features, encoding);

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
        answer.add_analyses(analyses);
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
    /// the same time; then sentiment with the entities when their tone is
    /// wanted.
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
            let toned = when(plan.tone_after_entities, || {
                self.sentiment_of(document, segmentation, found, deadline)
            })
            .await;
            (recognized, toned)
        };
        let (tone_now, (recognized, tone_later)) = tokio::join!(tone_now, entities_then);
        Analyses {
            recognized,
            toned: tone_now.or(tone_later),
        }
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
}

impl Answer {
    fn new(document: &Document, features: &[Feature], encoding: OffsetEncoding) -> Self {
        Answer {
            features: features.to_vec(),
            response: AnnotateResponse {
                document_id: document.id.clone(),
                ..Default::default()
            },
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

    fn add_segmentation(&mut self, segmentation: Segmentation) {
        if self.wants(Feature::Segmentation) {
            self.response.segmentation = Some(segmentation);
        }
    }

    /// Takes what the services found after the segmentation.
    fn add_analyses(&mut self, analyses: Analyses) {
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

    /// The last stage: offsets into the caller's encoding, the total time.
    fn finish(mut self, text: &str, started: Instant) -> Result<AnnotateResponse, Error> {
        let encoding = OffsetEncoding::try_from(self.meta.encoding).unwrap_or_default();
        encode_spans(&mut self.response, text, encoding)?;
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
