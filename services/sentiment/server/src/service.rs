//! The tonic service: `Analyze` and `AnalyzeStream`.

use std::sync::Arc;

use copydesk_proto::v1::sentiment_analyzer_server::SentimentAnalyzer as SentimentApi;
use copydesk_proto::v1::{AnalyzeRequest, AnalyzeResponse, AnalyzeResult};
use copydesk_runtime::document_stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::analyze::{Engines, analyze};

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
        let service = self.clone();
        let results = document_stream(request, move |request| {
            let service = service.clone();
            async move { analyze(&service.engines, request, service.max_document_bytes).await }
        });
        Ok(Response::new(results))
    }
}
