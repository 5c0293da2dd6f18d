//! The tonic service: `Recognize`, `RecognizeStream`, `ListEntityTypes`.

use std::sync::Arc;

use copydesk_proto::v1::entity_recognizer_server::EntityRecognizer;
use copydesk_proto::v1::recognize_result::Outcome;
use copydesk_proto::v1::{
    DocumentError, ListEntityTypesRequest, ListEntityTypesResponse, RecognizeRequest,
    RecognizeResponse, RecognizeResult,
};
use copydesk_segmenter::Segmenter;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::convert;
use crate::model_slot::ModelSlot;
use crate::recognize::recognize;

/// Results a stream may hold before the client reads them: enough to keep
/// the model busy while one is in flight, little enough that a slow reader
/// holds back the work instead of memory piling up.
const STREAM_BUFFER: usize = 4;

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
        let mut inbound = request.into_inner();
        let (results, receiver) = mpsc::channel(STREAM_BUFFER);
        let service = self.clone();
        tokio::spawn(async move {
            let mut index = 0u64;
            loop {
                // Stop reading, and so stop working, as soon as the client
                // is gone.
                let next = tokio::select! {
                    next = inbound.message() => next,
                    () = results.closed() => return,
                };
                let request = match next {
                    Ok(Some(request)) => request,
                    Ok(None) => return,
                    Err(status) => {
                        // The stream itself is broken (undecodable message,
                        // reset): nothing after it can be read.
                        let _ = results
                            .send(Err(copydesk_runtime::decode_error_as_invalid_argument(
                                status,
                            )))
                            .await;
                        return;
                    }
                };
                let document_id = request
                    .document
                    .as_ref()
                    .map(|d| d.id.clone())
                    .unwrap_or_default();
                let outcome = match service.one(request).await {
                    Ok(response) => Outcome::Response(response),
                    Err(status) => Outcome::Error(DocumentError {
                        code: status.code() as i32,
                        message: status.message().to_owned(),
                    }),
                };
                let result = RecognizeResult {
                    index,
                    document_id,
                    outcome: Some(outcome),
                };
                if results.send(Ok(result)).await.is_err() {
                    return;
                }
                index += 1;
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }

    async fn list_entity_types(
        &self,
        _request: Request<ListEntityTypesRequest>,
    ) -> Result<Response<ListEntityTypesResponse>, Status> {
        Ok(Response::new(convert::entity_types()))
    }
}
