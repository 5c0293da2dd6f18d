//! Sending bytes that no well-behaved client would: a gRPC codec that puts a
//! request's bytes on the wire as they are.

use bytes::{Buf, BufMut};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;

#[derive(Clone, Copy, Debug, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// Calls unary `path` (e.g. "/copydesk.v1.Segmenter/Segment") with `body`
/// as the serialized request.
pub async fn unary(channel: Channel, path: &'static str, body: Vec<u8>) -> Result<Vec<u8>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let path = http::uri::PathAndQuery::from_static(path);
    grpc.unary(tonic::Request::new(body), path, RawCodec)
        .await
        .map(tonic::Response::into_inner)
}

/// A request whose field 1 is a `Document` whose `text` (field 2) holds
/// bytes that are not UTF-8: the shape of SegmentRequest, AnnotateRequest
/// and RecognizeRequest.
pub fn request_with_invalid_utf8_text() -> Vec<u8> {
    let text = [0xff, 0xfe, b'a'];
    let mut document = vec![0x12, text.len() as u8];
    document.extend_from_slice(&text);
    let mut request = vec![0x0a, document.len() as u8];
    request.extend_from_slice(&document);
    request
}
