//! The gateway's fan-out for one document: segment once; then entities and
//! sentiment at the same time, both handed that segmentation; when the
//! caller wants the tone towards each entity, sentiment waits for the
//! entities instead. Only the services the requested features need are
//! called. A service that fails costs its features (named in `errors`),
//! never the whole answer; offsets are converted to the caller's encoding
//! once, at the end.

use std::time::{Duration, Instant};

use copydesk_proto::encoding::encode_spans;
use copydesk_proto::v1::{
    AnalyzeResponse, AnnotateRequest, AnnotateResponse, Document, Entity, FeatureError,
    OffsetEncoding, RecognizeResponse, ResponseMeta, StageTiming,
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
        let wants = |f: Feature| features.contains(&f);
        let mut answer = Answer::new(&document, encoding);

        // Stage 1: the segmentation every other analysis builds on.
        let stage = Instant::now();
        let segmented = self.segmenter.segment(&document, deadline).await;
        answer.timing("segmenter", stage);
        let segmentation = match segmented {
            Ok(segmented) => {
                if let Some(meta) = segmented.meta {
                    answer.meta.models.extend(meta.models);
                    answer.meta.language = meta.language;
                }
                segmented.segmentation.unwrap_or_default()
            }
            // The segmenter refused the document itself: so would every
            // other service, and the caller must fix the request.
            Err(status) if status.code() == Code::InvalidArgument => {
                return Err(Error::RejectedDownstream {
                    service: "segmenter",
                    status,
                });
            }
            Err(status) => {
                for &feature in features {
                    let message = match feature {
                        Feature::Segmentation => format!("segmenter: {}", status.message()),
                        _ => format!(
                            "needs the segmentation, which failed: segmenter: {}",
                            status.message()
                        ),
                    };
                    answer.fail(feature, status.code(), message);
                }
                return answer.finish(&document.text, started);
            }
        };

        // Entities and sentiment model English only, for now: say so
        // instead of sending text the models were not trained on.
        let language = segmentation.language.clone().unwrap_or_default();
        let analyses: Vec<Feature> = features
            .iter()
            .copied()
            .filter(|f| *f != Feature::Segmentation)
            .collect();
        if !language.supported && !analyses.is_empty() {
            for feature in analyses {
                answer.fail(
                    feature,
                    Code::FailedPrecondition,
                    format!(
                        "language {:?} is not supported (supported: en)",
                        language.code
                    ),
                );
            }
            if wants(Feature::Segmentation) {
                answer.response.segmentation = Some(segmentation);
            }
            return answer.finish(&document.text, started);
        }

        let want_entities =
            wants(Feature::Entities) || wants(Feature::EntitySentiment) || wants(Feature::Links);
        let want_tone = wants(Feature::DocumentSentiment) || wants(Feature::SentenceSentiment);
        let tone_after_entities = wants(Feature::EntitySentiment);

        // Stage 2: entities and, unless it must wait for them, sentiment.
        let (recognized, toned) = {
            let recognize = async {
                let stage = Instant::now();
                let result = self
                    .entities
                    .recognize(&document, Some(&segmentation), deadline)
                    .await;
                (result, stage.elapsed())
            };
            let analyze_now = async {
                let stage = Instant::now();
                let result = self
                    .sentiment
                    .analyze(&document, Some(&segmentation), &[], deadline)
                    .await;
                (result, stage.elapsed())
            };
            match (want_entities, want_tone && !tone_after_entities) {
                (true, true) => {
                    let (r, t) = tokio::join!(recognize, analyze_now);
                    (Some(r), Some(t))
                }
                (true, false) => (Some(recognize.await), None),
                (false, true) => (None, Some(analyze_now.await)),
                (false, false) => (None, None),
            }
        };

        let mut entities = Vec::new();
        if let Some((result, elapsed)) = recognized {
            answer.meta.timings.push(stage_timing("entities", elapsed));
            match result {
                Ok(RecognizeResponse {
                    entities: found,
                    meta,
                    ..
                }) => {
                    answer.models_from(meta);
                    entities = found;
                }
                Err(status) => {
                    for feature in [Feature::Entities, Feature::EntitySentiment, Feature::Links] {
                        if wants(feature) {
                            answer.fail_with(feature, "entities", &status);
                        }
                    }
                }
            }
        }

        // Stage 3: sentiment with the entities, when their tone is wanted.
        let toned = match toned {
            Some(toned) => Some(toned),
            None if tone_after_entities => {
                let stage = Instant::now();
                let result = self
                    .sentiment
                    .analyze(&document, Some(&segmentation), &entities, deadline)
                    .await;
                Some((result, stage.elapsed()))
            }
            None => None,
        };
        if let Some((result, elapsed)) = toned {
            answer.meta.timings.push(stage_timing("sentiment", elapsed));
            match result {
                Ok(tone) => answer.add_tone(tone, &mut entities, features),
                Err(status) => {
                    for feature in [
                        Feature::DocumentSentiment,
                        Feature::SentenceSentiment,
                        Feature::EntitySentiment,
                    ] {
                        if wants(feature) {
                            answer.fail_with(feature, "sentiment", &status);
                        }
                    }
                }
            }
        }

        if want_entities {
            answer.response.entities = entities;
        }
        if wants(Feature::Segmentation) {
            answer.response.segmentation = Some(segmentation);
        }
        answer.finish(&document.text, started)
    }
}

/// The answer being assembled.
struct Answer {
    response: AnnotateResponse,
    meta: ResponseMeta,
}

impl Answer {
    fn new(document: &Document, encoding: OffsetEncoding) -> Self {
        Answer {
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

    fn timing(&mut self, stage: &str, since: Instant) {
        self.meta.timings.push(stage_timing(stage, since.elapsed()));
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

    fn fail_with(&mut self, feature: Feature, service: &str, status: &Status) {
        self.fail(
            feature,
            status.code(),
            format!("{service}: {}", status.message()),
        );
    }

    /// Takes what sentiment found: document and sentence tone as asked, and
    /// the tone towards each entity onto the entities themselves.
    fn add_tone(&mut self, tone: AnalyzeResponse, entities: &mut [Entity], features: &[Feature]) {
        self.models_from(tone.meta);
        if features.contains(&Feature::DocumentSentiment) {
            self.response.document_sentiment = tone.document_sentiment;
        }
        if features.contains(&Feature::SentenceSentiment) {
            self.response.sentences = tone.sentences;
        }
        if features.contains(&Feature::EntitySentiment) {
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

    fn finish(mut self, text: &str, started: Instant) -> Result<AnnotateResponse, Error> {
        let encoding = OffsetEncoding::try_from(self.meta.encoding).unwrap_or_default();
        encode_spans(&mut self.response, text, encoding)?;
        self.timing("total", started);
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
