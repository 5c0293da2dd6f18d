//! Requests to the services encoded once, from borrowed parts.
//!
//! The gateway hands one document and its segmentation to the segmenter,
//! the entities service, the sentiment service and the knowledge service,
//! and keeps the request for a retry. Building each request message would take a deep copy of
//! the segmentation (thousands of small strings) per service and per
//! attempt; encoding the request's fields straight from references takes
//! none, and a retry resends the same bytes.
//!
//! A protobuf message is the concatenation of its encoded fields, so a
//! request written field by field is the message prost would write (the
//! tests check it byte for byte). `encoding` is left at its default,
//! UTF8 (0), which protobuf leaves out.

use std::marker::PhantomData;

use bytes::{BufMut, Bytes, BytesMut};
use copydesk_proto::v1::{Document, Entity, Segmentation};
use prost::Message;
use prost::encoding::message;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, EncodeBuf, Encoder};
use tonic_prost::ProstDecoder;

/// Field numbers shared by `SegmentRequest`, `RecognizeRequest`,
/// `AnalyzeRequest` and `LinkRequest` (see `proto/copydesk/v1/`).
const DOCUMENT: u32 = 1;
const SEGMENTATION: u32 = 3;
const ENTITIES: u32 = 4;

/// A `SegmentRequest` for `document`, offsets in UTF-8 bytes.
pub fn segment_request(document: &Document) -> Bytes {
    encode(document, None, &[])
}

/// A `RecognizeRequest`: `document` with its segmentation.
pub fn recognize_request(document: &Document, segmentation: Option<&Segmentation>) -> Bytes {
    encode(document, segmentation, &[])
}

/// An `AnalyzeRequest`: `document`, its segmentation and its entities.
pub fn analyze_request(
    document: &Document,
    segmentation: Option<&Segmentation>,
    entities: &[Entity],
) -> Bytes {
    encode(document, segmentation, entities)
}

/// A `LinkRequest`: `document`, its segmentation and its entities, every
/// knowledge base, missed entities added (the fields left unset).
pub fn link_request(
    document: &Document,
    segmentation: Option<&Segmentation>,
    entities: &[Entity],
) -> Bytes {
    encode(document, segmentation, entities)
}

fn encode(document: &Document, segmentation: Option<&Segmentation>, entities: &[Entity]) -> Bytes {
    let len = message::encoded_len(DOCUMENT, document)
        + segmentation.map_or(0, |s| message::encoded_len(SEGMENTATION, s))
        + message::encoded_len_repeated(ENTITIES, entities);
    let mut buf = BytesMut::with_capacity(len);
    message::encode(DOCUMENT, document, &mut buf);
    if let Some(segmentation) = segmentation {
        message::encode(SEGMENTATION, segmentation, &mut buf);
    }
    message::encode_repeated(ENTITIES, entities, &mut buf);
    buf.freeze()
}

/// A gRPC codec that sends an encoded request as it is and decodes the
/// answer `U` as tonic's prost codec does.
#[derive(Debug)]
struct EncodedCodec<U>(PhantomData<fn() -> U>);

impl<U> Default for EncodedCodec<U> {
    fn default() -> Self {
        EncodedCodec(PhantomData)
    }
}

impl<U: Message + Default + Send + 'static> Codec for EncodedCodec<U> {
    type Encode = Bytes;
    type Decode = U;
    type Encoder = BytesEncoder;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        BytesEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::new(BufferSettings::default())
    }
}

/// Writes already encoded bytes.
#[derive(Debug, Clone, Copy, Default)]
struct BytesEncoder;

impl Encoder for BytesEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

/// Calls the unary method `path` ("/copydesk.v1.Segmenter/Segment") on
/// `channel` with an encoded request, as the generated clients do:
/// readiness first, the service and method in the request's extensions,
/// both message size limits at `limit`.
pub async fn unary<U: Message + Default + Send + 'static>(
    channel: tonic::transport::Channel,
    path: &'static str,
    mut request: tonic::Request<Bytes>,
    limit: usize,
) -> Result<tonic::Response<U>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel)
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    grpc.ready()
        .await
        .map_err(|e| Status::unknown(format!("Service was not ready: {e}")))?;
    let (service, method) = path
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or(("", path));
    request
        .extensions_mut()
        .insert(tonic::GrpcMethod::new(service, method));
    grpc.unary(
        request,
        http::uri::PathAndQuery::from_static(path),
        EncodedCodec::<U>::default(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use copydesk_proto::v1::{
        AnalyzeRequest, LinkRequest, Mention, OffsetEncoding, RecognizeRequest, SegmentRequest,
        Sentence, Span, Token,
    };

    use super::*;

    fn document() -> Document {
        Document {
            id: "doc-1".to_owned(),
            text: "Moon Jae-in met Kim. Moon smiled.".to_owned(),
            language_code: "en".to_owned(),
            ..Default::default()
        }
    }

    fn segmentation() -> Segmentation {
        let span = |start, end| Some(Span { begin: start, end });
        Segmentation {
            sentences: vec![Sentence {
                span: span(0, 20),
                ..Default::default()
            }],
            tokens: vec![Token {
                span: span(0, 4),
                text: "Moon".to_owned(),
                norm: "Moon".to_owned(),
                kind: 1,
                space_after: true,
            }],
            ..Default::default()
        }
    }

    fn entities() -> Vec<Entity> {
        vec![Entity {
            id: "e1".to_owned(),
            name: "Moon Jae-in".to_owned(),
            mentions: vec![Mention {
                span: Some(Span { begin: 0, end: 11 }),
                ..Default::default()
            }],
            salience: 0.5,
            ..Default::default()
        }]
    }

    #[test]
    fn requests_are_the_bytes_prost_writes() {
        let (document, segmentation, entities) = (document(), segmentation(), entities());
        let utf8 = OffsetEncoding::Utf8 as i32;
        assert_eq!(
            segment_request(&document),
            SegmentRequest {
                document: Some(document.clone()),
                encoding: utf8,
            }
            .encode_to_vec()
        );
        assert_eq!(
            recognize_request(&document, Some(&segmentation)),
            RecognizeRequest {
                document: Some(document.clone()),
                encoding: utf8,
                segmentation: Some(segmentation.clone()),
            }
            .encode_to_vec()
        );
        for (segmentation, entities) in [
            (Some(segmentation.clone()), entities.clone()),
            (None, Vec::new()),
        ] {
            assert_eq!(
                analyze_request(&document, segmentation.as_ref(), &entities),
                AnalyzeRequest {
                    document: Some(document.clone()),
                    encoding: utf8,
                    segmentation,
                    entities,
                }
                .encode_to_vec()
            );
        }
    }

    #[test]
    fn link_requests_are_the_bytes_prost_writes() {
        let (document, segmentation, entities) = (document(), segmentation(), entities());
        for (segmentation, entities) in [
            (Some(segmentation.clone()), entities.clone()),
            (None, Vec::new()),
        ] {
            assert_eq!(
                link_request(&document, segmentation.as_ref(), &entities),
                LinkRequest {
                    document: Some(document.clone()),
                    encoding: OffsetEncoding::Utf8 as i32,
                    segmentation,
                    entities,
                    knowledge_bases: Vec::new(),
                    add_missed_entities: None,
                }
                .encode_to_vec()
            );
        }
    }

    #[test]
    fn requests_decode_to_what_was_given() {
        let (document, segmentation, entities) = (document(), segmentation(), entities());
        let bytes = analyze_request(&document, Some(&segmentation), &entities);
        let decoded = AnalyzeRequest::decode(bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.document, Some(document));
        assert_eq!(decoded.segmentation, Some(segmentation));
        assert_eq!(decoded.entities, entities);
    }
}
