//! What each fuzz target checks, as plain functions: the targets in
//! `fuzz_targets/` hand their input here, and a crash found by the fuzzer
//! can be replayed by calling the same function from a test.
//!
//! The properties are the ones the services promise: no input panics, the
//! segmentation tiles the text (tests/arbitrary_text.rs in the segmenter
//! checks the same on generated text), the HTML source map stays inside
//! the markup, and a request that parses either passes the checks every
//! server makes or is refused with INVALID_ARGUMENT, and reads back the
//! same after being written out.

#![forbid(unsafe_code)]

use copydesk_proto::v1::{AnnotateRequest, BatchAnnotateRequest, Document, Features};
use copydesk_segmenter::Segmenter;
use prost::Message;
use tonic::{Code, Status};

/// The largest document the request checks are given: small, so that the
/// fuzzer reaches both sides of the size check.
const MAX_DOCUMENT_BYTES: usize = 64;

/// Characters the segmenter passes over without making a token of them.
fn is_skipped(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// Segments `data` (as UTF-8, invalid bytes replaced) and checks that the
/// tokens are non-empty, in order, on character boundaries and cover every
/// character but whitespace, and that sentences and paragraphs tile the
/// tokens. The first byte picks the language: identified, English, or a
/// language the rules do not know.
pub fn segment(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let language = match choice % 4 {
        0 => None,
        1 | 2 => Some("en"),
        _ => Some("zz"),
    };
    check_segmentation(&text, language);
}

/// The invariants of one segmentation of `text`.
pub fn check_segmentation(text: &str, language: Option<&str>) {
    let seg = Segmenter::new().segment(text, language);
    let mut covered = 0;
    for t in &seg.tokens {
        assert!(t.span.start < t.span.end, "empty token {:?}", t.span);
        assert!(t.span.start >= covered, "overlapping token {:?}", t.span);
        assert!(t.span.end <= text.len(), "token past the end {:?}", t.span);
        assert!(
            text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end),
            "token off a character boundary {:?}",
            t.span
        );
        let skipped = &text[covered..t.span.start];
        assert!(
            skipped.chars().all(is_skipped),
            "text skipped between tokens: {skipped:?}"
        );
        covered = t.span.end;
    }
    assert!(
        text[covered..].chars().all(is_skipped),
        "text skipped after the last token: {:?}",
        &text[covered..]
    );
    let mut next_token = 0;
    for (i, s) in seg.sentences.iter().enumerate() {
        assert_eq!(s.token_start, next_token, "sentence {i} does not follow on");
        assert!(s.token_end > s.token_start, "empty sentence {i}");
        next_token = s.token_end;
        let p = seg.paragraphs.get(s.paragraph);
        assert!(
            p.is_some_and(|p| (p.sentence_start..p.sentence_end).contains(&i)),
            "sentence {i} is not in its paragraph {}",
            s.paragraph
        );
    }
    assert_eq!(
        next_token,
        seg.tokens.len(),
        "tokens outside every sentence"
    );
    let mut next_sentence = 0;
    for (i, p) in seg.paragraphs.iter().enumerate() {
        assert_eq!(
            p.sentence_start, next_sentence,
            "paragraph {i} does not follow on"
        );
        assert!(p.sentence_end > p.sentence_start, "empty paragraph {i}");
        next_sentence = p.sentence_end;
    }
    assert_eq!(
        next_sentence,
        seg.sentences.len(),
        "sentences outside every paragraph"
    );
}

/// Extracts the text of `data` (as UTF-8, invalid bytes replaced) and
/// checks the source map: it covers the whole text, and every character and
/// every word of the text maps to markup inside the input, on character
/// boundaries, in text order.
pub fn html(data: &[u8]) {
    let markup = String::from_utf8_lossy(data);
    check_extraction(&markup);
}

/// The invariants of one extraction of `markup`.
pub fn check_extraction(markup: &str) {
    let extracted = copydesk_html::extract(markup);
    let text = &extracted.text;
    let map = &extracted.map;
    assert_eq!(
        map.text_len(),
        text.len(),
        "the map does not cover the text"
    );
    let check_span = |range: std::ops::Range<usize>| {
        let source = map.to_source(range.clone());
        assert!(
            source.start <= source.end && source.end <= markup.len(),
            "{range:?} maps to {source:?}, outside the markup of {} bytes",
            markup.len()
        );
        assert!(
            markup.is_char_boundary(source.start) && markup.is_char_boundary(source.end),
            "{range:?} maps to {source:?}, off a character boundary of the markup"
        );
        source
    };
    let mut previous = 0..0;
    for (start, c) in text.char_indices() {
        let source = check_span(start..start + c.len_utf8());
        assert!(
            source.start >= previous.start && source.end >= previous.end,
            "text byte {start} maps to {source:?}, before the previous character's {previous:?}"
        );
        previous = source;
    }
    let mut previous = 0..0;
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_whitespace()) {
            (None, false) => start = Some(i),
            (Some(from), true) => {
                let source = check_span(from..i);
                assert!(
                    source.start >= previous.end,
                    "word {from}..{i} maps to {source:?}, overlapping the previous word's {previous:?}"
                );
                previous = source;
                start = None;
            }
            _ => {}
        }
    }
    // An empty range, and one past the text, map inside the markup too.
    check_span(text.len()..text.len());
    check_span(0..0);
}

/// Parses `data` as the proto3 JSON of an `AnnotateRequest` and of a
/// `BatchAnnotateRequest`, as `POST /v1/annotate` and `/v1/batchAnnotate`
/// do, and checks what parses.
pub fn json_request(data: &[u8]) {
    if let Ok(request) = serde_json::from_slice::<AnnotateRequest>(data) {
        let written = serde_json::to_vec(&request).unwrap_or_else(|e| panic!("to JSON: {e}"));
        let read: AnnotateRequest = serde_json::from_slice(&written)
            .unwrap_or_else(|e| panic!("its own JSON does not parse: {e}"));
        assert_eq!(read, request, "JSON round trip");
        check_annotate_request(request);
    }
    if let Ok(request) = serde_json::from_slice::<BatchAnnotateRequest>(data) {
        let written = serde_json::to_vec(&request).unwrap_or_else(|e| panic!("to JSON: {e}"));
        let read: BatchAnnotateRequest = serde_json::from_slice(&written)
            .unwrap_or_else(|e| panic!("its own JSON does not parse: {e}"));
        assert_eq!(read, request, "JSON round trip");
        check_batch_request(request);
    }
}

/// Decodes `data` as a protobuf `AnnotateRequest` and `BatchAnnotateRequest`,
/// as the gRPC services do, and checks what decodes.
pub fn proto_request(data: &[u8]) {
    if let Ok(request) = AnnotateRequest::decode(data) {
        let read = AnnotateRequest::decode(request.encode_to_vec().as_slice())
            .unwrap_or_else(|e| panic!("its own encoding does not decode: {e}"));
        assert_eq!(read, request, "protobuf round trip");
        check_annotate_request(request);
    }
    if let Ok(request) = BatchAnnotateRequest::decode(data) {
        let read = BatchAnnotateRequest::decode(request.encode_to_vec().as_slice())
            .unwrap_or_else(|e| panic!("its own encoding does not decode: {e}"));
        assert_eq!(read, request, "protobuf round trip");
        check_batch_request(request);
    }
}

/// The checks the gateway makes of a request before any work
/// (`Annotator::annotate`): the offset encoding, the features, then the
/// document as every server checks it.
fn check_annotate_request(request: AnnotateRequest) {
    check_common(request.encoding, request.features.as_ref());
    check_document(request.document);
}

fn check_batch_request(request: BatchAnnotateRequest) {
    check_common(request.encoding, request.features.as_ref());
    for document in request.documents {
        check_document(Some(document));
    }
}

fn check_common(encoding: i32, features: Option<&Features>) {
    if let Err(error) = copydesk_runtime::offset_encoding(encoding) {
        assert_refusal(Status::from(error));
    }
    match copydesk_gateway::features::requested(features) {
        Ok(wanted) => assert!(!wanted.is_empty(), "no feature and no error"),
        Err(error) => assert_refusal(Status::from(error)),
    }
}

fn check_document(document: Option<Document>) {
    let expected_text = document.as_ref().map(|d| d.text.clone());
    match copydesk_runtime::check_document(document, MAX_DOCUMENT_BYTES) {
        Ok(checked) => {
            assert!(
                checked.text.len() <= MAX_DOCUMENT_BYTES,
                "over the limit, accepted"
            );
            assert_eq!(Some(checked.text), expected_text, "the text changed");
        }
        Err(error) => assert_refusal(Status::from(error)),
    }
}

/// A refused request is INVALID_ARGUMENT with a message that says why.
fn assert_refusal(status: Status) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(!status.message().is_empty(), "refused without a reason");
}
