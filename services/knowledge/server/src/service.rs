//! The tonic service: `Link`, `LinkStream`, `Lookup`, `ListKnowledgeBases`.

use std::sync::Arc;

use copydesk_knowledge::lookup::{MAX_LIMIT, MAX_QUERY_BYTES};
use copydesk_knowledge::{Query, lookup};
use copydesk_proto::v1::entity_linker_server::EntityLinker;
use copydesk_proto::v1::{
    self, LinkRequest, LinkResponse, LinkResult, ListKnowledgeBasesRequest,
    ListKnowledgeBasesResponse, LookupCandidate, LookupRequest, LookupResponse,
};
use copydesk_runtime::document_stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::convert;
use crate::error::Error;
use crate::link::{Linker, check_bases, link};

/// Limit of a lookup that gives none.
const DEFAULT_LIMIT: usize = 10;

/// `copydesk.v1.EntityLinker` over the engine.
#[derive(Clone, Debug)]
pub struct KnowledgeService {
    linker: Arc<Linker>,
}

impl KnowledgeService {
    pub fn new(linker: Linker) -> Self {
        KnowledgeService {
            linker: Arc::new(linker),
        }
    }
}

/// Answers one lookup.
pub fn lookup_request(linker: &Linker, request: &LookupRequest) -> Result<LookupResponse, Error> {
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(Error::InvalidArgument(format!(
            "query is {} bytes, over the limit of {MAX_QUERY_BYTES}",
            request.query.len()
        )));
    }
    if request.query.trim().is_empty() {
        return Err(Error::InvalidArgument("query is empty".to_owned()));
    }
    let limit = match request.limit as usize {
        0 => DEFAULT_LIMIT,
        n if n > MAX_LIMIT => {
            return Err(Error::InvalidArgument(format!(
                "limit {n} is over the maximum of {MAX_LIMIT}"
            )));
        }
        n => n,
    };
    let entity_type = v1::EntityType::try_from(request.r#type).map_err(|_| {
        copydesk_runtime::RequestError::UnknownEnumValue {
            field: "type",
            value: request.r#type,
        }
    })?;
    let snapshot = linker.snapshot()?;
    check_bases(&snapshot, &request.knowledge_bases)?;
    let coarse = convert::coarse(entity_type as i32);
    if coarse.is_none() && entity_type != v1::EntityType::Unspecified {
        // Numbers and dates link to nothing.
        return Ok(LookupResponse::default());
    }
    let hits = lookup(
        &snapshot,
        &Query {
            text: &request.query,
            coarse,
            bases: &request.knowledge_bases,
            limit,
            prefix: request.prefix.unwrap_or(true),
        },
    );
    let candidates = hits
        .iter()
        .map(|hit| LookupCandidate {
            link: Some(convert::entity_link(
                &hit.base,
                hit.entry,
                hit.score,
                hit.nationality(),
            )),
            matched: hit.matched().to_owned(),
            exact: hit.exact,
            r#type: hit.entry().map_or(v1::EntityType::Unspecified, |e| {
                if hit.nationality() {
                    v1::EntityType::Misc
                } else {
                    convert::entity_type(e.coarse)
                }
            }) as i32,
        })
        .collect();
    Ok(LookupResponse { candidates })
}

#[tonic::async_trait]
impl EntityLinker for KnowledgeService {
    async fn link(&self, request: Request<LinkRequest>) -> Result<Response<LinkResponse>, Status> {
        let response = link(&self.linker, request.into_inner()).await?;
        Ok(Response::new(response))
    }

    type LinkStreamStream = ReceiverStream<Result<LinkResult, Status>>;

    /// One result per request, in order; a bad document gets an error
    /// result and the stream goes on; each document is admitted while it
    /// is linked (the runtime's shared stream loop).
    async fn link_stream(
        &self,
        request: Request<Streaming<LinkRequest>>,
    ) -> Result<Response<Self::LinkStreamStream>, Status> {
        let linker = Arc::clone(&self.linker);
        let results = document_stream(request, move |request| {
            let linker = Arc::clone(&linker);
            async move { link(&linker, request).await }
        });
        Ok(Response::new(results))
    }

    async fn lookup(
        &self,
        request: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        Ok(Response::new(lookup_request(
            &self.linker,
            request.get_ref(),
        )?))
    }

    async fn list_knowledge_bases(
        &self,
        _request: Request<ListKnowledgeBasesRequest>,
    ) -> Result<Response<ListKnowledgeBasesResponse>, Status> {
        Ok(Response::new(ListKnowledgeBasesResponse {
            knowledge_bases: self.linker.sources.list(),
        }))
    }
}
