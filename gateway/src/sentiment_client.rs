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
