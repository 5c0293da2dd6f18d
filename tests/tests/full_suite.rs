//! One Annotate through the gateway and all three real services: every
//! feature answered, entity tone merged onto the entities, offsets in the
//! caller's encoding, over gRPC and HTTP/JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_e2e::start_suite;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, Document, Entity, EntityType, MentionKind, OffsetEncoding,
    SentimentLabel,
};

const STORY: &str = "SEOUL — South Korean President Moon Jae-in praised the “historic” agreement on Tuesday. \
The National Security Bureau (NSB) said the deal was a disaster for the opposition. \
Moon’s office said talks would resume on July 4, 2027, and that US$1.5 billion in aid was ready. 😀";

fn utf16_slice(text: &str, begin: u32, end: u32) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[begin as usize..end as usize]).unwrap()
}

fn find<'a>(response: &'a AnnotateResponse, name: &str) -> &'a Entity {
    response
        .entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no entity {name:?} in {:?}",
                response
                    .entities
                    .iter()
                    .map(|e| &e.name)
                    .collect::<Vec<_>>()
            )
        })
}

/// Every feature of `text`, offsets in UTF-16, from a whole suite.
async fn annotate_in_utf16(id: &str, text: &str) -> AnnotateResponse {
    let suite = start_suite().await;
    let mut client = AnnotatorClient::new(suite.gateway.channel().await);
    client
        .annotate(AnnotateRequest {
            document: Some(Document {
                id: id.to_owned(),
                text: text.to_owned(),
                ..Default::default()
            }),
            features: None,
            encoding: OffsetEncoding::Utf16 as i32,
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn annotate_through_all_four_servers() {
    let response = annotate_in_utf16("story-1", STORY).await;

    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(response.document_id, "story-1");
    let segmentation = response.segmentation.as_ref().unwrap();
    assert_eq!(
        segmentation.sentences.len(),
        3,
        "{:?}",
        segmentation
            .sentences
            .iter()
            .map(|s| &s.text)
            .collect::<Vec<_>>()
    );

    // Mentions grouped, typed by the document, offsets in UTF-16 units.
    let moon = find(&response, "Moon Jae-in");
    assert_eq!(moon.r#type, EntityType::Person as i32);
    let texts: Vec<&str> = moon.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["Moon Jae-in", "Moon"]);
    assert_eq!(moon.mentions[1].kind, MentionKind::Partial as i32);
    for mention in moon.mentions.iter() {
        let span = mention.span.unwrap();
        assert_eq!(utf16_slice(STORY, span.begin, span.end), mention.text);
    }
    let nsb = find(&response, "National Security Bureau");
    assert!(
        nsb.mentions
            .iter()
            .any(|m| m.text == "NSB" && m.kind == MentionKind::Acronym as i32)
    );
    let money = response
        .entities
        .iter()
        .find(|e| e.r#type == EntityType::Money as i32)
        .unwrap();
    assert_eq!(money.mentions[0].text, "US$1.5 billion");
    assert!(
        response
            .entities
            .iter()
            .any(|e| e.r#type == EntityType::Date as i32)
    );

    // Tone: document, every sentence, and towards each named entity.
    assert!(response.document_sentiment.is_some());
    assert_eq!(response.sentences.len(), 3);
    for sentence in &response.sentences {
        let span = sentence.span.unwrap();
        assert_eq!(utf16_slice(STORY, span.begin, span.end), sentence.text);
    }
    assert!(
        moon.sentiment.is_some(),
        "entity tone merged onto the entity"
    );
    assert!(moon.mentions.iter().all(|m| m.sentiment.is_some()));
    let nsb_tone = nsb.sentiment.as_ref().unwrap();
    assert_eq!(
        nsb_tone.label,
        SentimentLabel::Negative as i32,
        "{nsb_tone:?}"
    );

    let meta = response.meta.unwrap();
    let services: Vec<&str> = meta.models.iter().map(|m| m.service.as_str()).collect();
    for service in ["segmenter", "entities", "sentiment"] {
        assert!(services.contains(&service), "{services:?}");
    }
    let stages: Vec<&str> = meta.timings.iter().map(|t| t.stage.as_str()).collect();
    assert_eq!(
        stages,
        ["segmenter", "entities", "sentiment", "knowledge", "total"]
    );
}

#[tokio::test]
async fn http_json_through_all_four_servers() {
    let suite = start_suite().await;
    let body = serde_json::json!({
        "document": {"text": STORY},
        "features": {"entities": true, "documentSentiment": true},
        "encoding": "UTF32"
    });
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/annotate", suite.gateway.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(response["errors"], serde_json::json!([]), "{response}");
    assert!(response["documentSentiment"]["label"].is_string());
    let chars: Vec<char> = STORY.chars().collect();
    let entities = response["entities"].as_array().unwrap();
    assert!(entities.iter().any(|e| e["type"] == "PERSON"));
    for entity in entities {
        for mention in entity["mentions"].as_array().unwrap() {
            let begin = mention["span"]["begin"].as_u64().unwrap() as usize;
            let end = mention["span"]["end"].as_u64().unwrap() as usize;
            let text: String = chars[begin..end].iter().collect();
            assert_eq!(text, mention["text"].as_str().unwrap());
        }
    }
    // Only what was asked for.
    assert_eq!(response["sentences"], serde_json::json!([]));
    assert!(response["segmentation"].is_null());
}

#[tokio::test]
async fn non_english_text_is_segmented_and_the_rest_declined() {
    let suite = start_suite().await;
    let mut client = AnnotatorClient::new(suite.gateway.channel().await);
    let response = client
        .annotate(AnnotateRequest {
            document: Some(Document {
                text: "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die Inflation beschlossen. Die Opposition kritisierte das Paket scharf.".to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.segmentation.unwrap().sentences.len(), 2);
    let failed: Vec<&str> = response.errors.iter().map(|e| e.feature.as_str()).collect();
    assert_eq!(
        failed,
        [
            "entities",
            "document_sentiment",
            "sentence_sentiment",
            "entity_sentiment",
            "links"
        ]
    );
    assert!(
        response
            .errors
            .iter()
            .all(|e| e.code == tonic::Code::FailedPrecondition as i32
                && e.message.contains("\"de\""))
    );
}

/// An invented story: a dateline, a demonym said more often than its
/// country, a city the model may miss, an agency.
const LINKED_STORY: &str = "KAOHSIUNG, Taiwan — Ukrainian grain arrived in Kaohsiung on Monday after a \
month at sea, the port authority said. Ukrainian farmers had waited since spring for the \
shipment, and Ukrainian officials thanked Taiwan for its help. The Ukrainian ambassador said \
Ukraine would send more. Reuters reported that prices in Taipei fell.";

#[tokio::test]
async fn links_through_all_five_servers() {
    let response = annotate_in_utf16("linked", LINKED_STORY).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let linked_to = |id: &str| -> Vec<&Entity> {
        response
            .entities
            .iter()
            .filter(|e| e.links.iter().any(|l| l.id == id))
            .collect()
    };
    // "Ukrainian" four times and "Ukraine" once: one place, Ukraine, the
    // demonym linked to it as a nationality.
    let ukraine = linked_to("geonames:690791");
    let kinds: Vec<&str> = ukraine.iter().map(|e| e.links[0].kind.as_str()).collect();
    assert!(
        kinds.contains(&"nationality") && kinds.contains(&"country"),
        "{kinds:?}"
    );
    let topic = &response.topics[0];
    assert_eq!(
        (topic.name.as_str(), topic.kind.as_str()),
        ("Ukraine", "country")
    );
    assert_eq!(topic.entity_ids.len(), 2, "{topic:?}");
    // The dateline's city, with its coordinates; the agency with its site.
    let kaohsiung = linked_to("geonames:1673820");
    let link = &kaohsiung[0].links[0];
    assert_eq!(link.kind, "city");
    assert!(link.metadata.contains_key("latitude") && link.metadata.contains_key("longitude"));
    assert_eq!(linked_to("org:reuters")[0].links[0].kind, "agency");
    // Every mention still slices its text in the caller's encoding.
    for entity in &response.entities {
        for mention in &entity.mentions {
            let span = mention.span.unwrap();
            assert_eq!(
                utf16_slice(LINKED_STORY, span.begin, span.end),
                mention.text
            );
        }
    }
    let meta = response.meta.unwrap();
    assert!(
        meta.models.iter().any(|m| m.service == "knowledge"),
        "{:?}",
        meta.models
    );
}
