//! Load shedding and graceful shutdown.

#![allow(clippy::unwrap_used)]

use copydesk_e2e::start_segmenter;
use copydesk_proto::v1::segmenter_client::SegmenterClient;
use copydesk_proto::v1::{Document, SegmentRequest};
use copydesk_runtime::ServerConfig;
use copydesk_segmenter_server::SegmenterConfig;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn request(text: &str) -> SegmentRequest {
    SegmentRequest {
        document: Some(Document {
            text: text.to_owned(),
            ..Default::default()
        }),
        encoding: 0,
    }
}

#[tokio::test]
async fn an_open_stream_holds_no_slot_between_its_messages() {
    let config = SegmenterConfig {
        server: ServerConfig {
            max_concurrent_requests: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let segmenter = start_segmenter(config).await;
    let mut client = SegmenterClient::new(segmenter.channel().await);

    // A stream that stays open. Its first result proves the server is
    // handling it; it is admitted per message, so between messages the
    // only slot is free (refusals when full: hardening.rs).
    let (send, receive) = mpsc::channel(1);
    send.send(request("First.")).await.unwrap();
    let mut held = client
        .segment_stream(ReceiverStream::new(receive))
        .await
        .unwrap()
        .into_inner();
    held.message().await.unwrap().unwrap();

    client.segment(request("Second.")).await.unwrap();

    let mut health = HealthClient::new(segmenter.channel().await);
    let status = health
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, ServingStatus::Serving as i32);

    send.send(request("Third.")).await.unwrap();
    held.message().await.unwrap().unwrap();
    drop(send);
    assert!(held.message().await.unwrap().is_none());
}

#[tokio::test]
async fn shutdown_marks_health_not_serving_and_stops_the_server() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut health = HealthClient::new(segmenter.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.message().await.unwrap().unwrap().status,
        ServingStatus::Serving as i32
    );

    let stopped = tokio::spawn(segmenter.stop());
    assert_eq!(
        watch.message().await.unwrap().unwrap().status,
        ServingStatus::NotServing as i32
    );
    // The watch is the last call in flight; once it is gone the drain ends.
    drop(watch);
    drop(health);
    stopped.await.unwrap().unwrap();
}

/// What one HTTP request came to while the gateway shut down.
#[derive(Debug)]
enum Outcome {
    /// A complete answer (the analysis, or a clean refusal such as 503).
    Answered,
    /// No connection: the listener was already closed. Never accepted.
    Refused,
    /// Accepted, then cut without a complete answer: what draining forbids.
    Dropped(String),
}

async fn post_once(url: &str) -> Outcome {
    // A new connection for every request: the ones just accepted when the
    // shutdown begins are what used to be reset.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .body(r#"{"document":{"text":"Drain me. Then stop."},"features":{"segmentation":true}}"#)
        .send()
        .await;
    match sent {
        Err(error) if error.is_connect() => Outcome::Refused,
        Err(error) => Outcome::Dropped(format!("{error:?}")),
        Ok(response) => {
            let status = response.status();
            match response.bytes().await {
                Ok(body) if serde_json::from_slice::<serde_json::Value>(&body).is_ok() => {
                    Outcome::Answered
                }
                Ok(body) => Outcome::Dropped(format!(
                    "{status}: not JSON: {}",
                    String::from_utf8_lossy(&body)
                )),
                Err(error) => Outcome::Dropped(format!("{status}: body cut: {error:?}")),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn draining_answers_every_http_request_it_accepted() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let gateway =
        copydesk_e2e::start_gateway(copydesk_e2e::gateway_config().await, &segmenter.url()).await;
    let url = format!("{}/v1/annotate", gateway.url());
    let stopping = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let url = url.clone();
        let stopping = std::sync::Arc::clone(&stopping);
        clients.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            // Bounded: 400 requests per client at most, and out at the first
            // refused connection once the shutdown has begun.
            for _ in 0..400 {
                let outcome = post_once(&url).await;
                let closed = matches!(outcome, Outcome::Refused);
                outcomes.push(outcome);
                if closed && stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
            }
            outcomes
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    gateway.stop().await.unwrap();

    let mut answered = 0;
    let mut dropped = Vec::new();
    for client in clients {
        for outcome in client.await.unwrap() {
            match outcome {
                Outcome::Answered => answered += 1,
                Outcome::Refused => {}
                Outcome::Dropped(why) => dropped.push(why),
            }
        }
    }
    assert!(answered > 8, "the load never got going: {answered} answers");
    assert!(
        dropped.is_empty(),
        "{} of the accepted requests were cut: {dropped:#?}",
        dropped.len()
    );
}
