//! Batches and streams of documents: results in request order, one error per
//! failed document, a bounded number of documents in progress at once.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, AnnotateResult, BatchAnnotateRequest, BatchAnnotateResponse,
};
use copydesk_runtime::{CallAdmission, DocumentRequest, DocumentResult};
use futures::{Stream, StreamExt};
use tonic::{Status, Streaming};

use crate::error::Error;
use crate::fan_out::Annotator;
use crate::features;

/// Annotates every document of a batch with the batch's features.
pub async fn batch_annotate(
    annotator: &Annotator,
    request: BatchAnnotateRequest,
    deadline: Option<Instant>,
) -> Result<BatchAnnotateResponse, Error> {
    let limit = annotator.options().max_batch_documents;
    if request.documents.len() > limit {
        return Err(Error::TooManyDocuments {
            count: request.documents.len(),
            limit,
        });
    }
    let encoding = copydesk_runtime::offset_encoding(request.encoding)?;
    let features = features::requested(request.features.as_ref())?;
    let features = &features;
    let results = futures::stream::iter(request.documents.into_iter().enumerate())
        .map(|(index, document)| async move {
            let document_id = document.id.clone();
            let outcome = annotator
                .annotate_document(Some(document), features, encoding, deadline)
                .await;
            AnnotateResult::from_outcome(index as u64, document_id, outcome)
        })
        // `buffered` (not `buffer_unordered`) keeps request order.
        .buffered(annotator.options().batch_concurrency.max(1))
        .collect()
        .await;
    Ok(BatchAnnotateResponse { results })
}

pub type ResultStream =
    Pin<Box<dyn Stream<Item = Result<AnnotateResult, Status>> + Send + 'static>>;

/// Annotates a stream of requests; one result per request, in order. A bad
/// request gets an error result and the stream goes on; a broken stream
/// (undecodable message) ends it with that status. Dropping the returned
/// stream (the client went away) drops the work in progress.
///
/// Each document is admitted (`admission`, from the server's shed layer)
/// while it is annotated, not the stream as a whole: see
/// `copydesk_runtime::document_stream`.
pub fn annotate_stream(
    annotator: Arc<Annotator>,
    inbound: Streaming<AnnotateRequest>,
    deadline: Option<Instant>,
    admission: Option<CallAdmission>,
) -> ResultStream {
    let concurrency = annotator.options().batch_concurrency.max(1);
    let results = inbound
        .enumerate()
        .map(move |(index, item)| {
            let annotator = Arc::clone(&annotator);
            let admission = admission.clone();
            async move {
                let request = item.map_err(copydesk_runtime::decode_error_as_invalid_argument)?;
                let document_id = request.document_id();
                let ticket = match &admission {
                    Some(admission) => match admission.admit(request.text_bytes()).await {
                        Ok(ticket) => Some(ticket),
                        Err(status) => {
                            return Ok(AnnotateResult::from_outcome(
                                index as u64,
                                document_id,
                                Err::<AnnotateResponse, _>(status),
                            ));
                        }
                    },
                    None => None,
                };
                let outcome = annotator.annotate(request, deadline).await;
                drop(ticket);
                Ok(AnnotateResult::from_outcome(
                    index as u64,
                    document_id,
                    outcome,
                ))
            }
        })
        .buffered(concurrency)
        .scan(false, |failed, item| {
            // Nothing can follow a broken stream's status.
            let next = if *failed { None } else { Some(item) };
            *failed = next.as_ref().is_some_and(Result::is_err);
            futures::future::ready(next)
        });
    Box::pin(results)
}
