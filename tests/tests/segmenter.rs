//! The segmenter service: answers, every refusal, and streams.

#![allow(clippy::unwrap_used)]

use copydesk_e2e::{raw, start_segmenter};
use copydesk_proto::v1::segment_result::Outcome;
use copydesk_proto::v1::segmenter_client::SegmenterClient;
use copydesk_proto::v1::{ContentType, Document, OffsetEncoding, SegmentRequest};
use copydesk_segmenter_server::SegmenterConfig;
use tonic::Code;

fn request(id: &str, text: &str) -> SegmentRequest {
    SegmentRequest {
        document: Some(Document {
            id: id.to_owned(),
            text: text.to_owned(),
            ..Default::default()
        }),
        encoding: OffsetEncoding::Utf8 as i32,
    }
}

async fn client(
    config: SegmenterConfig,
) -> (
    copydesk_e2e::Running,
    SegmenterClient<tonic::transport::Channel>,
) {
    let server = start_segmenter(config).await;
    let client = SegmenterClient::new(server.channel().await);
    (server, client)
}

#[tokio::test]
async fn segments_two_sentences_with_meta() {
    let (_server, mut client) = client(SegmenterConfig::default()).await;
    let response = client
        .segment(request("d1", "Hello World. My name is Jonas."))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.document_id, "d1");
    let meta = response.meta.unwrap();
    assert_eq!(meta.models[0].name, "copydesk-segmenter-rules");
    assert_eq!(meta.models[0].service, "segmenter");
    assert_eq!(meta.encoding, OffsetEncoding::Utf8 as i32);
    assert_eq!(meta.timings[0].stage, "segmenter");
    let segmentation = response.segmentation.unwrap();
    let sentences: Vec<&str> = segmentation
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(sentences, ["Hello World.", "My name is Jonas."]);
    assert_eq!(segmentation.paragraphs.len(), 1);
    let tokens: Vec<&str> = segmentation
        .tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(
        tokens,
        ["Hello", "World", ".", "My", "name", "is", "Jonas", "."]
    );
}

#[tokio::test]
async fn empty_text_is_a_valid_empty_answer() {
    let (_server, mut client) = client(SegmenterConfig::default()).await;
    let response = client.segment(request("", "")).await.unwrap().into_inner();
    let segmentation = response.segmentation.unwrap();
    assert!(segmentation.tokens.is_empty());
    assert!(segmentation.sentences.is_empty());
    assert!(segmentation.paragraphs.is_empty());
}

#[tokio::test]
async fn an_oversized_document_is_invalid_argument_naming_the_limit_and_size() {
    let (_server, mut client) = client(SegmenterConfig {
        max_document_bytes: 100,
        ..Default::default()
    })
    .await;
    let status = client
        .segment(request("big", &"x".repeat(101)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("101 bytes"),
        "{}",
        status.message()
    );
    assert!(
        status.message().contains("limit of 100 bytes"),
        "{}",
        status.message()
    );
    assert!(
        status.message().contains("COPYDESK_MAX_DOCUMENT_BYTES"),
        "{}",
        status.message()
    );
    // Exactly at the limit is fine.
    client
        .segment(request("edge", &"x".repeat(100)))
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_utf8_is_invalid_argument_not_internal() {
    let (server, _client) = client(SegmenterConfig::default()).await;
    let status = raw::unary(
        server.channel().await,
        "/copydesk.v1.Segmenter/Segment",
        raw::request_with_invalid_utf8_text(),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().contains("UTF-8"), "{}", status.message());
}

#[tokio::test]
async fn html_is_segmented_as_its_text_with_spans_in_the_markup() {
    let (_server, mut client) = client(SegmenterConfig::default()).await;
    let markup = "<p>Hello, <em>world</em>.</p><ul><li>One</li></ul>";
    let mut html = request("h", markup);
    html.document.as_mut().unwrap().content_type = ContentType::Html as i32;
    html.encoding = OffsetEncoding::Utf16 as i32;
    let response = client.segment(html).await.unwrap().into_inner();
    assert_eq!(response.plain_text, "Hello, world.\n\nOne");
    let segmentation = response.segmentation.unwrap();
    let units: Vec<u16> = markup.encode_utf16().collect();
    let slice = |span: Option<copydesk_proto::v1::Span>| {
        let span = span.unwrap();
        String::from_utf16(&units[span.begin as usize..span.end as usize]).unwrap()
    };
    let paragraphs: Vec<String> = segmentation
        .paragraphs
        .iter()
        .map(|p| slice(p.span))
        .collect();
    assert_eq!(paragraphs, ["Hello, <em>world</em>.", "One"]);
}

#[tokio::test]
async fn a_missing_document_and_an_unknown_encoding_are_invalid_arguments() {
    let (_server, mut client) = client(SegmenterConfig::default()).await;
    let status = client.segment(SegmentRequest::default()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut unknown = request("u", "Hi.");
    unknown.encoding = 42;
    let status = client.segment(unknown).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("encoding"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn segment_stream_answers_in_order_and_goes_on_after_a_bad_document() {
    let (_server, mut client) = client(SegmenterConfig {
        max_document_bytes: 50,
        ..Default::default()
    })
    .await;
    // A content type the contract does not know.
    let mut unknown = request("unknown", "<b>x</b>");
    unknown.document.as_mut().unwrap().content_type = 7;
    let requests = vec![
        request("a", "First document."),
        request("too-big", &"y".repeat(51)),
        unknown,
        request("b", "Second document. Two sentences."),
    ];
    let mut results = client
        .segment_stream(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut seen = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        seen.push(result);
    }
    let ids: Vec<(u64, &str)> = seen
        .iter()
        .map(|r| (r.index, r.document_id.as_str()))
        .collect();
    assert_eq!(ids, [(0, "a"), (1, "too-big"), (2, "unknown"), (3, "b")]);
    assert!(matches!(seen[0].outcome, Some(Outcome::Response(_))));
    for bad in &seen[1..3] {
        let Some(Outcome::Error(error)) = &bad.outcome else {
            panic!("{bad:?}")
        };
        assert_eq!(error.code, Code::InvalidArgument as i32);
    }
    let Some(Outcome::Response(last)) = &seen[3].outcome else {
        panic!("{:?}", seen[3])
    };
    assert_eq!(last.document_id, "b");
}

#[tokio::test]
async fn a_large_document_is_segmented_while_the_server_keeps_answering() {
    let (server, client) = client(SegmenterConfig::default()).await;
    // A segmentation is several times the size of its text.
    let mut client = client.max_decoding_message_size(64 * 1024 * 1024);
    let text = "The minister said the plan was ready. ".repeat(20_000);
    assert!(text.len() < 1024 * 1024);
    let big = tokio::spawn(async move { client.segment(request("big", &text)).await });
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap();
    let response = big.await.unwrap().unwrap().into_inner();
    assert_eq!(response.document_id, "big");
}
