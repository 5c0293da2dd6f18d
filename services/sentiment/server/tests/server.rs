//! The sentiment server over gRPC: real servers on 127.0.0.1:0 with the
//! bound listener handed in, readiness awaited through health (no sleeps).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copydesk_proto::v1::sentiment_analyzer_client::SentimentAnalyzerClient;
use copydesk_proto::v1::{
    AnalyzeRequest, Document, Entity, Mention, OffsetEncoding, Segmentation, Sentence,
    SentimentLabel, Span, analyze_result::Outcome,
};
use copydesk_sentiment_server::SentimentConfig;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

struct Running {
    url: String,
    _shutdown: oneshot::Sender<()>,
}

async fn start(config: SentimentConfig) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, signal) = oneshot::channel::<()>();
    tokio::spawn(copydesk_sentiment_server::serve(
        listener,
        config,
        async move {
            let _ = signal.await;
        },
    ));
    let channel = Channel::from_shared(url.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut watch = HealthClient::new(channel)
        .watch(HealthCheckRequest {
            service: copydesk_proto::service_names::SENTIMENT_ANALYZER.to_owned(),
        })
        .await
        .unwrap()
        .into_inner();
    while let Some(status) = watch.message().await.unwrap() {
        if status.status == ServingStatus::Serving as i32 {
            return Running {
                url,
                _shutdown: shutdown,
            };
        }
    }
    panic!("health watch ended before SERVING");
}

async fn client(running: &Running) -> SentimentAnalyzerClient<Channel> {
    SentimentAnalyzerClient::connect(running.url.clone())
        .await
        .unwrap()
}

fn request(text: &str) -> AnalyzeRequest {
    AnalyzeRequest {
        document: Some(Document {
            id: "d1".to_owned(),
            text: text.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn span_of(text: &str, needle: &str) -> Span {
    let begin = text.find(needle).unwrap();
    Span {
        begin: begin as u32,
        end: (begin + needle.len()) as u32,
    }
}

fn entity(id: &str, text: &str, name: &str) -> Entity {
    Entity {
        id: id.to_owned(),
        name: name.to_owned(),
        mentions: vec![Mention {
            span: Some(span_of(text, name)),
            text: name.to_owned(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[tokio::test]
async fn document_sentence_and_entity_sentiment() {
    let server = start(SentimentConfig::default()).await;
    let mut client = client(&server).await;
    let text = "Critics praised Smith but condemned Jones. The storm killed three people.";
    let mut req = request(text);
    req.entities = vec![entity("e1", text, "Smith"), entity("e2", text, "Jones")];
    let response = client.analyze(req).await.unwrap().into_inner();
    assert_eq!(response.document_id, "d1");
    assert_eq!(response.sentences.len(), 2);
    assert_eq!(
        response.sentences[1].span,
        Some(span_of(text, "The storm killed three people."))
    );
    let storm = response.sentences[1].sentiment.unwrap();
    assert_eq!(storm.label, SentimentLabel::Negative as i32);
    let smith = response.entities[0].sentiment.unwrap();
    let jones = response.entities[1].sentiment.unwrap();
    assert_eq!(response.entities[0].entity_id, "e1");
    assert!(
        smith.score > 0.0 && jones.score < 0.0,
        "{smith:?} {jones:?}"
    );
    assert_eq!(response.entities[1].mentions.len(), 1);
    let document = response.document_sentiment.unwrap();
    assert!(document.magnitude > 0.0);
    let meta = response.meta.unwrap();
    assert_eq!(meta.language.unwrap().code, "en");
    assert_eq!(meta.models.len(), 2);
}

#[tokio::test]
async fn given_segmentation_and_mentions_in_utf16_come_back_in_utf16() {
    let server = start(SentimentConfig::default()).await;
    let mut client = client(&server).await;
    // "😀" is two UTF-16 units and four bytes: offsets after it differ.
    let text = "😀 Critics praised Smith. Then Jones failed badly.";
    let utf16 = |needle: &str| {
        let begin = text[..text.find(needle).unwrap()].encode_utf16().count() as u32;
        Span {
            begin,
            end: begin + needle.encode_utf16().count() as u32,
        }
    };
    let mut req = request(text);
    req.encoding = OffsetEncoding::Utf16 as i32;
    req.segmentation = Some(Segmentation {
        sentences: vec![
            Sentence {
                span: Some(utf16("😀 Critics praised Smith.")),
                ..Default::default()
            },
            Sentence {
                span: Some(utf16("Then Jones failed badly.")),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    req.entities = vec![Entity {
        id: "e1".to_owned(),
        mentions: vec![Mention {
            span: Some(utf16("Jones")),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let response = client.analyze(req).await.unwrap().into_inner();
    assert_eq!(
        response.sentences[1].span,
        Some(utf16("Then Jones failed badly."))
    );
    assert!(response.entities[0].sentiment.unwrap().score < 0.0);
    assert_eq!(
        response.meta.unwrap().encoding,
        OffsetEncoding::Utf16 as i32
    );
}

#[tokio::test]
async fn bad_input_gets_invalid_argument_naming_the_problem() {
    let config = SentimentConfig {
        max_document_bytes: 64,
        ..SentimentConfig::default()
    };
    let server = start(config).await;
    let mut client = client(&server).await;

    let error = client
        .analyze(request(&"word ".repeat(20)))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(
        error.message().contains("limit of 64 bytes"),
        "{}",
        error.message()
    );

    let german = "Die Regierung hat am Dienstag neue Maßnahmen beschlossen.";
    let error = client.analyze(request(german)).await.unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(
        error.message().contains("unsupported language"),
        "{}",
        error.message()
    );

    let mut out_of_range = request("Good news.");
    out_of_range.entities = vec![Entity {
        mentions: vec![Mention {
            span: Some(Span { begin: 3, end: 99 }),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let error = client.analyze(out_of_range).await.unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(error.message().contains("entities"), "{}", error.message());

    let mut inside_a_character = request("é good");
    inside_a_character.segmentation = Some(Segmentation {
        sentences: vec![Sentence {
            span: Some(Span { begin: 1, end: 7 }),
            ..Default::default()
        }],
        ..Default::default()
    });
    let error = client.analyze(inside_a_character).await.unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);

    let error = client.analyze(AnalyzeRequest::default()).await.unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn empty_and_one_word_documents_are_answered() {
    let server = start(SentimentConfig::default()).await;
    let mut client = client(&server).await;
    let empty = client.analyze(request("")).await.unwrap().into_inner();
    assert!(empty.sentences.is_empty());
    let neutral = empty.document_sentiment.unwrap();
    assert_eq!(neutral.label, SentimentLabel::Neutral as i32);
    assert_eq!(neutral.score, 0.0);
    let one = client
        .analyze(request("Wonderful!"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        one.document_sentiment.unwrap().label,
        SentimentLabel::Positive as i32
    );
}

#[tokio::test]
async fn stream_answers_in_order_and_goes_on_after_a_bad_document() {
    let server = start(SentimentConfig::default()).await;
    let mut client = client(&server).await;
    let requests = vec![
        request("A wonderful, joyful day."),
        AnalyzeRequest::default(),
        request("A terrible, tragic loss."),
    ];
    let mut stream = client
        .analyze_stream(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut results = Vec::new();
    while let Some(result) = stream.message().await.unwrap() {
        results.push(result);
    }
    assert_eq!(results.len(), 3);
    assert_eq!(
        results.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let score = |r: &copydesk_proto::v1::AnalyzeResult| match &r.outcome {
        Some(Outcome::Response(response)) => response.document_sentiment.unwrap().score,
        other => panic!("not a response: {other:?}"),
    };
    assert!(score(&results[0]) > 0.0 && score(&results[2]) < 0.0);
    match &results[1].outcome {
        Some(Outcome::Error(error)) => assert_eq!(error.code, Code::InvalidArgument as i32),
        other => panic!("not an error: {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_models_dir_fails_at_start_not_on_a_request() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = SentimentConfig {
        models_dir: Some("/nonexistent/copydesk-models".into()),
        ..SentimentConfig::default()
    };
    let error = copydesk_sentiment_server::serve(listener, config, async {})
        .await
        .unwrap_err();
    assert!(error.to_string().contains("vader_lexicon.txt"), "{error}");
}

#[tokio::test]
async fn the_repository_models_dir_loads() {
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../models");
    let config = SentimentConfig {
        models_dir: Some(models),
        ..SentimentConfig::default()
    };
    let server = start(config).await;
    let mut client = client(&server).await;
    let response = client
        .analyze(request("Great work."))
        .await
        .unwrap()
        .into_inner();
    assert!(response.document_sentiment.unwrap().score > 0.0);
}
