//! The knowledge service, as the gateway calls it.

use std::time::Instant;

use copydesk_proto::v1::{Document, Entity, LinkResponse, Segmentation};
use tonic::Status;

use crate::downstream::Downstream;
use crate::encoded;

#[derive(Clone, Debug)]
pub struct KnowledgeClient {
    downstream: Downstream,
}

impl KnowledgeClient {
    pub fn new(downstream: Downstream) -> Self {
        KnowledgeClient { downstream }
    }

    /// Links `entities` of `document` to the knowledge bases, handing over
    /// its segmentation so the service does not segment again. Offsets in
    /// UTF-8 bytes.
    #[tracing::instrument(
        name = "call",
        skip_all,
        fields(
            otel.name = "copydesk.v1.EntityLinker/Link",
            otel.kind = "client",
            rpc.system = "grpc",
            rpc.service = "copydesk.v1.EntityLinker",
            rpc.method = "Link",
            document.bytes = document.text.len() as i64,
        )
    )]
    pub async fn link(
        &self,
        document: &Document,
        segmentation: Option<&Segmentation>,
        entities: &[Entity],
        deadline: Option<Instant>,
    ) -> Result<LinkResponse, Status> {
        self.downstream
            .unary(
                "/copydesk.v1.EntityLinker/Link",
                encoded::link_request(document, segmentation, entities),
                deadline,
            )
            .await
    }
}
