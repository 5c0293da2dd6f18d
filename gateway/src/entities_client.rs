//! The entities service, as the gateway calls it.

use std::time::Instant;

use copydesk_proto::v1::{Document, RecognizeResponse, Segmentation};
use tonic::Status;

use crate::downstream::Downstream;
use crate::encoded;

#[derive(Clone, Debug)]
pub struct EntitiesClient {
    downstream: Downstream,
}

impl EntitiesClient {
    pub fn new(downstream: Downstream) -> Self {
        EntitiesClient { downstream }
    }

    /// Recognises the entities of `document`, handing over its segmentation
    /// so the service does not segment again. Offsets in UTF-8 bytes.
    #[tracing::instrument(
        name = "call",
        skip_all,
        fields(
            otel.name = "copydesk.v1.EntityRecognizer/Recognize",
            otel.kind = "client",
            rpc.system = "grpc",
            rpc.service = "copydesk.v1.EntityRecognizer",
            rpc.method = "Recognize",
            document.bytes = document.text.len() as i64,
        )
    )]
    pub async fn recognize(
        &self,
        document: &Document,
        segmentation: Option<&Segmentation>,
        deadline: Option<Instant>,
    ) -> Result<RecognizeResponse, Status> {
        self.downstream
            .unary(
                "/copydesk.v1.EntityRecognizer/Recognize",
                encoded::recognize_request(document, segmentation),
                deadline,
            )
            .await
    }
}
