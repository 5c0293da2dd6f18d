//! The per-document streaming calls (`SegmentStream`, `RecognizeStream`,
//! `AnalyzeStream`): one result per request, in order; a bad document gets
//! an error result and the stream goes on.
//!
//! Admission: a stream holds no slot while it waits for its client's next
//! message. Each message is admitted (by count and by its size, the same
//! budget unary calls use) while it is processed. When the server is full
//! the stream waits for room, bounded by the call's deadline: a stream is
//! flow-controlled, one message at a time, so this is backpressure on its
//! client rather than a queue; past the deadline the document gets
//! DEADLINE_EXCEEDED.

use std::future::Future;

use copydesk_proto::v1::{self, Document, DocumentError};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Status, Streaming};

use crate::decode_error_as_invalid_argument;
use crate::shed::CallAdmission;

/// Results a stream may hold before the client reads them: enough to keep
/// the engine busy while one is in flight, little enough that a slow reader
/// holds back the work instead of memory piling up.
const STREAM_BUFFER: usize = 4;

/// A request about one document, as the streaming calls take them.
pub trait DocumentRequest {
    /// The document's id, empty when there is no document: its result must
    /// still say which request it answers.
    fn document_id(&self) -> String;

    /// The bytes of its text: what it costs to admit, as in a unary call.
    fn text_bytes(&self) -> usize;
}

/// One document's result in a stream or batch: its answer or why it failed.
pub trait DocumentResult {
    type Response;

    fn from_outcome<E: Into<Status>>(
        index: u64,
        document_id: String,
        outcome: Result<Self::Response, E>,
    ) -> Self;
}

/// Implements both traits for messages that prost generates alike but as
/// unrelated types.
macro_rules! document_messages {
    ($($request:ident => $result:ident($outcome:ident, $response:ident);)*) => {$(
        impl DocumentRequest for v1::$request {
            fn document_id(&self) -> String {
                self.document.as_ref().map(|d: &Document| d.id.clone()).unwrap_or_default()
            }

            fn text_bytes(&self) -> usize {
                self.document.as_ref().map_or(0, |d: &Document| d.text.len())
            }
        }

        impl DocumentResult for v1::$result {
            type Response = v1::$response;

            fn from_outcome<E: Into<Status>>(
                index: u64,
                document_id: String,
                outcome: Result<Self::Response, E>,
            ) -> Self {
                let outcome = match outcome {
                    Ok(response) => v1::$outcome::Outcome::Response(response),
                    Err(error) => v1::$outcome::Outcome::Error(document_error(&error.into())),
                };
                v1::$result {
                    index,
                    document_id,
                    outcome: Some(outcome),
                }
            }
        }
    )*};
}

document_messages! {
    SegmentRequest => SegmentResult(segment_result, SegmentResponse);
    RecognizeRequest => RecognizeResult(recognize_result, RecognizeResponse);
    AnalyzeRequest => AnalyzeResult(analyze_result, AnalyzeResponse);
    LinkRequest => LinkResult(link_result, LinkResponse);
    AnnotateRequest => AnnotateResult(annotate_result, AnnotateResponse);
}

/// Handles each request of `call` in turn with `handle` and streams one
/// result per request, each admitted while it is handled. A broken inbound
/// stream ends the output with its status; a client that goes away stops
/// the work.
pub fn document_stream<Req, Out, F, Fut, E>(
    call: Request<Streaming<Req>>,
    mut handle: F,
) -> ReceiverStream<Result<Out, Status>>
where
    Req: DocumentRequest + prost::Message + Send + 'static,
    Out: DocumentResult + Send + 'static,
    F: FnMut(Req) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Out::Response, E>> + Send,
    E: Into<Status>,
{
    let admission = call.extensions().get::<CallAdmission>().cloned();
    let mut inbound = call.into_inner();
    let (results, receiver) = mpsc::channel(STREAM_BUFFER);
    spawn_in_current_span(async move {
        let mut index = 0u64;
        loop {
            // Stop reading, and so stop working, as soon as the client is
            // gone.
            let next = tokio::select! {
                next = inbound.message() => next,
                () = results.closed() => return,
            };
            let request = match next {
                Ok(Some(request)) => request,
                Ok(None) => return,
                Err(status) => {
                    // The stream itself is broken (undecodable message,
                    // invalid UTF-8, reset): nothing after it can be read.
                    let _ = results
                        .send(Err(decode_error_as_invalid_argument(status)))
                        .await;
                    return;
                }
            };
            let document_id = request.document_id();
            let result = match admit(admission.as_ref(), request.text_bytes()).await {
                Ok(ticket) => {
                    let outcome = handle(request).await;
                    drop(ticket);
                    Out::from_outcome(index, document_id, outcome)
                }
                Err(status) => Out::from_outcome::<Status>(index, document_id, Err(status)),
            };
            if results.send(Ok(result)).await.is_err() {
                return;
            }
            index += 1;
        }
    });
    ReceiverStream::new(receiver)
}

/// Admits one message of a stream; a stream the shed layer did not see
/// (a test calling the service directly) is not limited.
async fn admit(
    admission: Option<&CallAdmission>,
    size: usize,
) -> Result<Option<crate::Ticket>, Status> {
    match admission {
        Some(admission) => admission.admit(size).await.map(Some),
        None => Ok(None),
    }
}

/// Spawns `task` in the request's span, so that each document's work is
/// part of the request's trace.
fn spawn_in_current_span<F>(task: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(tracing::Instrument::in_current_span(task));
}

/// How one document's failure is told inside a stream or batch, which goes
/// on past it.
pub fn document_error(status: &Status) -> DocumentError {
    DocumentError {
        code: status.code() as i32,
        message: status.message().to_owned(),
    }
}
