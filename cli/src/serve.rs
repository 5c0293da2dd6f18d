//! `copydesk up` and `copydesk serve <server>`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context;
use copydesk_gateway::{GatewayConfig, GatewayOptions};
use copydesk_segmenter_server::SegmenterConfig;
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

    #[command(flatten)]
    segmenter: SegmenterConfig,

    #[command(flatten)]
    gateway: GatewayOptions,
}

#[derive(Debug, clap::Subcommand)]
pub enum ServeCommand {
    /// The segmenter: paragraphs, sentences, tokens, language.
    Segmenter(SegmenterArgs),
    /// The gateway: the Annotator over gRPC and HTTP/JSON.
    Gateway(GatewayArgs),
    /// The entity recognizer (not available in this build).
    Entities,
    /// The sentiment analyzer (not available in this build).
    Sentiment,
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
    let gateway_listener = bind(args.gateway_listen, "gateway").await?;
    let segmenter_url = format!("http://{}", reachable(segmenter_listener.local_addr()?));

    let gateway_config = GatewayConfig {
        segmenter_addr: segmenter_url,
        entities_addr: copydesk_gateway::config::DEFAULT_ENTITIES_ADDR.to_owned(),
        sentiment_addr: copydesk_gateway::config::DEFAULT_SENTIMENT_ADDR.to_owned(),
        gateway: args.gateway,
        max_document_bytes: args.segmenter.max_document_bytes,
        server: args.segmenter.server.clone(),
    };

    let shutdown = Shutdown::new();
    let segmenter = tokio::spawn(copydesk_segmenter_server::serve(
        segmenter_listener,
        args.segmenter,
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

    // If either server stops on its own, stop the other too.
    let (segmenter, gateway) = tokio::join!(
        finish(segmenter, "segmenter", shutdown.clone()),
        finish(gateway, "gateway", shutdown.clone())
    );
    segmenter.and(gateway)
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
        ServeCommand::Gateway(args) => serve_gateway(args).await,
        ServeCommand::Entities => return not_in_this_build("entities"),
        ServeCommand::Sentiment => return not_in_this_build("sentiment"),
    };
    crate::report(result)
}

/// Exit status 2: the command is right, this build cannot do it.
fn not_in_this_build(server: &str) -> ExitCode {
    eprintln!("copydesk: the {server} server is not available in this build");
    ExitCode::from(2)
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
