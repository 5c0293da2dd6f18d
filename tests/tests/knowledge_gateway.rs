//! The gateway's `links` feature against a fake knowledge service (and fake
//! entities and sentiment services, behind a real segmenter): links,
//! finer types, added entities and topics merged into the answer, offsets
//! of the added entities in the caller's encoding, and a knowledge service
//! that is down, slow or refusing costing only `links`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use copydesk_e2e::{Running, closed_address, start_gateway, start_segmenter};
use copydesk_gateway::GatewayConfig;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::entity_linker_server::{EntityLinker, EntityLinkerServer};
use copydesk_proto::v1::entity_recognizer_server::{EntityRecognizer, EntityRecognizerServer};
use copydesk_proto::v1::sentiment_analyzer_server::{SentimentAnalyzer, SentimentAnalyzerServer};
use copydesk_proto::v1::{
    AnalyzeRequest, AnalyzeResponse, AnalyzeResult, AnnotateRequest, AnnotateResponse, Document,
    Entity, EntityLink, EntityOrigin, EntitySentiment, EntityType, Features, FineType, LinkRequest,
    LinkResponse, LinkResult, ListEntityTypesRequest, ListEntityTypesResponse,
    ListKnowledgeBasesRequest, ListKnowledgeBasesResponse, LookupRequest, LookupResponse, Mention,
    ModelInfo, OffsetEncoding, RecognizeRequest, RecognizeResponse, RecognizeResult, ResponseMeta,
    Sentiment, Span, Topic,
};
use copydesk_segmenter_server::SegmenterConfig;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Code, Request, Response, Status, Streaming};

/// Non-ASCII before every name, so UTF-16 offsets differ from UTF-8 ones.
const STORY: &str = "Taïwan’s leaders said on Tuesday that they had met in Taipei to discuss the harvest. \
The first shipment of Ukrainian grain reached the port of Kaohsiung — on time, and without any trouble.";

fn span_of(text: &str, needle: &str) -> Span {
    let begin = text.find(needle).unwrap();
    Span {
        begin: begin as u32,
        end: (begin + needle.len()) as u32,
    }
}

fn entity(text: &str, id: &str, name: &str, kind: EntityType, salience: f32) -> Entity {
    Entity {
        id: id.to_owned(),
        name: name.to_owned(),
        r#type: kind as i32,
        salience,
        mentions: vec![Mention {
            span: Some(span_of(text, name)),
            text: name.to_owned(),
            ..Default::default()
        }],
        origin: EntityOrigin::OriginModel as i32,
        ..Default::default()
    }
}

fn geonames(id: u32, name: &str, kind: &str) -> EntityLink {
    EntityLink {
        source: "default".to_owned(),
        id: format!("geonames:{id}"),
        name: name.to_owned(),
        url: format!("https://www.geonames.org/{id}"),
        score: 0.9,
        kind: kind.to_owned(),
        ..Default::default()
    }
}

/// Entities: Taipei and Ukrainian, found in whatever text comes.
#[derive(Clone)]
struct FakeEntities;

#[tonic::async_trait]
impl EntityRecognizer for FakeEntities {
    async fn recognize(
        &self,
        request: Request<RecognizeRequest>,
    ) -> Result<Response<RecognizeResponse>, Status> {
        let text = request.into_inner().document.unwrap().text;
        Ok(Response::new(RecognizeResponse {
            entities: vec![
                entity(&text, "e1", "Taipei", EntityType::Location, 0.6),
                entity(&text, "e2", "Ukrainian", EntityType::Misc, 0.4),
            ],
            ..Default::default()
        }))
    }

    type RecognizeStreamStream = tokio_stream::Empty<Result<RecognizeResult, Status>>;

    async fn recognize_stream(
        &self,
        _: Request<Streaming<RecognizeRequest>>,
    ) -> Result<Response<Self::RecognizeStreamStream>, Status> {
        Err(Status::unimplemented("fake"))
    }

    async fn list_entity_types(
        &self,
        _: Request<ListEntityTypesRequest>,
    ) -> Result<Response<ListEntityTypesResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
}

/// Two calls that must be in flight at the same time: each waits for the
/// other to have started.
#[derive(Default)]
struct Rendezvous {
    linker: Notify,
    sentiment: Notify,
}

/// Sentiment: a positive document and a tone towards every entity it is
/// given.
#[derive(Clone)]
struct FakeSentiment {
    meet: Option<Arc<Rendezvous>>,
}

#[tonic::async_trait]
impl SentimentAnalyzer for FakeSentiment {
    async fn analyze(
        &self,
        request: Request<AnalyzeRequest>,
    ) -> Result<Response<AnalyzeResponse>, Status> {
        let request = request.into_inner();
        if let Some(meet) = &self.meet
            && !request.entities.is_empty()
        {
            meet.sentiment.notify_one();
            meet.linker.notified().await;
        }
        let tone = Sentiment {
            score: 0.5,
            magnitude: 0.5,
            label: 3,
        };
        Ok(Response::new(AnalyzeResponse {
            document_sentiment: Some(tone),
            entities: request
                .entities
                .iter()
                .map(|e| EntitySentiment {
                    entity_id: e.id.clone(),
                    sentiment: Some(tone),
                    mentions: vec![tone; e.mentions.len()],
                })
                .collect(),
            ..Default::default()
        }))
    }

    type AnalyzeStreamStream = tokio_stream::Empty<Result<AnalyzeResult, Status>>;

    async fn analyze_stream(
        &self,
        _: Request<Streaming<AnalyzeRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
        Err(Status::unimplemented("fake"))
    }
}

/// What the fake linker does with a call.
#[derive(Clone, Copy, PartialEq)]
enum Linking {
    /// Links Taipei and Ukrainian, adds Kaohsiung, gives topics.
    Answer,
    /// Never answers.
    Hang,
    /// Refuses with FAILED_PRECONDITION (no base loaded).
    Refuse,
}

#[derive(Clone)]
struct FakeLinker {
    linking: Linking,
    seen: Arc<Mutex<Vec<LinkRequest>>>,
    meet: Option<Arc<Rendezvous>>,
}

#[tonic::async_trait]
impl EntityLinker for FakeLinker {
    async fn link(&self, request: Request<LinkRequest>) -> Result<Response<LinkResponse>, Status> {
        let request = request.into_inner();
        self.seen.lock().unwrap().push(request.clone());
        if let Some(meet) = &self.meet {
            meet.linker.notify_one();
            meet.sentiment.notified().await;
        }
        match self.linking {
            Linking::Hang => std::future::pending::<()>().await,
            Linking::Refuse => {
                return Err(Status::failed_precondition("no knowledge base is loaded"));
            }
            Linking::Answer => {}
        }
        let text = request.document.unwrap().text;
        let mut entities = request.entities;
        for entity in &mut entities {
            match entity.name.as_str() {
                "Taipei" => {
                    entity.links = vec![geonames(1668341, "Taipei", "city")];
                    entity.fine_type = FineType::Gpe as i32;
                    entity.salience = 0.3;
                }
                "Ukrainian" => {
                    entity.links = vec![geonames(690791, "Ukraine", "nationality")];
                    entity.fine_type = FineType::Norp as i32;
                    entity.salience = 0.5;
                }
                _ => {}
            }
            // What the gateway keeps is its own copy of the mentions.
            entity.mentions.clear();
        }
        let mut kaohsiung = entity(&text, "e3", "Kaohsiung", EntityType::Location, 0.2);
        kaohsiung.links = vec![geonames(1673820, "Kaohsiung", "city")];
        kaohsiung.fine_type = FineType::Gpe as i32;
        kaohsiung.origin = EntityOrigin::OriginKnowledgeBase as i32;
        entities.push(kaohsiung);
        entities.sort_by(|a, b| b.salience.total_cmp(&a.salience));
        Ok(Response::new(LinkResponse {
            entities,
            topics: vec![Topic {
                source: "default".to_owned(),
                id: "geonames:690791".to_owned(),
                name: "Ukraine".to_owned(),
                kind: "country".to_owned(),
                salience: 0.5,
                entity_ids: vec!["e2".to_owned()],
                url: "https://www.geonames.org/690791".to_owned(),
            }],
            meta: Some(ResponseMeta {
                models: vec![ModelInfo {
                    service: "knowledge".to_owned(),
                    name: "default".to_owned(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            document_id: String::new(),
        }))
    }

    type LinkStreamStream = tokio_stream::Empty<Result<LinkResult, Status>>;

    async fn link_stream(
        &self,
        _: Request<Streaming<LinkRequest>>,
    ) -> Result<Response<Self::LinkStreamStream>, Status> {
        Err(Status::unimplemented("fake"))
    }

    async fn lookup(&self, _: Request<LookupRequest>) -> Result<Response<LookupResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }

    async fn list_knowledge_bases(
        &self,
        _: Request<ListKnowledgeBasesRequest>,
    ) -> Result<Response<ListKnowledgeBasesResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
}

/// Serves `router` on an ephemeral port until the test ends.
async fn serve(router: tonic::transport::server::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(router.serve_with_incoming(TcpListenerStream::new(listener)));
    url
}

struct Stack {
    _segmenter: Running,
    gateway: Running,
    seen: Arc<Mutex<Vec<LinkRequest>>>,
}

/// A real segmenter, fake entities and sentiment, and a fake linker doing
/// `linking` (none: the knowledge service is down).
async fn stack(linking: Option<Linking>, meet: Option<Arc<Rendezvous>>) -> Stack {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = serve(
        tonic::transport::Server::builder().add_service(EntityRecognizerServer::new(FakeEntities)),
    )
    .await;
    let sentiment = serve(tonic::transport::Server::builder().add_service(
        SentimentAnalyzerServer::new(FakeSentiment { meet: meet.clone() }),
    ))
    .await;
    let knowledge = match linking {
        Some(linking) => {
            serve(
                tonic::transport::Server::builder().add_service(EntityLinkerServer::new(
                    FakeLinker {
                        linking,
                        seen: Arc::clone(&seen),
                        meet,
                    },
                )),
            )
            .await
        }
        None => closed_address().await,
    };
    let mut config = GatewayConfig {
        entities_addr: entities,
        sentiment_addr: sentiment,
        knowledge_addr: knowledge,
        ..GatewayConfig::default()
    };
    config.gateway.retry_initial_backoff_ms = 1;
    config.gateway.retry_max_backoff_ms = 5;
    let gateway = start_gateway(config, &segmenter.url()).await;
    Stack {
        _segmenter: segmenter,
        gateway,
        seen,
    }
}

fn request(features: Option<Features>) -> AnnotateRequest {
    AnnotateRequest {
        document: Some(Document {
            id: "story".to_owned(),
            text: STORY.to_owned(),
            ..Default::default()
        }),
        features,
        encoding: OffsetEncoding::Utf16 as i32,
    }
}

fn entities_and_links() -> Option<Features> {
    Some(Features {
        entities: true,
        links: true,
        ..Default::default()
    })
}

async fn annotate(stack: &Stack, request: Request<AnnotateRequest>) -> AnnotateResponse {
    AnnotatorClient::new(stack.gateway.channel().await)
        .annotate(request)
        .await
        .unwrap()
        .into_inner()
}

fn utf16_slice(text: &str, span: Span) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[span.begin as usize..span.end as usize]).unwrap()
}

fn names(response: &AnnotateResponse) -> Vec<&str> {
    response.entities.iter().map(|e| e.name.as_str()).collect()
}

fn error<'a>(response: &'a AnnotateResponse, feature: &str) -> Option<&'a str> {
    response
        .errors
        .iter()
        .find(|e| e.feature == feature)
        .map(|e| e.message.as_str())
}

fn error_code(response: &AnnotateResponse, feature: &str) -> Option<Code> {
    response
        .errors
        .iter()
        .find(|e| e.feature == feature)
        .map(|e| Code::from_i32(e.code))
}

#[tokio::test]
async fn links_fine_types_added_entities_and_topics_are_merged() {
    let stack = stack(Some(Linking::Answer), None).await;
    let response = annotate(&stack, Request::new(request(entities_and_links()))).await;

    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(names(&response), ["Ukrainian", "Taipei", "Kaohsiung"]);
    let ukrainian = &response.entities[0];
    assert_eq!(ukrainian.links[0].name, "Ukraine");
    assert_eq!(ukrainian.links[0].kind, "nationality");
    assert_eq!(ukrainian.fine_type, FineType::Norp as i32);
    assert_eq!(
        ukrainian.r#type,
        EntityType::Misc as i32,
        "type keeps its meaning"
    );
    for entity in &response.entities {
        let span = entity.mentions[0].span.unwrap();
        assert_eq!(utf16_slice(STORY, span), entity.name, "{entity:?}");
    }
    let kaohsiung = &response.entities[2];
    assert_eq!(kaohsiung.origin, EntityOrigin::OriginKnowledgeBase as i32);
    assert_eq!(kaohsiung.links[0].url, "https://www.geonames.org/1673820");
    assert_eq!(response.topics.len(), 1);
    assert_eq!(response.topics[0].name, "Ukraine");

    let meta = response.meta.unwrap();
    let stages: Vec<&str> = meta.timings.iter().map(|t| t.stage.as_str()).collect();
    assert_eq!(stages, ["segmenter", "entities", "knowledge", "total"]);
    assert!(meta.models.iter().any(|m| m.service == "knowledge"));

    // The linker was handed the segmentation and the entities, in UTF-8.
    let seen = stack.seen.lock().unwrap();
    let sent = &seen[0];
    assert!(!sent.segmentation.as_ref().unwrap().sentences.is_empty());
    assert_eq!(sent.entities.len(), 2);
    assert_eq!(
        sent.entities[0].mentions[0].span,
        Some(span_of(STORY, "Taipei"))
    );
}

#[tokio::test]
async fn links_are_not_asked_for_when_not_wanted() {
    let stack = stack(Some(Linking::Answer), None).await;
    let features = Features {
        entities: true,
        ..Default::default()
    };
    let response = annotate(&stack, Request::new(request(Some(features)))).await;
    assert_eq!(names(&response), ["Taipei", "Ukrainian"]);
    assert!(response.entities.iter().all(|e| e.links.is_empty()));
    assert!(response.topics.is_empty());
    assert!(stack.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn links_alone_bring_the_entities_they_link() {
    let stack = stack(Some(Linking::Answer), None).await;
    let features = Features {
        links: true,
        ..Default::default()
    };
    let response = annotate(&stack, Request::new(request(Some(features)))).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(names(&response), ["Ukrainian", "Taipei", "Kaohsiung"]);
    assert!(response.segmentation.is_none() && response.document_sentiment.is_none());
}

#[tokio::test]
async fn with_the_knowledge_service_down_the_entities_stay_without_links() {
    let stack = stack(None, None).await;
    let response = annotate(&stack, Request::new(request(None))).await;

    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    assert_eq!(error_code(&response, "links"), Some(Code::Unavailable));
    assert!(
        error(&response, "links")
            .unwrap()
            .starts_with("knowledge: "),
        "{:?}",
        response.errors
    );
    assert_eq!(names(&response), ["Taipei", "Ukrainian"]);
    assert!(response.entities.iter().all(|e| e.links.is_empty()));
    assert!(response.topics.is_empty());
    assert!(
        response.entities.iter().all(|e| e.sentiment.is_some()),
        "entity sentiment does not need links"
    );
    assert!(response.document_sentiment.is_some());
}

#[tokio::test]
async fn a_knowledge_service_slower_than_the_deadline_costs_only_links() {
    let stack = stack(Some(Linking::Hang), None).await;
    let mut call = Request::new(request(None));
    call.set_timeout(Duration::from_millis(1500));
    let response = annotate(&stack, call).await;

    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    assert_eq!(error_code(&response, "links"), Some(Code::DeadlineExceeded));
    assert_eq!(names(&response), ["Taipei", "Ukrainian"]);
    assert!(response.document_sentiment.is_some());
    assert!(response.segmentation.is_some());
}

#[tokio::test]
async fn a_refusal_is_reported_with_its_code_and_not_retried() {
    let stack = stack(Some(Linking::Refuse), None).await;
    let response = annotate(&stack, Request::new(request(entities_and_links()))).await;

    assert_eq!(
        error_code(&response, "links"),
        Some(Code::FailedPrecondition)
    );
    assert_eq!(
        error(&response, "links"),
        Some("knowledge: no knowledge base is loaded")
    );
    assert_eq!(names(&response), ["Taipei", "Ukrainian"]);
    assert_eq!(stack.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn links_and_entity_sentiment_run_at_the_same_time() {
    // Each of the two calls waits until the other has started: were they
    // made one after the other, neither would end before the deadline.
    let stack = stack(Some(Linking::Answer), Some(Arc::default())).await;
    let features = Features {
        entity_sentiment: true,
        links: true,
        ..Default::default()
    };
    let mut call = Request::new(request(Some(features)));
    call.set_timeout(Duration::from_secs(20));
    let response = annotate(&stack, call).await;

    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let taipei = response
        .entities
        .iter()
        .find(|e| e.name == "Taipei")
        .unwrap();
    assert_eq!(taipei.links[0].id, "geonames:1668341");
    assert!(taipei.sentiment.is_some(), "tone and link on one entity");
    let kaohsiung = response
        .entities
        .iter()
        .find(|e| e.name == "Kaohsiung")
        .unwrap();
    assert!(
        kaohsiung.sentiment.is_none(),
        "an added entity was not there when sentiment ran"
    );
}
