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
