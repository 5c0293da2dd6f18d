//! `copydesk up` and `copydesk serve <server>`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use copydesk_entities_server::EntitiesConfig;
use copydesk_gateway::{GatewayConfig, GatewayOptions};
use copydesk_knowledge_server::KnowledgeConfig;
use copydesk_segmenter_server::SegmenterConfig;
use copydesk_sentiment_server::SentimentConfig;
use tokio::net::TcpListener;

use crate::shutdown::{Shutdown, signal};

#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Where the gateway listens (gRPC and HTTP/JSON).
    #[arg(
        long,
        env = "COPYDESK_GATEWAY_LISTEN",
        default_value = "127.0.0.1:50051"
    )]
    gateway_listen: SocketAddr,

    /// Where the segmenter listens.
    #[arg(
        long,
        env = "COPYDESK_SEGMENTER_LISTEN",
        default_value = "127.0.0.1:50052"
    )]
    segmenter_listen: SocketAddr,

    /// Where the entities service listens.
    #[arg(
        long,
        env = "COPYDESK_ENTITIES_LISTEN",
        default_value = "127.0.0.1:50053"
    )]
    entities_listen: SocketAddr,

    /// Where the sentiment service listens.
    #[arg(
        long,
        env = "COPYDESK_SENTIMENT_LISTEN",
        default_value = "127.0.0.1:50054"
    )]
    sentiment_listen: SocketAddr,

    /// Where the knowledge service listens.
    #[arg(
        long,
        env = "COPYDESK_KNOWLEDGE_LISTEN",
        default_value = "127.0.0.1:50055"
    )]
    knowledge_listen: SocketAddr,

    /// A newsroom's own knowledge base (JSON Lines); repeat for several.
    /// Reloaded when the file changes or on SIGHUP.
    #[arg(
        long = "newsroom-base",
        env = "COPYDESK_NEWSROOM_BASES",
        value_delimiter = ','
    )]
    newsroom_bases: Vec<PathBuf>,

    /// Directory holding the models (`neuroner-conll2003-en/`, `vader/`,
    /// `sentiment-news/`, `knowledge/default/`). Unset: `./models` when it
    /// exists, else the checkout's `models/` this binary was built from.
    #[arg(long, env = "COPYDESK_MODELS_DIR")]
    models_dir: Option<PathBuf>,

    /// Document size limit and server settings, the same for all five.
    #[command(flatten)]
    segmenter: SegmenterConfig,

    #[command(flatten)]
    gateway: GatewayOptions,
}

#[derive(Debug, clap::Subcommand)]
pub enum ServeCommand {
    /// The segmenter: paragraphs, sentences, tokens, language.
    Segmenter(SegmenterArgs),
    /// The entity recognizer: names, numbers and dates, grouped mentions.
    Entities(EntitiesArgs),
    /// The sentiment analyzer: document, sentence and entity tone.
    Sentiment(SentimentArgs),
    /// The knowledge service: entity links, topics, Lookup for tagging.
    Knowledge(KnowledgeArgs),
    /// The gateway: the Annotator over gRPC and HTTP/JSON.
    // Boxed: its many flags would make every variant as large.
    Gateway(Box<GatewayArgs>),
}

impl ServeCommand {
    /// The server's name, as its runtime and its traces know it.
    pub fn name(&self) -> &'static &'static str {
        match self {
            ServeCommand::Segmenter(_) => &copydesk_segmenter_server::SERVER_NAME,
            ServeCommand::Entities(_) => &copydesk_entities_server::SERVER_NAME,
            ServeCommand::Sentiment(_) => &copydesk_sentiment_server::SERVER_NAME,
            ServeCommand::Knowledge(_) => &copydesk_knowledge_server::SERVER_NAME,
            ServeCommand::Gateway(_) => &copydesk_gateway::SERVER_NAME,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct SegmenterArgs {
    /// Where to listen.
    #[arg(
        long,
        env = "COPYDESK_SEGMENTER_LISTEN",
        default_value = "0.0.0.0:50052"
    )]
    listen: SocketAddr,

    #[command(flatten)]
    config: SegmenterConfig,
}

#[derive(Debug, clap::Args)]
pub struct EntitiesArgs {
    /// Where to listen.
    #[arg(
        long,
        env = "COPYDESK_ENTITIES_LISTEN",
        default_value = "0.0.0.0:50053"
    )]
    listen: SocketAddr,

    #[command(flatten)]
    config: EntitiesConfig,
}

#[derive(Debug, clap::Args)]
pub struct SentimentArgs {
    /// Where to listen.
    #[arg(
        long,
        env = "COPYDESK_SENTIMENT_LISTEN",
        default_value = "0.0.0.0:50054"
    )]
    listen: SocketAddr,

    #[command(flatten)]
    config: SentimentConfig,
}

#[derive(Debug, clap::Args)]
pub struct KnowledgeArgs {
    /// Where to listen.
    #[arg(
        long,
        env = "COPYDESK_KNOWLEDGE_LISTEN",
        default_value = "0.0.0.0:50055"
    )]
    listen: SocketAddr,

    #[command(flatten)]
    config: KnowledgeConfig,
}

#[derive(Debug, clap::Args)]
pub struct GatewayArgs {
    /// Where to listen (gRPC and HTTP/JSON).
    #[arg(long, env = "COPYDESK_GATEWAY_LISTEN", default_value = "0.0.0.0:50051")]
    listen: SocketAddr,

    #[command(flatten)]
    config: GatewayConfig,
}

async fn bind(address: SocketAddr, server: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address} for the {server}"))
}

/// Every server in one process, each on its own port, gRPC between them.
pub async fn up(args: UpArgs) -> anyhow::Result<()> {
    // Bind everything first: a port in use fails the start, not half of it.
    let segmenter_listener = bind(args.segmenter_listen, "segmenter").await?;
    let entities_listener = bind(args.entities_listen, "entities service").await?;
    let sentiment_listener = bind(args.sentiment_listen, "sentiment service").await?;
    let knowledge_listener = bind(args.knowledge_listen, "knowledge service").await?;
    let gateway_listener = bind(args.gateway_listen, "gateway").await?;
    let url = |listener: &TcpListener| -> anyhow::Result<String> {
        Ok(format!("http://{}", reachable(listener.local_addr()?)))
    };

    let models_dir = models_dir(args.models_dir);
    let limit = args.segmenter.max_document_bytes;
    let server = args.segmenter.server.clone();
    let entities_config = EntitiesConfig {
        max_document_bytes: limit,
        models_dir: models_dir.clone(),
        server: server.clone(),
    };
    let knowledge_config = KnowledgeConfig {
        max_document_bytes: limit,
        models_dir: models_dir.clone(),
        newsroom_bases: args.newsroom_bases,
        server: server.clone(),
        ..KnowledgeConfig::default()
    };
    let sentiment_config = SentimentConfig {
        max_document_bytes: limit,
        models_dir: Some(models_dir),
        server: server.clone(),
    };
    // One process, one token: the services check the gateway's calls with
    // the token its callers must send.
    let mut gateway_options = args.gateway;
    if gateway_options.downstream_auth_token.is_none() {
        gateway_options.downstream_auth_token = server.auth_token.clone();
    }
    let gateway_config = GatewayConfig {
        segmenter_addr: url(&segmenter_listener)?,
        entities_addr: url(&entities_listener)?,
        sentiment_addr: url(&sentiment_listener)?,
        knowledge_addr: url(&knowledge_listener)?,
        gateway: gateway_options,
        max_document_bytes: limit,
        server,
    };

    let shutdown = Shutdown::new();
    let segmenter = tokio::spawn(copydesk_segmenter_server::serve(
        segmenter_listener,
        args.segmenter,
        shutdown.wait(),
    ));
    let entities = tokio::spawn(copydesk_entities_server::serve(
        entities_listener,
        entities_config,
        shutdown.wait(),
    ));
    let sentiment = tokio::spawn(copydesk_sentiment_server::serve(
        sentiment_listener,
        sentiment_config,
        shutdown.wait(),
    ));
    let knowledge = tokio::spawn(copydesk_knowledge_server::serve(
        knowledge_listener,
        knowledge_config,
        shutdown.wait(),
    ));
    let gateway = tokio::spawn(copydesk_gateway::serve(
        gateway_listener,
        gateway_config,
        shutdown.wait(),
    ));
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        signal().await;
        on_signal.trigger();
    });

    // If any server stops on its own, stop the others too.
    let (segmenter, entities, sentiment, knowledge, gateway) = tokio::join!(
        finish(segmenter, "segmenter", shutdown.clone()),
        finish(entities, "entities service", shutdown.clone()),
        finish(sentiment, "sentiment service", shutdown.clone()),
        finish(knowledge, "knowledge service", shutdown.clone()),
        finish(gateway, "gateway", shutdown.clone())
    );
    segmenter
        .and(entities)
        .and(sentiment)
        .and(knowledge)
        .and(gateway)
}

/// The models directory for `copydesk up`: as given, else `./models` in a
/// checkout, else the checkout this binary was built from.
pub(crate) fn models_dir(given: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = given {
        return dir;
    }
    let here = PathBuf::from("models");
    if here.is_dir() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
}

async fn finish<E>(
    task: tokio::task::JoinHandle<Result<(), E>>,
    server: &str,
    shutdown: Shutdown,
) -> anyhow::Result<()>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let result = task.await;
    shutdown.trigger();
    result
        .with_context(|| format!("the {server} task failed"))?
        .with_context(|| format!("the {server} failed"))
}

/// The address to call a listener at: its own, or loopback when it listens
/// on every interface.
fn reachable(address: SocketAddr) -> SocketAddr {
    if address.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port())
    } else {
        address
    }
}

/// One server in this process.
pub async fn serve(command: ServeCommand) -> ExitCode {
    let result = match command {
        ServeCommand::Segmenter(args) => serve_segmenter(args).await,
        ServeCommand::Entities(args) => serve_entities(args).await,
        ServeCommand::Sentiment(args) => serve_sentiment(args).await,
        ServeCommand::Knowledge(args) => serve_knowledge(args).await,
        ServeCommand::Gateway(args) => serve_gateway(*args).await,
    };
    crate::report(result)
}

async fn serve_entities(args: EntitiesArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen, "entities service").await?;
    copydesk_entities_server::serve(listener, args.config, signal()).await?;
    Ok(())
}

async fn serve_sentiment(args: SentimentArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen, "sentiment service").await?;
    copydesk_sentiment_server::serve(listener, args.config, signal()).await?;
    Ok(())
}

async fn serve_knowledge(args: KnowledgeArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen, "knowledge service").await?;
    copydesk_knowledge_server::serve(listener, args.config, signal()).await?;
    Ok(())
}

async fn serve_segmenter(args: SegmenterArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen, "segmenter").await?;
    copydesk_segmenter_server::serve(listener, args.config, signal()).await?;
    Ok(())
}

async fn serve_gateway(args: GatewayArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen, "gateway").await?;
    copydesk_gateway::serve(listener, args.config, signal()).await?;
    Ok(())
}
