//! Helpers for Copydesk's end-to-end tests: real servers on ephemeral
//! ports, listeners handed in, readiness awaited through the health service.

#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::net::SocketAddr;

use copydesk_entities_server::EntitiesConfig;
use copydesk_gateway::GatewayConfig;
use copydesk_segmenter_server::SegmenterConfig;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

pub mod raw;

/// A server running in this process until [`Running::stop`] or drop.
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), String>>,
}

impl Running {
    /// `http://127.0.0.1:port`, for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// What the server's health service says of `service` ("" for the
    /// server as a whole), through one Check.
    pub async fn health(&self, service: &str) -> ServingStatus {
        let status = HealthClient::new(self.channel().await)
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        ServingStatus::try_from(status).unwrap()
    }

    /// Asks the server to shut down and waits until it has.
    pub async fn stop(mut self) -> Result<(), String> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await.unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Starts `serve` on an ephemeral port and returns at once: the listener
/// is bound, so clients may connect, but nothing is awaited.
async fn spawn<F, Fut, E>(serve: F) -> Running
where
    F: FnOnce(TcpListener, oneshot::Receiver<()>) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (shutdown, signal) = oneshot::channel();
    let serving = serve(listener, signal);
    let task = tokio::spawn(async move { serving.await.map_err(|e| e.to_string()) });
    Running {
        addr,
        shutdown: Some(shutdown),
        task,
    }
}

/// [`spawn`], then waits until health says `service` is SERVING.
async fn start<F, Fut, E>(serve: F, service: &str) -> Running
where
    F: FnOnce(TcpListener, oneshot::Receiver<()>) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display,
{
    let running = spawn(serve).await;
    wait_until_serving(&running.url(), service).await;
    running
}

/// Starts a segmenter server on an ephemeral port; returns once its health
/// service says SERVING.
pub async fn start_segmenter(config: SegmenterConfig) -> Running {
    start(
        |listener, signal| {
            copydesk_segmenter_server::serve(listener, config, async move {
                let _ = signal.await;
            })
        },
        copydesk_proto::service_names::SEGMENTER,
    )
    .await
}

/// Starts a gateway on an ephemeral port talking to `segmenter_url`.
pub async fn start_gateway(mut config: GatewayConfig, segmenter_url: &str) -> Running {
    config.segmenter_addr = segmenter_url.to_owned();
    start(
        |listener, signal| {
            copydesk_gateway::serve(listener, config, async move {
                let _ = signal.await;
            })
        },
        copydesk_proto::service_names::ANNOTATOR,
    )
    .await
}

/// Starts an entities server with the repository's model; returns once the
/// model has loaded and health says SERVING.
pub async fn start_entities() -> Running {
    let running = spawn_entities(EntitiesConfig {
        models_dir: repository_models_dir(),
        ..Default::default()
    })
    .await;
    wait_until_serving(
        &running.url(),
        copydesk_proto::service_names::ENTITY_RECOGNIZER,
    )
    .await;
    running
}

/// Starts an entities server with `config` on an ephemeral port and returns
/// at once, without waiting for its models: health may still say
/// NOT_SERVING (and stays so if `config.models_dir` holds no model).
pub async fn spawn_entities(config: EntitiesConfig) -> Running {
    spawn(|listener, signal| {
        copydesk_entities_server::serve(listener, config, async move {
            let _ = signal.await;
        })
    })
    .await
}

/// Panics, naming the reason, unless the repository's NER model loads: a
/// test that needs it calls this before [`start_entities`], which would
/// otherwise wait for ever on a server whose health stays NOT_SERVING.
pub fn assert_entities_model_loads() {
    let dir = repository_models_dir().join(copydesk_entities_server::config::NER_MODEL);
    if let Err(error) = copydesk_ner::NerModel::load(&dir) {
        panic!(
            "these tests need the NER model in {}: {error}",
            dir.display()
        );
    }
}

/// Starts a sentiment server with the repository's models.
pub async fn start_sentiment() -> Running {
    let config = copydesk_sentiment_server::SentimentConfig {
        models_dir: Some(repository_models_dir()),
        ..Default::default()
    };
    start(
        |listener, signal| {
            copydesk_sentiment_server::serve(listener, config, async move {
                let _ = signal.await;
            })
        },
        copydesk_proto::service_names::SENTIMENT_ANALYZER,
    )
    .await
}

/// Starts a knowledge server with the repository's default base; returns
/// once the base has loaded and health says SERVING.
pub async fn start_knowledge() -> Running {
    /// The server's flags, as `copydesk serve knowledge` takes them.
    #[derive(clap::Parser)]
    struct Flags {
        #[command(flatten)]
        config: copydesk_knowledge_server::KnowledgeConfig,
    }
    let base = repository_models_dir().join("knowledge/default");
    let flags = <Flags as clap::Parser>::parse_from([
        "knowledge".as_ref(),
        "--knowledge-dir".as_ref(),
        base.as_os_str(),
    ]);
    start(
        |listener, signal| {
            copydesk_knowledge_server::serve(listener, flags.config, async move {
                let _ = signal.await;
            })
        },
        copydesk_proto::service_names::ENTITY_LINKER,
    )
    .await
}

/// The checkout's `models/` directory.
pub fn repository_models_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

/// All five servers, the gateway calling the other four.
pub struct Suite {
    pub segmenter: Running,
    pub entities: Running,
    pub sentiment: Running,
    pub knowledge: Running,
    pub gateway: Running,
}

/// Starts the whole suite on ephemeral ports.
pub async fn start_suite() -> Suite {
    let (segmenter, entities, sentiment, knowledge) = tokio::join!(
        start_segmenter(SegmenterConfig::default()),
        start_entities(),
        start_sentiment(),
        start_knowledge()
    );
    let config = GatewayConfig {
        entities_addr: entities.url(),
        sentiment_addr: sentiment.url(),
        knowledge_addr: knowledge.url(),
        ..GatewayConfig::default()
    };
    let gateway = start_gateway(config, &segmenter.url()).await;
    Suite {
        segmenter,
        entities,
        sentiment,
        knowledge,
        gateway,
    }
}

/// Gateway settings whose entities, sentiment and knowledge services are
/// down (a closed port each), so tests never reach a server that happens to
/// run on a default port.
pub async fn gateway_config() -> GatewayConfig {
    GatewayConfig {
        entities_addr: closed_address().await,
        sentiment_addr: closed_address().await,
        knowledge_addr: closed_address().await,
        ..GatewayConfig::default()
    }
}

/// A segmenter and a gateway in front of it; entities and sentiment down.
pub async fn start_stack() -> (Running, Running) {
    let segmenter = start_segmenter(SegmenterConfig::default()).await;
    let gateway = start_gateway(gateway_config().await, &segmenter.url()).await;
    (segmenter, gateway)
}

/// Waits, through the health service's Watch stream, until `service` at
/// `url` is SERVING. The listener is bound before the server starts, so the
/// connection waits in the backlog rather than failing.
pub async fn wait_until_serving(url: &str, service: &str) {
    let channel = Channel::from_shared(url.to_owned())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .unwrap()
        .into_inner();
    while let Some(status) = watch.message().await.unwrap() {
        if status.status == ServingStatus::Serving as i32 {
            return;
        }
    }
    panic!("health watch of {service} ended before SERVING");
}

/// An address where nothing listens: a port bound and released.
pub async fn closed_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
