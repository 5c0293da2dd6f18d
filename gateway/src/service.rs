//! The tonic `copydesk.v1.Annotator` service.

use std::sync::Arc;

use copydesk_proto::v1::annotator_server::Annotator as AnnotatorApi;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, BatchAnnotateRequest, BatchAnnotateResponse,
};
use futures::StreamExt;
use tonic::{Request, Response, Status, Streaming};

use crate::answer_size;
use crate::batch::{self, ResultStream};
use crate::deadline;
use crate::fan_out::Annotator;

pub struct AnnotatorService {
    annotator: Arc<Annotator>,
}

impl AnnotatorService {
    pub fn new(annotator: Arc<Annotator>) -> Self {
        AnnotatorService { annotator }
    }
}

#[tonic::async_trait]
impl AnnotatorApi for AnnotatorService {
    async fn annotate(
        &self,
        request: Request<AnnotateRequest>,
    ) -> Result<Response<AnnotateResponse>, Status> {
        let deadline = deadline::from_metadata(request.metadata());
        let response = self
            .annotator
            .annotate(request.into_inner(), deadline)
            .await?;
        let response = answer_size::single(response, self.annotator.max_answer_bytes())?;
        Ok(Response::new(response))
    }

    async fn batch_annotate(
        &self,
        request: Request<BatchAnnotateRequest>,
    ) -> Result<Response<BatchAnnotateResponse>, Status> {
        let deadline = deadline::from_metadata(request.metadata());
        let response =
            batch::batch_annotate(&self.annotator, request.into_inner(), deadline).await?;
        let response = answer_size::batch(response, self.annotator.max_answer_bytes());
        Ok(Response::new(response))
    }

    type AnnotateStreamStream = ResultStream;

    async fn annotate_stream(
        &self,
        request: Request<Streaming<AnnotateRequest>>,
    ) -> Result<Response<Self::AnnotateStreamStream>, Status> {
        let deadline = deadline::from_metadata(request.metadata());
        let admission = request
            .extensions()
            .get::<copydesk_runtime::CallAdmission>()
            .cloned();
        let limit = self.annotator.max_answer_bytes();
        let results = batch::annotate_stream(
            Arc::clone(&self.annotator),
            request.into_inner(),
            deadline,
            admission,
        )
        .map(move |item| item.map(|result| answer_size::streamed(result, limit)));
        Ok(Response::new(Box::pin(results)))
    }
}
