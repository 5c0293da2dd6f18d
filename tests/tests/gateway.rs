//! The gateway over gRPC and HTTP/JSON, in front of a real segmenter.

#![allow(clippy::unwrap_used)]

use copydesk_e2e::{
    closed_address, gateway_config, raw, start_gateway, start_segmenter, start_stack,
};
use copydesk_gateway::GatewayConfig;
use copydesk_proto::v1::annotate_result::Outcome;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::{
    AnnotateRequest, AnnotateResponse, AnnotateResult, BatchAnnotateRequest, Document, Features,
    OffsetEncoding,
};
use copydesk_segmenter_server::SegmenterConfig;
use tonic::Code;
use tonic::transport::Channel;

fn request(id: &str, text: &str) -> AnnotateRequest {
    AnnotateRequest {
        document: Some(Document {
            id: id.to_owned(),
            text: text.to_owned(),
            ..Default::default()
        }),
        features: None,
        encoding: OffsetEncoding::Utf8 as i32,
    }
}

fn segmentation_only(mut request: AnnotateRequest) -> AnnotateRequest {
    request.features = Some(Features {
        segmentation: true,
        ..Default::default()
    });
    request
}

async fn annotator(gateway: &copydesk_e2e::Running) -> AnnotatorClient<Channel> {
    AnnotatorClient::new(gateway.channel().await)
}

fn error_codes(response: &AnnotateResponse) -> Vec<(&str, i32)> {
    response
        .errors
        .iter()
        .map(|e| (e.feature.as_str(), e.code))
        .collect()
}

#[tokio::test]
async fn annotate_segments_and_reports_services_that_are_down_as_unavailable() {
    let (_segmenter, gateway) = start_stack().await;
    let response = annotator(&gateway)
        .await
        .annotate(request("d", "Hello World. My name is Jonas."))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.document_id, "d");
    let sentences: Vec<&str> = response
        .segmentation
        .as_ref()
        .unwrap()
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(sentences, ["Hello World.", "My name is Jonas."]);
    let unavailable = Code::Unavailable as i32;
    assert_eq!(
        error_codes(&response),
        [
            ("entities", unavailable),
            ("entity_sentiment", unavailable),
            ("links", unavailable),
            ("document_sentiment", unavailable),
            ("sentence_sentiment", unavailable),
        ]
    );
    for error in &response.errors {
        let service = match error.feature.as_str() {
            "entities" | "entity_sentiment" | "links" => "entities:",
            _ => "sentiment:",
        };
        assert!(error.message.starts_with(service), "{error:?}");
    }
    assert!(
        response.entities.is_empty()
            && response.document_sentiment.is_none()
            && response.sentences.is_empty()
    );
    let meta = response.meta.unwrap();
    assert_eq!(meta.models[0].name, "copydesk-segmenter-rules");
    // Which language a two-sentence text is identified as is the engine's
    // business; that the gateway passes it on is this test's.
    assert!(!meta.language.unwrap().code.is_empty());
    let stages: Vec<&str> = meta.timings.iter().map(|t| t.stage.as_str()).collect();
    assert_eq!(stages, ["segmenter", "entities", "sentiment", "total"]);
}

#[tokio::test]
async fn features_set_but_all_false_is_invalid_argument() {
    let (_segmenter, gateway) = start_stack().await;
    let mut none = request("d", "Text.");
    none.features = Some(Features::default());
    let status = annotator(&gateway).await.annotate(none).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("features"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn with_the_segmenter_down_the_answer_names_what_failed() {
    let gateway = start_gateway(gateway_config().await, &closed_address().await).await;
    let response = annotator(&gateway)
        .await
        .annotate(request("d", "Hello World."))
        .await
        .unwrap()
        .into_inner();
    assert!(response.segmentation.is_none());
    let segmentation = response
        .errors
        .iter()
        .find(|e| e.feature == "segmentation")
        .unwrap();
    assert_eq!(
        segmentation.code,
        Code::Unavailable as i32,
        "{segmentation:?}"
    );
    assert!(
        segmentation.message.starts_with("segmenter:"),
        "{}",
        segmentation.message
    );
    assert_eq!(
        response.errors.len(),
        6,
        "every requested feature is accounted for: {:?}",
        response.errors
    );
}

#[tokio::test]
async fn the_segmenters_invalid_argument_fails_the_whole_call() {
    let segmenter = start_segmenter(SegmenterConfig {
        max_document_bytes: 10,
        ..Default::default()
    })
    .await;
    let gateway = start_gateway(gateway_config().await, &segmenter.url()).await;
    let mut client = annotator(&gateway).await;
    let status = client
        .annotate(request("big", "This is longer than ten bytes."))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("limit of 10 bytes"),
        "{}",
        status.message()
    );

    let mut unknown = request("h", "x");
    unknown.document.as_mut().unwrap().content_type = 7;
    let status = client.annotate(unknown).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("content_type: unknown value 7"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn the_gateway_enforces_its_own_document_limit() {
    let (segmenter, _) = start_stack().await;
    let config = GatewayConfig {
        max_document_bytes: 5,
        ..Default::default()
    };
    let gateway = start_gateway(config, &segmenter.url()).await;
    let status = annotator(&gateway)
        .await
        .annotate(request("d", "123456"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("limit of 5 bytes"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn invalid_utf8_through_the_gateway_is_invalid_argument() {
    let (_segmenter, gateway) = start_stack().await;
    let status = raw::unary(
        gateway.channel().await,
        "/copydesk.v1.Annotator/Annotate",
        raw::request_with_invalid_utf8_text(),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
}

#[tokio::test]
async fn empty_text_through_the_gateway_is_ok_and_empty() {
    let (_segmenter, gateway) = start_stack().await;
    let response = annotator(&gateway)
        .await
        .annotate(segmentation_only(request("e", "")))
        .await
        .unwrap()
        .into_inner();
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let segmentation = response.segmentation.unwrap();
    assert!(segmentation.tokens.is_empty() && segmentation.sentences.is_empty());
}

const TRICKY: &str = "“Moon Jae-in” — who smiled 😀 — met officials in 首尔 today. It’s “done”.";

/// The text's units in each encoding, as a client in that language sees it.
fn units(text: &str, encoding: OffsetEncoding) -> Vec<String> {
    match encoding {
        OffsetEncoding::Utf8 => text.bytes().map(|b| format!("{b}")).collect(),
        OffsetEncoding::Utf16 => text.encode_utf16().map(|u| format!("{u}")).collect(),
        OffsetEncoding::Utf32 => text.chars().map(String::from).collect(),
    }
}

#[tokio::test]
async fn offsets_in_every_encoding_index_the_text_as_the_client_sees_it() {
    let (_segmenter, gateway) = start_stack().await;
    let mut client = annotator(&gateway).await;
    for encoding in [
        OffsetEncoding::Utf8,
        OffsetEncoding::Utf16,
        OffsetEncoding::Utf32,
    ] {
        let mut asked = segmentation_only(request("t", TRICKY));
        asked.encoding = encoding as i32;
        let response = client.annotate(asked).await.unwrap().into_inner();
        assert_eq!(response.meta.as_ref().unwrap().encoding, encoding as i32);
        let segmentation = response.segmentation.unwrap();
        assert!(
            segmentation.tokens.len() > 10,
            "{encoding:?}: {:?}",
            segmentation.tokens
        );
        let text_units = units(TRICKY, encoding);
        for token in &segmentation.tokens {
            let span = token.span.unwrap();
            let slice = &text_units[span.begin as usize..span.end as usize];
            assert_eq!(
                slice,
                units(&token.text, encoding).as_slice(),
                "{encoding:?} token {:?}",
                token.text
            );
        }
        for sentence in &segmentation.sentences {
            let span = sentence.span.unwrap();
            let slice = &text_units[span.begin as usize..span.end as usize];
            assert_eq!(
                slice,
                units(&sentence.text, encoding).as_slice(),
                "{encoding:?} sentence {:?}",
                sentence.text
            );
        }
        let emoji = segmentation
            .tokens
            .iter()
            .find(|t| t.text == "😀")
            .unwrap()
            .span
            .unwrap();
        let expected_width = match encoding {
            OffsetEncoding::Utf8 => 4,
            OffsetEncoding::Utf16 => 2,
            OffsetEncoding::Utf32 => 1,
        };
        assert_eq!(emoji.end - emoji.begin, expected_width, "{encoding:?}");
        let last = segmentation.tokens.last().unwrap().span.unwrap();
        assert_eq!(last.end as usize, text_units.len(), "{encoding:?}");
    }
}

#[tokio::test]
async fn batch_annotate_keeps_order_and_reports_per_document_errors() {
    let (_segmenter, gateway) = start_stack().await;
    // A content type the contract does not know: refused on its own.
    let unknown = Document {
        id: "unknown".to_owned(),
        text: "<p>x</p>".to_owned(),
        content_type: 7,
        ..Default::default()
    };
    let documents = vec![
        Document {
            id: "a".to_owned(),
            text: "One.".to_owned(),
            ..Default::default()
        },
        unknown,
        Document {
            id: "b".to_owned(),
            text: "Two. Three.".to_owned(),
            ..Default::default()
        },
    ];
    let batch = BatchAnnotateRequest {
        documents,
        features: Some(Features {
            segmentation: true,
            ..Default::default()
        }),
        encoding: 0,
    };
    let response = annotator(&gateway)
        .await
        .batch_annotate(batch)
        .await
        .unwrap()
        .into_inner();
    let order: Vec<(u64, &str)> = response
        .results
        .iter()
        .map(|r| (r.index, r.document_id.as_str()))
        .collect();
    assert_eq!(order, [(0, "a"), (1, "unknown"), (2, "b")]);
    assert!(matches!(
        response.results[0].outcome,
        Some(Outcome::Response(_))
    ));
    let Some(Outcome::Error(error)) = &response.results[1].outcome else {
        panic!("{:?}", response.results[1])
    };
    assert_eq!(error.code, Code::InvalidArgument as i32);
    assert!(matches!(
        response.results[2].outcome,
        Some(Outcome::Response(_))
    ));
}

#[tokio::test]
async fn a_batch_over_the_limit_is_invalid_argument() {
    let (segmenter, _) = start_stack().await;
    let mut config = gateway_config().await;
    config.gateway.max_batch_documents = 2;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let batch = BatchAnnotateRequest {
        documents: vec![Document::default(); 3],
        features: None,
        encoding: 0,
    };
    let status = annotator(&gateway)
        .await
        .batch_annotate(batch)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("limit of 2"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn annotate_stream_answers_in_order_and_goes_on_after_a_bad_document() {
    let (_segmenter, gateway) = start_stack().await;
    let mut no_features = request("none", "Text.");
    no_features.features = Some(Features::default());
    let requests = vec![
        segmentation_only(request("a", "First.")),
        no_features,
        AnnotateRequest {
            document: None,
            ..Default::default()
        },
        segmentation_only(request("b", "Second. Third.")),
    ];
    let mut results = annotator(&gateway)
        .await
        .annotate_stream(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut seen = Vec::new();
    while let Some(result) = results.message().await.unwrap() {
        seen.push(result);
    }
    let order: Vec<(u64, &str)> = seen
        .iter()
        .map(|r| (r.index, r.document_id.as_str()))
        .collect();
    assert_eq!(order, [(0, "a"), (1, "none"), (2, ""), (3, "b")]);
    for bad in &seen[1..3] {
        let Some(Outcome::Error(error)) = &bad.outcome else {
            panic!("{bad:?}")
        };
        assert_eq!(error.code, Code::InvalidArgument as i32);
    }
    let Some(Outcome::Response(last)) = &seen[3].outcome else {
        panic!("{:?}", seen[3])
    };
    assert_eq!(last.segmentation.as_ref().unwrap().sentences.len(), 2);
}

#[tokio::test]
async fn http_json_annotate_round_trips_the_proto3_json_mapping() {
    let (_segmenter, gateway) = start_stack().await;
    let http = reqwest::Client::new();
    let body = serde_json::json!({
        "document": { "id": "j1", "text": TRICKY },
        "features": { "segmentation": true },
        "encoding": "UTF16",
    });
    let response = http
        .post(format!("{}/v1/annotate", gateway.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["documentId"], "j1");
    assert_eq!(json["meta"]["encoding"], "UTF16");
    // The JSON parses back into the message, so clients can rely on it.
    let parsed: AnnotateResponse = serde_json::from_value(json.clone()).unwrap();
    let tokens = parsed.segmentation.unwrap().tokens;
    let utf16: Vec<u16> = TRICKY.encode_utf16().collect();
    for token in &tokens {
        let span = token.span.unwrap();
        assert_eq!(
            String::from_utf16(&utf16[span.begin as usize..span.end as usize]).unwrap(),
            token.text
        );
    }
    assert!(!tokens.is_empty());
}

#[tokio::test]
async fn http_json_errors_are_json_with_grpc_codes_and_matching_http_statuses() {
    let (_segmenter, gateway) = start_stack().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/annotate", gateway.url());

    let bad_json = http
        .post(&url)
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    let body: serde_json::Value = bad_json.json().await.unwrap();
    assert_eq!(body["code"], 3);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("AnnotateRequest"),
        "{body}"
    );

    let no_features = http
        .post(&url)
        .json(&serde_json::json!({ "document": { "text": "x" }, "features": {} }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_features.status(), 400);
    assert_eq!(
        no_features.json::<serde_json::Value>().await.unwrap()["code"],
        3
    );

    // HTML is read as the text a reader sees; spans count in the markup.
    let markup = "<h1>Storm</h1><p><b>Tsai</b> Ing-wen visited Taipei&rsquo;s port.</p>";
    let html = serde_json::json!({
        "document": { "text": markup, "contentType": "HTML" },
        "features": { "segmentation": true },
    });
    let answered = http.post(&url).json(&html).send().await.unwrap();
    assert_eq!(answered.status(), 200);
    let body: serde_json::Value = answered.json().await.unwrap();
    assert_eq!(
        body["plainText"], "Storm\n\nTsai Ing-wen visited Taipei’s port.",
        "{body}"
    );
    let slice = |span: &serde_json::Value| {
        let begin = span["begin"].as_u64().unwrap() as usize;
        let end = span["end"].as_u64().unwrap() as usize;
        markup[begin..end].to_owned()
    };
    let sentences: Vec<String> = body["segmentation"]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| slice(&s["span"]))
        .collect();
    assert_eq!(
        sentences,
        // From the markup of the first character to that of the last.
        ["Storm", "Tsai</b> Ing-wen visited Taipei&rsquo;s port."]
    );
    let quote = body["segmentation"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["text"] == "’s" || t["text"] == "’")
        .unwrap();
    assert!(slice(&quote["span"]).starts_with("&rsquo;"), "{quote}");
}

#[tokio::test]
async fn http_json_body_size_is_limited() {
    let (segmenter, _) = start_stack().await;
    let mut config = gateway_config().await;
    config.gateway.max_http_body_bytes = 1024;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let body = serde_json::json!({ "document": { "text": "x".repeat(2048) } });
    let response = reqwest::Client::new()
        .post(format!("{}/v1/annotate", gateway.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 3);
    assert!(
        body["message"].as_str().unwrap().contains("1024 bytes"),
        "{body}"
    );
}

#[tokio::test]
async fn http_json_segmenter_down_is_still_a_200_with_errors() {
    let gateway = start_gateway(gateway_config().await, &closed_address().await).await;
    let body = serde_json::json!({ "document": { "text": "Hello." }, "features": { "segmentation": true } });
    let response = reqwest::Client::new()
        .post(format!("{}/v1/annotate", gateway.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["errors"][0]["feature"], "segmentation");
    assert_eq!(json["errors"][0]["code"], Code::Unavailable as i32);
}

#[tokio::test]
async fn http_json_batch_annotate() {
    let (_segmenter, gateway) = start_stack().await;
    let body = serde_json::json!({
        "documents": [{ "id": "1", "text": "One." }, { "id": "2", "text": "Two." }],
        "features": { "segmentation": true },
    });
    let response = reqwest::Client::new()
        .post(format!("{}/v1/batchAnnotate", gateway.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["results"][0]["documentId"], "1");
    assert_eq!(json["results"][1]["documentId"], "2");
    assert!(json["results"][1]["response"].is_object(), "{json}");
}

/// Every seventh document is bad (no document, or text over the limit).
fn many_requests(count: usize, limit: usize) -> Vec<AnnotateRequest> {
    (0..count)
        .map(|i| match i % 7 {
            3 => AnnotateRequest {
                document: None,
                ..Default::default()
            },
            5 => segmentation_only(request(&format!("d{i}"), &"x".repeat(limit + 1))),
            _ => segmentation_only(request(
                &format!("d{i}"),
                &format!("Story {i}. It has two sentences."),
            )),
        })
        .collect()
}

fn check_many(results: &[AnnotateResult], count: usize) {
    assert_eq!(results.len(), count);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result.index, i as u64, "in request order");
        match (i % 7, &result.outcome) {
            (3 | 5, Some(Outcome::Error(error))) => {
                assert_eq!(error.code, Code::InvalidArgument as i32, "{i}: {error:?}")
            }
            (3 | 5, other) => panic!("{i}: expected an error, got {other:?}"),
            (_, Some(Outcome::Response(response))) => {
                assert_eq!(result.document_id, format!("d{i}"));
                assert_eq!(
                    response.segmentation.as_ref().unwrap().sentences.len(),
                    2,
                    "{i}"
                );
            }
            (_, other) => panic!("{i}: expected an answer, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn many_documents_with_bad_ones_keep_order_in_batches_and_streams() {
    let limit = 4096;
    let segmenter = start_segmenter(SegmenterConfig {
        max_document_bytes: limit,
        ..Default::default()
    })
    .await;
    let mut config = gateway_config().await;
    config.max_document_bytes = limit;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut client = annotator(&gateway).await;

    let batch = BatchAnnotateRequest {
        documents: many_requests(100, limit)
            .into_iter()
            .map(|r| r.document.unwrap_or_default())
            .collect(),
        features: Some(Features {
            segmentation: true,
            ..Default::default()
        }),
        encoding: 0,
    };
    let response = client.batch_annotate(batch).await.unwrap().into_inner();
    // In a batch a missing document is an empty one: valid, and empty.
    for (i, result) in response.results.iter().enumerate() {
        assert_eq!(result.index, i as u64);
        let bad = i % 7 == 5;
        assert_eq!(
            matches!(result.outcome, Some(Outcome::Error(_))),
            bad,
            "{i}"
        );
    }

    let stream = client
        .annotate_stream(tokio_stream::iter(many_requests(500, limit)))
        .await
        .unwrap()
        .into_inner();
    let results: Vec<AnnotateResult> = futures::TryStreamExt::try_collect(stream).await.unwrap();
    check_many(&results, 500);
}
