//! Every server answers health, reflection, Info and /metrics.

#![allow(clippy::unwrap_used)]

use copydesk_e2e::{start_segmenter, start_stack};
use copydesk_proto::service_names;
use copydesk_proto::v1::GetInfoRequest;
use copydesk_proto::v1::info_client::InfoClient;
use copydesk_segmenter_server::SegmenterConfig;
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

async fn health_status(channel: tonic::transport::Channel, service: &str) -> i32 {
    let mut health = HealthClient::new(channel);
    health
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
        .status
}

#[tokio::test]
async fn health_is_serving_for_every_service_and_overall() {
    let (segmenter, gateway) = start_stack().await;
    for service in [service_names::SEGMENTER, service_names::INFO, ""] {
        assert_eq!(
            health_status(segmenter.channel().await, service).await,
            ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    for service in [service_names::ANNOTATOR, service_names::INFO, ""] {
        assert_eq!(
            health_status(gateway.channel().await, service).await,
            ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    let mut health = HealthClient::new(segmenter.channel().await);
    let unknown = health
        .check(HealthCheckRequest {
            service: "copydesk.v1.Nope".to_owned(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn reflection_lists_the_served_services() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut reflection = ServerReflectionClient::new(segmenter.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await
        .unwrap()
        .into_inner();
    let response = responses.next().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected reflection answer {response:?}");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        service_names::SEGMENTER,
        service_names::INFO,
        "grpc.health.v1.Health",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n == service_names::ANNOTATOR),
        "the segmenter does not serve the Annotator: {names:?}"
    );

    // The v1alpha protocol (older grpcurl, Postman) answers too, and resolves symbols.
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient as AlphaClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest as AlphaRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse as AlphaResponse;
    let mut alpha = AlphaClient::new(segmenter.channel().await);
    let request = tonic_reflection::pb::v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(AlphaRequest::FileContainingSymbol(
            service_names::SEGMENTER.to_owned(),
        )),
    };
    let mut responses = alpha
        .server_reflection_info(tokio_stream::once(request))
        .await
        .unwrap()
        .into_inner();
    let response = responses.next().await.unwrap().unwrap();
    assert!(
        matches!(response.message_response, Some(AlphaResponse::FileDescriptorResponse(ref files)) if !files.file_descriptor_proto.is_empty()),
        "{response:?}"
    );
}

#[tokio::test]
async fn info_reports_service_version_models_and_limits() {
    let config = SegmenterConfig {
        max_document_bytes: 12_345,
        ..Default::default()
    };
    let segmenter = start_segmenter(config).await;
    let info = InfoClient::new(segmenter.channel().await)
        .get_info(GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.service, "segmenter");
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.models[0].name, "copydesk-segmenter-rules");
    let limits = info.limits.unwrap();
    assert_eq!(limits.max_document_bytes, 12_345);
    assert_eq!(limits.max_concurrent_requests, 64);
    assert!(limits.max_message_bytes > 12_345);
    assert_eq!(info.supported_languages, vec!["en".to_owned()]);
}

#[tokio::test]
async fn metrics_are_prometheus_text_on_the_same_port() {
    let (_segmenter, gateway) = start_stack().await;
    // A request first, so that request metrics exist.
    let http = reqwest::Client::new();
    let annotate = http
        .post(format!("{}/v1/annotate", gateway.url()))
        .header("content-type", "application/json")
        .body(r#"{"document": {"text": "Hello World."}}"#)
        .send()
        .await
        .unwrap();
    assert!(annotate.status().is_success());
    let response = http
        .get(format!("{}/metrics", gateway.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE copydesk_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE copydesk_request_duration_seconds histogram"),
        "{text}"
    );
    assert!(text.contains(r#"method="/v1/annotate""#), "{text}");
    // The gateway's call to the segmenter was counted by the segmenter.
    let segmenter_calls = text.lines().find(|line| {
        line.starts_with("copydesk_requests_total{")
            && line.contains(r#"server="segmenter""#)
            && line.contains(r#"method="/copydesk.v1.Segmenter/Segment""#)
            && line.contains(r#"code="OK""#)
    });
    assert!(segmenter_calls.is_some(), "{text}");
}

#[tokio::test]
async fn unknown_http_paths_get_a_json_404() {
    let (_segmenter, gateway) = start_stack().await;
    let response = reqwest::get(format!("{}/nope", gateway.url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 5);
}
