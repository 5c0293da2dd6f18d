//! The tonic service: `Recognize`, `RecognizeStream`, `ListEntityTypes`.

use std::sync::Arc;

use copydesk_proto::v1::entity_recognizer_server::EntityRecognizer;
use copydesk_proto::v1::{
    ListEntityTypesRequest, ListEntityTypesResponse, RecognizeRequest, RecognizeResponse,
    RecognizeResult,
};
use copydesk_runtime::document_stream;
use copydesk_segmenter::Segmenter;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::convert;
use crate::model_slot::ModelSlot;
use crate::recognize::recognize;

/// `copydesk.v1.EntityRecognizer` over the entity engine.
#[derive(Clone, Debug)]
pub struct EntitiesService {
    model: ModelSlot,
    segmenter: Arc<Segmenter>,
    max_document_bytes: usize,
}

impl EntitiesService {
    pub fn new(model: ModelSlot, max_document_bytes: usize) -> Self {
        EntitiesService {
            model,
            segmenter: Arc::new(Segmenter::new()),
            max_document_bytes,
        }
    }

    async fn one(&self, request: RecognizeRequest) -> Result<RecognizeResponse, Status> {
        recognize(
            &self.model,
            &self.segmenter,
            request,
            self.max_document_bytes,
        )
        .await
        .map_err(Status::from)
    }
}

#[tonic::async_trait]
impl EntityRecognizer for EntitiesService {
    async fn recognize(
        &self,
        request: Request<RecognizeRequest>,
    ) -> Result<Response<RecognizeResponse>, Status> {
        Ok(Response::new(self.one(request.into_inner()).await?))
    }

    type RecognizeStreamStream = ReceiverStream<Result<RecognizeResult, Status>>;

    async fn recognize_stream(
        &self,
        request: Request<Streaming<RecognizeRequest>>,
    ) -> Result<Response<Self::RecognizeStreamStream>, Status> {
        let service = self.clone();
        let results = document_stream(request, move |request| {
            let service = service.clone();
            async move { service.one(request).await }
        });
        Ok(Response::new(results))
    }

    async fn list_entity_types(
        &self,
        _request: Request<ListEntityTypesRequest>,
    ) -> Result<Response<ListEntityTypesResponse>, Status> {
        Ok(Response::new(convert::entity_types()))
    }
}
