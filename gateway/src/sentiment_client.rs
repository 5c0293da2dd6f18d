//! The sentiment service, as the gateway calls it.

use std::time::Instant;

use copydesk_proto::v1::sentiment_analyzer_client::SentimentAnalyzerClient as GrpcClient;
use copydesk_proto::v1::{
    AnalyzeRequest, AnalyzeResponse, Document, Entity, OffsetEncoding, Segmentation,
};
use tonic::Status;

use crate::downstream::Downstream;

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
        document: Document,
        segmentation: Option<Segmentation>,
        entities: Vec<Entity>,
        deadline: Option<Instant>,
    ) -> Result<AnalyzeResponse, Status> {
        let limit = self.downstream.max_message_bytes;
        let message = AnalyzeRequest {
            document: Some(document),
            encoding: OffsetEncoding::Utf8 as i32,
            segmentation,
            entities,
        };
        self.downstream
            .call(message, deadline, |channel, request| async move {
                GrpcClient::new(channel)
                    .max_decoding_message_size(limit)
                    .max_encoding_message_size(limit)
                    .analyze(request)
                    .await
            })
            .await
    }
}
