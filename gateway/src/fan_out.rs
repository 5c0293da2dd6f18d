//! Orchestration of one document: segment once, report every feature that
//! cannot be served, convert offsets to the caller's encoding at the end.

use std::time::{Duration, Instant};

use copydesk_proto::encoding::encode_spans;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, Document, FeatureError, OffsetEncoding, ResponseMeta,
    StageTiming,
};
use tonic::Code;

use crate::config::{GatewayConfig, GatewayOptions};
use crate::error::Error;
use crate::features::{self, Feature};
use crate::segmenter_client::SegmenterClient;

/// Annotates documents by calling the other services.
#[derive(Debug)]
pub struct Annotator {
    segmenter: SegmenterClient,
    max_document_bytes: usize,
    options: GatewayOptions,
}

impl Annotator {
    pub fn new(config: &GatewayConfig) -> Result<Self, Error> {
        let segmenter = SegmenterClient::connect_lazy(
            &config.segmenter_addr,
            config.server.max_message_bytes,
            Duration::from_millis(config.gateway.downstream_timeout_ms),
        )?;
        Ok(Annotator {
            segmenter,
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
        let encoding = encoding(request.encoding)?;
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
        let document = document.ok_or(Error::MissingDocument)?;
        if document.text.len() > self.max_document_bytes {
            return Err(Error::DocumentTooLarge {
                size: document.text.len(),
                limit: self.max_document_bytes,
            });
        }

        let mut response = AnnotateResponse {
            document_id: document.id.clone(),
            ..Default::default()
        };
        let mut meta = ResponseMeta {
            encoding: encoding as i32,
            ..Default::default()
        };

        // Every feature served in this build builds on the segmentation.
        let served: Vec<Feature> = features
            .iter()
            .copied()
            .filter(|f| f.unavailable_in_this_build().is_none())
            .collect();
        let mut segmentation_failure = None;
        if !served.is_empty() {
            let stage = Instant::now();
            let segmented = self.segmenter.segment(document.clone(), deadline).await;
            meta.timings.push(timing("segmenter", stage));
            match segmented {
                Ok(segmented) => {
                    if let Some(segmenter_meta) = segmented.meta {
                        meta.models.extend(segmenter_meta.models);
                        meta.language = segmenter_meta.language;
                    }
                    if features.contains(&Feature::Segmentation) {
                        response.segmentation = segmented.segmentation;
                    }
                }
                // The segmenter refused the document itself: so would every
                // other service, and the caller must fix the request.
                Err(status) if status.code() == Code::InvalidArgument => {
                    return Err(Error::RejectedDownstream {
                        service: "segmenter",
                        status,
                    });
                }
                Err(status) => segmentation_failure = Some(status),
            }
        }

        for feature in features {
            if let Some(why) = feature.unavailable_in_this_build() {
                response
                    .errors
                    .push(feature_error(*feature, Code::Unimplemented, why.to_owned()));
            } else if let Some(status) = &segmentation_failure {
                let message = match feature {
                    Feature::Segmentation => format!("segmenter: {}", status.message()),
                    _ => format!(
                        "needs the segmentation, which failed: segmenter: {}",
                        status.message()
                    ),
                };
                response
                    .errors
                    .push(feature_error(*feature, status.code(), message));
            }
        }

        encode_spans(&mut response, &document.text, encoding)?;
        meta.timings.push(timing("total", started));
        response.meta = Some(meta);
        Ok(response)
    }
}

/// The request's offset encoding, refused when the contract does not know it.
pub(crate) fn encoding(value: i32) -> Result<OffsetEncoding, Error> {
    OffsetEncoding::try_from(value).map_err(|_| Error::UnknownEnumValue {
        field: "encoding",
        value,
    })
}

fn feature_error(feature: Feature, code: Code, message: String) -> FeatureError {
    FeatureError {
        feature: feature.name().to_owned(),
        code: code as i32,
        message,
    }
}

fn timing(stage: &str, since: Instant) -> StageTiming {
    StageTiming {
        stage: stage.to_owned(),
        micros: u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX),
    }
}
