//! The tonic service: `Analyze` and `AnalyzeStream`.

use std::sync::Arc;

use copydesk_proto::v1::analyze_result::Outcome;
use copydesk_proto::v1::sentiment_analyzer_server::SentimentAnalyzer as SentimentApi;
use copydesk_proto::v1::{AnalyzeRequest, AnalyzeResponse, AnalyzeResult, DocumentError};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::analyze::{Engines, analyze};

/// Results a stream may hold before the client reads them: enough to keep
/// the engine busy while one is in flight, little enough that a slow reader
/// holds back the work instead of memory piling up.
const STREAM_BUFFER: usize = 4;

/// `copydesk.v1.SentimentAnalyzer` over the engine.
#[derive(Clone, Debug)]
pub struct SentimentService {
    engines: Arc<Engines>,
    max_document_bytes: usize,
}

impl SentimentService {
    pub fn new(engines: Engines, max_document_bytes: usize) -> Self {
        SentimentService {
            engines: Arc::new(engines),
            max_document_bytes,
        }
    }
}

#[tonic::async_trait]
impl SentimentApi for SentimentService {
    async fn analyze(
        &self,
        request: Request<AnalyzeRequest>,
    ) -> Result<Response<AnalyzeResponse>, Status> {
        let response =
            analyze(&self.engines, request.into_inner(), self.max_document_bytes).await?;
        Ok(Response::new(response))
    }

    type AnalyzeStreamStream = ReceiverStream<Result<AnalyzeResult, Status>>;

    async fn analyze_stream(
        &self,
        request: Request<Streaming<AnalyzeRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
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
                        // invalid UTF-8, reset): nothing after it can be read.
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
                let outcome =
                    match analyze(&service.engines, request, service.max_document_bytes).await {
                        Ok(response) => Outcome::Response(response),
                        Err(error) => {
                            let status = Status::from(error);
                            Outcome::Error(DocumentError {
                                code: status.code() as i32,
                                message: status.message().to_owned(),
                            })
                        }
                    };
                let result = AnalyzeResult {
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
}
