//! What a request costs to admit: the bytes of document text it carries.
//!
//! Work and memory follow the text being analysed, and the same document
//! must cost the same in every server it passes through. Counting message
//! bytes did not: a call to the entities service carries the text and its
//! segmentation, three to four times the text, so the gateway admitted
//! documents that the services behind it then refused as over their budget
//! (an overload run of 100 KB documents: 766 of 858 admitted calls came
//! back without entities).
//!
//! Every call that carries documents has them in field 1 (`document` or
//! `documents`) with the text in the document's field 2, so the text's
//! length is read off the encoded message without decoding it. Anything
//! else (other calls, compressed messages, HTTP/JSON bodies, a message this
//! walk does not understand) costs its size in bytes.

/// The methods whose request has `Document document = 1` (or `repeated
/// Document documents = 1`) and whose work follows its text.
const DOCUMENT_METHODS: &[&str] = &[
    "/Annotate",
    "/BatchAnnotate",
    "/Segment",
    "/Recognize",
    "/Analyze",
    "/Link",
];

/// The field numbers the walk follows.
const DOCUMENT_FIELD: u64 = 1;
const TEXT_FIELD: u64 = 2;

/// The cost of a request to `path` whose whole body is `body` (a gRPC
/// call's body is its one length-prefixed message).
pub(crate) fn request_cost(path: &str, grpc: bool, body: &[u8]) -> usize {
    if !grpc || !DOCUMENT_METHODS.iter().any(|m| path.ends_with(m)) {
        return body.len();
    }
    grpc_message(body)
        .and_then(document_text_bytes)
        .unwrap_or(body.len())
}

/// The message of a gRPC body holding one uncompressed message.
fn grpc_message(body: &[u8]) -> Option<&[u8]> {
    let (&compressed, rest) = body.split_first()?;
    let (length, message) = rest.split_at_checked(4)?;
    let length = u32::from_be_bytes(length.try_into().ok()?) as usize;
    (compressed == 0 && message.len() == length).then_some(message)
}

/// The bytes of text of every document in field 1 of `message`; `None`
/// when there is no document or the message does not parse.
fn document_text_bytes(message: &[u8]) -> Option<usize> {
    let mut total = 0usize;
    let mut found = false;
    for field in Fields(message) {
        let (number, value) = field?;
        if let (DOCUMENT_FIELD, Value::Bytes(document)) = (number, value) {
            found = true;
            for inner in Fields(document) {
                if let (TEXT_FIELD, Value::Bytes(text)) = inner? {
                    total = total.saturating_add(text.len());
                }
            }
        }
    }
    found.then_some(total)
}

/// A field's value, as far as the walk needs it.
enum Value<'a> {
    Bytes(&'a [u8]),
    Other,
}

/// The fields of an encoded protobuf message; `Some(None)` ends the walk
/// on bytes that are not one.
struct Fields<'a>(&'a [u8]);

impl<'a> Iterator for Fields<'a> {
    type Item = Option<(u64, Value<'a>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let field = self.read_field();
        if field.is_none() {
            self.0 = &[];
        }
        Some(field)
    }
}

impl<'a> Fields<'a> {
    fn read_field(&mut self) -> Option<(u64, Value<'a>)> {
        let key = self.varint()?;
        let value = match key & 7 {
            0 => {
                self.varint()?;
                Value::Other
            }
            1 => {
                self.take(8)?;
                Value::Other
            }
            2 => {
                let length = usize::try_from(self.varint()?).ok()?;
                Value::Bytes(self.take(length)?)
            }
            5 => {
                self.take(4)?;
                Value::Other
            }
            // Groups (3, 4) are not in proto3; anything else is not protobuf.
            _ => return None,
        };
        Some((key >> 3, value))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(length)?;
        self.0 = rest;
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use copydesk_proto::v1::{
        AnnotateRequest, BatchAnnotateRequest, Document, Features, LookupRequest, RecognizeRequest,
        Segmentation, Token,
    };
    use prost::Message;

    use super::*;

    fn framed(message: &impl Message) -> Vec<u8> {
        let encoded = message.encode_to_vec();
        let mut body = vec![0];
        body.extend_from_slice(&(encoded.len() as u32).to_be_bytes());
        body.extend_from_slice(&encoded);
        body
    }

    fn document(text: &str) -> Option<Document> {
        Some(Document {
            id: "a-long-document-id".to_owned(),
            text: text.to_owned(),
            language_code: "en".to_owned(),
            ..Default::default()
        })
    }

    #[test]
    fn a_document_costs_its_text_in_every_service() {
        let text = "Angela Merkel visited Paris. ".repeat(100);
        let annotate = AnnotateRequest {
            document: document(&text),
            features: Some(Features::default()),
            encoding: 2,
        };
        let recognize = RecognizeRequest {
            document: document(&text),
            segmentation: Some(Segmentation {
                tokens: vec![Token::default(); 500],
                ..Default::default()
            }),
            encoding: 0,
        };
        let recognize_body = framed(&recognize);
        assert!(recognize_body.len() > text.len() + 500);
        assert_eq!(
            request_cost("/copydesk.v1.Annotator/Annotate", true, &framed(&annotate)),
            text.len()
        );
        assert_eq!(
            request_cost(
                "/copydesk.v1.EntityRecognizer/Recognize",
                true,
                &recognize_body
            ),
            text.len()
        );
        let batch = BatchAnnotateRequest {
            documents: vec![document("one").unwrap(), document("three").unwrap()],
            ..Default::default()
        };
        assert_eq!(
            request_cost(
                "/copydesk.v1.Annotator/BatchAnnotate",
                true,
                &framed(&batch)
            ),
            8
        );
    }

    #[test]
    fn other_requests_and_what_does_not_parse_cost_their_size() {
        let lookup = framed(&LookupRequest {
            query: "Taip".to_owned(),
            ..Default::default()
        });
        let path = "/copydesk.v1.EntityLinker/Lookup";
        assert_eq!(request_cost(path, true, &lookup), lookup.len());
        let json = br#"{"document":{"text":"Hi."}}"#;
        assert_eq!(request_cost("/v1/annotate", false, json), json.len());
        // Compressed, truncated, or no document at all.
        let mut compressed = framed(&AnnotateRequest::default());
        compressed[0] = 1;
        let annotate = "/copydesk.v1.Annotator/Annotate";
        assert_eq!(request_cost(annotate, true, &compressed), compressed.len());
        let whole = framed(&AnnotateRequest {
            document: document("Hello there."),
            ..Default::default()
        });
        let cut = &whole[..whole.len() - 3];
        assert_eq!(request_cost(annotate, true, cut), cut.len());
        let garbage = [0, 0, 0, 0, 3, 0xff, 0xff, 0xff];
        assert_eq!(request_cost(annotate, true, &garbage), garbage.len());
    }
}
