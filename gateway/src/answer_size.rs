//! Answers that must fit in one gRPC message (`--max-message-bytes`).
//!
//! The default limit carries the answer of the largest document the
//! default `--max-document-bytes` admits (a segmentation takes up to about
//! 21 bytes per byte of text: 1 MB of commas made 21 MB). A batch can still
//! outgrow it: there every document keeps its own result, and the ones
//! that no longer fit get an error of their own instead of the whole batch
//! failing after all its work. Each such refusal is logged.

use copydesk_proto::v1::annotate_result::Outcome;
use copydesk_proto::v1::{AnnotateResponse, AnnotateResult, BatchAnnotateResponse};
use copydesk_runtime::DocumentResult;
use prost::Message;
use tonic::Status;

/// Bytes a result costs in its batch beyond its own encoding: the field's
/// key and length prefix.
const FIELD_OVERHEAD: usize = 1 + 10;

fn too_large(what: &str, size: usize, limit: usize) -> Status {
    Status::resource_exhausted(format!(
        "{what} is {size} bytes, over this server's message limit of {limit} bytes (--max-message-bytes / COPYDESK_MAX_MESSAGE_BYTES); send the document alone or split it"
    ))
}

fn log_refusal(status: &Status) {
    tracing::warn!(error = %status.message(), "an answer is over the message limit");
}

/// The answer, or RESOURCE_EXHAUSTED naming the limit when it cannot be
/// sent.
pub fn single(answer: AnnotateResponse, limit: usize) -> Result<AnnotateResponse, Status> {
    let size = answer.encoded_len();
    if size > limit {
        let status = too_large("the answer", size, limit);
        log_refusal(&status);
        return Err(status);
    }
    Ok(answer)
}

/// The batch's results, in order, each kept while the whole fits; a result
/// that would take the batch over the limit becomes that document's error.
/// Room for every document's error is set aside first, so the errors fit
/// too.
pub fn batch(response: BatchAnnotateResponse, limit: usize) -> BatchAnnotateResponse {
    let refusals: Vec<AnnotateResult> = response
        .results
        .iter()
        .map(|result| {
            let size = result.encoded_len() + FIELD_OVERHEAD;
            error_result(
                result,
                too_large("this document's answer in the batch", size, limit),
            )
        })
        .collect();
    let mut total: usize = refusals
        .iter()
        .map(|r| r.encoded_len() + FIELD_OVERHEAD)
        .sum();
    let results = response
        .results
        .into_iter()
        .zip(refusals)
        .map(|(result, refusal)| {
            let extra = result.encoded_len().saturating_sub(refusal.encoded_len());
            if total.saturating_add(extra) <= limit {
                total += extra;
                return result;
            }
            if let Some(Outcome::Error(error)) = &refusal.outcome {
                tracing::warn!(error = %error.message, "an answer is over the message limit");
            }
            refusal
        })
        .collect();
    BatchAnnotateResponse { results }
}

/// One result of a stream: itself, or its document's error when it does
/// not fit in a message.
pub fn streamed(result: AnnotateResult, limit: usize) -> AnnotateResult {
    let size = result.encoded_len();
    if size <= limit {
        return result;
    }
    let status = too_large("this document's answer", size, limit);
    log_refusal(&status);
    error_result(&result, status)
}

fn error_result(result: &AnnotateResult, status: Status) -> AnnotateResult {
    AnnotateResult::from_outcome::<Status>(result.index, result.document_id.clone(), Err(status))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn answer(text_bytes: usize) -> AnnotateResponse {
        AnnotateResponse {
            plain_text: "x".repeat(text_bytes),
            ..Default::default()
        }
    }

    fn result(index: u64, text_bytes: usize) -> AnnotateResult {
        AnnotateResult::from_outcome::<Status>(
            index,
            format!("doc-{index}"),
            Ok(answer(text_bytes)),
        )
    }

    fn is_error(result: &AnnotateResult) -> bool {
        matches!(result.outcome, Some(Outcome::Error(_)))
    }

    #[test]
    fn a_single_answer_over_the_limit_is_refused_naming_it() {
        assert!(single(answer(100), 1000).is_ok());
        let status = single(answer(2000), 1000).unwrap_err();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert!(
            status.message().contains("--max-message-bytes"),
            "{status:?}"
        );
    }

    #[test]
    fn a_batch_keeps_one_result_per_document_and_fits() {
        let response = BatchAnnotateResponse {
            results: (0..5).map(|i| result(i, 600)).collect(),
        };
        let whole = response.encoded_len();
        let limit = 2500;
        assert!(whole > limit);
        let fitted = batch(response.clone(), limit);
        assert_eq!(fitted.results.len(), 5);
        assert!(fitted.encoded_len() <= limit, "{}", fitted.encoded_len());
        let errors: Vec<bool> = fitted.results.iter().map(is_error).collect();
        // The first documents keep their answers; those that did not fit
        // come after them, each with its own error.
        let kept = errors.iter().take_while(|e| !**e).count();
        assert!((1..5).contains(&kept), "{errors:?}");
        assert!(errors[kept..].iter().all(|e| *e), "{errors:?}");
        assert_eq!(fitted.results[4].document_id, "doc-4");
        assert_eq!(fitted.results[4].index, 4);
        // Under the limit (less the length prefixes, counted at their
        // largest) nothing changes.
        let room = whole + 5 * FIELD_OVERHEAD;
        assert_eq!(batch(response.clone(), room), response);
    }

    #[test]
    fn a_streamed_result_too_large_becomes_its_documents_error() {
        assert!(!is_error(&streamed(result(0, 10), 1000)));
        let refused = streamed(result(7, 5000), 1000);
        assert!(is_error(&refused));
        assert_eq!((refused.index, refused.document_id.as_str()), (7, "doc-7"));
    }
}
