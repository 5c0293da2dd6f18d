//! The sentiment service, as the gateway calls it.

use std::time::Instant;

use copydesk_proto::v1::{AnalyzeResponse, Document, Entity, Segmentation};
use tonic::Status;

use crate::downstream::Downstream;
use crate::encoded;

#[derive(Clone, Debug)]
pub struct SentimentClient {
    downstream: Downstream,
}

impl SentimentClient {
    pub fn new(downstream: Downstream) -> Self {
        SentimentClient { downstream }
    }

    /// The tone of `document`, of its sentences and towards `entities`.
    /// Offsets in UTF-8 bytes.
    #[tracing::instrument(
        name = "call",
        skip_all,
        fields(
            otel.name = "copydesk.v1.SentimentAnalyzer/Analyze",
            otel.kind = "client",
            rpc.system = "grpc",
            rpc.service = "copydesk.v1.SentimentAnalyzer",
            rpc.method = "Analyze",
            document.bytes = document.text.len() as i64,
        )
    )]
    pub async fn analyze(
        &self,
        document: &Document,
        segmentation: Option<&Segmentation>,
        entities: &[Entity],
        deadline: Option<Instant>,
    ) -> Result<AnalyzeResponse, Status> {
        self.downstream
            .unary(
                "/copydesk.v1.SentimentAnalyzer/Analyze",
                encoded::analyze_request(document, segmentation, entities),
                deadline,
            )
            .await
    }
}
