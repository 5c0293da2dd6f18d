//! The checks every service makes of a request before any work: the same
//! contract, so the same errors and messages from every server.

use copydesk_proto::encoding::{SpanError, decode_spans};
use copydesk_proto::v1::{ContentType, Document, Entity, OffsetEncoding, Segmentation};
use tonic::Status;

/// Why a request breaks the contract every service shares.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The request has no `document`.
    #[error("document is required")]
    MissingDocument,
    /// The text is larger than the configured limit.
    #[error(
        "document.text is {size} bytes, over this server's limit of {limit} bytes (--max-document-bytes / COPYDESK_MAX_DOCUMENT_BYTES)"
    )]
    DocumentTooLarge { size: usize, limit: usize },
    /// `content_type` is HTML, to a service that reads plain text only.
    #[error(
        "document.content_type HTML is read by the gateway and the segmenter; this service reads PLAIN_TEXT (send the segmenter's plain_text)"
    )]
    HtmlNotSupported,
    /// An enum field holds a number the contract does not define.
    #[error("{field}: unknown value {value}")]
    UnknownEnumValue { field: &'static str, value: i32 },
}

impl From<RequestError> for Status {
    fn from(error: RequestError) -> Self {
        match error {
            RequestError::MissingDocument
            | RequestError::DocumentTooLarge { .. }
            | RequestError::HtmlNotSupported
            | RequestError::UnknownEnumValue { .. } => Status::invalid_argument(error.to_string()),
        }
    }
}

/// The parts of a checked document the engines need.
#[derive(Debug)]
pub struct CheckedDocument {
    pub id: String,
    pub text: String,
    pub language_code: String,
}

/// The request's offset encoding, refused when the contract does not know it.
pub fn offset_encoding(value: i32) -> Result<OffsetEncoding, RequestError> {
    OffsetEncoding::try_from(value).map_err(|_| RequestError::UnknownEnumValue {
        field: "encoding",
        value,
    })
}

/// Checks that `document` is there, is plain text and fits the size limit.
pub fn check_document(
    document: Option<Document>,
    max_document_bytes: usize,
) -> Result<CheckedDocument, RequestError> {
    let document = document.ok_or(RequestError::MissingDocument)?;
    match ContentType::try_from(document.content_type) {
        Ok(ContentType::Html) => return Err(RequestError::HtmlNotSupported),
        Ok(ContentType::PlainText | ContentType::Unspecified) => {}
        Err(_) => {
            return Err(RequestError::UnknownEnumValue {
                field: "document.content_type",
                value: document.content_type,
            });
        }
    }
    check_size(&document.text, max_document_bytes)?;
    Ok(CheckedDocument {
        id: document.id,
        text: document.text,
        language_code: document.language_code,
    })
}

/// Refuses a text over the size limit, naming both sizes and the flag.
pub fn check_size(text: &str, max_document_bytes: usize) -> Result<(), RequestError> {
    if text.len() > max_document_bytes {
        return Err(RequestError::DocumentTooLarge {
            size: text.len(),
            limit: max_document_bytes,
        });
    }
    Ok(())
}

/// A span a request sent that does not fall on the text's characters.
#[derive(Debug)]
pub struct RequestSpanError {
    /// The request field holding it ("segmentation", "entities").
    pub field: &'static str,
    pub source: SpanError,
}

/// Brings the spans a caller sent with its document (a segmentation, the
/// entities to analyse) from the request's encoding to UTF-8 bytes of
/// `text`, naming the field of the first one that does not fit.
pub fn decode_request_spans(
    text: &str,
    encoding: OffsetEncoding,
    segmentation: Option<&mut Segmentation>,
    entities: &mut [Entity],
) -> Result<(), RequestSpanError> {
    if let Some(segmentation) = segmentation {
        decode_spans(segmentation, text, encoding).map_err(|source| RequestSpanError {
            field: "segmentation",
            source,
        })?;
    }
    decode_spans(entities, text, encoding).map_err(|source| RequestSpanError {
        field: "entities",
        source,
    })
}
