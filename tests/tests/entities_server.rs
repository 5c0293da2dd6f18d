//! The entities server on 127.0.0.1:0, a module for each concern: what it
//! does before (or without) its model, and what it does with the
//! repository's NER and fine-type models. Every test that needs the model
//! fails at once, naming the reason, when the model cannot be loaded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_e2e::Running;
use copydesk_proto::v1::entity_recognizer_client::EntityRecognizerClient;
use tonic::transport::Channel;

async fn client(server: &Running) -> EntityRecognizerClient<Channel> {
    EntityRecognizerClient::new(server.channel().await)
}

/// A server with the repository's models, SERVING. The NER model is loaded
/// here first, so that a missing model fails the test at once with the
/// reason instead of leaving health NOT_SERVING.
async fn start_with_model() -> Running {
    copydesk_e2e::assert_entities_model_loads();
    copydesk_e2e::start_entities().await
}

mod without_model {
    //! What the server does before (or without) its model: health
    //! NOT_SERVING, entity types, Info, and every refusal of a bad request.

    use copydesk_e2e::{Running, raw};
    use copydesk_entities_server::EntitiesConfig;
    use copydesk_proto::service_names::ENTITY_RECOGNIZER as SERVICE;
    use copydesk_proto::v1::info_client::InfoClient;
    use copydesk_proto::v1::{
        Document, EntityType, GetInfoRequest, ListEntityTypesRequest, RecognizeRequest,
        Segmentation, Span, Token,
    };
    use tonic::Code;
    use tonic_health::pb::health_check_response::ServingStatus;

    use super::client;

    /// A server whose model directory does not exist: it never becomes ready.
    async fn start_without_model() -> Running {
        copydesk_e2e::spawn_entities(EntitiesConfig {
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
        let status = client(&server)
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
        let types = client(&server)
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
        let mut client = client(&server).await;

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

        let utf8 = raw::unary(
            server.channel().await,
            "/copydesk.v1.EntityRecognizer/Recognize",
            raw::request_with_invalid_utf8_text(),
        )
        .await
        .unwrap_err();
        assert_eq!(utf8.code(), Code::InvalidArgument, "{utf8:?}");
    }
}

mod with_model {
    //! The server with the real NER model (models/neuroner-conll2003-en), on
    //! news written for these tests. Each test fails at once, naming the
    //! reason, when the model cannot be loaded.

    use copydesk_proto::encoding::encode_spans;
    use copydesk_proto::v1::info_client::InfoClient;
    use copydesk_proto::v1::recognize_result::Outcome;
    use copydesk_proto::v1::{
        Document, Entity, EntityType, GetInfoRequest, MentionKind, OffsetEncoding,
        RecognizeRequest, RecognizeResponse, Segmentation,
    };
    use copydesk_segmenter::Segmenter;
    use tonic::Code;

    use super::{client, start_with_model};

    const STORY: &str = "Moon Jae-in to visit Washington next week\n\n\
SEOUL — South Korean President Moon Jae-in will fly to Washington on Monday for talks with \
President Donald Trump, his office said yesterday. Moon’s aides said the two leaders would \
discuss a US$1.5 billion aid package and the 28,500 US troops stationed in South Korea. \
Moon said 45.2% of voters backed the plan.";

    fn request(text: &str, encoding: OffsetEncoding) -> RecognizeRequest {
        RecognizeRequest {
            document: Some(Document {
                id: "story-1".to_owned(),
                text: text.to_owned(),
                ..Default::default()
            }),
            encoding: encoding as i32,
            segmentation: None,
        }
    }

    fn entity<'e>(response: &'e RecognizeResponse, name: &str) -> &'e Entity {
        response
            .entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| {
                let names: Vec<(&str, i32)> = response
                    .entities
                    .iter()
                    .map(|e| (e.name.as_str(), e.r#type))
                    .collect();
                panic!("no entity {name:?}; have {names:?}")
            })
    }

    /// The stretch `span` of `text` in `encoding` units.
    fn slice(text: &str, begin: u32, end: u32, encoding: OffsetEncoding) -> String {
        match encoding {
            OffsetEncoding::Utf8 => text[begin as usize..end as usize].to_owned(),
            OffsetEncoding::Utf16 => {
                let units: Vec<u16> = text.encode_utf16().collect();
                String::from_utf16(&units[begin as usize..end as usize]).unwrap()
            }
            OffsetEncoding::Utf32 => text
                .chars()
                .skip(begin as usize)
                .take((end - begin) as usize)
                .collect(),
        }
    }

    #[tokio::test]
    async fn a_story_gets_grouped_typed_ranked_entities() {
        let server = start_with_model().await;
        let response = client(&server)
            .await
            .recognize(request(STORY, OffsetEncoding::Utf8))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.document_id, "story-1");

        let ids: Vec<String> = response.entities.iter().map(|e| e.id.clone()).collect();
        let expected: Vec<String> = (1..=ids.len()).map(|i| format!("e{i}")).collect();
        assert_eq!(ids, expected);
        for pair in response.entities.windows(2) {
            assert!(pair[0].salience >= pair[1].salience);
        }

        let moon = entity(&response, "Moon Jae-in");
        assert_eq!(moon.r#type, EntityType::Person as i32);
        assert_eq!(response.entities[0].name, "Moon Jae-in");
        assert!(moon.mentions.len() >= 3, "{moon:?}");
        let texts: Vec<&str> = moon.mentions.iter().map(|m| m.text.as_str()).collect();
        assert!(
            texts.iter().all(|t| *t == "Moon" || *t == "Moon Jae-in"),
            "{texts:?}"
        );
        assert!(
            moon.mentions
                .iter()
                .any(|m| m.kind == MentionKind::Partial as i32)
        );

        let money = entity(&response, "US$1.5 billion");
        assert_eq!(money.r#type, EntityType::Money as i32);
        assert_eq!(
            money.metadata.get("currency").map(String::as_str),
            Some("USD")
        );
        assert_eq!(
            money.metadata.get("value").map(String::as_str),
            Some("1500000000")
        );
        assert_eq!(
            entity(&response, "45.2%").r#type,
            EntityType::Percent as i32
        );
        assert_eq!(
            entity(&response, "yesterday").r#type,
            EntityType::Date as i32
        );

        let meta = response.meta.unwrap();
        assert!(
            meta.models
                .iter()
                .any(|m| m.name == "neuroner-conll2003-en" && !m.sha256.is_empty()),
            "{:?}",
            meta.models
        );
        assert_eq!(meta.language.unwrap().code, "en");
    }

    #[tokio::test]
    async fn offsets_come_in_the_requested_encoding() {
        let server = start_with_model().await;
        let mut client = client(&server).await;
        for encoding in [
            OffsetEncoding::Utf8,
            OffsetEncoding::Utf16,
            OffsetEncoding::Utf32,
        ] {
            let response = client
                .recognize(request(STORY, encoding))
                .await
                .unwrap()
                .into_inner();
            assert_eq!(response.meta.as_ref().unwrap().encoding, encoding as i32);
            for e in &response.entities {
                for m in &e.mentions {
                    let span = m.span.unwrap();
                    assert_eq!(
                        slice(STORY, span.begin, span.end, encoding),
                        m.text,
                        "{encoding:?}"
                    );
                }
            }
        }
    }

    #[tokio::test]
    async fn a_caller_segmentation_in_utf16_gives_the_same_entities() {
        let server = start_with_model().await;
        let mut client = client(&server).await;
        let own = client
            .recognize(request(STORY, OffsetEncoding::Utf16))
            .await
            .unwrap()
            .into_inner();

        // What the gateway sends: the segmenter's answer, in the request's
        // encoding.
        let seg = Segmenter::new().segment(STORY, Some("en"));
        let mut proto = to_proto(STORY, &seg);
        encode_spans(&mut proto, STORY, OffsetEncoding::Utf16).unwrap();
        let mut given = request(STORY, OffsetEncoding::Utf16);
        given.segmentation = Some(proto);
        let theirs = client.recognize(given).await.unwrap().into_inner();
        assert_eq!(own.entities, theirs.entities);
    }

    #[tokio::test]
    async fn a_stream_answers_in_order_and_goes_on_after_a_bad_document() {
        let server = start_with_model().await;
        let mut french = request("Le président parlera demain soir.", OffsetEncoding::Utf8);
        french.document.as_mut().unwrap().language_code = "fr".to_owned();
        french.document.as_mut().unwrap().id = "fr".to_owned();
        let requests = vec![
            request(STORY, OffsetEncoding::Utf8),
            french,
            request(
                "Nicolas Maduro spoke in Caracas on Friday.",
                OffsetEncoding::Utf8,
            ),
        ];
        let mut results = client(&server)
            .await
            .recognize_stream(tokio_stream_iter(requests))
            .await
            .unwrap()
            .into_inner();
        let mut seen = Vec::new();
        while let Some(result) = results.message().await.unwrap() {
            seen.push(result);
        }
        assert_eq!(seen.len(), 3);
        assert_eq!(
            seen.iter().map(|r| r.index).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(matches!(seen[0].outcome, Some(Outcome::Response(_))));
        match &seen[1].outcome {
            Some(Outcome::Error(error)) => {
                assert_eq!(error.code, Code::InvalidArgument as i32);
                assert!(error.message.contains("language fr"), "{}", error.message);
            }
            other => panic!("expected an error, got {other:?}"),
        }
        assert_eq!(seen[1].document_id, "fr");
        match &seen[2].outcome {
            Some(Outcome::Response(response)) => {
                let maduro = entity(response, "Nicolas Maduro");
                assert_eq!(maduro.r#type, EntityType::Person as i32);
            }
            other => panic!("expected a response, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn info_reports_the_loaded_model() {
        let server = start_with_model().await;
        let info = InfoClient::new(server.channel().await)
            .get_info(GetInfoRequest {})
            .await
            .unwrap()
            .into_inner();
        assert!(
            info.models
                .iter()
                .any(|m| m.name == "neuroner-conll2003-en" && m.service == "entities"),
            "{:?}",
            info.models
        );
    }

    fn tokio_stream_iter(
        requests: Vec<RecognizeRequest>,
    ) -> impl tokio_stream::Stream<Item = RecognizeRequest> {
        tokio_stream::iter(requests)
    }

    /// The segmenter's output as protobuf, byte spans.
    fn to_proto(text: &str, seg: &copydesk_segmenter::Segmentation<'_>) -> Segmentation {
        use copydesk_proto::v1;
        let span = |s: copydesk_segmenter::ByteSpan| {
            Some(v1::Span {
                begin: s.start as u32,
                end: s.end as u32,
            })
        };
        Segmentation {
            paragraphs: seg
                .paragraphs
                .iter()
                .map(|p| v1::Paragraph {
                    span: span(p.span),
                    sentence_begin: p.sentence_start as u32,
                    sentence_end: p.sentence_end as u32,
                })
                .collect(),
            sentences: seg
                .sentences
                .iter()
                .map(|s| v1::Sentence {
                    span: span(s.span),
                    text: text[s.span.start..s.span.end].to_owned(),
                    token_begin: s.token_start as u32,
                    token_end: s.token_end as u32,
                    paragraph: s.paragraph as u32,
                    kind: match s.kind {
                        copydesk_segmenter::SentenceKind::Sentence => v1::SentenceKind::Sentence,
                        copydesk_segmenter::SentenceKind::Line => v1::SentenceKind::Line,
                        copydesk_segmenter::SentenceKind::ListItem => v1::SentenceKind::ListItem,
                    } as i32,
                })
                .collect(),
            tokens: seg
                .tokens
                .iter()
                .map(|t| v1::Token {
                    span: span(t.span),
                    text: text[t.span.start..t.span.end].to_owned(),
                    norm: t.norm.to_string(),
                    kind: match t.kind {
                        copydesk_segmenter::TokenKind::Number => v1::TokenKind::Number,
                        copydesk_segmenter::TokenKind::Punctuation => v1::TokenKind::Punctuation,
                        copydesk_segmenter::TokenKind::Symbol => v1::TokenKind::Symbol,
                        _ => v1::TokenKind::Word,
                    } as i32,
                    space_after: t.space_after,
                })
                .collect(),
            language: Some(v1::Language {
                code: "en".to_owned(),
                supported: true,
                confidence: 1.0,
                detected: false,
            }),
        }
    }
}

mod fine_types {
    //! The server with the real NER and fine-type models: entities carry their
    //! fine type, and the responses and Info name the fine-type model.

    use copydesk_proto::v1::info_client::InfoClient;
    use copydesk_proto::v1::{Document, EntityType, FineType, GetInfoRequest, RecognizeRequest};

    use super::{client, start_with_model};

    const STORY: &str = "Ukrainian officials flew home from Heathrow Airport on Sunday after \
two days of talks in Geneva, the delegation's spokeswoman, Maria Okonkwo, said.";

    #[tokio::test]
    async fn entities_carry_fine_types_and_the_model_is_named() {
        let server = start_with_model().await;
        let response = client(&server)
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
}
