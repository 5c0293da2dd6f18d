//! The gateway against fake entities and sentiment services that are slow,
//! failing or gone: deadlines, retries and their budget, shedding,
//! balancing, draining, authentication and TLS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use copydesk_e2e::{Running, closed_address, start_gateway, start_segmenter};
use copydesk_gateway::GatewayConfig;
use copydesk_proto::v1::annotator_client::AnnotatorClient;
use copydesk_proto::v1::entity_recognizer_server::{EntityRecognizer, EntityRecognizerServer};
use copydesk_proto::v1::sentiment_analyzer_server::{SentimentAnalyzer, SentimentAnalyzerServer};
use copydesk_proto::v1::{
    AnalyzeRequest, AnalyzeResponse, AnalyzeResult, AnnotateRequest, AnnotateResponse, Document,
    Features, ListEntityTypesRequest, ListEntityTypesResponse, RecognizeRequest, RecognizeResponse,
    RecognizeResult, Sentiment,
};
use copydesk_runtime::ServerConfig;
use copydesk_segmenter_server::SegmenterConfig;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity, ServerTlsConfig};
use tonic::{Code, Request, Response, Status, Streaming};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// What a fake service does with each call.
struct Behaviour {
    /// Calls received.
    calls: AtomicUsize,
    /// The first this many calls fail with `fail_code`.
    fail_first: usize,
    fail_code: Code,
    /// Calls wait for a permit here (after reporting on `entered`).
    hold: Option<Semaphore>,
    /// Each call's `grpc-timeout` header, as it arrives.
    entered: mpsc::UnboundedSender<Option<String>>,
}

impl Behaviour {
    async fn call(&self, metadata: &tonic::metadata::MetadataMap) -> Result<(), Status> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let timeout = metadata
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let _ = self.entered.send(timeout);
        if n < self.fail_first {
            return Err(Status::new(self.fail_code, "fake failure"));
        }
        if let Some(hold) = &self.hold {
            let _permit = hold.acquire().await;
        }
        Ok(())
    }
}

#[derive(Clone)]
struct Fake(Arc<Behaviour>);

#[tonic::async_trait]
impl EntityRecognizer for Fake {
    async fn recognize(
        &self,
        request: Request<RecognizeRequest>,
    ) -> Result<Response<RecognizeResponse>, Status> {
        self.0.call(request.metadata()).await?;
        Ok(Response::new(RecognizeResponse::default()))
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

#[tonic::async_trait]
impl SentimentAnalyzer for Fake {
    async fn analyze(
        &self,
        request: Request<AnalyzeRequest>,
    ) -> Result<Response<AnalyzeResponse>, Status> {
        self.0.call(request.metadata()).await?;
        Ok(Response::new(AnalyzeResponse {
            document_sentiment: Some(Sentiment {
                score: 0.5,
                magnitude: 0.5,
                ..Default::default()
            }),
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

/// A fake service running on an ephemeral port.
struct FakeServer {
    url: String,
    behaviour: Arc<Behaviour>,
    entered: mpsc::UnboundedReceiver<Option<String>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    fn calls(&self) -> usize {
        self.behaviour.calls.load(Ordering::SeqCst)
    }

    /// Lets `n` held calls go on.
    fn release(&self, n: usize) {
        if let Some(hold) = &self.behaviour.hold {
            hold.add_permits(n);
        }
    }

    async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await.unwrap();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Entities,
    Sentiment,
}

struct Spec {
    fail_first: usize,
    fail_code: Code,
    hold: bool,
    tls: Option<(String, String)>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            fail_first: 0,
            fail_code: Code::Unavailable,
            hold: false,
            tls: None,
        }
    }
}

async fn fake(kind: Kind, spec: Spec) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (entered_tx, entered) = mpsc::unbounded_channel();
    let behaviour = Arc::new(Behaviour {
        calls: AtomicUsize::new(0),
        fail_first: spec.fail_first,
        fail_code: spec.fail_code,
        hold: spec.hold.then(|| Semaphore::new(0)),
        entered: entered_tx,
    });
    let (shutdown, signal) = oneshot::channel::<()>();
    let mut builder = tonic::transport::Server::builder();
    let scheme = match &spec.tls {
        Some((cert, key)) => {
            builder = builder
                .tls_config(ServerTlsConfig::new().identity(Identity::from_pem(cert, key)))
                .unwrap();
            "https://localhost"
        }
        None => "http://127.0.0.1",
    };
    let service = Fake(Arc::clone(&behaviour));
    let router = match kind {
        Kind::Entities => builder.add_service(EntityRecognizerServer::new(service)),
        Kind::Sentiment => builder.add_service(SentimentAnalyzerServer::new(service)),
    };
    let task = tokio::spawn(async move {
        router
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
                let _ = signal.await;
            })
            .await
            .unwrap();
    });
    FakeServer {
        url: format!("{scheme}:{}", addr.port()),
        behaviour,
        entered,
        shutdown: Some(shutdown),
        task,
    }
}

/// Gateway settings with fast retries, calling `entities` and `sentiment`.
fn config(entities: &str, sentiment: &str) -> GatewayConfig {
    let mut config = GatewayConfig {
        entities_addr: entities.to_owned(),
        sentiment_addr: sentiment.to_owned(),
        ..GatewayConfig::default()
    };
    config.gateway.retry_initial_backoff_ms = 1;
    config.gateway.retry_max_backoff_ms = 5;
    config
}

fn request(features: Features) -> AnnotateRequest {
    AnnotateRequest {
        document: Some(Document {
            text: "Angela Merkel visited Paris on Monday. It went well.".to_owned(),
            ..Default::default()
        }),
        features: Some(features),
        encoding: 0,
    }
}

fn entities_and_tone() -> Features {
    Features {
        entities: true,
        document_sentiment: true,
        ..Default::default()
    }
}

fn entities_only() -> Features {
    Features {
        entities: true,
        ..Default::default()
    }
}

fn error_code(response: &AnnotateResponse, feature: &str) -> Option<Code> {
    response
        .errors
        .iter()
        .find(|e| e.feature == feature)
        .map(|e| Code::from_i32(e.code))
}

async fn client(gateway: &Running) -> AnnotatorClient<Channel> {
    AnnotatorClient::new(gateway.channel().await)
}

async fn annotate(client: &mut AnnotatorClient<Channel>, features: Features) -> AnnotateResponse {
    client
        .annotate(request(features))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn the_callers_deadline_is_passed_down_and_honoured() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut entities = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(config(&entities.url, &sentiment.url), &segmenter.url()).await;
    let mut client = client(&gateway).await;

    let mut call = request(entities_and_tone());
    let mut call = Request::new(std::mem::take(&mut call));
    call.set_timeout(Duration::from_millis(1500));
    let response = client.annotate(call).await.unwrap().into_inner();

    assert_eq!(
        error_code(&response, "entities"),
        Some(Code::DeadlineExceeded),
        "{:?}",
        response.errors
    );
    assert!(response.document_sentiment.is_some());
    let header = entities.entered.recv().await.unwrap().unwrap();
    let passed = copydesk_gateway::deadline::parse_grpc_timeout(&header).unwrap();
    assert!(
        passed < Duration::from_millis(1500) && passed > Duration::ZERO,
        "{passed:?}"
    );
    entities.release(1);
}

/// The value of the counter `name` with every one of `labels` on
/// `/metrics`, 0 when absent.
async fn counter(gateway: &Running, name: &str, labels: &[&str]) -> f64 {
    let text = reqwest::get(format!("{}/metrics", gateway.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn a_dead_service_shows_on_metrics_as_failures_retries_ejections_and_degraded_features() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(
        config(&closed_address().await, &sentiment.url),
        &segmenter.url(),
    )
    .await;
    // The registry is the process's: other tests count too, so this one
    // compares before and after its own call.
    let entities = r#"service="entities""#;
    let degraded = [r#"feature="entities""#, r#"code="unavailable""#];
    let before = (
        counter(&gateway, "copydesk_downstream_failures_total", &[entities]).await,
        counter(&gateway, "copydesk_downstream_retries_total", &[entities]).await,
        counter(&gateway, "copydesk_downstream_ejections_total", &[entities]).await,
        counter(&gateway, "copydesk_degraded_features_total", &degraded).await,
    );

    let response = annotate(&mut client(&gateway).await, entities_and_tone()).await;
    assert_eq!(error_code(&response, "entities"), Some(Code::Unavailable));
    assert!(response.document_sentiment.is_some());

    let after = (
        counter(&gateway, "copydesk_downstream_failures_total", &[entities]).await,
        counter(&gateway, "copydesk_downstream_retries_total", &[entities]).await,
        counter(&gateway, "copydesk_downstream_ejections_total", &[entities]).await,
        counter(&gateway, "copydesk_degraded_features_total", &degraded).await,
    );
    assert!(
        after.0 >= before.0 + 1.0,
        "failures {before:?} -> {after:?}"
    );
    assert!(after.1 >= before.1 + 1.0, "retries {before:?} -> {after:?}");
    assert!(
        after.2 >= before.2 + 1.0,
        "ejections {before:?} -> {after:?}"
    );
    assert!(
        after.3 >= before.3 + 1.0,
        "degraded {before:?} -> {after:?}"
    );
}

#[tokio::test]
async fn a_call_with_nothing_done_by_its_deadline_fails_with_deadline_exceeded() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(config(&entities.url, &sentiment.url), &segmenter.url()).await;

    let mut call = Request::new(request(entities_only()));
    call.set_timeout(Duration::from_millis(500));
    let status = client(&gateway).await.annotate(call).await.unwrap_err();
    // Not an OK answer with every feature failed. (The gateway answers
    // 20 ms before the deadline; on a slow machine the caller's own timer
    // may say it first, with the same code.)
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    entities.release(1);
}

#[tokio::test]
async fn unavailable_is_retried_until_it_succeeds() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(
        Kind::Entities,
        Spec {
            fail_first: 2,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(config(&entities.url, &sentiment.url), &segmenter.url()).await;

    let response = annotate(&mut client(&gateway).await, entities_and_tone()).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(entities.calls(), 3);
}

#[tokio::test]
async fn invalid_argument_is_not_retried() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(
        Kind::Entities,
        Spec {
            fail_first: usize::MAX,
            fail_code: Code::InvalidArgument,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(config(&entities.url, &sentiment.url), &segmenter.url()).await;

    let response = annotate(&mut client(&gateway).await, entities_and_tone()).await;
    assert_eq!(
        error_code(&response, "entities"),
        Some(Code::InvalidArgument)
    );
    assert!(response.document_sentiment.is_some());
    assert_eq!(entities.calls(), 1);
}

#[tokio::test]
async fn the_retry_budget_stops_a_retry_storm() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(
        Kind::Entities,
        Spec {
            fail_first: usize::MAX,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let mut config = config(&entities.url, &sentiment.url);
    config.gateway.retry_max_attempts = 5;
    config.gateway.retry_budget_percent = 10.0;
    config.gateway.retry_budget_min_per_sec = 0;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut client = client(&gateway).await;

    let requests = 40;
    for _ in 0..requests {
        let response = annotate(&mut client, entities_only()).await;
        assert_eq!(error_code(&response, "entities"), Some(Code::Unavailable));
    }
    // Without the budget: 5 attempts each, 200 calls. With it: one retry
    // per ten calls.
    let calls = entities.calls();
    assert!(
        (requests..=requests + requests / 10).contains(&calls),
        "{calls} calls for {requests} requests"
    );
}

#[tokio::test]
async fn a_full_service_fails_its_feature_at_once_while_the_others_answer() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut entities = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let mut config = config(&entities.url, &sentiment.url);
    config.gateway.downstream_max_concurrency = 1;
    let gateway = start_gateway(config, &segmenter.url()).await;

    let mut first_client = client(&gateway).await;
    let first = tokio::spawn(async move { annotate(&mut first_client, entities_only()).await });
    entities.entered.recv().await.unwrap();

    let response = annotate(&mut client(&gateway).await, entities_and_tone()).await;
    assert_eq!(
        error_code(&response, "entities"),
        Some(Code::ResourceExhausted),
        "{:?}",
        response.errors
    );
    assert!(response.document_sentiment.is_some());
    assert_eq!(
        entities.calls(),
        1,
        "the shed call never reached the service"
    );

    entities.release(1);
    let first = first.await.unwrap();
    assert!(first.errors.is_empty(), "{:?}", first.errors);
}

#[tokio::test]
async fn calls_are_spread_over_two_replicas_and_survive_one_dying() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let one = fake(Kind::Entities, Spec::default()).await;
    let two = fake(Kind::Entities, Spec::default()).await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let addresses = format!("{}, {}", one.url, two.url);
    let gateway = start_gateway(config(&addresses, &sentiment.url), &segmenter.url()).await;
    let mut client = client(&gateway).await;

    for _ in 0..10 {
        let response = annotate(&mut client, entities_only()).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
    }
    assert!(
        one.calls() >= 3 && two.calls() >= 3,
        "{} / {}",
        one.calls(),
        two.calls()
    );

    let before = two.calls();
    one.stop().await;
    for _ in 0..10 {
        let response = annotate(&mut client, entities_only()).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
    }
    assert_eq!(two.calls(), before + 10);
}

/// A TCP relay in front of a server whose connections can all be cut at
/// once, as when a container is killed: the peer sees them close mid-call.
struct Relay {
    url: String,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn to(upstream: &str) -> Relay {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(std::sync::Mutex::new(Vec::new()));
        let registry = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((mut downstream, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let relay = tokio::spawn(async move {
                    let mut upstream = tokio::net::TcpStream::connect(upstream).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut downstream, &mut upstream).await;
                });
                registry.lock().unwrap().push(relay);
            }
        });
        Relay { url, connections }
    }

    /// Drops every connection, closing both sockets.
    fn cut(&self) {
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }
}

#[tokio::test]
async fn a_replica_dying_in_the_middle_of_a_call_costs_a_retry_not_the_feature() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut dying = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Spec::default()
        },
    )
    .await;
    let relay = Relay::to(&dying.url).await;
    let healthy = fake(Kind::Entities, Spec::default()).await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let addresses = format!("{}, {}", relay.url, healthy.url);
    let gateway = start_gateway(config(&addresses, &sentiment.url), &segmenter.url()).await;
    let client = client(&gateway).await;

    // Round-robin sends one of the first two calls to the dying replica,
    // which holds it; the other is answered by the healthy one.
    let mut calls = Vec::new();
    for _ in 0..2 {
        let mut client = client.clone();
        calls.push(tokio::spawn(async move {
            annotate(&mut client, entities_only()).await
        }));
    }
    tokio::time::timeout(Duration::from_secs(10), dying.entered.recv())
        .await
        .expect("a call reaches the dying replica");
    let before = healthy.calls();
    relay.cut();
    for call in calls {
        let response = tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .expect("the call is answered")
            .unwrap();
        assert!(response.errors.is_empty(), "{:?}", response.errors);
    }
    assert!(
        healthy.calls() > before,
        "the broken call went to the healthy replica"
    );
    dying.release(1);
}

#[tokio::test]
async fn a_service_named_by_dns_is_reached_through_its_addresses() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(Kind::Entities, Spec::default()).await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    // The fake listens on 127.0.0.1; "localhost" may also resolve to ::1,
    // where nothing listens: the gateway must find the address that answers.
    let port = entities.url.rsplit(':').next().unwrap();
    let mut config = config(&format!("http://localhost:{port}"), &sentiment.url);
    config.gateway.downstream_resolve_secs = 1;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut client = client(&gateway).await;
    for _ in 0..10 {
        let response = annotate(&mut client, entities_only()).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
    }
    assert!(entities.calls() >= 10, "{}", entities.calls());
}

async fn watch_gateway(gateway: &Running) -> Streaming<tonic_health::pb::HealthCheckResponse> {
    let mut health = HealthClient::new(gateway.channel().await);
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
    watch
}

#[tokio::test]
async fn draining_reports_not_serving_and_finishes_the_call_in_flight() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut entities = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let gateway = start_gateway(config(&entities.url, &sentiment.url), &segmenter.url()).await;
    let mut in_flight_client = client(&gateway).await;
    let in_flight =
        tokio::spawn(async move { annotate(&mut in_flight_client, entities_only()).await });
    entities.entered.recv().await.unwrap();
    let mut watch = watch_gateway(&gateway).await;

    let stopped = tokio::spawn(gateway.stop());
    assert_eq!(
        watch.message().await.unwrap().unwrap().status,
        ServingStatus::NotServing as i32
    );
    drop(watch);
    entities.release(1);
    let answer = in_flight.await.unwrap();
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
    stopped.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_ends_within_its_bound_despite_a_hung_call_and_an_open_watch() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut entities = fake(
        Kind::Entities,
        Spec {
            hold: true,
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let mut config = config(&entities.url, &sentiment.url);
    config.server.shutdown_grace_secs = 1;
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut hung_client = client(&gateway).await;
    let _hung = tokio::spawn(async move {
        let _ = hung_client.annotate(request(entities_only())).await;
    });
    entities.entered.recv().await.unwrap();
    let _watch = watch_gateway(&gateway).await;

    // The grace is 1 s; anything near the outer bound means it was ignored.
    tokio::time::timeout(Duration::from_secs(10), gateway.stop())
        .await
        .expect("shutdown outlived its grace period")
        .unwrap();
}

#[tokio::test]
async fn a_bearer_token_guards_the_annotator_but_not_health() {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let mut config = config(&closed_address().await, &closed_address().await);
    config.server.auth_token = Some("s3cret-token".to_owned());
    let gateway = start_gateway(config, &segmenter.url()).await;
    let mut client = client(&gateway).await;
    let segmentation = Features {
        segmentation: true,
        ..Default::default()
    };

    let refused = client.annotate(request(segmentation)).await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
    let mut wrong = Request::new(request(segmentation));
    wrong
        .metadata_mut()
        .insert("authorization", "Bearer s3cret-tokeN".parse().unwrap());
    let refused = client.annotate(wrong).await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
    let mut right = Request::new(request(segmentation));
    right
        .metadata_mut()
        .insert("authorization", "Bearer s3cret-token".parse().unwrap());
    let answer = client.annotate(right).await.unwrap().into_inner();
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);

    let mut health = HealthClient::new(gateway.channel().await);
    let status = health
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, ServingStatus::Serving as i32);

    let http = reqwest::Client::new();
    let url = format!("{}/v1/annotate", gateway.url());
    let body = serde_json::json!({
        "document": { "text": "One sentence." },
        "features": { "segmentation": true }
    });
    let refused = http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let error: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(error["code"], Code::Unauthenticated as i32);
    let accepted = http
        .post(&url)
        .bearer_auth("s3cret-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn services_run_with_a_token_answer_only_a_gateway_that_sends_it() {
    let segmenter = start_segmenter(SegmenterConfig {
        server: ServerConfig {
            auth_token: Some("internal-token".to_owned()),
            ..ServerConfig::default()
        },
        ..SegmenterConfig::default()
    })
    .await;
    let segmentation = Features {
        segmentation: true,
        ..Default::default()
    };

    // Probes stay open (start_segmenter waited on health without the token);
    // calls do not.
    let direct =
        copydesk_proto::v1::segmenter_client::SegmenterClient::new(segmenter.channel().await)
            .segment(copydesk_proto::v1::SegmentRequest {
                document: request(segmentation).document,
                encoding: 0,
            })
            .await
            .unwrap_err();
    assert_eq!(direct.code(), Code::Unauthenticated, "{direct:?}");

    let without = config(&closed_address().await, &closed_address().await);
    let gateway = start_gateway(without, &segmenter.url()).await;
    let answer = annotate(&mut client(&gateway).await, segmentation).await;
    assert_eq!(
        error_code(&answer, "segmentation"),
        Some(Code::Unauthenticated)
    );

    let mut with = config(&closed_address().await, &closed_address().await);
    with.gateway.downstream_auth_token = Some("internal-token".to_owned());
    let gateway = start_gateway(with, &segmenter.url()).await;
    let answer = annotate(&mut client(&gateway).await, segmentation).await;
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
    assert!(answer.segmentation.is_some());
}

/// A CA, and a certificate it signed for localhost: (CA PEM, cert PEM, key PEM).
fn test_certificates() -> (String, String, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn tls_from_the_client_to_the_gateway_and_from_the_gateway_to_a_service() {
    let (ca, cert, key) = test_certificates();
    let dir = std::env::temp_dir().join(format!("copydesk-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str, content: &str| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let (ca_path, cert_path, key_path) = (
        path("ca.pem", &ca),
        path("cert.pem", &cert),
        path("key.pem", &key),
    );

    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let entities = fake(
        Kind::Entities,
        Spec {
            tls: Some((cert.clone(), key.clone())),
            ..Default::default()
        },
    )
    .await;
    let sentiment = fake(Kind::Sentiment, Spec::default()).await;
    let mut config = config(&entities.url, &sentiment.url);
    config.segmenter_addr = segmenter.url();
    config.gateway.downstream_tls_ca = Some(ca_path);
    config.server = ServerConfig {
        tls_cert: Some(cert_path),
        tls_key: Some(key_path),
        ..ServerConfig::default()
    };

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, signal) = oneshot::channel::<()>();
    let server = tokio::spawn(copydesk_gateway::serve(listener, config, async move {
        let _ = signal.await;
    }));
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&ca))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://localhost:{port}"))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .unwrap();

    let mut client = AnnotatorClient::new(channel.clone());
    let response = annotate(&mut client, entities_and_tone()).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert!(entities.calls() >= 1);

    // Plain HTTP/2 to the TLS port is refused.
    let plain = Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect()
        .await;
    if let Ok(plain) = plain {
        let mut health = HealthClient::new(plain);
        assert!(health.check(HealthCheckRequest::default()).await.is_err());
    }

    drop(client);
    drop(channel);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
