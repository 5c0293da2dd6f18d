//! The tonic service: `Segment` and `SegmentStream`.

use std::sync::Arc;

use copydesk_proto::v1::segmenter_server::Segmenter as SegmenterApi;
use copydesk_proto::v1::{SegmentRequest, SegmentResponse, SegmentResult};
use copydesk_runtime::document_stream;
use copydesk_segmenter::Segmenter;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::segment::segment;

/// `copydesk.v1.Segmenter` over the engine.
#[derive(Clone, Debug)]
pub struct SegmenterService {
    segmenter: Arc<Segmenter>,
    max_document_bytes: usize,
}

impl SegmenterService {
    pub fn new(max_document_bytes: usize) -> Self {
        SegmenterService {
            segmenter: Arc::new(Segmenter::new()),
            max_document_bytes,
        }
    }
}

#[tonic::async_trait]
impl SegmenterApi for SegmenterService {
    async fn segment(
        &self,
        request: Request<SegmentRequest>,
    ) -> Result<Response<SegmentResponse>, Status> {
        let response = segment(
            &self.segmenter,
            request.into_inner(),
            self.max_document_bytes,
        )
        .await?;
        Ok(Response::new(response))
    }

    type SegmentStreamStream = ReceiverStream<Result<SegmentResult, Status>>;

    async fn segment_stream(
        &self,
        request: Request<Streaming<SegmentRequest>>,
    ) -> Result<Response<Self::SegmentStreamStream>, Status> {
        let service = self.clone();
        let results = document_stream(request, move |request| {
            let service = service.clone();
            async move { segment(&service.segmenter, request, service.max_document_bytes).await }
        });
        Ok(Response::new(results))
    }
}
