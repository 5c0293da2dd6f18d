//! The segmenter service, as the gateway calls it.

use std::time::Instant;

use copydesk_proto::v1::{Document, SegmentResponse};
use tonic::Status;

use crate::downstream::Downstream;
use crate::encoded;

#[derive(Clone, Debug)]
pub struct SegmenterClient {
    downstream: Downstream,
}

impl SegmenterClient {
    pub fn new(downstream: Downstream) -> Self {
        SegmenterClient { downstream }
    }

    /// Segments `document` with UTF-8 byte offsets: the gateway converts
    /// them once, at the end, to what its caller asked for.
    #[tracing::instrument(
        name = "call",
        skip_all,
        fields(
            otel.name = "copydesk.v1.Segmenter/Segment",
            otel.kind = "client",
            rpc.system = "grpc",
            rpc.service = "copydesk.v1.Segmenter",
            rpc.method = "Segment",
            document.bytes = document.text.len() as i64,
        )
    )]
    pub async fn segment(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<SegmentResponse, Status> {
        self.downstream
            .unary(
                "/copydesk.v1.Segmenter/Segment",
                encoded::segment_request(document),
                deadline,
            )
            .await
    }
}
