//! The server with the real NER and fine-type models: entities carry their
//! fine type, and the responses and Info name the fine-type model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use copydesk_proto::v1::info_client::InfoClient;
use copydesk_proto::v1::{Document, EntityType, FineType, GetInfoRequest, RecognizeRequest};
use support::start_with_model;

const STORY: &str = "Ukrainian officials flew home from Heathrow Airport on Sunday after \
two days of talks in Geneva, the delegation's spokeswoman, Maria Okonkwo, said.";

#[tokio::test]
async fn entities_carry_fine_types_and_the_model_is_named() {
    let server = start_with_model().await;
    let response = server
        .client()
        .await
        .recognize(RecognizeRequest {
            document: Some(Document {
                text: STORY.to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let fine = |name: &str| {
        let entity = response
            .entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no {name:?} in {:?}", response.entities));
        (entity.r#type, entity.fine_type)
    };
    assert_eq!(
        fine("Geneva"),
        (EntityType::Location as i32, FineType::Gpe as i32)
    );
    assert_eq!(
        fine("Maria Okonkwo"),
        (EntityType::Person as i32, FineType::Unspecified as i32)
    );
    // Values never get one.
    assert!(
        response
            .entities
            .iter()
            .filter(|e| e.r#type == EntityType::Date as i32)
            .all(|e| e.fine_type == FineType::Unspecified as i32)
    );

    let meta = response.meta.unwrap();
    assert!(
        meta.models
            .iter()
            .any(|m| m.name == "fine-types" && m.sha256.len() == 64),
        "{:?}",
        meta.models
    );
    let info = InfoClient::new(server.channel().await)
        .get_info(GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(
        info.models.iter().any(|m| m.name == "fine-types"),
        "{:?}",
        info.models
    );
}
