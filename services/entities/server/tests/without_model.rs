//! What the server does before (or without) its model: health
//! NOT_SERVING, entity types, Info, and every refusal of a bad request.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use copydesk_entities_server::EntitiesConfig;
use copydesk_proto::v1::info_client::InfoClient;
use copydesk_proto::v1::{
    Document, EntityType, GetInfoRequest, ListEntityTypesRequest, RecognizeRequest, Segmentation,
    Span, Token,
};
use support::{SERVICE, start};
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

/// A server whose model directory does not exist: it never becomes ready.
async fn start_without_model() -> support::Running {
    start(EntitiesConfig {
        models_dir: std::env::temp_dir().join("copydesk-no-models-here"),
        max_document_bytes: 64,
        ..EntitiesConfig::default()
    })
    .await
}

fn request(text: &str) -> RecognizeRequest {
    RecognizeRequest {
        document: Some(Document {
            text: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn health_is_not_serving_until_the_model_loads() {
    let server = start_without_model().await;
    assert_eq!(server.health(SERVICE).await, ServingStatus::NotServing);
    assert_eq!(server.health("").await, ServingStatus::NotServing);
    // Info answers regardless.
    assert_eq!(
        server.health("copydesk.v1.Info").await,
        ServingStatus::Serving
    );
    let status = server
        .client()
        .await
        .recognize(request("Moon Jae-in spoke in Seoul."))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("NER model"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn entity_types_are_listed_in_contract_order_with_their_source() {
    let server = start_without_model().await;
    let types = server
        .client()
        .await
        .list_entity_types(ListEntityTypesRequest {})
        .await
        .unwrap()
        .into_inner()
        .types;
    let order: Vec<i32> = types.iter().map(|t| t.r#type).collect();
    assert_eq!(order, (1..=11).collect::<Vec<i32>>());
    let person = &types[0];
    assert_eq!(person.r#type, EntityType::Person as i32);
    assert_eq!(person.source, "model");
    let money = types
        .iter()
        .find(|t| t.r#type == EntityType::Money as i32)
        .unwrap();
    assert_eq!(money.source, "rules");
    assert!(types.iter().all(|t| !t.description.is_empty()));
}

#[tokio::test]
async fn info_reports_limits_languages_and_rules() {
    let server = start_without_model().await;
    let info = InfoClient::new(server.channel().await)
        .get_info(GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.service, "entities");
    assert_eq!(info.limits.unwrap().max_document_bytes, 64);
    assert_eq!(info.supported_languages, vec!["en".to_owned()]);
    assert!(
        info.models
            .iter()
            .any(|m| m.name == "copydesk-entities-rules")
    );
}

#[tokio::test]
async fn bad_requests_get_invalid_argument_even_before_the_model_loads() {
    let server = start_without_model().await;
    let mut client = server.client().await;

    let large = client
        .recognize(request(&"word ".repeat(20)))
        .await
        .unwrap_err();
    assert_eq!(large.code(), Code::InvalidArgument);
    assert!(
        large.message().contains("limit of 64 bytes"),
        "{}",
        large.message()
    );

    let mut french = request("Le ministre a parlé hier.");
    french.document.as_mut().unwrap().language_code = "fr".to_owned();
    let french = client.recognize(french).await.unwrap_err();
    assert_eq!(french.code(), Code::InvalidArgument);
    assert!(
        french.message().contains("language fr is not supported"),
        "{}",
        french.message()
    );

    let mut bad_span = request("“Moon” spoke.");
    bad_span.segmentation = Some(Segmentation {
        tokens: vec![Token {
            span: Some(Span { begin: 0, end: 99 }),
            ..Default::default()
        }],
        ..Default::default()
    });
    let bad_span = client.recognize(bad_span).await.unwrap_err();
    assert_eq!(bad_span.code(), Code::InvalidArgument, "{bad_span:?}");

    let utf8 = support::recognize_invalid_utf8(server.channel().await)
        .await
        .unwrap_err();
    assert_eq!(utf8.code(), Code::InvalidArgument, "{utf8:?}");
}
