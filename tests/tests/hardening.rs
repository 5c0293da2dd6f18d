//! What hostile and careless clients found (issue 18), each as a test that
//! failed before its fix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use copydesk_e2e::{Running, start_gateway, start_segmenter};
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::segmenter_client::SegmenterClient;
use copydesk_proto::v1::{AnnotateRequest, Document, SegmentRequest};
use copydesk_runtime::ServerConfig;
use copydesk_segmenter_server::SegmenterConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Long enough for anything the tests wait for to happen on a loaded
/// machine; the bounds under test are a second or two.
const PATIENCE: Duration = Duration::from_secs(60);

fn segment_request(text: &str) -> SegmentRequest {
    SegmentRequest {
        document: Some(Document {
            text: text.to_owned(),
            ..Default::default()
        }),
        encoding: 0,
    }
}

fn small_server(max_concurrent_requests: usize) -> ServerConfig {
    ServerConfig {
        max_concurrent_requests,
        request_body_timeout_secs: 1,
        first_request_timeout_secs: 1,
        ..Default::default()
    }
}

async fn segmenter(max_concurrent_requests: usize) -> Running {
    start_segmenter(SegmenterConfig {
        server: small_server(max_concurrent_requests),
        ..Default::default()
    })
    .await
}

/// An HTTP/2 connection for requests no library would send.
async fn raw_h2(server: &Running) -> h2::client::SendRequest<bytes::Bytes> {
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    client
}

/// Sends the headers of a gRPC call to `path` and never its message.
async fn stalled_call(
    client: &mut h2::client::SendRequest<bytes::Bytes>,
    server: &Running,
    path: &str,
) -> (h2::client::ResponseFuture, h2::SendStream<bytes::Bytes>) {
    let request = http::Request::post(format!("{}{path}", server.url()))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let mut ready = client.clone().ready().await.unwrap();
    ready.send_request(request, false).unwrap()
}

/// A GET on the same connection: its answer means the server has seen
/// every stream opened before it.
async fn round_trip(client: &mut h2::client::SendRequest<bytes::Bytes>, server: &Running) {
    let request = http::Request::get(format!("{}/metrics", server.url()))
        .body(())
        .unwrap();
    let mut ready = client.clone().ready().await.unwrap();
    let (response, _) = ready.send_request(request, true).unwrap();
    assert_eq!(response.await.unwrap().status(), http::StatusCode::OK);
}

fn grpc_status(headers: &http::HeaderMap) -> Option<tonic::Status> {
    tonic::Status::from_header_map(headers)
}

#[tokio::test]
async fn calls_that_never_send_their_message_hold_no_slot() {
    let segmenter = segmenter(4).await;
    let mut h2 = raw_h2(&segmenter).await;
    let mut stalled = Vec::new();
    for _ in 0..8 {
        stalled.push(stalled_call(&mut h2, &segmenter, "/copydesk.v1.Segmenter/Segment").await);
    }
    // And streams that never send a message either.
    for _ in 0..8 {
        stalled
            .push(stalled_call(&mut h2, &segmenter, "/copydesk.v1.Segmenter/SegmentStream").await);
    }
    round_trip(&mut h2, &segmenter).await;

    let mut client = SegmenterClient::new(segmenter.channel().await);
    client
        .segment(segment_request("Still served."))
        .await
        .unwrap();

    // The stalled unary calls end with the body timeout, naming it.
    let (response, _send) = stalled.swap_remove(0);
    let response = tokio::time::timeout(PATIENCE, response)
        .await
        .unwrap()
        .unwrap();
    let status = grpc_status(response.headers()).expect("a trailers-only status");
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded, "{status:?}");
    assert!(
        status.message().contains("--request-body-timeout-secs"),
        "{status:?}"
    );
}

/// Reads until the server closes the connection (end of stream or reset).
async fn read_until_closed(mut tcp: TcpStream) {
    let mut buf = [0u8; 1024];
    loop {
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn connections_that_send_nothing_or_only_the_preface_are_closed() {
    let segmenter = segmenter(4).await;

    let silent = TcpStream::connect(segmenter.addr).await.unwrap();
    tokio::time::timeout(PATIENCE, read_until_closed(silent))
        .await
        .expect("a silent connection is closed");

    let mut preface = TcpStream::connect(segmenter.addr).await.unwrap();
    preface
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    tokio::time::timeout(PATIENCE, read_until_closed(preface))
        .await
        .expect("a preface-only connection is closed");

    // A connection that made a request is not closed by that bound.
    let mut client = SegmenterClient::new(segmenter.channel().await);
    client.segment(segment_request("One.")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    client.segment(segment_request("Two.")).await.unwrap();
}

/// A gRPC server that takes every call and never answers: a downstream
/// that keeps the gateway's calls busy for as long as a test likes. Each
/// call it takes is told on the returned channel.
async fn black_hole() -> (String, tokio::sync::mpsc::UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (taken, calls) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let taken = taken.clone();
            tokio::spawn(async move {
                let Ok(mut connection) = h2::server::handshake(tcp).await else {
                    return;
                };
                let mut held = Vec::new();
                while let Some(Ok(call)) = connection.accept().await {
                    held.push(call);
                    let _ = taken.send(());
                }
            });
        }
    });
    (format!("http://{addr}"), calls)
}

fn annotate_request(text: &str) -> AnnotateRequest {
    AnnotateRequest {
        document: Some(Document {
            text: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_full_server_refuses_at_once_and_a_stream_waiting_for_its_client_holds_no_slot() {
    let mut config = copydesk_e2e::gateway_config().await;
    config.server = small_server(1);
    let (segmenter, mut calls) = black_hole().await;
    let gateway = start_gateway(config, &segmenter).await;
    let mut client = AnnotatorClient::new(gateway.channel().await);

    // A stream with no message yet holds nothing.
    let (_send, receive) = tokio::sync::mpsc::channel::<AnnotateRequest>(1);
    let _stream = client
        .annotate_stream(tokio_stream::wrappers::ReceiverStream::new(receive))
        .await
        .unwrap();

    // A call waiting on the black hole holds the only slot.
    let mut busy = client.clone();
    let held = tokio::spawn(async move { busy.annotate(annotate_request("Held.")).await });
    tokio::time::timeout(PATIENCE, calls.recv())
        .await
        .unwrap()
        .unwrap();

    let refused = client
        .annotate(annotate_request("Refused."))
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        tonic::Code::ResourceExhausted,
        "{refused:?}"
    );
    assert!(
        refused.message().contains("limit of 1 concurrent"),
        "{refused:?}"
    );
    held.abort();
}

#[tokio::test]
async fn a_grpc_timeout_header_on_http_json_gets_json_not_grpc_framing() {
    let (_segmenter, gateway) = copydesk_e2e::start_stack().await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/annotate", gateway.url()))
        .header("content-type", "application/json")
        .header("grpc-timeout", "1n")
        .body(r#"{"document":{"text":"Plain words."},"features":{"segmentation":true}}"#)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    assert_eq!(status, reqwest::StatusCode::OK, "{headers:?} {body}");
    assert_eq!(headers["content-type"], "application/json", "{headers:?}");
    assert!(headers.get("grpc-status").is_none(), "{headers:?}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(json["segmentation"]["sentences"].is_array(), "{json}");
}

#[tokio::test]
async fn http_json_takes_only_declared_uncompressed_json_and_answers_with_nosniff() {
    let (_segmenter, gateway) = copydesk_e2e::start_stack().await;
    let client = reqwest::Client::new();
    let url = format!("{}/v1/annotate", gateway.url());
    let body = r#"{"document":{"text":"Plain words."},"features":{"segmentation":true}}"#;
    for (content_type, encoding) in [
        ("text/plain", None),
        ("application/x-www-form-urlencoded", None),
        ("application/json", Some("gzip")),
    ] {
        let mut request = client
            .post(&url)
            .header("content-type", content_type)
            .body(body);
        if let Some(encoding) = encoding {
            request = request.header("content-encoding", encoding);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "{content_type} {encoding:?}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["code"], 3, "{json}");
    }
    let response = client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");

    let page = client
        .get(format!("{}/viz", gateway.url()))
        .send()
        .await
        .unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn a_declared_oversize_body_gets_413_instead_of_100_continue() {
    let (_segmenter, gateway) = copydesk_e2e::start_stack().await;
    let mut tcp = TcpStream::connect(gateway.addr).await.unwrap();
    let head = "POST /v1/annotate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                content-length: 999999999999\r\nexpect: 100-continue\r\n\r\n";
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(PATIENCE, tcp.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed without an answer");
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

fn segmentation_only(text: String, id: &str) -> Document {
    Document {
        id: id.to_owned(),
        text,
        ..Default::default()
    }
}

fn segmentation_feature() -> copydesk_proto::v1::Features {
    copydesk_proto::v1::Features {
        segmentation: true,
        ..Default::default()
    }
}

/// Item 2: a document within the limit whose segmentation is 21 times its
/// size (a token per byte) used to fail every feature with OUT_OF_RANGE
/// after the work; the default message limit now carries it.
#[tokio::test]
async fn the_largest_admitted_document_gets_its_answer() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let gateway = start_gateway(copydesk_e2e::gateway_config().await, &segmenter.url()).await;
    let mut client =
        AnnotatorClient::new(gateway.channel().await).max_decoding_message_size(256 * 1024 * 1024);
    let response = client
        .annotate(AnnotateRequest {
            document: Some(segmentation_only(",".repeat(1_000_000), "commas")),
            features: Some(segmentation_feature()),
            encoding: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(response.segmentation.unwrap().tokens.len(), 1_000_000);
}

/// Item 2: a batch whose answers together outgrow the message limit keeps
/// one result per document: those that fit, then an error for each of the
/// others, instead of failing as a whole after all its work.
#[tokio::test]
async fn a_batch_over_the_message_limit_keeps_a_result_per_document() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut config = copydesk_e2e::gateway_config().await;
    config.server.max_message_bytes = 4 * 1024 * 1024;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut client =
        AnnotatorClient::new(gateway.channel().await).max_decoding_message_size(256 * 1024 * 1024);
    let text = "Moon Jae-in met the press in Seoul on Monday. ".repeat(2_000);
    let documents: Vec<Document> = (0..12)
        .map(|i| segmentation_only(text.clone(), &format!("d{i}")))
        .collect();
    let response = client
        .batch_annotate(copydesk_proto::v1::BatchAnnotateRequest {
            documents,
            features: Some(segmentation_feature()),
            encoding: 0,
        })
        .await
        .unwrap()
        .into_inner();
    use copydesk_proto::v1::annotate_result::Outcome;
    let outcomes: Vec<bool> = response
        .results
        .iter()
        .map(|r| matches!(r.outcome, Some(Outcome::Response(_))))
        .collect();
    assert_eq!(outcomes.len(), 12);
    let answered = outcomes.iter().take_while(|ok| **ok).count();
    assert!((1..12).contains(&answered), "{outcomes:?}");
    let Some(Outcome::Error(error)) = &response.results[11].outcome else {
        panic!("the last document should not fit");
    };
    assert_eq!(error.code, tonic::Code::ResourceExhausted as i32);
    assert!(error.message.contains("--max-message-bytes"), "{error:?}");
    assert_eq!(response.results[11].document_id, "d11");
}
